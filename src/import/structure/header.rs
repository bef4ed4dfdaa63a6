//! 版头 and 标题: marks, numbers, 签发人 and a title over several lines.

use super::*;
use crate::import::repair::{is_chinese, is_han};

impl Recogniser<'_> {
    /// 版头: returns the index after it.
    pub(super) fn header(&mut self, doc: &mut Doc) -> usize {
        let lines = self.lines;
        let mut i = 0;
        let mut pending: Vec<String> = Vec::new();
        // Where the names in `pending` began, and what was read before them.
        let mut before_pending: Option<(usize, Doc)> = None;
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
                // A Word file's rows may give `签发人：` a cell of its own and
                // each name its own (notice's DOCX).
                // A row is the 版头's only when every cell of it is.
                let mut read = doc.clone();
                let mut names_follow = !read.signers.is_empty();
                let mut whole = true;
                for cell in cells.iter().filter(|c| !c.is_empty()) {
                    if COPY_NUMBER.is_match(cell) && read.copy_number.is_none() {
                        read.copy_number = Some(cell.clone());
                    } else if let Some(n) = number_of(cell).filter(|_| read.number.is_none()) {
                        read.number = Some(n);
                    } else if let Some(c) = SIGNERS.captures(cell) {
                        read.signers.extend(split_names(&c[1]));
                        names_follow = true;
                    } else if names_follow && split_names(cell).iter().all(|n| chars(n) <= 6) {
                        read.signers.extend(split_names(cell));
                    } else {
                        whole = false;
                        break;
                    }
                }
                if !whole || cells.iter().all(|c| c.is_empty()) {
                    break;
                }
                *doc = read;
                if !pending.is_empty() && doc.mark.is_none() {
                    doc.mark = Some(pending.remove(0));
                    doc.format = Some(DocumentFormat::Letter);
                }
                i += 1;
                continue;
            }
            // An element the 版头 already has, met again, ends the 版头:
            // the later line is text, not a replacement.
            if i == 0 && COPY_NUMBER.is_match(t) {
                doc.copy_number = Some(t.to_string());
            } else if let Some(c) = SECRECY
                .captures(t)
                .filter(|_| doc.title.is_none() && doc.secrecy.is_none())
            {
                doc.secrecy = Some(c[1].to_string());
                doc.secrecy_period = c.get(2).map(|m| m.as_str().to_string());
            } else if URGENCY.is_match(t) && doc.urgency.is_none() {
                doc.urgency = Some(t.to_string());
            } else if let Some(signers) = signers_in(t)
                .filter(|s| doc.signers.is_empty() && (s.0.is_none() || doc.number.is_none()))
            {
                if let Some(n) = signers.0 {
                    doc.number = Some(n);
                }
                doc.signers.extend(signers.1);
            } else if let Some(n) = number_of(t).filter(|_| doc.number.is_none()) {
                doc.number = Some(n);
                if pending.len() == 1 && doc.mark.is_none() {
                    doc.mark = pending.pop();
                    doc.format = Some(DocumentFormat::Letter);
                }
            } else if doc.number.is_none()
                && (doc.format == Some(DocumentFormat::Order) && ORDER_NUMBER.is_match(t)
                    || doc.format == Some(DocumentFormat::Minutes) && MINUTES_NUMBER.is_match(t))
            {
                doc.number = Some(t.split_whitespace().collect());
            } else if doc.mark.as_deref() == Some(t) && doc.number.is_none() {
                // A web copy repeats the mark (its page heading, then the text).
                self.notes.add(
                    line.at,
                    "dropped a repeated 发文机关标志 line (a web copy's)",
                );
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
                    // A site's header above the mark names the organisation
                    // the mark opens with (`某县人民政府` over
                    // `某县人民政府办公室文件`).
                    if let [parent] = pending.as_slice()
                        && t.starts_with(parent.as_str())
                        && let Some(k) = lines[..i].iter().rposition(|l| l.text == *parent)
                    {
                        self.notes.add(lines[k].at, "dropped a line naming the organisation the mark opens with (a web page's header)");
                        pending.clear();
                        before_pending = None;
                    }
                    doc.mark = Some(t.to_string());
                    doc.format = Some(DocumentFormat::File);
                } else if t.ends_with('令') && ORDER_NUMBER.is_match(next) {
                    doc.mark = Some(t.to_string());
                    doc.format = Some(DocumentFormat::Order);
                } else if let Some(c) = ORDER_ON_ONE_LINE.captures(t)
                    && ORGANISATION.is_match(c[1].trim_end_matches('令'))
                {
                    // `某某市人民政府令第5号`: the mark and its number on one line.
                    doc.mark = Some(c[1].to_string());
                    doc.number = Some(c[2].split_whitespace().collect());
                    doc.format = Some(DocumentFormat::Order);
                } else if t.ends_with("纪要")
                    && (MINUTES_NUMBER.is_match(next) || number_of(next).is_some())
                {
                    doc.mark = Some(t.to_string());
                    doc.format = Some(DocumentFormat::Minutes);
                } else if ORGANISATION.is_match(t) && pending.len() < 8 {
                    if pending.is_empty() {
                        before_pending = Some((i, doc.clone()));
                    }
                    pending.push(t.to_string());
                } else {
                    break;
                }
            } else {
                break;
            }
            i += 1;
        }
        // Names that led to no mark are the title or the body, and so is
        // what was read after them (a 签发人 line, say).
        if !pending.is_empty()
            && let Some((at, read)) = before_pending
        {
            *doc = read;
            return at;
        }
        if doc.format == Some(DocumentFormat::Letter) && !doc.signers.is_empty() {
            doc.signers.clear();
            for line in lines[..i].iter().filter(|l| {
                l.text.contains("签发人") || l.cells.iter().flatten().any(|c| c.contains("签发人"))
            }) {
                self.notes.add(
                    line.at,
                    "dropped the 签发人 line: a 信函 has no 签发人 (GB/T 9704 10.1)",
                );
            }
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
    pub(super) fn title(&mut self, doc: &mut Doc, mut i: usize) -> usize {
        let lines = self.lines;
        if doc.format == Some(DocumentFormat::Order) {
            return i;
        }
        // A Markdown draft's first `#` heading without a number is its title.
        let markdown_title =
            |l: &Line| i == 0 && l.heading == Some(1) && explicit_number(&l.text).is_none();
        // A title opens with words: not a site's number (`625800000006`).
        let worded = |l: &Line| l.text.chars().filter(|&c| is_han(c)).count() >= 2;
        let Some(first) = lines
            .get(i)
            .filter(|l| (title_like(l) && worded(l)) || markdown_title(l))
        else {
            return i;
        };
        if markdown_title(first) {
            doc.title = Some(first.text.clone());
            return i + 1;
        }
        // A site's header above the title names the organisation the
        // title opens with (`某县人民政府` over `某县人民政府办公室关于…`).
        if ORGANISATION.is_match(&first.text)
            && let Some(next) = lines.get(i + 1)
            && title_like(next)
            && title_opening(&next.text)
                .is_some_and(|o| o.starts_with(first.text.as_str()) && o.len() > first.text.len())
        {
            self.notes.add(
                first.at,
                "dropped a line naming the organisation the title opens with (a web page's header)",
            );
            return self.title(doc, i + 1);
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
        let mut title_at = first.at;
        i += 1;
        while let Some(line) = lines.get(i).filter(|l| title_like(l)) {
            if similar(&title, &line.text) >= 0.7 {
                // A web page repeats its title, the second often complete:
                // the note names the line dropped.
                self.notes.add(
                    title_at,
                    "dropped a repeated title line (the later one is kept)",
                );
                title = line.text.clone();
                title_at = line.at;
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
            // What may follow a whole title: the body, a 主送, a number, or
            // a web copy's issuer line or title again.
            let after_is_body = |k: usize| {
                lines.get(k + 1).is_none_or(|a| {
                    let whole: String = std::iter::once(title.as_str())
                        .chain(lines[i..=k].iter().map(|l| l.text.as_str()))
                        .collect();
                    !title_like(a)
                        || a.text.ends_with('：')
                        || NUMBER.is_match(&a.text)
                        || (ORGANISATION.is_match(&a.text) && title_opening(&a.text).is_none())
                        || similar(&whole, &a.text) >= 0.7
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
        let at = lines[i.saturating_sub(1)].at;
        doc.title = Some(self.close_title_gaps(title, at));
        i
    }
}

impl Recogniser<'_> {
    /// A title has no spaces: one between Chinese characters is where a
    /// web copy joined the title's lines, or letter-spaced it. The one
    /// exception is a space between joint issuers' names before `关于`
    /// (`甲局 乙大队关于…`).
    fn close_title_gaps(&mut self, title: String, at: usize) -> String {
        let chars: Vec<char> = title.chars().collect();
        let mut out = String::with_capacity(title.len());
        let mut removed = false;
        for (k, &c) in chars.iter().enumerate() {
            if c.is_whitespace() {
                let before = out.chars().last();
                let after = chars[k + 1..].iter().find(|c| !c.is_whitespace());
                if before.is_some_and(is_chinese)
                    && after.is_some_and(|&a| is_chinese(a))
                    && !separates_issuers(&out, &chars[k + 1..])
                {
                    removed = true;
                    continue;
                }
            }
            out.push(c);
        }
        if removed {
            self.notes
                .add(at, "removed spaces from the title (a title has none)");
        }
        out
    }
}

/// A space between two whole organisation names, both before the title's
/// `关于` (or `印发`, `转发`).
fn separates_issuers(before: &str, rest: &[char]) -> bool {
    if title_opening(before).is_some() {
        return false;
    }
    let rest: String = rest.iter().collect();
    let Some(end) = title_opening(&rest).map(str::len) else {
        return false;
    };
    let next = rest[..end].split_whitespace().next().unwrap_or("");
    let last = before.split_whitespace().last().unwrap_or("");
    ORGANISATION.is_match(last) && ORGANISATION.is_match(next)
}

/// `签发人：…` on a line, perhaps after the 发文字号.
fn signers_in(t: &str) -> Option<(Option<String>, Vec<String>)> {
    let at = t.find("签发人")?;
    let (before, after) = t.split_at(at);
    let names = SIGNERS.captures(after)?;
    let number = number_of(before.trim());
    if !before.trim().is_empty() && number.is_none() {
        return None;
    }
    let names = split_names(&names[1]);
    // People's names, at most the ten a 版头 holds: not a paragraph that
    // opens with `签发人：` (a Markdown draft joins its lines).
    (names.len() <= 10 && names.iter().all(|n| n.chars().count() <= 8)).then_some((number, names))
}
