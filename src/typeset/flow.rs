//! The body's flow read back from laid-out pages: its text lines in order,
//! where each body block starts and ends (the template's `block:N`
//! markers), and how many empty grid lines a page ends with. The page
//! rules and the pagination search both read pages this way.

use super::markers::Mark;
use super::pages::{Line, PageView};
use crate::gbt9704::{GEOMETRY, PT_PER_MM};
use crate::model::Document;

/// A place in the flow: page (0-based) and y in mm.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct At {
    pub page: usize,
    pub y: f64,
}

/// The first place of a marker.
pub fn marker_at(pages: &[PageView], mark: Mark) -> Option<At> {
    pages
        .iter()
        .enumerate()
        .find_map(|(page, view)| view.marker(mark).map(|m| At { page, y: m.y }))
}

/// The text lines inside the 版心 of every page, in reading order.
pub struct Flow {
    pub lines: Vec<(At, Line)>,
}

impl Flow {
    pub fn new(pages: &[PageView]) -> Flow {
        let mut lines = Vec::new();
        for (page, view) in pages.iter().enumerate() {
            // Page numbers are below the 版心, not in the flow.
            for line in view
                .lines()
                .into_iter()
                .filter(|l| l.baseline < GEOMETRY.body_bottom())
            {
                let at = At {
                    page,
                    y: line.baseline,
                };
                lines.push((at, line));
            }
        }
        Flow { lines }
    }

    /// The lines between two places (a block's start marker and the next).
    pub fn between(&self, from: At, to: At) -> Vec<&(At, Line)> {
        self.lines
            .iter()
            .filter(|(at, _)| *at > from && *at < to)
            .collect()
    }

    /// The lines on a page.
    pub fn on_page(&self, page: usize) -> Vec<&(At, Line)> {
        self.lines
            .iter()
            .filter(|(at, _)| at.page == page)
            .collect()
    }
}

/// The grid line's bottom edge under a line of text, in mm.
pub fn line_bottom(line: &Line) -> f64 {
    line.baseline + GEOMETRY.pitch() / 2.0 - 0.38 * line.size / PT_PER_MM
}

/// Whole empty grid lines between a page's last line and the 版心's foot
/// (what a reader counts: page 1's lines are off the grid under the 版头,
/// and a fraction of a line holds no text).
pub fn empty_lines_after(line: &Line) -> f64 {
    ((GEOMETRY.body_bottom() - line_bottom(line)) / GEOMETRY.pitch() + 0.05).floor()
}

/// Where a body block's lines are: after `start`, before `end`.
pub struct BlockSpan {
    pub index: usize,
    pub start: At,
    pub end: At,
}

/// Where each body block starts and ends in the flow.
pub fn block_spans(document: &Document, pages: &[PageView]) -> Vec<BlockSpan> {
    let end = marker_at(pages, Mark::BodyEnd).unwrap_or(At {
        page: usize::MAX,
        y: 0.0,
    });
    // One pass over the markers: the first place of each block's.
    let mut starts: Vec<Option<At>> = vec![None; document.body.len()];
    for (page, view) in pages.iter().enumerate() {
        for m in &view.markers {
            if let Mark::Block(i) = m.mark
                && let Some(start @ None) = starts.get_mut(i)
            {
                *start = Some(At { page, y: m.y });
            }
        }
    }
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
