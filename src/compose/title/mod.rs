//! Titles: where a title breaks between lines.
//!
//! GB/T 9704 asks that a title of several lines never break inside a word
//! and that its lines form a trapezoid or a diamond. Chinese has no spaces,
//! so the title is cut into words with jieba, a compact general word list
//! and a list of 公文 terms (`terms.txt`: 地质灾害, 重大危险源 …); the
//! issuers' names and the plan's own `title_words` are never cut. A line
//! break typed in the title is kept as it is. Otherwise the lines are
//! chosen among the breaks between words: as few lines as fit, balanced,
//! never an hourglass, no line ending with an opening mark or starting with
//! a closing one.

use std::sync::LazyLock;

use jieba_rs::Jieba;

use crate::gbt9704::{GEOMETRY, PT_PER_MM, size};
use crate::model::Title;

static WORDS: &str = include_str!("words.txt");
static TERMS: &str = include_str!("terms.txt");

static JIEBA: LazyLock<Jieba> = LazyLock::new(|| {
    let mut jieba = Jieba::empty();
    jieba
        .load_dict(&mut WORDS.as_bytes())
        .expect("the embedded title word list is valid");
    for term in terms() {
        // Frequent enough to win over the pieces the general list has.
        jieba.add_word(term, Some(200_000), None);
    }
    jieba
});

fn terms() -> impl Iterator<Item = &'static str> {
    TERMS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Loads the word list (a few milliseconds); call it on a spare thread
/// early, before a title is needed.
pub fn warm_up() {
    LazyLock::force(&JIEBA);
}

/// The widest title line, in ems of the 2号 title size.
fn max_line() -> f64 {
    (GEOMETRY.body_width * PT_PER_MM / size::ERHAO).floor()
}

/// Opening marks a line may not end with, closing marks it may not start
/// with.
const OPENING: &str = "（《“‘「『【〔〖(";
const CLOSING: &str = "，。、；：？！）》”’」』】〕〗)";

/// The title of `text`: its words and its lines. `names` (issuers, the
/// plan's `title_words`) are never broken.
pub fn title(text: &str, names: &[String]) -> Title {
    let text = text.trim();
    if text.contains('\n') {
        // Broken by hand: the clerk's lines, as typed.
        let lines: Vec<String> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        let joined = lines.concat();
        return Title {
            words: words(&joined, names),
            text: joined,
            lines,
        };
    }
    let words = words(text, names);
    let lines = balance(&words, max_line());
    Title {
        text: text.to_string(),
        words,
        lines,
    }
}

/// The pieces a title may break between.
fn words(text: &str, names: &[String]) -> Vec<String> {
    let mut pieces: Vec<&str> = Vec::new();
    for part in split_names(text, names) {
        match part {
            Part::Name(name) => pieces.push(name),
            Part::Text(rest) => pieces.extend(JIEBA.cut(rest, true).into_iter().map(|t| t.word)),
        }
    }
    let mut words: Vec<String> = Vec::new();
    for word in pieces {
        let glue = match (words.last(), word.chars().next()) {
            // Keep numbers with their unit (`2020年`, `11号`), closing marks
            // with the word before, opening marks with the word after.
            (Some(prev), Some(first)) => {
                (prev.chars().last().is_some_and(|c| c.is_ascii_digit())
                    && !first.is_ascii_digit()
                    && "年月日号届次个项条期批".contains(first))
                    || CLOSING.contains(first)
                    || prev.chars().last().is_some_and(|c| OPENING.contains(c))
                    || (first.is_ascii_digit()
                        && prev.chars().last().is_some_and(|c| c.is_ascii_digit()))
            }
            _ => false,
        };
        match words.last_mut() {
            Some(prev) if glue => prev.push_str(word),
            _ => words.push(word.to_string()),
        }
    }
    words
}

/// Width of a piece of title text in ems: full-width characters one em,
/// Latin letters and digits about half.
pub fn width(s: &str) -> f64 {
    s.chars()
        .map(|c| match c {
            ' ' => 0.3,
            c if c.is_ascii_digit() => 0.55,
            c if c.is_ascii() => 0.6,
            _ => 1.0,
        })
        .sum()
}

/// The lines of a title: as few as fit `max` ems, the most balanced of
/// those shapes that are a trapezoid or a diamond.
fn balance(words: &[String], max: f64) -> Vec<String> {
    let widths: Vec<f64> = words.iter().map(|w| width(w)).collect();
    let total: f64 = widths.iter().sum();
    if total <= max || words.len() < 2 {
        return vec![words.concat()];
    }
    let fewest = (total / max).ceil() as usize;
    for count in fewest.max(2)..=words.len() {
        let mut search = Search {
            words,
            widths: &widths,
            max,
            count,
            mean: total / count as f64,
            best: None,
            budget: SEARCH_BUDGET,
        };
        // The additive part of the cost, solved exactly, bounds the
        // exhaustive search from the start; when the budget runs out on a
        // very long title, its lines are the answer.
        let seed = search.balanced();
        if let Some(breaks) = &seed {
            search.best = Some((search.cost_of(breaks), breaks.clone()));
        }
        search.run(0, &mut Vec::new(), 0.0, 0.0);
        if let Some((_, breaks)) = search.best {
            let bounds: Vec<usize> = std::iter::once(0)
                .chain(breaks.into_iter().take(count - 1))
                .chain([words.len()])
                .collect();
            return bounds
                .windows(2)
                .map(|b| words[b[0]..b[1]].concat())
                .collect();
        }
    }
    vec![words.concat()]
}

/// Lines of the exhaustive search visited before it settles for the best
/// found: a title of four or five lines needs a few thousand.
const SEARCH_BUDGET: usize = 200_000;

/// Exhaustive search over the breaks of a title into `count` lines, pruned
/// by the line width and by the best cost found so far.
struct Search<'a> {
    words: &'a [String],
    widths: &'a [f64],
    max: f64,
    count: usize,
    mean: f64,
    /// The cost and the line ends (the last is `words.len()`).
    best: Option<(f64, Vec<usize>)>,
    budget: usize,
}

impl Search<'_> {
    /// `spread` is the squared distance from the mean of the lines so
    /// far: it only grows, so a branch already past the best is cut.
    fn run(&mut self, start: usize, breaks: &mut Vec<usize>, penalty: f64, spread: f64) {
        if self.budget == 0 {
            return;
        }
        self.budget -= 1;
        if self.count > 2
            && let Some((best, _)) = &self.best
            && spread + penalty >= *best
        {
            return;
        }
        let lines_left = self.count - breaks.len();
        if lines_left == 1 {
            let width: f64 = self.widths[start..].iter().sum();
            if width <= self.max {
                breaks.push(self.words.len());
                let cost = self.cost(breaks) + penalty;
                if self.best.as_ref().is_none_or(|(best, _)| cost < *best) {
                    self.best = Some((cost, breaks.clone()));
                }
                breaks.pop();
            }
            return;
        }
        let mut width = 0.0;
        for end in start + 1..=self.words.len() - (lines_left - 1) {
            width += self.widths[end - 1];
            if width > self.max {
                break;
            }
            let Some(p) = self.break_penalty(end) else {
                continue;
            };
            breaks.push(end);
            let spread = spread + (width - self.mean).powi(2);
            self.run(end, breaks, penalty + p, spread);
            breaks.pop();
        }
    }

    /// The line ends that minimise the squared distance from the mean plus
    /// the break penalties (dynamic programming over where each line ends).
    fn balanced(&self) -> Option<Vec<usize>> {
        let n = self.words.len();
        let mut prefix = vec![0.0; n + 1];
        for (i, w) in self.widths.iter().enumerate() {
            prefix[i + 1] = prefix[i] + w;
        }
        // best[k][j]: the cheapest k lines covering words[..j], with where
        // the last line starts.
        let mut best = vec![vec![None::<(f64, usize)>; n + 1]; self.count + 1];
        best[0][0] = Some((0.0, 0));
        for k in 1..=self.count {
            for j in k..=n {
                for i in (k - 1..j).rev() {
                    let width = prefix[j] - prefix[i];
                    if width > self.max {
                        break;
                    }
                    let Some((before, _)) = best[k - 1][i] else {
                        continue;
                    };
                    let p = if j == n {
                        0.0
                    } else {
                        match self.break_penalty(j) {
                            Some(p) => p,
                            None => continue,
                        }
                    };
                    let cost = before + (width - self.mean).powi(2) + p;
                    if best[k][j].is_none_or(|(c, _)| cost < c) {
                        best[k][j] = Some((cost, i));
                    }
                }
            }
        }
        best[self.count][n]?;
        let mut ends = vec![n];
        let mut j = n;
        for k in (1..=self.count).rev() {
            let (_, i) = best[k][j]?;
            if k > 1 {
                ends.push(i);
            }
            j = i;
        }
        ends.reverse();
        Some(ends)
    }

    /// The full cost of the line ends `ends`, penalties included.
    fn cost_of(&self, ends: &[usize]) -> f64 {
        let penalties: f64 = ends[..ends.len() - 1]
            .iter()
            .filter_map(|&at| self.break_penalty(at))
            .sum();
        self.cost(ends) + penalties
    }

    /// The cost of breaking before word `at`; `None` where a line may not
    /// break.
    fn break_penalty(&self, at: usize) -> Option<f64> {
        let before = &self.words[at - 1];
        let after = &self.words[at];
        if before.chars().last().is_some_and(|c| OPENING.contains(c))
            || after.chars().next().is_some_and(|c| CLOSING.contains(c))
        {
            return None;
        }
        let mut p = 0.0;
        // A line should not end on a word that leads into the next one.
        if before.ends_with('的')
            || ["关于", "对", "和", "与", "及", "暨"].contains(&before.as_str())
        {
            p += 40.0;
        }
        if after.starts_with('的') {
            p += 8.0;
        }
        Some(p)
    }

    /// Balance and shape of the lines ending at `ends`.
    fn cost(&self, ends: &[usize]) -> f64 {
        let mut lengths = Vec::with_capacity(ends.len());
        let mut start = 0;
        for &end in ends {
            lengths.push(self.widths[start..end].iter().sum::<f64>());
            start = end;
        }
        let mut cost: f64 = lengths.iter().map(|l| (l - self.mean).powi(2)).sum();
        let n = lengths.len();
        if n == 2 {
            // A slightly longer first line (正梯形) reads best.
            let d = lengths[0] - lengths[1];
            cost = (d - 2.0).powi(2) + if d < 0.0 { 6.0 * d * d } else { 0.0 };
        }
        // Never an hourglass: no inner line shorter than both neighbours.
        for i in 1..n.saturating_sub(1) {
            if lengths[i] + 0.5 < lengths[i - 1] && lengths[i] + 0.5 < lengths[i + 1] {
                cost += 1000.0;
            }
        }
        // A last line wider than the one above reads badly.
        if n >= 2 && lengths[n - 1] > lengths[n - 2] + 0.5 {
            cost += 20.0 * (lengths[n - 1] - lengths[n - 2]);
        }
        cost
    }
}

enum Part<'a> {
    Name(&'a str),
    Text(&'a str),
}

/// Cuts `text` at every occurrence of a known name, longest names first.
fn split_names<'a>(text: &'a str, names: &[String]) -> Vec<Part<'a>> {
    let mut names: Vec<&str> = names
        .iter()
        .map(|n| n.trim())
        .filter(|n| n.chars().count() > 1)
        .collect();
    names.sort_by_key(|n| std::cmp::Reverse(n.len()));
    let mut parts = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        // The earliest occurrence of any name (the longest at a tie).
        let found = names
            .iter()
            .filter_map(|n| rest.find(n).map(|at| (at, *n)))
            .min_by_key(|(at, n)| (*at, std::cmp::Reverse(n.len())));
        match found {
            Some((at, name)) => {
                if at > 0 {
                    parts.push(Part::Text(&rest[..at]));
                }
                parts.push(Part::Name(&rest[at..at + name.len()]));
                rest = &rest[at + name.len()..];
            }
            None => {
                parts.push(Part::Text(rest));
                break;
            }
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<String> {
        title(text, &[]).lines
    }

    #[test]
    fn words_cover_the_title_in_order() {
        let t = title(
            "永和镇人民政府关于印发2020年应急管理宣传教育培训工作要点的通知",
            &[],
        );
        assert_eq!(t.words.concat(), t.text);
        assert_eq!(t.lines.concat(), t.text);
        assert!(t.words.contains(&"2020年".to_string()), "{:?}", t.words);
        assert!(t.words.contains(&"人民政府".to_string()), "{:?}", t.words);
    }

    #[test]
    fn terms_are_never_broken() {
        for (title, term) in [
            (
                "某某县应急管理局关于做好2024年汛期地质灾害防御工作的通知",
                "地质灾害",
            ),
            (
                "某某市安全生产委员会关于加强危险化学品企业建设和重大危险源管控工作的通知",
                "重大危险源",
            ),
            (
                "关于进一步加强防灾减灾救灾能力建设推进安全发展示范城市创建的实施意见",
                "防灾减灾",
            ),
        ] {
            let lines = lines(title);
            assert!(lines.len() >= 2, "{lines:?}");
            assert!(
                lines.iter().any(|l| l.contains(term)),
                "{term} split in {lines:?}"
            );
        }
    }

    #[test]
    fn many_lines_make_a_trapezoid_or_a_diamond() {
        let text = "某某省人民政府办公厅关于印发某某省进一步加强安全生产和应急管理工作推动安全发展示范城市创建以及全面提升防灾减灾救灾能力的若干措施的通知";
        let lines = lines(text);
        assert!(lines.len() >= 4, "{lines:?}");
        let widths: Vec<f64> = lines.iter().map(|l| width(l)).collect();
        for i in 1..widths.len() - 1 {
            assert!(
                !(widths[i] + 0.5 < widths[i - 1] && widths[i] + 0.5 < widths[i + 1]),
                "hourglass: {lines:?}"
            );
        }
        assert!(
            widths[widths.len() - 1] <= widths[widths.len() - 2] + 0.5,
            "widest at the bottom: {lines:?}"
        );
        assert!(widths.iter().all(|w| *w <= max_line()));
    }

    #[test]
    fn a_very_long_title_is_broken_in_bounded_time() {
        // The exhaustive search grew sevenfold a line: 17 s at ten lines.
        let text =
            "关于".to_string() + &"做好防汛抗旱和地质灾害防治及安全生产".repeat(40) + "工作的通知";
        let started = std::time::Instant::now();
        let lines = lines(&text);
        // Unoptimised on a loaded 2-core machine this takes about 3 s; the
        // exhaustive search would take hours.
        assert!(
            started.elapsed().as_secs_f64() < 10.0,
            "{:?}",
            started.elapsed()
        );
        assert_eq!(lines.concat(), text);
        assert!(lines.iter().all(|l| width(l) <= max_line()), "{lines:?}");
    }

    #[test]
    fn no_line_ends_opening_or_starts_closing_a_mark() {
        let lines =
            lines("关于认真学习贯彻《中华人民共和国安全生产法》和《中华人民共和国消防法》的通知");
        for l in &lines {
            assert!(!l.ends_with('《') && !l.starts_with('》'), "{lines:?}");
        }
    }

    #[test]
    fn a_typed_line_break_is_kept() {
        let t = title("关于印发某某工作方案\n的通知", &[]);
        assert_eq!(t.lines, ["关于印发某某工作方案", "的通知"]);
        assert_eq!(t.text, "关于印发某某工作方案的通知");
    }

    #[test]
    fn issuer_names_and_plan_words_are_never_broken() {
        let names = [
            "蓬溪县应急管理局".to_string(),
            "蓬溪县消防救援大队".to_string(),
        ];
        let t = title(
            "蓬溪县应急管理局 蓬溪县消防救援大队关于印发工作方案的通知",
            &names,
        );
        assert_eq!(t.words[0], "蓬溪县应急管理局");
        assert!(t.words.contains(&"蓬溪县消防救援大队".to_string()));
        let t = title(
            "关于推进某某高标准农田示范区建设的通知",
            &["农田示范区".to_string()],
        );
        assert!(t.words.contains(&"农田示范区".to_string()), "{:?}", t.words);
    }
}
