//! 附件: their numbering, labels, titles and bodies, and the 附件说明 that
//! lists them after the body.

use toml::Spanned;

use super::title;
use super::{Composer, Turn};
use crate::diagnostic::Diagnostic;
use crate::model::{Attachment, AttachmentNote};
use crate::plan::AttachmentPlan;

/// The number of each attachment among the listed ones (`附件1`, `1.` in
/// the 附件说明): `None` for an unlisted one, and for the only listed one
/// (plain `附件`).
pub fn numbers(plans: &[Spanned<AttachmentPlan>]) -> Vec<Option<usize>> {
    let listed: Vec<bool> = plans.iter().map(|a| is_listed(a.get_ref())).collect();
    let several = listed.iter().filter(|l| **l).count() > 1;
    let mut ordinal = 0;
    listed
        .into_iter()
        .map(|listed| {
            listed.then(|| {
                ordinal += 1;
                ordinal
            })
        })
        .map(|n| n.filter(|_| several))
        .collect()
}

/// Whether the 附件说明 lists the attachment (`listed`, default true).
pub fn is_listed(plan: &AttachmentPlan) -> bool {
    plan.listed.as_ref().is_none_or(|l| *l.get_ref())
}

/// The label an attachment gets when the plan gives none.
pub fn default_label(number: Option<usize>) -> String {
    match number {
        Some(n) => format!("附件{n}"),
        None => "附件".to_string(),
    }
}

impl Composer<'_> {
    /// Every attachment, and the 附件说明 lines of the listed ones.
    pub(super) fn attachments(
        &mut self,
        issuers: &[String],
    ) -> (Vec<Attachment>, Vec<AttachmentNote>) {
        let plans = &self.loaded.plan.attachments;
        let numbers = numbers(plans);
        let mut attachments = Vec::new();
        let mut notes = Vec::new();
        for (spanned, number) in plans.iter().zip(numbers) {
            let attachment = self.attachment(spanned.get_ref(), number, issuers);
            if is_listed(spanned.get_ref()) {
                let name = attachment
                    .title
                    .as_ref()
                    .map(|t| t.text.clone())
                    .unwrap_or_default();
                if name.is_empty() {
                    self.warnings.push(
                        Diagnostic::warning(
                            "attachment-title",
                            "a listed attachment has no title, so the 附件说明 names nothing",
                        )
                        .at_place(Some(self.plan_place(spanned)))
                        .hint("give the attachment a `title`, or set `listed = false`"),
                    );
                }
                notes.push(AttachmentNote {
                    number: number.map(|n| format!("{n}.")),
                    name: name
                        .trim_end_matches(['。', '.', '；', ';', '，'])
                        .to_string(),
                });
            }
            attachments.push(attachment);
        }
        (attachments, notes)
    }

    fn attachment(
        &mut self,
        plan: &AttachmentPlan,
        number: Option<usize>,
        issuers: &[String],
    ) -> Attachment {
        let title = self
            .nonempty(&plan.title)
            .map(|t| title::title(&t, issuers));
        let label = match &plan.label {
            Some(label) => self.nonempty(&Some(label.clone())),
            None => Some(default_label(number)),
        };
        let landscape = plan.landscape.as_ref().is_some_and(|l| *l.get_ref());
        let turn = if landscape {
            Turn::Turned
        } else {
            Turn::Upright
        };
        let what = match &title {
            Some(t) => format!("a table of the attachment 「{}」", t.text),
            None => "a table of an attachment".to_string(),
        };
        let mut body = Vec::new();
        if let Some(source) = self.body_source(&plan.body, &plan.body_file, None) {
            body = self.markdown(&source);
            self.plan_tables(&mut body, turn, source.place(), &what);
        }
        if let Some(csv) = &plan.csv
            && let Some(table) = self.csv_table(csv)
        {
            let mut tables = [table];
            let place = self.plan_place(csv);
            self.plan_tables(
                &mut tables,
                turn,
                place,
                &format!("the table `{}`", csv.get_ref()),
            );
            body.extend(tables);
        }
        Attachment {
            label,
            title,
            landscape,
            body,
        }
    }
}
