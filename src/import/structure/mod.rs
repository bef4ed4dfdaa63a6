//! Recognising a 公文's elements in a draft's lines, in the order GB/T 9704
//! prints them: 版头 (份号, 密级, 紧急程度, 发文机关标志, 发文字号, 签发人),
//! 标题, 主送, 正文 with its four levels of headings and its tables, 附件说明,
//! 署名, 成文日期, 附注, an enclosed document, attachments, 版记. A draft may
//! have any subset; what is not recognised stays body text.

mod attachments;
mod body;
mod header;

use std::sync::LazyLock;

use regex::Regex;

use super::Notes;
use super::draft::{Face, Line};
use super::repair::{DOCUMENT_KIND, ORGANISATION, labelled};
use crate::compose::numbering::explicit_number;
use crate::gbt9704::{DocumentFormat, heading_number};

pub use attachments::default_labels;
use attachments::list_titles;

/// A draft's elements, as the plan will hold them.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Doc {
    pub format: Option<DocumentFormat>,
    pub copy_number: Option<String>,
    pub secrecy: Option<String>,
    pub secrecy_period: Option<String>,
    pub urgency: Option<String>,
    /// The 发文机关标志 as printed (one line).
    pub mark: Option<String>,
    /// A joint mark's issuers, stacked beside one `文件`.
    pub mark_issuers: Vec<String>,
    pub number: Option<String>,
    pub signers: Vec<String>,
    pub title: Option<String>,
    pub to: Option<String>,
    pub body: Vec<Block>,
    /// Titles in the 附件说明.
    pub listed: Vec<String>,
    pub signature: Vec<String>,
    pub date: Option<(u16, u8, u8)>,
    pub note: Option<String>,
    pub attendees: Vec<String>,
    pub absentees: Vec<String>,
    pub observers: Vec<String>,
    pub attachments: Vec<Attachment>,
    pub cc: Option<String>,
    pub printed_by: Option<String>,
    pub printed_on: Option<(u16, u8, u8)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading of level 1..=4, with its number as printed (none when a
    /// Markdown draft left the numbering to notice).
    Heading {
        level: u8,
        text: String,
        /// Set on its own line though it ends in 。 (written `## …。 ##`).
        alone: bool,
    },
    Paragraph(String),
    /// Rows of cells, the first the header.
    Table(Vec<Vec<String>>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Attachment {
    /// The label as printed (`附件`, `附件2`); empty for an enclosed document.
    pub label: String,
    pub title: String,
    pub body: Vec<Block>,
    pub listed: bool,
}

fn re(pattern: &str) -> Regex {
    Regex::new(pattern).expect("valid pattern")
}

static COPY_NUMBER: LazyLock<Regex> = LazyLock::new(|| re(r"^\d{6}$"));
static SECRECY: LazyLock<Regex> = LazyLock::new(|| re(r"^(绝密|机密|秘密)(?:\s*[★*]\s*(\S+))?$"));
static URGENCY: LazyLock<Regex> = LazyLock::new(|| re(r"^(特急|加急)$"));
static NUMBER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?P<prefix>[\p{Han}A-Za-z]{0,16})\s*[\[【(（〔［]\s*(?P<year>\d{4})\s*[\]】)）〕］]\s*第?0*(?P<seq>\d+)\s*(?P<hao>[号號])$",
    )
});
static ORDER_NUMBER: LazyLock<Regex> = LazyLock::new(|| re(r"^第\s*\d+\s*号$"));
/// A 令 and its number on one line: `某某市人民政府令第5号`.
static ORDER_ON_ONE_LINE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(\S{2,30}令)[\s\u{3000}]*(第\s*\d+\s*号)$"));
static MINUTES_NUMBER: LazyLock<Regex> = LazyLock::new(|| re(r"^第\s*\d+\s*期$"));
static SIGNERS: LazyLock<Regex> = LazyLock::new(|| re(r"^签发人[:：]\s*(.*)$"));
static DATE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$"));
static CHINESE_DATE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^([〇○零一二三四五六七八九OoＯ0０]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日$",
    )
});
static ATTACHMENT_LIST: LazyLock<Regex> = LazyLock::new(|| re(r"^附\s*件\s*[:：]\s*(.*)$"));
static ATTACHMENT_LABEL: LazyLock<Regex> =
    LazyLock::new(|| re(r"^附\s*件\s*([0-9A-Za-z一二三四五六七八九十]{0,3})$"));
static LIST_ITEM: LazyLock<Regex> = LazyLock::new(|| re(r"^(\d+)\s*[.．、]\s*(.+)$"));
static CC: LazyLock<Regex> = LazyLock::new(|| re(r"^抄\s*送\s*[:：]\s*(.*)$"));
static PRINTED: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(?:(.+?)\s+)?(\d{4})年(\d{1,2})月(\d{1,2})日\s*印发$"));
static NAMES: LazyLock<Regex> = LazyLock::new(|| re(r"^(出\s*席|请\s*假|列\s*席)\s*[:：]\s*(.*)$"));
/// A 纪要's office and date on one line under its mark.
static OFFICE_DATE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(\S{2,30}?)(?:\s{2,}|\u{3000}+|\t)(\d{4}年\d{1,2}月\d{1,2}日)$"));
static NOTE: LazyLock<Regex> = LazyLock::new(|| re(r"^[（(](.+)[）)]$"));
/// A heading number OCR could not read: `(-)` for `（一）`, `（二）` …
static UNREAD_NUMBER: LazyLock<Regex> = LazyLock::new(|| re(r"^[（(]\s*[-—－]\s*[）)]\s*"));
/// A body's closing words, never part of the 署名.
static CLOSER: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(特此|此复|此函|妥否|以上|请批示|请审阅|当否)"));

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// Ends a sentence, or a line that introduces what follows (`：`). A `；`
/// ends a clause inside a paragraph, so a line may wrap after it.
fn ends_sentence(s: &str) -> bool {
    let mut rev = s.chars().rev();
    match rev.next() {
        Some('。' | '！' | '？' | '：' | '…') => true,
        Some('”' | '’' | '）' | ')' | '」' | '』') => {
            matches!(rev.next(), Some('。' | '！' | '？' | '…'))
        }
        _ => false,
    }
}

/// A heading number in any form, or one OCR could not read.
fn numbered(text: &str) -> bool {
    explicit_number(text).is_some() || UNREAD_NUMBER.is_match(text)
}

/// Lines that are part of a signature: short names, no punctuation.
fn name_like(line: &Line) -> bool {
    let t = &line.text;
    line.cells.is_none()
        && (2..=30).contains(&chars(t))
        && !t.contains(['。', '，', '；', '：', ':', '、', '！', '？'])
        && !numbered(t)
        && !DATE.is_match(t)
        && !CHINESE_DATE.is_match(t)
        && !CLOSER.is_match(t)
        && !ATTACHMENT_LABEL.is_match(t)
}

/// Lines that may be a title (or part of one).
fn title_like(line: &Line) -> bool {
    let t = &line.text;
    line.cells.is_none()
        && line.heading.is_none()
        && (2..=80).contains(&chars(t))
        && !t.ends_with(['。', '；', '，', '：', ':', '！', '？'])
        && !numbered(t)
        && !is_element_line(t)
        && !labelled(t)
        && number_of(t).is_none()
}

/// Lines that start an element after the body.
fn is_element_line(t: &str) -> bool {
    ATTACHMENT_LIST.is_match(t)
        || ATTACHMENT_LABEL.is_match(t)
        || DATE.is_match(t)
        || CHINESE_DATE.is_match(t)
        || CC.is_match(t)
        || PRINTED.is_match(t)
        || NAMES.is_match(t)
}

pub(in crate::import) fn parse_date(t: &str) -> Option<(u16, u8, u8)> {
    if let Some(c) = DATE.captures(t) {
        // `\d` is any decimal digit: `２０２４` too.
        let number = |s: &str| -> Option<u32> {
            s.chars().try_fold(0u32, |n, c| {
                Some(
                    n.checked_mul(10)?
                        + c.to_digit(10).or_else(|| {
                            ('０'..='９').contains(&c).then(|| c as u32 - '０' as u32)
                        })?,
                )
            })
        };
        return Some((
            number(&c[1])?.try_into().ok()?,
            number(&c[2])?.try_into().ok()?,
            number(&c[3])?.try_into().ok()?,
        ));
    }
    let c = CHINESE_DATE.captures(t)?;
    let year: String = c[1]
        .chars()
        .map(|ch| match ch {
            // A draft's zero is often a letter O or a digit 0 typed for 〇.
            '〇' | '○' | '零' | 'O' | 'o' | 'Ｏ' | '0' | '０' => '0',
            d => char::from_digit(
                "零一二三四五六七八九"
                    .chars()
                    .position(|x| x == d)
                    .unwrap_or(0) as u32,
                10,
            )
            .unwrap_or('0'),
        })
        .collect();
    let small = |s: &str| crate::compose::numbering::parse_chinese_numeral(s);
    Some((year.parse().ok()?, small(&c[2])? as u8, small(&c[3])? as u8))
}

/// The 发文字号 in the standard's form: 六角括号, no 第, no leading zeros.
pub fn number_of(t: &str) -> Option<String> {
    // A web copy sets it in brackets under the title: `（某府发〔2024〕3号）`.
    let t = t.trim();
    let t = match (t.strip_prefix(['(', '（']), t.ends_with([')', '）'])) {
        (Some(inner), true) => inner.trim_end_matches([')', '）']).trim(),
        _ => t,
    };
    let c = NUMBER.captures(t)?;
    // 號 in a draft in traditional characters stays 號.
    Some(format!(
        "{}〔{}〕{}{}",
        &c["prefix"], &c["year"], &c["seq"], &c["hao"]
    ))
}

/// Names apart by ideographic spaces, spaces, `、` or `，`.
fn split_names(t: &str) -> Vec<String> {
    t.split(['\u{3000}', ' ', '、', '，', ',', '\t'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Similarity of two titles by their Chinese characters (0..=1).
fn similar(a: &str, b: &str) -> f64 {
    let keep = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
    };
    strsim::normalized_levenshtein(&keep(a), &keep(b))
}

pub struct Recogniser<'a> {
    lines: &'a [Line],
    notes: &'a mut Notes,
    /// Text drafts: hard-wrapped lines may be joined.
    pub joins_wrapped: bool,
    /// Paragraphs are marked by indents (some lines indented, not all).
    indent_marks_paragraphs: bool,
    /// Headings of the current body that end in `。` on a line of their own
    /// (block index, line).
    standalone: Vec<(usize, usize)>,
    /// The draft line of the 附件说明, for notes on what it lists.
    listed_at: usize,
    /// A blank line ends a paragraph: no hard wrap is joined across it.
    blank_marks_paragraphs: bool,
    /// First-level run-in headings split from a text line (block index),
    /// and whether a sibling was read as a numbered paragraph.
    level_one_run_ins: Vec<usize>,
    level_one_items: bool,
}

impl<'a> Recogniser<'a> {
    pub fn new(lines: &'a [Line], notes: &'a mut Notes, joins_wrapped: bool) -> Recogniser<'a> {
        let prose: Vec<&Line> = lines.iter().filter(|l| l.cells.is_none()).collect();
        let indented = prose.iter().filter(|l| l.indented).count();
        let indent_marks_paragraphs =
            indented * 10 >= prose.len() && indented * 10 < prose.len() * 9;
        // Blank lines part paragraphs, unless the draft sets one after
        // nearly every line (a web copy's double spacing).
        let blanks = prose.iter().filter(|l| l.blank_before).count();
        let blank_marks_paragraphs = blanks * 10 < prose.len() * 7;
        Recogniser {
            lines,
            notes,
            joins_wrapped,
            indent_marks_paragraphs,
            standalone: Vec::new(),
            listed_at: 0,
            blank_marks_paragraphs,
            level_one_run_ins: Vec::new(),
            level_one_items: false,
        }
    }

    pub fn recognise(mut self) -> Doc {
        let lines = self.lines;
        let mut doc = Doc::default();
        let mut i = self.header(&mut doc);
        i = self.title(&mut doc, i);
        // A web copy's lines between its title and the text: the issuer
        // alone on a line, and the title again (law sites print both).
        while let (Some(title), Some(line)) = (&doc.title, lines.get(i)) {
            let issuer_line = ORGANISATION.is_match(&line.text)
                && chars(&line.text) >= 2
                && title_opening(title).is_some_and(|o| {
                    // Perhaps with its province (`河南省濮阳市人民政府办公室`).
                    chars(o) >= 2 && (o.contains(line.text.as_str()) || line.text.ends_with(o))
                });
            let repeated = title_like(line) && similar(title, &line.text) >= 0.7;
            if issuer_line {
                self.notes.add(
                    line.at,
                    "dropped a line under the title naming its issuer (a web copy's)",
                );
            } else if repeated {
                self.notes.add(
                    line.at,
                    "dropped a repeated title line (the earlier one is kept)",
                );
            } else {
                break;
            }
            i += 1;
        }
        // A 发文字号 after the title, in brackets (`…的通知（某办发〔2017〕2号）`).
        if doc.number.is_none()
            && let Some(title) = &doc.title
            && let Some(open) = title.rfind(['(', '（'])
            && let Some(number) = number_of(&title[open..])
        {
            let at = lines[i.saturating_sub(1)].at;
            self.notes.add(
                at,
                format!("read “{}” after the title as its 发文字号", &title[open..]),
            );
            doc.title = Some(title[..open].trim_end().to_string());
            doc.number = Some(number);
        }
        // A 发文字号 under the title (web reprints put it there).
        if doc.number.is_none()
            && let Some(n) = lines.get(i).and_then(|l| number_of(&l.text))
        {
            doc.number = Some(n);
            i += 1;
        }
        if let Some(line) = lines.get(i)
            && doc.format != Some(DocumentFormat::Order)
            && line.cells.is_none()
            && (line.text.ends_with('：') || line.text.ends_with(':'))
            // One colon, at the end: `索引号：…成文日期：` is a site's table.
            && !line.text.trim_end_matches(['：', ':']).contains(['：', ':'])
            && !(self.indent_marks_paragraphs && line.indented)
            && chars(&line.text) <= 120
            && !line.text.contains('。')
            && !numbered(&line.text)
            && !is_element_line(&line.text)
        {
            doc.to = Some(line.text.trim_end_matches(['：', ':']).to_string());
            i += 1;
        }

        // The body runs to the first element after it.
        let end = (i..lines.len())
            .find(|&k| is_element_line(&lines[k].text))
            .unwrap_or(lines.len());
        // A 署名 stands right above a date.
        if end < lines.len() && parse_date(&lines[end].text).is_some() {
            let mut start = end;
            while start > i
                && end - start < 6
                && name_like(&lines[start - 1])
                && (lines[start - 1].aligned
                    || !(self.indent_marks_paragraphs && lines[start - 1].indented))
            {
                start -= 1;
            }
            doc.signature = signature_lines(&lines[start..end]);
            doc.body = self.blocks(&lines[i..start]);
        } else {
            doc.body = self.blocks(&lines[i..end]);
        }
        let mut k = end;
        if let Some(list) = lines.get(k).and_then(|l| ATTACHMENT_LIST.captures(&l.text)) {
            let first = list[1].to_string();
            k += 1;
            let mut items = vec![first];
            while let Some(c) = lines.get(k).and_then(|l| LIST_ITEM.captures(&l.text)) {
                if lines[k].cells.is_some() {
                    break;
                }
                items.push(c[0].to_string());
                k += 1;
            }
            doc.listed = list_titles(items);
            self.listed_at = lines[end].at;
            if doc.listed.is_empty() {
                // `附件：` naming nothing is not a 附件说明: what follows
                // reads it as an attachment's label, or keeps its line.
                k = end;
            } else {
                // 署名 lines between the list and the date.
                let start = k;
                while k < lines.len() && k - start < 6 && name_like(&lines[k]) {
                    k += 1;
                }
                if lines.get(k).and_then(|l| parse_date(&l.text)).is_some() {
                    doc.signature = signature_lines(&lines[start..k]);
                } else {
                    k = start;
                }
            }
        }
        // 纪要: who attended.
        while let Some(c) = lines.get(k).and_then(|l| NAMES.captures(&l.text)) {
            // Names apart by `，` become a list (printed joined by `，`);
            // names apart by spaces stay one text, spaced as the draft has
            // them. `、` joins parts of one entry (县政府办公室、县应急管理局主要负责同志).
            let names: Vec<String> = if c[2].contains(['，', ',']) {
                c[2].split(['，', ','])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect()
            } else {
                vec![c[2].trim().to_string()]
            };
            let field = match c[1].chars().next() {
                Some('出') => &mut doc.attendees,
                Some('请') => &mut doc.absentees,
                _ => &mut doc.observers,
            };
            // A label met twice: the second line is text.
            if !field.is_empty() {
                break;
            }
            *field = names;
            k += 1;
        }
        if let Some(date) = lines.get(k).and_then(|l| parse_date(&l.text)) {
            if CHINESE_DATE.is_match(&lines[k].text) {
                self.notes.add(lines[k].at, "read the date in Chinese numerals as a date (printed in Arabic numerals, as GB/T 9704 asks)");
            }
            doc.date = Some(date);
            k += 1;
        }
        if let Some(c) = lines
            .get(k)
            .and_then(|l| NOTE.captures(&l.text))
            .filter(|_| chars(&lines[k].text) <= 200)
        {
            doc.note = Some(c[1].to_string());
            k += 1;
        }

        // 版记, from the end: its 印发 line is the 公文's last. Lines after
        // it have no place in a 公文; they end the body, with a note.
        let mut last = lines.len();
        if let Some(printed) = (k..last)
            .rev()
            .take(10)
            .find(|&i| PRINTED.is_match(&lines[i].text))
            && printed + 1 < last
        {
            for line in &lines[printed + 1..last] {
                self.notes.add(line.at, "text after the 版记's 印发 line has no place in a 公文: kept at the end of the body; move or delete it");
            }
            let after = self.blocks(&lines[printed + 1..last]);
            doc.body.extend(after);
            last = printed + 1;
        }
        // The lines the 印发 line was read from.
        let mut imprint_lines = Vec::new();
        if last > k
            && let Some(c) = PRINTED.captures(&lines[last - 1].text)
        {
            imprint_lines.push(lines[last - 1].at);
            doc.printed_on = Some((
                c[2].parse().unwrap_or(0),
                c[3].parse().unwrap_or(0),
                c[4].parse().unwrap_or(0),
            ));
            last -= 1;
            match c.get(1) {
                Some(by) => doc.printed_by = Some(by.as_str().trim().to_string()),
                None if last > k && name_like(&lines[last - 1]) => {
                    doc.printed_by = Some(lines[last - 1].text.clone());
                    imprint_lines.push(lines[last - 1].at);
                    last -= 1;
                }
                None => {}
            }
        }
        // The 抄送 of the 版记: its line, perhaps wrapped over a few more
        // lists of names, ends the text (a 抄送 line with paragraphs after
        // it is text, and stays so).
        let wrapped = |l: &Line| {
            let t = l.text.trim_end_matches(['。', '.']);
            chars(t) <= 80 && !t.contains('。') && l.cells.is_none()
        };
        // The list itself has no sentence in it, and fits a 版记.
        let listed = |l: &Line| {
            let t = l.text.trim_end_matches(['。', '.']);
            CC.is_match(t) && !t.contains('。') && chars(t) <= CC_CHARS
        };
        if let Some(c) = (k..last)
            .rev()
            .take(5)
            .find(|&c| listed(&lines[c]))
            .filter(|&c| lines[c + 1..last].iter().all(wrapped))
            .filter(|&c| lines[c..last].iter().map(|l| chars(&l.text)).sum::<usize>() <= CC_CHARS)
        {
            let mut cc = CC
                .captures(&lines[c].text)
                .map(|m| m[1].to_string())
                .unwrap_or_default();
            for line in &lines[c + 1..last] {
                cc.push_str(&line.text);
            }
            doc.cc = Some(cc.trim_end_matches(['。', '.']).to_string());
            last = c;
        }
        if doc.format == Some(DocumentFormat::Letter) {
            // GB/T 9704 10.1: a 信函's 版记 has no 印发 line; build would
            // refuse to print it.
            doc.printed_by = None;
            doc.printed_on = None;
            for at in imprint_lines {
                self.notes.add(
                    at,
                    "dropped the 印发 line: a 信函's 版记 has no 印发机关 or 印发日期 (GB/T 9704 10.1)",
                );
            }
        }
        self.attachments(&mut doc, k, last);
        doc
    }
}

/// The most a 抄送 list read from a draft holds: a 版记 prints 24 lines of
/// it, some 26 characters each, and names wrap early.
const CC_CHARS: usize = 400;

/// What opens a title before its `关于`, `印发` or `转发`, whichever comes
/// first (`A、B关于…`, `A B印发…`, `A转发B关于…`): its issuers, if any.
pub(super) fn title_opening(title: &str) -> Option<&str> {
    let at = ["关于", "印发", "转发"]
        .iter()
        .filter_map(|w| title.find(w))
        .min()?;
    Some(&title[..at])
}

/// The issuers of a draft with no 发文机关标志: the organisations before the
/// title's `关于`, `印发` or `转发`, else those of the 署名.
pub fn issuers_without_mark(doc: &Doc) -> Vec<String> {
    let organisations = |names: Vec<String>| {
        (!names.is_empty()
            && names
                .iter()
                .all(|n| ORGANISATION.is_match(n) && chars(n) <= 30))
        .then_some(names)
    };
    let from_title = doc.title.as_deref().and_then(|t| {
        let before = title_opening(t)?;
        let names = before
            .split(['、', ' ', '\u{3000}'])
            .filter(|n| !n.is_empty());
        organisations(names.map(str::to_string).collect())
    });
    // Joint issuers the title runs together (`甲办公室乙办公室印发…`) are
    // the 署名's names.
    let signed = organisations(doc.signature.clone());
    if let (Some([one]), Some(names)) = (from_title.as_deref(), &signed)
        && names.len() > 1
        && names.concat() == *one
    {
        return names.clone();
    }
    from_title.or(signed).unwrap_or_default()
}

/// 署名 lines; joint issuers set side by side on one line (apart by two
/// or more ideographic spaces, or four spaces) are one name each.
fn signature_lines(lines: &[Line]) -> Vec<String> {
    lines
        .iter()
        .flat_map(|l| {
            WIDE_GAP
                .split(&l.text)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .flat_map(split_organisations)
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Joint issuers a web copy set apart by one space (`甲市人民政府 甲市中级
/// 人民法院`): one name each, when every part is an organisation.
fn split_organisations(name: &str) -> Vec<String> {
    let parts: Vec<&str> = name
        .split([' ', '\u{a0}', '\u{3000}'])
        .filter(|p| !p.is_empty())
        .collect();
    if parts.len() > 1
        && parts
            .iter()
            .all(|p| ORGANISATION.is_match(p) && chars(p) >= 4)
    {
        parts.into_iter().map(str::to_string).collect()
    } else {
        vec![name.to_string()]
    }
}

/// Two ems or more of spaces (an ideographic space is one, a space or a
/// no-break space half), or a tab.
static WIDE_GAP: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\t+|[ \u{a0}]*\u{3000}[ \u{a0}]*\u{3000}[\u{3000} \u{a0}]*|[ \u{a0}]{4,}|\u{3000}[ \u{a0}]{2,}|[ \u{a0}]{2,}\u{3000}",
    )
});
