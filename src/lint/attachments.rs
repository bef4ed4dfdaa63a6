//! 附件 labels match their order; titles do not repeat the numbering.

use std::sync::LazyLock;

use regex::Regex;

use super::{Subject, place};
use crate::compose::attachments::{default_label, numbers};
use crate::diagnostic::Diagnostic;

static LABEL_NUMBER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^附件\s*(\d+)$").unwrap());
static TITLE_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(附件\s*\d*[：:.．、]?|\d+[.．、])\s*").unwrap());

/// 附件 labels match their order; titles do not repeat the numbering.
pub(super) fn attachment_labels(s: &Subject, out: &mut Vec<Diagnostic>) {
    let plans = &s.loaded.plan.attachments;
    for (i, (spanned, number)) in plans.iter().zip(numbers(plans)).enumerate() {
        let plan = spanned.get_ref();
        if let (Some(label), Some(model)) = (&plan.label, s.composed.document.attachments.get(i))
            && let Some(text) = &model.label
            && LABEL_NUMBER.is_match(text)
        {
            let expected = default_label(number);
            if expected != *text {
                out.push(
                    Diagnostic::warning("attachment-number", format!("the label `{text}` does not match the attachment's place in the 附件说明"))
                        .at_place(Some(place(s, label)))
                        .label("label")
                        .hint(format!("label it `{expected}`, or drop `label` and let notice number it")),
                );
            }
        }
        if let Some(title) = &plan.title
            && let Some(m) = TITLE_NUMBER.find(title.get_ref())
        {
            out.push(
                Diagnostic::warning(
                    "attachment-number",
                    format!(
                        "the attachment title starts with its own number `{}`",
                        m.as_str().trim()
                    ),
                )
                .at_place(Some(place(s, title)))
                .label("title")
                .hint("remove it: notice numbers the 附件说明 and the labels itself"),
            );
        }
    }
}
