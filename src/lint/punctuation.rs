//! Half-width `:` `,` `;` `(` `)` and a sentence's `.` in Chinese text,
//! where the full-width forms belong.

use super::Subject;
use crate::diagnostic::Diagnostic;

pub(super) fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3134F)
        || "“”‘’—…".contains(c)
}

/// ASCII `:` `,` `;` `(` `)` next to Chinese text, where full-width forms
/// belong.
pub(super) fn ascii_punctuation(s: &Subject, out: &mut Vec<Diagnostic>) {
    const LIMIT: usize = 20;
    let mut reported = 0;
    for origin in &s.composed.origins {
        let found = ascii_marks(&origin.text);
        if found.is_empty() {
            continue;
        }
        if origin.map.is_none() {
            // Escapes or placeholders: point at the value, name the marks.
            let mut marks: Vec<(char, char)> = found.iter().map(|(_, c, f)| (*c, *f)).collect();
            marks.sort();
            marks.dedup();
            let list: Vec<String> = marks.iter().map(|(c, _)| format!("`{c}`")).collect();
            let fixes: Vec<String> = marks
                .iter()
                .map(|(c, f)| format!("`{c}` → `{f}`"))
                .collect();
            out.push(
                Diagnostic::warning(
                    "ascii-punctuation",
                    format!(
                        "half-width {} in Chinese text ({} times)",
                        list.join(" "),
                        found.len()
                    ),
                )
                .at_place(Some(origin.place.clone()))
                .label("here")
                .hint(format!("use the full-width forms: {}", fixes.join(", "))),
            );
            continue;
        }
        for (i, c, full) in found {
            reported += 1;
            if reported > LIMIT {
                continue;
            }
            out.push(
                Diagnostic::warning(
                    "ascii-punctuation",
                    format!("half-width `{c}` in Chinese text"),
                )
                .at_place(Some(origin.locate(i, c.len_utf8())))
                .label(format!("use `{full}`"))
                .hint(format!("replace `{c}` with the full-width `{full}`")),
            );
        }
    }
    if reported > LIMIT {
        out.push(Diagnostic::warning(
            "ascii-punctuation",
            format!(
                "{} more half-width punctuation marks in Chinese text",
                reported - LIMIT
            ),
        ));
    }
}

/// Half-width `:` `,` `;` `(` `)` touching Chinese text, and `.` ending a
/// Chinese sentence: (byte index, mark, its full-width form).
fn ascii_marks(text: &str) -> Vec<(usize, char, char)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut found = Vec::new();
    let mut plain: Vec<char> = Vec::new();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if c == '.' {
            if plain.is_empty() {
                plain = chars.iter().map(|x| x.1).collect();
            }
            if crate::import::repair::is_chinese_full_stop(&plain, k) {
                found.push((i, c, '。'));
            }
            continue;
        }
        let full = match c {
            ':' => '：',
            ',' => '，',
            ';' => '；',
            '(' => '（',
            ')' => '）',
            _ => continue,
        };
        let before = chars[..k].iter().rev().map(|x| x.1).find(|c| *c != ' ');
        let after = chars[k + 1..].iter().map(|x| x.1).find(|c| *c != ' ');
        let chinese_neighbour = before.is_some_and(is_cjk) || after.is_some_and(is_cjk);
        let chinese_inside = match c {
            '(' => chars[k + 1..]
                .iter()
                .take_while(|x| x.1 != ')' && x.1 != '\n')
                .any(|x| is_cjk(x.1)),
            ')' => chars[..k]
                .iter()
                .rev()
                .take_while(|x| x.1 != '(' && x.1 != '\n')
                .any(|x| is_cjk(x.1)),
            _ => false,
        };
        // Markdown link targets `](...)` are syntax, not text.
        let link = c == '(' && before == Some(']') || c == ')' && link_target_end(&chars, k);
        if (chinese_neighbour || chinese_inside) && !link {
            found.push((i, c, full));
        }
    }
    found
}

/// Whether the `)` at `k` closes a Markdown link target `](...)`.
fn link_target_end(chars: &[(usize, char)], k: usize) -> bool {
    let open = chars[..k].iter().rposition(|x| x.1 == '(');
    open.is_some_and(|o| o > 0 && chars[o - 1].1 == ']')
}
