//! Characters no face has (they would print as a box), and characters a
//! role's face lacks (they print in the fallback face).

use super::{Subject, doc};
use crate::diagnostic::Diagnostic;
use crate::gbt9704::{Role, heading_role};
use crate::model::{Block, Document, Run, Style};

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

/// The text each font role prints (page numbers aside).
#[derive(Default)]
struct RoleTexts(Vec<(Role, String)>);

impl RoleTexts {
    fn push(&mut self, role: Role, text: &str) {
        self.0.push((role, text.to_string()));
    }

    fn runs(&mut self, runs: &[Run], base: Role) {
        for r in runs {
            let role = match r.style {
                Style::Strong => Role::Heiti,
                Style::Emphasis => Role::Kaiti,
                Style::Plain => base,
            };
            self.push(role, &r.text);
        }
    }

    fn blocks(&mut self, blocks: &[Block]) {
        for b in blocks {
            match b {
                Block::Heading(h) => self.runs(&h.runs, heading_role(h.level)),
                Block::Paragraph { lead, runs } => {
                    if let Some(h) = lead {
                        self.runs(&h.runs, heading_role(h.level));
                    }
                    self.runs(runs, Role::Fangsong);
                }
                Block::Table(t) => {
                    for c in &t.header {
                        self.runs(c, Role::Heiti);
                    }
                    for c in t.rows.iter().flatten() {
                        self.runs(c, Role::Fangsong);
                    }
                }
            }
        }
    }

    fn of(doc: &Document) -> RoleTexts {
        let mut t = RoleTexts::default();
        for s in [&doc.copy_number, &doc.secrecy, &doc.urgency]
            .into_iter()
            .flatten()
        {
            t.push(Role::Heiti, s);
        }
        if let Some(mark) = &doc.mark {
            for l in mark.lines.iter().chain(&mark.suffix) {
                t.push(Role::Xiaobiaosong, l);
            }
        }
        for s in &doc.signers {
            t.push(Role::Kaiti, s);
        }
        if let Some(title) = &doc.title {
            t.push(Role::Xiaobiaosong, &title.text);
        }
        for s in doc
            .number
            .iter()
            .chain(&doc.to)
            .chain(&doc.signature)
            .chain(&doc.date)
            .chain(&doc.note)
        {
            t.push(Role::Fangsong, s);
        }
        for n in &doc.attachment_notes {
            t.push(Role::Fangsong, &n.name);
        }
        for a in &doc.attendance {
            t.push(Role::Heiti, &a.label);
            t.push(Role::Fangsong, &a.names);
        }
        t.blocks(&doc.body);
        for a in &doc.attachments {
            if let Some(l) = &a.label {
                t.push(Role::Heiti, l);
            }
            if let Some(title) = &a.title {
                t.push(Role::Xiaobiaosong, &title.text);
            }
            t.blocks(&a.body);
        }
        if let Some(imp) = &doc.imprint {
            for s in [&imp.cc, &imp.printed_by, &imp.printed_on]
                .into_iter()
                .flatten()
            {
                t.push(Role::Fangsong, s);
            }
        }
        t
    }
}

/// Characters a role's own face lacks but another face has: they print,
/// in the fallback face, and look different from their neighbours.
pub(super) fn other_faces(s: &Subject, out: &mut Vec<Diagnostic>) {
    let mut found: Vec<(Role, Vec<char>)> = Vec::new();
    let mut first: Option<char> = None;
    for (role, text) in RoleTexts::of(doc(s)).0 {
        for c in text.chars() {
            if c.is_whitespace() || c.is_control() || is_invisible(c) || c.is_ascii() {
                continue;
            }
            if s.fonts.role_covers(role, c) || !s.fonts.any_covers(c) {
                continue;
            }
            match found.iter_mut().find(|(r, _)| *r == role) {
                Some((_, chars)) if !chars.contains(&c) => chars.push(c),
                Some(_) => {}
                None => found.push((role, vec![c])),
            }
            first.get_or_insert(c);
        }
    }
    let Some(first) = first else { return };
    let list: Vec<String> = found
        .iter()
        .map(|(role, chars)| {
            format!(
                "{} in {} text ({})",
                chars.iter().collect::<String>(),
                role.chinese(),
                s.fonts.role(*role).family
            )
        })
        .collect();
    let at = s
        .composed
        .origins
        .iter()
        .find_map(|o| o.text.find(first).map(|i| o.locate(i, first.len_utf8())));
    out.push(
        Diagnostic::warning(
            "other-face",
            format!(
                "characters print in the fallback face {} because their role's face lacks them: {}",
                s.fonts.fallback().family,
                list.join("; ")
            ),
        )
        .at_place(at)
        .label("not in this role's face")
        .hint("give a face of the role that has them with --font-path (e.g. 方正仿宋_GBK, 方正楷体_GBK), or use the common form of the character"),
    );
}
