//! The 发文字号: `〔〕` around the full year, no 第, no leading zeros, 号 at
//! the end; and the title without closing punctuation.

use std::sync::LazyLock;

use regex::Regex;

use super::{Subject, doc, place};
use crate::diagnostic::Diagnostic;
use crate::gbt9704::DOCUMENT_NUMBER_PATTERN;
use crate::model::DocumentFormat;

static NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(DOCUMENT_NUMBER_PATTERN).expect("the pattern is valid"));

/// 发文字号: `〔〕` around the full year, no 第, no leading zeros.
pub(super) fn document_number(s: &Subject, out: &mut Vec<Diagnostic>) {
    // A 令号 is written 第N号; the rule is for 发文字号.
    if doc(s).format == DocumentFormat::Order {
        return;
    }
    let (Some(value), Some(number)) = (&s.loaded.plan.number, &doc(s).number) else {
        return;
    };
    let Some(caps) = NUMBER.captures(number) else {
        return;
    };
    let year = &caps["year"];
    let seq = &caps["seq"];
    let full_year = if year.len() == 2 {
        format!("20{year}")
    } else {
        year.to_string()
    };
    let fixed_seq = seq.trim_start_matches('0');
    let fixed_seq = if fixed_seq.is_empty() { "0" } else { fixed_seq };
    let fixed = format!(
        "{}〔{full_year}〕{fixed_seq}号{}",
        &caps["prefix"], &caps["rest"]
    );
    let at = place(s, value);
    let mut problems = Vec::new();
    if &caps["open"] != "〔" || &caps["close"] != "〕" {
        problems.push((
            "number-brackets",
            format!(
                "the year in the 发文字号 is in {}{} instead of 六角括号 〔〕",
                &caps["open"], &caps["close"]
            ),
        ));
    }
    if year.len() != 4 {
        problems.push((
            "number-year",
            format!(
                "the 发文字号 has a {}-digit year; write the full year",
                year.len()
            ),
        ));
    }
    if caps.name("di").is_some() {
        problems.push((
            "number-sequence",
            "the 发文字号's sequence number has a 第 it should not have".to_string(),
        ));
    }
    if seq.len() > 1 && seq.starts_with('0') {
        problems.push((
            "number-sequence",
            "the 发文字号's sequence number has leading zeros".to_string(),
        ));
    }
    if caps["hao"].is_empty() {
        problems.push((
            "number-sequence",
            "the 发文字号 should end with 号".to_string(),
        ));
    }
    for (code, message) in problems {
        out.push(
            Diagnostic::warning(code, message)
                .at_place(Some(at.clone()))
                .label("发文字号")
                .hint(format!("write `{fixed}`")),
        );
    }
}

/// A title carries no closing punctuation.
pub(super) fn title_punctuation(s: &Subject, out: &mut Vec<Diagnostic>) {
    let (Some(value), Some(title)) = (&s.loaded.plan.title, &doc(s).title) else {
        return;
    };
    if let Some(last) = title.text.chars().last()
        && "。，；：、！？.,;:!?".contains(last)
    {
        out.push(
            Diagnostic::warning("title-punctuation", format!("the title ends with `{last}`"))
                .at_place(Some(place(s, value)))
                .label("title")
                .hint(format!("remove the `{last}`: titles end without punctuation (书名号 and 引号 may close it)")),
        );
    }
}
