//! Markdown body → blocks of the document model, numbered.
//!
//! `#`..`####` are the four heading levels (`一、` `（一）` `1.` `（1）`),
//! numbered automatically and restarting under each parent; a number the
//! clerk typed is kept and counting continues from it. A heading ending in
//! `。` runs into the paragraph that follows it.

use std::ops::Range;

use pulldown_cmark::{Alignment, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::numbering::{Counters, explicit_number};
use super::placeholders::put_back;
use crate::gbt9704::heading_number;
use crate::model::{Align, Block, Heading, Run, Style, Table, TableLayout, plain_text};

/// Something in the Markdown that does not show in a 公文 the way the clerk
/// may expect (an image, a heading deeper than four levels, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct MarkdownNote {
    /// The check's name (see `lint`).
    pub code: &'static str,
    pub span: Range<usize>,
    pub message: String,
    pub hint: String,
}

/// A parsed body.
#[derive(Debug, Default)]
pub struct Body {
    pub blocks: Vec<Block>,
    pub notes: Vec<MarkdownNote>,
}

/// Parses a Markdown body and numbers its headings. Placeholder values stand
/// in `markdown` as markers (see `placeholders`) and are put back into the
/// parsed text, so they never act as Markdown.
pub fn parse(markdown: &str, values: &[String]) -> Body {
    let mut parser = Converter {
        values,
        ..Converter::default()
    };
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        parser.event(event, range);
    }
    parser.flush();
    for block in &mut parser.blocks {
        if let Block::Heading(h) = block {
            h.alone = closed_heading(markdown.get(h.source.clone()).unwrap_or(""));
        }
    }
    let mut body = Body {
        blocks: run_in_headings(parser.blocks),
        notes: parser.notes,
    };
    let numbering = number_headings(&mut body.blocks);
    body.notes.extend(numbering);
    // Point at the text, not at the line breaks after it.
    for note in &mut body.notes {
        let text = markdown.get(note.span.clone()).unwrap_or("");
        note.span.end = note.span.start + text.trim_end().len();
    }
    body
}

/// Inline text being collected for a paragraph, heading or table cell.
#[derive(Default)]
struct Inline {
    runs: Vec<Run>,
    soft_break: bool,
}

impl Inline {
    fn push(&mut self, text: &str, style: Style) {
        if text.is_empty() {
            return;
        }
        let mut text = text.to_string();
        if std::mem::take(&mut self.soft_break) {
            // A line break in the source joins Chinese text directly, but
            // keeps a space between two Latin words.
            let before = self.runs.last().and_then(|r| r.text.chars().last());
            let after = text.chars().next();
            if before.is_some_and(is_latin) && after.is_some_and(is_latin) {
                text.insert(0, ' ');
            }
        }
        match self.runs.last_mut() {
            Some(last) if last.style == style => last.text.push_str(&text),
            _ => self.runs.push(Run::styled(text, style)),
        }
    }

    /// The runs with outer whitespace removed; `None` if there is no text.
    fn finish(mut self) -> Option<Vec<Run>> {
        if let Some(first) = self.runs.first_mut() {
            first.text = first.text.trim_start().to_string();
        }
        if let Some(last) = self.runs.last_mut() {
            last.text = last.text.trim_end().to_string();
        }
        self.runs.retain(|r| !r.text.is_empty());
        (!self.runs.is_empty()).then_some(self.runs)
    }
}

fn is_latin(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, ',' | '.' | ';' | ':' | '!' | '?' | ')' | '%')
}

#[derive(Default)]
struct TableState {
    align: Vec<Align>,
    header: Vec<Vec<Run>>,
    rows: Vec<Vec<Vec<Run>>>,
    row: Vec<Vec<Run>>,
    in_head: bool,
}

#[derive(Default)]
struct Converter<'v> {
    /// Placeholder values by marker index.
    values: &'v [String],
    blocks: Vec<Block>,
    notes: Vec<MarkdownNote>,
    inline: Option<Inline>,
    /// Level of the heading being read, if any.
    heading: Option<(u8, usize)>,
    emphasis: u32,
    strong: u32,
    /// Number of the next item of each open list (`None` for bullets).
    lists: Vec<Option<u64>>,
    /// `3.` waiting for the first text of an ordered list item.
    item_prefix: Option<String>,
    table: Option<TableState>,
}

impl Converter<'_> {
    fn style(&self) -> Style {
        if self.strong > 0 {
            Style::Strong
        } else if self.emphasis > 0 {
            Style::Emphasis
        } else {
            Style::Plain
        }
    }

    fn text(&mut self, text: &str) {
        let text = put_back(text, self.values);
        let text = text.as_str();
        let style = self.style();
        let prefix = self.item_prefix.take();
        let inline = self.inline.get_or_insert_with(Inline::default);
        if let Some(prefix) = prefix {
            inline.push(&prefix, Style::Plain);
        }
        inline.push(text, style);
    }

    /// Ends the paragraph being collected, if any.
    fn flush(&mut self) {
        if let Some(inline) = self.inline.take()
            && let Some(runs) = inline.finish()
        {
            self.blocks.push(Block::Paragraph { lead: None, runs });
        }
    }

    fn event(&mut self, event: Event, range: Range<usize>) {
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag, range),
            Event::Text(text) | Event::Code(text) => self.text(&text),
            Event::InlineMath(text) | Event::DisplayMath(text) => self.text(&text),
            Event::Html(text) | Event::InlineHtml(text) => {
                // Printed literally: user text is data, never markup.
                let text = text.trim_end_matches('\n').to_string();
                self.text(&text);
            }
            Event::SoftBreak => {
                if let Some(inline) = &mut self.inline {
                    inline.soft_break = true;
                }
            }
            Event::HardBreak => {
                if let Some(inline) = &mut self.inline {
                    inline.push("\n", Style::Plain);
                }
            }
            Event::Rule => self.flush(),
            Event::FootnoteReference(_) | Event::TaskListMarker(_) => {}
        }
    }

    fn start(&mut self, tag: Tag, range: Range<usize>) {
        match tag {
            // In a loose list item the paragraph keeps the item number.
            Tag::Paragraph if self.table.is_none() && self.item_prefix.is_none() => self.flush(),
            Tag::Heading { level, .. } => {
                self.flush();
                let level = match level {
                    HeadingLevel::H1 => 1,
                    HeadingLevel::H2 => 2,
                    HeadingLevel::H3 => 3,
                    HeadingLevel::H4 => 4,
                    _ => {
                        self.notes.push(MarkdownNote {
                            code: "heading-depth",
                            span: range.clone(),
                            message: "headings go four levels deep (`#` to `####`); this one is set as level 4".into(),
                            hint: "use `####` for （1） and plain paragraphs below it".into(),
                        });
                        4
                    }
                };
                self.heading = Some((level, range.start));
                self.inline = Some(Inline::default());
            }
            Tag::List(start) => {
                self.flush();
                self.lists.push(start);
            }
            Tag::Item => {
                self.flush();
                self.item_prefix = match self.lists.last_mut() {
                    Some(Some(n)) => {
                        let prefix = format!("{n}.");
                        *n += 1;
                        Some(prefix)
                    }
                    _ => None,
                };
            }
            Tag::Table(aligns) => {
                self.flush();
                self.table = Some(TableState {
                    align: aligns.iter().map(|a| convert_align(*a)).collect(),
                    ..TableState::default()
                });
            }
            Tag::TableHead => {
                if let Some(t) = &mut self.table {
                    t.in_head = true;
                }
            }
            Tag::TableRow => {}
            Tag::TableCell => self.inline = Some(Inline::default()),
            Tag::Emphasis => self.emphasis += 1,
            Tag::Strong => self.strong += 1,
            Tag::Image { .. } => self.notes.push(MarkdownNote {
                code: "markdown-image",
                span: range,
                message: "images are not printed in the body; only their description is".into(),
                hint: "a seal image goes in the plan's `seal` key".into(),
            }),
            Tag::BlockQuote(_) | Tag::CodeBlock(_) | Tag::HtmlBlock => self.flush(),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd, range: Range<usize>) {
        match tag {
            TagEnd::Paragraph if self.table.is_none() => {
                self.item_prefix = None;
                self.flush();
            }
            TagEnd::Heading(_) => {
                let inline = self.inline.take().unwrap_or_default();
                let (level, start) = self.heading.take().unwrap_or((1, range.start));
                let runs = inline.finish().unwrap_or_default();
                self.blocks.push(Block::Heading(Heading {
                    level,
                    number: String::new(),
                    runs,
                    source: start..range.end,
                    alone: false,
                }));
            }
            TagEnd::Item => {
                self.item_prefix = None;
                self.flush();
            }
            TagEnd::List(_) => {
                self.flush();
                self.lists.pop();
            }
            TagEnd::TableCell => {
                let runs = self
                    .inline
                    .take()
                    .and_then(Inline::finish)
                    .unwrap_or_default();
                if let Some(t) = &mut self.table {
                    t.row.push(runs);
                }
            }
            TagEnd::TableHead => {
                if let Some(t) = &mut self.table {
                    t.header = std::mem::take(&mut t.row);
                    t.in_head = false;
                }
            }
            TagEnd::TableRow => {
                if let Some(t) = &mut self.table
                    && !t.in_head
                {
                    let row = std::mem::take(&mut t.row);
                    t.rows.push(row);
                }
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    self.blocks.push(Block::Table(Table {
                        header: t.header,
                        rows: t.rows,
                        align: t.align,
                        layout: TableLayout::default(),
                    }));
                }
            }
            TagEnd::Emphasis => self.emphasis = self.emphasis.saturating_sub(1),
            TagEnd::Strong => self.strong = self.strong.saturating_sub(1),
            TagEnd::BlockQuote(_) | TagEnd::CodeBlock | TagEnd::HtmlBlock => self.flush(),
            _ => {}
        }
    }
}

fn convert_align(a: Alignment) -> Align {
    match a {
        Alignment::None => Align::Auto,
        Alignment::Left => Align::Left,
        Alignment::Center => Align::Center,
        Alignment::Right => Align::Right,
    }
}

/// An ATX heading with a closing sequence: `## 加强组织领导。 ##`.
fn closed_heading(source: &str) -> bool {
    let line = source.lines().next().unwrap_or("").trim_end();
    let open = line.trim_start().trim_start_matches('#');
    let Some(before) = open.trim_end_matches('#').strip_suffix([' ', '\t']) else {
        return false;
    };
    open.ends_with('#') && !before.trim().is_empty()
}

/// Merges each heading ending in `。` into the paragraph right after it.
fn run_in_headings(blocks: Vec<Block>) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::with_capacity(blocks.len());
    let mut pending: Option<Heading> = None;
    for block in blocks {
        match (pending.take(), block) {
            (Some(heading), Block::Paragraph { lead: None, runs }) => {
                out.push(Block::Paragraph {
                    lead: Some(heading),
                    runs,
                });
            }
            (previous, block) => {
                if let Some(h) = previous {
                    out.push(Block::Heading(h));
                }
                match block {
                    Block::Heading(h) if h.is_sentence() => pending = Some(h),
                    other => out.push(other),
                }
            }
        }
    }
    if let Some(h) = pending {
        out.push(Block::Heading(h));
    }
    out
}

/// Gives every heading its number: the one typed, or the next in its level.
/// Typed numbers that skip or belong to another level are reported.
fn number_headings(blocks: &mut [Block]) -> Vec<MarkdownNote> {
    let mut notes = Vec::new();
    let mut counters = Counters::default();
    for block in blocks {
        let heading = match block {
            Block::Heading(h) => h,
            Block::Paragraph { lead: Some(h), .. } => h,
            Block::Paragraph { lead: None, runs } => {
                // A paragraph typed as `3.……` (Markdown list or not) sets the
                // level-3 count, so a following `###` continues from it.
                if let Some(n) = explicit_number(&plain_text(runs))
                    && n.level >= 3
                {
                    counters.set(n.level, n.value);
                }
                continue;
            }
            Block::Table(_) => continue,
        };
        let text = plain_text(&heading.runs);
        match explicit_number(&text) {
            Some(n) => {
                let typed = text[..n.len].trim_end().to_string();
                let expected = heading_number(heading.level, counters.peek_next(heading.level));
                let standard = heading_number(n.level, n.value);
                if !n.canonical {
                    notes.push(MarkdownNote {
                        code: "numbering-form",
                        span: heading.source.clone(),
                        message: format!(
                            "`{typed}` is not the standard form of the number; it is printed `{standard}`"
                        ),
                        hint: format!(
                            "type `{standard}`, or drop the typed number and let notice count"
                        ),
                    });
                }
                if n.level != heading.level {
                    notes.push(MarkdownNote {
                        code: "numbering-level",
                        span: heading.source.clone(),
                        message: format!(
                            "`{typed}` is a level-{} number on a level-{} heading",
                            n.level, heading.level
                        ),
                        hint: format!(
                            "write the heading with {} (`{}` numbers are level {}), or drop the typed number",
                            "#".repeat(n.level as usize),
                            typed,
                            n.level
                        ),
                    });
                } else if n.value != counters.peek_next(heading.level)
                    && n.value != counters.peek_running(heading.level)
                {
                    notes.push(MarkdownNote {
                        code: "numbering-skip",
                        span: heading.source.clone(),
                        message: format!(
                            "the numbering skips: `{typed}` where `{expected}` comes next"
                        ),
                        hint: format!(
                            "number it `{expected}`, or drop the typed number and let notice count"
                        ),
                    });
                }
                strip_prefix_bytes(&mut heading.runs, n.len);
                heading.number = if n.level == heading.level {
                    standard
                } else {
                    typed
                };
                counters.set(heading.level, n.value);
            }
            None => {
                let n = counters.next(heading.level);
                heading.number = heading_number(heading.level, n);
            }
        }
    }
    notes
}

/// Removes the first `len` bytes of text from a list of runs.
fn strip_prefix_bytes(runs: &mut Vec<Run>, mut len: usize) {
    while len > 0 && !runs.is_empty() {
        let first = &mut runs[0];
        if first.text.len() <= len {
            len -= first.text.len();
            runs.remove(0);
        } else {
            first.text = first.text[len..].to_string();
            len = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headings(blocks: &[Block]) -> Vec<String> {
        blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading(h) => Some(format!("{}{}", h.number, plain_text(&h.runs))),
                Block::Paragraph {
                    lead: Some(h),
                    runs,
                } => Some(format!(
                    "{}{}|{}",
                    h.number,
                    plain_text(&h.runs),
                    plain_text(runs)
                )),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn four_levels_restart_under_each_parent() {
        let body = parse(
            "# 甲\n## 乙\n## 丙\n### 丁\n#### 戊\n#### 己\n### 庚\n# 辛\n## 壬\n",
            &[],
        );
        assert_eq!(
            headings(&body.blocks),
            [
                "一、甲",
                "（一）乙",
                "（二）丙",
                "1.丁",
                "（1）戊",
                "（2）己",
                "2.庚",
                "二、辛",
                "（一）壬"
            ]
        );
    }

    #[test]
    fn typed_numbers_are_kept_and_continued() {
        let body = parse(
            "# 三、总体要求\n# 工作措施\n### 5.突出重点\n### 落实责任\n",
            &[],
        );
        assert_eq!(
            headings(&body.blocks),
            ["三、总体要求", "四、工作措施", "5.突出重点", "6.落实责任"]
        );
    }

    #[test]
    fn heading_with_full_stop_runs_into_paragraph() {
        let body = parse(
            "## 加强新闻宣传报道。\n\n围绕元旦春节。\n\n## 独立标题\n\n正文。\n\n## 结尾。\n",
            &[],
        );
        assert_eq!(
            headings(&body.blocks),
            [
                "（一）加强新闻宣传报道。|围绕元旦春节。",
                "（二）独立标题",
                "（三）结尾。"
            ]
        );
        assert_eq!(body.blocks.len(), 4);
    }

    #[test]
    fn a_closed_heading_with_a_full_stop_stands_alone() {
        let body = parse(
            "## 加强组织领导。 ##\n\n各单位要高度重视。\n\n## C#\n\n## 推进。\n\n正文。\n",
            &[],
        );
        assert_eq!(
            headings(&body.blocks),
            ["（一）加强组织领导。", "（二）C#", "（三）推进。|正文。"]
        );
        assert_eq!(body.blocks.len(), 4);
        let Block::Heading(closed) = &body.blocks[0] else {
            panic!("{:?}", body.blocks[0]);
        };
        assert!(closed.alone && !closed.is_sentence());
    }

    #[test]
    fn skipped_and_mixed_numbers_are_reported() {
        let body = parse("# 一、甲\n# 三、丙\n## 1.丁\n", &[]);
        let codes: Vec<&str> = body.notes.iter().map(|n| n.code).collect();
        assert_eq!(codes, ["numbering-skip", "numbering-level"]);
        assert!(
            body.notes[0].message.contains("`二、`"),
            "{}",
            body.notes[0].message
        );
        let clean = parse("# 一、甲\n## （一）乙\n## 丙\n# 二、丁\n", &[]);
        assert!(clean.notes.is_empty(), "{:?}", clean.notes);
    }

    #[test]
    fn heading_followed_by_heading_stands_alone() {
        let body = parse("# 总体要求。\n## 细则\n", &[]);
        assert!(matches!(&body.blocks[0], Block::Heading(_)));
    }

    #[test]
    fn emphasis_and_soft_breaks() {
        let body = parse("这是*强调*和**重点**，\n换行继续 and\nLatin text.", &[]);
        let Block::Paragraph { runs, .. } = &body.blocks[0] else {
            panic!()
        };
        assert_eq!(plain_text(runs), "这是强调和重点，换行继续 and Latin text.");
        assert_eq!(runs[1], Run::styled("强调", Style::Emphasis));
        assert_eq!(runs[3], Run::styled("重点", Style::Strong));
    }

    #[test]
    fn ordered_lists_keep_their_numbers() {
        let body = parse(
            "# 要点\n\n1. 深入学习。\n2. 认真宣传。\n\n### 第三项\n",
            &[],
        );
        let texts: Vec<String> = body
            .blocks
            .iter()
            .map(|b| match b {
                Block::Paragraph { runs, .. } => plain_text(runs),
                Block::Heading(h) => format!("{}{}", h.number, plain_text(&h.runs)),
                Block::Table(_) => "table".into(),
            })
            .collect();
        assert_eq!(
            texts,
            ["一、要点", "1.深入学习。", "2.认真宣传。", "3.第三项"]
        );
    }

    #[test]
    fn gfm_tables_become_tables() {
        let body = parse(
            "| 序号 | 内容 |\n|---|:-:|\n| 1 | 制定计划 |\n| 2 | 宣传 |\n",
            &[],
        );
        let Block::Table(t) = &body.blocks[0] else {
            panic!("{:?}", body.blocks)
        };
        assert_eq!(t.header.len(), 2);
        assert_eq!(plain_text(&t.rows[1][1]), "宣传");
        assert_eq!(t.align, [Align::Auto, Align::Center]);
    }

    #[test]
    fn markup_characters_stay_text() {
        let body = parse(
            "#read(\"/etc/passwd\") $x$ <b>粗</b> \\# @ref [链接](http://x)",
            &[],
        );
        let Block::Paragraph { runs, .. } = &body.blocks[0] else {
            panic!()
        };
        assert_eq!(
            plain_text(runs),
            "#read(\"/etc/passwd\") $x$ <b>粗</b> # @ref 链接"
        );
    }
}
