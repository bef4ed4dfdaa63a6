//! Where the Word file follows notice's own pages: the page that holds the
//! 署名 is set tighter where notice's layout tightened it (GB/T 9704
//! 7.3.5.4: adjust the line spacing rather than leave the 署名 alone on a
//! page).
//!
//! A word processor breaks lines by itself. Word and WPS break them as
//! notice does, but LibreOffice puts a fifth of an em between a Chinese
//! character and a digit or Latin letter (which a Word file cannot turn
//! off there), so a line that mixes them and fills the 版心 may spill a
//! character, and a paragraph may take a line more. Where such a line
//! stands on the closing's page, and that page has less than a line to
//! spare, the page gets a line of room, so the body's last paragraph and
//! the closing still end the page together.
//!
//! Nothing else of the layout is imposed: no page break is written, so a
//! clerk's edits reflow as in any Word file.

use crate::gbt9704::GEOMETRY;
use crate::model::Document;
use crate::typeset::Laid;
use crate::typeset::fit::MIN_FACTOR;

/// The room, in lines, kept under the closing on its page when a line
/// there may run longer in a word processor.
const SLACK: f64 = 1.0;

/// The room kept otherwise where notice tightened the page: what rounding
/// exact line heights to twips may take.
const ROUNDING: f64 = 0.25;

/// LibreOffice's space between a digit or Latin letter and the Chinese
/// character after it: a fifth of a 3号 character, in twips.
const AUTOSPACE_TW: f64 = 64.0;

/// What the Word file takes from notice's pages.
#[derive(Debug, Default)]
pub struct Plan {
    /// The closing's page, set tighter.
    pub tight: Option<Tight>,
    /// Where each table ends, in mm under the 版心's top of its page, in
    /// document order (none on a turned page): the text after it goes back
    /// to the grid from there.
    pub table_ends: Vec<Option<f64>>,
}

impl Plan {
    pub fn of(doc: &Document, laid: &Laid) -> Plan {
        let table_ends = laid
            .views
            .iter()
            .enumerate()
            .flat_map(|(page, view)| {
                let turned = laid.turned.contains(&page);
                view.markers
                    .iter()
                    .filter(|m| m.value == "table-end")
                    .map(move |m| (!turned).then_some(m.y - GEOMETRY.margin_top))
            })
            .collect();
        Plan {
            tight: tight(doc, laid),
            table_ends,
        }
    }
}

/// Body blocks from `from` on, and the closing, set at `factor` times the
/// grid's pitch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tight {
    pub from: usize,
    pub factor: f64,
}

/// Where notice's pages ask the Word file to tighten, if they do: the
/// closing's page holds what notice set on it, with room to spare (see
/// the module's documentation), at most as tight as notice sets a page.
fn tight(doc: &Document, laid: &Laid) -> Option<Tight> {
    let at = |value: &str| {
        laid.views.iter().enumerate().find_map(|(page, view)| {
            view.markers
                .iter()
                .find(|m| m.value == value)
                .map(|m| (page, m.y))
        })
    };
    let (page, end) = at("closing-end")?;
    let starts: Vec<Option<(usize, f64)>> = (0..doc.body.len())
        .map(|i| at(&format!("block:{i}")))
        .collect();
    let pitch = GEOMETRY.pitch();
    // From the block notice tightened, or the first block that starts on
    // the closing's page, or the one that runs onto it; and where on the
    // page that is.
    let set_at = laid.fit.as_ref().map_or(pitch, |fit| pitch * fit.factor);
    // Where the tightened text starts: the block notice tightened from, or
    // the first that starts on the closing's page, or the one that runs
    // onto it; and where on the page that is (mm, in notice's layout).
    let first_on_page = starts
        .iter()
        .position(|s| s.is_some_and(|(p, _)| p == page));
    let (from, top) = match &laid.fit {
        Some(fit) => (fit.block, GEOMETRY.margin_top),
        None => {
            let from = first_on_page.or_else(|| {
                starts
                    .iter()
                    .rposition(|s| s.is_some_and(|(p, _)| p < page))
            })?;
            match starts[from] {
                Some((p, y)) if p == page => (from, y),
                _ => (from, GEOMETRY.margin_top),
            }
        }
    };
    let lines = (end - top) / set_at;
    let spare = (GEOMETRY.body_bottom() - end) / set_at;
    let slack = match (may_run_longer(laid, page, top, end), &laid.fit) {
        (true, _) if spare < SLACK => SLACK,
        (false, Some(_)) => ROUNDING,
        _ => {
            return laid.fit.as_ref().map(|fit| Tight {
                from: fit.block,
                factor: fit.factor,
            });
        }
    };
    // Where notice broke the page inside a paragraph, that paragraph's
    // lines before the break would be tightened too (a paragraph has one
    // line spacing): tighten from the next block instead, its lines on
    // the page kept on the grid, while that stays within notice's limit.
    if let Some(fit) = laid.fit.as_ref().filter(|f| f.at.is_some())
        && let Some(Some((p, next))) = starts.get(fit.block + 1)
        && *p == page
    {
        let kept = ((next - top) / set_at).round() * pitch;
        let rest = (end - next) / set_at;
        let factor =
            (GEOMETRY.body_bottom() - GEOMETRY.margin_top - kept) / ((rest + slack) * pitch);
        if (MIN_FACTOR..1.0).contains(&factor) {
            return Some(Tight {
                from: fit.block + 1,
                factor,
            });
        }
    }
    let factor = (GEOMETRY.body_bottom() - top) / ((lines + slack) * pitch);
    (lines >= 1.0 && factor < 1.0).then(|| Tight {
        from,
        factor: factor.max(MIN_FACTOR),
    })
}

/// Whether a paragraph on the closing's page, between `top` and `end`, may
/// take a line more than notice gave it: its lines set as the Word file
/// sets characters (a Chinese character or mark a cell less 0.25pt, a
/// digit or Latin letter half that), with LibreOffice's space after each
/// run of digits or Latin letters that a Chinese character follows. A
/// line that does not fit sends its last character on, down to a line
/// with room for it or past the paragraph's last line.
fn may_run_longer(laid: &Laid, page: usize, top: f64, end: f64) -> bool {
    let Some(view) = laid.views.get(page) else {
        return false;
    };
    let tw_per_mm = 1440.0 / 25.4;
    let cell = GEOMETRY.cell();
    let mut carried = 0.0;
    for line in view
        .lines()
        .iter()
        .filter(|l| l.baseline > top && l.baseline < end.min(GEOMETRY.body_bottom()))
    {
        // A paragraph's first line is indented; the others start at the
        // 版心's left edge.
        let first = line.left() > GEOMETRY.margin_left + cell / 2.0;
        if first && carried > 0.0 {
            return true;
        }
        if first {
            carried = 0.0;
        }
        let chars: Vec<char> = line.text().chars().collect();
        let spaces = chars
            .windows(2)
            .filter(|w| w[0].is_ascii_alphanumeric() && !w[1].is_ascii() && w[1].is_alphabetic())
            .count();
        let width: f64 = chars
            .iter()
            .map(|&c| f64::from(super::text_width(c.encode_utf8(&mut [0; 4]))))
            .sum();
        let room = (GEOMETRY.body_right() - line.left()) * tw_per_mm;
        let over = width + spaces as f64 * AUTOSPACE_TW + carried - room;
        carried = if over > 0.0 {
            over.max(f64::from(super::CHAR))
        } else {
            0.0
        };
    }
    carried > 0.0
}
