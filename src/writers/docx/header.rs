//! 版头 in Word: 份号, 密级, 紧急程度, the red 发文机关标志, 发文字号 and
//! 签发人, the red separator; the 信函 and 命令 variants. Lines sit on the
//! grid as in the PDF: the mark's top edge 35mm under the 版心's top (20mm
//! for a 命令, 30mm from the paper's top for a 信函), the 发文字号 two
//! blank lines under the mark, the title two blank lines under the
//! 发文字号.

use docx_rs::{
    AlignmentType, BorderType, LineSpacing, LineSpacingType, Paragraph, ParagraphBorder,
    ParagraphBorderPosition, ParagraphBorders, Run, Tab, TabValueType, Table, TableBorders,
    TableCell, TableLayoutType, TableRow, VAlignType, WidthType,
};

use super::body::faced;
use super::{
    CHAR, PITCH, Part, blank, body_width, exact, fonts, mm, pt_tw, styles, text, text_width, tw,
};
use crate::gbt9704::{GEOMETRY, PT_PER_MM, Role, size};
use crate::model::{Document, DocumentFormat, Mark};
use crate::typeset::fonts::FontSet;

/// The mark's ink in em: its top above the baseline (the mark's top edge
/// is its ink's top) and its bottom (negative below), measured in the
/// document's 小标宋 as the PDF measures the mark's bounds.
#[derive(Clone, Copy)]
struct Ink {
    top: f64,
    bottom: f64,
}

impl Ink {
    fn of(doc: &Document, faces: &FontSet) -> Ink {
        let text: String = doc
            .mark
            .iter()
            .flat_map(|m| m.lines.iter().chain(&m.suffix))
            .map(String::as_str)
            .collect();
        let (top, bottom) = faces
            .ink_extent(Role::Xiaobiaosong, &text)
            .unwrap_or((0.88, -0.1));
        Ink { top, bottom }
    }

    /// How far the ink's top is under the top of the mark's exact line
    /// ([`mark_line`]), in twips: Word and LibreOffice put the baseline
    /// 80% down it.
    fn under_line_top(self) -> f64 {
        f64::from(mark_line()) * 0.8 - f64::from(pt_tw(size::CHUHAO)) * self.top
    }
}

/// The mark's exact line in twips: 1.2 初号 characters.
fn mark_line() -> i32 {
    (f64::from(pt_tw(size::CHUHAO)) * 1.2).round() as i32
}

/// The mark's text in a run, narrowed to `scale` percent.
fn scaled(text: &str, scale: i32) -> Run {
    let run = Run::new().add_text(text);
    if scale < 100 { run.stretch(scale) } else { run }
}

/// Millimetres of a type size in points.
fn pt_mm(pt: f64) -> f64 {
    pt / PT_PER_MM
}

/// The mark's height in millimetres (its ink), for where the lines under
/// it go.
fn mark_height(mark: &Mark, ink: Ink) -> f64 {
    let em = pt_mm(size::CHUHAO);
    let n = mark.lines.len().max(1) as f64;
    if mark.suffix.is_some() {
        // From the first name's ink top, a tenth of an em under its em
        // box, to the last name's em box bottom.
        n * em + (n - 1.0) * 0.2 * em - 0.1 * em
    } else {
        (ink.top - ink.bottom) * em
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
fn mark(m: &Mark, top_mm: f64, lines: i32, ink: Ink, parts: &mut Vec<Part>) {
    let em = pt_tw(size::CHUHAO);
    let line = mark_line();
    let before = (f64::from(tw(top_mm)) - ink.under_line_top())
        .max(0.0)
        .round() as i32;
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
            parts.push(Part::par(
                Paragraph::new()
                    .style(styles::MARK)
                    .line_spacing(exact(before.max(20))),
            ));
            let names = m.lines.iter().fold(
                TableCell::new().width(names_w, WidthType::Dxa),
                |cell, l| {
                    cell.add_paragraph(
                        Paragraph::new()
                            .style(styles::MARK)
                            .align(AlignmentType::Distribute)
                            .line_spacing(exact(line))
                            .add_run(scaled(l, scale)),
                    )
                },
            );
            let suffix_cell = TableCell::new()
                .width(suffix_w, WidthType::Dxa)
                .vertical_align(VAlignType::Center)
                .add_paragraph(
                    Paragraph::new()
                        .style(styles::MARK)
                        .align(AlignmentType::Right)
                        .line_spacing(exact(line))
                        .add_run(scaled(suffix, scale)),
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
            let used = before.max(20) + line * m.lines.len() as i32;
            let rest = (lines * PITCH - used).max(20);
            parts.push(Part::par(
                Paragraph::new()
                    .style(styles::AFTER_TABLE)
                    .line_spacing(exact(rest)),
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
    let space_pt = ((em_bottom + g.separator_gap - g.pitch()) * PT_PER_MM)
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

/// 发文字号 rows, with the 签发人 on the right (上行文), as the PDF sets
/// them: `签发人：` and the names two a line in columns, each column as
/// wide as its widest name and one character apart, the block 右空一字;
/// the number on the last row, 左空一字 (tab stops, so the rows and the
/// separator under them span the 版心).
fn number_rows(doc: &Document, faces: &FontSet) -> Vec<Paragraph> {
    let number = doc.number.clone().unwrap_or_default();
    if doc.signers.is_empty() {
        return vec![
            Paragraph::new()
                .style(styles::NUMBER)
                .add_run(text(&number)),
        ];
    }
    let pairs: Vec<&[String]> = doc.signers.chunks(2).collect();
    let label = "签发人：";
    let column = |k: usize| {
        pairs
            .iter()
            .filter_map(|p| p.get(k))
            .map(|n| text_width(n))
            .max()
            .unwrap_or(0)
    };
    // A hair of room before each tab stop: text that ends exactly on a
    // stop sends the tab on to the next one.
    let hair = 10;
    let (first, second) = (column(0), column(1));
    let block =
        text_width(label) + hair + first + if second > 0 { CHAR + hair + second } else { 0 };
    let start = body_width() - CHAR - block;
    let names_at = start + text_width(label) + hair;
    let second_at = names_at + first + CHAR + hair;
    pairs
        .iter()
        .enumerate()
        .map(|(i, pair)| {
            let mut p = Paragraph::new()
                .style(styles::NUMBER)
                .align(AlignmentType::Left)
                .add_tab(Tab::new().val(TabValueType::Left).pos(CHAR as usize))
                .add_tab(Tab::new().val(TabValueType::Left).pos(start as usize))
                .add_tab(Tab::new().val(TabValueType::Left).pos(names_at as usize));
            if second > 0 {
                p = p.add_tab(Tab::new().val(TabValueType::Left).pos(second_at as usize));
            }
            p = p.add_run(Run::new().add_tab());
            if i + 1 == pairs.len() {
                p = p.add_run(text(&number));
            }
            p = p
                .add_run(Run::new().add_tab())
                .add_run(text(if i == 0 { label } else { "" }))
                .add_run(Run::new().add_tab());
            for (k, name) in pair.iter().enumerate() {
                if k > 0 {
                    p = p.add_run(Run::new().add_tab());
                }
                for run in faced(name, Role::Kaiti, true, faces) {
                    p = p.add_run(run);
                }
            }
            p
        })
        .collect()
}

pub fn header(doc: &Document, faces: &FontSet, parts: &mut Vec<Part>) {
    let ink = Ink::of(doc, faces);
    match doc.format {
        DocumentFormat::Letter => letter(doc, ink, parts),
        DocumentFormat::Order => order(doc, ink, parts),
        DocumentFormat::File | DocumentFormat::Minutes => file(doc, ink, faces, parts),
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

fn file(doc: &Document, ink: Ink, faces: &FontSet, parts: &mut Vec<Part>) {
    let g = GEOMETRY;
    let corner_lines = corner_paragraphs(doc, parts);
    let Some(m) = &doc.mark else {
        // No mark: the 发文字号 (and 签发人) rows head the page.
        if doc.number.is_some() || !doc.signers.is_empty() {
            if corner_lines > 0 {
                parts.push(Part::par(blank()));
            }
            for row in number_rows(doc, faces) {
                parts.push(Part::par(row));
            }
            parts.push(Part::par(blank()));
        }
        return;
    };
    let mark_bottom = g.mark_top + mark_height(m, ink);
    let number_line = (mark_bottom / g.pitch() - 0.01).ceil() as i32 + 2;
    let top = g.mark_top - f64::from(corner_lines) * g.pitch();
    mark(m, top, number_line - corner_lines, ink, parts);
    let rows = if doc.number.is_some() || !doc.signers.is_empty() {
        number_rows(doc, faces)
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

fn order(doc: &Document, ink: Ink, parts: &mut Vec<Part>) {
    let g = GEOMETRY;
    let Some(m) = &doc.mark else { return };
    let number_line =
        ((g.order_mark_top + mark_height(m, ink)) / g.pitch() - 0.01).ceil() as i32 + 2;
    mark(m, g.order_mark_top, number_line, ink, parts);
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
fn letter(doc: &Document, ink: Ink, parts: &mut Vec<Part>) {
    let g = GEOMETRY;
    if let Some(m) = &doc.mark {
        let y = tw(g.letter_mark_top) - ink.under_line_top().round() as i32;
        let run = mark_run(&m.lines.join(""));
        parts.push(Part::par(
            Paragraph::new()
                .style(styles::MARK)
                .line_spacing(exact(mark_line()))
                .wrap("around")
                .v_anchor("page")
                .h_anchor("margin")
                .frame_y(y)
                .frame_x(0)
                .frame_width(body_width() as u32)
                .add_run(run),
        ));
    }
    // The upper rules are drawn on the page (`footers`, with the lower
    // ones). 份号, 密级, 紧急程度 on the left, the 发文字号 on the right of
    // the first: their em box 7/8 of a 3号 character under the thin rule,
    // as in the PDF (an exact line puts its baseline 80% down).
    let rule_top = rule_under(doc, ink) - g.margin_top;
    let em = pt_mm(size::SANHAO);
    let thin = rule_top + LETTER_RULE_GAP;
    let baseline = thin + 7.0 / 8.0 * em + 0.88 * em;
    let line_mm = mm(PITCH);
    let spacer = tw(baseline - 0.8 * line_mm);
    parts.push(Part::par(spacer_line(spacer)));
    let corner = corner(doc);
    let lines = corner.len().max(1);
    for i in 0..lines {
        let mut p = Paragraph::new()
            .style(styles::CORNER)
            .snap_to_grid(false)
            .add_tab(
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
    // The title two lines below, back on the grid: on the line the PDF
    // starts it.
    let cell_top = thin + 7.0 / 8.0 * em + lines as f64 * g.pitch() - (g.pitch() - em) / 2.0;
    let title_line = ((cell_top + 2.0 * g.pitch()) / g.pitch() - 0.01).ceil();
    let used = spacer + lines as i32 * PITCH;
    parts.push(Part::par(spacer_line(
        (title_line * f64::from(PITCH)).round() as i32 - used,
    )));
}

/// The distance between the middles of a 信函's double rules, in mm.
pub const LETTER_RULE_GAP: f64 = 1.0;

/// Where a 信函's upper (thick) rule runs, in mm from the paper's top: 4mm
/// under the mark's ink.
pub fn letter_rule(doc: &Document, faces: &FontSet) -> f64 {
    rule_under(doc, Ink::of(doc, faces))
}

fn rule_under(doc: &Document, ink: Ink) -> f64 {
    GEOMETRY.letter_mark_top + doc.mark.as_ref().map_or(0.0, |m| mark_height(m, ink)) + 4.0
}

/// An empty paragraph of `height` twips, off the grid.
fn spacer_line(height: i32) -> Paragraph {
    blank()
        .snap_to_grid(false)
        .line_spacing(exact(height.max(20)))
}

/// A one-line mark, narrowed by character scale when longer than the 版心.
fn mark_run(text: &str) -> Run {
    scaled(text, mark_scale(text.chars().count(), 0.0))
}
