//! Every build audits its own pages: after layout, what is printed is
//! measured against GB/T 9704, so a clerk never receives a broken page
//! without a word. Each finding is a warning naming the page, what was
//! found and the measured value (`--strict` makes it an error; `notice
//! check` reports it too).
//!
//! * Nothing outside the 版心 but what the standard places there (page
//!   numbers; the 信函's mark and rules).
//! * No glyph prints over another.
//! * Seals touch only the 署名, the 日期 and the 附注: never the 版记, a
//!   rule, other text, the page-number band or the edge of the 版心.
//! * 3号 body lines sit on the grid (pages tightened to keep the closing
//!   with the body are exempt).
//! * The page rules of pagination ([`super::rules`]): a page followed by
//!   more body text ends at most two grid lines short, and never after
//!   the 主送 or a heading alone; the 署名 never starts a page, the
//!   closing's page holds two lines of the body, and no page starts or
//!   ends with one line of a paragraph (pages before an attachment are
//!   exempt).

use super::markers::Mark;
use super::pages::{Glyph, Line, PageView, Rect};
use super::{Laid, rules};
use crate::diagnostic::Diagnostic;
use crate::gbt9704::{DocumentFormat, GEOMETRY, PT_PER_MM, size};
use crate::model::Document;

/// How far an em box may reach past the 版心's edge (a justified line's
/// last em box ends on it; glyph boxes are computed to a hundredth of a
/// millimetre).
const EDGE: f64 = 0.3;

/// How far two glyphs' boxes may overlap before they print over each
/// other.
const OVERLAP: f64 = 0.3;

/// How far a line may sit off its grid line.
const GRID: f64 = 0.05;

/// The page-number band under the 版心.
fn in_number_band(r: &Rect) -> bool {
    let top = GEOMETRY.body_bottom() + GEOMETRY.page_number_drop - 8.0;
    let bottom = GEOMETRY.body_bottom() + GEOMETRY.page_number_drop + 8.0;
    r.y0 >= top && r.y1 <= bottom
}

fn body_area() -> Rect {
    Rect {
        x0: GEOMETRY.margin_left,
        y0: GEOMETRY.margin_top,
        x1: GEOMETRY.body_right(),
        y1: GEOMETRY.body_bottom(),
    }
}

fn outside(r: &Rect) -> Option<f64> {
    let a = body_area();
    let beyond = [a.x0 - r.x0, r.x1 - a.x1, a.y0 - r.y0, r.y1 - a.y1]
        .into_iter()
        .fold(0.0, f64::max);
    (beyond > EDGE).then_some(beyond)
}

fn is_red(color: [u8; 3]) -> bool {
    color[0] > 200 && color[1] < 60 && color[2] < 60
}

fn snippet(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() > 16 {
        format!("{}…", chars[..16].iter().collect::<String>())
    } else {
        text.to_string()
    }
}

fn finding(code: &'static str, page: usize, message: String) -> Diagnostic {
    Diagnostic::warning(code, format!("page {page}: {message}")).hint(
        "this page breaks a rule of GB/T 9704; change the plan (shorter text, fewer items, landscape tables) or report it if the plan is ordinary",
    )
}

/// Audits the pages of a laid-out document.
pub fn audit(document: &Document, laid: &Laid) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let lines: Vec<Vec<Line>> = laid.views.iter().map(PageView::lines).collect();
    for (i, view) in laid.views.iter().enumerate() {
        let letter_first = document.format == DocumentFormat::Letter && i == 0;
        outside_body(view, letter_first, &mut out);
        overprints(view, &mut out);
        seals(document, view, &lines[i], &mut out);
        // A tightened page is off the grid from where the search tightened
        // it, and so is every page after it.
        let tight = super::flow::marker_at(&laid.views, Mark::Tight);
        if !laid.turned.contains(&i) && tight.is_none_or(|t| t.page >= i) {
            grid(document, view, &lines[i], &mut out);
        }
    }
    page_ends(document, laid, &mut out);
    // One finding of a kind per page is enough to act on.
    let mut seen = std::collections::HashSet::new();
    out.retain(|d| seen.insert(d.message.clone()));
    out
}

fn outside_body(view: &PageView, letter_first: bool, out: &mut Vec<Diagnostic>) {
    // The 信函's red mark and double rules sit outside the 版心 by design.
    let allowed = |r: &Rect, red: bool| in_number_band(r) || (letter_first && red);
    let mut worst: Option<(f64, String)> = None;
    for g in &view.glyphs {
        if let Some(by) = outside(&g.rect)
            && !allowed(&g.rect, is_red(g.color))
            && worst.as_ref().is_none_or(|(w, _)| by > *w)
        {
            worst = Some((by, format!("text `{}`", g.text)));
        }
    }
    for r in &view.rules {
        if let Some(by) = outside(&r.rect)
            && !allowed(&r.rect, is_red(r.color))
            && worst.as_ref().is_none_or(|(w, _)| by > *w)
        {
            worst = Some((by, "a rule".to_string()));
        }
    }
    for r in &view.images {
        if let Some(by) = outside(r)
            && worst.as_ref().is_none_or(|(w, _)| by > *w)
        {
            worst = Some((by, "a seal".to_string()));
        }
    }
    if let Some((by, what)) = worst {
        out.push(finding(
            "layout-outside",
            view.number,
            format!("{what} reaches {by:.2}mm outside the 版心"),
        ));
    }
}

fn overprints(view: &PageView, out: &mut Vec<Diagnostic>) {
    let mut glyphs: Vec<&Glyph> = view
        .glyphs
        .iter()
        .filter(|g| !g.text.trim().is_empty())
        .collect();
    glyphs.sort_by(|a, b| a.rect.y0.total_cmp(&b.rect.y0));
    for (i, a) in glyphs.iter().enumerate() {
        for b in &glyphs[i + 1..] {
            if b.rect.y0 >= a.rect.y1 - OVERLAP {
                break;
            }
            if let Some((w, h)) = a.rect.overlap(&b.rect, OVERLAP) {
                out.push(finding(
                    "layout-overprint",
                    view.number,
                    format!(
                        "`{}` and `{}` print over each other ({w:.2} × {h:.2}mm)",
                        a.text, b.text
                    ),
                ));
                return;
            }
        }
    }
}

/// Text a seal may cover: the 署名 (several names may share a line), the
/// 日期 and the 附注.
fn under_seal(document: &Document, text: &str) -> bool {
    let compact = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let mut rest = compact(text);
    if document
        .note
        .as_deref()
        .is_some_and(|n| compact(n).contains(&rest))
    {
        return true;
    }
    let mut parts: Vec<String> = document.signature.iter().map(|s| compact(s)).collect();
    parts.extend(document.date.as_deref().map(compact));
    parts.sort_by_key(|p| std::cmp::Reverse(p.len()));
    for part in parts.iter().filter(|p| !p.is_empty()) {
        rest = rest.replace(part.as_str(), "");
    }
    rest.is_empty()
}

fn seals(document: &Document, view: &PageView, lines: &[Line], out: &mut Vec<Diagnostic>) {
    for seal in &view.images {
        for line in lines {
            let rect = Rect {
                x0: line.left(),
                x1: line.right(),
                y0: line
                    .glyphs
                    .iter()
                    .map(|g| g.rect.y0)
                    .fold(f64::INFINITY, f64::min),
                y1: line
                    .glyphs
                    .iter()
                    .map(|g| g.rect.y1)
                    .fold(f64::NEG_INFINITY, f64::max),
            };
            if seal.overlap(&rect, 0.0).is_some() && !under_seal(document, &line.text()) {
                out.push(finding(
                    "layout-seal",
                    view.number,
                    format!(
                        "a seal ({:.1}–{:.1}mm from the top) covers `{}`",
                        seal.y0,
                        seal.y1,
                        snippet(&line.text())
                    ),
                ));
            }
        }
        for rule in &view.rules {
            if seal.overlap(&rule.rect, 0.0).is_some() {
                out.push(finding(
                    "layout-seal",
                    view.number,
                    format!(
                        "a seal ({:.1}–{:.1}mm from the top) crosses a rule at {:.1}mm",
                        seal.y0, seal.y1, rule.rect.y0
                    ),
                ));
            }
        }
        if seal.y1 > GEOMETRY.body_bottom() + EDGE {
            out.push(finding(
                "layout-seal",
                view.number,
                format!(
                    "a seal ends at {:.1}mm, below the 版心 ({:.1}mm), in the page-number band",
                    seal.y1,
                    GEOMETRY.body_bottom()
                ),
            ));
        }
    }
}

/// The y of a marker on a page.
fn marker_y(view: &PageView, mark: Mark) -> Option<f64> {
    view.marker(mark).map(|m| m.y)
}

fn grid(document: &Document, view: &PageView, lines: &[Line], out: &mut Vec<Diagnostic>) {
    let pitch = GEOMETRY.pitch();
    // Where body text starts on the page: under the title on page 1.
    let from = if view.number == 1 {
        match marker_y(view, Mark::TitleEnd) {
            Some(y) => y,
            None => return,
        }
    } else {
        0.0
    };
    // A page tightened for the closing is off the grid from its start.
    let tightened = marker_y(view, Mark::Tight);
    let closing = marker_y(view, Mark::Signature);
    for line in lines {
        if (line.size - size::SANHAO).abs() > 0.01 || line.baseline < from {
            continue;
        }
        if tightened.is_some_and(|y| line.baseline > y) {
            continue;
        }
        // A 命令's title is centred on the signature seal, by design.
        if document.format == DocumentFormat::Order && closing.is_some_and(|y| line.baseline > y) {
            continue;
        }
        let cell = GEOMETRY.margin_top + pitch / 2.0 + 0.38 * line.size / PT_PER_MM;
        let k = ((line.baseline - cell) / pitch).round();
        let off = line.baseline - cell - k * pitch;
        if off.abs() > GRID {
            out.push(finding(
                "layout-grid",
                view.number,
                format!(
                    "the line `{}` sits {:.2}mm off the line grid",
                    snippet(&line.text()),
                    off.abs()
                ),
            ));
            return;
        }
    }
}

/// The page rules the search could not keep (see [`super::rules`]).
fn page_ends(document: &Document, laid: &Laid, out: &mut Vec<Diagnostic>) {
    for fault in rules::faults(document, &laid.views, &laid.turned) {
        if !fault.rule.reported() {
            continue;
        }
        out.push(finding(fault.rule.code(), fault.page, fault.message));
    }
}
