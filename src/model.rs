//! The document model: every element of a 公文 with its final words, in the
//! order GB/T 9704 places them, and the images it prints. Every writer (the
//! Typst layout, the text twin, DOCX) reads only this model, so all outputs
//! carry the same words.

use std::ops::Range;

use schemars::JsonSchema;
use serde::Serialize;

pub use crate::gbt9704::DocumentFormat;

/// The version of the model as templates receive it (`version` in the
/// template's data). It changes when a field is renamed or removed, so a
/// customised template can tell data it was not written for.
pub const DATA_VERSION: u32 = 1;

/// How a stretch of inline text is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema, Default)]
#[serde(rename_all = "lowercase")]
pub enum Style {
    #[default]
    Plain,
    /// Markdown `*…*`: set in 楷体.
    Emphasis,
    /// Markdown `**…**`: set in 黑体 (the fonts have no bold).
    Strong,
}

/// A stretch of text in one style.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Run {
    pub text: String,
    pub style: Style,
    /// Never broken across lines (a table cell's date or name).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub whole: bool,
}

impl Run {
    pub fn plain(text: impl Into<String>) -> Run {
        Run::styled(text, Style::Plain)
    }

    pub fn styled(text: impl Into<String>, style: Style) -> Run {
        Run {
            text: text.into(),
            style,
            whole: false,
        }
    }
}

/// The words of some runs, without styles.
pub fn plain_text(runs: &[Run]) -> String {
    runs.iter().map(|r| r.text.as_str()).collect()
}

/// A numbered heading of level 1..=4.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Heading {
    pub level: u8,
    /// `一、`, `（一）`, `1.`, `（1）`: generated, or as the clerk typed it.
    pub number: String,
    pub runs: Vec<Run>,
    /// Where the heading is in its Markdown source.
    #[serde(skip)]
    pub source: Range<usize>,
    /// Closed with `#`s in the source (`## 加强组织领导。 ##`): it stands on
    /// its own line even when it ends in 。.
    pub alone: bool,
}

impl Heading {
    /// A heading that is a whole sentence (ends in 。, not closed): it runs
    /// into the paragraph after it, or, with none, reads and flows as text
    /// rather than staying with what follows.
    pub fn is_sentence(&self) -> bool {
        !self.alone && plain_text(&self.runs).ends_with('。')
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    Auto,
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Table {
    pub header: Vec<Vec<Run>>,
    pub rows: Vec<Vec<Vec<Run>>>,
    pub align: Vec<Align>,
    /// How the table fits its line (see `compose::tables`).
    pub layout: TableLayout,
}

/// Where a body cell's text is broken into balanced lines.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct CellBreaks {
    pub row: usize,
    pub column: usize,
    /// Character offsets of the line starts after the first.
    pub at: Vec<usize>,
}

/// A table's type size and column widths, planned from its content.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct TableLayout {
    /// Type size in points (四号, 小四 or 五号).
    pub size: f64,
    /// Each column's share of the line, summing to 1.
    pub widths: Vec<f64>,
    /// Where each heading is broken into balanced lines (character
    /// offsets; empty when it fits on one line).
    pub header_breaks: Vec<Vec<usize>>,
    /// The same for the body cells that wrap, by row and column.
    pub cell_breaks: Vec<CellBreaks>,
    /// Rows are short enough to be kept whole on a page.
    pub keep_rows: bool,
}

impl TableLayout {
    /// Where the heading of `column` is broken (empty: on one line).
    pub fn header_breaks_of(&self, column: usize) -> &[usize] {
        self.header_breaks.get(column).map_or(&[], Vec::as_slice)
    }

    /// Where the body cell at `row`, `column` is broken (empty: not
    /// broken by plan).
    pub fn cell_breaks_of(&self, row: usize, column: usize) -> &[usize] {
        self.cell_breaks
            .iter()
            .find(|b| b.row == row && b.column == column)
            .map_or(&[], |b| b.at.as_slice())
    }
}

impl Default for TableLayout {
    fn default() -> Self {
        TableLayout {
            size: crate::gbt9704::size::SIHAO,
            widths: Vec::new(),
            header_breaks: Vec::new(),
            cell_breaks: Vec::new(),
            keep_rows: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Block {
    /// A heading on its own line.
    Heading(Heading),
    /// A paragraph; `lead` is a heading run into it (`（一）加强……。围绕……`).
    Paragraph {
        lead: Option<Heading>,
        runs: Vec<Run>,
    },
    Table(Table),
}

/// A title, with the places it may break between lines.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Title {
    pub text: String,
    /// Words of the title in order; lines break only between them.
    pub words: Vec<String>,
    /// The title's lines (a trapezoid or a diamond), words kept whole.
    pub lines: Vec<String>,
}

/// 发文机关标志.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Mark {
    /// One line per issuer (joint issue) or the whole mark on one line.
    pub lines: Vec<String>,
    /// `文件` set once to the right of stacked issuers.
    pub suffix: Option<String>,
}

/// One line of the 附件说明.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct AttachmentNote {
    /// `1.` when several attachments are listed.
    pub number: Option<String>,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Attachment {
    /// `附件` / `附件2`; none when the plan sets `label = ""`.
    pub label: Option<String>,
    pub title: Option<Title>,
    pub landscape: bool,
    pub body: Vec<Block>,
}

/// 版记.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Imprint {
    /// The names after `抄送：`, joined and ending with `。`.
    pub cc: Option<String>,
    pub printed_by: Option<String>,
    /// `2020年3月27日印发`.
    pub printed_on: Option<String>,
}

/// A line of the 纪要 attendance list (`出席：……`).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Attendance {
    pub label: String,
    pub names: String,
    /// The names, each with the separator after it (`，` or a run of
    /// ideographic spaces, as the plan wrote them): lines break between
    /// pieces, never inside a name.
    pub pieces: Vec<String>,
}

impl Attendance {
    pub fn new(label: &str, names: String) -> Attendance {
        let separator = |c: char| c == '，' || c == '\u{3000}';
        let mut pieces = Vec::new();
        let mut start = 0;
        let mut in_separator = false;
        for (i, c) in names.char_indices() {
            if separator(c) {
                in_separator = true;
            } else if in_separator {
                pieces.push(names[start..i].to_string());
                start = i;
                in_separator = false;
            }
        }
        if start < names.len() {
            pieces.push(names[start..].to_string());
        }
        Attendance {
            label: label.to_string(),
            names,
            pieces,
        }
    }
}

/// An image file the document prints.
#[derive(Debug, Clone, PartialEq, Eq, JsonSchema)]
pub struct Image {
    pub bytes: Vec<u8>,
    pub format: ImageFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ImageFormat {
    Png,
    Svg,
}

impl ImageFormat {
    /// The file extension, also the name Typst's `image` takes.
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Png => "png",
            ImageFormat::Svg => "svg",
        }
    }
}

/// PDF metadata.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Metadata {
    pub title: String,
    pub author: String,
    /// `[year, month, day]` of the document date, if any.
    pub date: Option<[u32; 3]>,
}

#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Document {
    pub format: DocumentFormat,
    pub copy_number: Option<String>,
    /// `秘密★1年`.
    pub secrecy: Option<String>,
    pub urgency: Option<String>,
    pub mark: Option<Mark>,
    pub number: Option<String>,
    /// 签发人 names (上行文 layout when not empty).
    pub signers: Vec<String>,
    pub title: Option<Title>,
    /// 主送机关, ending with `：`.
    pub to: Option<String>,
    pub body: Vec<Block>,
    pub attachment_notes: Vec<AttachmentNote>,
    pub attendance: Vec<Attendance>,
    /// 发文机关署名, one line each.
    pub signature: Vec<String>,
    /// 成文日期, `2020年3月27日`.
    pub date: Option<String>,
    /// Whether the sealed layout is used.
    pub sealed: bool,
    /// The seal images: none, one, or one per issuer of a 联合行文. They
    /// reach templates as files (see `typeset::data`), not in the JSON.
    #[serde(skip)]
    pub seals: Vec<Image>,
    /// 附注 with its parentheses.
    pub note: Option<String>,
    pub attachments: Vec<Attachment>,
    pub imprint: Option<Imprint>,
    /// Printed on both sides: the 版记 takes an even page.
    pub duplex: bool,
    pub metadata: Metadata,
}

impl Document {
    /// Every piece of text of the document, in reading order (the title's
    /// words after its text).
    pub fn for_each_text_mut(&mut self, f: &mut impl FnMut(&mut String)) {
        for s in [
            &mut self.copy_number,
            &mut self.secrecy,
            &mut self.urgency,
            &mut self.number,
        ]
        .into_iter()
        .flatten()
        {
            f(s);
        }
        if let Some(mark) = &mut self.mark {
            mark.lines.iter_mut().for_each(&mut *f);
            mark.suffix.iter_mut().for_each(&mut *f);
        }
        self.signers.iter_mut().for_each(&mut *f);
        if let Some(title) = &mut self.title {
            title_texts(title, f);
        }
        self.to.iter_mut().for_each(&mut *f);
        blocks_texts(&mut self.body, f);
        for note in &mut self.attachment_notes {
            note.number.iter_mut().for_each(&mut *f);
            f(&mut note.name);
        }
        for a in &mut self.attendance {
            f(&mut a.label);
            f(&mut a.names);
        }
        self.signature.iter_mut().for_each(&mut *f);
        self.date.iter_mut().for_each(&mut *f);
        self.note.iter_mut().for_each(&mut *f);
        for a in &mut self.attachments {
            a.label.iter_mut().for_each(&mut *f);
            if let Some(title) = &mut a.title {
                title_texts(title, f);
            }
            blocks_texts(&mut a.body, f);
        }
        if let Some(imprint) = &mut self.imprint {
            for s in [
                &mut imprint.cc,
                &mut imprint.printed_by,
                &mut imprint.printed_on,
            ]
            .into_iter()
            .flatten()
            {
                f(s);
            }
        }
        f(&mut self.metadata.title);
        f(&mut self.metadata.author);
    }

    /// Every piece of text of the document, in reading order.
    pub fn texts(&self) -> Vec<String> {
        let mut copy = self.clone();
        let mut out = Vec::new();
        copy.for_each_text_mut(&mut |s| out.push(std::mem::take(s)));
        out
    }
}

fn title_texts(title: &mut Title, f: &mut impl FnMut(&mut String)) {
    f(&mut title.text);
    title.words.iter_mut().for_each(&mut *f);
    title.lines.iter_mut().for_each(&mut *f);
}

fn runs_texts(runs: &mut [Run], f: &mut impl FnMut(&mut String)) {
    for r in runs {
        f(&mut r.text);
    }
}

fn heading_texts(h: &mut Heading, f: &mut impl FnMut(&mut String)) {
    f(&mut h.number);
    runs_texts(&mut h.runs, f);
}

fn blocks_texts(blocks: &mut [Block], f: &mut impl FnMut(&mut String)) {
    for block in blocks {
        match block {
            Block::Heading(h) => heading_texts(h, f),
            Block::Paragraph { lead, runs } => {
                if let Some(h) = lead {
                    heading_texts(h, f);
                }
                runs_texts(runs, f);
            }
            Block::Table(t) => {
                for cell in t.header.iter_mut().chain(t.rows.iter_mut().flatten()) {
                    runs_texts(cell, f);
                }
            }
        }
    }
}
