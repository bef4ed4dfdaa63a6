//! The safety net under recognition: a draft line whose words reached no
//! field of the plan, and that no note names as dropped, is kept at the end
//! of the body with a note. A draft shape nobody foresaw then costs the
//! clerk a misplaced paragraph, never a lost one.
//!
//! A line counts as placed when more than half of its runs of two or
//! more 汉字 (other than labels such as `附件` or `抄送`, syntax the plan
//! does not repeat) are found in the plan's text: the net is for lines
//! lost, and a line that only quotes another element's words (the
//! sentence sending an attachment names its title) is not placed by them. The search runs forward from where the last line was found, as
//! the plan keeps the draft's order, and looks from the start only for a
//! bounded number of bytes in all, so a hostile draft cannot make it
//! quadratic.

use std::collections::HashSet;

use super::Notes;
use super::draft::Line;
use super::repair::is_han;
use super::structure::{Block, Doc, parse_date};

/// Words the plan holds as structure, not as text.
const LABELS: &[&str] = &[
    "附件",
    "抄送",
    "印发",
    "签发人",
    "主送",
    "出席",
    "列席",
    "请假",
    "密级",
    "特急",
    "加急",
    "发文字号",
    "文件",
];

/// Bytes of the plan's text searched from the start, over all lines.
const REWIND_BUDGET: usize = 64 << 20;

/// What the note on a kept line says.
pub const KEPT_NOTE: &str = "import could not tell which element this line is, so it is kept as a paragraph at the end of the body: move it where it belongs";

/// Keeps the lines whose words are nowhere in `doc` at the end of its body.
pub fn keep_unplaced(lines: &[Line], doc: &mut Doc, notes: &mut Notes) {
    let placed = han_text(doc);
    let named = notes.lines_dropped();
    let quoted = notes.quoted_text();
    let mut cursor = 0;
    let mut budget = REWIND_BUDGET;
    let mut lost = Vec::new();
    for line in lines {
        if named.contains(&line.at) {
            continue;
        }
        let runs = runs(&line.text);
        // A date line becomes a date, in numerals.
        if runs.is_empty() || parse_date(line.text.trim()).is_some() {
            continue;
        }
        // Runs found ahead of the cursor, then (within the budget) anywhere.
        let total: usize = runs.iter().map(|r| r.len()).sum();
        let mut found = 0;
        let mut missing = Vec::new();
        for run in &runs {
            match placed[cursor..].find(run.as_str()) {
                Some(at) => {
                    // A short word is found anywhere: only a longer one
                    // moves the cursor.
                    if run.chars().nth(3).is_some() {
                        cursor += at;
                    }
                    found += run.len();
                }
                None => missing.push(run),
            }
        }
        for run in missing {
            if budget == 0 {
                // Out of budget: the rest is taken as placed rather than
                // searched without end.
                found = total;
                break;
            }
            // What a note quotes (“…”) it names: a title it replaced.
            budget = budget.saturating_sub(placed.len() + quoted.len());
            if placed.contains(run.as_str()) || quoted.contains(run.as_str()) {
                found += run.len();
            }
        }
        // Most of the line's words are in the plan: a quotation of another
        // element's words (an attachment's title in the sentence that
        // sends it) does not place the line.
        let found = found * 2 > total;
        if !found {
            lost.push(line);
        }
    }
    for line in lost {
        notes.add(line.at, KEPT_NOTE);
        let text = match &line.cells {
            Some(cells) => cells.join("　"),
            None => line.text.trim().to_string(),
        };
        doc.body.push(Block::Paragraph(text));
    }
}

/// Runs of two or more 汉字 in `text`, labels left out.
fn runs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut run = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if is_han(c) {
            run.push(c);
        } else {
            let word = std::mem::take(&mut run);
            if word.chars().nth(1).is_some() && !LABELS.contains(&word.as_str()) {
                out.push(word);
            }
        }
    }
    out
}

/// The 汉字 of every text of the plan, in the plan's order; fields are
/// kept apart so that no run matches across two of them.
fn han_text(doc: &Doc) -> String {
    let mut out = String::new();
    let mut push = |s: &str| {
        out.extend(s.chars().filter(|&c| is_han(c)));
        out.push('\n');
    };
    for s in [
        &doc.copy_number,
        &doc.secrecy,
        &doc.secrecy_period,
        &doc.urgency,
        &doc.mark,
    ]
    .into_iter()
    .flatten()
    {
        push(s);
    }
    // A 令 and its number may share a line (`某市人民政府令第5号`).
    if let (Some(mark), Some(number)) = (&doc.mark, &doc.number) {
        push(&format!("{mark}{number}"));
    }
    doc.mark_issuers.iter().for_each(|s| push(s));
    [&doc.number].into_iter().flatten().for_each(|s| push(s));
    doc.signers.iter().for_each(|s| push(s));
    [&doc.title, &doc.to]
        .into_iter()
        .flatten()
        .for_each(|s| push(s));
    blocks(&doc.body, &mut push);
    doc.listed.iter().for_each(|s| push(s));
    doc.signature.iter().for_each(|s| push(s));
    [&doc.note].into_iter().flatten().for_each(|s| push(s));
    for list in [&doc.attendees, &doc.absentees, &doc.observers] {
        list.iter().for_each(|s| push(s));
    }
    for attachment in &doc.attachments {
        push(&attachment.label);
        push(&attachment.title);
        blocks(&attachment.body, &mut push);
    }
    [&doc.cc, &doc.printed_by]
        .into_iter()
        .flatten()
        .for_each(|s| push(s));
    out
}

fn blocks(blocks: &[Block], push: &mut impl FnMut(&str)) {
    for block in blocks {
        match block {
            Block::Heading { text, .. } | Block::Paragraph(text) => push(text),
            Block::Table(rows) => rows.iter().flatten().for_each(|cell| push(cell)),
        }
    }
}

impl Notes {
    /// The lines a note names as dropped, on purpose (a site's banner, a
    /// repeated title).
    pub(super) fn lines_dropped(&self) -> HashSet<usize> {
        self.items
            .iter()
            .filter(|(what, _)| what.contains("dropped"))
            .flat_map(|(_, lines)| lines.iter().copied())
            .collect()
    }

    /// What the notes quote (“…”): the words of a line a note replaced.
    pub(super) fn quoted_text(&self) -> String {
        let mut out = String::new();
        for (what, _) in &self.items {
            for quoted in what.split('“').skip(1).filter_map(|q| q.split('”').next()) {
                out.push_str(quoted);
                out.push('\n');
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(at: usize, text: &str) -> Line {
        Line {
            text: text.into(),
            at,
            ..Line::default()
        }
    }

    #[test]
    fn a_line_no_field_holds_is_kept_at_the_end_of_the_body_with_a_note() {
        let lines = [
            line(1, "关于做好防汛工作的通知"),
            line(2, "各乡镇人民政府："),
            line(3, "为做好今年防汛工作，现通知如下。"),
            line(4, "请各单位高度重视。"),
        ];
        // A recogniser that lost line 4.
        let mut doc = Doc {
            title: Some("关于做好防汛工作的通知".into()),
            to: Some("各乡镇人民政府".into()),
            body: vec![Block::Paragraph("为做好今年防汛工作，现通知如下。".into())],
            ..Doc::default()
        };
        let mut notes = Notes::new("line");
        keep_unplaced(&lines, &mut doc, &mut notes);
        assert_eq!(
            doc.body.last(),
            Some(&Block::Paragraph("请各单位高度重视。".into()))
        );
        assert_eq!(doc.body.len(), 2);
        assert_eq!(notes.items.len(), 1);
        assert_eq!(notes.items[0].1, vec![4]);
    }

    #[test]
    fn labels_dropped_lines_and_quoted_lines_are_not_kept_again() {
        let lines = [
            line(1, "附件："),
            line(2, "发布日期：2024-05-20　来源：本站"),
            line(3, "二〇二四年五月二十日"),
            line(4, "签发人：张三"),
            line(5, "新闻中心"),
        ];
        let mut doc = Doc {
            signers: vec!["张三".into()],
            ..Doc::default()
        };
        let mut notes = Notes::new("line");
        notes.add(2, "dropped a site byline");
        notes.add(5, "kept “新闻中心” out of the title");
        keep_unplaced(&lines, &mut doc, &mut notes);
        assert!(doc.body.is_empty(), "{:?}", doc.body);
        assert_eq!(notes.items.len(), 2);
    }

    #[test]
    fn a_sentence_that_only_names_an_attachment_is_not_placed_by_its_title() {
        let lines = [
            line(1, "关于印发《防汛工作实施方案》的通知"),
            line(
                2,
                "《防汛工作实施方案》已经县政府同意，现印发给你们，请认真贯彻落实。",
            ),
        ];
        let mut doc = Doc {
            title: Some("关于印发《防汛工作实施方案》的通知".into()),
            attachments: vec![super::super::structure::Attachment {
                label: String::new(),
                title: "防汛工作实施方案".into(),
                body: Vec::new(),
                listed: false,
            }],
            ..Doc::default()
        };
        let mut notes = Notes::new("line");
        keep_unplaced(&lines, &mut doc, &mut notes);
        assert_eq!(doc.body.len(), 1, "{:?}", doc.body);
        assert_eq!(notes.items[0].1, vec![2]);
    }

    #[test]
    fn a_mark_and_its_number_on_one_line_are_placed() {
        let lines = [line(1, "广州市人民政府令第5号")];
        let mut doc = Doc {
            mark: Some("广州市人民政府令".into()),
            number: Some("第5号".into()),
            ..Doc::default()
        };
        let mut notes = Notes::new("line");
        keep_unplaced(&lines, &mut doc, &mut notes);
        assert!(doc.body.is_empty(), "{:?}", doc.body);
    }

    #[test]
    fn a_line_found_before_the_cursor_is_placed() {
        // The 版记 comes before the attachments in the plan's order, after
        // them in the draft.
        let lines = [line(1, "附件：实施方案"), line(2, "抄送：县委办公室")];
        let mut doc = Doc {
            cc: Some("县委办公室".into()),
            attachments: vec![super::super::structure::Attachment {
                label: "附件".into(),
                title: "实施方案".into(),
                body: Vec::new(),
                listed: true,
            }],
            ..Doc::default()
        };
        let mut notes = Notes::new("line");
        keep_unplaced(&[lines[1].clone(), lines[0].clone()], &mut doc, &mut notes);
        assert!(doc.body.is_empty(), "{:?}", doc.body);
    }
}
