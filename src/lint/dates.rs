//! Dates that are probably typos: before the People's Republic, more than a
//! year ahead, printed before written.

use std::collections::BTreeMap;

use super::{Subject, place};
use crate::diagnostic::Diagnostic;
use crate::plan::{Date, parse_date};

/// Dates before the People's Republic or more than a year ahead are typos.
pub(super) fn dates(s: &Subject, out: &mut Vec<Diagnostic>) {
    let plan = &s.loaded.plan;
    let earliest = Date::new(1949, 10, 1).expect("a valid date");
    let latest = Date {
        year: s.today.year + 1,
        ..s.today
    };
    let mut parsed = BTreeMap::new();
    for (key, value) in [("date", &plan.date), ("printed_on", &plan.printed_on)] {
        let Some(value) = value else { continue };
        let Ok(date) = parse_date(value.get_ref()) else {
            continue;
        };
        parsed.insert(key, date);
        let problem = if date < earliest {
            Some("is before 1949年10月1日, the founding of the People's Republic")
        } else if date > latest {
            Some("is more than a year from today")
        } else {
            None
        };
        if let Some(problem) = problem {
            out.push(
                Diagnostic::warning(
                    "date-range",
                    format!("`{key}` {} {problem}", date.chinese()),
                )
                .at_place(Some(place(s, value)))
                .label("unlikely date")
                .hint("check the year"),
            );
        }
    }
    if let (Some(date), Some(printed), Some(value)) = (
        parsed.get("date"),
        parsed.get("printed_on"),
        &plan.printed_on,
    ) && printed < date
    {
        out.push(
            Diagnostic::warning("date-range", "the 印发日期 is before the 成文日期")
                .at_place(Some(place(s, value)))
                .label("printed before it was written")
                .hint("a document is printed on or after its 成文日期"),
        );
    }
}
