//! The page rules of pagination: where a page may end. GB/T 9704 7.3.5.4
//! keeps the 署名 with the body ("adjust line and character spacing"),
//! and a 文秘 sends back a page that ends short before more text, a page
//! that carries only the closing, or one line of a paragraph alone at a
//! page's top or foot. The pagination search ([`super::fit`]) lays
//! candidates out until one keeps every rule; the audit reports what the
//! chosen layout still breaks.

use super::flow::{Flow, block_spans, empty_lines_after, marker_at};
use super::markers::Mark;
use super::pages::PageView;
use crate::gbt9704::size;
use crate::model::{Block, Document};

/// Empty grid lines a page may end with before more body text.
pub const MAX_EMPTY_LINES: f64 = 2.0;

/// The rules, most important first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rule {
    /// Page 1 holds the 版头 and the title and nothing of the body.
    FirstPageEmpty,
    /// The 署名 starts a page with no text above it.
    ClosingAlone,
    /// The closing's page holds no body line, or one.
    ClosingBare,
    /// The 主送 or a heading ends a page alone.
    LeadAlone,
    /// One line of a paragraph alone at a page's top or foot.
    Widow,
    /// A page ends more than [`MAX_EMPTY_LINES`] short before more body.
    PageEnd,
    /// The 版记 alone on the last page, after the closing's page. GB/T 9704
    /// allows it (the 版记 goes on the last page), so it is not reported;
    /// the search would rather set the closing's page closer and save the
    /// sheet.
    ImprintAlone,
}

impl Rule {
    /// The diagnostic code the audit prints.
    pub fn code(self) -> &'static str {
        match self {
            Rule::FirstPageEmpty => "layout-first-page",
            Rule::ClosingAlone => "layout-closing-alone",
            Rule::ClosingBare => "layout-closing-bare",
            Rule::LeadAlone | Rule::PageEnd => "layout-page-end",
            Rule::Widow => "layout-widow",
            Rule::ImprintAlone => "layout-imprint-alone",
        }
    }

    /// Whether the audit reports it (a rule of the standard, not a
    /// preference of the search).
    pub fn reported(self) -> bool {
        self != Rule::ImprintAlone
    }
}

/// A broken rule: which, on which page (1-based), and the measure.
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    pub rule: Rule,
    pub page: usize,
    pub message: String,
    /// How badly: the search keeps the layout with the least total.
    pub weight: f64,
}

/// What a layout breaks, for the search to compare: the total weight.
pub fn cost(faults: &[Fault]) -> f64 {
    faults.iter().map(|f| f.weight).sum()
}

/// Every page rule the pages break.
pub fn faults(document: &Document, views: &[PageView], turned: &[usize]) -> Vec<Fault> {
    let flow = Flow::new(views);
    let mut out = Vec::new();
    // Moving the whole body after the title is worse than anything it
    // could mend.
    let body = marker_at(views, Mark::To).or_else(|| marker_at(views, Mark::Block(0)));
    if let Some(first) = flow
        .lines
        .iter()
        .find(|(at, _)| body.is_some_and(|b| *at > b))
        && first.0.page > 0
    {
        out.push(Fault {
            rule: Rule::FirstPageEmpty,
            page: 1,
            message: "the page holds the 版头 and the title and no text of the body".into(),
            weight: 150.0,
        });
    }
    closing(views, &flow, &mut out);
    widows(document, views, &flow, &mut out);
    page_ends(views, &flow, turned, &mut out);
    imprint_alone(document, views, &flow, &mut out);
    out
}

fn imprint_alone(document: &Document, views: &[PageView], flow: &Flow, out: &mut Vec<Fault>) {
    // Printed on both sides, the 版记 takes an even page on purpose.
    if document.duplex || views.len() < 2 {
        return;
    }
    let last = views.len() - 1;
    let Some(imprint) = views[last].marker(Mark::Imprint) else {
        return;
    };
    // The 署名 on the page before (the closing's end marker may fall to
    // the top of the last page).
    let closing_before = marker_at(views, Mark::Signature).is_some_and(|s| s.page + 1 == last);
    let alone = views[last].marker(Mark::Attachment).is_none()
        && !flow.on_page(last).iter().any(|(at, _)| at.y < imprint.y);
    if closing_before && alone {
        out.push(Fault {
            rule: Rule::ImprintAlone,
            page: last + 1,
            message: "the page holds only the 版记".into(),
            weight: 3.0,
        });
    }
}

fn closing(views: &[PageView], flow: &Flow, out: &mut Vec<Fault>) {
    let Some(s) = marker_at(views, Mark::Signature) else {
        return;
    };
    if s.page == 0 {
        return;
    }
    if !flow.on_page(s.page).iter().any(|(at, _)| at.y < s.y) {
        out.push(Fault {
            rule: Rule::ClosingAlone,
            page: s.page + 1,
            message: "the 署名 starts the page with no text of the body above it".into(),
            weight: 100.0,
        });
        return;
    }
    // The 署名's page holds two lines of the body: not only the closing
    // (a 附件说明, a 纪要's attendance running over).
    let (Some(body), Some(closing)) = (
        marker_at(views, Mark::Block(0)),
        marker_at(views, Mark::Closing),
    ) else {
        return;
    };
    if body.page == s.page {
        return;
    }
    let above = flow
        .on_page(s.page)
        .iter()
        .filter(|(at, _)| *at > body && *at < closing)
        .count();
    if above < 2 {
        let what = if above == 0 {
            "no line of the body: only the closing"
        } else {
            "a single line of the body above the closing"
        };
        out.push(Fault {
            rule: Rule::ClosingBare,
            page: s.page + 1,
            message: format!("the page of the 署名 holds {what}"),
            weight: if above == 0 { 60.0 } else { 40.0 },
        });
    }
}

fn widows(document: &Document, views: &[PageView], flow: &Flow, out: &mut Vec<Fault>) {
    for span in block_spans(document, views) {
        if !matches!(document.body[span.index], Block::Paragraph { .. }) {
            continue;
        }
        let lines = flow.between(span.start, span.end);
        let pages: Vec<usize> = lines.iter().map(|(at, _)| at.page).collect();
        let (Some(&first), Some(&last)) = (pages.first(), pages.last()) else {
            continue;
        };
        let count = |p: usize| pages.iter().filter(|&&q| q == p).count();
        if first != last && count(first) == 1 {
            out.push(widow(
                first,
                "ends with the first line of a paragraph alone",
            ));
        }
        if first != last && count(last) == 1 {
            let text: String = lines.last().map(|(_, l)| l.text()).unwrap_or_default();
            out.push(widow(
                last,
                &format!("starts with the last line of a paragraph alone (`{text}`)"),
            ));
        }
    }
}

fn widow(page: usize, what: &str) -> Fault {
    Fault {
        rule: Rule::Widow,
        page: page + 1,
        message: format!("the page {what}"),
        weight: 20.0,
    }
}

fn page_ends(views: &[PageView], flow: &Flow, turned: &[usize], out: &mut Vec<Fault>) {
    let pitch = crate::gbt9704::GEOMETRY.pitch();
    for (i, view) in views.iter().enumerate() {
        let Some(next) = views.get(i + 1) else { break };
        let next_lines = flow.on_page(i + 1);
        let exempt = next.marker(Mark::Attachment).is_some()
            || turned.contains(&(i + 1))
            || turned.contains(&i)
            || next_lines.iter().all(|(_, l)| l.size < size::SANHAO - 0.01);
        let lines = flow.on_page(i);
        let last = lines
            .iter()
            .filter(|(_, l)| !l.text().starts_with('—'))
            .max_by(|a, b| a.0.y.total_cmp(&b.0.y));
        let Some((_, last)) = last else { continue };
        if exempt {
            continue;
        }
        let empty = empty_lines_after(last);
        if empty > MAX_EMPTY_LINES + 0.05 {
            out.push(Fault {
                rule: Rule::PageEnd,
                page: view.number,
                message: format!("the page ends with {empty:.1} empty lines before more body text"),
                weight: 5.0 * (empty - MAX_EMPTY_LINES),
            });
        }
        // Never ends after the 主送 or a heading alone: the last element to
        // start on the page is one of them, in its last two lines.
        let last_start = view
            .markers
            .iter()
            .filter(|m| {
                matches!(
                    m.mark,
                    Mark::To | Mark::Heading | Mark::Table | Mark::Block(_)
                )
            })
            .max_by(|a, b| a.y.total_cmp(&b.y));
        if let Some(m) = last_start
            && matches!(m.mark, Mark::To | Mark::Heading)
            && m.y > last.baseline - 2.0 * pitch
        {
            let what = if m.mark == Mark::To {
                "the 主送"
            } else {
                "a heading"
            };
            out.push(Fault {
                rule: Rule::LeadAlone,
                page: view.number,
                message: format!("the page ends with {what} alone"),
                weight: 30.0,
            });
        }
    }
}
