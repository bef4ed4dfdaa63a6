//! `NAME.docx`: the document model as a Word file that Word, WPS and
//! LibreOffice lay out on the standard's grid, with named styles a clerk
//! can keep using.
//!
//! Written with docx-rs (styles, paragraphs, runs, tables, sections, odd,
//! even and first-page footers with PAGE fields, the document grid), one
//! module per part of the document: `header` (版头), `body` (the text and
//! its tables, `table`), `closing` (署名, dates, seals, 版记), `footers`
//! (page numbers, a 信函's rules), `styles`. Where docx-rs falls short the
//! XML it builds is finished by hand ([`finish`]), and every part is put in
//! the schema's element order (`schema`). From notice's own pages it takes
//! only where the closing's page is tightened and where tables end
//! (`flow`).
//!
//! Positions follow `gbt9704::GEOMETRY`: margins put the 版心 at 37mm from
//! the top and 28mm from the left, 156 × 225mm; a line grid of 22 lines
//! (`w:docGrid w:type="lines"`, pitch 579tw) with every text paragraph at
//! an exact 579tw line; 28 characters a line from a −0.25pt character
//! spacing in the body styles (a `linesAndChars` grid would give Word 28
//! too, but LibreOffice 7.4 then sets each 16pt character in two cells).

mod body;
mod closing;
mod flow;
mod footers;
mod header;
mod ooxml;
mod schema;
mod styles;
mod table;

use std::io::Cursor;

use docx_rs::{
    DocGrid, DocGridType, Docx, Footer, LineSpacing, LineSpacingType, PageMargin,
    PageOrientationType, Paragraph, Run, RunFonts, Section, SpecialIndentType, Table,
};

use super::{Names, OutputFile, Rendered, Settings, Writer};
use crate::diagnostic::{Diagnostic, Failed};
use crate::gbt9704::{GEOMETRY, Role};
use crate::model::{Document, DocumentFormat};
use crate::typeset::fonts::FontSet;

/// `NAME.docx`.
pub struct Word;

impl Writer for Word {
    /// The pages say where the closing's page is tightened ([`flow`]).
    fn needs_pages(&self) -> bool {
        true
    }

    fn write(
        &self,
        rendered: &Rendered,
        names: &Names,
        _settings: &Settings,
    ) -> Result<Vec<OutputFile>, Failed> {
        let plan = rendered
            .laid
            .map(|laid| flow::Plan::of(rendered.document, laid))
            .unwrap_or_default();
        Ok(vec![(
            names.file("docx"),
            docx(rendered.document, rendered.fonts, &plan)?,
        )])
    }
}

/// Twips (1/20 pt) per millimetre.
const TW_PER_MM: f64 = 1440.0 / 25.4;

fn tw(mm: f64) -> i32 {
    (mm * TW_PER_MM).round() as i32
}

/// Millimetres of `twips`.
fn mm(twips: i32) -> f64 {
    f64::from(twips) / TW_PER_MM
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

/// Width of body text in twips, as the body styles set it: full-width
/// characters a cell, digits and Latin letters half.
fn text_width(s: &str) -> i32 {
    let cell = f64::from(CHAR + styles::BODY_SPACING);
    s.chars()
        .map(|c| if c.is_ascii() { cell / 2.0 } else { cell })
        .sum::<f64>()
        .round() as i32
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

/// A paragraph of `style` set `left` and `right` twips in, its first
/// line too.
fn inset(style: &str, left: i32, right: i32) -> Paragraph {
    Paragraph::new().style(style).indent(
        Some(left),
        Some(SpecialIndentType::FirstLine(0)),
        Some(right),
        None,
    )
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

    /// Rebuilds the part's paragraph with `f` (docx-rs's builders take a
    /// paragraph by value); a table is left as it is.
    fn edit(&mut self, f: impl FnOnce(Paragraph) -> Paragraph) {
        if let Part::Paragraph(p) = self {
            **p = f(std::mem::replace(p.as_mut(), Paragraph::new()));
        }
    }
}

/// Ends a section of `landscape` or upright pages. What Word needs after a
/// table there takes no room: a line to the next grid line could be all
/// that spills onto a page of its own.
fn end_section(parts: &mut Vec<Part>, landscape: bool) {
    if let Some(last) = parts.last_mut()
        && matches!(last, Part::Paragraph(p)
            if p.property.style.as_ref().map(|s| s.val.as_str()) == Some(styles::AFTER_TABLE))
    {
        last.edit(|p| p.line_spacing(exact(20)));
    }
    parts.push(Part::SectionEnd { landscape });
}

/// Builds the Word file of a document, as far as its `plan` goes as
/// notice's pages set it ([`flow`]).
pub fn docx(doc: &Document, faces: &FontSet, plan: &flow::Plan) -> Result<Vec<u8>, Failed> {
    let tight = plan.tight;
    let mut table_ends = plan.table_ends.iter().copied();
    let mut parts: Vec<Part> = Vec::new();
    let mut seals = closing::Seals::new(faces);
    header::header(doc, faces, &mut parts);
    if let Some(title) = &doc.title {
        body::title_paragraphs(&title.lines, &mut parts, faces);
        parts.push(Part::par(blank()));
    }
    if let Some(to) = &doc.to {
        // The 主送 never ends a page: it stays with the body.
        parts.push(Part::par(
            Paragraph::new()
                .style(styles::TO)
                .keep_next(true)
                .add_run(text(to)),
        ));
    }
    body::blocks(
        &doc.body,
        &mut parts,
        false,
        Some(plan),
        &mut table_ends,
        faces,
    );
    let closing_start = parts.len();
    let factor = tight.map_or(1.0, |t| t.closing_factor());
    let signature = closing::closing(doc, &mut parts, &mut seals, factor, plan.notes_closer);
    let closing_end = parts.len();
    // The 署名 never starts a page alone (GB/T 9704 7.3.5.4): it keeps
    // with the body's last paragraph and the 附件说明 between them, or with
    // the last line of a 纪要's attendance (a longer list may break across
    // the page, as in the PDF); not with the body's only block, which would
    // leave the header alone instead.
    let last_text = |range: std::ops::Range<usize>| {
        parts[range.clone()]
            .iter()
            .rposition(|p| matches!(p, Part::Paragraph(p) if !p.children.is_empty()))
            .map(|at| range.start + at)
    };
    let kept_from = if doc.attendance.is_empty() {
        match last_text(0..closing_start) {
            Some(at) if doc.body.len() > 1 => at,
            _ => closing_start,
        }
    } else {
        last_text(closing_start..signature).unwrap_or(signature)
    };
    for part in &mut parts[kept_from..closing_end.saturating_sub(1)] {
        part.edit(|p| p.keep_next(true));
    }
    if let Some(t) = tight.filter(|t| t.until.is_none()) {
        body::tighten(&mut parts[closing_start..closing_end], t.factor);
    }
    let mut landscape_before = false;
    for (n, attachment) in doc.attachments.iter().enumerate() {
        // Each attachment starts a page: a new section where the page
        // turns, otherwise its label breaks the page (a paragraph of its
        // own holding the break would itself start a page when the page
        // before is full, and leave one blank).
        let new_section =
            attachment.landscape != landscape_before || (attachment.landscape && n > 0);
        if new_section {
            end_section(&mut parts, landscape_before);
        }
        let mut label = Paragraph::new()
            .style(styles::ATTACHMENT_LABEL)
            .page_break_before(!new_section);
        if let Some(l) = &attachment.label {
            label = label.add_run(text(l));
        }
        parts.push(Part::par(label));
        parts.push(Part::par(blank()));
        if let Some(title) = &attachment.title {
            body::title_paragraphs(&title.lines, &mut parts, faces);
            parts.push(Part::par(blank()));
        }
        body::blocks(
            &attachment.body,
            &mut parts,
            attachment.landscape,
            None,
            &mut table_ends,
            faces,
        );
        landscape_before = attachment.landscape;
    }
    // The 版记 goes on an upright page, after a turned last attachment on
    // a page of its own, as in the PDF.
    if landscape_before && doc.imprint.is_some() {
        end_section(&mut parts, true);
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
    let letter_rule =
        (doc.format == DocumentFormat::Letter).then(|| header::letter_rule(doc, faces));
    finish(&mut xml, &seals, letter_rule)?;
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
        .footer(footers::page_number(true))
        .even_footer(footers::page_number(false));
    if doc.format == DocumentFormat::Letter {
        // Its rules are drawn when the XML is finished (`footers`).
        docx = docx.first_footer(Footer::new().add_paragraph(Paragraph::new()));
    }
    docx
}

/// Finishes the XML docx-rs built where it falls short (see the module's
/// documentation).
fn finish(
    xml: &mut docx_rs::XMLDocx,
    seals: &closing::Seals,
    letter_rule: Option<f64>,
) -> Result<(), Failed> {
    let not_utf8 = || {
        Failed::from(Diagnostic::error(
            "internal",
            "docx-rs wrote XML that is not UTF-8",
        ))
    };
    let mut document =
        String::from_utf8(std::mem::take(&mut xml.document)).map_err(|_| not_utf8())?;
    document = table::repeat_header_rows(&document);
    // The empty paragraph docx-rs writes to hold a section's properties
    // takes no room either (see `end_section`).
    document = document.replace(
        "<w:pPr><w:sectPr>",
        &format!(
            r#"<w:pPr><w:pStyle w:val="{}" /><w:sectPr>"#,
            styles::AFTER_TABLE
        ),
    );
    xml.styles = styles::finish(&String::from_utf8_lossy(&xml.styles)).into_bytes();
    seals.place(&mut document, xml);
    footers::reference(&mut document, xml, letter_rule);
    xml.document = document.into_bytes();
    let parts = [
        &mut xml.document,
        &mut xml.styles,
        &mut xml.settings,
        &mut xml.numberings,
        &mut xml.font_table,
    ]
    .into_iter()
    .chain(xml.footers.iter_mut())
    .chain(xml.headers.iter_mut());
    for part in parts.filter(|p| !p.is_empty()) {
        let text = std::str::from_utf8(part).map_err(|_| not_utf8())?;
        let ordered = schema::canonical(text).map_err(|e| {
            Failed::from(Diagnostic::error(
                "internal",
                format!("the Word file's XML does not parse: {e}"),
            ))
        })?;
        *part = ordered.into_bytes();
    }
    Ok(())
}
