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
mod flow;
mod footers;
mod header;
mod schema;
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

/// Runs of model text, a group for each: emphasis in 楷体, strong in 黑体,
/// `role` the face of a run-in heading's words (or a header cell's).
fn runs(model: &[ModelRun], role: Option<Role>, faces: &FontSet) -> Vec<Vec<Run>> {
    model
        .iter()
        .map(|r| {
            let role = match (r.style, role) {
                (Style::Strong, _) => Role::Heiti,
                (Style::Emphasis, _) => Role::Kaiti,
                (Style::Plain, Some(role)) => role,
                _ => Role::Fangsong,
            };
            // 仿宋 is the paragraph styles' own face: such runs name none.
            faced(&r.text, role, role != Role::Fangsong, faces)
        })
        .collect()
}

/// A paragraph with 仿宋 text added (its style's face), any character
/// 仿宋 lacks in 宋体 ([`faced`]).
fn add_text(mut p: Paragraph, s: &str, faces: &FontSet) -> Paragraph {
    for run in faced(s, Role::Fangsong, false, faces) {
        p = p.add_run(run);
    }
    p
}

/// Text in a role's face, as runs: characters the face lacks are set in
/// 宋体, the face the PDF falls back to, rather than left to each
/// reader's own fallback. `named`: the other runs name the role's face
/// (otherwise the paragraph's style gives it).
fn faced(s: &str, role: Role, named: bool, faces: &FontSet) -> Vec<Run> {
    let falls_back = |c: char| {
        !c.is_ascii() && !faces.role_covers(role, c) && faces.role_covers(Role::Songti, c)
    };
    let run = |piece: &str, fallback: bool| match (fallback, named) {
        (true, _) => text(piece).fonts(fonts(Role::Songti)),
        (false, true) => text(piece).fonts(fonts(role)),
        (false, false) => text(piece),
    };
    let mut out = Vec::new();
    let mut piece = String::new();
    let mut fallback = false;
    for c in s.chars() {
        if falls_back(c) != fallback && !piece.is_empty() {
            out.push(run(&piece, fallback));
            piece.clear();
        }
        fallback = falls_back(c);
        piece.push(c);
    }
    if !piece.is_empty() || out.is_empty() {
        out.push(run(&piece, fallback));
    }
    out
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

/// Ends a section of `landscape` or upright pages. What Word needs after a
/// table there takes no room: a line to the next grid line could be all
/// that spills onto a page of its own.
fn end_section(parts: &mut Vec<Part>, landscape: bool) {
    if let Some(Part::Paragraph(p)) = parts.last_mut()
        && p.property.style.as_ref().map(|s| s.val.as_str()) == Some(styles::AFTER_TABLE)
    {
        let small = std::mem::replace(p.as_mut(), Paragraph::new()).line_spacing(exact(20));
        **p = small;
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
        title_paragraphs(&title.lines, &mut parts, faces);
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
    blocks(&doc.body, &mut parts, false, tight, &mut table_ends, faces);
    let closing_start = parts.len();
    let factor = tight.map_or(1.0, |t| t.factor);
    let signature = closing::closing(doc, &mut parts, &mut seals, factor);
    let closing_end = parts.len();
    // The 署名 never starts a page alone (GB/T 9704 7.3.5.4): it keeps
    // with the text above it, the last paragraph of the body, of the
    // 附件说明 or of a 纪要's attendance (a longer list may break across
    // the page, as in the PDF), unless that is the body's only block,
    // which would leave the header alone instead.
    let text_above = parts[..signature]
        .iter()
        .rposition(|p| matches!(p, Part::Paragraph(p) if !p.children.is_empty()))
        .unwrap_or(signature);
    let kept_from = if text_above < closing_start && doc.body.len() <= 1 {
        closing_start
    } else {
        text_above.min(signature)
    };
    for part in &mut parts[kept_from..closing_end.saturating_sub(1)] {
        if let Part::Paragraph(p) = part {
            let kept = std::mem::replace(p.as_mut(), Paragraph::new()).keep_next(true);
            **p = kept;
        }
    }
    if let Some(t) = tight {
        tighten(&mut parts[closing_start..closing_end], t.factor);
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
            title_paragraphs(&title.lines, &mut parts, faces);
            parts.push(Part::par(blank()));
        }
        blocks(
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

/// A title's lines, as notice broke them, in one paragraph.
fn title_paragraphs(lines: &[String], parts: &mut Vec<Part>, faces: &FontSet) {
    let mut p = Paragraph::new().style(styles::TITLE);
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            p = p.add_run(Run::new().add_break(BreakType::TextWrapping));
        }
        for run in faced(line, Role::Xiaobiaosong, false, faces) {
            p = p.add_run(run);
        }
    }
    parts.push(Part::par(p));
}

/// Adds the blocks' paragraphs and tables, those from `tight.from` on
/// set tighter.
fn blocks(
    blocks: &[Block],
    parts: &mut Vec<Part>,
    landscape: bool,
    tight: Option<flow::Tight>,
    table_ends: &mut impl Iterator<Item = Option<f64>>,
    faces: &FontSet,
) {
    for (i, block) in blocks.iter().enumerate() {
        let line = tight.filter(|t| i >= t.from).map(|t| tight_line(t.factor));
        let on_pitch = |p: Paragraph| match line {
            Some(line) => p.line_spacing(exact(line)).snap_to_grid(false),
            None => p,
        };
        match block {
            Block::Heading(h) => {
                // A heading stays with what follows it, unless it is a
                // whole sentence, which flows as text (as in the PDF).
                let mut p = Paragraph::new()
                    .style(styles::heading(h.level))
                    .keep_next(!h.is_sentence());
                p = p.add_run(text(&h.number));
                for r in runs(&h.runs, Some(heading_role(h.level)), faces)
                    .into_iter()
                    .flatten()
                {
                    p = p.add_run(r);
                }
                parts.push(Part::par(on_pitch(p)));
            }
            Block::Paragraph { lead, runs: body } => {
                let long_latin = body.iter().any(|r| {
                    r.text
                        .split(|c: char| !c.is_ascii_graphic())
                        .any(|t| t.len() >= LONG_LATIN)
                });
                let mut p = Paragraph::new().style(if long_latin {
                    styles::BODY_LONG_LATIN
                } else {
                    styles::BODY
                });
                if let Some(Heading {
                    level,
                    number,
                    runs: head,
                    ..
                }) = lead
                {
                    let role = heading_role(*level);
                    p = p.add_run(text(number).fonts(fonts(role)));
                    for r in runs(head, Some(role), faces).into_iter().flatten() {
                        p = p.add_run(r);
                    }
                }
                for r in runs(body, None, faces).into_iter().flatten() {
                    p = p.add_run(r);
                }
                parts.push(Part::par(on_pitch(p)));
            }
            Block::Table(t) => {
                let pitch = line.unwrap_or(PITCH);
                parts.push(Part::Table(Box::new(table(t, landscape, pitch, faces))));
                // Word needs a paragraph between a table and what follows;
                // it takes the room to the next grid line, so the text after
                // the table is back on the grid: from where the table ends
                // on notice's page (rows are as tall as the PDF's, and a
                // table split over pages ends where the PDF's does), or
                // else from its rows. Off the grid, it takes none.
                let end = table_ends.next().flatten();
                let rest = if line.is_some() {
                    20
                } else if let Some(end) = end {
                    let pitch_mm = GEOMETRY.pitch();
                    let rest = ((end / pitch_mm - 0.01).ceil() * pitch_mm - end).max(0.0);
                    tw(rest).max(20)
                } else {
                    let width = tables::line_width(landscape);
                    let row = table_line(t.layout.size, pitch);
                    let height: i32 = tables::row_line_counts(t, width)
                        .iter()
                        .map(|&n| n as i32 * row + 2 * cell_inset_y(t.layout.size) + RULE_TW)
                        .sum::<i32>()
                        + RULE_TW;
                    let rest = (PITCH - height.rem_euclid(PITCH)).rem_euclid(PITCH);
                    if rest < 40 { rest + PITCH } else { rest }
                };
                parts.push(Part::par(
                    Paragraph::new()
                        .style(styles::AFTER_TABLE)
                        .line_spacing(exact(rest)),
                ));
            }
        }
    }
}

/// A line of `factor` times the grid's pitch, in twips, rounded down so
/// that the lines of a page add up to no more than notice set.
fn tight_line(factor: f64) -> i32 {
    (f64::from(PITCH) * factor).floor() as i32
}

/// Sets the paragraphs on the grid's pitch at `factor` times it, off the
/// grid (Word and LibreOffice would snap them back to it).
fn tighten(parts: &mut [Part], factor: f64) {
    let line = tight_line(factor);
    for part in parts {
        if let Part::Paragraph(p) = part {
            let spacing = &p.property.line_spacing;
            if spacing.is_none() || spacing.as_ref() == Some(&exact(PITCH)) {
                let tight = std::mem::replace(p.as_mut(), Paragraph::new())
                    .line_spacing(exact(line))
                    .snap_to_grid(false);
                **p = tight;
            }
        }
    }
}

/// A Latin string this long (half a line) or longer is broken anywhere.
const LONG_LATIN: usize = 28;

/// A table row's line in twips: three quarters of the pitch at 四号, in
/// proportion at smaller sizes (as the PDF sets it).
fn table_line(size_pt: f64, pitch: i32) -> i32 {
    (0.75 * f64::from(pitch) * size_pt / size::SIHAO).round() as i32
}

/// A table cell's padding above and below its text, in twips: a tenth
/// of an em, as the PDF pads it, less half the rule between rows, which
/// Word and LibreOffice add to a row's height (Typst draws it over the
/// cells' edge): rows as tall as the PDF's.
fn cell_inset_y(size_pt: f64) -> i32 {
    (size_pt * 20.0 * 0.1).round() as i32 - RULE_TW / 2
}

/// A table rule (0.5pt) in twips.
const RULE_TW: i32 = 10;

/// A ruled table: the planned widths and size, a header row repeated on
/// every page, rows kept whole when notice planned them so.
fn table(t: &ModelTable, landscape: bool, pitch: i32, faces: &FontSet) -> Table {
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
    let line = table_line(t.layout.size, pitch);
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
        let role = header.then_some(Role::Heiti);
        for (i, group) in runs(&pieces, role, faces).into_iter().enumerate() {
            if i > 0 && !breaks.is_empty() {
                p = p.add_run(Run::new().add_break(BreakType::TextWrapping));
            }
            for r in group {
                p = p.add_run(r.size(size));
            }
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
    // Cell padding a tenth of an em down, as the PDF's; an eighth across,
    // half the PDF's: notice breaks every cell that wraps where the PDF
    // breaks it, so the room only keeps a line whole where a reader spaces
    // its digits (LibreOffice), and text stays clear of the rules.
    let inset = (t.layout.size * 20.0 * 0.125).round() as usize;
    let inset_y = cell_inset_y(t.layout.size) as usize;
    Table::new(rows)
        .set_grid(grid)
        .layout(TableLayoutType::Fixed)
        .width(width as usize, WidthType::Dxa)
        .margins(
            TableCellMargins::new()
                .margin_left(inset, WidthType::Dxa)
                .margin_right(inset, WidthType::Dxa)
                .margin_top(inset_y, WidthType::Dxa)
                .margin_bottom(inset_y, WidthType::Dxa),
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
    document = repeat_header_rows(&document);
    // The empty paragraph docx-rs writes to hold a section's properties
    // takes no room either (see `end_section`).
    document = document.replace(
        "<w:pPr><w:sectPr>",
        &format!(
            r#"<w:pPr><w:pStyle w:val="{}" /><w:sectPr>"#,
            styles::AFTER_TABLE
        ),
    );
    let mut styles_xml = chinese_text_defaults(&String::from_utf8_lossy(&xml.styles));
    if let Some(style) = styles_xml.find(&format!(r#"w:styleId="{}""#, styles::BODY_LONG_LATIN))
        && let Some(ppr) = styles_xml[style..].find("<w:pPr>")
    {
        styles_xml.insert_str(style + ppr + "<w:pPr>".len(), r#"<w:wordWrap w:val="0" />"#);
    }
    xml.styles = styles_xml.into_bytes();
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

/// The base style's CJK settings, which docx-rs cannot write: no extra
/// space between Chinese and Latin letters or digits (`w:autoSpaceDE`/`DN`
/// off), as in the PDF, so a line holds the same 28 characters; and
/// `w:overflowPunct` on. Word reads that as "a closing mark may hang past
/// the line" (its own default); LibreOffice 7.4 reads the element the
/// other way round (`DomainMapper.cxx`: hanging = val is 0), and a hanging
/// mark at the end of a justified line vanishes from its PDFs. Written as
/// on, LibreOffice keeps every mark inside the 版心 as the PDF does, and
/// Word behaves as a clerk's own files do.
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
                    r#"<w:overflowPunct w:val="1" /><w:autoSpaceDE w:val="0" /><w:autoSpaceDN w:val="0" />"#,
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
            } else if t[after..].starts_with("<w:trPr />") {
                t.replace_range(
                    after..after + "<w:trPr />".len(),
                    "<w:trPr><w:tblHeader /></w:trPr>",
                );
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
