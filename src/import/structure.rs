//! Recognising a 公文's elements in a draft's lines, in the order GB/T 9704
//! prints them: 版头 (份号, 密级, 紧急程度, 发文机关标志, 发文字号, 签发人),
//! 标题, 主送, 正文 with its four levels of headings and its tables, 附件说明,
//! 署名, 成文日期, 附注, an enclosed document, attachments, 版记. A draft may
//! have any subset; what is not recognised stays body text.

use std::sync::LazyLock;

use regex::Regex;

use super::Notes;
use super::draft::{Face, Line};
use super::repair::ORGANISATION;
use crate::compose::numbering::explicit_number;
use crate::gbt9704::{DocumentFormat, heading_number};

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
        r"^(?P<prefix>[\p{Han}A-Za-z]{0,16})\s*[\[【(（〔［]\s*(?P<year>\d{4})\s*[\]】)）〕］]\s*第?0*(?P<seq>\d+)\s*号$",
    )
});
static ORDER_NUMBER: LazyLock<Regex> = LazyLock::new(|| re(r"^第\s*\d+\s*号$"));
static MINUTES_NUMBER: LazyLock<Regex> = LazyLock::new(|| re(r"^第\s*\d+\s*期$"));
static SIGNERS: LazyLock<Regex> = LazyLock::new(|| re(r"^签发人[:：]\s*(.*)$"));
static DATE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$"));
static CHINESE_DATE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日$",
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
/// What the names of 公文 end with (7.3.2: 发文机关名称 + 事由 + 文种).
static DOCUMENT_KIND: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(决议|决定|命令|令|公报|公告|通告|意见|通知|通报|报告|请示|批复|议案|函|纪要|方案|办法|规定|细则|要点|计划|规划|总结|条例|规则|制度|预案|标准|名单|表|书|说明|情况)$",
    )
});
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

fn parse_date(t: &str) -> Option<(u16, u8, u8)> {
    if let Some(c) = DATE.captures(t) {
        return Some((c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?));
    }
    let c = CHINESE_DATE.captures(t)?;
    let year: String = c[1]
        .chars()
        .map(|ch| match ch {
            '〇' | '○' | '零' => '0',
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
    let c = NUMBER.captures(t)?;
    Some(format!("{}〔{}〕{}号", &c["prefix"], &c["year"], &c["seq"]))
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
}

impl<'a> Recogniser<'a> {
    pub fn new(lines: &'a [Line], notes: &'a mut Notes, joins_wrapped: bool) -> Recogniser<'a> {
        let prose: Vec<&Line> = lines.iter().filter(|l| l.cells.is_none()).collect();
        let indented = prose.iter().filter(|l| l.indented).count();
        let indent_marks_paragraphs =
            indented * 10 >= prose.len() && indented * 10 < prose.len() * 9;
        Recogniser {
            lines,
            notes,
            joins_wrapped,
            indent_marks_paragraphs,
            standalone: Vec::new(),
        }
    }

    pub fn recognise(mut self) -> Doc {
        let lines = self.lines;
        let mut doc = Doc::default();
        let mut i = self.header(&mut doc);
        i = self.title(&mut doc, i);
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
                && !(self.indent_marks_paragraphs && lines[start - 1].indented)
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
        // 纪要: who attended.
        while let Some(c) = lines.get(k).and_then(|l| NAMES.captures(&l.text)) {
            // Names apart by `，` or ideographic spaces; `、` joins parts of
            // one entry (县政府办公室、县应急管理局主要负责同志).
            let names: Vec<String> = c[2]
                .split(['，', ',', '\u{3000}'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            match c[1].chars().next() {
                Some('出') => doc.attendees = names,
                Some('请') => doc.absentees = names,
                _ => doc.observers = names,
            }
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

        // 版记, from the end.
        let mut last = lines.len();
        if last > k
            && let Some(c) = PRINTED.captures(&lines[last - 1].text)
        {
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
                    last -= 1;
                }
                None => {}
            }
        }
        if let Some(c) = (k..last).rev().find(|&c| CC.is_match(&lines[c].text)) {
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
        self.attachments(&mut doc, k, last);
        doc
    }

    /// 版头: returns the index after it.
    fn header(&mut self, doc: &mut Doc) -> usize {
        let lines = self.lines;
        let mut i = 0;
        let mut pending: Vec<String> = Vec::new();
        while i < lines.len() {
            let line = &lines[i];
            let t = line.text.as_str();
            if doc.format == Some(DocumentFormat::Minutes)
                && let Some(c) = OFFICE_DATE.captures(t)
            {
                doc.signature = vec![c[1].to_string()];
                doc.date = parse_date(&c[2]);
                self.notes.add(
                    line.at,
                    "read the office and date under the 纪要's mark as its 署名 and 成文日期",
                );
                i += 1;
                continue;
            }
            if let Some(cells) = &line.cells {
                // `份号⇥发文字号` (信函), `发文字号⇥签发人：…`, `发文字号⇥name`.
                let mut used = false;
                for cell in cells.iter().filter(|c| !c.is_empty()) {
                    if COPY_NUMBER.is_match(cell) {
                        doc.copy_number = Some(cell.clone());
                    } else if let Some(n) = number_of(cell) {
                        doc.number = Some(n);
                    } else if let Some(c) = SIGNERS.captures(cell) {
                        doc.signers.extend(split_names(&c[1]));
                    } else if !doc.signers.is_empty()
                        && cells.len() == 2
                        && split_names(cell).iter().all(|n| chars(n) <= 6)
                    {
                        doc.signers.extend(split_names(cell));
                    } else {
                        break;
                    }
                    used = true;
                }
                if !used {
                    break;
                }
                if !pending.is_empty() && doc.mark.is_none() {
                    doc.mark = Some(pending.remove(0));
                    doc.format = Some(DocumentFormat::Letter);
                }
                i += 1;
                continue;
            }
            if i == 0 && COPY_NUMBER.is_match(t) {
                doc.copy_number = Some(t.to_string());
            } else if let Some(c) = SECRECY.captures(t).filter(|_| doc.title.is_none()) {
                doc.secrecy = Some(c[1].to_string());
                doc.secrecy_period = c.get(2).map(|m| m.as_str().to_string());
            } else if URGENCY.is_match(t) {
                doc.urgency = Some(t.to_string());
            } else if let Some(signers) = signers_in(t) {
                if let Some(n) = signers.0 {
                    doc.number = Some(n);
                }
                doc.signers.extend(signers.1);
            } else if let Some(n) = number_of(t) {
                doc.number = Some(n);
                if pending.len() == 1 && doc.mark.is_none() {
                    doc.mark = pending.pop();
                    doc.format = Some(DocumentFormat::Letter);
                }
            } else if doc.format == Some(DocumentFormat::Order) && ORDER_NUMBER.is_match(t)
                || doc.format == Some(DocumentFormat::Minutes) && MINUTES_NUMBER.is_match(t)
            {
                doc.number = Some(t.split_whitespace().collect());
            } else if t == "文件" && !pending.is_empty() {
                doc.mark_issuers = std::mem::take(&mut pending);
                doc.format = Some(DocumentFormat::File);
            } else if doc.mark.is_none()
                && doc.mark_issuers.is_empty()
                && chars(t) <= 40
                && line.cells.is_none()
                && !t.contains(['。', '，', '：'])
            {
                let next = lines.get(i + 1).map(|l| l.text.as_str()).unwrap_or("");
                if t.ends_with("文件") && chars(t) > 2 {
                    doc.mark = Some(t.to_string());
                    doc.format = Some(DocumentFormat::File);
                } else if t.ends_with('令') && ORDER_NUMBER.is_match(next) {
                    doc.mark = Some(t.to_string());
                    doc.format = Some(DocumentFormat::Order);
                } else if t.ends_with("纪要")
                    && (MINUTES_NUMBER.is_match(next) || number_of(next).is_some())
                {
                    doc.mark = Some(t.to_string());
                    doc.format = Some(DocumentFormat::Minutes);
                } else if ORGANISATION.is_match(t) && pending.len() < 8 {
                    pending.push(t.to_string());
                } else {
                    break;
                }
            } else {
                break;
            }
            i += 1;
        }
        // Names that led to no mark are the title or the body.
        if !pending.is_empty() {
            return i - pending.len();
        }
        if let Some(number) = &doc.number
            && let Some(original) = lines[..i].iter().find(|l| {
                l.text.contains(number.trim_end_matches('号'))
                    || number_of(&l.text).as_ref() == Some(number)
            })
            && !original.text.contains(number.as_str())
            && !original.cells.as_ref().is_some_and(|c| c.contains(number))
        {
            self.notes.add(
                original.at,
                format!("wrote the 发文字号 as {number} (六角括号 〔〕, no 第, no leading zeros)"),
            );
        }
        i
    }

    /// 标题: one line, or several (a title broken over lines, perhaps with
    /// blank lines between). Returns the index after it.
    fn title(&mut self, doc: &mut Doc, mut i: usize) -> usize {
        let lines = self.lines;
        if doc.format == Some(DocumentFormat::Order) {
            return i;
        }
        // A Markdown draft's first `#` heading without a number is its title.
        let markdown_title =
            |l: &Line| i == 0 && l.heading == Some(1) && explicit_number(&l.text).is_none();
        let Some(first) = lines.get(i).filter(|l| title_like(l) || markdown_title(l)) else {
            return i;
        };
        if markdown_title(first) {
            doc.title = Some(first.text.clone());
            return i + 1;
        }
        let has_header = doc.mark.is_some() || doc.number.is_some() || !doc.mark_issuers.is_empty();
        let next = lines.get(i + 1);
        let looks_like_title = has_header
            || first.centered
            || first.face == Some(Face::Display)
            || DOCUMENT_KIND.is_match(&first.text)
            || next.is_some_and(|n| {
                n.text.ends_with('：') || chars(&n.text) > chars(&first.text) + 10 || title_like(n)
            });
        if !looks_like_title {
            return i;
        }
        let mut title = first.text.clone();
        i += 1;
        while let Some(line) = lines.get(i).filter(|l| title_like(l)) {
            if similar(&title, &line.text) >= 0.7 {
                // A web page repeats its title, the second often complete.
                self.notes.add(
                    line.at,
                    "dropped a repeated title line (the later one is kept)",
                );
                title = line.text.clone();
                i += 1;
                continue;
            }
            if DOCUMENT_KIND.is_match(&title) {
                break;
            }
            // A title broken over lines ends with its kind (通知, 请示 …)
            // within three lines, and the body follows.
            let end = (i..(i + 3).min(lines.len()))
                .take_while(|&k| title_like(&lines[k]))
                .find(|&k| DOCUMENT_KIND.is_match(&lines[k].text));
            let after_is_body = |k: usize| {
                lines.get(k + 1).is_none_or(|a| {
                    !title_like(a) || a.text.ends_with('：') || NUMBER.is_match(&a.text)
                })
            };
            let Some(end) = end.filter(|&k| after_is_body(k)) else {
                break;
            };
            for line in &lines[i..=end] {
                title.push_str(&line.text);
                self.notes.add(line.at, "joined a title broken over lines");
            }
            i = end + 1;
            break;
        }
        doc.title = Some(title);
        i
    }

    /// Attachments and an enclosed document between the date (or note) and
    /// the 版记.
    fn attachments(&mut self, doc: &mut Doc, from: usize, to: usize) {
        let lines = self.lines;
        let from = from.min(to);
        let starts: Vec<usize> = (from..to)
            .filter(|&k| ATTACHMENT_LABEL.is_match(&lines[k].text))
            .collect();
        let first_label = starts.first().copied().unwrap_or(to);
        let mut sections: Vec<(String, usize, usize)> = Vec::new();
        if first_label > from {
            sections.push((String::new(), from, first_label));
        }
        for (n, &s) in starts.iter().enumerate() {
            let end = starts.get(n + 1).copied().unwrap_or(to);
            let label: String = lines[s].text.split_whitespace().collect();
            sections.push((label, s + 1, end));
        }
        for (label, start, end) in sections {
            let mut k = start;
            let mut title = String::new();
            if let Some(line) = lines.get(k).filter(|l| k < end && title_like(l)) {
                title = line.text.clone();
                k += 1;
                // A title broken over two lines.
                if let Some(next) = lines.get(k).filter(|l| k < end && title_like(l))
                    && !DOCUMENT_KIND.is_match(&title)
                    && DOCUMENT_KIND.is_match(&next.text)
                {
                    title.push_str(&next.text);
                    self.notes.add(next.at, "joined a title broken over lines");
                    k += 1;
                }
            }
            let mut body_end = end;
            // An enclosed document's own 附件说明 is the notice's.
            if label.is_empty()
                && let Some(at) = (k..end).find(|&j| ATTACHMENT_LIST.is_match(&lines[j].text))
            {
                let mut items = vec![
                    ATTACHMENT_LIST
                        .captures(&lines[at].text)
                        .map(|c| c[1].to_string())
                        .unwrap_or_default(),
                ];
                items.extend(
                    lines[at + 1..end]
                        .iter()
                        .filter(|l| LIST_ITEM.is_match(&l.text))
                        .map(|l| l.text.clone()),
                );
                if doc.listed.is_empty() {
                    doc.listed = list_titles(items);
                    self.notes.add(lines[at].at, "the enclosed document's 附件说明 is printed after the notice's body, where GB/T 9704 puts it");
                }
                body_end = at;
            }
            let body = self.blocks(&lines[k..body_end]);
            doc.attachments.push(Attachment {
                listed: !label.is_empty(),
                label,
                title,
                body,
            });
        }
        // Which attachments the 附件说明 lists, and by which titles.
        let labelled: Vec<usize> = (0..doc.attachments.len())
            .filter(|&a| !doc.attachments[a].label.is_empty())
            .collect();
        if !doc.listed.is_empty() && labelled.len() == doc.listed.len() {
            for (&a, listed) in labelled.iter().zip(&doc.listed) {
                let own = &doc.attachments[a].title;
                if own.is_empty() {
                    doc.attachments[a].title = listed.clone();
                } else if own != listed
                    && let Some(line) = lines[from..to].iter().find(|l| &l.text == own)
                {
                    self.notes.add(line.at, format!("the 附件说明 calls this attachment “{listed}”; its own title is used for both"));
                }
            }
        } else if !doc.listed.is_empty() && labelled.is_empty() {
            // Attachments sent as separate files: listed, titled, no body.
            for title in &doc.listed {
                doc.attachments.push(Attachment {
                    label: String::new(),
                    title: title.clone(),
                    body: Vec::new(),
                    listed: true,
                });
            }
            let labels = default_labels(&doc.attachments);
            for (attachment, label) in doc.attachments.iter_mut().zip(labels) {
                if attachment.listed {
                    attachment.label = label;
                }
            }
            if let Some(line) = lines.get(from) {
                self.notes.add(line.at, "the attachments the 附件说明 lists are not in the draft: each gets a page with its title; add its `body_file` or `csv`");
            }
        } else if labelled.len() != doc.listed.len()
            && !doc.listed.is_empty()
            && let Some(line) = lines.get(from)
        {
            self.notes.add(
                line.at,
                format!(
                    "the 附件说明 lists {} attachments but {} follow; check the 附件说明",
                    doc.listed.len(),
                    labelled.len()
                ),
            );
        }
    }

    /// Blocks of a body: wrapped lines joined, headings by their numbers,
    /// run-in headings split from their paragraphs, tables.
    pub fn blocks(&mut self, lines: &[Line]) -> Vec<Block> {
        let mut blocks: Vec<Block> = Vec::new();
        let mut k = 0;
        while k < lines.len() {
            let line = &lines[k];
            if line.cells.is_some() {
                let mut rows = Vec::new();
                while let Some(cells) = lines.get(k).and_then(|l| l.cells.clone()) {
                    rows.push(cells);
                    k += 1;
                }
                let width = rows.iter().map(Vec::len).max().unwrap_or(0);
                for row in &mut rows {
                    row.resize(width, String::new());
                }
                blocks.push(Block::Table(rows));
                continue;
            }
            // A paragraph and the wrapped lines that continue it.
            let mut text = line.text.clone();
            let mut last_len = chars(&line.text);
            let mut joined = 0;
            k += 1;
            while self.joins_wrapped
                && let Some(next) = lines.get(k)
                && line.heading.is_none()
                // A numbered line in a heading's face continues in that
                // face, or when a run-in heading's paragraph follows it.
                && (line.face.is_none()
                    || numbered(&line.text) && (next.face == line.face || text.contains('。')))
                && !line.centered
                && last_len >= 15
                && !ends_sentence(&text)
                && next.cells.is_none()
                && next.heading.is_none()
                && !numbered(&next.text)
                && !is_element_line(&next.text)
                && !(self.indent_marks_paragraphs && next.indented)
            {
                let latin = text.ends_with(|c: char| c.is_ascii_alphanumeric())
                    && next.text.starts_with(|c: char| c.is_ascii_alphanumeric());
                if latin {
                    text.push(' ');
                }
                text.push_str(&next.text);
                last_len = chars(&next.text);
                joined += 1;
                k += 1;
            }
            if joined > 0 {
                self.notes
                    .add(line.at, "joined lines a hard wrap had broken");
            }
            self.push_text(&mut blocks, line, text);
        }
        self.infer_missing_first_heading(&mut blocks, lines);
        // A heading that ends with `。` runs into the paragraph after it
        // (GB/T 9704's run-in headings); one the draft set on its own line
        // before a paragraph stays a line of its own as a paragraph.
        for (at, line) in std::mem::take(&mut self.standalone) {
            if matches!(blocks.get(at + 1), Some(Block::Paragraph(_)))
                && let Some(Block::Heading { text, .. }) = blocks.get(at)
            {
                let text = text.clone();
                self.notes.add(line, "a numbered line ending in 。 before a paragraph is kept as a paragraph (as a heading it would run into the paragraph)");
                blocks[at] = Block::Paragraph(text);
            }
        }
        blocks
    }

    /// A paragraph's text as a heading (perhaps run-in) or a paragraph.
    fn push_text(&mut self, blocks: &mut Vec<Block>, line: &Line, mut text: String) {
        if let Some(level) = line.heading {
            // A Markdown heading: its number's form says its level (`## 一、`
            // is a first level) and it is read as a numbered line below;
            // without a number notice numbers it.
            if let Some(n) = explicit_number(&text) {
                if n.level != level {
                    self.notes.add(
                        line.at,
                        format!(
                            "a heading numbered “{}” is of level {}",
                            text[..n.len].trim_end(),
                            n.level
                        ),
                    );
                }
            } else {
                match text
                    .find('。')
                    .map(|p| p + '。'.len_utf8())
                    .filter(|&p| p < text.len())
                {
                    Some(p) => {
                        blocks.push(Block::Heading {
                            level: level.clamp(1, 4),
                            text: text[..p].to_string(),
                        });
                        blocks.push(Block::Paragraph(text[p..].trim_start().to_string()));
                    }
                    None => blocks.push(Block::Heading {
                        level: level.clamp(1, 4),
                        text,
                    }),
                }
                return;
            }
        }
        if let Some(m) = UNREAD_NUMBER.find(&text) {
            // `(-)`: the next number of level 2 under its parent.
            let siblings = blocks
                .iter()
                .rev()
                .take_while(|b| !matches!(b, Block::Heading { level: 1, .. }))
                .filter(|b| matches!(b, Block::Heading { level: 2, .. }))
                .count() as u32;
            let number = heading_number(2, siblings + 1);
            self.notes.add(
                line.at,
                format!(
                    "read the damaged number “{}” as “{number}” from its place among its siblings",
                    m.as_str().trim()
                ),
            );
            text = format!("{number}{}", &text[m.end()..]);
        }
        let Some(number) = explicit_number(&text) else {
            if line.face == Some(Face::Hei) && chars(&text) <= 30 && !ends_sentence(&text) {
                self.notes.add(
                    line.at,
                    "set in 黑体 like a heading but without a number: kept as a paragraph",
                );
            }
            blocks.push(Block::Paragraph(text));
            return;
        };
        let rest = text[number.len..].trim_start().to_string();
        let canonical = heading_number(number.level, number.value);
        if !number.canonical || text[..number.len].trim_end() != canonical {
            self.notes.add(
                line.at,
                format!(
                    "wrote the heading number “{}” as “{canonical}”",
                    text[..number.len].trim_end()
                ),
            );
        }
        // A run-in heading: its first sentence is the heading.
        match rest.find('。') {
            Some(p) if p + '。'.len_utf8() < rest.len() => {
                let (head, para) = rest.split_at(p + '。'.len_utf8());
                blocks.push(Block::Heading {
                    level: number.level,
                    text: format!("{canonical}{head}"),
                });
                blocks.push(Block::Paragraph(para.to_string()));
            }
            _ => {
                if rest.ends_with('。') {
                    self.standalone.push((blocks.len(), line.at));
                }
                blocks.push(Block::Heading {
                    level: number.level,
                    text: format!("{canonical}{rest}"),
                })
            }
        }
    }

    /// A first heading OCR or a web page left without its `一、`: a short line
    /// before `（一）`, when the next first-level heading is `二、`.
    fn infer_missing_first_heading(&mut self, blocks: &mut [Block], lines: &[Line]) {
        let level_one = |b: &Block| matches!(b, Block::Heading { level: 1, .. });
        let Some(second) = blocks.iter().position(level_one) else {
            return;
        };
        let Block::Heading { text, .. } = &blocks[second] else {
            return;
        };
        if !text.starts_with("二、") {
            return;
        }
        let candidate = (0..second).find(|&b| {
            matches!(&blocks[b], Block::Paragraph(t) if chars(t) <= 30 && !ends_sentence(t))
                && matches!(blocks.get(b + 1), Some(Block::Heading { level: 2, text }) if text.starts_with("（一）"))
        });
        if let Some(b) = candidate
            && let Block::Paragraph(t) = &blocks[b]
        {
            let at = lines.iter().find(|l| l.text == *t).map_or(0, |l| l.at);
            self.notes.add(at, "took this line for the first heading, its “一、” lost (the next is “二、”); check it");
            blocks[b] = Block::Heading {
                level: 1,
                text: format!("一、{t}"),
            };
        }
    }
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
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

static WIDE_GAP: LazyLock<Regex> = LazyLock::new(|| re(r"\u{3000}{2,}| {4,}|\t"));

/// `签发人：…` on a line, perhaps after the 发文字号.
fn signers_in(t: &str) -> Option<(Option<String>, Vec<String>)> {
    let at = t.find("签发人")?;
    let (before, after) = t.split_at(at);
    let names = SIGNERS.captures(after)?;
    let number = number_of(before.trim());
    if !before.trim().is_empty() && number.is_none() {
        return None;
    }
    Some((number, split_names(&names[1])))
}

/// Titles of a 附件说明's items: `1.` numbers dropped when there are
/// several (a single attachment has none).
fn list_titles(items: Vec<String>) -> Vec<String> {
    let items: Vec<String> = items
        .into_iter()
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if items.len() < 2 {
        return items;
    }
    items
        .into_iter()
        .map(|item| match LIST_ITEM.captures(&item) {
            Some(c) => c[2].to_string(),
            None => item,
        })
        .collect()
}

/// The label notice gives each attachment when the plan names none (as
/// `compose::attachments` numbers them): `附件` for the only listed one or
/// an unlisted one, `附件N` among several listed.
pub fn default_labels(attachments: &[Attachment]) -> Vec<String> {
    let several = attachments.iter().filter(|a| a.listed).count() > 1;
    let mut n = 0;
    attachments
        .iter()
        .map(|a| {
            if a.listed && several {
                n += 1;
                format!("附件{n}")
            } else {
                "附件".to_string()
            }
        })
        .collect()
}
