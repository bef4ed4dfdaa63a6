//! The document model: every element of a 公文 with its final words, in the
//! order GB/T 9704 places them. Both renderers (Typst and plain text) read
//! only this model, so the PDF and its text twin always carry the same words.

use std::ops::Range;

use serde::Serialize;

/// The four layouts of GB/T 9704 (section 10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// 文件格式
    #[default]
    File,
    /// 信函格式
    Letter,
    /// 命令（令）格式
    Order,
    /// 纪要格式
    Minutes,
}

impl Format {
    pub const NAMES: [&'static str; 4] = ["file", "letter", "order", "minutes"];

    pub fn parse(name: &str) -> Option<Format> {
        Some(match name {
            "file" => Format::File,
            "letter" => Format::Letter,
            "order" => Format::Order,
            "minutes" => Format::Minutes,
            _ => return None,
        })
    }
}

/// How a stretch of inline text is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Run {
    pub text: String,
    pub style: Style,
}

impl Run {
    pub fn plain(text: impl Into<String>) -> Run {
        Run {
            text: text.into(),
            style: Style::Plain,
        }
    }
}

/// The words of some runs, without styles.
pub fn plain_text(runs: &[Run]) -> String {
    runs.iter().map(|r| r.text.as_str()).collect()
}

/// A numbered heading of level 1..=4.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Heading {
    pub level: u8,
    /// `一、`, `（一）`, `1.`, `（1）`: generated, or as the clerk typed it.
    pub number: String,
    pub runs: Vec<Run>,
    /// Whether the number was typed by the clerk.
    #[serde(skip)]
    pub explicit: bool,
    /// Where the heading is in its Markdown source.
    #[serde(skip)]
    pub source: Range<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    Auto,
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    pub header: Vec<Vec<Run>>,
    pub rows: Vec<Vec<Vec<Run>>>,
    pub align: Vec<Align>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Title {
    pub text: String,
    /// Words of the title in order; lines break only between them.
    pub words: Vec<String>,
}

/// 发文机关标志.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mark {
    /// One line per issuer (joint issue) or the whole mark on one line.
    pub lines: Vec<String>,
    /// `文件` set once to the right of stacked issuers.
    pub suffix: Option<String>,
}

/// One line of the 附件说明.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttachmentNote {
    /// `1.` when several attachments are listed.
    pub number: Option<String>,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attachment {
    /// `附件` / `附件2`; none when the plan sets `label = ""`.
    pub label: Option<String>,
    pub title: Option<Title>,
    pub landscape: bool,
    pub body: Vec<Block>,
}

/// 版记.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Imprint {
    /// The names after `抄送：`, joined and ending with `。`.
    pub cc: Option<String>,
    pub printed_by: Option<String>,
    /// `2020年3月27日印发`.
    pub printed_on: Option<String>,
}

/// A line of the 纪要 attendance list (`出席：……`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Attendance {
    pub label: String,
    pub names: String,
}

/// PDF metadata.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metadata {
    pub title: String,
    pub author: String,
    /// `[year, month, day]` of the document date, if any.
    pub date: Option<[u32; 3]>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Document {
    pub format: Format,
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
    /// Whether the sealed layout is used (the image is passed separately).
    pub sealed: bool,
    /// 附注 with its parentheses.
    pub note: Option<String>,
    pub attachments: Vec<Attachment>,
    pub imprint: Option<Imprint>,
    /// Printed on both sides: the 版记 takes an even page.
    pub duplex: bool,
    pub metadata: Metadata,
}
