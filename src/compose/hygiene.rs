//! Characters that must not print: control characters (NUL, ESC, BEL,
//! U+0085 …), bidirectional controls (which reorder text in a PDF viewer
//! but not in the text twin) and the markers placeholders use. They are
//! dropped from every text of the model, with one warning that names them.
//! Half-width, small and vertical forms of Chinese punctuation (`｡` from
//! a Japanese input method, `﹐` from a PDF copy) look like the real mark
//! to a clerk but have no glyph in the 公文 faces: they print as the mark
//! they stand for, with a note. So do the other compatibility forms a
//! clerk cannot tell from the real text: Latin ligatures (`ﬁ` from a PDF
//! copy), Kangxi and CJK radicals (`⼀` for `一`) and CJK compatibility
//! ideographs, which print as their NFKC form.

use std::collections::BTreeMap;

use super::Composer;
use super::placeholders::is_marker_char;
use crate::diagnostic::Diagnostic;
use crate::limits;
use crate::model::Document;

/// Whether a character is dropped from document text.
pub fn is_dropped(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\t'))
        || is_bidi_control(c)
        || is_noncharacter(c)
        || is_marker_char(c)
}

/// Unicode's noncharacters (U+FFFE, U+FDD0 …): never text, and not allowed
/// in the XML of a Word file.
fn is_noncharacter(c: char) -> bool {
    let c = c as u32;
    (0xFDD0..=0xFDEF).contains(&c) || c & 0xFFFE == 0xFFFE
}

/// What a half-width, small, vertical or compatibility form stands for.
pub fn lookalike(c: char) -> Option<String> {
    use unicode_normalization::UnicodeNormalization as _;
    let mark = match c {
        '\u{FF61}' | '\u{FE12}' => '。',
        '\u{FF62}' => '「',
        '\u{FF63}' => '」',
        '\u{FF64}' | '\u{FE51}' | '\u{FE11}' => '、',
        '\u{FF65}' => '·',
        '\u{FE50}' | '\u{FE10}' => '，',
        '\u{FE54}' | '\u{FE14}' => '；',
        '\u{FE55}' | '\u{FE13}' => '：',
        '\u{FE56}' | '\u{FE16}' => '？',
        '\u{FE57}' | '\u{FE15}' => '！',
        '\u{FE59}' => '（',
        '\u{FE5A}' => '）',
        '\u{FE5D}' => '〔',
        '\u{FE5E}' => '〕',
        // Latin ligatures, CJK and Kangxi radicals, compatibility
        // ideographs: their NFKC form, which a clerk cannot tell apart.
        '\u{FB00}'..='\u{FB06}'
        | '\u{2E80}'..='\u{2EF3}'
        | '\u{2F00}'..='\u{2FD5}'
        | '\u{F900}'..='\u{FAFF}' => {
            let form: String = std::iter::once(c).nfkc().collect();
            return form.chars().ne(std::iter::once(c)).then_some(form);
        }
        _ => return None,
    };
    Some(mark.to_string())
}

/// Unicode's explicit bidirectional formatting characters.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters replaced or dropped, with how often.
#[derive(Default)]
struct Tally {
    replaced: BTreeMap<char, usize>,
    dropped: BTreeMap<char, usize>,
}

/// Prints look-alikes as what they stand for and drops what must not print.
fn scrub(s: &mut String, tally: &mut Tally) {
    if s.chars().any(|c| lookalike(c).is_some()) {
        let mut text = String::with_capacity(s.len());
        for c in s.chars() {
            match lookalike(c) {
                Some(form) => {
                    *tally.replaced.entry(c).or_default() += 1;
                    text.push_str(&form);
                }
                None => text.push(c),
            }
        }
        *s = text;
    }
    if s.chars().any(is_dropped) {
        s.retain(|c| {
            let drop = is_dropped(c) && c != '\r';
            if drop {
                *tally.dropped.entry(c).or_default() += 1;
            }
            !is_dropped(c)
        });
    }
}

/// Why a `vars` value is too large to be a placeholder value, if it is.
pub(super) fn oversized_value(value: &toml::Value) -> Option<String> {
    let size = match value {
        toml::Value::String(s) => s.len(),
        toml::Value::Array(items) => return items.iter().find_map(oversized_value),
        toml::Value::Table(table) => return table.values().find_map(oversized_value),
        _ => 0,
    };
    (size > limits::FIELD_BYTES).then(|| {
        format!(
            "is {}, more than the limit of {} for one value",
            limits::human_bytes(size as u64),
            limits::human_bytes(limits::FIELD_BYTES as u64)
        )
    })
}

impl Composer<'_> {
    /// Drops the characters that must not print, reporting them once.
    pub(super) fn clean(&mut self, document: &mut Document) {
        let mut tally = Tally::default();
        // A title's words and lines, and the PDF's metadata, repeat text
        // printed elsewhere: they are cleaned, and counted once, with it.
        let uncounted = &mut Tally::default();
        let titles = document.title.iter_mut().chain(
            document
                .attachments
                .iter_mut()
                .filter_map(|a| a.title.as_mut()),
        );
        for title in titles {
            for s in title.words.iter_mut().chain(title.lines.iter_mut()) {
                scrub(s, uncounted);
            }
        }
        scrub(&mut document.metadata.title, uncounted);
        scrub(&mut document.metadata.author, uncounted);
        document.for_each_text_mut(&mut |s| scrub(s, &mut tally));
        let Tally { replaced, dropped } = tally;
        if let Some(&first) = replaced.keys().next() {
            let list: Vec<String> = replaced
                .iter()
                .map(|(c, n)| {
                    let mark = lookalike(*c).expect("replaced");
                    format!("`{c}` (U+{:04X}) → `{mark}` ×{n}", *c as u32)
                })
                .collect();
            self.warnings.push(
                Diagnostic::note(
                    "lookalike-punctuation",
                    format!(
                        "half-width or compatibility forms printed as the characters they stand for: {}",
                        list.join(", ")
                    ),
                )
                .at_place(self.place_of(first))
                .label("printed as the character it stands for")
                .hint("type the character itself in the source to silence this note"),
            );
        }
        if dropped.is_empty() {
            return;
        }
        let first = *dropped.keys().next().expect("not empty");
        let at = self.place_of(first);
        let list: Vec<String> = dropped
            .iter()
            .map(|(c, n)| format!("U+{:04X} ×{n}", *c as u32))
            .collect();
        self.warnings.push(
            Diagnostic::warning(
                "control-character",
                format!(
                    "control or direction characters were dropped from the text: {}",
                    list.join(", ")
                ),
            )
            .at_place(at)
            .label("does not print")
            .hint("remove them from the source; they are invisible and would print differently in the PDF and the text"),
        );
    }
}

impl Composer<'_> {
    /// Where a character first occurs in the plan's sources.
    fn place_of(&self, c: char) -> Option<crate::diagnostic::Place> {
        self.origins
            .iter()
            .find_map(|o| o.text.find(c).map(|i| o.locate(i, c.len_utf8())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_width_and_small_forms_stand_for_the_full_width_marks() {
        let text = "通知如下｡一､二﹐三﹔四︒Wiﬁ⼀\u{F91D}⺟";
        let printed: String = text
            .chars()
            .map(|c| lookalike(c).unwrap_or_else(|| c.to_string()))
            .collect();
        assert_eq!(printed, "通知如下。一、二，三；四。Wifi一欄母");
        assert_eq!(lookalike('。'), None);
        assert_eq!(lookalike('a'), None);
        // Radicals without a compatibility mapping stay.
        assert_eq!(lookalike('⺀'), None);
    }

    #[test]
    fn controls_and_bidi_are_dropped_but_line_breaks_stay() {
        let text = "a\u{0}b\u{1b}c\u{7}d\u{85}e\u{202E}f\u{FFFE}\u{FDD0}\ng\th";
        let kept: String = text.chars().filter(|c| !is_dropped(*c)).collect();
        assert_eq!(kept, "abcdef\ng\th");
        assert!(
            !is_dropped('\u{200B}'),
            "zero-width space prints (as nothing)"
        );
    }
}
