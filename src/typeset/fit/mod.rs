//! Pagination as a search (GB/T 9704 7.3.5.4: keep the 署名 with the body,
//! "adjust line spacing and character spacing" to do it).
//!
//! The first layout is checked against the page rules ([`super::rules`]).
//! When it breaks one near the closing, [`candidates`] proposes second
//! layouts, most preferred first:
//!
//! 1. move the fewest whole lines (at least two reach the closing's page,
//!    no paragraph leaves one line behind or carries one over) when the
//!    page they leave still ends at most two lines short;
//! 2. tighten the line pitch of the page before the closing's page so the
//!    closing joins it, when that costs at most one line a page
//!    ([`LIGHT_FACTOR`]); on page 1 only the part under the title (the
//!    版头 is not on the grid);
//! 3. set paragraphs whose last line is short one character a line
//!    closer (字距, 29 a line) so each takes a line fewer;
//! 4. tighten the last two pages together (at most [`MIN_FACTOR`]);
//! 5. tighten the one page down to [`MIN_FACTOR`] ([`PAGE_ONE_MIN_FACTOR`]
//!    under page 1's title);
//! 6. move the fewest lines however short that leaves the page, else back
//!    to a block boundary (a heading with its paragraph, a table whole),
//!    the old rule of thumb.
//!
//! A page in the body that ends short before more text (a heading kept
//! with its paragraph, a short paragraph that could not split) is
//! tightened alone, within the same bounds, so that what went on comes
//! back; the text after it is on the grid again ([`Fit::until`]).
//!
//! Each candidate is laid out and checked by the same rules; the first
//! that keeps them all is kept, else the one that breaks least
//! ([`super::rules::cost`]), and the audit reports what it breaks.

mod other_pages;

use other_pages::{imprint_candidates, page_end_candidates};
use schemars::JsonSchema;
use serde::Serialize;

use super::flow::{At, BlockSpan, Flow, block_spans, empty_lines_after, line_bottom, marker_at};
use super::markers::Mark;
use super::pages::{Line, PageView};
use super::rules::{Fault, MAX_EMPTY_LINES, Rule};
use crate::gbt9704::GEOMETRY;
use crate::model::{Block, Document, plain_text};

/// The tightest a page may be set: 25 lines in the room of 22 (a pitch of
/// 25.5pt for 16pt text, what a clerk sets in Word to save a page).
pub const MIN_FACTOR: f64 = 0.84;

/// The tightest page 1 may be set under its title: the 版头 takes half
/// the page, so the few lines under it gain little from a pitch a full
/// page would bear (two lines on eight need this much, a pitch of 7.7mm
/// for 5.6mm characters, what a clerk gets from 固定值 22磅 in Word).
pub const PAGE_ONE_MIN_FACTOR: f64 = 0.75;

/// A tightening a reader does not notice beside a page on the grid: one
/// line more on a full page.
pub const LIGHT_FACTOR: f64 = 22.0 / 23.0;

/// At most this many candidate layouts after the first.
pub const MAX_CANDIDATES: usize = 5;

/// At most this many more, from the best candidate, when it still breaks
/// a rule elsewhere (a page in the body mended, then the closing).
pub const MAX_SECOND_ROUND: usize = 3;

/// A second layout's break: from block `block` of the body (inside it
/// after `at` code points when it is a paragraph) the flow goes to a new
/// page when `page_break`, and what follows is set with the pitch times
/// `factor`. Without a page break from block 0, page 1 is tightened from
/// the 主送 on.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Fit {
    pub block: usize,
    pub at: Option<usize>,
    pub factor: f64,
    pub page_break: bool,
    /// Paragraphs set one character a line closer (字距), each saving its
    /// short last line.
    pub squeeze: Vec<usize>,
    /// From this block on, and the closing, the text is on the grid again:
    /// a tightening of one page in the middle of the body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<usize>,
}

/// What the search reads from a layout: where the closing is, and the
/// body's flow.
pub(super) struct Reading {
    pub(super) closing: At,
    pub(super) end: At,
    /// The closing's page, and the page before it.
    pub(super) k: usize,
    pub(super) flow: Flow,
    pub(super) blocks: Vec<BlockSpan>,
    pub(super) body_start: At,
}

impl Reading {
    /// `faults` say which page is in trouble (all of them when `None`).
    fn new(document: &Document, pages: &[PageView], faults: Option<&[Fault]>) -> Option<Reading> {
        let closing = marker_at(pages, Mark::Closing)?;
        let end = marker_at(pages, Mark::ClosingEnd)?;
        let signature = marker_at(pages, Mark::Signature).unwrap_or(closing);
        // The page the closing's trouble is on: where the 署名 stands
        // alone, or where the closing starts bare, or the one after a page
        // that ends short before it.
        let k = match faults {
            Some(f) if f.iter().any(|f| f.rule == Rule::ClosingAlone) => signature.page,
            Some(f)
                if f.iter().any(|f| {
                    f.rule == Rule::ClosingBare || f.page == closing.page || f.page == end.page
                }) =>
            {
                end.page
            }
            Some(_) => return None,
            None => end.page,
        };
        if k == 0 || end.page != k {
            return None;
        }
        Reading::at(document, pages, k)
    }

    /// A reading whose page in trouble is `k`.
    pub(super) fn at(document: &Document, pages: &[PageView], k: usize) -> Option<Reading> {
        Some(Reading {
            closing: marker_at(pages, Mark::Closing)?,
            end: marker_at(pages, Mark::ClosingEnd)?,
            k,
            flow: Flow::new(pages),
            blocks: block_spans(document, pages),
            body_start: marker_at(pages, Mark::Block(0))?,
        })
    }

    /// Where tightening from page `page` starts: the fit, and the y the
    /// tightened text starts at.
    pub(super) fn region_start(
        &self,
        document: &Document,
        pages: &[PageView],
        page: usize,
    ) -> Option<(Fit, f64)> {
        if page == 0 {
            let y = marker_at(pages, Mark::To)
                .filter(|t| t.page == 0)
                .unwrap_or(self.body_start);
            let fit = Fit {
                block: 0,
                at: None,
                factor: 1.0,
                page_break: false,
                squeeze: Vec::new(),
                until: None,
            };
            (y.page == 0).then_some((fit, y.y))
        } else {
            let (at, _) = self.flow.on_page(page).into_iter().next()?;
            let span = self.blocks.iter().rev().find(|b| b.start < *at)?;
            let continued = span.start.page < page;
            let splittable = matches!(document.body[span.index], Block::Paragraph { .. });
            if (!continued || splittable)
                && let Some(fit) = break_before_line(document, &self.blocks, &self.flow, *at, 1.0)
            {
                return Some((fit, GEOMETRY.margin_top));
            }
            // The page starts inside a table (or a paragraph whose lines do
            // not read back as its text): tighten from the first block that
            // starts on it, where it is, without a page break.
            let next = self.blocks.iter().find(|b| b.start.page == page)?;
            let fit = Fit {
                block: next.index,
                at: None,
                factor: 1.0,
                page_break: false,
                squeeze: Vec::new(),
                until: None,
            };
            Some((fit, next.start.y))
        }
    }

    /// The height page `page`'s text takes from `from` down.
    pub(super) fn used(&self, page: usize, from: f64) -> f64 {
        self.flow
            .on_page(page)
            .last()
            .map_or(0.0, |(_, l)| line_bottom(l) - from)
    }

    /// Everything on the closing's page moves up: the closing's own blank
    /// lines above the 署名 included.
    fn closing_height(&self) -> f64 {
        self.end.y - GEOMETRY.margin_top
    }

    /// Tightening the pages from `from` to the one before the closing's:
    /// the fit, the room the tightened text has and the height it takes
    /// at the pitch it was laid out with.
    fn tighten_from(
        &self,
        document: &Document,
        pages: &[PageView],
        from: usize,
    ) -> Option<(Fit, f64, f64)> {
        let q = self.k.checked_sub(1)?;
        if from > q {
            return None;
        }
        let (fit, y0) = self.region_start(document, pages, from)?;
        let full_pages = (q - from) as f64;
        let room = GEOMETRY.body_bottom() - y0 + full_pages * GEOMETRY.body_height;
        let mut needed = self.used(from, y0) + self.closing_height();
        for page in from + 1..=q {
            needed += self.used(page, GEOMETRY.margin_top);
        }
        Some((fit, room, needed))
    }
}

/// 字距: paragraphs on the page before the closing's (and the one before
/// it) whose last line is short enough that, one character a line closer
/// (29 a line), they take a line fewer: a paragraph of `n` lines whose
/// last line holds at most `n - 1` characters. As many as the closing
/// needs lines, from the closing backwards.
fn squeeze(document: &Document, r: &Reading) -> Option<Fit> {
    let q = r.k - 1;
    let foot = r.flow.on_page(q).last().map(|(_, l)| line_bottom(l))?;
    let deficit = r.closing_height() - (GEOMETRY.body_bottom() - foot);
    let needed = (deficit / GEOMETRY.pitch() - 0.05).ceil().max(1.0) as usize;
    let mut chosen = squeezable(document, r, q.saturating_sub(1));
    if chosen.len() < needed {
        return None;
    }
    chosen.drain(..chosen.len() - needed);
    Some(Fit {
        block: document.body.len(),
        at: None,
        factor: 1.0,
        page_break: false,
        squeeze: chosen,
        until: None,
    })
}

/// The paragraphs from page `from` to the one before the closing's that
/// take a line fewer at 29 characters a line, in order.
fn squeezable(document: &Document, r: &Reading, from: usize) -> Vec<usize> {
    let q = r.k - 1;
    let mut out = Vec::new();
    for span in &r.blocks {
        if !matches!(document.body[span.index], Block::Paragraph { .. }) {
            continue;
        }
        let lines = r.flow.between(span.start, span.end);
        let (Some((first, _)), Some((at, last))) = (lines.first(), lines.last()) else {
            continue;
        };
        if first.page < from || at.page > q || lines.len() < 2 {
            continue;
        }
        if last.text().chars().count() < lines.len() {
            out.push(span.index);
        }
    }
    out
}

/// The tightest factor a tightening from page `q` may use.
pub(super) fn floor(q: usize) -> f64 {
    if q == 0 {
        PAGE_ONE_MIN_FACTOR
    } else {
        MIN_FACTOR
    }
}

/// Second layouts worth trying for a first layout that breaks `faults`,
/// most preferred first (see the module's order). Paragraphs that leave
/// one line alone at a page's top or foot and can take a line fewer at
/// 29 characters a line are closed up in every candidate.
pub fn candidates(document: &Document, pages: &[PageView], faults: &[Fault]) -> Vec<Fit> {
    let widows = squeezable_widows(document, pages);
    let closing_fine = !faults
        .iter()
        .any(|f| matches!(f.rule, Rule::ClosingAlone | Rule::ClosingBare));
    let mut out = closing_candidates(document, pages, faults);
    if closing_fine {
        out.splice(0..0, imprint_candidates(document, pages, faults));
    }
    let page_ends = page_end_candidates(document, pages, faults);
    if closing_fine {
        out.splice(0..0, page_ends);
    } else {
        out.extend(page_ends);
    }
    if !widows.is_empty() {
        for fit in &mut out {
            // Not the paragraph a fit splits: its two parts are set apart.
            let split = fit.at.map(|_| fit.block);
            fit.squeeze
                .extend(widows.iter().filter(|i| Some(**i) != split));
            fit.squeeze.sort_unstable();
            fit.squeeze.dedup();
        }
        let only_widows = Fit {
            block: document.body.len(),
            at: None,
            factor: 1.0,
            page_break: false,
            squeeze: widows,
            until: None,
        };
        if closing_fine {
            out.insert(0, only_widows);
        } else {
            out.push(only_widows);
        }
    }
    out.truncate(MAX_CANDIDATES);
    out
}

/// Paragraphs split over a page with one line alone on a side, that lose
/// a line at 29 characters a line (so the lone line goes).
fn squeezable_widows(document: &Document, pages: &[PageView]) -> Vec<usize> {
    let flow = Flow::new(pages);
    let mut out = Vec::new();
    for span in block_spans(document, pages) {
        if !matches!(document.body[span.index], Block::Paragraph { .. }) {
            continue;
        }
        let lines = flow.between(span.start, span.end);
        let (Some((first, _)), Some((last_at, last))) = (lines.first(), lines.last()) else {
            continue;
        };
        if first.page == last_at.page {
            continue;
        }
        let on_last = lines
            .iter()
            .filter(|(at, _)| at.page == last_at.page)
            .count();
        if on_last == 1 && last.text().chars().count() < lines.len() {
            out.push(span.index);
        }
    }
    out
}

fn closing_candidates(document: &Document, pages: &[PageView], faults: &[Fault]) -> Vec<Fit> {
    let Some(r) = Reading::new(document, pages, Some(faults)) else {
        return Vec::new();
    };
    let (k, q) = (r.k, r.k - 1);
    let mut out = Vec::new();
    if let Some(fit) = move_lines(
        document,
        &r.blocks,
        &r.flow,
        q,
        k,
        r.closing,
        Some(MAX_EMPTY_LINES),
    ) {
        out.push(fit);
    }
    // A little slack for rounding: blocks end on whole tightened lines.
    let one_page = r
        .tighten_from(document, pages, q)
        .map(|(fit, room, needed)| Fit {
            factor: room / (needed + 0.2),
            ..fit
        });
    let two_pages = q
        .checked_sub(1)
        .and_then(|from| r.tighten_from(document, pages, from))
        .map(|(fit, room, needed)| Fit {
            factor: room / (needed + 0.4),
            ..fit
        });
    if let Some(fit) = one_page.clone().filter(|f| f.factor >= LIGHT_FACTOR) {
        out.push(Fit {
            factor: fit.factor.min(1.0),
            ..fit
        });
    }
    if let Some(fit) = squeeze(document, &r) {
        out.push(fit);
    }
    // Both at once: the paragraphs closed up, and the pitch over two pages
    // for the rest.
    let squeezed = q
        .checked_sub(1)
        .and_then(|from| Some((from, r.tighten_from(document, pages, from)?)))
        .map(|(from, (fit, room, needed))| {
            let squeeze = squeezable(document, &r, from);
            let saved = squeeze.len() as f64 * GEOMETRY.pitch();
            let squeeze = squeeze
                .into_iter()
                .filter(|i| fit.at.is_none() || *i != fit.block)
                .collect();
            Fit {
                factor: (room / (needed - saved + 0.4)).min(1.0),
                squeeze,
                ..fit
            }
        })
        .filter(|f| !f.squeeze.is_empty() && f.factor >= MIN_FACTOR);
    if let Some(fit) = two_pages.filter(|f| (MIN_FACTOR..1.0).contains(&f.factor)) {
        out.push(fit);
    }
    if let Some(fit) = squeezed {
        out.push(fit);
    }
    if let Some(fit) = one_page.filter(|f| (floor(q)..LIGHT_FACTOR).contains(&f.factor)) {
        out.push(fit);
    }
    // Nothing within the bounds: the fewest lines moved, however short
    // that leaves page q, else a block boundary.
    if let Some(fit) = move_lines(
        document,
        &r.blocks,
        &r.flow,
        q,
        k,
        r.closing,
        Some(f64::MAX),
    )
    .or_else(|| move_lines(document, &r.blocks, &r.flow, q, k, r.closing, None))
    {
        out.push(fit);
    }
    out.dedup();
    out
}

/// The fits of a layout with `fit` added, in the body's order, if it
/// does not overlap them: every fit but the last ends (`until`) before
/// the next starts. A fit that only closes paragraphs up (字距) adds its
/// paragraphs to the last.
pub fn compose(base: &[Fit], fit: &Fit, body_len: usize) -> Option<Vec<Fit>> {
    let mut all = base.to_vec();
    let squeeze_only =
        fit.block >= body_len && fit.at.is_none() && !fit.page_break && fit.factor >= 1.0;
    // The same break, set closer: the base's fit tightened further.
    let same = |f: &Fit| {
        f.block == fit.block
            && f.at == fit.at
            && f.page_break == fit.page_break
            && f.until.is_none()
    };
    match all.last_mut() {
        Some(last) if same(last) && fit.until.is_none() => {
            last.factor = last.factor.min(fit.factor);
        }
        Some(last) if squeeze_only => {
            last.squeeze.extend(fit.squeeze.iter().copied());
            last.squeeze.sort_unstable();
            last.squeeze.dedup();
        }
        _ => all.push(fit.clone()),
    }
    all.sort_by_key(|f| (f.block, f.at.unwrap_or(0)));
    for pair in all.windows(2) {
        if pair[0].until? > pair[1].block {
            return None;
        }
    }
    Some(all)
}

/// A second try at a tightening that fell short: a seal, a picture or a
/// block rounded to whole lines does not shrink with the pitch, and the
/// page before the closing's may break elsewhere once tightened. What
/// counts is the closing's deficit: its height less the room left at the
/// foot of that page. From the first layout (at the grid's pitch) and the
/// tried one, the deficit is taken as linear in the factor and solved for
/// a small surplus.
pub fn refine(
    document: &Document,
    first: &[PageView],
    tried: &Fit,
    laid: &[PageView],
) -> Option<Fit> {
    if tried.factor >= 1.0 {
        return None;
    }
    let before = Reading::new(document, first, None)?;
    let after = Reading::new(document, laid, None)?;
    if after.k != before.k {
        return None;
    }
    let q = before.k - 1;
    let deficit = |r: &Reading| {
        let foot = r.flow.on_page(q).last().map(|(_, l)| line_bottom(l))?;
        Some(r.closing_height() - (GEOMETRY.body_bottom() - foot))
    };
    let (d0, d1) = (deficit(&before)?, deficit(&after)?);
    let slope = (d1 - d0) / (tried.factor - 1.0);
    if slope <= 0.0 {
        return None;
    }
    let factor = tried.factor + (-0.3 - d1) / slope;
    if std::env::var_os("NOTICE_TRACE_FIT").is_some() {
        eprintln!(
            "fit: refine deficit {d0:.1} → {d1:.1} at {:.3}: {factor:.3}",
            tried.factor
        );
    }
    // Just past the bound, the bound itself is worth a try: the estimate
    // is linear, the layout is not.
    let factor = if factor < floor(q) && factor > floor(q) - 0.02 {
        floor(q)
    } else {
        factor
    };
    (factor >= floor(q) && factor < tried.factor - 0.001).then_some(Fit {
        factor,
        ..tried.clone()
    })
}

/// Moves the fewest lines from page `q` to the closing's page `k`: enough
/// that `k` holds two lines of the body, and never one line of a
/// paragraph left or carried alone. With a `bound`, only when page `q`
/// then ends at most that many lines short; without, the break may go
/// back to the start of the block (a heading with what follows it, a
/// table).
fn move_lines(
    document: &Document,
    blocks: &[BlockSpan],
    flow: &Flow,
    q: usize,
    k: usize,
    closing: At,
    bound: Option<f64>,
) -> Option<Fit> {
    let on_k = flow
        .on_page(k)
        .iter()
        .filter(|(at, _)| *at < closing)
        .count();
    let need = 2usize.saturating_sub(on_k).max(1);
    move_from(document, blocks, flow, q, need, closing, bound)
}

/// Breaks page `q` so that at least `need` of its body lines before `end`
/// go on to the next page, under the same rules as [`move_lines`].
pub(super) fn move_from(
    document: &Document,
    blocks: &[BlockSpan],
    flow: &Flow,
    q: usize,
    need: usize,
    end: At,
    bound: Option<f64>,
) -> Option<Fit> {
    let short = bound.is_some();
    let body_start = blocks.first()?.start;
    let on_q: Vec<&(At, Line)> = flow
        .on_page(q)
        .into_iter()
        .filter(|(at, _)| *at > body_start && *at < end)
        .collect();
    // The whole body may go only as a last resort (not `short`).
    let most = if short {
        on_q.len().saturating_sub(1)
    } else {
        on_q.len()
    };
    for moved in need..=most {
        let line = on_q[on_q.len() - moved].0;
        if bound.is_some_and(|b| empty_lines_after(&on_q[on_q.len() - moved - 1].1) > b + 0.05) {
            return None;
        }
        let Some(span) = blocks.iter().rev().find(|b| b.start < line) else {
            continue;
        };
        let lines = flow.between(span.start, span.end);
        let left = lines.iter().filter(|(at, _)| *at < line).count();
        let carried = lines.len() - left;
        let paragraph = matches!(document.body[span.index], Block::Paragraph { .. });
        // What ends page q must not be a heading alone.
        let previous = blocks
            .iter()
            .rev()
            .find(|b| b.start < before_at(flow, line));
        let heading_before = left == 0
            && previous.is_some_and(|b| matches!(document.body[b.index], Block::Heading(_)));
        let whole = left == 0 && !heading_before;
        let split = paragraph && left >= 2 && carried >= 2;
        if whole || split {
            return break_before_line(document, blocks, flow, line, 1.0);
        }
        if !short && !paragraph && left > 0 {
            return break_before_line(document, blocks, flow, line, 1.0);
        }
    }
    None
}

/// The place of the line before `line` in the flow.
fn before_at(flow: &Flow, line: At) -> At {
    flow.lines
        .iter()
        .rev()
        .map(|(at, _)| *at)
        .find(|at| *at < line)
        .unwrap_or(line)
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
    let before: Vec<&&(At, Line)> = lines.iter().filter(|(at, _)| *at < line).collect();
    let splittable = matches!(document.body.get(span.index), Some(Block::Paragraph { .. }));
    let whole = Fit {
        block: span.index,
        at: None,
        factor,
        page_break: true,
        squeeze: Vec::new(),
        until: None,
    };
    if before.is_empty() || !splittable {
        // Before the body's first block too: the page keeps only the
        // 版头, the title and the 主送, which is still better than a 署名
        // alone (the costs decide).
        return Some(whole);
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
    let count = |lines: &[&&(At, Line)]| -> usize {
        lines.iter().map(|(_, l)| l.text().chars().count()).sum()
    };
    let all: Vec<&&(At, Line)> = lines.iter().collect();
    if count(&all) != expected {
        return None;
    }
    Some(Fit {
        at: Some(count(&before)),
        ..whole
    })
}
