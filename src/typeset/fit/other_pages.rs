//! Candidates for pages other than the closing's: a page of the body that
//! ends short before more text, and a 版记 alone on the last page.

use super::{Fit, Reading, floor, move_from};
use crate::gbt9704::GEOMETRY;
use crate::model::{Block, Document};
use crate::typeset::flow::{BlockSpan, empty_lines_after, line_bottom};
use crate::typeset::markers::Mark;
use crate::typeset::pages::PageView;
use crate::typeset::rules::{Fault, MAX_EMPTY_LINES, Rule};

/// The 版记 alone on the last page: the closing's page set closer, within
/// [`floor`], so that the 版记 fits at its foot; at the estimate, then
/// half a line closer (blocks end on whole tightened lines, and the
/// closing's blank lines round up).
pub(super) fn imprint_candidates(
    document: &Document,
    pages: &[PageView],
    faults: &[Fault],
) -> Vec<Fit> {
    let Some(fit) = imprint_candidate(document, pages, faults) else {
        return Vec::new();
    };
    let q = faults
        .iter()
        .find(|f| f.rule == Rule::ImprintAlone)
        .map_or(0, |f| f.page.saturating_sub(2));
    let closer = Fit {
        factor: fit.factor - 0.5 * (1.0 - fit.factor).max(0.03),
        ..fit.clone()
    };
    let mut out = vec![fit];
    if closer.factor >= floor(q) {
        out.push(closer);
    }
    out
}

fn imprint_candidate(document: &Document, pages: &[PageView], faults: &[Fault]) -> Option<Fit> {
    let fault = faults.iter().find(|f| f.rule == Rule::ImprintAlone)?;
    let last = fault.page - 1;
    let q = last.checked_sub(1)?;
    let imprint = pages[last].marker(Mark::Imprint)?;
    let height = GEOMETRY.body_bottom() - imprint.y;
    let r = Reading::at(document, pages, q)?;
    let (fit, y0) = r.region_start(document, pages, q)?;
    // What the closing's page holds: its lines, which close up, and a
    // seal reaching below the last of them, which does not.
    let bottom = r
        .flow
        .on_page(q)
        .last()
        .map_or(y0, |(_, l)| line_bottom(l))
        .max(if r.end.page == q { r.end.y } else { y0 });
    let overhang = pages[q]
        .images
        .iter()
        .map(|i| i.y1 - bottom)
        .fold(0.0, f64::max);
    // A little room for rounding: blocks end on whole tightened lines.
    let factor = (GEOMETRY.body_bottom() - y0 - height - overhang - 0.5) / (bottom - y0).max(1.0);
    (factor >= floor(q) && factor < 1.0).then_some(Fit {
        factor,
        until: None,
        ..fit
    })
}

/// A page that ends short before more body, not the closing's trouble:
/// what went on to the next page whole (a heading with the lines of its
/// paragraph it keeps, a short paragraph) comes back when that page is
/// tightened, within [`floor`]; from the next block on the text is on the
/// grid again.
pub(super) fn page_end_candidates(
    document: &Document,
    pages: &[PageView],
    faults: &[Fault],
) -> Vec<Fit> {
    let mut out = Vec::new();
    for fault in faults.iter().filter(|f| f.rule == Rule::PageEnd) {
        let q = fault.page - 1;
        let Some(r) = Reading::at(document, pages, q + 1) else {
            continue;
        };
        if let Some(fit) = tighten_for_next(document, pages, &r) {
            out.push(fit);
        }
        if let Some(fit) = push_from_before(document, &r) {
            out.push(fit);
        }
    }
    out
}

/// The page before page `q` (the one that ends short) breaks earlier, by
/// the lines `q` ends short beyond the bound, so `q` holds them at its
/// top: the shortfall spread over two pages, each within the bound. What
/// ends `q` (a page break, a heading kept with its paragraph) stays.
fn push_from_before(document: &Document, r: &Reading) -> Option<Fit> {
    let q = r.k - 1;
    let before = q.checked_sub(1)?;
    let (_, last) = r.flow.on_page(q).into_iter().last()?;
    let short = empty_lines_after(last) - MAX_EMPTY_LINES;
    if short <= 0.05 {
        return None;
    }
    let (top, _) = r.flow.on_page(q).into_iter().next()?;
    let need = (short - 0.05).ceil() as usize;
    let fit = move_from(
        document,
        &r.blocks,
        &r.flow,
        before,
        need,
        *top,
        Some(MAX_EMPTY_LINES),
    )?;
    // A page break alone: nothing is set tighter.
    let until = fit.block + 1;
    Some(Fit {
        until: Some(until),
        ..fit
    })
}

/// The tightening of the page before `r.k` that brings back the blocks
/// starting page `r.k` that could not be split there.
fn tighten_for_next(document: &Document, pages: &[PageView], r: &Reading) -> Option<Fit> {
    let q = r.k - 1;
    let (first_next, _) = r.flow.on_page(r.k).into_iter().next()?;
    let blocks = &r.blocks;
    let first = blocks
        .iter()
        .position(|b| b.start < *first_next && b.end > *first_next)?;
    let lines = |b: &BlockSpan| r.flow.between(b.start, b.end);
    // The block must start on the next page: one that runs over from
    // page q was split where it could be.
    if lines(&blocks[first]).iter().any(|(at, _)| at.page == q) {
        return None;
    }
    // A heading brings the paragraph it keeps with; a paragraph of three
    // lines or fewer comes whole, a longer one brings two.
    let mut needed = 0;
    let mut last = first;
    loop {
        let span = &blocks[last];
        let n = lines(span).len();
        match &document.body[span.index] {
            Block::Heading(_) if last + 1 < blocks.len() => {
                needed += n;
                last += 1;
            }
            Block::Paragraph { .. } => {
                needed += if n <= 3 { n } else { 2 };
                break;
            }
            _ => return None,
        }
    }
    let (fit, y0) = r.region_start(document, pages, q)?;
    let room = GEOMETRY.body_bottom() - y0;
    let wanted = r.used(q, y0) + needed as f64 * GEOMETRY.pitch() + 0.2;
    let factor = room / wanted;
    let until = blocks[last].index + 1;
    (factor >= floor(q) && factor < 1.0 && until > fit.block).then_some(Fit {
        factor,
        until: Some(until),
        ..fit
    })
}
