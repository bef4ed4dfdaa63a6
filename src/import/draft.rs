//! A draft as lines: what every reader (text, Markdown, Word) gives the
//! repairs and the structure recogniser, with what the format could tell
//! about each line.

use std::path::Path;

use crate::diagnostic::{Diagnostic, Failed, SourceMap};
use crate::{files, limits};

/// A face a Word run was set in: a hint of the element or heading level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Face {
    Hei,
    Kai,
    /// 小标宋 or another display face: titles and marks.
    Display,
}

/// One paragraph or line of a draft.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Line {
    pub text: String,
    /// Where it came from: a line of a text file, a paragraph of a Word file
    /// (1-based).
    pub at: usize,
    /// It began with an indent (spaces or ideographic spaces).
    pub indented: bool,
    /// Its padding was wider than a paragraph's indent: a line set to the
    /// right or the centre by spaces (a padded 署名 or date).
    pub aligned: bool,
    /// A blank line (or an empty paragraph) stood before it.
    pub blank_before: bool,
    /// A page break stood before it (Word).
    pub page_break_before: bool,
    /// Centred (Word).
    pub centered: bool,
    /// The face of most of its text (Word).
    pub face: Option<Face>,
    /// A Markdown heading's level (`#` = 1).
    pub heading: Option<u8>,
    /// A table row's cells; `text` is then the cells joined by tabs.
    pub cells: Option<Vec<String>>,
    /// A Markdown paragraph's line after a soft break: it continues the
    /// line before unless it starts an element (a pasted draft's title,
    /// 主送 and body often share one Markdown paragraph).
    pub continues: bool,
}

impl Line {
    pub fn new(text: impl Into<String>, at: usize) -> Line {
        Line {
            text: text.into(),
            at,
            ..Line::default()
        }
    }
}

/// The kinds of draft notice reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    Markdown,
    Word,
}

impl Kind {
    pub fn of(path: &Path) -> Option<Kind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "text" => Some(Kind::Text),
            "md" | "markdown" => Some(Kind::Markdown),
            "docx" => Some(Kind::Word),
            _ => None,
        }
    }
}

/// Text in an unknown encoding: UTF-8 (with or without a byte-order mark),
/// UTF-16 with its mark, or GB18030 (which includes GBK and GB2312), the
/// encodings Chinese office machines save plain text in. Returns the text
/// and the name of the encoding when it was not UTF-8.
pub fn decode(path: &Path, bytes: &[u8]) -> Result<(String, Option<&'static str>), Failed> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
        if !had_errors {
            let name = (encoding != encoding_rs::UTF_8).then(|| encoding.name());
            return Ok((text.into_owned(), name));
        }
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_string(), None));
    }
    let (text, had_errors) = encoding_rs::GB18030.decode_without_bom_handling(bytes);
    if !had_errors {
        return Ok((text.into_owned(), Some("GB18030")));
    }
    // Neither: point at the first byte UTF-8 cannot read.
    let valid = std::str::from_utf8(bytes).map_or_else(|e| e.valid_up_to(), |_| bytes.len());
    let before = String::from_utf8_lossy(&bytes[..valid]);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Err(Diagnostic::error(
        "encoding",
        format!(
            "{}:{line}:{column}: the draft is neither UTF-8 nor GB18030 (byte 0x{:02X})",
            path.display(),
            bytes[valid]
        ),
    )
    .hint("save the draft as UTF-8 (记事本: 另存为 → 编码 UTF-8), or as a Word file")
    .into())
}

/// Reads a draft file into lines.
pub fn read(path: &Path, sources: &mut SourceMap) -> Result<(Vec<Line>, Vec<Diagnostic>), Failed> {
    let kind = Kind::of(path).ok_or_else(|| {
        Diagnostic::error(
            "import",
            format!(
                "{}: notice imports .txt, .md and .docx drafts",
                path.display()
            ),
        )
        .hint("save the draft as plain text (.txt) or as a Word file (.docx)")
    })?;
    let bytes = files::read_input(path, limits::DRAFT_BYTES)
        .map_err(|err| Diagnostic::error("io", format!("cannot read {}: {err}", path.display())))?;
    let mut notes = Vec::new();
    let lines = match kind {
        Kind::Word => super::docx::read(path, &bytes)?,
        Kind::Text | Kind::Markdown => {
            let (text, encoding) = decode(path, &bytes)?;
            // Old Mac and some web exports end lines with a bare CR.
            let text = if text.contains('\r') {
                text.replace("\r\n", "\n").replace('\r', "\n")
            } else {
                text
            };
            if let Some(name) = encoding {
                notes.push(Diagnostic::note(
                    "import-encoding",
                    format!("{}: read as {name} and converted to UTF-8", path.display()),
                ));
            }
            sources.add(path, text.clone());
            if kind == Kind::Text {
                text_lines(&text)
            } else {
                let (lines, kept) = markdown_lines(&text);
                // One note for each kind, naming its first lines.
                let mut kinds: Vec<(&str, Vec<usize>)> = Vec::new();
                for (at, what) in kept {
                    match kinds.iter_mut().find(|(w, _)| *w == what) {
                        Some((_, ats)) if ats.last() != Some(&at) => ats.push(at),
                        Some(_) => {}
                        None => kinds.push((what, vec![at])),
                    }
                }
                for (what, ats) in kinds {
                    let mut list: Vec<String> = ats.iter().take(5).map(usize::to_string).collect();
                    if ats.len() > 5 {
                        list.push(format!("and {} more", ats.len() - 5));
                    }
                    let label = if ats.len() == 1 { "line" } else { "lines" };
                    notes.push(Diagnostic::note(
                        "import",
                        format!("{}: {label} {}: {what}", path.display(), list.join(", ")),
                    ));
                }
                lines
            }
        }
    };
    Ok((lines, notes))
}

/// Whether a character indents a line: a space, a tab or an ideographic
/// space, or a typographic or zero-width space a web page left (a line of
/// only those is blank).
fn is_indent(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t' | '\u{3000}' | '\u{a0}' | '\u{2000}'..='\u{200b}' | '\u{2060}' | '\u{feff}'
    )
}

/// The width of a line's leading padding in ems: an ideographic space is
/// one, a space half, a tab two.
pub(crate) fn padding(lead: &str) -> f64 {
    lead.chars()
        .map(|c| match c {
            '\u{3000}' => 1.0,
            '\t' => 2.0,
            _ => 0.5,
        })
        .sum()
}

/// Lines of a plain-text draft. A line with tabs, or with cells apart by
/// runs of two or more spaces on two or more consecutive lines, is a table
/// row.
pub fn text_lines(text: &str) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut blank = false;
    for (i, raw) in text.lines().enumerate() {
        let raw = raw.trim_end_matches(|c| c == '\r' || is_indent(c));
        if raw.trim_matches(is_indent).is_empty() {
            blank = true;
            continue;
        }
        let body = raw.trim_start_matches(is_indent);
        let mut line = Line::new(body, i + 1);
        line.indented = body.len() != raw.len() && !raw.starts_with('\t');
        line.aligned = padding(&raw[..raw.len() - body.len()]) > 3.0;
        line.blank_before = blank;
        if raw.contains('\t') {
            // A row may start with an empty cell (`\t合计\t\t386`); a line
            // with one cell is padded with tabs, not a row.
            let cells: Vec<String> = raw
                .split('\t')
                .map(|c| c.trim_matches(is_indent).to_string())
                .collect();
            if cells.iter().filter(|c| !c.is_empty()).count() >= 2 {
                line.text = cells.join("\t");
                line.cells = Some(cells);
                line.indented = false;
            }
        }
        blank = false;
        lines.push(line);
    }
    mark_space_aligned_rows(&mut lines);
    lines
}

/// Cells apart by two or more spaces (not an indent).
fn space_cells(text: &str) -> Vec<String> {
    let mut cells = Vec::new();
    let mut current = String::new();
    let mut spaces = 0;
    for c in text.chars() {
        if c == ' ' {
            spaces += 1;
            continue;
        }
        if spaces >= 2 && !current.is_empty() {
            cells.push(std::mem::take(&mut current));
        } else if spaces == 1 {
            current.push(' ');
        }
        spaces = 0;
        current.push(c);
    }
    if !current.is_empty() {
        cells.push(current);
    }
    // A two-character name padded to a column's width (`吴  喆`) is one
    // cell, not two.
    let mut merged: Vec<String> = Vec::with_capacity(cells.len());
    for cell in cells {
        let single = |c: &str| c.chars().count() == 1 && !c.is_ascii();
        match merged.last_mut() {
            Some(last) if single(last) && single(&cell) => last.push_str(&cell),
            _ => merged.push(cell),
        }
    }
    merged
}

/// Two or more consecutive lines that split into the same number (≥ 2) of
/// space-apart cells, none of them a sentence, form a table.
fn mark_space_aligned_rows(lines: &mut [Line]) {
    let counts: Vec<usize> = lines
        .iter()
        .map(|l| {
            if l.cells.is_some() || l.text.contains(['。', '；']) {
                0
            } else {
                let cells = space_cells(&l.text);
                if cells.len() >= 2 { cells.len() } else { 0 }
            }
        })
        .collect();
    let mut i = 0;
    while i < lines.len() {
        let n = counts[i];
        let mut j = i;
        while n > 0 && j < lines.len() && counts[j] == n {
            j += 1;
        }
        if n > 0 && j - i >= 2 {
            // A following row indented and one cell short starts with an
            // empty cell (`        合计    12 …`).
            while j < lines.len() && lines[j].indented && counts[j] + 1 == n {
                j += 1;
            }
            for line in &mut lines[i..j] {
                let mut cells = space_cells(&line.text);
                if cells.len() + 1 == n && line.indented {
                    cells.insert(0, String::new());
                }
                line.text = cells.join("\t");
                line.cells = Some(cells);
                line.indented = false;
            }
            i = j;
        } else {
            i += 1;
        }
    }
}

/// A Markdown paragraph (or item) as its lines: a hard break keeps them
/// apart; after a soft one the line `continues`, and the recogniser
/// decides.
fn split_breaks(lines: &mut Vec<Line>, line: Line, breaks: &[(bool, usize)]) {
    for (k, part) in line.text.split('\n').enumerate() {
        if !part.trim().is_empty() {
            let after = k.checked_sub(1).and_then(|b| breaks.get(b));
            lines.push(Line {
                text: part.trim().to_string(),
                at: after.map_or(line.at, |b| b.1),
                continues: after.is_some_and(|b| b.0),
                ..line.clone()
            });
        }
    }
}

/// Lines of a Markdown draft (no front matter): headings keep their level,
/// paragraphs their soft-wrapped lines joined, tables their cells. Code
/// blocks and HTML are kept as the text they show, each with a note (the
/// line and what was done).
pub fn markdown_lines(text: &str) -> (Vec<Line>, Vec<(usize, &'static str)>) {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    let line_of = |offset: usize| starts.partition_point(|&s| s <= offset);
    let mut kept = Vec::new();
    let mut lines = Vec::new();
    let mut current: Option<Line> = None;
    let mut row: Option<Vec<String>> = None;
    let mut cell = String::new();
    // Open lists: the next number of each (none for bullets).
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut in_item = 0usize;
    // Each line break in the open paragraph: a soft one?, and the source
    // line after it (a code span may hold a line break of its own).
    let mut breaks: Vec<(bool, usize)> = Vec::new();
    for (event, range) in Parser::new_ext(text, Options::ENABLE_TABLES).into_offset_iter() {
        // A block in an item: the item's text so far is a line.
        if in_item > 0
            && matches!(
                event,
                Event::Start(
                    Tag::CodeBlock(_) | Tag::HtmlBlock | Tag::Heading { .. } | Tag::Table(_)
                )
            )
            && let Some(line) = current.take()
        {
            split_breaks(&mut lines, line, &breaks);
            breaks.clear();
        }
        match event {
            Event::Start(Tag::List(start)) => lists.push(start),
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                // An item keeps its number as text: `1.差评回访率。`
                let number = match lists.last_mut() {
                    Some(Some(n)) => {
                        let s = format!("{n}.");
                        *n += 1;
                        s
                    }
                    _ => String::new(),
                };
                in_item += 1;
                // An item in an item: the outer one's text so far is a line.
                if let Some(outer) = current.take() {
                    split_breaks(&mut lines, outer, &breaks);
                }
                breaks.clear();
                current = Some(Line::new(number, line_of(range.start)));
            }
            Event::End(TagEnd::Item) => {
                in_item = in_item.saturating_sub(1);
                if let Some(line) = current.take() {
                    split_breaks(&mut lines, line, &breaks);
                }
            }
            // A second paragraph in an item: its own line.
            Event::Start(Tag::Paragraph) if in_item > 0 => {
                if let Some(line) = &mut current
                    && !line.text.trim().is_empty()
                {
                    line.text.push('\n');
                    breaks.push((false, line_of(range.start)));
                }
            }
            Event::End(TagEnd::Paragraph) if in_item > 0 => {}
            Event::Start(Tag::Heading { level, .. }) => {
                breaks.clear();
                let mut line = Line::new("", line_of(range.start));
                line.heading = Some(level as u8);
                current = Some(line);
            }
            Event::Start(Tag::Paragraph) => {
                breaks.clear();
                current = Some(Line::new("", line_of(range.start)));
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                kept.push((line_of(range.start), "kept a code block's lines as text"));
                // A fenced block's text starts under its fence.
                let fence = usize::from(matches!(kind, pulldown_cmark::CodeBlockKind::Fenced(_)));
                current = Some(Line::new("", line_of(range.start) + fence));
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some(line) = current.take() {
                    for (k, part) in line.text.lines().enumerate() {
                        if !part.trim().is_empty() {
                            lines.push(Line {
                                text: part.trim().to_string(),
                                at: line.at + k,
                                ..line.clone()
                            });
                        }
                    }
                }
            }
            Event::Start(Tag::HtmlBlock) => {
                kept.push((
                    line_of(range.start),
                    "kept an HTML block as its text, tags and all",
                ));
            }
            Event::Html(t) => {
                for (k, part) in t.lines().enumerate() {
                    if !part.trim().is_empty() {
                        lines.push(Line::new(part.trim(), line_of(range.start) + k));
                    }
                }
            }
            Event::InlineHtml(t) => {
                if let Some(line) = &mut current {
                    kept.push((
                        line_of(range.start),
                        "kept inline HTML as its text, tags and all",
                    ));
                    line.text.push_str(&t);
                }
            }
            Event::Start(Tag::TableHead | Tag::TableRow) => row = Some(Vec::new()),
            Event::Start(Tag::TableCell) => cell.clear(),
            Event::End(TagEnd::TableCell) => {
                if let Some(row) = &mut row {
                    row.push(cell.trim().to_string());
                }
            }
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                if let Some(cells) = row.take() {
                    let mut line = Line::new(cells.join("\t"), line_of(range.start));
                    line.cells = Some(cells);
                    lines.push(line);
                }
            }
            Event::End(TagEnd::Heading(_) | TagEnd::Paragraph) => {
                if let Some(line) = current.take() {
                    split_breaks(&mut lines, line, &breaks);
                }
            }
            // A code span over lines keeps its line breaks: each line of
            // the draft stays where notes can name it.
            Event::Code(_) if row.is_none() && text[range.clone()].contains('\n') => {
                let line = current.get_or_insert_with(|| Line::new("", line_of(range.start)));
                let source = text[range.clone()].trim_matches('`');
                for (j, part) in source.split('\n').enumerate() {
                    if j > 0 {
                        line.text.push('\n');
                        breaks.push((true, line_of(range.start) + j));
                    }
                    line.text.push_str(part.trim_end_matches('\r'));
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if row.is_some() {
                    cell.push_str(&t);
                } else {
                    // Text after a nested list has no open line: it starts one.
                    current
                        .get_or_insert_with(|| Line::new("", line_of(range.start)))
                        .text
                        .push_str(&t);
                }
            }
            Event::SoftBreak => {
                if let Some(line) = &mut current {
                    line.text.push('\n');
                    breaks.push((true, line_of(range.end)));
                }
            }
            Event::HardBreak => {
                if let Some(line) = &mut current {
                    line.text.push('\n');
                    breaks.push((false, line_of(range.end)));
                }
            }
            _ => {}
        }
    }
    if let Some(line) = current.take() {
        split_breaks(&mut lines, line, &breaks);
    }
    (lines, kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gb18030_and_utf8_are_told_apart() {
        let (gbk, _, _) = encoding_rs::GBK.encode("关于印发通知的通知：");
        let (text, name) = decode(Path::new("a.txt"), &gbk).unwrap();
        assert_eq!(text, "关于印发通知的通知：");
        assert_eq!(name, Some("GB18030"));
        let (text, name) = decode(Path::new("a.txt"), "\u{feff}通知".as_bytes()).unwrap();
        assert_eq!((text.as_str(), name), ("通知", None));
        let err = decode(Path::new("a.txt"), b"ok\n\xff\xff\xff").unwrap_err();
        assert!(
            err.0[0].message.contains("a.txt:2:1"),
            "{}",
            err.0[0].message
        );
    }

    #[test]
    fn rows_by_tabs_and_by_aligned_spaces() {
        let lines =
            text_lines("序号\t项目\n\t合计\t386\n\n姓名    职务\n张三    局长\n一句话  不是表。\n");
        assert_eq!(
            lines[0].cells.as_deref(),
            Some(&["序号".to_string(), "项目".to_string()][..])
        );
        assert_eq!(lines[1].cells.as_ref().unwrap()[0], "");
        assert_eq!(
            lines[3].cells.as_ref().unwrap(),
            &vec!["张三".to_string(), "局长".to_string()]
        );
        assert!(lines[4].cells.is_none());
        assert!(lines[2].blank_before);
    }
}
