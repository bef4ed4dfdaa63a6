//! The plan a clerk writes: `plan.toml`, or `notice.md` with `+++` front
//! matter. See `README.md` (and the contract in the plan-format spec).
//!
//! This module only reads and type-checks the plan; turning it into a
//! document (placeholders, Markdown, numbering) happens in `document`.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use toml::Spanned;

use crate::diagnostic::{Diagnostic, Failed, FileId, SourceMap, closest};

/// Every key of the plan, top level.
pub const PLAN_KEYS: &[&str] = &[
    "format",
    "issuer",
    "mark",
    "number",
    "copy_number",
    "secrecy",
    "secrecy_period",
    "urgency",
    "signers",
    "title",
    "to",
    "body",
    "body_file",
    "signature",
    "date",
    "seal",
    "note",
    "cc",
    "printed_by",
    "printed_on",
    "vars",
    "attachments",
    "attendees",
    "absentees",
    "observers",
    "duplex",
];

/// Every key of an `[[attachments]]` entry.
pub const ATTACHMENT_KEYS: &[&str] = &[
    "title",
    "body",
    "body_file",
    "csv",
    "landscape",
    "label",
    "listed",
];

/// A string, or an array of strings (several issuers, addressees, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneOrMany(pub Vec<String>);

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OneOrManyVisitor;
        impl<'de> Visitor<'de> for OneOrManyVisitor {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string or an array of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<String>()? {
                    items.push(item);
                }
                Ok(OneOrMany(items))
            }
        }
        deserializer.deserialize_any(OneOrManyVisitor)
    }
}

/// The `seal` key: one image path, or (extension of the contract) an array
/// with one image per issuer in the 署名, each path with its own place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SealPaths {
    One(String),
    Many(Vec<Spanned<String>>),
}

impl<'de> Deserialize<'de> for SealPaths {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SealPathsVisitor;
        impl<'de> Visitor<'de> for SealPathsVisitor {
            type Value = SealPaths;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an image path, or an array of image paths (one per issuer)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<SealPaths, E> {
                Ok(SealPaths::One(v.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<SealPaths, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Spanned<String>>()? {
                    items.push(item);
                }
                Ok(SealPaths::Many(items))
            }
        }
        deserializer.deserialize_any(SealPathsVisitor)
    }
}

impl SealPaths {
    /// Each path with its place (a lone path takes the key's place).
    pub fn paths(seal: &Spanned<SealPaths>) -> Vec<Spanned<String>> {
        match seal.get_ref() {
            SealPaths::One(path) => vec![Spanned::new(seal.span(), path.clone())],
            SealPaths::Many(paths) => paths.clone(),
        }
    }
}

/// A plan as written, each value with its place in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub format: Option<Spanned<String>>,
    pub issuer: Option<Spanned<OneOrMany>>,
    pub mark: Option<Spanned<String>>,
    pub number: Option<Spanned<String>>,
    pub copy_number: Option<Spanned<String>>,
    pub secrecy: Option<Spanned<String>>,
    pub secrecy_period: Option<Spanned<String>>,
    pub urgency: Option<Spanned<String>>,
    pub signers: Option<Spanned<Vec<String>>>,
    pub title: Option<Spanned<String>>,
    pub to: Option<Spanned<OneOrMany>>,
    pub body: Option<Spanned<String>>,
    pub body_file: Option<Spanned<String>>,
    pub signature: Option<Spanned<OneOrMany>>,
    /// A TOML date, or a string `2020-03-27` / `2020年3月27日`.
    pub date: Option<Spanned<toml::Value>>,
    /// One seal image, or one per issuer of a 联合行文 (extension).
    pub seal: Option<Spanned<SealPaths>>,
    pub note: Option<Spanned<String>>,
    pub cc: Option<Spanned<OneOrMany>>,
    pub printed_by: Option<Spanned<String>>,
    pub printed_on: Option<Spanned<toml::Value>>,
    pub vars: Option<Spanned<BTreeMap<String, Spanned<toml::Value>>>>,
    #[serde(default)]
    pub attachments: Vec<Spanned<AttachmentPlan>>,
    /// 纪要格式: 出席 (extension of the contract).
    pub attendees: Option<Spanned<OneOrMany>>,
    /// 纪要格式: 请假 (extension).
    pub absentees: Option<Spanned<OneOrMany>>,
    /// 纪要格式: 列席 (extension).
    pub observers: Option<Spanned<OneOrMany>>,
    /// Printed on both sides (extension): the 版记 goes on an even page.
    pub duplex: Option<Spanned<bool>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentPlan {
    pub title: Option<Spanned<String>>,
    pub body: Option<Spanned<String>>,
    pub body_file: Option<Spanned<String>>,
    pub csv: Option<Spanned<String>>,
    pub landscape: Option<Spanned<bool>>,
    pub label: Option<Spanned<String>>,
    pub listed: Option<Spanned<bool>>,
}

/// Where the Markdown body of a plan comes from.
#[derive(Debug, Clone)]
pub struct BodyText {
    pub text: String,
    pub file: FileId,
    /// Byte offset of `text` in the file.
    pub offset: usize,
    /// Whether `text` is the raw content of a TOML string (so offsets inside
    /// it map only approximately onto the file, because of escapes).
    pub in_toml_string: bool,
}

/// A plan read from disk, with everything needed to point at its places.
pub struct LoadedPlan {
    pub path: PathBuf,
    /// The plan file in the source map.
    pub file: FileId,
    /// Byte offset of the TOML text in the file (non-zero for front matter).
    pub toml_offset: usize,
    pub plan: Plan,
    /// The Markdown after the front matter of a `notice.md`.
    pub front_matter_body: Option<BodyText>,
}

impl LoadedPlan {
    /// The span of a spanned value, as a range in the plan file.
    pub fn span<T>(&self, value: &Spanned<T>) -> Range<usize> {
        let span = value.span();
        span.start + self.toml_offset..span.end + self.toml_offset
    }

    /// The folder paths in the plan are relative to.
    pub fn dir(&self) -> PathBuf {
        match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }
}

/// Whether a path looks like a plan: `*.toml`, or `*.md` starting with `+++`.
pub fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

/// Reads a plan file (either form) and type-checks it.
pub fn load(path: &Path, sources: &mut SourceMap) -> Result<LoadedPlan, Failed> {
    let bytes = std::fs::read(path).map_err(|err| {
        Diagnostic::error("io", format!("cannot read plan {}: {err}", path.display()))
            .hint("check the path; a plan is a .toml file or a .md file with +++ front matter")
    })?;
    parse(path, bytes, sources)
}

/// Reads a plan from its bytes; `path` says which form it is and where
/// relative paths start.
pub fn parse(path: &Path, bytes: Vec<u8>, sources: &mut SourceMap) -> Result<LoadedPlan, Failed> {
    let text = decode_utf8(path, bytes)?;
    let file = sources.add(path, text);
    let text = sources.text(file).to_string();

    let (toml_text, toml_offset, front_matter_body) = if is_markdown(path) {
        let fm = split_front_matter(&text).ok_or_else(|| {
            Diagnostic::error("front-matter", "this Markdown plan has no +++ front matter")
                .at(file, 0..text.lines().next().map_or(0, str::len))
                .label("expected a line `+++` here")
                .hint("start the file with a line `+++`, the TOML keys (title = \"...\" ...), then another `+++` line; the body follows")
        })?;
        match fm {
            FrontMatter::Unclosed { open } => {
                return Err(Diagnostic::error(
                    "front-matter",
                    "the +++ front matter is never closed",
                )
                .at(file, open)
                .label("opened here")
                .hint("add a line `+++` after the last TOML key, before the body")
                .into());
            }
            FrontMatter::Closed { toml, body } => {
                let body = BodyText {
                    text: text[body.clone()].to_string(),
                    file,
                    offset: body.start,
                    in_toml_string: false,
                };
                (text[toml.clone()].to_string(), toml.start, Some(body))
            }
        }
    } else {
        (text.clone(), 0, None)
    };

    let plan: Plan = toml::from_str(&toml_text)
        .map_err(|err| toml_error(&err, file, toml_offset, PLAN_KEYS, ATTACHMENT_KEYS))?;
    Ok(LoadedPlan {
        path: path.to_path_buf(),
        file,
        toml_offset,
        plan,
        front_matter_body,
    })
}

/// Checks that input is UTF-8, pointing at the first bad byte otherwise.
pub fn decode_utf8(path: &Path, bytes: Vec<u8>) -> Result<String, Failed> {
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|err| {
        let valid = err.utf8_error().valid_up_to();
        let good = String::from_utf8_lossy(&err.as_bytes()[..valid]).into_owned();
        let line = good.matches('\n').count() + 1;
        let col = good.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        Failed::from(
            Diagnostic::error(
                "encoding",
                format!(
                    "{}:{line}:{col}: the file is not UTF-8 text (invalid byte at offset {valid})",
                    path.display()
                ),
            )
            .hint("save the file as UTF-8 (in Notepad: Save As → Encoding: UTF-8); GBK files must be converted"),
        )
    })
}

enum FrontMatter {
    Closed {
        toml: Range<usize>,
        body: Range<usize>,
    },
    Unclosed {
        open: Range<usize>,
    },
}

/// Finds `+++` front matter at the very top of a Markdown plan.
fn split_front_matter(text: &str) -> Option<FrontMatter> {
    let mut lines = line_ranges(text);
    let first = lines.next()?;
    if text[first.clone()].trim_end() != "+++" {
        return None;
    }
    let toml_start = first.end;
    for line in lines {
        if text[line.clone()].trim_end() == "+++" {
            let body_start = (line.end).min(text.len());
            return Some(FrontMatter::Closed {
                toml: toml_start..line.start,
                body: body_start..text.len(),
            });
        }
    }
    Some(FrontMatter::Unclosed {
        open: first.start..first.start + 3,
    })
}

/// Ranges of each line including its newline.
fn line_ranges(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = text[start..]
            .find('\n')
            .map_or(text.len(), |i| start + i + 1);
        let range = start..end;
        start = end;
        Some(range)
    })
}

/// Turns a TOML error into a diagnostic at its place, with a hint.
pub fn toml_error(
    err: &toml::de::Error,
    file: FileId,
    offset: usize,
    keys: &[&str],
    nested_keys: &[&str],
) -> Diagnostic {
    let span = err
        .span()
        .map(|s| s.start + offset..s.end + offset)
        .unwrap_or(offset..offset);
    let message = err.message().trim().to_string();
    if let Some(unknown) = backticked_after(&message, "unknown field") {
        let mut d = Diagnostic::error("unknown-key", format!("unknown key `{unknown}`"))
            .at(file, span)
            .label("not a key of the plan");
        let suggestion = closest(&unknown, keys.iter().chain(nested_keys).copied());
        d = match suggestion {
            Some(s) => d.hint(format!("did you mean `{s}`?")),
            None => d.hint(format!("the keys are: {}", keys.join(", "))),
        };
        return d;
    }
    let hint = if message.contains("invalid type") {
        "check the value's type: text goes in \"quotes\", dates are written 2020-03-27 without quotes, lists in [ \"a\", \"b\" ]"
    } else if message.contains("duplicate key") {
        "each key may appear only once; remove one of them"
    } else {
        "see the plan format in README.md; strings need \"quotes\" and each key = value sits on its own line"
    };
    Diagnostic::error("toml", format!("invalid plan: {message}"))
        .at(file, span)
        .label(first_line(&message))
        .hint(hint)
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").to_string()
}

/// The first `backticked` word after `prefix` in a serde message.
fn backticked_after(message: &str, prefix: &str) -> Option<String> {
    let rest = &message[message.find(prefix)? + prefix.len()..];
    let start = rest.find('`')? + 1;
    let end = start + rest[start..].find('`')?;
    Some(rest[start..end].to_string())
}

/// A calendar date of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// The way GB/T 9704 prints dates: `2020年3月27日`, no padding.
    pub fn chinese(self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }

    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (year >= 1 && (1..=days).contains(&day)).then_some(Date { year, month, day })
    }
}

/// Reads a date value: a TOML date, or a string `2020-03-27` / `2020年3月27日`.
pub fn parse_date(value: &toml::Value) -> Result<Date, String> {
    match value {
        toml::Value::Datetime(dt) => {
            if dt.time.is_some() || dt.offset.is_some() {
                return Err("a date without time is expected".into());
            }
            let d = dt.date.ok_or("a date is expected")?;
            Date::new(d.year, d.month, d.day).ok_or_else(|| format!("{d} is not a calendar date"))
        }
        toml::Value::String(s) => parse_date_str(s.trim())
            .ok_or_else(|| format!("`{s}` is not a date like 2020-03-27 or 2020年3月27日")),
        other => Err(format!("a date is expected, found {}", other.type_str())),
    }
}

fn parse_date_str(s: &str) -> Option<Date> {
    let nums: Vec<&str> = s
        .split(['-', '/', '.', '年', '月', '日'])
        .filter(|p| !p.is_empty())
        .collect();
    let [y, m, d] = nums.as_slice() else {
        return None;
    };
    if y.len() != 4 {
        return None;
    }
    Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_print_without_padding() {
        assert_eq!(Date::new(2020, 3, 7).unwrap().chinese(), "2020年3月7日");
        assert!(Date::new(2021, 2, 29).is_none());
        assert!(Date::new(2024, 2, 29).is_some());
        assert_eq!(parse_date_str("2020年6月1日"), Date::new(2020, 6, 1));
        assert_eq!(parse_date_str("20-6-1"), None);
    }

    #[test]
    fn front_matter_is_split() {
        let text = "+++\ntitle = \"x\"\n+++\n# 正文\n";
        let Some(FrontMatter::Closed { toml, body }) = split_front_matter(text) else {
            panic!("front matter not found")
        };
        assert_eq!(&text[toml], "title = \"x\"\n");
        assert_eq!(&text[body], "# 正文\n");
        assert!(matches!(
            split_front_matter("+++\na=1\n"),
            Some(FrontMatter::Unclosed { .. })
        ));
        assert!(split_front_matter("# no\n").is_none());
    }
}
