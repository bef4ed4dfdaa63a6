//! Measurements of laid-out pages that hold for any renderer: notice's own
//! PDFs (`tests/awkward.rs`) and LibreOffice's renders of notice's Word
//! files (`tests/docx.rs`) are held to the same rules. Each returns what it
//! found wrong, so a test can report every problem of every document.

use super::pdf::{Glyph, Line, Pdf};
use super::{BODY_BOTTOM, BODY_RIGHT, CELL, MARGIN_LEFT, MARGIN_TOP, PITCH};

/// A page whose content is turned: glyphs set sideways (notice's PDF keeps
/// the page upright) or a landscape page (a Word file's turned section).
pub fn turned(pdf: &Pdf, page: usize) -> bool {
    let (w, h) = pdf.page_sizes[page - 1];
    w > h
        || pdf
            .glyphs
            .iter()
            .any(|g| g.page == page && g.angle.abs() > 1.0)
}

pub fn page_number(line: &Line) -> bool {
    line.text().starts_with('—')
}

/// Lines of a page's content: not its page number.
pub fn content(pdf: &Pdf, page: usize) -> Vec<Line> {
    pdf.lines(page)
        .into_iter()
        .filter(|l| !page_number(l) && l.y < BODY_BOTTOM + 2.0)
        .collect()
}

pub fn em_bottom(line: &Line) -> f64 {
    line.glyphs
        .iter()
        .map(Glyph::em_bottom)
        .fold(f64::MIN, f64::max)
}

fn body_text(line: &Line) -> bool {
    line.glyphs
        .iter()
        .any(|g| g.font.contains("FandolFang") && (g.size - 16.0).abs() < 0.1)
}

/// The end of a page that body text follows on the next one.
#[derive(Debug)]
pub struct PageEnd {
    pub page: usize,
    /// Whole grid lines left empty under the last line.
    pub empty: f64,
    pub last: String,
    /// The last line is a heading (黑体 or 楷体 from end to end).
    pub heading: bool,
}

/// Every page followed by body text, with how it ends. Pages before an
/// attachment (its label heads the next page), before a page of 版记 only,
/// and turned pages are not counted.
pub fn page_ends(pdf: &Pdf) -> Vec<PageEnd> {
    let mut ends = Vec::new();
    for page in 1..pdf.pages {
        if turned(pdf, page) || turned(pdf, page + 1) {
            continue;
        }
        let next = content(pdf, page + 1);
        let attachment = next.first().is_some_and(|l| l.text().starts_with("附件"));
        if attachment || !next.iter().any(body_text) {
            continue;
        }
        let lines = content(pdf, page);
        let Some(last) = lines.iter().max_by(|a, b| a.y.total_cmp(&b.y)) else {
            ends.push(PageEnd {
                page,
                empty: 22.0,
                last: String::new(),
                heading: false,
            });
            continue;
        };
        ends.push(PageEnd {
            page,
            empty: ((BODY_BOTTOM - em_bottom(last)) / PITCH + 0.05).floor(),
            last: last.text(),
            heading: last
                .glyphs
                .iter()
                .all(|g| g.font.contains("FandolHei") || g.font.contains("FandolKai")),
        });
    }
    ends
}

/// Body lines (仿宋 from end to end, above the 署名) on the page of the
/// line that holds `date`.
pub fn body_lines_above_the_closing(pdf: &Pdf, date: &str) -> usize {
    let date = pdf.find_line(date);
    content(pdf, date.page)
        .into_iter()
        .filter(|l| l.y < date.y - 2.5 * PITCH)
        .filter(|l| l.glyphs.iter().all(|g| g.font.contains("FandolFang")))
        .count()
}

/// A seal: the union of red shapes, strokes and pictures that touch,
/// larger than 10mm (the header's red rule is thinner).
#[derive(Debug)]
pub struct Seal {
    pub page: usize,
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
}

/// Seal red: a 签名章 may be a darker red than the mark.
pub fn seal_red(c: [f64; 3]) -> bool {
    c[0] > 0.6 && c[1] < 0.2 && c[2] < 0.2
}

/// The seals of a document: red vector art, and pictures (a Word file's
/// seals are bitmaps; a page holds no other picture).
pub fn seals(pdf: &Pdf) -> Vec<Seal> {
    let mut seals: Vec<Seal> = Vec::new();
    let shapes = pdf
        .shapes
        .iter()
        .filter(|s| seal_red(s.color))
        .map(|s| (s.page, s.left, s.top, s.right, s.bottom));
    let strokes = pdf.rules.iter().filter(|r| seal_red(r.color)).map(|r| {
        let w = r.weight / 2.0;
        (
            r.page,
            r.x1.min(r.x2) - w,
            r.y1.min(r.y2) - w,
            r.x1.max(r.x2) + w,
            r.y1.max(r.y2) + w,
        )
    });
    let pictures = pdf
        .pictures
        .iter()
        .map(|p| (p.page, p.left, p.top, p.left + p.width, p.top + p.height));
    for (page, left, top, right, bottom) in shapes.chain(strokes).chain(pictures) {
        let mut new = Seal {
            page,
            left,
            top,
            right,
            bottom,
        };
        // Merge with every seal it touches (repeat: merging can join two).
        while let Some(at) = seals.iter().position(|o| {
            o.page == new.page
                && o.left <= new.right
                && new.left <= o.right
                && o.top <= new.bottom
                && new.top <= o.bottom
        }) {
            let o = seals.remove(at);
            new = Seal {
                page: new.page,
                left: new.left.min(o.left),
                top: new.top.min(o.top),
                right: new.right.max(o.right),
                bottom: new.bottom.max(o.bottom),
            };
        }
        seals.push(new);
    }
    seals.retain(|s| s.right - s.left > 10.0 && s.bottom - s.top > 4.0);
    seals
}

/// Seals that leave the 版心, touch a black rule, or cover a line other
/// than the 署名, the date or the 附注 under it.
pub fn seal_problems(pdf: &Pdf, name: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for s in seals(pdf) {
        let what = format!(
            "{name}: the seal on page {} ({:.1}–{:.1}mm down, {:.1}–{:.1}mm across)",
            s.page, s.top, s.bottom, s.left, s.right
        );
        if s.left < MARGIN_LEFT - 0.1 || s.right > BODY_RIGHT + 0.1 {
            problems.push(format!("{what} leaves the 版心 sideways"));
        }
        if s.top < MARGIN_TOP - 0.1 || s.bottom > BODY_BOTTOM + 0.1 {
            problems.push(format!("{what} leaves the 版心"));
        }
        for r in pdf
            .rules
            .iter()
            .filter(|r| r.page == s.page && !seal_red(r.color))
        {
            let (x1, x2) = (r.x1.min(r.x2), r.x1.max(r.x2));
            if r.y1.max(r.y2) >= s.top
                && r.y1.min(r.y2) <= s.bottom
                && x1 <= s.right
                && x2 >= s.left
            {
                problems.push(format!("{what} touches a rule at {:.1}mm", r.y1));
            }
        }
        for line in pdf.lines(s.page) {
            let under = line.glyphs.iter().any(|g| {
                g.x < s.right
                    && g.right() > s.left
                    && g.em_top() < s.bottom
                    && g.em_bottom() > s.top
            });
            if !under {
                continue;
            }
            let text = line.text();
            let date = text.contains('年') && text.ends_with('日');
            let note = text.starts_with('（');
            let signature = line.left() > MARGIN_LEFT + 2.5 * CELL && !text.contains(['，', '。']);
            if !(date || note || signature) {
                problems.push(format!("{what} covers {text:?}"));
            }
        }
    }
    problems
}

/// Glyphs outside the 版心, but page numbers and a 信函's header above it.
pub fn outside_the_body_area(pdf: &Pdf, name: &str, letter: bool) -> Vec<String> {
    let mut problems = Vec::new();
    for page in 1..=pdf.pages {
        for line in pdf.lines(page) {
            // A 信函's mark stands 30mm from the top edge, above the 版心.
            let letter_header =
                letter && page == 1 && line.glyphs.iter().any(|g| g.em_top() < MARGIN_TOP);
            if page_number(&line) || letter_header {
                continue;
            }
            let (w, h) = pdf.page_sizes[page - 1];
            // A turned page's 版心: the upright one, turned a quarter
            // (its top at the turned page's left, its left at the top).
            let (left, right, top, bottom) = if w > h {
                (w - BODY_BOTTOM, w - MARGIN_TOP, MARGIN_LEFT, BODY_RIGHT)
            } else {
                (MARGIN_LEFT, BODY_RIGHT, MARGIN_TOP, BODY_BOTTOM)
            };
            for g in &line.glyphs {
                if g.x < left - 0.1 || g.right() > right + 0.1 {
                    problems.push(format!(
                        "{name} p{page}: {:?} of {:?} spans {:.2}–{:.2}mm",
                        g.ch,
                        line.text(),
                        g.x,
                        g.right()
                    ));
                }
                if g.em_top() < top - 0.5 || g.em_bottom() > bottom + 0.5 {
                    problems.push(format!(
                        "{name} p{page}: {:?} of {:?} at {:.2}mm down",
                        g.ch,
                        line.text(),
                        g.y
                    ));
                }
            }
        }
        // Turned text on an upright page: its origin inside the 版心.
        for g in pdf
            .glyphs
            .iter()
            .filter(|g| g.page == page && g.angle.abs() > 1.0)
        {
            if g.x < MARGIN_LEFT - CELL
                || g.x > BODY_RIGHT + CELL
                || g.y < MARGIN_TOP - CELL
                || g.y > BODY_BOTTOM + CELL
            {
                problems.push(format!(
                    "{name} p{page}: turned {:?} at ({:.1}, {:.1})",
                    g.ch, g.x, g.y
                ));
            }
        }
    }
    problems
}

/// Pairs of glyphs that overlap by more than 0.3mm in both directions.
pub fn overprints(pdf: &Pdf, name: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for page in 1..=pdf.pages {
        let mut glyphs: Vec<&Glyph> = pdf
            .glyphs
            .iter()
            .filter(|g| g.page == page && g.angle.abs() < 1.0 && !g.ch.is_whitespace())
            .collect();
        glyphs.sort_by(|a, b| a.x.total_cmp(&b.x));
        for (i, a) in glyphs.iter().enumerate() {
            for b in glyphs[i + 1..].iter().take_while(|b| b.x < a.right() - 0.3) {
                let across = a.right().min(b.right()) - b.x;
                let down = a.em_bottom().min(b.em_bottom()) - a.em_top().max(b.em_top());
                if across >= 0.3 && down >= 0.3 {
                    problems.push(format!(
                        "{name} p{page}: {:?} and {:?} overlap at ({:.1}, {:.1})",
                        a.ch, b.ch, b.x, b.y
                    ));
                }
            }
        }
    }
    problems
}

/// What a page set prints against its text twin: the twin's characters it
/// does not print, and the characters it prints beyond the twin's (white
/// space aside; a table's header row printed again on each page is extra).
pub fn missing_and_extra(printed: &[char], twin: &str) -> (String, String) {
    use std::collections::BTreeMap;
    let mut counts: BTreeMap<char, i64> = BTreeMap::new();
    for &c in printed.iter().filter(|c| !c.is_whitespace()) {
        *counts.entry(c).or_default() += 1;
    }
    for c in twin.chars().filter(|c| !c.is_whitespace()) {
        *counts.entry(c).or_default() -= 1;
    }
    let mut missing = String::new();
    let mut extra = String::new();
    for (c, n) in counts {
        let out = if n < 0 { &mut missing } else { &mut extra };
        for _ in 0..n.unsigned_abs() {
            out.push(c);
        }
    }
    (missing, extra)
}

/// A 纪要's attendance lines (出席, 请假, 列席) that do not start 左空二字,
/// and names split over two lines; and how many lines were found.
pub fn attendance_problems(pdf: &Pdf, twin: &str) -> (Vec<String>, usize) {
    let mut problems = Vec::new();
    let mut seen = 0;
    let lines: Vec<Line> = pdf.all_lines();
    let texts: Vec<String> = lines.iter().map(Line::text).collect();
    for label in ["出席：", "请假：", "列席："] {
        let Some(line) = lines.iter().find(|l| l.text().starts_with(label)) else {
            continue;
        };
        seen += 1;
        let indent = line.left() - MARGIN_LEFT;
        if (indent - 2.0 * CELL).abs() > 0.3 {
            problems.push(format!("{label} starts {indent:.2}mm in, not 左空二字"));
        }
        let Some(names) = twin
            .lines()
            .find(|l| l.trim_start_matches('\u{3000}').starts_with(label))
        else {
            problems.push(format!("{label} is not in the twin"));
            continue;
        };
        for name in names.trim_start_matches('\u{3000}')[label.len()..]
            .split(['，', '、', ' ', '\u{3000}'])
            .filter(|n| !n.is_empty())
        {
            if !texts.iter().any(|l| l.contains(name)) {
                problems.push(format!("{name} is split across lines"));
            }
        }
    }
    (problems, seen)
}

/// Table cells that notice keeps on one line (dates without their year,
/// numbers, cells of four characters or fewer) but that a page breaks
/// across lines; and how many were checked.
pub fn broken_cells(pdf: &Pdf, twin: &str) -> (Vec<String>, usize) {
    let is_whole = |cell: &str| {
        let n = cell.chars().count();
        let number = cell
            .chars()
            .all(|c| c.is_ascii_digit() || ".,:/%+-".contains(c));
        let date = cell.ends_with('日') && cell.contains('月') && !cell.contains('年');
        n > 0 && (n <= 4 || number) || date
    };
    let table_lines: Vec<String> = pdf
        .all_lines()
        .into_iter()
        .filter(|l| l.glyphs.iter().all(|g| g.size < 15.5))
        .map(|l| l.text().replace(' ', ""))
        .collect();
    let mut broken = Vec::new();
    let mut checked = 0;
    for row in twin.lines().filter(|l| l.contains('\t')) {
        for cell in row.split('\t').map(str::trim).filter(|c| is_whole(c)) {
            let cell = cell.replace(' ', "");
            if !table_lines.iter().any(|l| l.contains(&cell)) {
                broken.push(cell.clone());
            }
            checked += 1;
        }
    }
    (broken, checked)
}
