//! Where the Word file follows notice's own pages: the page that holds the
//! 署名 is set tighter when notice's layout tightened it (GB/T 9704
//! 7.3.5.4: adjust the line spacing rather than leave the 署名 alone on a
//! page), and also when that page is full to its last line. A word
//! processor breaks lines by itself, and where its breaks differ from
//! notice's by a line (another machine's 仿宋, LibreOffice's space between
//! Chinese and digits), a full page would send the body's last paragraph
//! and the closing to the next page; a line of room keeps them.
//!
//! Nothing else of the layout is imposed: no page break is written, so a
//! clerk's edits reflow as in any Word file.

use crate::gbt9704::GEOMETRY;
use crate::model::Document;
use crate::typeset::Laid;
use crate::typeset::fit::MIN_FACTOR;

/// The room, in lines, left under the closing on its page.
const SLACK: f64 = 1.0;

/// Body blocks from `from` on, and the closing, set at `factor` times the
/// grid's pitch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tight {
    pub from: usize,
    pub factor: f64,
}

/// Where notice's pages ask the Word file to tighten, if they do: the
/// closing's page holds what notice set on it, and [`SLACK`] more, at
/// most as tight as notice would set a page.
pub fn tight(doc: &Document, laid: &Laid) -> Option<Tight> {
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
    let (from, top, set_at) = match &laid.fit {
        Some(fit) => (fit.block, GEOMETRY.margin_top, pitch * fit.factor),
        None => {
            let from = starts
                .iter()
                .position(|s| s.is_some_and(|(p, _)| p == page))
                .or_else(|| {
                    starts
                        .iter()
                        .rposition(|s| s.is_some_and(|(p, _)| p < page))
                })?;
            let top = match starts[from] {
                Some((p, y)) if p == page => y,
                _ => GEOMETRY.margin_top,
            };
            (from, top, pitch)
        }
    };
    let lines = (end - top) / set_at;
    let factor = (GEOMETRY.body_bottom() - top) / ((lines + SLACK) * pitch);
    (lines >= 1.0 && factor < 1.0).then(|| Tight {
        from,
        factor: factor.max(MIN_FACTOR),
    })
}
