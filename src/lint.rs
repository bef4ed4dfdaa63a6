//! Checks a plan against GB/T 9704 and common 公文 practice.
//!
//! Every finding is a warning with its place and a suggested fix. `notice
//! check` reports them and fails when there are any; `notice build` prints
//! them and still writes the outputs (unless `--strict`).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use toml::Spanned;

use crate::diagnostic::{Diagnostic, Place, closest};
use crate::document::{Built, TextOrigin};
use crate::fonts::FontSet;
use crate::model::{Document, Format};
use crate::plan::{Date, LoadedPlan, parse_date};

pub const SECRECY_LEVELS: [&str; 3] = ["秘密", "机密", "绝密"];
pub const URGENCY_LEVELS: [&str; 2] = ["特急", "加急"];

/// Everything the checks look at.
pub struct Subject<'a> {
    pub loaded: &'a LoadedPlan,
    pub built: &'a Built,
    pub fonts: &'a FontSet,
    /// Today's date, for dates implausibly far in the future.
    pub today: Date,
}

/// Runs every check.
pub fn lint(s: &Subject) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    document_number(s, &mut out);
    title_punctuation(s, &mut out);
    ascii_punctuation(s, &mut out);
    attachment_labels(s, &mut out);
    secrecy_and_urgency(s, &mut out);
    dates(s, &mut out);
    missing_glyphs(s, &mut out);
    out
}

fn place<T>(s: &Subject, value: &Spanned<T>) -> Place {
    Place {
        file: s.loaded.file,
        span: s.loaded.span(value),
    }
}

fn doc<'a>(s: &Subject<'a>) -> &'a Document {
    &s.built.document
}

static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    // prefix, bracketed year, optional 第, sequence, 号
    Regex::new(r"^(?P<prefix>.*?)(?P<open>[\[【(（〔［])\s*(?P<year>\d+)\s*(?P<close>[\]】)）〕］])\s*(?P<di>第)?(?P<seq>\d+)(?P<hao>号?)(?P<rest>.*)$").unwrap()
});

/// 发文字号: `〔〕` around the full year, no 第, no leading zeros.
fn document_number(s: &Subject, out: &mut Vec<Diagnostic>) {
    // A 令号 is written 第N号; the rule is for 发文字号.
    if doc(s).format == Format::Order {
        return;
    }
    let (Some(value), Some(number)) = (&s.loaded.plan.number, &doc(s).number) else {
        return;
    };
    let Some(caps) = NUMBER.captures(number) else {
        return;
    };
    let year = &caps["year"];
    let seq = &caps["seq"];
    let full_year = if year.len() == 2 {
        format!("20{year}")
    } else {
        year.to_string()
    };
    let fixed_seq = seq.trim_start_matches('0');
    let fixed_seq = if fixed_seq.is_empty() { "0" } else { fixed_seq };
    let fixed = format!(
        "{}〔{full_year}〕{fixed_seq}号{}",
        &caps["prefix"], &caps["rest"]
    );
    let at = place(s, value);
    let mut problems = Vec::new();
    if &caps["open"] != "〔" || &caps["close"] != "〕" {
        problems.push((
            "number-brackets",
            format!(
                "the year in the 发文字号 is in {}{} instead of 六角括号 〔〕",
                &caps["open"], &caps["close"]
            ),
        ));
    }
    if year.len() != 4 {
        problems.push((
            "number-year",
            format!(
                "the 发文字号 has a {}-digit year; write the full year",
                year.len()
            ),
        ));
    }
    if caps.name("di").is_some() {
        problems.push((
            "number-sequence",
            "the 发文字号's sequence number has a 第 it should not have".to_string(),
        ));
    }
    if seq.len() > 1 && seq.starts_with('0') {
        problems.push((
            "number-sequence",
            "the 发文字号's sequence number has leading zeros".to_string(),
        ));
    }
    if caps["hao"].is_empty() {
        problems.push((
            "number-sequence",
            "the 发文字号 should end with 号".to_string(),
        ));
    }
    for (code, message) in problems {
        out.push(
            Diagnostic::warning(code, message)
                .at_place(Some(at.clone()))
                .label("发文字号")
                .hint(format!("write `{fixed}`")),
        );
    }
}

/// A title carries no closing punctuation.
fn title_punctuation(s: &Subject, out: &mut Vec<Diagnostic>) {
    let (Some(value), Some(title)) = (&s.loaded.plan.title, &doc(s).title) else {
        return;
    };
    if let Some(last) = title.text.chars().last()
        && "。，；：、！？.,;:!?".contains(last)
    {
        out.push(
            Diagnostic::warning("title-punctuation", format!("the title ends with `{last}`"))
                .at_place(Some(place(s, value)))
                .label("title")
                .hint(format!("remove the `{last}`: titles end without punctuation (书名号 and 引号 may close it)")),
        );
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3134F)
        || "“”‘’—…".contains(c)
}

/// ASCII `:` `,` `;` `(` `)` next to Chinese text, where full-width forms
/// belong.
fn ascii_punctuation(s: &Subject, out: &mut Vec<Diagnostic>) {
    const LIMIT: usize = 20;
    let mut reported = 0;
    for origin in &s.built.origins {
        let found = ascii_marks(&origin.text);
        if found.is_empty() {
            continue;
        }
        if origin.offset.is_none() {
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

/// Half-width `:` `,` `;` `(` `)` touching Chinese text: (byte index, mark,
/// its full-width form).
fn ascii_marks(text: &str) -> Vec<(usize, char, char)> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut found = Vec::new();
    for (k, &(i, c)) in chars.iter().enumerate() {
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

static LABEL_NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^附件\s*(\d+)$").unwrap());
static TITLE_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(附件\s*\d*[：:.．、]?|\d+[.．、])\s*").unwrap());

/// 附件 labels match their order; titles do not repeat the numbering.
fn attachment_labels(s: &Subject, out: &mut Vec<Diagnostic>) {
    let plans = &s.loaded.plan.attachments;
    let listed: Vec<bool> = plans
        .iter()
        .map(|a| a.get_ref().listed.as_ref().is_none_or(|l| *l.get_ref()))
        .collect();
    let several = listed.iter().filter(|l| **l).count() > 1;
    let mut ordinal = 0;
    for (i, spanned) in plans.iter().enumerate() {
        let plan = spanned.get_ref();
        let number = listed[i].then(|| {
            ordinal += 1;
            ordinal
        });
        if let (Some(label), Some(model)) = (&plan.label, s.built.document.attachments.get(i))
            && let Some(text) = &model.label
            && let Some(caps) = LABEL_NUMBER.captures(text)
        {
            let typed: usize = caps[1].parse().unwrap_or(0);
            let expected = match number {
                Some(n) if several => format!("附件{n}"),
                _ => "附件".to_string(),
            };
            if expected != *text || (number.is_some() && several && typed != number.unwrap_or(0)) {
                out.push(
                    Diagnostic::warning("attachment-number", format!("the label `{text}` does not match the attachment's place in the 附件说明"))
                        .at_place(Some(place(s, label)))
                        .label("label")
                        .hint(format!("label it `{expected}`, or drop `label` and let notice number it")),
                );
            }
        }
        if let Some(title) = &plan.title
            && let Some(m) = TITLE_NUMBER.find(title.get_ref())
        {
            out.push(
                Diagnostic::warning(
                    "attachment-number",
                    format!(
                        "the attachment title starts with its own number `{}`",
                        m.as_str().trim()
                    ),
                )
                .at_place(Some(place(s, title)))
                .label("title")
                .hint("remove it: notice numbers the 附件说明 and the labels itself"),
            );
        }
    }
}

/// 密级, 保密期限 and 紧急程度 values.
fn secrecy_and_urgency(s: &Subject, out: &mut Vec<Diagnostic>) {
    let plan = &s.loaded.plan;
    if let Some(period) = &plan.secrecy_period
        && plan.secrecy.is_none()
    {
        out.push(
            Diagnostic::warning(
                "secrecy-period",
                "`secrecy_period` is given without `secrecy`",
            )
            .at_place(Some(place(s, period)))
            .label("保密期限 of no 密级")
            .hint("add `secrecy = \"秘密\"` (or 机密, 绝密), or remove `secrecy_period`"),
        );
    }
    type Check<'a> = (
        &'a Option<Spanned<String>>,
        &'a [&'a str],
        &'static str,
        &'static str,
    );
    let checks: [Check; 2] = [
        (&plan.secrecy, &SECRECY_LEVELS, "secrecy", "密级"),
        (&plan.urgency, &URGENCY_LEVELS, "urgency", "紧急程度"),
    ];
    for (value, known, code, name) in checks {
        let Some(value) = value else { continue };
        let text = value.get_ref().trim();
        if text.is_empty() || known.contains(&text) {
            continue;
        }
        let mut d = Diagnostic::warning(code, format!("`{text}` is not a {name} of GB/T 9704"))
            .at_place(Some(place(s, value)))
            .label(format!("unknown {name}"));
        if let Some(c) = closest(text, known.iter().copied()) {
            d = d.hint(format!("did you mean `{c}`?"));
        }
        out.push(d.hint(format!("the {name} values are {}", known.join("、"))));
    }
}

/// Dates before the People's Republic or more than a year ahead are typos.
fn dates(s: &Subject, out: &mut Vec<Diagnostic>) {
    let plan = &s.loaded.plan;
    let earliest = Date::new(1949, 10, 1).expect("a valid date");
    let latest = Date {
        year: s.today.year + 1,
        ..s.today
    };
    let mut parsed = BTreeMap::new();
    for (key, value) in [("date", &plan.date), ("printed_on", &plan.printed_on)] {
        let Some(value) = value else { continue };
        let Ok(date) = parse_date(value.get_ref()) else {
            continue;
        };
        parsed.insert(key, date);
        let problem = if date < earliest {
            Some("is before 1949")
        } else if date > latest {
            Some("is more than a year from today")
        } else {
            None
        };
        if let Some(problem) = problem {
            out.push(
                Diagnostic::warning(
                    "date-range",
                    format!("`{key}` {} {problem}", date.chinese()),
                )
                .at_place(Some(place(s, value)))
                .label("unlikely date")
                .hint("check the year"),
            );
        }
    }
    if let (Some(date), Some(printed), Some(value)) = (
        parsed.get("date"),
        parsed.get("printed_on"),
        &plan.printed_on,
    ) && printed < date
    {
        out.push(
            Diagnostic::warning("date-range", "the 印发日期 is before the 成文日期")
                .at_place(Some(place(s, value)))
                .label("printed before it was written")
                .hint("a document is printed on or after its 成文日期"),
        );
    }
}

/// Characters no available font has: they would print as a box.
fn missing_glyphs(s: &Subject, out: &mut Vec<Diagnostic>) {
    let json = serde_json::to_value(doc(s)).unwrap_or_default();
    let mut chars = Vec::new();
    collect_chars(&json, &mut chars);
    // Each distinct character once, in order of appearance.
    let mut seen = std::collections::HashSet::new();
    chars.retain(|c| seen.insert(*c));
    for c in chars {
        if c.is_whitespace() || c.is_control() || s.fonts.any_covers(c) {
            continue;
        }
        let at = s
            .built
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

fn collect_chars(value: &serde_json::Value, out: &mut Vec<char>) {
    match value {
        serde_json::Value::String(s) => out.extend(s.chars()),
        serde_json::Value::Array(items) => items.iter().for_each(|v| collect_chars(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| collect_chars(v, out)),
        _ => {}
    }
}

impl TextOrigin {
    /// The place of `len` bytes at byte `index` of the text: exact when the
    /// text is verbatim in its file, else the whole value.
    pub fn locate(&self, index: usize, len: usize) -> Place {
        match self.offset {
            Some(offset) => Place {
                file: self.place.file,
                span: offset + index..offset + index + len,
            },
            None => self.place.clone(),
        }
    }
}
