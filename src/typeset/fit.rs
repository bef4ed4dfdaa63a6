//! Keeping the closing with the body (GB/T 9704 7.3.5.4: never leave the
//! 署名 alone on a page; adjust line spacing instead).
//!
//! The first layout is read like a page: when the 署名 and what follows it
//! start a page with no text above them, the page before is the one to fix.
//! If that page, set tighter, holds the 署名 too (at most [`MIN_FACTOR`] of
//! the grid's pitch: three more lines on the page), its lines are tightened;
//! otherwise the last lines before the 署名 (at least two, never splitting
//! a heading or a table) go to the next page with it. The template lays the
//! document out again with that decision (`fit` in its data).

use schemars::JsonSchema;
use serde::Serialize;

use super::pages::{Line, PageView};
use crate::gbt9704::{GEOMETRY, PT_PER_MM};
use crate::model::{Block, Document, plain_text};

/// The tightest a page may be set: 22 lines in the room of 25 (a pitch of
/// 25.5pt for 16pt text).
pub const MIN_FACTOR: f64 = 22.0 / 25.0;

/// A second layout's break: the flow goes to a new page before block
/// `block` of the body, or inside it after `at` code points when it is a
/// paragraph; what follows is set with the pitch times `factor`.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Fit {
    pub block: usize,
    pub at: Option<usize>,
    pub factor: f64,
}

/// A place in the flow: page (0-based) and y in mm.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
struct At {
    page: usize,
    y: f64,
}

fn marker_at(pages: &[PageView], value: &str) -> Option<At> {
    pages.iter().enumerate().find_map(|(page, view)| {
        view.markers
            .iter()
            .find(|m| m.value == value)
            .map(|m| At { page, y: m.y })
    })
}

/// The body's text lines, in order, with where each is.
struct Flow<'a> {
    lines: Vec<(At, &'a Line)>,
}

impl<'a> Flow<'a> {
    fn new(lines: &'a [Vec<Line>]) -> Flow<'a> {
        let mut out = Vec::new();
        for (page, page_lines) in lines.iter().enumerate() {
            // Page numbers are below the 版心, not in the flow.
            for line in page_lines
                .iter()
                .filter(|l| l.baseline < GEOMETRY.body_bottom())
            {
                out.push((
                    At {
                        page,
                        y: line.baseline,
                    },
                    line,
                ));
            }
        }
        Flow { lines: out }
    }

    /// The lines between two places (a block's start marker and the next).
    fn between(&self, from: At, to: At) -> Vec<&(At, &'a Line)> {
        self.lines
            .iter()
            .filter(|(at, _)| *at > from && *at < to)
            .collect()
    }
}

/// The grid line's bottom edge under a line of text, in mm.
fn line_bottom(line: &Line) -> f64 {
    let pitch = GEOMETRY.pitch();
    line.baseline + pitch / 2.0 - 0.38 * line.size / PT_PER_MM
}

fn codepoints(lines: &[&(At, &Line)]) -> usize {
    lines.iter().map(|(_, l)| l.text().chars().count()).sum()
}

/// Where a block's lines are.
struct BlockSpan {
    index: usize,
    start: At,
    end: At,
}

/// Decides whether the first layout needs a second, and how.
pub fn closing_fit(document: &Document, pages: &[PageView]) -> Option<Fit> {
    let signature = marker_at(pages, "signature")?;
    let end = marker_at(pages, "closing-end")?;
    if signature.page == 0 || end.page != signature.page {
        return None;
    }
    let lines: Vec<Vec<Line>> = pages.iter().map(PageView::lines).collect();
    let flow = Flow::new(&lines);
    // Not alone: text above it on its page.
    let above = flow
        .lines
        .iter()
        .any(|(at, _)| at.page == signature.page && at.y < signature.y);
    if above {
        return None;
    }
    let page = signature.page - 1;
    let blocks = block_spans(document, pages);
    let on_page: Vec<&(At, &Line)> = flow
        .lines
        .iter()
        .filter(|(at, _)| at.page == page)
        .collect();
    let (first, last) = (on_page.first()?, on_page.last()?);

    // Tighten the page: everything on it, and the closing, in its room.
    let used = line_bottom(last.1) - GEOMETRY.margin_top;
    let closing = end.y - signature.y;
    let factor = GEOMETRY.body_height / (used + closing);
    if factor >= MIN_FACTOR
        && let Some(fit) = break_before_line(document, &blocks, &flow, first.0, factor)
    {
        return Some(fit);
    }

    // Move the last lines: at least two, from the body or the 附件说明.
    let closing_start = marker_at(pages, "closing");
    let mut moved = 0;
    for (at, _) in on_page.iter().rev() {
        moved += 1;
        let in_body = closing_start.is_none_or(|c| *at < c);
        if moved >= 2 && in_body {
            return break_before_line(document, &blocks, &flow, *at, 1.0);
        }
    }
    None
}

/// Where each body block starts and ends in the flow.
fn block_spans(document: &Document, pages: &[PageView]) -> Vec<BlockSpan> {
    let end = marker_at(pages, "body-end").unwrap_or(At {
        page: usize::MAX,
        y: 0.0,
    });
    let starts: Vec<Option<At>> = (0..document.body.len())
        .map(|i| marker_at(pages, &format!("block:{i}")))
        .collect();
    (0..document.body.len())
        .filter_map(|i| {
            let start = starts[i]?;
            let next = starts[i + 1..]
                .iter()
                .flatten()
                .next()
                .copied()
                .unwrap_or(end);
            Some(BlockSpan {
                index: i,
                start,
                end: next,
            })
        })
        .collect()
}

/// A fit that breaks the page before the line at `line`: inside its
/// paragraph, or before its block when it is the block's first line or the
/// block cannot be split.
fn break_before_line(
    document: &Document,
    blocks: &[BlockSpan],
    flow: &Flow,
    line: At,
    factor: f64,
) -> Option<Fit> {
    let span = blocks.iter().rev().find(|b| b.start < line)?;
    let lines = flow.between(span.start, span.end);
    let before: Vec<&(At, &Line)> = lines.iter().copied().filter(|(at, _)| *at < line).collect();
    let splittable = matches!(document.body.get(span.index), Some(Block::Paragraph { .. }));
    if before.is_empty() || !splittable {
        // Breaking before the body's first block would leave the page with
        // only the header: nothing to gain.
        return (span.index > 0).then_some(Fit {
            block: span.index,
            at: None,
            factor,
        });
    }
    // The paragraph's text must be what its lines show, code point for code
    // point, for the break to fall where this layout has it.
    let expected = match &document.body[span.index] {
        Block::Paragraph { lead, runs } => {
            let lead = lead
                .as_ref()
                .map(|h| format!("{}{}", h.number, plain_text(&h.runs)))
                .unwrap_or_default();
            lead.chars().count() + plain_text(runs).chars().count()
        }
        _ => return None,
    };
    if codepoints(&lines) != expected {
        return Some(Fit {
            block: span.index,
            at: None,
            factor,
        });
    }
    Some(Fit {
        block: span.index,
        at: Some(codepoints(&before)),
        factor,
    })
}
