//! Characters no face has (they would print as a box).

use super::{Subject, doc};
use crate::diagnostic::Diagnostic;

/// Characters that print as nothing: format characters (zero-width space
/// and joiners, soft hyphen, BOM) and variation selectors. No face needs a
/// glyph for them.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{AD}' | '\u{34F}' | '\u{61C}' | '\u{180B}'..='\u{180E}' | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{206F}' | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}' | '\u{E0001}' | '\u{E0020}'..='\u{E007F}' | '\u{E0100}'..='\u{E01EF}')
}

/// Characters no available font has: they would print as a box.
pub(super) fn missing_glyphs(s: &Subject, out: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::HashSet::new();
    let chars = doc(s)
        .texts()
        .into_iter()
        .flat_map(|t| t.chars().collect::<Vec<_>>())
        // Each distinct character once, in order of appearance.
        .filter(|c| seen.insert(*c));
    for c in chars {
        if c.is_whitespace() || c.is_control() || is_invisible(c) || s.fonts.any_covers(c) {
            continue;
        }
        let at = s
            .composed
            .origins
            .iter()
            .find_map(|o| o.text.find(c).map(|i| o.locate(i, c.len_utf8())));
        out.push(
            Diagnostic::warning(
                "missing-glyph",
                format!(
                    "no font has a glyph for `{c}` (U+{:04X}); it would print as a box",
                    c as u32
                ),
            )
            .at_place(at)
            .label("no glyph")
            .hint(
                "use a common variant of the character, or add a font that has it with --font-path",
            ),
        );
    }
}
