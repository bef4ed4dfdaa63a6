//! The standard's wording of the elements around the body: the 版头 (份号,
//! 密级, 紧急程度, 发文机关标志, 发文字号, 签发人), the 主送, the closing
//! (署名, 日期, seals, 附注), the 纪要 attendance and the 版记.

use super::Composer;
use crate::diagnostic::Diagnostic;
use crate::gbt9704::{GEOMETRY, PT_PER_MM, size};
use crate::limits;
use crate::model::{Attendance, DocumentFormat, Image, Imprint, Mark};
use crate::plan::Date;

/// The 版头's elements.
pub(super) struct Header {
    pub copy_number: Option<String>,
    /// `秘密★1年`.
    pub secrecy: Option<String>,
    pub urgency: Option<String>,
    pub mark: Option<Mark>,
    pub number: Option<String>,
    pub signers: Vec<String>,
}

/// The closing after the body.
pub(super) struct Closing {
    pub signature: Vec<String>,
    pub date: Option<Date>,
    pub seals: Vec<Image>,
    pub note: Option<String>,
}

impl Composer<'_> {
    pub(super) fn header(&mut self, format: DocumentFormat, issuers: &[String]) -> Header {
        let plan = &self.loaded.plan;
        let mark = match self.text(&plan.mark) {
            Some(text) if text.is_empty() => None,
            Some(text) => Some(Mark {
                lines: vec![text],
                suffix: None,
            }),
            None if issuers.is_empty() => None,
            None => Some(default_mark(format, issuers)),
        };
        let secrecy = self.nonempty(&plan.secrecy);
        let period = self.nonempty(&plan.secrecy_period);
        let signers = match &plan.signers {
            Some(list) => {
                let place = self.plan_place(list);
                let mut names = Vec::new();
                for name in list.get_ref() {
                    if let Some(filled) = self.fill(name, &place, None) {
                        let text = self.origin(&filled, &place, None);
                        if !text.trim().is_empty() {
                            names.push(text.trim().to_string());
                        }
                    }
                }
                names
            }
            None => Vec::new(),
        };
        let signers = match &plan.signers {
            Some(list) if format == DocumentFormat::Letter && !signers.is_empty() => {
                self.warnings.push(
                    Diagnostic::warning(
                        "letter-signers",
                        "a 信函 has no 签发人 (GB/T 9704 10.1), so `signers` is not printed",
                    )
                    .at_place(Some(self.plan_place(list)))
                    .label("not printed in a 信函")
                    .hint("remove `signers`, or use format = \"file\" for a 上行文 with 签发人"),
                );
                Vec::new()
            }
            _ => signers,
        };
        if let Some(list) = &plan.signers
            && signers.len() > limits::SIGNERS
        {
            self.errors.push(
                Diagnostic::error(
                    "limit",
                    format!(
                        "{} 签发人: the 版头 holds at most {} (two a line beside the 发文字号)",
                        signers.len(),
                        limits::SIGNERS
                    ),
                )
                .at_place(Some(self.plan_place(list)))
                .label("too many names")
                .hint("list only the leaders who sign the document"),
            );
        }
        Header {
            copy_number: self.nonempty(&plan.copy_number),
            secrecy: secrecy.map(|s| match period {
                Some(p) => format!("{s}★{p}"),
                None => s,
            }),
            urgency: self.nonempty(&plan.urgency),
            mark,
            number: self.nonempty(&plan.number),
            signers,
        }
    }

    /// 主送机关: items joined with `、`, ending with `：`.
    pub(super) fn addressees(&mut self) -> Option<String> {
        let to = self.texts(&self.loaded.plan.to);
        (!to.is_empty()).then(|| {
            let joined = to
                .iter()
                .map(|t| t.trim_end_matches(['：', ':', '、']))
                .collect::<Vec<_>>()
                .join("、");
            format!("{joined}：")
        })
    }

    pub(super) fn closing(&mut self, format: DocumentFormat, issuers: &[String]) -> Closing {
        let plan = &self.loaded.plan;
        // 署名 defaults to the issuers; 纪要 and 命令 have none unless given
        // (a 命令 is signed by a person: `signature = "省长 张三"`).
        let mut signature = self.texts(&plan.signature);
        if plan.signature.is_none()
            && matches!(format, DocumentFormat::File | DocumentFormat::Letter)
        {
            signature = issuers.to_vec();
        }
        let date = self.date(&plan.date, "date");
        let seals = self.seals(format, signature.len());
        let note = self.nonempty(&plan.note).map(|n| in_parentheses(&n));
        Closing {
            signature,
            date,
            seals,
            note,
        }
    }

    /// 版记: 抄送 and the 印发 line (a 信函 has no 印发 line).
    pub(super) fn imprint(
        &mut self,
        format: DocumentFormat,
        date: Option<Date>,
    ) -> Option<Imprint> {
        let plan = &self.loaded.plan;
        let cc = self.texts(&plan.cc);
        let cc = (!cc.is_empty()).then(|| {
            let joined = cc
                .iter()
                .map(|c| c.trim_end_matches(['。', '.', '，', ',', '、']))
                .collect::<Vec<_>>()
                .join("，");
            format!("{joined}。")
        });
        if let (Some(value), Some(cc)) = (&plan.cc, &cc) {
            // 4号 characters a line between the 版记's margins, after `抄送：`.
            let per_line = ((GEOMETRY.body_width - 2.0 * size::SIHAO / PT_PER_MM)
                / (size::SIHAO / PT_PER_MM))
                .floor();
            let lines = ((cc.chars().count() as f64 + 3.0) / per_line).ceil() as usize;
            if lines > limits::IMPRINT_LINES {
                self.errors.push(
                    Diagnostic::error(
                        "limit",
                        format!(
                            "the 抄送 list needs {lines} lines; the 版记 at the foot of the last page holds at most {}",
                            limits::IMPRINT_LINES
                        ),
                    )
                    .at_place(Some(self.plan_place(value)))
                    .label("too long for the 版记")
                    .hint("抄送 the organisations as groups (e.g. 各县（区）人民政府), or send a distribution list as an attachment"),
                );
            }
        }
        let mut printed_by = self.nonempty(&plan.printed_by);
        if format == DocumentFormat::Letter
            && let (Some(value), Some(_)) = (&plan.printed_by, &printed_by)
        {
            self.warnings.push(
                Diagnostic::warning(
                    "letter-printed-by",
                    "a 信函 has no 印发 line, so `printed_by` is not printed",
                )
                .at_place(Some(self.plan_place(value)))
                .label("not printed in a 信函")
                .hint("remove `printed_by` (and `printed_on`), or use format = \"file\""),
            );
            printed_by = None;
        }
        let printed_on = self.date(&plan.printed_on, "printed_on").or(date);
        (cc.is_some() || printed_by.is_some()).then(|| Imprint {
            cc,
            printed_on: printed_by
                .as_ref()
                .and(printed_on)
                .map(|d| format!("{}印发", d.chinese())),
            printed_by,
        })
    }

    /// 纪要: 出席, 请假 and 列席 lines.
    pub(super) fn attendance(&mut self) -> Vec<Attendance> {
        let plan = &self.loaded.plan;
        let mut attendance = Vec::new();
        for (label, value) in [
            ("出席", &plan.attendees),
            ("请假", &plan.absentees),
            ("列席", &plan.observers),
        ] {
            let names = self.texts(value);
            if !names.is_empty() {
                attendance.push(Attendance::new(label, names.join("，")));
            }
        }
        attendance
    }
}

/// The 发文机关标志 when the plan gives none: the issuer and the format's
/// word (`文件`, `令`, `纪要`); joint issuers stacked beside one `文件`.
fn default_mark(format: DocumentFormat, issuers: &[String]) -> Mark {
    let suffix = format.mark_suffix();
    if issuers.len() > 1 && !suffix.is_empty() {
        Mark {
            lines: issuers.to_vec(),
            suffix: Some(suffix.to_string()),
        }
    } else {
        Mark {
            lines: vec![format!("{}{suffix}", issuers.join(""))],
            suffix: None,
        }
    }
}

/// 附注 in full-width parentheses.
fn in_parentheses(note: &str) -> String {
    if note.starts_with('（') && note.ends_with('）') {
        note.to_string()
    } else {
        format!(
            "（{}）",
            note.trim_start_matches(['(', '（'])
                .trim_end_matches([')', '）'])
        )
    }
}
