//! `NAME.docx`: the document model as a Word file that Word, WPS and
//! LibreOffice lay out on the standard's grid, with named styles a clerk
//! can keep using.
//!
//! Written with docx-rs (styles, paragraphs, runs, tables, sections, odd,
//! even and first-page footers with PAGE fields, the document grid). Where
//! it falls short the XML it builds is finished by hand ([`finish`]):
//! repeated table header rows (`w:tblHeader`, which docx-rs lacks), seals
//! as floating pictures over the 署名 (its anchors number every picture 1
//! and cannot sit behind text), and the turned page numbers of landscape
//! attachments (a text box, which docx-rs cannot write).
//!
//! Positions follow `gbt9704::GEOMETRY`: margins put the 版心 at 37mm from
//! the top and 28mm from the left, 156 × 225mm; a line grid of 22 lines
//! (`w:docGrid w:type="lines"`, pitch 579tw) with every text paragraph at
//! an exact 579tw line; 28 characters a line from a −0.25pt character
//! spacing in the body styles (LibreOffice ignores `w:charSpace`).

mod closing;
mod footers;
mod header;
mod styles;

use std::io::Cursor;

use docx_rs::{
    AlignmentType, BreakType, DocGrid, DocGridType, Docx, FieldCharType, Footer, InstrText,
    LineSpacing, LineSpacingType, PageMargin, PageOrientationType, Paragraph, Run, RunFonts,
    Section, SpecialIndentType, Table, TableBorder, TableBorderPosition, TableBorders, TableCell,
    TableCellMargins, TableLayoutType, TableRow, VAlignType, WidthType,
};

use super::{Names, OutputFile, Rendered, Settings, Writer};
use crate::compose::tables;
use crate::diagnostic::{Diagnostic, Failed};
use crate::gbt9704::{GEOMETRY, Role, heading_role, size};
use crate::model::{
    Block, Document, DocumentFormat, Heading, Run as ModelRun, Style, Table as ModelTable,
};

/// `NAME.docx`.
pub struct Word;

impl Writer for Word {
    fn needs_pages(&self) -> bool {
        false
    }

    fn write(
        &self,
        rendered: &Rendered,
        names: &Names,
        _settings: &Settings,
    ) -> Result<Vec<OutputFile>, Failed> {
        Ok(vec![(names.file("docx"), docx(rendered.document)?)])
    }
}

/// Twips (1/20 pt) per millimetre.
const TW_PER_MM: f64 = 1440.0 / 25.4;

fn tw(mm: f64) -> i32 {
    (mm * TW_PER_MM).round() as i32
}

/// Twips of a type size in points.
fn pt_tw(pt: f64) -> i32 {
    (pt * 20.0).round() as i32
}

/// The line pitch in twips: 225mm / 22 rounds to 579.8; Word and
/// LibreOffice both fit 22 lines of 579tw and would fit 21 of 580.
const PITCH: i32 = 579;

/// A 3号 character in twips.
const CHAR: i32 = 320;

/// The 版心's width in twips.
fn body_width() -> i32 {
    tw(GEOMETRY.body_width)
}

/// An exact line of `height` twips.
fn exact(height: i32) -> LineSpacing {
    LineSpacing::new()
        .line_rule(LineSpacingType::Exact)
        .line(height)
        .before(0)
        .after(0)
}

/// The fonts of a role: the East Asian face and the Latin one.
fn fonts(role: Role) -> RunFonts {
    let name = role.office_font();
    RunFonts::new()
        .east_asia(name)
        .ascii(name)
        .hi_ansi(name)
        .cs(name)
}

/// A run of text in the paragraph's style.
fn text(s: &str) -> Run {
    Run::new().add_text(s)
}

/// A blank grid line.
fn blank() -> Paragraph {
    Paragraph::new()
        .style(styles::BODY)
        .line_spacing(exact(PITCH))
        .indent(None, Some(SpecialIndentType::FirstLine(0)), None, None)
}

/// Runs of model text: emphasis in 楷体, strong in 黑体; `role` is the
/// face of a run-in heading's words.
fn runs(model: &[ModelRun], role: Option<Role>) -> Vec<Run> {
    model
        .iter()
        .map(|r| {
            let run = text(&r.text);
            match (r.style, role) {
                (Style::Strong, _) => run.fonts(fonts(Role::Heiti)),
                (Style::Emphasis, _) => run.fonts(fonts(Role::Kaiti)),
                (Style::Plain, Some(role)) if role != Role::Fangsong => run.fonts(fonts(role)),
                _ => run,
            }
        })
        .collect()
}

/// What goes into the document body, in order.
enum Part {
    Paragraph(Box<Paragraph>),
    Table(Box<Table>),
    /// Ends a section: the pages before it are portrait or landscape.
    SectionEnd {
        landscape: bool,
    },
}

impl Part {
    fn par(p: Paragraph) -> Part {
        Part::Paragraph(Box::new(p))
    }
}

/// Builds the Word file of a document.
pub fn docx(doc: &Document) -> Result<Vec<u8>, Failed> {
    let mut parts: Vec<Part> = Vec::new();
    let mut seals = closing::Seals::default();
    header::header(doc, &mut parts);
    if let Some(title) = &doc.title {
        title_paragraphs(&title.lines, &mut parts);
        parts.push(Part::par(blank()));
    }
    if let Some(to) = &doc.to {
        parts.push(Part::par(
            Paragraph::new().style(styles::TO).add_run(text(to)),
        ));
    }
    blocks(&doc.body, &mut parts, false);
    let closing_start = parts.len();
    closing::closing(doc, &mut parts, &mut seals);
    // The closing never stands alone on a page: it keeps with the body's
    // last paragraph (GB/T 9704 7.3.5.4).
    let end = parts.len().saturating_sub(1);
    for part in &mut parts[closing_start.saturating_sub(1)..end] {
        if let Part::Paragraph(p) = part {
            let kept = std::mem::replace(p.as_mut(), Paragraph::new()).keep_next(true);
            **p = kept;
        }
    }
    let mut landscape_before = false;
    for (n, attachment) in doc.attachments.iter().enumerate() {
        if attachment.landscape != landscape_before || (attachment.landscape && n > 0) {
            parts.push(Part::SectionEnd {
                landscape: landscape_before,
            });
        } else {
            parts.push(Part::par(
                Paragraph::new().add_run(Run::new().add_break(BreakType::Page)),
            ));
        }
        let mut label = Paragraph::new().style(styles::ATTACHMENT_LABEL);
        if let Some(l) = &attachment.label {
            label = label.add_run(text(l));
        }
        parts.push(Part::par(label));
        parts.push(Part::par(blank()));
        if let Some(title) = &attachment.title {
            title_paragraphs(&title.lines, &mut parts);
            parts.push(Part::par(blank()));
        }
        blocks(&attachment.body, &mut parts, attachment.landscape);
        landscape_before = attachment.landscape;
    }
    // The 版记 goes on an upright page, after a turned last attachment on
    // a page of its own, as in the PDF.
    if landscape_before && doc.imprint.is_some() {
        parts.push(Part::SectionEnd { landscape: true });
        // A page with only a floating table is merged into the one before
        // by LibreOffice: give it a line of its own.
        parts.push(Part::par(blank()));
        landscape_before = false;
    }
    closing::imprint(doc, &mut parts);
    let last_landscape = landscape_before;

    let mut docx = Docx::new().styles(styles::styles());
    let mut section = Section::new();
    for part in parts {
        match part {
            Part::Paragraph(p) => section = section.add_paragraph(*p),
            Part::Table(t) => section = section.add_table(*t),
            Part::SectionEnd { landscape } => {
                let done = std::mem::take(&mut section);
                docx = docx.add_section(page_setup(done, landscape));
            }
        }
    }
    // The last section's pages are the document's own settings.
    for child in section.children().clone() {
        docx = match child {
            docx_rs::SectionChild::Paragraph(p) => docx.add_paragraph(*p),
            docx_rs::SectionChild::Table(t) => docx.add_table(*t),
            _ => docx,
        };
    }
    docx = document_setup(docx, doc, last_landscape)
        .created_at(&doc_date(doc))
        .updated_at(&doc_date(doc));
    let mut xml = docx.build();
    finish(
        &mut xml,
        &seals,
        last_landscape || doc.attachments.iter().any(|a| a.landscape),
    )?;
    let mut out = Cursor::new(Vec::new());
    xml.pack(&mut out).map_err(|e| {
        Failed::from(Diagnostic::error(
            "docx",
            format!("cannot write the Word file: {e}"),
        ))
    })?;
    Ok(out.into_inner())
}

/// The document's date for the file's properties (Word's files carry one;
/// the plan's date keeps the bytes the same from build to build).
fn doc_date(doc: &Document) -> String {
    let [y, m, d] = doc.metadata.date.unwrap_or([2000, 1, 1]);
    format!("{y:04}-{m:02}-{d:02}T00:00:00Z")
}

/// A title's lines, as notice broke them, in one paragraph.
fn title_paragraphs(lines: &[String], parts: &mut Vec<Part>) {
    let mut p = Paragraph::new().style(styles::TITLE);
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            p = p.add_run(Run::new().add_break(BreakType::TextWrapping));
        }
        p = p.add_run(text(line));
    }
    parts.push(Part::par(p));
}

fn blocks(blocks: &[Block], parts: &mut Vec<Part>, landscape: bool) {
    for block in blocks {
        match block {
            Block::Heading(h) => {
                let mut p = Paragraph::new()
                    .style(styles::heading(h.level))
                    .keep_next(true);
                p = p.add_run(text(&h.number));
                for r in runs(&h.runs, Some(heading_role(h.level))) {
                    p = p.add_run(r);
                }
                parts.push(Part::par(p));
            }
            Block::Paragraph { lead, runs: body } => {
                let mut p = Paragraph::new().style(styles::BODY);
                if let Some(Heading {
                    level,
                    number,
                    runs: head,
                    ..
                }) = lead
                {
                    let role = heading_role(*level);
                    p = p.add_run(text(number).fonts(fonts(role)));
                    for r in runs(head, Some(role)) {
                        p = p.add_run(r);
                    }
                }
                for r in runs(body, None) {
                    p = p.add_run(r);
                }
                parts.push(Part::par(p));
            }
            Block::Table(t) => {
                parts.push(Part::Table(Box::new(table(t, landscape))));
                // Word needs a paragraph between a table and what follows;
                // it takes the room to the next grid line, so the text after
                // the table is back on the grid.
                let width = tables::line_width(landscape);
                let line = table_line(t.layout.size);
                let height: i32 = tables::row_line_counts(t, width)
                    .iter()
                    .map(|&n| n as i32 * line + RULE_TW)
                    .sum::<i32>()
                    + RULE_TW;
                let rest = (PITCH - height.rem_euclid(PITCH)).rem_euclid(PITCH);
                parts.push(Part::par(
                    Paragraph::new()
                        .style(styles::AFTER_TABLE)
                        .line_spacing(exact(if rest < 40 { rest + PITCH } else { rest })),
                ));
            }
        }
    }
}

/// A table row's line in twips: three quarters of the grid's pitch at
/// 四号, in proportion at smaller sizes (as the PDF sets it).
fn table_line(size_pt: f64) -> i32 {
    (0.75 * f64::from(PITCH) * size_pt / size::SIHAO).round() as i32
}

/// A table rule (0.5pt) in twips.
const RULE_TW: i32 = 10;

/// A ruled table: the planned widths and size, a header row repeated on
/// every page, rows kept whole when notice planned them so.
fn table(t: &ModelTable, landscape: bool) -> Table {
    let width = if landscape {
        tw(GEOMETRY.body_height)
    } else {
        body_width()
    };
    let columns = t.layout.widths.len().max(t.header.len()).max(1);
    let grid: Vec<usize> = if t.layout.widths.len() == columns {
        t.layout
            .widths
            .iter()
            .map(|w| (w * f64::from(width)).round() as usize)
            .collect()
    } else {
        vec![width as usize / columns; columns]
    };
    let size = (t.layout.size * 2.0).round() as usize;
    let line = table_line(t.layout.size);
    let cell = |content: &[ModelRun], w: usize, header: bool, breaks: &[usize]| {
        let mut p = Paragraph::new()
            .style(styles::TABLE)
            .align(AlignmentType::Center)
            .line_spacing(exact(line))
            .size(size);
        // Where notice broke the cell into balanced lines, as in the PDF.
        let pieces: Vec<ModelRun> = match content {
            [one] if !breaks.is_empty() => {
                let chars: Vec<char> = one.text.chars().collect();
                let mut bounds = vec![0];
                bounds.extend(breaks.iter().copied().filter(|&b| b < chars.len()));
                bounds.push(chars.len());
                bounds
                    .windows(2)
                    .map(|w| ModelRun {
                        text: chars[w[0]..w[1]].iter().collect(),
                        ..one.clone()
                    })
                    .collect()
            }
            _ => content.to_vec(),
        };
        for (i, r) in runs(&pieces, None).into_iter().enumerate() {
            if i > 0 && !breaks.is_empty() {
                p = p.add_run(Run::new().add_break(BreakType::TextWrapping));
            }
            let r = r.size(size);
            p = p.add_run(if header {
                r.fonts(fonts(Role::Heiti))
            } else {
                r
            });
        }
        TableCell::new()
            .add_paragraph(p)
            .width(w, WidthType::Dxa)
            .vertical_align(VAlignType::Center)
    };
    let mut rows = Vec::new();
    if !t.header.is_empty() {
        rows.push(TableRow::new(
            (0..columns)
                .map(|i| {
                    cell(
                        t.header.get(i).map_or(&[][..], Vec::as_slice),
                        grid[i],
                        true,
                        t.layout.header_breaks.get(i).map_or(&[][..], Vec::as_slice),
                    )
                })
                .collect(),
        ));
    }
    for (n, r) in t.rows.iter().enumerate() {
        let row = TableRow::new(
            (0..columns)
                .map(|i| {
                    let breaks = t
                        .layout
                        .cell_breaks
                        .iter()
                        .find(|b| b.row == n && b.column == i)
                        .map_or(&[][..], |b| b.at.as_slice());
                    cell(
                        r.get(i).map_or(&[][..], Vec::as_slice),
                        grid[i],
                        false,
                        breaks,
                    )
                })
                .collect(),
        );
        rows.push(if t.layout.keep_rows {
            row.cant_split()
        } else {
            row
        });
    }
    let rule = |position| TableBorder::new(position).size(4).color("000000");
    let inset = (t.layout.size * 20.0 * 0.25).round() as usize;
    Table::new(rows)
        .set_grid(grid)
        .layout(TableLayoutType::Fixed)
        .width(width as usize, WidthType::Dxa)
        .margins(
            TableCellMargins::new()
                .margin_left(inset, WidthType::Dxa)
                .margin_right(inset, WidthType::Dxa),
        )
        .set_borders(
            TableBorders::new()
                .set(rule(TableBorderPosition::Top))
                .set(rule(TableBorderPosition::Bottom))
                .set(rule(TableBorderPosition::Left))
                .set(rule(TableBorderPosition::Right))
                .set(rule(TableBorderPosition::InsideH))
                .set(rule(TableBorderPosition::InsideV)),
        )
}

/// `— N —` in 4号 宋体, one character in from the outer edge: right on odd
/// pages, left on even ones.
fn page_number(odd: bool) -> Footer {
    let size = pt_tw(size::SIHAO) as usize / 10;
    let edge = pt_tw(size::SIHAO);
    let run = |r: Run| r.fonts(fonts(Role::Songti)).size(size);
    let p = Paragraph::new()
        .style(styles::PAGE_NUMBER)
        .align(if odd {
            AlignmentType::Right
        } else {
            AlignmentType::Left
        })
        .indent(
            Some(if odd { 0 } else { edge }),
            None,
            Some(if odd { edge } else { 0 }),
            None,
        )
        .add_run(run(text("— ")))
        .add_run(run(Run::new().add_field_char(FieldCharType::Begin, false)))
        .add_run(run(
            Run::new().add_instr_text(InstrText::PAGE(docx_rs::InstrPAGE::new()))
        ))
        .add_run(run(
            Run::new().add_field_char(FieldCharType::Separate, false)
        ))
        .add_run(run(text("1")))
        .add_run(run(Run::new().add_field_char(FieldCharType::End, false)))
        .add_run(run(text(" —")));
    Footer::new().add_paragraph(p)
}

/// The page size, margins and grid of a section.
fn page(landscape: bool) -> (docx_rs::PageSize, PageMargin, DocGrid) {
    let g = GEOMETRY;
    let (w, h) = (tw(g.paper_width) as u32, tw(g.paper_height) as u32);
    // The footer's distance puts the page number's dash 7mm under the
    // 版心 (its baseline where notice's PDF has it, measured with
    // LibreOffice).
    let footer = tw(g.margin_bottom() - g.page_number_drop) - 190;
    let margin = if landscape {
        // An upright page turned: its 订口 is the turned page's top.
        PageMargin::new()
            .top(tw(g.margin_left))
            .bottom(tw(g.margin_right()))
            .left(tw(g.margin_bottom()))
            .right(tw(g.margin_top))
    } else {
        PageMargin::new()
            .top(tw(g.margin_top))
            .bottom(tw(g.margin_bottom()))
            .left(tw(g.margin_left))
            .right(tw(g.margin_right()))
    }
    .header(851)
    .footer(footer)
    .gutter(0);
    let size = if landscape {
        docx_rs::PageSize::new()
            .width(h)
            .height(w)
            .orient(PageOrientationType::Landscape)
    } else {
        docx_rs::PageSize::new().width(w).height(h)
    };
    (
        size,
        margin,
        DocGrid::new()
            .grid_type(DocGridType::Lines)
            .line_pitch(PITCH as usize),
    )
}

/// A finished section of pages before the document's last one; its
/// footers are referenced when the XML is finished ([`footers`]).
fn page_setup(section: Section, landscape: bool) -> Section {
    let (size, margin, grid) = page(landscape);
    section.page_size(size).page_margin(margin).doc_grid(grid)
}

/// The document's last section: its own page settings, and the footers
/// every section uses (docx-rs writes a section's even footer only for the
/// last one).
fn document_setup(docx: Docx, doc: &Document, landscape: bool) -> Docx {
    let (size, margin, grid) = page(landscape);
    let mut docx = docx;
    docx.document.section_property = docx
        .document
        .section_property
        .clone()
        .page_size(size)
        .page_margin(margin)
        .doc_grid(grid);
    docx = docx
        .footer(page_number(true))
        .even_footer(page_number(false));
    if doc.format == DocumentFormat::Letter {
        docx = docx.first_footer(closing::letter_first_footer());
    }
    docx
}

/// Finishes the XML docx-rs built where it falls short (see the module's
/// documentation).
fn finish(
    xml: &mut docx_rs::XMLDocx,
    seals: &closing::Seals,
    _landscape: bool,
) -> Result<(), Failed> {
    let mut document = String::from_utf8(std::mem::take(&mut xml.document)).map_err(|_| {
        Failed::from(Diagnostic::error(
            "internal",
            "docx-rs wrote XML that is not UTF-8",
        ))
    })?;
    document = repeat_header_rows(&document);
    xml.styles = chinese_text_defaults(&String::from_utf8_lossy(&xml.styles)).into_bytes();
    document = table_position_first(&document);
    seals.place(&mut document, xml);
    footers::reference(&mut document, xml);
    xml.document = document.into_bytes();
    Ok(())
}

/// The base style's CJK settings, which docx-rs cannot write:
/// punctuation stays inside the 版心 (`w:overflowPunct` off; Word and
/// LibreOffice hang it by default), and no extra space between Chinese and
/// Latin letters or digits (`w:autoSpaceDE`/`DN` off), as in the PDF, so a
/// line holds the same 28 characters.
fn chinese_text_defaults(styles: &str) -> String {
    // docx-rs keeps a bare `Normal` of its own beside ours: drop it.
    let mut out = styles.to_string();
    let opening = r#"<w:style w:type="paragraph" w:styleId="Normal">"#;
    let mut from = 0;
    while let Some(at) = out[from..].find(opening).map(|a| a + from) {
        let end = out[at..]
            .find("</w:style>")
            .map_or(out.len(), |e| at + e + "</w:style>".len());
        if out[at..end].contains("w:eastAsia") {
            if let Some(ppr) = out[at..end]
                .find("<w:pPr>")
                .map(|p| at + p + "<w:pPr>".len())
            {
                out.insert_str(
                    ppr,
                    r#"<w:overflowPunct w:val="0" /><w:autoSpaceDE w:val="0" /><w:autoSpaceDN w:val="0" />"#,
                );
            }
            from = end;
        } else {
            out.replace_range(at..end, "");
            from = at;
        }
    }
    out
}

/// Moves a floating table's `w:tblpPr` to the head of its `w:tblPr`, where
/// the schema puts it (docx-rs writes it last, and LibreOffice then
/// ignores it).
fn table_position_first(document: &str) -> String {
    let mut out = document.to_string();
    let mut from = 0;
    while let Some(at) = out[from..].find("<w:tblpPr ").map(|a| a + from) {
        let Some(end) = out[at..].find("/>").map(|e| at + e + 2) else {
            break;
        };
        let Some(head) = out[..at].rfind("<w:tblPr>").map(|h| h + "<w:tblPr>".len()) else {
            break;
        };
        let element = out[at..end].to_string();
        out.replace_range(at..end, "");
        out.insert_str(head, &element);
        from = end;
    }
    out
}

/// Marks the first row of every ruled table (not the 版记's, which floats)
/// as a header row repeated on each page.
fn repeat_header_rows(document: &str) -> String {
    let mut out = String::with_capacity(document.len() + 256);
    let mut rest = document;
    while let Some(at) = rest.find("<w:tbl>") {
        let (before, table) = rest.split_at(at);
        out.push_str(before);
        let end = table
            .find("</w:tbl>")
            .map_or(table.len(), |e| e + "</w:tbl>".len());
        let mut t = table[..end].to_string();
        if !t.contains("w:tblpPr")
            && let Some(row) = t.find("<w:tr>")
        {
            let after = row + "<w:tr>".len();
            if t[after..].starts_with("<w:trPr>") {
                t.insert_str(after + "<w:trPr>".len(), "<w:tblHeader />");
            } else {
                t.insert_str(after, "<w:trPr><w:tblHeader /></w:trPr>");
            }
        }
        out.push_str(&t);
        rest = &table[end..];
    }
    out.push_str(rest);
    out
}
