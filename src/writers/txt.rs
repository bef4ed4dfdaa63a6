//! The plain-text twin of a document: every word of the PDF in reading
//! order, for publishing on the web and for archives.
//!
//! Elements are separated by blank lines; paragraphs start with two
//! ideographic spaces; table rows are tab-separated. Page numbers are not
//! words of the document and are left out.

use super::{Names, OutputFile, Rendered, Settings, Writer};
use crate::diagnostic::Failed;
use crate::model::{Block, Document, DocumentFormat, Heading, Run, Table, plain_text};

/// `NAME.txt`.
pub struct Txt;

impl Writer for Txt {
    fn needs_pages(&self) -> bool {
        false
    }

    fn write(
        &self,
        rendered: &Rendered,
        names: &Names,
        _settings: &Settings,
    ) -> Result<Vec<OutputFile>, Failed> {
        Ok(vec![(
            names.file("txt"),
            render(rendered.document).into_bytes(),
        )])
    }
}

/// Two ideographic spaces: the paragraph indent.
const INDENT: &str = "\u{3000}\u{3000}";

pub fn render(doc: &Document) -> String {
    let mut out = Sections::default();

    header(doc, &mut out);
    if let Some(title) = &doc.title {
        out.section(vec![title.text.clone()]);
    }

    let mut main = Vec::new();
    main.extend(doc.to.clone());
    blocks(&doc.body, &mut main);
    out.section(main);

    if !doc.attachment_notes.is_empty() {
        let mut lines = Vec::new();
        for (i, note) in doc.attachment_notes.iter().enumerate() {
            let label = if i == 0 {
                "附件："
            } else {
                "\u{3000}\u{3000}\u{3000}"
            };
            let number = note.number.as_deref().unwrap_or("");
            lines.push(format!("{INDENT}{label}{number}{}", note.name));
        }
        out.section(lines);
    }

    if !doc.attendance.is_empty() {
        out.section(
            doc.attendance
                .iter()
                .map(|a| format!("{}：{}", a.label, a.names))
                .collect(),
        );
    }

    let mut closing = doc.signature.clone();
    closing.extend(doc.date.clone());
    out.section(closing);
    if let Some(note) = &doc.note {
        out.section(vec![format!("{INDENT}{note}")]);
    }

    for attachment in &doc.attachments {
        out.section(attachment.label.clone().into_iter().collect());
        if let Some(title) = &attachment.title {
            out.section(vec![title.text.clone()]);
        }
        let mut lines = Vec::new();
        blocks(&attachment.body, &mut lines);
        out.section(lines);
    }

    if let Some(imprint) = &doc.imprint {
        let mut lines = Vec::new();
        if let Some(cc) = &imprint.cc {
            lines.push(format!("抄送：{cc}"));
        }
        let printed: Vec<&str> = [&imprint.printed_by, &imprint.printed_on]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        if !printed.is_empty() {
            lines.push(printed.join("\t"));
        }
        out.section(lines);
    }
    out.finish()
}

/// The 版头 in the order the page is read, line by line: what shares a line
/// is separated by a tab.
fn header(doc: &Document, out: &mut Sections) {
    let corner: Vec<String> = [&doc.copy_number, &doc.secrecy, &doc.urgency]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    let mark = doc.mark.as_ref().map(|mark| {
        let mut lines = mark.lines.clone();
        lines.extend(mark.suffix.clone());
        lines
    });
    if doc.format == DocumentFormat::Letter {
        // 信函: the issuer on top; under its rule, 份号 … on the left and the
        // 发文字号 on the right of the first line.
        out.section(mark.unwrap_or_default());
        let mut lines = corner;
        match (lines.first_mut(), &doc.number) {
            (Some(first), Some(number)) => *first = format!("{first}\t{number}"),
            (None, Some(number)) => lines.push(number.clone()),
            _ => {}
        }
        out.section(lines);
        return;
    }
    out.section(corner);
    out.section(mark.unwrap_or_default());
    // 上行文: the 签发人 two names a line, the 发文字号 on the left of the
    // last of those lines.
    let number = doc.number.clone().unwrap_or_default();
    if doc.signers.is_empty() {
        out.section(doc.number.clone().into_iter().collect());
        return;
    }
    let rows: Vec<String> = doc
        .signers
        .chunks(2)
        .enumerate()
        .map(|(i, pair)| {
            let names = pair.join("\u{3000}");
            if i == 0 {
                format!("签发人：{names}")
            } else {
                names
            }
        })
        .collect();
    let last = rows.len() - 1;
    let lines = rows
        .into_iter()
        .enumerate()
        .map(|(i, row)| {
            if i == last && !number.is_empty() {
                format!("{number}\t{row}")
            } else {
                row
            }
        })
        .collect();
    out.section(lines);
}

/// Lines grouped into sections separated by one blank line.
#[derive(Default)]
struct Sections(Vec<Vec<String>>);

impl Sections {
    fn section(&mut self, lines: Vec<String>) {
        if !lines.is_empty() {
            self.0.push(lines);
        }
    }

    fn finish(self) -> String {
        let mut text = self
            .0
            .iter()
            .map(|s| s.join("\n"))
            .collect::<Vec<_>>()
            .join("\n\n");
        text.push('\n');
        text
    }
}

fn heading_text(h: &Heading) -> String {
    format!("{}{}", h.number, plain_text(&h.runs))
}

fn blocks(blocks: &[Block], out: &mut Vec<String>) {
    for block in blocks {
        match block {
            Block::Heading(h) => out.push(format!("{INDENT}{}", heading_text(h))),
            Block::Paragraph { lead, runs } => {
                let lead = lead.as_ref().map(heading_text).unwrap_or_default();
                out.push(format!("{INDENT}{lead}{}", plain_text(runs)));
            }
            Block::Table(table) => table_rows(table, out),
        }
    }
}

fn table_rows(table: &Table, out: &mut Vec<String>) {
    let cell = |runs: &Vec<Run>| plain_text(runs).replace(['\t', '\n'], " ");
    if !table.header.is_empty() {
        out.push(table.header.iter().map(cell).collect::<Vec<_>>().join("\t"));
    }
    for row in &table.rows {
        out.push(row.iter().map(cell).collect::<Vec<_>>().join("\t"));
    }
}
