//! 附件说明 titles, attachments and an enclosed document after the date.

use super::*;

impl Recogniser<'_> {
    /// Attachments and an enclosed document between the date (or note) and
    /// the 版记.
    pub(super) fn attachments(&mut self, doc: &mut Doc, from: usize, to: usize) {
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
