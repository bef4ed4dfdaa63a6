//! The body's blocks: wrapped lines joined, headings by their numbers,
//! run-in headings split, tables.

use super::*;
use crate::import::repair::SECTION_NUMBER;

/// A sentence built of clauses (`，；：`) or longer than a heading runs (30
/// characters): an item's statement, not a heading's name for what follows.
fn reads_as_statement(sentence: &str) -> bool {
    sentence.contains(['，', '；', '：']) || chars(sentence) > 30
}

/// Whether the draft set line `at` as a heading: a Markdown heading, or
/// in a heading's face (Word's 黑体, 楷体).
fn set_as_heading(lines: &[Line], at: usize) -> bool {
    lines
        .iter()
        .find(|l| l.at == at)
        .is_some_and(|l| l.heading.is_some() || matches!(l.face, Some(Face::Hei | Face::Kai)))
}

/// A line opening with a short label and a colon (`一等奖：`, `联系人：`).
static LABEL_START: LazyLock<Regex> = LazyLock::new(|| re(r"^\s*[\p{Han}]{2,6}[：:]"));

impl Recogniser<'_> {
    /// Blocks of a body: wrapped lines joined, headings by their numbers,
    /// run-in headings split from their paragraphs, tables.
    pub fn blocks(&mut self, lines: &[Line]) -> Vec<Block> {
        let mut blocks: Vec<Block> = Vec::new();
        // A line of a list of labelled lines (`一等奖：…` among `二等奖：…`).
        let labelled = |j: usize| lines.get(j).is_some_and(|l| LABEL_START.is_match(&l.text));
        let in_list = |j: usize| labelled(j) && ((j > 0 && labelled(j - 1)) || labelled(j + 1));
        let mut k = 0;
        while k < lines.len() {
            let line = &lines[k];
            if line.cells.is_some() {
                let mut rows = Vec::new();
                while let Some(cells) = lines.get(k).and_then(|l| l.cells.clone()) {
                    rows.push(cells);
                    k += 1;
                }
                let width = rows.iter().map(Vec::len).max().unwrap_or(0);
                for row in &mut rows {
                    row.resize(width, String::new());
                }
                blocks.push(Block::Table(rows));
                continue;
            }
            // A paragraph and the wrapped lines that continue it.
            let mut text = line.text.clone();
            let mut last_len = chars(&line.text);
            let mut joined = 0;
            k += 1;
            // A Markdown paragraph's lines stay one paragraph up to a line
            // that starts a heading, a list item or an element. A short
            // numbered line with no punctuation is a heading of its own.
            let heading_alone = numbered(&line.text)
                && chars(&line.text) <= 30
                && !line.text.contains(['。', '，', '；']);
            while !heading_alone
                && let Some(next) = lines.get(k)
                && next.continues
                && next.heading.is_none()
                && next.cells.is_none()
                && !numbered(&next.text)
                && !is_element_line(&next.text)
            {
                join_line(&mut text, &next.text);
                k += 1;
            }
            while self.joins_wrapped
                && let Some(next) = lines.get(k)
                && line.heading.is_none()
                // A numbered line in a heading's face continues in that
                // face, or when a run-in heading's paragraph follows it.
                && (line.face.is_none()
                    || numbered(&line.text) && (next.face == line.face || text.contains('。')))
                && !line.centered
                && last_len >= 15
                && !ends_sentence(&text)
                && next.cells.is_none()
                && next.heading.is_none()
                && !numbered(&next.text)
                && !is_element_line(&next.text)
                && !(self.indent_marks_paragraphs && next.indented)
                && !(self.blank_marks_paragraphs && next.blank_before)
                // A section or clause opens a line of its own (`2.3 职责`,
                // `第五条　…`), and so does each of a list of labelled lines
                // (`一等奖：…` over `二等奖：…`).
                && !SECTION_NUMBER.is_match(&next.text)
                && !in_list(k)
                && !in_list(k - 1)
            {
                join_line(&mut text, &next.text);
                last_len = chars(&next.text);

                joined += 1;
                k += 1;
            }
            if joined > 0 {
                self.notes
                    .add(line.at, "joined lines a hard wrap had broken");
            }
            self.push_text(&mut blocks, line, text);
        }
        self.infer_missing_first_heading(&mut blocks, lines);
        // A heading that ends with `。` runs into the paragraph after it
        // (GB/T 9704's run-in headings); one the draft set on its own line
        // before a paragraph stays on its own line, closed (`## …。 ##`).
        self.first_level_items(&mut blocks, lines);
        blocks
    }

    /// 一、 headings that end in `。`, read again as a whole body: alone on
    /// their line before a paragraph they stay alone; items that are
    /// statements (`一、同意撤销某县，设立某市。`), each followed by the next
    /// or running on into more sentences, are the numbered items of a 批复
    /// or 决定: paragraphs in the body's face, siblings together.
    fn first_level_items(&mut self, blocks: &mut Vec<Block>, lines: &[Line]) {
        // Items each followed by the next (block, line).
        let mut items: Vec<(usize, usize)> = Vec::new();
        for (at, line) in std::mem::take(&mut self.standalone) {
            let followed_by_text = matches!(blocks.get(at + 1), Some(Block::Paragraph(_)));
            let Some(Block::Heading { alone, level, text }) = blocks.get_mut(at) else {
                continue;
            };
            // A lower level may head a single sentence (`1.` items); a
            // first-level heading always has text under it.
            let item = *level == 1 && !set_as_heading(lines, line);
            if followed_by_text {
                *alone = true;
                if item && reads_as_statement(text) {
                    self.level_one_run_ins.push(at);
                    // Longer than a heading runs, or quoting (`：`): an
                    // item, whatever its siblings.
                    if chars(text) > 36 || text.contains('：') {
                        self.level_one_items = true;
                    }
                }
            } else if item {
                items.push((at, line));
            }
        }
        // Runs of consecutive items: paragraphs when one is a statement.
        for run in items.chunk_by(|a, b| b.0 == a.0 + 1) {
            let statement = run.iter().any(|&(at, _)| {
                matches!(&blocks[at], Block::Heading { text, .. } if reads_as_statement(text))
            });
            if !statement {
                continue;
            }
            self.level_one_items = true;
            for &(at, line) in run {
                if let Block::Heading { text, .. } = &mut blocks[at] {
                    blocks[at] = Block::Paragraph(std::mem::take(text));
                    self.notes.add(line, "read numbered sentences, each followed by the next, as numbered paragraphs, not headings");
                }
            }
        }
        // When one first-level item is a numbered paragraph, the run-in
        // and alone statements beside it are too.
        let run_ins = std::mem::take(&mut self.level_one_run_ins);
        if !std::mem::take(&mut self.level_one_items) {
            return;
        }
        for &at in run_ins.iter().rev() {
            match (blocks.get(at), blocks.get(at + 1)) {
                (
                    Some(Block::Heading {
                        text, alone: true, ..
                    }),
                    _,
                ) => {
                    blocks[at] = Block::Paragraph(text.clone());
                }
                (Some(Block::Heading { text, .. }), Some(Block::Paragraph(rest))) => {
                    let whole = format!("{text}{rest}");
                    blocks.splice(at..at + 2, [Block::Paragraph(whole)]);
                }
                _ => {}
            }
        }
    }

    /// A paragraph's text as a heading (perhaps run-in) or a paragraph.
    fn push_text(&mut self, blocks: &mut Vec<Block>, line: &Line, mut text: String) {
        if let Some(level) = line.heading {
            // A Markdown heading: its number's form says its level (`## 一、`
            // is a first level) and it is read as a numbered line below;
            // without a number notice numbers it.
            if let Some(n) = explicit_number(&text) {
                if n.level != level {
                    self.notes.add(
                        line.at,
                        format!(
                            "a heading numbered “{}” is of level {}",
                            text[..n.len].trim_end(),
                            n.level
                        ),
                    );
                }
            } else {
                match text
                    .find('。')
                    .map(|p| p + '。'.len_utf8())
                    .filter(|&p| p < text.len())
                {
                    Some(p) => {
                        blocks.push(Block::Heading {
                            level: level.clamp(1, 4),
                            text: text[..p].to_string(),
                            alone: false,
                        });
                        blocks.push(Block::Paragraph(text[p..].trim_start().to_string()));
                    }
                    None => blocks.push(Block::Heading {
                        level: level.clamp(1, 4),
                        text,
                        alone: false,
                    }),
                }
                return;
            }
        }
        if let Some(m) = UNREAD_NUMBER.find(&text) {
            // `(-)`: the next number of level 2 under its parent.
            let siblings = blocks
                .iter()
                .rev()
                .take_while(|b| !matches!(b, Block::Heading { level: 1, .. }))
                .filter(|b| matches!(b, Block::Heading { level: 2, .. }))
                .count() as u32;
            let number = heading_number(2, siblings + 1);
            self.notes.add(
                line.at,
                format!(
                    "read the damaged number “{}” as “{number}” from its place among its siblings",
                    m.as_str().trim()
                ),
            );
            text = format!("{number}{}", &text[m.end()..]);
        }
        let Some(number) = explicit_number(&text) else {
            if line.face == Some(Face::Hei) && chars(&text) <= 30 && !ends_sentence(&text) {
                self.notes.add(
                    line.at,
                    "set in 黑体 like a heading but without a number: kept as a paragraph",
                );
            }
            blocks.push(Block::Paragraph(text));
            return;
        };
        let rest = text[number.len..].trim_start().to_string();
        let canonical = heading_number(number.level, number.value);
        if !number.canonical || text[..number.len].trim_end() != canonical {
            self.notes.add(
                line.at,
                format!(
                    "wrote the heading number “{}” as “{canonical}”",
                    text[..number.len].trim_end()
                ),
            );
        }
        // A run-in heading: its first sentence is the heading. At the first
        // level a heading stands on its own line (GB/T 9704 sets 一、 in 黑体
        // alone); one that opens a paragraph with a clause-built sentence
        // (`一、同意撤销某县，设立某市。市政府驻…`) is a numbered paragraph.
        let first_sentence = rest.find('。').map_or(rest.as_str(), |p| &rest[..p]);
        if number.level == 1
            && line.heading.is_none()
            && !matches!(line.face, Some(Face::Hei | Face::Kai))
            && reads_as_statement(first_sentence)
            && rest
                .find('。')
                .is_some_and(|p| p + '。'.len_utf8() < rest.len())
        {
            self.notes.add(
                line.at,
                "read a first-level number opening a paragraph of sentences as a numbered paragraph, not a heading",
            );
            blocks.push(Block::Paragraph(format!("{canonical}{rest}")));
            self.level_one_items = true;
            return;
        }
        match rest.find('。') {
            Some(p) if p + '。'.len_utf8() < rest.len() => {
                let (head, para) = rest.split_at(p + '。'.len_utf8());
                if number.level == 1 && line.heading.is_none() {
                    self.level_one_run_ins.push(blocks.len());
                }
                blocks.push(Block::Heading {
                    level: number.level,
                    text: format!("{canonical}{head}"),
                    alone: false,
                });
                blocks.push(Block::Paragraph(para.to_string()));
            }
            _ => {
                if rest.ends_with('。') {
                    self.standalone.push((blocks.len(), line.at));
                }
                blocks.push(Block::Heading {
                    level: number.level,
                    text: format!("{canonical}{rest}"),
                    alone: false,
                })
            }
        }
    }

    /// A first heading OCR or a web page left without its `一、`: a short line
    /// before `（一）`, when the next first-level heading is `二、`.
    fn infer_missing_first_heading(&mut self, blocks: &mut [Block], lines: &[Line]) {
        let level_one = |b: &Block| matches!(b, Block::Heading { level: 1, .. });
        let Some(second) = blocks.iter().position(level_one) else {
            return;
        };
        let Block::Heading { text, .. } = &blocks[second] else {
            return;
        };
        if !text.starts_with("二、") {
            return;
        }
        let candidate = (0..second).find(|&b| {
            matches!(&blocks[b], Block::Paragraph(t) if chars(t) <= 30 && !ends_sentence(t))
                && matches!(blocks.get(b + 1), Some(Block::Heading { level: 2, text, .. }) if text.starts_with("（一）"))
        });
        if let Some(b) = candidate
            && let Block::Paragraph(t) = &blocks[b]
        {
            let at = lines.iter().find(|l| l.text == *t).map_or(0, |l| l.at);
            self.notes.add(at, "took this line for the first heading, its “一、” lost (the next is “二、”); check it");
            blocks[b] = Block::Heading {
                level: 1,
                text: format!("一、{t}"),
                alone: false,
            };
        }
    }
}

/// Appends a paragraph's next line: Chinese joins without a space, Latin
/// words keep one.
fn join_line(text: &mut String, next: &str) {
    if text.ends_with(|c: char| c.is_ascii_alphanumeric())
        && next.starts_with(|c: char| c.is_ascii_alphanumeric())
    {
        text.push(' ');
    }
    text.push_str(next);
}
