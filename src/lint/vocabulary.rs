//! 密级, 保密期限 and 紧急程度: the standard's words only.

use toml::Spanned;

use super::{Subject, place};
use crate::diagnostic::{Diagnostic, closest};
use crate::gbt9704::{SECRECY_LEVELS, URGENCY_LEVELS};

/// 密级, 保密期限 and 紧急程度 values.
pub(super) fn secrecy_and_urgency(s: &Subject, out: &mut Vec<Diagnostic>) {
    let plan = &s.loaded.plan;
    if let Some(period) = &plan.secrecy_period
        && plan.secrecy.is_none()
    {
        out.push(
            Diagnostic::warning(
                "secrecy-period",
                "`secrecy_period` is given without `secrecy`",
            )
            .at_place(Some(place(s, period)))
            .label("保密期限 of no 密级")
            .hint("add `secrecy = \"秘密\"` (or 机密, 绝密), or remove `secrecy_period`"),
        );
    }
    type Check<'a> = (
        &'a Option<Spanned<String>>,
        &'a [&'a str],
        &'static str,
        &'static str,
    );
    let checks: [Check; 2] = [
        (&plan.secrecy, &SECRECY_LEVELS, "secrecy", "密级"),
        (&plan.urgency, &URGENCY_LEVELS, "urgency", "紧急程度"),
    ];
    for (value, known, code, name) in checks {
        let Some(value) = value else { continue };
        let text = value.get_ref().trim();
        if text.is_empty() || known.contains(&text) {
            continue;
        }
        let mut d = Diagnostic::warning(code, format!("`{text}` is not a {name} of GB/T 9704"))
            .at_place(Some(place(s, value)))
            .label(format!("unknown {name}"));
        if let Some(c) = closest(text, known.iter().copied()) {
            d = d.hint(format!("did you mean `{c}`?"));
        }
        out.push(d.hint(format!("the {name} values are {}", known.join("、"))));
    }
}
