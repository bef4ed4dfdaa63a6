//! The plain-text twin of a document: every word of the PDF in reading
//! order, for publishing on the web and for archives.
//!
//! Elements are separated by blank lines; paragraphs start with two
//! ideographic spaces; table rows are tab-separated. Page numbers are not
//! words of the document and are left out.

use super::{Names, OutputFile, Rendered, Settings, Writer};
use crate::diagnostic::Failed;
use crate::model::{Block, Document, Heading, Run, Table, plain_text};

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

    out.section(
        [&doc.copy_number, &doc.secrecy, &doc.urgency]
            .into_iter()
            .flatten()
            .cloned()
            .collect(),
    );
    if let Some(mark) = &doc.mark {
        let mut lines = mark.lines.clone();
        lines.extend(mark.suffix.clone());
        out.section(lines);
    }
    let mut number_lines = Vec::new();
    number_lines.extend(doc.number.clone());
    if !doc.signers.is_empty() {
        number_lines.push(format!("签发人：{}", doc.signers.join("\u{3000}")));
    }
    out.section(number_lines);
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
