//! 附件说明 titles, attachments and an enclosed document after the date.

use super::*;

/// A line that starts an attachment's page: `附件`, `附件2`, `附件：`,
/// `附件2：`, perhaps with the attachment's title after the colon.
static SECTION_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^附\s*件\s*([0-9０-９一二三四五六七八九十]{0,3}|[A-ZＡ-Ｚ])\s*(?:[:：]\s*(.*))?$")
});

/// A title's key for matching a 附件说明 entry with an attachment's page:
/// its letters and digits only (no spaces, marks, brackets or numbering).
fn key(title: &str) -> String {
    let title = LIST_ITEM
        .captures(title)
        .map_or(title, |c| c.get(2).map_or(title, |m| m.as_str()));
    title
        .chars()
        .filter_map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            c if c.is_alphanumeric() => Some(c),
            _ => None,
        })
        .collect()
}

/// How well an attachment's title matches a listed one (0..=1).
fn matches(listed: &str, title: &str) -> f64 {
    let (a, b) = (key(listed), key(title));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a == b {
        return 1.0;
    }
    strsim::normalized_levenshtein(&a, &b)
}

/// One attachment's lines in the draft.
struct Section {
    /// The label as printed, without its colon: `附件`, `附件2`; empty for an
    /// enclosed document.
    label: String,
    /// Its number (`附件2` → 2).
    number: Option<usize>,
    /// A title on the label's own line (`附件1：TITLE`).
    inline_title: Option<String>,
    /// Its lines after the label.
    start: usize,
    end: usize,
}

impl Recogniser<'_> {
    /// Attachments and an enclosed document between the date (or note) and
    /// the 版记, matched with the 附件说明 by their titles.
    pub(super) fn attachments(&mut self, doc: &mut Doc, from: usize, to: usize) {
        let lines = self.lines;
        let from = from.min(to);
        let sections = self.sections(doc, from, to);
        let mut found: Vec<(Attachment, Option<usize>, usize)> = Vec::new();
        for section in sections {
            let (title, mut k) = self.section_title(doc, &section);
            let mut body_end = section.end;
            // The text after an enclosed document's 附件说明 (its 署名, say).
            let mut after_list = section.end..section.end;
            // An enclosed document's own 附件说明 is the notice's, when the
            // notice has none (else the line stays the document's text).
            if section.label.is_empty()
                && !title.is_empty()
                && doc.listed.is_empty()
                && let Some(at) =
                    (k..section.end).find(|&j| ATTACHMENT_LIST.is_match(&lines[j].text))
            {
                let mut items = vec![
                    ATTACHMENT_LIST
                        .captures(&lines[at].text)
                        .map(|c| c[1].to_string())
                        .unwrap_or_default(),
                ];
                let mut end = at + 1;
                while end < section.end && LIST_ITEM.is_match(&lines[end].text) {
                    items.push(lines[end].text.clone());
                    end += 1;
                }
                doc.listed = list_titles(items);
                self.listed_at = lines[at].at;
                self.notes.add(lines[at].at, "the enclosed document's 附件说明 is printed after the notice's body, where GB/T 9704 puts it");
                body_end = at;
                after_list = end..section.end;
            }
            k = k.min(body_end);
            let mut body = self.blocks(&lines[k..body_end]);
            body.extend(self.blocks(&lines[after_list]));
            // Text after the closing with no label and no title is not an
            // enclosed document: it ends the body.
            if section.label.is_empty() && title.is_empty() {
                for line in &lines[k..body_end] {
                    self.notes.add(line.at, "text after the 署名 and date that is not an attachment: kept at the end of the body; move or delete it");
                }
                doc.body.extend(body);
                continue;
            }
            // A label with neither title nor text after it (`附件：` at the
            // draft's end) is not an attachment either: its line ends the
            // body.
            if !section.label.is_empty() && title.is_empty() && body.is_empty() {
                let label = section.start.saturating_sub(1)..section.start;
                for line in &lines[label.clone()] {
                    self.notes.add(line.at, "an attachment label with no title or text after it: kept at the end of the body; add the attachment or delete the line");
                }
                let kept = self.blocks(&lines[label]);
                doc.body.extend(kept);
                continue;
            }
            let at = lines
                .get(section.start.saturating_sub(1))
                .map_or(0, |l| l.at);
            found.push((
                Attachment {
                    label: section.label,
                    title,
                    body,
                    listed: false,
                },
                section.number,
                at,
            ));
        }
        // Each listed title takes the attachment whose title matches it,
        // else the one its number names, else the one in its place.
        let mut taken: Vec<Option<usize>> = vec![None; doc.listed.len()];
        let mut used = vec![false; found.len()];
        for (i, listed) in doc.listed.iter().enumerate() {
            let best = (0..found.len())
                .filter(|&f| !used[f])
                .map(|f| (f, matches(listed, &found[f].0.title)))
                .filter(|(_, score)| *score >= 0.6)
                .max_by(|a, b| a.1.total_cmp(&b.1));
            if let Some((f, _)) = best {
                taken[i] = Some(f);
                used[f] = true;
            }
        }
        for (i, slot) in taken.iter_mut().enumerate() {
            if slot.is_some() {
                continue;
            }
            let by_number = (0..found.len())
                .find(|&f| !used[f] && found[f].1 == Some(i + 1) && found[f].0.title.is_empty());
            let labelled_left: Vec<usize> = (0..found.len())
                .filter(|&f| !used[f] && !found[f].0.label.is_empty())
                .collect();
            let in_place =
                (labelled_left.len() == 1 && doc.listed.len() == 1).then(|| labelled_left[0]);
            if let Some(f) = by_number.or(in_place) {
                *slot = Some(f);
                used[f] = true;
            }
        }
        let mut attachments = Vec::new();
        // An enclosed document first, where the draft has it.
        for f in 0..found.len() {
            if !used[f] && found[f].0.label.is_empty() && f == 0 {
                used[f] = true;
                attachments.push(found[f].0.clone());
            }
        }
        for (i, listed) in doc.listed.iter().enumerate() {
            match taken[i] {
                Some(f) => {
                    let (mut attachment, _, at) = found[f].clone();
                    attachment.listed = true;
                    if attachment.title.is_empty() {
                        attachment.title = listed.clone();
                    } else if key(&attachment.title) != key(listed) {
                        self.notes.add(at, format!("the 附件说明 calls this attachment “{listed}”; its own title “{}” is used for both", attachment.title));
                    }
                    attachments.push(attachment);
                }
                None => {
                    self.notes.add(self.listed_at, format!("the 附件说明 lists “{listed}”, which is not in the draft: it gets a page with its title; add its `body_file` or `csv`"));
                    attachments.push(Attachment {
                        label: String::new(),
                        title: listed.clone(),
                        body: Vec::new(),
                        listed: true,
                    });
                }
            }
        }
        for (f, (attachment, _, at)) in found.into_iter().enumerate() {
            if used[f] {
                continue;
            }
            if !attachment.label.is_empty() {
                self.notes.add(at, format!("the attachment “{}” is not in the 附件说明: it is kept, unlisted; list it by setting `listed = true`", attachment.title));
            }
            attachments.push(attachment);
        }
        // Labels notice would print itself are left to it.
        let defaults = default_labels(&attachments);
        for (attachment, default) in attachments.iter_mut().zip(defaults) {
            if attachment.listed && (attachment.label.is_empty() || attachment.label == default) {
                attachment.label = default;
            }
        }
        doc.attachments = attachments;
    }

    /// The attachment pages between `from` and `to`: what precedes the
    /// first label is an enclosed document.
    fn sections(&self, doc: &Doc, from: usize, to: usize) -> Vec<Section> {
        let lines = self.lines;
        let listed = |t: &str| doc.listed.iter().any(|l| matches(l, t) >= 0.8);
        let starts: Vec<(usize, regex::Captures)> = (from..to)
            .filter_map(|k| {
                let c = SECTION_LABEL.captures(&lines[k].text)?;
                let inline = c.get(2).map_or("", |m| m.as_str().trim());
                // `附件：1.XXX` in an enclosed document is its 附件说明.
                (inline.is_empty() || listed(inline) || (doc.listed.is_empty() && k == from))
                    .then_some((k, c))
            })
            .collect();
        let mut sections = Vec::new();
        let first = starts.first().map_or(to, |(k, _)| *k);
        if first > from {
            sections.push(Section {
                label: String::new(),
                number: None,
                inline_title: None,
                start: from,
                end: first,
            });
        }
        for (n, (k, c)) in starts.iter().enumerate() {
            let number_text = c.get(1).map_or("", |m| m.as_str());
            let number: String = number_text
                .chars()
                .map(|ch| match ch {
                    '０'..='９' => {
                        char::from_u32(ch as u32 - '０' as u32 + '0' as u32).unwrap_or(ch)
                    }
                    ch => ch,
                })
                .collect();
            let value = number.parse::<usize>().ok().or_else(|| {
                crate::compose::numbering::parse_chinese_numeral(&number).map(|v| v as usize)
            });
            let inline = c
                .get(2)
                .map(|m| m.as_str().trim().to_string())
                .filter(|t| !t.is_empty());
            sections.push(Section {
                label: format!("附件{number}"),
                number: value,
                inline_title: inline,
                start: k + 1,
                end: starts.get(n + 1).map_or(to, |(next, _)| *next),
            });
        }
        sections
    }

    /// An attachment's title (over one to three lines) and where its text
    /// starts.
    fn section_title(&mut self, doc: &Doc, section: &Section) -> (String, usize) {
        let lines = self.lines;
        let k = section.start;
        if let Some(title) = &section.inline_title {
            return (title.clone(), k);
        }
        let candidates: Vec<&Line> = lines[k..section.end]
            .iter()
            .take(3)
            .take_while(|l| title_like(l))
            .collect();
        if candidates.is_empty() {
            return (String::new(), k);
        }
        // The lines that make a listed title.
        let mut best: Option<(f64, usize)> = None;
        for n in 1..=candidates.len() {
            let joined: String = candidates[..n].iter().map(|l| l.text.as_str()).collect();
            let score = doc
                .listed
                .iter()
                .map(|l| matches(l, &joined))
                .fold(0.0, f64::max);
            if score >= 0.8 && best.is_none_or(|(b, _)| score > b) {
                best = Some((score, n));
            }
        }
        let n = match best {
            Some((_, n)) => n,
            // A title broken over two lines ends with its kind.
            None if candidates.len() >= 2
                && !DOCUMENT_KIND.is_match(&candidates[0].text)
                && DOCUMENT_KIND.is_match(&candidates[1].text) =>
            {
                2
            }
            None => 1,
        };
        let title: String = candidates[..n].iter().map(|l| l.text.as_str()).collect();
        for line in &candidates[1..n] {
            self.notes.add(line.at, "joined a title broken over lines");
        }
        (title, k + n)
    }
}

/// Titles of a 附件说明's items: `1.` numbers dropped when there are
/// several (a single attachment has none).
pub(super) fn list_titles(items: Vec<String>) -> Vec<String> {
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
