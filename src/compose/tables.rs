//! How a table fits the 版心: its type size and column widths, from its
//! content, the way browsers and LaTeX's tabularx do it.
//!
//! Each column has a minimum width (what may not be broken: numbers, dates
//! (a full date only after its year: `2024年` / `3月29日`), Latin words,
//! short cells such as names) and a preferred width (its
//! longest cell on one line). When the preferred widths fit, each column
//! gets its preferred width and the rest of the line is shared in
//! proportion; otherwise each column gets its minimum and the room left is
//! shared in proportion to what each would still like. A table too wide
//! for 4号 goes down to 小四, then to 五号; below that it is an error that
//! names the table. Both writers (Typst and DOCX) use the same plan.

use crate::gbt9704::{GEOMETRY, PT_PER_MM, size};
use crate::model::{CellBreaks, Run, Table, TableLayout, plain_text};

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
pub const CELL_INSET_EM: f64 = 0.25;
pub const RULE_PT: f64 = 0.5;

/// A cell of this many characters or fewer is never broken (a name, a
/// short term).
const SHORT_CELL: usize = 4;

/// A column of running text is never narrower than this, in ems.
const TEXT_COLUMN_MIN: f64 = 2.0;

/// A full date breaks only after its year (`2024年` / `3月29日`).
static FULL_DATE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"^(\d{2,4}年)(\d{1,2}月\d{1,2}日)$").expect("valid")
});

/// Dates (`3月29日`, `2024-03-29`), short ranges of them (`3月—12月`) and
/// numbers stay whole.
static WHOLE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    let date = r"(\d{2,4}年)?\d{1,2}月(\d{1,2}日)?";
    let short = r"\d{1,2}月(\d{1,2}日)?";
    regex::Regex::new(&format!(
        r"^{date}$|^{short}[—–~－-]{{1,2}}{short}$|^[\d.,:/%+-]+$"
    ))
    .expect("valid")
});

/// A date inside a cell's text, kept whole on a line: `2024年`, then
/// `4月` or `5月1日` (a full date may break after its year), or `9月30日`.
static DATE_UNIT: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"^(\d{2,4}年|\d{1,2}月(\d{1,2}日)?|\d{1,2}日)").expect("valid")
});

/// Why a table cannot fit.
#[derive(Debug, Clone, PartialEq)]
pub struct TooWide {
    pub columns: usize,
    /// The narrowest the table can be at the smallest size, in mm.
    pub needs_mm: f64,
    pub width_mm: f64,
}

/// Width of text in ems, as the 仿宋 and 黑体 faces set it: full-width
/// characters one em, digits half an em, Latin letters about that.
pub fn em_width(s: &str) -> f64 {
    s.chars()
        .map(|c| match c {
            ' ' | '.' | ',' | ':' | ';' | '\'' => 0.3,
            '-' => 0.35,
            c if c.is_ascii_uppercase() => 0.72,
            c if c.is_ascii() => 0.52,
            _ => 1.0,
        })
        .sum()
}

/// The widest piece of a cell that may not be broken, in ems.
fn unbreakable(text: &str) -> f64 {
    if let Some(date) = FULL_DATE.captures(text.trim()) {
        return em_width(&date[1]).max(em_width(&date[2]));
    }
    if text.chars().count() <= SHORT_CELL || WHOLE.is_match(text.trim()) {
        return em_width(text);
    }
    // The widest piece a line may not break: a run of Latin letters or
    // digits (`0825-5422101`), a date's `5月1日`, a short bracketed group;
    // Chinese breaks between any characters, but running text keeps a
    // readable width.
    let longest_unit = units(text).iter().map(|u| u.1).fold(0.0, f64::max);
    longest_unit.max(TEXT_COLUMN_MIN.min(em_width(text)))
}

/// Marks what [`unbreakable`] assumed stays whole so the writers keep it
/// so: a body cell of one run that is short, a date or a number becomes
/// runs that are never broken (a full date: its year, then its month and
/// day).
pub fn keep_whole(table: &mut Table) {
    for cell in table.rows.iter_mut().flatten() {
        let [run] = cell.as_slice() else { continue };
        let Some(pieces) = whole_pieces(&run.text) else {
            continue;
        };
        let style = run.style;
        *cell = pieces
            .into_iter()
            .map(|piece| Run {
                whole: true,
                ..Run::styled(piece, style)
            })
            .collect();
    }
}

/// The unbreakable pieces of a short cell, a date or a number.
fn whole_pieces(text: &str) -> Option<Vec<String>> {
    let text = text.trim();
    if let Some(date) = FULL_DATE.captures(text) {
        Some(vec![date[1].to_string(), date[2].to_string()])
    } else if text.chars().count() <= SHORT_CELL || WHOLE.is_match(text) {
        Some(vec![text.to_string()])
    } else {
        None
    }
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
        table
            .rows
            .iter()
            .filter_map(move |r| r.get(i))
            .map(|runs: &Vec<Run>| plain_text(runs))
    };
    (0..columns)
        .map(|i| {
            // A heading wraps between any two characters (a bracketed
            // group stays whole): it asks for its preferred width, never
            // for a minimum beyond two characters or its widest group.
            let header = table
                .header
                .get(i)
                .map(|h| plain_text(h))
                .unwrap_or_default();
            let widest_unit = units(&header).iter().map(|u| u.1).fold(0.0, f64::max);
            let start = (
                TEXT_COLUMN_MIN
                    .min(em_width(&header))
                    .max(widest_unit)
                    .max(1.0),
                em_width(&header).max(1.0),
            );
            cells(i).fold(start, |(min, max), text| {
                let longest_line = text.lines().map(em_width).fold(0.0, f64::max);
                (min.max(unbreakable(&text)), max.max(longest_line))
            })
        })
        .map(|(min, max)| (min, max.max(min)))
        .collect()
}

/// Plans a table for a line `width_mm` wide.
pub fn plan(table: &Table, width_mm: f64) -> Result<TableLayout, TooWide> {
    plan_with_lines(table, width_mm).map(|(layout, _)| layout)
}

/// How many lines a table's rows wrap over on a line `width_mm` wide,
/// header included (at the size it then takes); `None` when it does not
/// fit.
pub fn lines_at(table: &Table, width_mm: f64) -> Option<f64> {
    plan_with_lines(table, width_mm)
        .ok()
        .map(|(_, lines)| lines)
}

/// Whether a table set upright wraps so much that a turned page would
/// read far better: its rows take three lines or more on average, and a
/// turned page saves at least a third of its lines. Returns the lines
/// (upright, turned).
pub fn reads_better_turned(table: &Table) -> Option<(f64, f64)> {
    let upright = lines_at(table, line_width(false))?;
    let turned = lines_at(table, line_width(true))?;
    let rows = (table.rows.len() + 1) as f64;
    (upright >= 3.0 * rows && turned <= upright * 2.0 / 3.0).then_some((upright, turned))
}

/// [`plan`], with the lines the table then takes.
fn plan_with_lines(table: &Table, width_mm: f64) -> Result<(TableLayout, f64), TooWide> {
    let columns = column_widths(table);
    let n = columns.len().max(1) as f64;
    let mut narrowest = f64::INFINITY;
    // (layout, estimated lines) of each size that fits.
    let mut fitting: Vec<(TableLayout, f64)> = Vec::new();
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
        let rows: Vec<f64> = table.rows.iter().map(|row| row_lines(row, &text)).collect();
        let lines = row_lines(&table.header, &text) + rows.iter().sum::<f64>();
        fitting.push((
            TableLayout {
                size: size_pt,
                widths: text
                    .iter()
                    .map(|w| (w + 2.0 * CELL_INSET_EM) / total)
                    .collect(),
                header_breaks: table
                    .header
                    .iter()
                    .zip(&text)
                    .map(|(cell, width)| balanced_breaks(&plain_text(cell), *width))
                    .collect(),
                cell_breaks: cell_breaks(table, &text),
                keep_rows: rows.iter().all(|&l| l <= KEPT_ROW_LINES),
            },
            lines,
        ));
    }
    // The largest size that does not set the table on many more lines than
    // the smallest would: a size down is worth it when the narrow columns
    // of the larger one wrap every row over many lines.
    let lowest = fitting.iter().map(|f| f.1).fold(f64::INFINITY, f64::min);
    fitting
        .into_iter()
        .find(|(_, lines)| *lines <= lowest * 1.15)
        .ok_or(TooWide {
            columns: columns.len(),
            needs_mm: narrowest,
            width_mm,
        })
}

/// A row of at most this many lines is never split between pages.
const KEPT_ROW_LINES: f64 = 8.0;

/// The body cells of one plain run that wrap, broken into balanced lines.
fn cell_breaks(table: &Table, text: &[f64]) -> Vec<CellBreaks> {
    let mut out = Vec::new();
    for (row, cells) in table.rows.iter().enumerate() {
        for (column, (cell, width)) in cells.iter().zip(text).enumerate() {
            let [run] = cell.as_slice() else { continue };
            if whole_pieces(&run.text).is_some() {
                continue;
            }
            let at = balanced_breaks(&run.text, *width);
            if !at.is_empty() {
                out.push(CellBreaks { row, column, at });
            }
        }
    }
    out
}

/// The pieces of Chinese text a line may break between: single
/// characters, except that a bracketed group of a few characters (`（万元）`),
/// a date's year or month and day (`2024年` `4月` `5月1日`) and a run of
/// Latin letters or digits stay whole, and punctuation stays with the
/// character before it.
fn units(text: &str) -> Vec<(usize, f64)> {
    let chars: Vec<char> = text.chars().collect();
    // (start offset, width in ems)
    let mut units: Vec<(usize, f64)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let mut end = i + 1;
        if c == '（' || c == '(' {
            let close = if c == '（' { '）' } else { ')' };
            if let Some(j) = chars[i..].iter().take(7).position(|&x| x == close) {
                end = i + j + 1;
            }
        } else if "“‘《〈【".contains(c) && end < chars.len() {
            // An opening mark stays with what it opens.
            end += 1;
        } else if c.is_ascii_digit()
            && let Some(date) =
                DATE_UNIT.find(&chars[i..chars.len().min(i + 8)].iter().collect::<String>())
        {
            end = i + date.as_str().chars().count();
        } else if c.is_ascii_alphanumeric() {
            while end < chars.len()
                && (chars[end].is_ascii_alphanumeric() || ".-:/%".contains(chars[end]))
            {
                end += 1;
            }
        }
        while end < chars.len() && "）)、，。：；！？”’".contains(chars[end]) {
            end += 1;
        }
        let piece: String = chars[i..end].iter().collect();
        units.push((i, em_width(&piece)));
        i = end;
    }
    units
}

/// Where to break `text` so that its lines, each at most `width` ems, are
/// of even length (`整改/状态`, not `整改状/态`); empty when it fits on one
/// line, holds spaces or a line break (the clerk's own), or its pieces
/// cannot be balanced.
fn balanced_breaks(text: &str, width: f64) -> Vec<usize> {
    let total = em_width(text);
    if total <= width || text.chars().any(char::is_whitespace) {
        return Vec::new();
    }
    // The line breaker's room is a little less than the estimate's.
    let width = width * 0.96;
    let units = units(text);
    let lines = (total / width.max(1.0)).ceil() as usize;
    let share = total / lines as f64;
    let mut breaks = Vec::new();
    let mut used = 0.0;
    let mut line = 0.0;
    for &(start, w) in &units {
        // Break before the piece whose middle passes the line's share.
        let end = share * (breaks.len() + 1) as f64;
        if line > 0.0 && used + w / 2.0 > end && breaks.len() + 1 < lines {
            breaks.push(start);
            line = 0.0;
        }
        if line + w > width + 1e-9 {
            // The shares do not fit the column: leave it to the line breaker.
            return Vec::new();
        }
        line += w;
        used += w;
    }
    breaks
}

/// How many lines a row takes, each cell wrapping in its column (`text`:
/// the columns' text widths in ems).
fn row_lines(row: &[Vec<Run>], text: &[f64]) -> f64 {
    row.iter()
        .zip(text)
        .map(|(cell, width)| {
            (em_width(&plain_text(cell)) / width.max(0.5))
                .ceil()
                .max(1.0)
        })
        .fold(1.0, f64::max)
}

/// The lines each row of a planned table takes (the header first), as
/// the writers set it: breaks notice placed, or each cell wrapping in its
/// column. A writer that cannot measure its layout (DOCX) uses this to put
/// the text after the table back on the grid.
pub fn row_line_counts(table: &Table, width_mm: f64) -> Vec<usize> {
    let layout = &table.layout;
    let em_mm = layout.size / PT_PER_MM;
    let text: Vec<f64> = layout
        .widths
        .iter()
        .map(|w| w * width_mm / em_mm - 2.0 * CELL_INSET_EM)
        .collect();
    let lines = |breaks: &[usize], i: usize, cell: &Vec<Run>| match breaks {
        [] => row_lines(
            std::slice::from_ref(cell),
            &text[i.min(text.len().saturating_sub(1))..],
        ),
        b => b.len() as f64 + 1.0,
    };
    let header = table
        .header
        .iter()
        .enumerate()
        .map(|(i, c)| lines(layout.header_breaks_of(i), i, c))
        .fold(1.0_f64, f64::max);
    let rows = table.rows.iter().enumerate().map(|(r, row)| {
        row.iter()
            .enumerate()
            .map(|(c, cell)| lines(layout.cell_breaks_of(r, c), c, cell))
            .fold(1.0_f64, f64::max)
    });
    std::iter::once(header)
        .filter(|_| !table.header.is_empty())
        .chain(rows)
        .map(|l| l as usize)
        .collect()
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

    #[test]
    fn a_date_inside_a_cell_breaks_only_after_its_year_or_around_it() {
        let pieces = |text: &str| -> Vec<String> {
            let chars: Vec<char> = text.chars().collect();
            let starts: Vec<usize> = units(text).iter().map(|u| u.0).collect();
            starts
                .iter()
                .zip(starts.iter().skip(1).chain([&chars.len()]))
                .map(|(a, b)| chars[*a..*b].iter().collect())
                .collect()
        };
        assert_eq!(pieces("2024年4月至10月"), ["2024年", "4月", "至", "10月"]);
        assert_eq!(
            pieces("2024年5月1日至9月30日"),
            ["2024年", "5月1日", "至", "9月30日"]
        );
        assert_eq!(pieces("每月3次"), ["每", "月", "3", "次"]);
        // The column is at least as wide as the widest of them.
        assert!(unbreakable("2024年5月1日至9月30日") >= em_width("9月30日"));
        for width in [3.0, 4.0, 5.0, 6.0] {
            let text = "2024年5月1日至9月30日";
            for at in balanced_breaks(text, width) {
                let before: String = text.chars().take(at).collect();
                assert!(
                    before.ends_with('年') || before.ends_with('日') || before.ends_with('至'),
                    "{width} ems: a break after `{before}`"
                );
            }
        }
    }
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

    #[test]
    fn a_table_that_wraps_row_after_row_upright_asks_for_a_turned_page() {
        let text = "按照属地管理原则落实各项防范措施";
        let header: Vec<String> = (1..=7)
            .map(|i| format!("第{i}项按照属地管理原则落实的措施"))
            .collect();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        let row: Vec<&str> = vec![text; 7];
        let rows: Vec<&[&str]> = vec![&row[..]; 6];
        let t = table(&header, &rows);
        let (upright, turned) = reads_better_turned(&t).unwrap_or_else(|| {
            panic!(
                "{:?} {:?}",
                lines_at(&t, line_width(false)),
                lines_at(&t, line_width(true))
            )
        });
        assert!(upright >= 1.5 * turned, "{upright} against {turned}");
        // A table that reads well upright does not ask.
        let short: Vec<&[&str]> = vec![&["1", "张三", "县应急管理局"][..]; 6];
        assert_eq!(
            reads_better_turned(&table(&["序号", "姓名", "单位"], &short)),
            None
        );
    }
}
