//! Word drafts (`.docx`): paragraphs with their faces, alignment and page
//! breaks, the numbers Word's automatic numbering shows, and tables.
//!
//! Read with `zip` and `roxmltree`: a DOCX is a zip of XML parts, and only
//! three parts matter here (document, styles, numbering). docx-rs's reader
//! builds its whole writing model and drops what it does not model (a
//! paragraph's resolved numbering, fields' shown text); a read-only DOM
//! over the parts is smaller and sees everything.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

use roxmltree::{Document, Node};

use super::draft::{Face, Line};
use crate::diagnostic::{Diagnostic, Failed};
use crate::gbt9704::SIGNATURE_SEAL_TEXT;
use crate::limits;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// Reads a Word file's body into lines.
pub fn read(path: &Path, bytes: &[u8]) -> Result<Vec<Line>, Failed> {
    let bad = |what: String| {
        Failed::from(
            Diagnostic::error("docx", format!("{}: {what}", path.display())).hint(
                "open the file in Word or WPS and save it again as .docx (Word 2007 or later)",
            ),
        )
    };
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| bad(format!("not a Word file ({e})")))?;
    let mut part = |name: &str| -> Result<Option<String>, Failed> {
        let Ok(file) = zip.by_name(name) else {
            return Ok(None);
        };
        let mut text = String::new();
        file.take(limits::DOCX_PART_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(|e| bad(format!("{name} cannot be read ({e})")))?;
        if text.len() as u64 > limits::DOCX_PART_BYTES {
            return Err(bad(format!(
                "{name} unpacks to more than {} MB",
                limits::DOCX_PART_BYTES >> 20
            )));
        }
        Ok(Some(text))
    };
    let document =
        part("word/document.xml")?.ok_or_else(|| bad("it has no word/document.xml".into()))?;
    let styles = part("word/styles.xml")?;
    let numbering = part("word/numbering.xml")?;
    let document = parse_xml(&document).map_err(|e| bad(format!("word/document.xml: {e}")))?;
    let styles = styles
        .as_deref()
        .map(parse_xml)
        .transpose()
        .map_err(|e| bad(format!("word/styles.xml: {e}")))?;
    let numbering = numbering
        .as_deref()
        .map(parse_xml)
        .transpose()
        .map_err(|e| bad(format!("word/numbering.xml: {e}")))?;
    let too_much = |what: String| {
        Failed::from(
            Diagnostic::error("limit", format!("{}: {what}", path.display()))
                .hint("split the draft into smaller documents, or import the parts one by one"),
        )
    };
    let mut reader = Reader {
        styles: Styles::new(styles.as_ref()),
        numbering: Numbering::new(numbering.as_ref()),
        lines: Vec::new(),
        paragraph: 0,
        page_break: false,
        blank: false,
        signer_rows: false,
        text_bytes: 0,
        cells: 0,
    };
    let body = document
        .root_element()
        .children()
        .find(|n| is(n, "body"))
        .ok_or_else(|| bad("its document has no body".into()))?;
    reader.block_children(body);
    if reader.text_bytes > limits::DRAFT_TEXT_BYTES {
        return Err(too_much(format!(
            "its text unpacks to more than {} (numbers and merged cells included)",
            limits::human_bytes(limits::DRAFT_TEXT_BYTES as u64)
        )));
    }
    if reader.cells > limits::DRAFT_CELLS {
        return Err(too_much(format!(
            "its tables hold more than {} cells (merged cells counted as the columns they cover)",
            limits::DRAFT_CELLS
        )));
    }
    Ok(reader.lines)
}

/// Parses a part without DTDs, with a bound on its nodes and on how deep
/// they nest.
fn parse_xml(text: &str) -> Result<Document<'_>, String> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: 8_000_000,
        ..roxmltree::ParsingOptions::default()
    };
    let document = Document::parse_with_options(text, options).map_err(|e| e.to_string())?;
    // Pre-order: a node's parent has its depth before the node.
    let mut depth = vec![0u32; document.descendants().count()];
    for node in document.descendants() {
        let d = node.parent().map_or(0, |p| depth[p.id().get_usize()] + 1);
        if d as usize > limits::DOCX_DEPTH {
            let at = document.text_pos_at(node.range().start);
            return Err(format!(
                "elements nest more than {} deep (line {}, column {}); a Word file nests fewer than 30",
                limits::DOCX_DEPTH,
                at.row,
                at.col
            ));
        }
        depth[node.id().get_usize()] = d;
    }
    Ok(document)
}

fn is(node: &Node, name: &str) -> bool {
    node.is_element() && node.tag_name().name() == name && node.tag_name().namespace() == Some(W)
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    node.children().find(|n| is(n, name))
}

fn attr<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    node.attribute((W, name))
}

/// A face name's role: 黑体, 楷体 or a display face (小标宋).
fn face_of(name: &str) -> Option<Face> {
    if name.contains("黑") || name.contains("Hei") {
        Some(Face::Hei)
    } else if name.contains("楷") || name.contains("Kai") {
        Some(Face::Kai)
    } else if name.contains("标宋") || name.contains("BiaoSong") || name.contains("XBS") {
        Some(Face::Display)
    } else {
        None
    }
}

/// Paragraph and character styles: the East Asian face each names (through
/// `basedOn`), and the numbering a paragraph style carries.
struct Styles {
    face: HashMap<String, String>,
    based_on: HashMap<String, String>,
    numbering: HashMap<String, (String, u8)>,
    centered: HashMap<String, bool>,
    /// Whether a style indents a paragraph's first line.
    indented: HashMap<String, bool>,
    default_face: Option<String>,
    default_paragraph: Option<String>,
}

impl Styles {
    fn new(doc: Option<&Document>) -> Styles {
        let mut styles = Styles {
            face: HashMap::new(),
            based_on: HashMap::new(),
            numbering: HashMap::new(),
            centered: HashMap::new(),
            indented: HashMap::new(),
            default_face: None,
            default_paragraph: None,
        };
        let Some(doc) = doc else { return styles };
        for node in doc.descendants() {
            if is(&node, "rPrDefault") {
                styles.default_face = node
                    .descendants()
                    .find(|n| is(n, "rFonts"))
                    .and_then(|f| attr(f, "eastAsia").map(str::to_string));
            }
            if !is(&node, "style") {
                continue;
            }
            let Some(id) = attr(node, "styleId") else {
                continue;
            };
            if attr(node, "default") == Some("1") && attr(node, "type") == Some("paragraph") {
                styles.default_paragraph = Some(id.to_string());
            }
            if let Some(base) = child(node, "basedOn").and_then(|b| attr(b, "val")) {
                styles.based_on.insert(id.into(), base.into());
            }
            if let Some(font) = node
                .descendants()
                .find(|n| is(n, "rFonts"))
                .and_then(|f| attr(f, "eastAsia").or_else(|| attr(f, "ascii")))
            {
                styles.face.insert(id.into(), font.into());
            }
            if let Some(ppr) = child(node, "pPr") {
                if let Some(num) = child(ppr, "numPr") {
                    let id_ = child(num, "numId").and_then(|n| attr(n, "val"));
                    let level = child(num, "ilvl")
                        .and_then(|n| attr(n, "val"))
                        .and_then(|v| v.parse().ok());
                    if let Some(num_id) = id_ {
                        styles
                            .numbering
                            .insert(id.into(), (num_id.into(), level.unwrap_or(0)));
                    }
                }
                if let Some(jc) = child(ppr, "jc").and_then(|j| attr(j, "val")) {
                    styles.centered.insert(id.into(), jc == "center");
                }
                if let Some(ind) = child(ppr, "ind") {
                    styles.indented.insert(id.into(), first_line_indent(ind));
                }
            }
        }
        styles
    }

    /// Looks a property up a style and the styles it is based on.
    fn lookup<'s, T>(&'s self, map: &'s HashMap<String, T>, style: Option<&str>) -> Option<&'s T> {
        let mut id = style
            .map(str::to_string)
            .or_else(|| self.default_paragraph.clone());
        for _ in 0..16 {
            let current = id?;
            if let Some(value) = map.get(&current) {
                return Some(value);
            }
            id = self.based_on.get(&current).cloned();
        }
        None
    }
}

/// Whether a `w:ind` indents the first line.
fn first_line_indent(ind: Node) -> bool {
    attr(ind, "firstLineChars")
        .or(attr(ind, "firstLine"))
        .is_some_and(|v| v != "0")
}

/// One abstract numbering level: format, text pattern, start.
#[derive(Clone)]
struct Level {
    format: String,
    text: String,
    start: u32,
}

/// Word's automatic numbering: what each list level shows, and the
/// running counts.
struct Numbering {
    levels: HashMap<String, Vec<Level>>,
    counts: HashMap<String, Vec<u32>>,
}

impl Numbering {
    fn new(doc: Option<&Document>) -> Numbering {
        let mut abstracts: HashMap<String, Vec<Level>> = HashMap::new();
        let mut levels = HashMap::new();
        let Some(doc) = doc else {
            return Numbering {
                levels,
                counts: HashMap::new(),
            };
        };
        for node in doc
            .root_element()
            .children()
            .filter(|n| is(n, "abstractNum"))
        {
            let Some(id) = attr(node, "abstractNumId") else {
                continue;
            };
            let mut list = vec![
                Level {
                    format: "decimal".into(),
                    text: String::new(),
                    start: 1
                };
                9
            ];
            for lvl in node.children().filter(|n| is(n, "lvl")) {
                let Some(i) = attr(lvl, "ilvl")
                    .and_then(|v| v.parse::<usize>().ok())
                    .filter(|&i| i < 9)
                else {
                    continue;
                };
                let get = |name: &str| {
                    child(lvl, name)
                        .and_then(|n| attr(n, "val"))
                        .map(str::to_string)
                };
                list[i] = Level {
                    format: get("numFmt").unwrap_or_else(|| "decimal".into()),
                    text: get("lvlText")
                        .filter(|t| t.chars().count() <= limits::NUMBER_PATTERN_CHARS)
                        .unwrap_or_default(),
                    start: get("start").and_then(|s| s.parse().ok()).unwrap_or(1),
                };
            }
            abstracts.insert(id.to_string(), list);
        }
        for node in doc.root_element().children().filter(|n| is(n, "num")) {
            let Some(id) = attr(node, "numId") else {
                continue;
            };
            let Some(abs) = child(node, "abstractNumId").and_then(|n| attr(n, "val")) else {
                continue;
            };
            if let Some(list) = abstracts.get(abs) {
                levels.insert(id.to_string(), list.clone());
            }
        }
        Numbering {
            levels,
            counts: HashMap::new(),
        }
    }

    /// The number a paragraph of list `id` at `level` shows, counting it.
    fn next(&mut self, id: &str, level: u8) -> Option<String> {
        let levels = self.levels.get(id)?;
        let level = usize::from(level).min(8);
        let counts = self
            .counts
            .entry(id.to_string())
            .or_insert_with(|| vec![0; 9]);
        counts[level] = if counts[level] == 0 {
            levels[level].start
        } else {
            counts[level] + 1
        };
        for deeper in counts.iter_mut().skip(level + 1) {
            *deeper = 0;
        }
        let mut text = levels[level].text.clone();
        for (i, lvl) in levels.iter().enumerate().take(level + 1) {
            let count = if counts[i] == 0 { lvl.start } else { counts[i] };
            text = text.replace(&format!("%{}", i + 1), &format_number(count, &lvl.format));
        }
        (levels[level].format != "none" || !text.is_empty()).then_some(text)
    }
}

/// A count in one of Word's number formats.
fn format_number(n: u32, format: &str) -> String {
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "japaneseCounting"
        | "ideographTraditional"
        | "chineseLegalSimplified" => crate::gbt9704::chinese_numeral(n),
        "ideographDigital" => n
            .to_string()
            .chars()
            .map(|d| {
                "〇一二三四五六七八九"
                    .chars()
                    .nth(d as usize - '0' as usize)
                    .unwrap_or(d)
            })
            .collect(),
        "upperLetter" => letter(n).to_string(),
        "lowerLetter" => letter(n).to_ascii_lowercase().to_string(),
        "none" => String::new(),
        _ => n.to_string(),
    }
}

fn letter(n: u32) -> char {
    char::from(b'A' + ((n.max(1) - 1) % 26) as u8)
}

struct Reader {
    styles: Styles,
    numbering: Numbering,
    lines: Vec<Line>,
    paragraph: usize,
    page_break: bool,
    blank: bool,
    /// The last row read was a row of the 签发人 (`签发人：⇥name⇥name`):
    /// the next row of short cells holds more names.
    signer_rows: bool,
    /// Text read so far, and table cells: reading stops past the limits.
    text_bytes: usize,
    cells: usize,
}

impl Reader {
    fn full(&self) -> bool {
        self.text_bytes > limits::DRAFT_TEXT_BYTES || self.cells > limits::DRAFT_CELLS
    }

    fn push(&mut self, line: Line) {
        self.text_bytes += line.text.len();
        self.lines.push(line);
    }

    fn block_children(&mut self, node: Node) {
        for n in node.children() {
            if self.full() {
                return;
            }
            if is(&n, "p") {
                self.paragraph(n);
            } else if is(&n, "tbl") {
                self.table(n);
            } else if is(&n, "sdt")
                && let Some(content) = child(n, "sdtContent")
            {
                self.block_children(content);
            }
        }
    }

    fn paragraph(&mut self, p: Node) {
        self.paragraph += 1;
        let ppr = child(p, "pPr");
        let style = ppr
            .and_then(|ppr| child(ppr, "pStyle"))
            .and_then(|s| attr(s, "val"));
        if ppr.is_some_and(|ppr| {
            child(ppr, "pageBreakBefore").is_some_and(|b| attr(b, "val") != Some("0"))
        }) {
            self.page_break = true;
        }
        let mut runs: Vec<(String, Option<Face>)> = Vec::new();
        let mut breaks_after = false;
        self.runs(p, style, &mut runs, &mut breaks_after);
        let text: String = runs.iter().map(|r| r.0.as_str()).collect();
        let lead_len = text.len()
            - text
                .trim_start_matches([' ', '\u{3000}', '\t', '\u{a0}'])
                .len();
        // Padded past a paragraph's indent: set right or centred by spaces.
        let padded = crate::import::draft::padding(&text[..lead_len]) > 3.0;
        let mut text = text
            .trim_matches([' ', '\u{3000}', '\t', '\u{a0}'])
            .to_string();
        // A 纪要's attendance breaks its lines between names (notice's Word
        // files do, so no name is split): one line of names.
        if ["出席", "请假", "列席"].iter().any(|l| text.starts_with(l)) {
            text = join_breaks(&text);
        }
        // Indented by spaces, by the paragraph's own indent, or by its
        // style's (a Word file's body style indents its first lines).
        let indented = runs
            .first()
            .is_some_and(|r| r.0.starts_with([' ', '\u{3000}']))
            || match ppr.and_then(|ppr| child(ppr, "ind")) {
                Some(ind) => first_line_indent(ind),
                None => self
                    .styles
                    .lookup(&self.styles.indented, style)
                    .copied()
                    .unwrap_or(false),
            };
        if text.is_empty() {
            self.blank = true;
        } else {
            let numbered = ppr
                .and_then(|ppr| child(ppr, "numPr"))
                .and_then(|num| {
                    let id = child(num, "numId").and_then(|n| attr(n, "val"))?;
                    let level = child(num, "ilvl")
                        .and_then(|n| attr(n, "val"))
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0);
                    Some((id.to_string(), level))
                })
                .or_else(|| self.styles.lookup(&self.styles.numbering, style).cloned());
            let number = numbered
                .filter(|(id, _)| id != "0")
                .and_then(|(id, level)| self.numbering.next(&id, level))
                .unwrap_or_default();
            // The face of most of the text.
            let mut weights: HashMap<Option<Face>, usize> = HashMap::new();
            for (t, face) in &runs {
                *weights.entry(*face).or_default() += t.chars().count();
            }
            let face = weights
                .into_iter()
                .max_by_key(|(_, w)| *w)
                .and_then(|(f, _)| f);
            let centered = ppr
                .and_then(|ppr| child(ppr, "jc"))
                .and_then(|jc| attr(jc, "val"))
                .map(|v| v == "center")
                .or_else(|| self.styles.lookup(&self.styles.centered, style).copied())
                .unwrap_or(false);
            let mut line = Line::new(format!("{number}{text}"), self.paragraph);
            // A 版头 row set with tab stops (`发文字号⇥签发人`, 信函's
            // `份号⇥发文字号`) is read as a text draft's tabbed row.
            let cells: Vec<String> = line
                .text
                .split('\t')
                .map(|c| c.trim_matches([' ', '\u{3000}']).to_string())
                .filter(|c| !c.is_empty())
                .collect();
            let header_row = |c: &String| {
                c.contains(['〔', '号'])
                    || c.starts_with("签发人")
                    || c.chars().all(|c| c.is_ascii_digit())
            };
            let more_signers = self.signer_rows && cells.iter().all(|c| c.chars().count() <= 6);
            self.signer_rows = false;
            if cells.len() >= 2 && (cells.iter().any(header_row) || more_signers) {
                self.signer_rows = more_signers || cells.iter().any(|c| c.starts_with("签发人"));
                line.text = cells.join("\t");
                line.cells = Some(cells);
            }
            let right = ppr
                .and_then(|ppr| child(ppr, "jc"))
                .and_then(|jc| attr(jc, "val"))
                .is_some_and(|v| v == "right" || v == "end");
            line.indented = indented;
            line.aligned = padded || right;
            line.blank_before = self.blank;
            line.page_break_before = self.page_break;
            line.centered = centered;
            line.face = face;
            self.push(line);
            self.blank = false;
            self.page_break = false;
        }
        if breaks_after || ppr.is_some_and(|ppr| child(ppr, "sectPr").is_some()) {
            self.page_break = true;
        }
    }

    /// The text of a paragraph's runs (inside links, insertions and fields'
    /// results), each with its face; a page break inside ends the page.
    fn runs(
        &self,
        node: Node,
        style: Option<&str>,
        out: &mut Vec<(String, Option<Face>)>,
        page_break: &mut bool,
    ) {
        for n in node.children() {
            if is(&n, "r") {
                let rpr = child(n, "rPr");
                let font = rpr
                    .and_then(|r| child(r, "rFonts"))
                    .and_then(|f| attr(f, "eastAsia").or_else(|| attr(f, "ascii")))
                    .map(str::to_string)
                    .or_else(|| {
                        let rstyle = rpr
                            .and_then(|r| child(r, "rStyle"))
                            .and_then(|s| attr(s, "val"));
                        rstyle.and_then(|s| self.styles.face.get(s).cloned())
                    })
                    .or_else(|| self.styles.lookup(&self.styles.face, style).cloned())
                    .or_else(|| self.styles.default_face.clone());
                let face = font.as_deref().and_then(face_of);
                let mut text = String::new();
                for part in n.children() {
                    if is(&part, "t") {
                        text.push_str(part.text().unwrap_or(""));
                    } else if is(&part, "tab") {
                        text.push('\t');
                    } else if is(&part, "br") {
                        if attr(part, "type") == Some("page") {
                            *page_break = true;
                        } else {
                            text.push('\n');
                        }
                    } else if is(&part, "noBreakHyphen") {
                        text.push('-');
                    } else if is(&part, "drawing") {
                        // A 命令's 签名章 stands for the signer's name.
                        let name = part
                            .descendants()
                            .find(|d| d.is_element() && d.tag_name().name() == "docPr")
                            .and_then(|d| d.attribute("descr"))
                            .and_then(|d| d.strip_prefix(SIGNATURE_SEAL_TEXT));
                        if let Some(name) = name {
                            text.push(' ');
                            text.push_str(name);
                        }
                    }
                }
                out.push((text, face));
            } else if is(&n, "hyperlink")
                || is(&n, "ins")
                || is(&n, "smartTag")
                || is(&n, "fldSimple")
            {
                self.runs(n, style, out, page_break);
            } else if is(&n, "sdt")
                && let Some(content) = child(n, "sdtContent")
            {
                self.runs(content, style, out, page_break);
            }
        }
    }

    /// A joint 发文机关标志 set as a table (the names stacked in one cell,
    /// 文件 beside them) becomes its lines, the names then 文件, as a text
    /// draft has them.
    fn joint_mark(&mut self, tbl: Node) -> bool {
        let rows: Vec<Node> = tbl.children().filter(|n| is(n, "tr")).collect();
        let [row] = rows.as_slice() else { return false };
        let cells: Vec<Vec<String>> = row
            .children()
            .filter(|n| is(n, "tc"))
            .map(|tc| {
                tc.descendants()
                    .filter(|n| is(n, "p"))
                    .map(|p| {
                        let mut runs = Vec::new();
                        let mut ignored = false;
                        self.runs(p, None, &mut runs, &mut ignored);
                        runs.into_iter()
                            .map(|r| r.0)
                            .collect::<String>()
                            .trim()
                            .to_string()
                    })
                    .filter(|t| !t.is_empty())
                    .collect()
            })
            .collect();
        let [names, kind] = cells.as_slice() else {
            return false;
        };
        if kind.len() != 1
            || kind[0] != "文件"
            || names.len() < 2
            || !self.lines.iter().all(|l| l.cells.is_none())
        {
            return false;
        }
        for text in names.iter().chain(kind) {
            self.paragraph += 1;
            let mut line = Line::new(text.clone(), self.paragraph);
            line.centered = true;
            line.blank_before = std::mem::take(&mut self.blank);
            self.push(line);
        }
        true
    }

    /// A table's rows, each cell's paragraphs joined (merged cells leave
    /// the cells they cover empty).
    fn table(&mut self, tbl: Node) {
        if self.joint_mark(tbl) {
            return;
        }
        for tr in tbl.children().filter(|n| is(n, "tr")) {
            self.paragraph += 1;
            let mut cells = Vec::new();
            for tc in tr.children().filter(|n| is(n, "tc")) {
                let mut paragraphs = Vec::new();
                for p in tc.descendants().filter(|n| is(n, "p")) {
                    let mut runs = Vec::new();
                    let mut ignored = false;
                    self.runs(p, None, &mut runs, &mut ignored);
                    let text: String = runs.into_iter().map(|r| r.0).collect();
                    let text = join_breaks(text.trim());
                    if !text.is_empty() {
                        paragraphs.push(text);
                    }
                }
                cells.push(paragraphs.join(""));
                let span = child(tc, "tcPr")
                    .and_then(|p| child(p, "gridSpan"))
                    .and_then(|g| attr(g, "val"))
                    .and_then(|v| v.parse::<usize>().ok())
                    .unwrap_or(1);
                let covered = span.clamp(1, 64) - 1;
                self.cells += 1 + covered;
                if self.full() {
                    return;
                }
                cells.extend(std::iter::repeat_n(String::new(), covered));
            }
            if cells.iter().all(String::is_empty) {
                continue;
            }
            let mut line = Line::new(cells.join("\t"), self.paragraph);
            line.cells = Some(cells);
            line.blank_before = self.blank;
            line.page_break_before = self.page_break;
            self.page_break = false;
            self.blank = false;
            self.push(line);
        }
    }
}

/// A cell's line breaks removed: they break lines for layout (notice
/// writes balanced breaks), so Chinese text closes up and other text keeps
/// a space.
fn join_breaks(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if c != '\n' {
            out.push(c);
            continue;
        }
        let wide = |c: Option<&char>| c.is_some_and(|c| !c.is_ascii());
        if !(wide(i.checked_sub(1).and_then(|j| chars.get(j))) || wide(chars.get(i + 1))) {
            out.push(' ');
        }
    }
    out
}
