//! The contract between a template and notice: the markers a template
//! places in its flow (`#metadata("closing")<notice-marker>`, zero size and
//! invisible), from which the pagination search, the page audit and the
//! Word writer read the laid-out pages. A template that drops one would
//! silently turn those off, so every template is checked for all of them
//! when it is loaded, and the error names what is missing.

use std::fmt;

/// The label every marker carries.
pub const LABEL: &str = "notice-marker";

/// A marker a template places.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mark {
    /// Under the title (page 1's 版头 and title end here).
    TitleEnd,
    /// Before the 主送.
    To,
    /// Before body block `n` (0-based, in the model's order).
    Block(usize),
    /// Before a heading that stays with what follows it.
    Heading,
    /// Before a heading that is a sentence and flows like text.
    Sentence,
    /// Before a table of the body, and after it.
    Table,
    TableEnd,
    /// Where a fit's tightened pitch starts.
    Tight,
    /// After the body's last block.
    BodyEnd,
    /// Where the closing starts (the 附件说明, a 纪要's attendance, the 署名).
    Closing,
    /// Before the 署名 and what may never stand alone on a page.
    Signature,
    /// Where a sealed 署名's block starts.
    SealBlock,
    /// After the closing.
    ClosingEnd,
    /// At the top of each attachment's first page.
    Attachment,
    /// Before the 版记.
    Imprint,
}

/// One marker of the contract: its name in the template, and what reads it.
pub struct Term {
    pub name: &'static str,
    pub placed: &'static str,
    pub read_by: &'static str,
}

/// Every marker a template must place, in the order of the page.
pub const CONTRACT: &[Term] = &[
    term(
        "title-end",
        "under the title",
        "the audit (the title's place)",
    ),
    term("to", "before the 主送", "pagination, the page rules"),
    term(
        "block:N",
        "before body block N",
        "pagination, the page rules, the Word file's flow",
    ),
    term(
        "heading",
        "before a heading kept with its text",
        "the page rules",
    ),
    term(
        "sentence",
        "before a heading that runs as text",
        "the page rules",
    ),
    term("table", "before a table of the body", "the page rules"),
    term(
        "table-end",
        "after a table of the body",
        "the Word file's return to the grid",
    ),
    term(
        "tight",
        "where a tightened pitch starts",
        "the audit (tightened pages)",
    ),
    term(
        "body-end",
        "after the body",
        "pagination, the Word file's flow",
    ),
    term(
        "closing",
        "where the closing starts",
        "pagination, the Word file's tightening",
    ),
    term(
        "signature",
        "before the 署名",
        "pagination, the page rules, the audit",
    ),
    term(
        "seal-block",
        "where a sealed 署名 starts",
        "the audit (seals)",
    ),
    term(
        "closing-end",
        "after the closing",
        "pagination, the Word file's tightening",
    ),
    term(
        "attachment",
        "at the top of an attachment",
        "the page rules",
    ),
    term("imprint", "before the 版记", "the audit (the 版记's place)"),
];

const fn term(name: &'static str, placed: &'static str, read_by: &'static str) -> Term {
    Term {
        name,
        placed,
        read_by,
    }
}

impl Mark {
    /// The marker a template's value names; `None` for one notice does
    /// not read.
    pub fn parse(value: &str) -> Option<Mark> {
        if let Some(n) = value.strip_prefix("block:") {
            return n.parse().ok().map(Mark::Block);
        }
        Some(match value {
            "title-end" => Mark::TitleEnd,
            "to" => Mark::To,
            "heading" => Mark::Heading,
            "sentence" => Mark::Sentence,
            "table" => Mark::Table,
            "table-end" => Mark::TableEnd,
            "tight" => Mark::Tight,
            "body-end" => Mark::BodyEnd,
            "closing" => Mark::Closing,
            "signature" => Mark::Signature,
            "seal-block" => Mark::SealBlock,
            "closing-end" => Mark::ClosingEnd,
            "attachment" => Mark::Attachment,
            "imprint" => Mark::Imprint,
            _ => return None,
        })
    }
}

impl fmt::Display for Mark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Mark::Block(n) => return write!(f, "block:{n}"),
            Mark::TitleEnd => "title-end",
            Mark::To => "to",
            Mark::Heading => "heading",
            Mark::Sentence => "sentence",
            Mark::Table => "table",
            Mark::TableEnd => "table-end",
            Mark::Tight => "tight",
            Mark::BodyEnd => "body-end",
            Mark::Closing => "closing",
            Mark::Signature => "signature",
            Mark::SealBlock => "seal-block",
            Mark::ClosingEnd => "closing-end",
            Mark::Attachment => "attachment",
            Mark::Imprint => "imprint",
        };
        f.write_str(name)
    }
}

/// The markers of the contract that no Typst source of a template names,
/// as the string a `marker(…)` call is given (`"closing"`, or `"block:"`
/// to which the block's number is added).
pub fn missing<'a>(sources: impl IntoIterator<Item = &'a str> + Clone) -> Vec<&'static Term> {
    CONTRACT
        .iter()
        .filter(|term| {
            let literal = match term.name.strip_suffix('N') {
                Some(prefix) => format!("\"{prefix}"),
                None => format!("\"{}\"", term.name),
            };
            !sources.clone().into_iter().any(|s| s.contains(&literal))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_term_of_the_contract_parses_and_prints_as_itself() {
        for term in CONTRACT {
            let value = term.name.replace('N', "7");
            let mark = Mark::parse(&value).unwrap_or_else(|| panic!("{value}"));
            assert_eq!(mark.to_string(), value);
        }
        assert_eq!(Mark::parse("block:x"), None);
        assert_eq!(Mark::parse("my-own"), None);
    }

    #[test]
    fn a_source_without_a_marker_is_found_out() {
        let all: Vec<String> = CONTRACT
            .iter()
            .map(|t| format!("marker(\"{}\")", t.name.trim_end_matches('N')))
            .collect();
        let joined = all.join("\n");
        assert!(missing([joined.as_str()]).is_empty());
        let without = joined.replace("marker(\"closing\")", "");
        let gone: Vec<&str> = missing([without.as_str()]).iter().map(|t| t.name).collect();
        assert_eq!(gone, ["closing"]);
    }
}
