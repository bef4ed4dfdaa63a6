//! A recognised draft written as a plan: `plan.toml` with the body and
//! each attachment in files beside it, or (for `notice build draft.docx`)
//! one plan text with everything inline. Text is data: Markdown and
//! placeholder syntax in the draft's words is escaped, so it prints as
//! written.

use super::structure::{Attachment, Block, Doc, default_labels};
use crate::compose::tables;
use crate::gbt9704::DocumentFormat;
use crate::model::{Run, Table, TableLayout};

/// The files of an imported plan: (name, contents), `plan.toml` first.
pub fn files(doc: &Doc, source: &str) -> Vec<(String, Vec<u8>)> {
    let mut out = vec![(String::new(), Vec::new())];
    let mut toml = header_comment(source);
    toml.push_str(&keys(doc));
    if !doc.body.is_empty() {
        out.push(("body.md".into(), markdown(&doc.body).into_bytes()));
        toml.push_str("body_file = \"body.md\"\n");
    }
    toml.push_str(&closing_keys(doc));
    let labels = default_labels(&doc.attachments);
    for (n, attachment) in doc.attachments.iter().enumerate() {
        toml.push_str(&attachment_head(attachment, &labels[n]));
        let name = format!("attachment-{}", n + 1);
        match sole_table(&attachment.body) {
            Some(rows) => {
                out.push((format!("{name}.csv"), csv(rows)));
                toml.push_str(&format!("csv = \"{name}.csv\"\n"));
                if too_wide_for_portrait(rows) {
                    toml.push_str("landscape = true\n");
                }
            }
            None if !attachment.body.is_empty() => {
                out.push((
                    format!("{name}.md"),
                    markdown(&attachment.body).into_bytes(),
                ));
                toml.push_str(&format!("body_file = \"{name}.md\"\n"));
                if attachment
                    .body
                    .iter()
                    .any(|b| matches!(b, Block::Table(rows) if too_wide_for_portrait(rows)))
                {
                    toml.push_str("landscape = true\n");
                }
            }
            None => {}
        }
    }
    out[0] = ("plan.toml".into(), toml.into_bytes());
    out
}

/// The plan as one TOML text, bodies inline (tables as GFM tables).
pub fn inline(doc: &Doc, source: &str) -> String {
    let mut toml = header_comment(source);
    toml.push_str(&keys(doc));
    if !doc.body.is_empty() {
        toml.push_str(&format!("body = {}\n", toml_string(markdown(&doc.body))));
    }
    toml.push_str(&closing_keys(doc));
    let labels = default_labels(&doc.attachments);
    for (attachment, label) in doc.attachments.iter().zip(&labels) {
        toml.push_str(&attachment_head(attachment, label));
        if !attachment.body.is_empty() {
            toml.push_str(&format!(
                "body = {}\n",
                toml_string(markdown(&attachment.body))
            ));
        }
        if attachment
            .body
            .iter()
            .any(|b| matches!(b, Block::Table(rows) if too_wide_for_portrait(rows)))
        {
            toml.push_str("landscape = true\n");
        }
    }
    toml
}

fn header_comment(source: &str) -> String {
    // A file name is data: a newline in it must not end the comment and
    // start a key of the plan.
    let source = source.escape_debug();
    format!(
        "# Imported by notice {} from {source}.\n# Review it against the draft: `notice import` listed what it repaired.\n\n",
        env!("CARGO_PKG_VERSION")
    )
}

/// A TOML string holding `text` exactly, placeholders escaped.
fn string(text: &str) -> String {
    toml_string(literal_braces(text))
}

/// A TOML string of text already escaped (Markdown from `markdown`).
fn toml_string(text: String) -> String {
    toml::Value::String(text).to_string()
}

fn strings(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|s| string(s)).collect();
    format!("[{}]", items.join(", "))
}

fn date((y, m, d): (u16, u8, u8)) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

/// `{{`, `{%` and `{#` in a draft's words print as written.
fn literal_braces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '{'
            && let Some(&next) = chars.peek()
            && matches!(next, '{' | '%' | '#')
        {
            chars.next();
            out.push_str(&format!("{{{{ '{{{next}' }}}}"));
            continue;
        }
        out.push(c);
    }
    out
}

/// The keys from 版头 to 主送.
fn keys(doc: &Doc) -> String {
    let mut toml = String::new();
    let mut key = |name: &str, value: String| toml.push_str(&format!("{name} = {value}\n"));
    let format = doc.format.unwrap_or(DocumentFormat::File);
    if format != DocumentFormat::File {
        key("format", string(format.name()));
    }
    let issuers = issuers(doc);
    match issuers.as_slice() {
        [] => {}
        [one] => key("issuer", string(one)),
        many => key("issuer", strings(many)),
    }
    if doc.mark.is_none() && doc.mark_issuers.is_empty() && !issuers.is_empty() {
        // Issuers read from the title or the 署名: the draft printed no
        // 发文机关标志, and the plan invents none.
        key(
            "mark",
            format!(
                "{}  # the draft has no 版头: delete this line to print one",
                string("")
            ),
        );
    }
    if let Some(mark) = &doc.mark
        && issuers.len() == 1
        && *mark != format!("{}{}", issuers[0], format.mark_suffix())
    {
        key("mark", string(mark));
    }
    for (name, value) in [
        ("number", &doc.number),
        ("copy_number", &doc.copy_number),
        ("secrecy", &doc.secrecy),
        ("secrecy_period", &doc.secrecy_period),
        ("urgency", &doc.urgency),
    ] {
        if let Some(v) = value {
            key(name, string(v));
        }
    }
    if !doc.signers.is_empty() {
        key("signers", strings(&doc.signers));
    }
    if let Some(title) = &doc.title {
        key("title", string(title));
    }
    if let Some(to) = &doc.to {
        key("to", string(to));
    }
    toml
}

/// The issuers a plan names: a joint mark's, the mark's less its suffix
/// (`文件`, `令`, `纪要`) or the 署名 it matches; without a mark (a web
/// copy drops it), the organisations that open the title (`A、B关于…`),
/// else the 署名's.
fn issuers(doc: &Doc) -> Vec<String> {
    if !doc.mark_issuers.is_empty() {
        return doc.mark_issuers.clone();
    }
    let Some(mark) = &doc.mark else {
        return crate::import::structure::issuers_without_mark(doc);
    };
    let format = doc.format.unwrap_or(DocumentFormat::File);
    if format == DocumentFormat::File && doc.signature.len() == 1 {
        return doc.signature.clone();
    }
    let short = mark.strip_suffix(format.mark_suffix()).unwrap_or(mark);
    vec![short.to_string()]
}

/// The keys from 署名 to 版记.
fn closing_keys(doc: &Doc) -> String {
    let mut toml = String::new();
    let mut key = |name: &str, value: String| toml.push_str(&format!("{name} = {value}\n"));
    let format = doc.format.unwrap_or(DocumentFormat::File);
    let issuers = issuers(doc);
    let signs_by_default =
        !issuers.is_empty() && matches!(format, DocumentFormat::File | DocumentFormat::Letter);
    if doc.signature != issuers || (!signs_by_default && !doc.signature.is_empty()) {
        match doc.signature.as_slice() {
            [one] => key("signature", string(one)),
            many => key("signature", strings(many)),
        }
    }
    if let Some(d) = doc.date {
        key("date", date(d));
    }
    if let Some(note) = &doc.note {
        key("note", string(note));
    }
    for (name, names) in [
        ("attendees", &doc.attendees),
        ("absentees", &doc.absentees),
        ("observers", &doc.observers),
    ] {
        match names.as_slice() {
            [] => {}
            [one] => key(name, string(one)),
            many => key(name, strings(many)),
        }
    }
    if let Some(cc) = &doc.cc {
        key("cc", string(cc));
    }
    if let Some(by) = &doc.printed_by {
        key("printed_by", string(by));
    }
    if let Some(on) = doc.printed_on
        && Some(on) != doc.date
    {
        key("printed_on", date(on));
    }
    toml
}

fn attachment_head(a: &Attachment, default_label: &str) -> String {
    let mut toml = format!("\n[[attachments]]\ntitle = {}\n", string(&a.title));
    if a.label != default_label {
        toml.push_str(&format!("label = {}\n", string(&a.label)));
    }
    if !a.listed {
        toml.push_str("listed = false\n");
    }
    toml
}

fn sole_table(body: &[Block]) -> Option<&Vec<Vec<String>>> {
    match body {
        [Block::Table(rows)] if rows.len() >= 2 => Some(rows),
        _ => None,
    }
}

/// Whether a table needs a turned page: it cannot fit the portrait 版心
/// even at the smallest size.
fn too_wide_for_portrait(rows: &[Vec<String>]) -> bool {
    let cells = |row: &Vec<String>| {
        row.iter()
            .map(|c| vec![Run::plain(c.clone())])
            .collect::<Vec<_>>()
    };
    let table = Table {
        header: rows.first().map(cells).unwrap_or_default(),
        rows: rows.iter().skip(1).map(cells).collect(),
        align: Vec::new(),
        layout: TableLayout::default(),
    };
    tables::plan(&table, tables::line_width(false)).is_err()
}

fn csv(rows: &[Vec<String>]) -> Vec<u8> {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    for row in rows {
        // A row of cells always writes; an error would be a bug in csv.
        let _ = writer.write_record(row);
    }
    writer.into_inner().unwrap_or_default()
}

/// Blocks as the body Markdown of the plan format.
pub fn markdown(blocks: &[Block]) -> String {
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Heading { level, text, alone } => {
                let hashes = "#".repeat(usize::from(*level));
                out.push_str(&hashes);
                out.push(' ');
                out.push_str(&escape(text));
                if *alone {
                    out.push(' ');
                    out.push_str(&hashes);
                }
            }
            Block::Paragraph(text) => out.push_str(&escape(text)),
            Block::Table(rows) => {
                for (n, row) in rows.iter().enumerate() {
                    let cells: Vec<String> =
                        row.iter().map(|c| escape(c).replace('|', "\\|")).collect();
                    out.push_str(&format!("| {} |\n", cells.join(" | ")));
                    if n == 0 {
                        out.push_str(&format!("|{}\n", "---|".repeat(row.len())));
                    }
                }
                out.pop();
            }
        }
        out.push_str("\n\n");
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    literal_braces(&out)
}

/// Text whose Markdown characters print as written.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, c) in text.chars().enumerate() {
        let at_start = i == 0;
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '&'
        ) || (at_start && matches!(c, '#' | '-' | '+' | '=' | '>'))
        {
            out.push('\\');
        }
        out.push(c);
    }
    // `1. ` or `1) ` at the start would be a list.
    if let Some(dot) = out.find(['.', ')'])
        && out[..dot].chars().all(|c| c.is_ascii_digit())
        && dot > 0
        && out[dot + 1..].starts_with(' ')
    {
        out.insert(dot, '\\');
    }
    out.replace(['\n', '\t'], " ")
}
