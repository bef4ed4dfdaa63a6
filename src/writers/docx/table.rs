//! Tables in Word: the planned widths and size, cells broken where the
//! PDF breaks them, rows as tall as the PDF's, header rows repeated.

use docx_rs::{
    AlignmentType, BreakType, Paragraph, Run, Table, TableBorder, TableBorderPosition,
    TableBorders, TableCell, TableCellMargins, TableLayoutType, TableRow, VAlignType, WidthType,
};

use super::body::runs;
use super::flow::{AUTOSPACE_EM, autospaces};
use super::{body_width, exact, styles, tw};
use crate::compose::tables;
use crate::gbt9704::{GEOMETRY, Role, size};
use crate::model::{Run as ModelRun, Table as ModelTable, plain_text};
use crate::typeset::fonts::FontSet;

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

/// The columns' widths in twips: notice's plan, and room where a line of
/// a cell holds digits next to Chinese characters, which LibreOffice
/// spaces apart (a date would break there), taken from columns whose
/// lines leave room to spare. Word and WPS set those lines as the PDF does,
/// with a little more room.
fn column_widths(t: &ModelTable, width: i32) -> Vec<usize> {
    let em = t.layout.size * 20.0;
    let padding = 2.0 * (em * 0.125).round();
    let planned: Vec<f64> = t
        .layout
        .widths
        .iter()
        .map(|w| w * f64::from(width))
        .collect();
    // The widest line of each column, as the PDF sets it and as
    // LibreOffice would.
    let mut pdf = vec![0.0_f64; planned.len()];
    let mut lo = vec![0.0_f64; planned.len()];
    let mut measure = |column: usize, text: &str, breaks: &[usize]| {
        for line in broken(text, breaks) {
            let spaces = autospaces(&line);
            let set = tables::em_width(&line) * em + padding;
            if set > planned[column] + 1.0 {
                // Text that wraps in the PDF too: the column has no room
                // to spare, and wraps here as it will.
                pdf[column] = f64::INFINITY;
            } else {
                pdf[column] = pdf[column].max(set);
                lo[column] = lo[column].max(set + spaces as f64 * AUTOSPACE_EM * em);
            }
        }
    };
    for (column, cell) in t.header.iter().enumerate() {
        measure(column, &plain_text(cell), t.layout.header_breaks_of(column));
    }
    for (row, cells) in t.rows.iter().enumerate() {
        for (column, cell) in cells.iter().enumerate().take(planned.len()) {
            measure(
                column,
                &plain_text(cell),
                t.layout.cell_breaks_of(row, column),
            );
        }
    }
    let wanted: Vec<f64> = planned
        .iter()
        .zip(&lo)
        .map(|(p, l)| (l - p).max(0.0))
        .collect();
    let spare: Vec<f64> = planned
        .iter()
        .zip(&pdf)
        .zip(&wanted)
        .map(|((p, d), w)| {
            if *w > 0.0 || d.is_infinite() {
                0.0
            } else {
                (p - d).max(0.0)
            }
        })
        .collect();
    let (wanted_sum, spare_sum): (f64, f64) = (wanted.iter().sum(), spare.iter().sum());
    let moved = wanted_sum.min(spare_sum);
    planned
        .iter()
        .zip(wanted.iter().zip(&spare))
        .map(|(p, (w, s))| {
            let gain = if wanted_sum > 0.0 {
                moved * w / wanted_sum
            } else {
                0.0
            };
            let loss = if spare_sum > 0.0 {
                moved * s / spare_sum
            } else {
                0.0
            };
            (p + gain - loss).round() as usize
        })
        .collect()
}

/// A table's height in twips, as its rows are planned (set unbroken).
pub fn table_height(t: &ModelTable, landscape: bool, pitch: i32) -> i32 {
    let row = table_line(t.layout.size, pitch);
    tables::row_line_counts(t, tables::line_width(landscape))
        .iter()
        .map(|&n| n as i32 * row + 2 * cell_inset_y(t.layout.size) + RULE_TW)
        .sum::<i32>()
        + RULE_TW
}

/// A cell's text in the lines notice broke it into at `breaks`
/// (character offsets).
fn broken(text: &str, breaks: &[usize]) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut bounds = vec![0];
    bounds.extend(breaks.iter().copied().filter(|&b| b < chars.len()));
    bounds.push(chars.len());
    bounds
        .windows(2)
        .map(|w| chars[w[0]..w[1]].iter().collect())
        .collect()
}

/// A ruled table: the planned widths and size, a header row repeated on
/// every page, rows kept whole when notice planned them so.
pub fn table(t: &ModelTable, landscape: bool, pitch: i32, faces: &FontSet) -> Table {
    let width = if landscape {
        tw(GEOMETRY.body_height)
    } else {
        body_width()
    };
    let columns = t.layout.widths.len().max(t.header.len()).max(1);
    let grid: Vec<usize> = if t.layout.widths.len() == columns {
        column_widths(t, width)
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
            [one] if !breaks.is_empty() => broken(&one.text, breaks)
                .into_iter()
                .map(|text| ModelRun {
                    text,
                    ..one.clone()
                })
                .collect(),
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
                        t.layout.header_breaks_of(i),
                    )
                })
                .collect(),
        ));
    }
    for (n, r) in t.rows.iter().enumerate() {
        let row = TableRow::new(
            (0..columns)
                .map(|i| {
                    cell(
                        r.get(i).map_or(&[][..], Vec::as_slice),
                        grid[i],
                        false,
                        t.layout.cell_breaks_of(n, i),
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

/// Marks the first row of every ruled table (not the 版记's, which floats)
/// as a header row repeated on each page.
pub fn repeat_header_rows(document: &str) -> String {
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
