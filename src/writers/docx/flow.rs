//! What the Word file takes from notice's own pages, so that a word
//! processor lays it out as the PDF is laid out.
//!
//! - The page that holds the 署名 is set tighter where notice's layout
//!   tightened it (GB/T 9704 7.3.5.4: adjust the line spacing rather than
//!   leave the 署名 alone on a page).
//! - Text after a table goes back to the grid from where the table ends.
//! - Word and WPS break lines as notice does, but LibreOffice puts about a
//!   fifth of an em between a run of digits or Latin letters and a
//!   Chinese character either side of it (a Word file cannot turn that
//!   off there), so a line that holds such a run and fills the 版心 would
//!   spill a character, its paragraph would take a line more, and every
//!   later page would run a line behind. Such a paragraph is set a little
//!   closer (GB/T 9704 7.3.5.4's 字距), at most 0.2pt a character more,
//!   which no line of the Word file fills with another character. Where
//!   that is not enough, the closing's page gets room for the lines the
//!   body may run behind, at most as tight as notice sets a page.
//!
//! Nothing else of the layout is imposed: no page break is written, so a
//! clerk's edits reflow as in any Word file.

use crate::gbt9704::{GEOMETRY, size};
use crate::model::{Block, Document};
use crate::typeset::Laid;
use crate::typeset::fit::MIN_FACTOR;
use crate::typeset::markers::Mark;
use crate::typeset::pages::Line;

use super::styles::BODY_SPACING;
use super::{CHAR, TW_PER_MM, text_width};

/// The room kept where notice tightened the page and nothing runs longer:
/// what rounding exact line heights to twips may take, in lines.
const ROUNDING: f64 = 0.25;

/// LibreOffice's space between a run of digits or Latin letters and a
/// Chinese character either side of it, in ems (measured: 1.27mm at 3号,
/// a little over a fifth of a character).
pub const AUTOSPACE_EM: f64 = 0.225;

/// How many of those spaces LibreOffice puts in a line of `text`.
pub fn autospaces(text: &str) -> usize {
    let cjk = |c: char| !c.is_ascii() && c.is_alphabetic();
    let chars: Vec<char> = text.chars().collect();
    chars
        .windows(2)
        .filter(|w| {
            (w[0].is_ascii_alphanumeric() && cjk(w[1]))
                || (cjk(w[0]) && w[1].is_ascii_alphanumeric())
        })
        .count()
}

/// The closest a paragraph is set, in twips a character (the body's
/// 0.25pt, and 0.2pt more): 29 Chinese characters still overfill a line.
const CLOSEST: i32 = BODY_SPACING - 4;

/// What the Word file takes from notice's pages.
#[derive(Debug, Default)]
pub struct Plan {
    /// The closing's page, set tighter.
    pub tight: Option<Tight>,
    /// Pages of the body notice tightened alone, before the closing's.
    pub earlier: Vec<Tight>,
    /// Where each table ends, in mm under the 版心's top of its page, in
    /// document order (none on a turned page): the text after it goes back
    /// to the grid from there.
    pub table_ends: Vec<Option<f64>>,
    /// The character spacing (twips) of body blocks set closer, by index.
    pub closer: Vec<Option<i32>>,
    /// The 附件说明's character spacing, if it is set closer.
    pub notes_closer: Option<i32>,
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
                    .filter(|m| m.mark == Mark::TableEnd)
                    .map(move |m| (!turned).then_some(m.y - GEOMETRY.margin_top))
            })
            .collect();
        let pages = Marks::of(laid);
        let mut behind = 0.0;
        let closer = (0..doc.body.len())
            .map(|i| {
                if !matches!(doc.body[i], Block::Paragraph { .. } | Block::Heading(_)) {
                    return None;
                }
                let (spacing, runs_over) = closer_spacing(&pages.lines_of_block(i));
                behind += runs_over;
                spacing
            })
            .collect();
        // Each line of the 附件说明 is a paragraph of its own.
        let (notes_closer, notes_over) = match (pages.at(Mark::Closing), pages.at(Mark::Signature))
        {
            (Some(from), Some(to)) => pages
                .lines_between(from, to)
                .chunks(1)
                .map(closer_spacing)
                .fold((None, 0.0), |(s, over), (s2, over2)| {
                    (s.into_iter().chain(s2).min(), over + over2)
                }),
            _ => (None, 0.0),
        };
        let earlier = match laid.fits.split_last() {
            Some((_, before)) => before
                .iter()
                .filter(|f| f.factor < 1.0)
                .map(|f| Tight {
                    from: f.block,
                    factor: f.factor,
                    until: f.until,
                })
                .collect(),
            None => Vec::new(),
        };
        Plan {
            tight: tight(doc, laid, &pages, behind + notes_over),
            earlier,
            table_ends,
            closer,
            notes_closer,
        }
    }
}

/// notice's pages as the plan reads them: where each element starts,
/// and the body's lines.
struct Marks {
    /// (marker, page, mm from the top), in the order they were laid out.
    marks: Vec<(Mark, usize, f64)>,
    /// Each page's 3号 lines in the 版心 (none on a turned page).
    lines: Vec<Vec<Line>>,
}

impl Marks {
    fn of(laid: &Laid) -> Marks {
        let marks = laid
            .views
            .iter()
            .enumerate()
            .flat_map(|(page, view)| view.markers.iter().map(move |m| (m.mark, page, m.y)))
            .collect();
        let lines = laid
            .views
            .iter()
            .enumerate()
            .map(|(page, view)| {
                if laid.turned.contains(&page) {
                    return Vec::new();
                }
                view.lines()
                    .into_iter()
                    .filter(|l| {
                        (l.size - size::SANHAO).abs() < 0.1 && l.baseline < GEOMETRY.body_bottom()
                    })
                    .collect()
            })
            .collect();
        Marks { marks, lines }
    }

    fn at(&self, mark: Mark) -> Option<(usize, f64)> {
        self.marks
            .iter()
            .find(|(m, _, _)| *m == mark)
            .map(|(_, page, y)| (*page, *y))
    }

    /// The 3号 lines of body block `i`: from its marker to the next one.
    fn lines_of_block(&self, i: usize) -> Vec<Line> {
        let Some(at) = self.marks.iter().position(|(m, _, _)| *m == Mark::Block(i)) else {
            return Vec::new();
        };
        let from = (self.marks[at].1, self.marks[at].2);
        let to = self.marks[at + 1..]
            .iter()
            .find(|(m, _, _)| matches!(m, Mark::Block(_) | Mark::BodyEnd | Mark::Closing))
            .map_or((usize::MAX, 0.0), |(_, page, y)| (*page, *y));
        self.lines_between(from, to)
    }

    /// The 3号 lines of upright pages between two places (page, mm).
    fn lines_between(&self, from: (usize, f64), to: (usize, f64)) -> Vec<Line> {
        self.lines
            .iter()
            .enumerate()
            .skip(from.0)
            .take_while(|(page, _)| *page <= to.0)
            .flat_map(|(page, lines)| {
                lines.iter().filter(move |l| {
                    let at = (page, l.baseline);
                    at > from && at < to
                })
            })
            .cloned()
            .collect()
    }
}

/// How LibreOffice would set a line of notice's: its width in twips at a
/// character spacing of `spacing` with its spaces around digits, and the
/// room it has up to the 版心's right edge.
fn in_libreoffice(line: &Line, spacing: i32) -> (f64, f64) {
    let text = line.text();
    let chars: Vec<char> = text.chars().collect();
    let spaces = autospaces(&text) as f64 * AUTOSPACE_EM * f64::from(CHAR);
    let width: f64 = chars
        .iter()
        .map(|&c| f64::from(text_width(c.encode_utf8(&mut [0; 4])) + spacing - BODY_SPACING))
        .sum();
    // A twip a character to spare: LibreOffice's measures round.
    let room = (GEOMETRY.body_right() - line.left()) * TW_PER_MM - chars.len() as f64;
    (width + spaces, room)
}

/// The character spacing (twips) that keeps a paragraph's lines within
/// the 版心 in LibreOffice, if it needs one closer than the body's (no
/// closer than [`CLOSEST`]); and whether it would still take a line more
/// there: a line that does not fit sends its last character on, down to a
/// line with room for it or past the paragraph's last line.
fn closer_spacing(lines: &[Line]) -> (Option<i32>, f64) {
    let needed = lines
        .iter()
        .filter_map(|line| {
            let (width, room) = in_libreoffice(line, BODY_SPACING);
            let chars = line.text().chars().count().max(1) as f64;
            (width > room).then(|| BODY_SPACING - ((width - room) / chars).ceil() as i32)
        })
        .min();
    let spacing = needed.map(|s| s.max(CLOSEST));
    let mut carried = 0.0;
    for line in lines {
        let (width, room) = in_libreoffice(line, spacing.unwrap_or(BODY_SPACING));
        let over = width + carried - room;
        carried = if over > 0.0 {
            over.max(f64::from(CHAR))
        } else {
            0.0
        };
    }
    (spacing, if carried > 0.0 { 1.0 } else { 0.0 })
}

/// Body blocks from `from` on (before `until`, when notice tightened one
/// page in the body; else the closing too), set at `factor` times the
/// grid's pitch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tight {
    pub from: usize,
    pub factor: f64,
    pub until: Option<usize>,
}

impl Tight {
    /// Whether body block `i` is set tighter.
    pub fn holds(&self, i: usize) -> bool {
        i >= self.from && self.until.is_none_or(|u| i < u)
    }

    /// The pitch factor of the closing.
    pub fn closing_factor(&self) -> f64 {
        if self.until.is_some() {
            1.0
        } else {
            self.factor
        }
    }
}

/// Where notice's pages ask the Word file to tighten, if they do: the
/// closing's page holds what notice set on it and the lines the body may
/// run `behind`, with a little room where notice tightened it, at most as
/// tight as notice sets a page.
fn tight(doc: &Document, laid: &Laid, marks: &Marks, behind: f64) -> Option<Tight> {
    // A fit that only closes up character spacing (字距) changes no pitch.
    let fit = laid.fits.last().filter(|f| f.squeeze.is_empty());
    let (page, end) = marks.at(Mark::ClosingEnd)?;
    let starts: Vec<Option<(usize, f64)>> = (0..doc.body.len())
        .map(|i| marks.at(Mark::Block(i)))
        .collect();
    let pitch = GEOMETRY.pitch();
    // A tightening that starts before the closing's page (the search
    // spread it over two, or tightened page 1 under its title): the Word
    // file takes the PDF's factor from the same block.
    if let Some(fit) = fit.filter(|f| f.factor < 1.0)
        && starts
            .get(fit.block)
            .copied()
            .flatten()
            .is_some_and(|(p, _)| p < page)
    {
        return Some(Tight {
            from: fit.block,
            factor: fit.factor,
            until: fit.until,
        });
    }
    let set_at = fit.map_or(pitch, |fit| pitch * fit.factor);
    // Where the tightened text starts: the block notice tightened from, or
    // the first that starts on the closing's page, or the one that runs
    // onto it; and where on the page that is (mm, in notice's layout).
    let (from, top) = match fit {
        // A fit without a page break tightens page 1 from the body's start.
        Some(fit) if !fit.page_break => (
            fit.block,
            starts
                .get(fit.block)
                .copied()
                .flatten()
                .map_or(GEOMETRY.margin_top, |(_, y)| y),
        ),
        Some(fit) => (fit.block, GEOMETRY.margin_top),
        None => {
            let from = starts
                .iter()
                .position(|s| s.is_some_and(|(p, _)| p == page))
                .or_else(|| {
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
    let slack = match fit {
        _ if behind > 0.0 && behind > spare => behind,
        Some(_) => ROUNDING,
        None => return None,
    };
    // Where notice broke the page inside a paragraph, that paragraph's
    // lines before the break would be tightened too (a paragraph has one
    // line spacing): tighten from the next block instead, its lines on
    // the page kept on the grid, while that stays within notice's limit.
    if let Some(fit) = fit.filter(|f| f.at.is_some())
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
                until: None,
            });
        }
    }
    let factor = (GEOMETRY.body_bottom() - top) / ((lines + slack) * pitch);
    (lines >= 1.0 && factor < 1.0).then(|| Tight {
        from,
        factor: factor.max(MIN_FACTOR),
        until: None,
    })
}
