//! Where each piece of document text came from, so a finding about any
//! character (a half-width comma, a missing glyph, a Markdown note) points
//! at its line and column, also inside TOML strings with escapes and
//! through filled placeholders.

use crate::diagnostic::Place;

/// For each byte of a text (and its end), the byte of its file it came
/// from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OffsetMap {
    /// The text stands verbatim in the file from this byte on.
    Shift(usize),
    /// Byte by byte (escapes, placeholders).
    Table(Vec<usize>),
}

impl OffsetMap {
    pub fn get(&self, index: usize) -> Option<usize> {
        match self {
            OffsetMap::Shift(start) => Some(start + index),
            OffsetMap::Table(table) => table.get(index).copied(),
        }
    }

    /// This map seen through another: `inner[i]` is a byte of the text this
    /// map describes.
    pub fn compose(&self, inner: &[usize]) -> OffsetMap {
        match self {
            OffsetMap::Shift(start) if is_identity(inner) => OffsetMap::Shift(*start),
            _ => OffsetMap::Table(
                inner
                    .iter()
                    .map(|&i| self.get(i).unwrap_or_default())
                    .collect(),
            ),
        }
    }
}

fn is_identity(table: &[usize]) -> bool {
    table.iter().enumerate().all(|(i, &j)| i == j)
}

/// A piece of document text and where it sits in an input file.
#[derive(Debug, Clone)]
pub struct TextOrigin {
    pub text: String,
    /// The whole value (a TOML string or array, a body file).
    pub place: Place,
    /// Where each byte of `text` is in the file, when known.
    pub map: Option<OffsetMap>,
}

impl TextOrigin {
    /// The place of `len` bytes at byte `index` of the text: exact when the
    /// map knows it, else the whole value.
    pub fn locate(&self, index: usize, len: usize) -> Place {
        let Some(map) = &self.map else {
            return self.place.clone();
        };
        let span = match (map.get(index), map.get(index + len)) {
            (Some(start), Some(end)) if end > start => start..end,
            (Some(start), _) => start..start + len,
            _ => return self.place.clone(),
        };
        Place {
            file: self.place.file,
            span,
        }
    }
}

/// Decodes a TOML string literal as written in its file (quotes included),
/// with the file offset of each byte of the value relative to the literal's
/// start. `None` for what this does not know how to read.
pub fn decode_toml_string(raw: &str) -> Option<(String, Vec<usize>)> {
    let delimiter = ["\"\"\"", "'''", "\"", "'"]
        .into_iter()
        .find(|d| raw.starts_with(d))?;
    if raw.len() < 2 * delimiter.len() || !raw.ends_with(delimiter) {
        return None;
    }
    let literal = delimiter.starts_with('\'');
    let multiline = delimiter.len() == 3;
    let mut i = delimiter.len();
    let end = raw.len() - delimiter.len();
    if multiline {
        if raw[i..end].starts_with("\r\n") {
            i += 2;
        } else if raw[i..end].starts_with('\n') {
            i += 1;
        }
    }
    let mut text = String::new();
    let mut map = Vec::new();
    let push = |text: &mut String, map: &mut Vec<usize>, s: &str, at: usize| {
        text.push_str(s);
        map.extend(std::iter::repeat_n(at, s.len()));
    };
    while i < end {
        let c = raw[i..].chars().next()?;
        if literal || c != '\\' {
            for (k, _) in c.to_string().bytes().enumerate() {
                map.push(i + k);
            }
            text.push(c);
            i += c.len_utf8();
            continue;
        }
        let next = raw[i + 1..].chars().next()?;
        let (decoded, len) = match next {
            'b' => ("\u{8}".to_string(), 2),
            't' => ("\t".to_string(), 2),
            'n' => ("\n".to_string(), 2),
            'f' => ("\u{c}".to_string(), 2),
            'r' => ("\r".to_string(), 2),
            'e' => ("\u{1b}".to_string(), 2),
            '"' => ("\"".to_string(), 2),
            '\\' => ("\\".to_string(), 2),
            'u' | 'U' => {
                let digits = if next == 'u' { 4 } else { 8 };
                let hex = raw.get(i + 2..i + 2 + digits)?;
                let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
                (c.to_string(), 2 + digits)
            }
            'x' => {
                let hex = raw.get(i + 2..i + 4)?;
                let c = char::from_u32(u32::from_str_radix(hex, 16).ok()?)?;
                (c.to_string(), 4)
            }
            c if multiline && c.is_whitespace() => {
                // A line-ending backslash: whitespace and newlines vanish.
                let rest = &raw[i + 1..end];
                let skipped = rest.len() - rest.trim_start().len();
                if !rest[..skipped].contains('\n') {
                    return None;
                }
                (String::new(), 1 + skipped)
            }
            _ => return None,
        };
        push(&mut text, &mut map, &decoded, i);
        i += len;
    }
    map.push(end);
    Some((text, map))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_map_to_their_backslash() {
        let raw = r#""a\tb,c\u4E2D,""#;
        let (text, map) = decode_toml_string(raw).unwrap();
        assert_eq!(text, "a\tb,c中,");
        assert_eq!(&raw[map[text.find(',').unwrap()]..][..1], ",");
        assert_eq!(&raw[map[text.rfind(',').unwrap()]..][..1], ",");
    }

    #[test]
    fn multiline_strings_drop_their_first_newline() {
        let raw = "'''\n第一段,\n第二段'''";
        let (text, map) = decode_toml_string(raw).unwrap();
        assert_eq!(text, "第一段,\n第二段");
        assert_eq!(&raw[map[text.find(',').unwrap()]..][..1], ",");
        let raw = "\"\"\"\n甲\\\n   乙\"\"\"";
        assert_eq!(decode_toml_string(raw).unwrap().0, "甲乙");
    }
}
