//! Characters that must not print: control characters (NUL, ESC, BEL,
//! U+0085 …), bidirectional controls (which reorder text in a PDF viewer
//! but not in the text twin) and the markers placeholders use. They are
//! dropped from every text of the model, with one warning that names them.

use std::collections::BTreeMap;

use super::Composer;
use super::placeholders::is_marker_char;
use crate::diagnostic::Diagnostic;
use crate::limits;
use crate::model::Document;

/// Whether a character is dropped from document text.
pub fn is_dropped(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\t')) || is_bidi_control(c) || is_marker_char(c)
}

/// Unicode's explicit bidirectional formatting characters.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
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
        let mut dropped: BTreeMap<char, usize> = BTreeMap::new();
        document.for_each_text_mut(&mut |s| {
            if s.chars().any(is_dropped) {
                s.retain(|c| {
                    let drop = is_dropped(c) && c != '\r';
                    if drop {
                        *dropped.entry(c).or_default() += 1;
                    }
                    !is_dropped(c)
                });
            }
        });
        if dropped.is_empty() {
            return;
        }
        let first = *dropped.keys().next().expect("not empty");
        let at = self
            .origins
            .iter()
            .find_map(|o| o.text.find(first).map(|i| o.locate(i, first.len_utf8())));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_are_dropped_but_line_breaks_stay() {
        let text = "a\u{0}b\u{1b}c\u{7}d\u{85}e\u{202E}f\ng\th";
        let kept: String = text.chars().filter(|c| !is_dropped(*c)).collect();
        assert_eq!(kept, "abcdef\ng\th");
        assert!(
            !is_dropped('\u{200B}'),
            "zero-width space prints (as nothing)"
        );
    }
}
