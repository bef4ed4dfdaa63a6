//! 版头 in Word: 份号, 密级, 紧急程度, the red 发文机关标志, 发文字号 and
//! 签发人, the red separator; the 信函 and 命令 variants. Lines sit on the
//! grid as in the PDF: the mark's top edge 35mm under the 版心's top (20mm
//! for a 命令, 30mm from the paper's top for a 信函), the 发文字号 two
//! blank lines under the mark, the title two blank lines under the
//! 发文字号.

use docx_rs::{
    AlignmentType, BorderType, LineSpacing, LineSpacingType, Paragraph, ParagraphBorder,
    ParagraphBorderPosition, ParagraphBorders, Run, SpecialIndentType, Tab, TabValueType, Table,
    TableBorders, TableCell, TableLayoutType, TableRow, VAlignType, WidthType,
};

use super::{CHAR, PITCH, Part, blank, body_width, exact, fonts, pt_tw, styles, text, tw};
use crate::gbt9704::{GEOMETRY, Role, size};
use crate::model::{Document, DocumentFormat, Mark};

/// Ink of a Chinese character, as a share of its size: the mark's top
/// edge is its ink's top.
const INK: f64 = 0.9;

/// Millimetres of a type size in points.
fn pt_mm(pt: f64) -> f64 {
    pt * 25.4 / 72.0
}

/// The mark's height in millimetres (its ink), for where the lines under
/// it go.
fn mark_height(mark: &Mark) -> f64 {
    let em = pt_mm(size::CHUHAO);
    let n = mark.lines.len().max(1) as f64;
    if mark.suffix.is_some() {
        n * em + (n - 1.0) * 0.2 * em - (1.0 - INK) * em
    } else {
        INK * em
    }
}

/// The character scale (percent) that narrows a line of the mark to the
/// 版心, as the PDF does.
fn mark_scale(chars: usize, extra_mm: f64) -> i32 {
    let width = chars as f64 * pt_mm(size::CHUHAO) + extra_mm;
    if width <= GEOMETRY.body_width {
        100
    } else {
        ((GEOMETRY.body_width / width) * 100.0).floor() as i32
    }
}

/// The red mark, its top edge `top_mm` below the top of the paragraph it
/// starts; the paragraph (or table) fills `lines` grid lines.
fn mark(m: &Mark, top_mm: f64, lines: i32, parts: &mut Vec<Part>) {
    let em = pt_tw(size::CHUHAO);
    // In an exact line Word and LibreOffice put the baseline 80% down; the
    // ink's top is then at 80% − 88% of an em below the line's top.
    let line = (f64::from(em) * 1.2).round() as i32;
    let ink_offset = f64::from(line) * 0.8 - f64::from(em) * 0.88;
    let before = (f64::from(tw(top_mm)) - ink_offset).max(0.0).round() as i32;
    match &m.suffix {
        None => {
            let after = (lines * PITCH - before - line).max(0);
            let run = mark_run(&m.lines.join(""));
            parts.push(Part::par(
                Paragraph::new()
                    .style(styles::MARK)
                    .line_spacing(
                        LineSpacing::new()
                            .line_rule(LineSpacingType::Exact)
                            .line(line)
                            .before(before as u32)
                            .after(after as u32),
                    )
                    .add_run(run),
            ));
        }
        Some(suffix) => {
            // Issuers stacked, each spread to the widest, with one `文件`
            // beside them, centred: a table without rules.
            let widest = m.lines.iter().map(|l| l.chars().count()).max().unwrap_or(1);
            let gap = 0.3 * pt_mm(size::CHUHAO);
            // Stacked names keep a little room: readers' character scaling
            // rounds wider than the estimate.
            let scale = mark_scale(
                widest + suffix.chars().count(),
                gap + 0.06 * GEOMETRY.body_width,
            );
            // A little room over the characters' advance: a cell that is
            // exactly as wide wraps its last character in some readers.
            let names_w =
                (widest as f64 * f64::from(em) * f64::from(scale) / 100.0 * 1.03).round() as usize;
            let suffix_w = (suffix.chars().count() as f64 * f64::from(em) * f64::from(scale)
                / 100.0)
                .round() as usize
                + tw(gap) as usize;
            let spaced = (f64::from(em) * 1.2).round() as i32;
            parts.push(Part::par(
                Paragraph::new().style(styles::MARK).line_spacing(
                    LineSpacing::new()
                        .line_rule(LineSpacingType::Exact)
                        .line(before.max(20))
                        .before(0)
                        .after(0),
                ),
            ));
            let names = m.lines.iter().fold(
                TableCell::new().width(names_w, WidthType::Dxa),
                |cell, l| {
                    let mut run = Run::new().add_text(l);
                    if scale < 100 {
                        run = run.stretch(scale);
                    }
                    cell.add_paragraph(
                        Paragraph::new()
                            .style(styles::MARK)
                            .align(AlignmentType::Distribute)
                            .line_spacing(exact(spaced))
                            .add_run(run),
                    )
                },
            );
            let mut suffix_run = Run::new().add_text(suffix);
            if scale < 100 {
                suffix_run = suffix_run.stretch(scale);
            }
            let suffix_cell = TableCell::new()
                .width(suffix_w, WidthType::Dxa)
                .vertical_align(VAlignType::Center)
                .add_paragraph(
                    Paragraph::new()
                        .style(styles::MARK)
                        .align(AlignmentType::Right)
                        .line_spacing(exact(spaced))
                        .add_run(suffix_run),
                );
            let table = Table::new(vec![TableRow::new(vec![names, suffix_cell])])
                .set_grid(vec![names_w, suffix_w])
                .margins(
                    docx_rs::TableCellMargins::new()
                        .margin_left(0, WidthType::Dxa)
                        .margin_right(0, WidthType::Dxa),
                )
                .layout(TableLayoutType::Fixed)
                .align(docx_rs::TableAlignmentType::Center)
                .width(names_w + suffix_w, WidthType::Dxa)
                .set_borders(TableBorders::with_empty());
            parts.push(Part::Table(Box::new(table)));
            // Back on the grid under the table.
            let used = before.max(20) + spaced * m.lines.len() as i32;
            let rest = (lines * PITCH - used).max(20);
            parts.push(Part::par(
                Paragraph::new().style(styles::AFTER_TABLE).line_spacing(
                    LineSpacing::new()
                        .line_rule(LineSpacingType::Exact)
                        .line(rest)
                        .before(0)
                        .after(0),
                ),
            ));
        }
    }
}

/// 份号, 密级 and 紧急程度, one a line.
fn corner(doc: &Document) -> Vec<String> {
    [&doc.copy_number, &doc.secrecy, &doc.urgency]
        .into_iter()
        .flatten()
        .cloned()
        .collect()
}

/// The red separator 4mm under the 发文字号's em box: a bottom border of
/// its paragraph, and the room it takes given back by the next line.
fn separator() -> (ParagraphBorders, i32) {
    let g = GEOMETRY;
    let em_bottom = g.pitch() / 2.0 + pt_mm(size::SANHAO) / 2.0;
    let space_pt = ((em_bottom + g.separator_gap - g.pitch()) * 72.0 / 25.4)
        .round()
        .max(0.0);
    let border = ParagraphBorder::new(ParagraphBorderPosition::Bottom)
        .val(BorderType::Single)
        .size(8)
        .space(space_pt as usize)
        .color("FF0000");
    let taken = (space_pt * 20.0) as i32 + 20;
    (ParagraphBorders::with_empty().set(border), taken)
}

/// 发文字号 rows, with the 签发人 on the right (上行文): the names two a
/// line after `签发人：`, the number on the last row, 左空一字 and 右空一字
/// (tab stops, so the rows and the separator under them span the 版心).
fn number_rows(doc: &Document) -> Vec<Paragraph> {
    let number = doc.number.clone().unwrap_or_default();
    if doc.signers.is_empty() {
        return vec![
            Paragraph::new()
                .style(styles::NUMBER)
                .add_run(text(&number)),
        ];
    }
    let pairs: Vec<&[String]> = doc.signers.chunks(2).collect();
    pairs
        .iter()
        .enumerate()
        .map(|(i, pair)| {
            let mut p = Paragraph::new()
                .style(styles::NUMBER)
                .align(AlignmentType::Left)
                .add_tab(Tab::new().val(TabValueType::Left).pos(CHAR as usize))
                .add_tab(
                    Tab::new()
                        .val(TabValueType::Right)
                        .pos((body_width() - CHAR) as usize),
                )
                .add_run(Run::new().add_tab());
            if i + 1 == pairs.len() {
                p = p.add_run(text(&number));
            }
            p = p.add_run(Run::new().add_tab());
            let label = if i == 0 { "签发人：" } else { "" };
            p = p.add_run(text(label));
            p.add_run(text(&pair.join("\u{3000}")).fonts(fonts(Role::Kaiti)))
        })
        .collect()
}

pub fn header(doc: &Document, parts: &mut Vec<Part>) {
    match doc.format {
        DocumentFormat::Letter => letter(doc, parts),
        DocumentFormat::Order => order(doc, parts),
        DocumentFormat::File | DocumentFormat::Minutes => file(doc, parts),
    }
}

fn corner_paragraphs(doc: &Document, parts: &mut Vec<Part>) -> i32 {
    let lines = corner(doc);
    for l in &lines {
        parts.push(Part::par(
            Paragraph::new().style(styles::CORNER).add_run(text(l)),
        ));
    }
    lines.len() as i32
}

fn file(doc: &Document, parts: &mut Vec<Part>) {
    let g = GEOMETRY;
    let corner_lines = corner_paragraphs(doc, parts);
    let Some(m) = &doc.mark else {
        if let Some(number) = &doc.number {
            if corner_lines > 0 {
                parts.push(Part::par(blank()));
            }
            parts.push(Part::par(
                Paragraph::new().style(styles::NUMBER).add_run(text(number)),
            ));
            parts.push(Part::par(blank()));
        }
        return;
    };
    let mark_bottom = g.mark_top + mark_height(m);
    let number_line = (mark_bottom / g.pitch() - 0.01).ceil() as i32 + 2;
    let top = g.mark_top - f64::from(corner_lines) * g.pitch();
    mark(m, top, number_line - corner_lines, parts);
    let rows = if doc.number.is_some() || !doc.signers.is_empty() {
        number_rows(doc)
    } else {
        Vec::new()
    };
    let separated = doc.format != DocumentFormat::Minutes || doc.number.is_some();
    let count = rows.len();
    let mut taken = 0;
    for (i, mut row) in rows.into_iter().enumerate() {
        if i + 1 == count && separated {
            let (border, t) = separator();
            row.property = row.property.set_borders(border);
            taken = t;
        }
        parts.push(Part::par(row));
    }
    if count == 0 && separated {
        // The separator alone, under the mark.
        let (border, t) = separator();
        let mut p = blank();
        p.property = p.property.set_borders(border);
        parts.push(Part::par(p));
        taken = t;
    }
    // Two blank lines to the title, less the separator's room (off the
    // grid, which would round the line back up).
    parts.push(Part::par(
        blank()
            .snap_to_grid(false)
            .line_spacing(exact(PITCH - taken)),
    ));
    parts.push(Part::par(blank()));
}

fn order(doc: &Document, parts: &mut Vec<Part>) {
    let g = GEOMETRY;
    let Some(m) = &doc.mark else { return };
    let number_line = ((g.order_mark_top + mark_height(m)) / g.pitch() - 0.01).ceil() as i32 + 2;
    mark(m, g.order_mark_top, number_line, parts);
    if let Some(number) = &doc.number {
        parts.push(Part::par(
            Paragraph::new().style(styles::NUMBER).add_run(text(number)),
        ));
    } else {
        parts.push(Part::par(blank()));
    }
    parts.push(Part::par(blank()));
    parts.push(Part::par(blank()));
}

/// 信函: the issuer 30mm from the paper's top in a frame (it stands above
/// the 版心), red double rules of 170mm centred on the paper: thick over
/// thin under the name, thin over thick 20mm above the paper's bottom (in
/// the first page's footer).
fn letter(doc: &Document, parts: &mut Vec<Part>) {
    let g = GEOMETRY;
    if let Some(m) = &doc.mark {
        let em = pt_tw(size::CHUHAO);
        let line = (f64::from(em) * 1.2).round() as i32;
        let ink_offset = f64::from(line) * 0.8 - f64::from(em) * 0.88;
        let y = tw(g.letter_mark_top) - ink_offset.round() as i32;
        let run = mark_run(&m.lines.join(""));
        parts.push(Part::par(
            Paragraph::new()
                .style(styles::MARK)
                .line_spacing(exact(line))
                .wrap("around")
                .v_anchor("page")
                .h_anchor("margin")
                .frame_y(y)
                .frame_x(0)
                .frame_width(body_width() as u32)
                .add_run(run),
        ));
    }
    // The upper rules: thick over thin, 4mm under the mark's ink.
    let mark_bottom = g.letter_mark_top + doc.mark.as_ref().map_or(0.0, mark_height);
    let rule_top = mark_bottom + 4.0 - g.margin_top;
    let (left, right) = rule_indents();
    let rules = ParagraphBorder::new(ParagraphBorderPosition::Bottom)
        .val(BorderType::ThickThinSmallGap)
        .size(24)
        .space(0)
        .color("FF0000");
    let mut p = blank()
        .indent(
            Some(left),
            Some(SpecialIndentType::FirstLine(0)),
            Some(right),
            None,
        )
        .line_spacing(exact(tw(rule_top.max(1.0))));
    p.property = p
        .property
        .set_borders(ParagraphBorders::with_empty().set(rules));
    parts.push(Part::par(p));
    // 份号, 密级, 紧急程度 on the left, the 发文字号 on the right of the first.
    let corner = corner(doc);
    let lines = corner.len().max(1);
    for i in 0..lines {
        let mut p = Paragraph::new().style(styles::CORNER).add_tab(
            Tab::new()
                .val(TabValueType::Right)
                .pos(body_width() as usize),
        );
        if let Some(c) = corner.get(i) {
            p = p.add_run(text(c));
        }
        if i == 0
            && let Some(number) = &doc.number
        {
            p = p
                .add_run(Run::new().add_tab())
                .add_run(text(number).fonts(fonts(Role::Fangsong)));
        }
        parts.push(Part::par(p));
    }
    parts.push(Part::par(blank()));
    parts.push(Part::par(blank()));
}

/// Indents that make a paragraph's rule 170mm long, centred on the paper.
pub fn rule_indents() -> (i32, i32) {
    let g = GEOMETRY;
    let start = (g.paper_width - g.letter_rule_length) / 2.0;
    (tw(start - g.margin_left), tw(start - g.margin_right()))
}

/// A one-line mark, narrowed by character scale when longer than the 版心.
fn mark_run(text: &str) -> Run {
    let scale = mark_scale(text.chars().count(), 0.0);
    let run = Run::new().add_text(text);
    if scale < 100 { run.stretch(scale) } else { run }
}
