//! CSV files: table attachments and mail-merge data, read the same way.
//!
//! The first row is the header. Rows are counted against the row limit
//! before they are kept, every row must have the header's width, and each
//! problem points at the row's line as the file counts lines (CRLF files,
//! as Excel writes them, included).

use std::ops::Range;

use toml::Spanned;

use super::{Composer, OffsetMap, TextOrigin};
use crate::diagnostic::{Diagnostic, FileId, Place};
use crate::limits;
use crate::model::{Align, Block, Run, Table, TableLayout};

/// A row of a CSV file and where it is.
#[derive(Debug, Clone)]
pub struct Row {
    pub cells: Vec<String>,
    /// The row's first line, without its line break.
    pub span: Range<usize>,
    /// 1-based line number of the row's start.
    pub line: usize,
    /// 1-based number among the rows under the header (0 for the header).
    pub number: usize,
    /// Where each cell's text starts in the file, when it stands there
    /// verbatim (not inside quotes with escapes).
    pub offsets: Vec<Option<usize>>,
}

/// A CSV file read whole.
#[derive(Debug, Clone)]
pub struct Data {
    pub header: Row,
    /// Rows of the header's width.
    pub rows: Vec<Row>,
    /// Rows of another width.
    pub ragged: Vec<Row>,
}

impl Data {
    /// A row of the wrong width as a problem.
    pub fn ragged_problem(&self, row: &Row) -> Problem {
        Problem {
            span: row.span.clone(),
            message: format!(
                "row {} (line {}) has {} cells but the header has {}",
                row.number,
                row.line,
                row.cells.len(),
                self.header.cells.len()
            ),
            label: "wrong number of cells",
            hint: "every row needs one cell per column; quote cells that contain commas",
        }
    }
}

/// A problem of a CSV file, at a byte range of its text.
#[derive(Debug, Clone)]
pub struct Problem {
    pub span: Range<usize>,
    pub message: String,
    pub label: &'static str,
    pub hint: &'static str,
}

impl Problem {
    /// The problem as a diagnostic in `file`.
    pub fn diagnostic(self, code: &'static str, file: FileId) -> Diagnostic {
        Diagnostic::error(code, self.message)
            .at(file, self.span)
            .label(self.label)
            .hint(self.hint)
    }
}

/// The line (without its break) that starts at or after `offset`.
fn line_at(text: &str, offset: usize) -> Range<usize> {
    let mut start = offset.min(text.len());
    // A CRLF file's next record is reported at the `\n` of the one before.
    while text[start..].starts_with(['\r', '\n']) {
        start += 1;
    }
    let end = text[start..]
        .find(['\r', '\n'])
        .map_or(text.len(), |i| start + i);
    start..end
}

/// Where each cell stands in the record that starts at `start`: found in
/// order after the cell before it.
fn cell_offsets(text: &str, start: usize, cells: &[String]) -> Vec<Option<usize>> {
    let mut from = start.min(text.len());
    cells
        .iter()
        .map(|cell| {
            if cell.is_empty() {
                return None;
            }
            let at = from + text.get(from..)?.find(cell.as_str())?;
            from = at + cell.len();
            Some(at)
        })
        .collect()
}

fn line_number(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

/// Reads a CSV text: header, rows of the header's width, blank rows
/// skipped. `what` names the rows in messages ("row", "data row").
pub fn read(text: &str) -> Result<Data, Vec<Problem>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows: Vec<Row> = Vec::new();
    let mut problems = Vec::new();
    for record in reader.records() {
        match record {
            Ok(record) => {
                let at = record.position().map_or(0, |p| p.byte() as usize);
                let span = line_at(text, at);
                let cells: Vec<String> = record.iter().map(|c| c.trim().to_string()).collect();
                if cells.iter().all(String::is_empty) {
                    continue;
                }
                let offsets = cell_offsets(text, at, &cells);
                if rows.len() > limits::CSV_ROWS {
                    problems.push(Problem {
                        span,
                        message: format!(
                            "the CSV has more than {} rows, the limit for one table",
                            limits::CSV_ROWS
                        ),
                        label: "one row too many",
                        hint: "split the table into several attachments or files",
                    });
                    return Err(problems);
                }
                rows.push(Row {
                    cells,
                    line: line_number(text, span.start),
                    number: rows.len(),
                    offsets,
                    span,
                });
            }
            Err(err) => {
                let at = err.position().map_or(0, |p| p.byte() as usize);
                problems.push(Problem {
                    span: line_at(text, at),
                    message: format!("malformed CSV: {err}"),
                    label: "this row cannot be read",
                    hint: "quote cells that contain commas or line breaks with \"...\", and double quotes inside them (\"\")",
                });
                return Err(problems);
            }
        }
    }
    if rows.is_empty() {
        problems.push(Problem {
            span: 0..0,
            message: "the CSV file is empty".into(),
            label: "no header row",
            hint: "the first row holds the column headings, the next rows the data",
        });
        return Err(problems);
    }
    let header = rows.remove(0);
    let mut seen: Vec<&str> = Vec::new();
    for name in &header.cells {
        if !name.is_empty() && seen.contains(&name.as_str()) {
            problems.push(Problem {
                span: header.span.clone(),
                message: format!("the header names the column `{name}` twice"),
                label: "duplicate column",
                hint: "give every column its own heading",
            });
        }
        seen.push(name);
    }
    let mut good = Vec::new();
    let mut ragged = Vec::new();
    for row in rows {
        if row.cells.len() == header.cells.len() {
            good.push(row);
        } else {
            ragged.push(row);
        }
    }
    if problems.is_empty() {
        Ok(Data {
            header,
            rows: good,
            ragged,
        })
    } else {
        Err(problems)
    }
}

impl Composer<'_> {
    /// A table attachment from the CSV file `value` names.
    pub(super) fn csv_table(&mut self, value: &Spanned<String>) -> Option<Block> {
        let id = self.read_text(value, "csv", limits::CSV_BYTES)?;
        let text = self.sources.text(id).to_string();
        let data = match read(&text) {
            Ok(data) => data,
            Err(problems) => {
                for problem in problems {
                    let empty = problem.span.is_empty();
                    let mut d = problem.diagnostic("csv", id);
                    if empty {
                        d = d.at_place(Some(self.plan_place(value)));
                    }
                    self.errors.push(d);
                }
                return None;
            }
        };
        if !data.ragged.is_empty() {
            for row in &data.ragged {
                let problem = data.ragged_problem(row);
                self.errors.push(problem.diagnostic("csv", id));
            }
            return None;
        }
        if data.rows.is_empty() {
            self.warnings.push(
                Diagnostic::warning("csv", "the CSV table has a header but no rows")
                    .at(id, data.header.span.clone())
                    .label("only the header")
                    .hint("add the table's rows under the header"),
            );
        }
        // Each cell's text, with its place for the checks.
        for row in std::iter::once(&data.header).chain(&data.rows) {
            for (cell, offset) in row.cells.iter().zip(&row.offsets) {
                if !cell.is_empty() {
                    self.origins.push(TextOrigin {
                        text: cell.clone(),
                        place: Place {
                            file: id,
                            span: row.span.clone(),
                        },
                        map: offset.map(OffsetMap::Shift),
                    });
                }
            }
        }
        let cell = |s: &String| {
            if s.is_empty() {
                Vec::new()
            } else {
                vec![Run::plain(s.clone())]
            }
        };
        Some(Block::Table(Table {
            header: data.header.cells.iter().map(cell).collect(),
            rows: data
                .rows
                .iter()
                .map(|row| row.cells.iter().map(cell).collect())
                .collect(),
            align: vec![Align::Auto; data.header.cells.len()],
            layout: TableLayout::default(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_rows_are_reported_on_their_own_line() {
        let text = "a,b\r\n1,2\r\n3\r\n4,5\r\n";
        let data = read(text).unwrap();
        assert_eq!(data.ragged.len(), 1);
        let problem = data.ragged_problem(&data.ragged[0]);
        assert_eq!(&text[problem.span.clone()], "3");
        assert!(
            problem.message.contains("row 2 (line 3)"),
            "{}",
            problem.message
        );
    }

    #[test]
    fn duplicate_headers_and_empty_files_are_refused() {
        assert!(
            read("名称,名称\n1,2\n").unwrap_err()[0]
                .message
                .contains("twice")
        );
        assert!(read("").unwrap_err()[0].message.contains("empty"));
        let data = read("a,b\n\n1,2\n").unwrap();
        assert_eq!(data.rows.len(), 1);
        assert_eq!(data.rows[0].line, 3);
    }
}
