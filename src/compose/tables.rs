//! How a table fits the 版心: its type size and column widths, from its
//! content, the way browsers and LaTeX's tabularx do it.
//!
//! Each column has a minimum width (what may not be broken: numbers, dates,
//! Latin words, short cells such as names) and a preferred width (its
//! longest cell on one line). When the preferred widths fit, each column
//! gets its preferred width and the rest of the line is shared in
//! proportion; otherwise each column gets its minimum and the room left is
//! shared in proportion to what each would still like. A table too wide
//! for 4号 goes down to 小四, then to 五号; below that it is an error that
//! names the table. Both writers (Typst and DOCX) use the same plan.

use crate::gbt9704::{GEOMETRY, PT_PER_MM, size};
use crate::model::{Run, Table, TableLayout, plain_text};

/// Type sizes a table may take, largest first: 四号, 小四, 五号 (the floor).
pub const SIZES: [f64; 3] = [size::SIHAO, size::XIAOSI, 10.5];

/// The Chinese names of [`SIZES`].
pub fn size_name(pt: f64) -> &'static str {
    if pt >= size::SIHAO {
        "四号"
    } else if pt >= size::XIAOSI {
        "小四"
    } else {
        "五号"
    }
}

/// Horizontal padding of a cell on each side, in ems, and the rule width in
/// points (the template uses the same).
pub const CELL_INSET_EM: f64 = 0.3;
pub const RULE_PT: f64 = 0.5;

/// A cell of this many characters or fewer is never broken (a name, a
/// date, a short term).
const SHORT_CELL: usize = 6;

/// A column of running text is never narrower than this, in ems.
const TEXT_COLUMN_MIN: f64 = 4.0;

/// Why a table cannot fit.
#[derive(Debug, Clone, PartialEq)]
pub struct TooWide {
    pub columns: usize,
    /// The narrowest the table can be at the smallest size, in mm.
    pub needs_mm: f64,
    pub width_mm: f64,
}

/// Width of text in ems: full-width characters one em, the rest about half.
fn em_width(s: &str) -> f64 {
    s.chars()
        .map(|c| match c {
            ' ' => 0.3,
            c if c.is_ascii_digit() => 0.55,
            c if c.is_ascii() => 0.6,
            _ => 1.0,
        })
        .sum()
}

fn is_cjk(c: char) -> bool {
    !c.is_ascii() && !matches!(c, '·' | '—' | '…')
}

/// The widest piece of a cell that may not be broken, in ems.
fn unbreakable(text: &str) -> f64 {
    if text.chars().count() <= SHORT_CELL {
        return em_width(text);
    }
    // Runs of Latin letters, digits and their punctuation (`0825-5422101`,
    // `2020年3月` keeps `2020`); Chinese breaks between any characters,
    // but running text keeps a readable width.
    let longest_token = text
        .split(|c: char| is_cjk(c) || c.is_whitespace())
        .map(em_width)
        .fold(0.0, f64::max);
    longest_token.max(TEXT_COLUMN_MIN.min(em_width(text)))
}

/// Minimum and preferred widths of each column, in ems.
fn column_widths(table: &Table) -> Vec<(f64, f64)> {
    let columns = table
        .rows
        .iter()
        .map(Vec::len)
        .chain([table.header.len()])
        .max()
        .unwrap_or(0);
    let cells = |i: usize| {
        std::iter::once(table.header.get(i))
            .chain(table.rows.iter().map(move |r| r.get(i)))
            .flatten()
            .map(|runs: &Vec<Run>| plain_text(runs))
    };
    (0..columns)
        .map(|i| {
            cells(i).fold((1.0_f64, 1.0_f64), |(min, max), text| {
                let longest_line = text.lines().map(em_width).fold(0.0, f64::max);
                (min.max(unbreakable(&text)), max.max(longest_line))
            })
        })
        .map(|(min, max)| (min, max.max(min)))
        .collect()
}

/// Plans a table for a line `width_mm` wide.
pub fn plan(table: &Table, width_mm: f64) -> Result<TableLayout, TooWide> {
    let columns = column_widths(table);
    let n = columns.len().max(1) as f64;
    let mut narrowest = f64::INFINITY;
    for size_pt in SIZES {
        let em_mm = size_pt / PT_PER_MM;
        // Room for text: the width less each column's padding and rules.
        let room = width_mm / em_mm - n * 2.0 * CELL_INSET_EM - (n + 1.0) * RULE_PT / size_pt;
        let min: f64 = columns.iter().map(|c| c.0).sum();
        let max: f64 = columns.iter().map(|c| c.1).sum();
        narrowest = narrowest
            .min((min + n * 2.0 * CELL_INSET_EM) * em_mm + (n + 1.0) * RULE_PT / PT_PER_MM);
        if min > room {
            continue;
        }
        let text: Vec<f64> = if max <= room {
            // Everything on one line: share the rest in proportion.
            columns.iter().map(|c| c.1 * room / max).collect()
        } else {
            let spare = (room - min) / (max - min);
            columns.iter().map(|c| c.0 + (c.1 - c.0) * spare).collect()
        };
        let total: f64 = text.iter().map(|w| w + 2.0 * CELL_INSET_EM).sum();
        return Ok(TableLayout {
            size: size_pt,
            widths: text
                .iter()
                .map(|w| (w + 2.0 * CELL_INSET_EM) / total)
                .collect(),
        });
    }
    Err(TooWide {
        columns: columns.len(),
        needs_mm: narrowest,
        width_mm,
    })
}

/// The width a table has on a page: the 版心's width, or its height when
/// the page is turned.
pub fn line_width(landscape: bool) -> f64 {
    if landscape {
        GEOMETRY.body_height
    } else {
        GEOMETRY.body_width
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Align, TableLayout};

    fn table(header: &[&str], rows: &[&[&str]]) -> Table {
        let cells = |r: &[&str]| r.iter().map(|c| vec![Run::plain(*c)]).collect();
        Table {
            header: cells(header),
            rows: rows.iter().map(|r| cells(r)).collect(),
            align: vec![Align::Auto; header.len()],
            layout: TableLayout::default(),
        }
    }

    #[test]
    fn columns_follow_their_content_not_their_header() {
        let t = table(
            &["序号", "单位名称", "电话"],
            &[
                &["1", "某某县应急管理局安全生产基础科", "0825-5422101"],
                &["2", "某某县自然资源和规划局", "0825-5422316"],
            ],
        );
        let layout = plan(&t, 156.0).unwrap();
        assert_eq!(layout.size, size::SIHAO);
        assert!(layout.widths[1] > layout.widths[0] * 4.0, "{layout:?}");
        assert!((layout.widths.iter().sum::<f64>() - 1.0).abs() < 1e-9);
        // The telephone number keeps its width.
        let phone_mm = layout.widths[2] * 156.0;
        assert!(
            phone_mm > em_width("0825-5422101") * size::SIHAO / PT_PER_MM,
            "{phone_mm}"
        );
    }

    #[test]
    fn wide_tables_go_down_a_size_then_refuse() {
        let header: Vec<String> = (0..11).map(|i| format!("列{i}")).collect();
        let row: Vec<String> = (0..11).map(|i| format!("542210{i}")).collect();
        let h: Vec<&str> = header.iter().map(String::as_str).collect();
        let r: Vec<&str> = row.iter().map(String::as_str).collect();
        let t = table(&h, &[&r]);
        let portrait = plan(&t, 156.0);
        let landscape = plan(&t, 225.0).unwrap();
        assert_eq!(landscape.size, size::XIAOSI, "{landscape:?}");
        let err = portrait.unwrap_err();
        assert_eq!(err.columns, 11);
        assert!(err.needs_mm > 156.0);
    }
}
