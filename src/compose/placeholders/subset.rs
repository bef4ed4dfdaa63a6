//! The part of minijinja plans may use, checked before rendering: values,
//! attribute access, listed filters, `{% if %}` and `{% for %}`. Anything
//! that could build text of unbounded size before printing it is refused
//! with its place.

use std::ops::Range;

use super::{FILTERS, FillError, SUBSET_HINT};

/// Statements a plan may use.
const STATEMENTS: &[&str] = &["if", "elif", "else", "endif", "for", "endfor"];

/// Functions a plan may call (`range` is bounded by minijinja).
pub(super) const FUNCTIONS: &[&str] = &["range"];

/// The longest placeholder tag (`{{ … }}` or `{% … %}`).
const TAG_BYTES: usize = 1024;

/// A tag of the source: where it is, and whether it prints (`{{ }}`).
#[derive(Debug, Clone)]
pub(super) struct Tag {
    pub span: Range<usize>,
    pub prints: bool,
}

/// Checks that `text` uses only the subset of minijinja plans may use, and
/// returns its tags.
pub(super) fn check_subset(text: &str) -> Result<Vec<Tag>, FillError> {
    let mut tags = Vec::new();
    let mut at = 0;
    while let Some(found) = text[at..].find('{') {
        let start = at + found;
        let kind = text[start + 1..].chars().next();
        let close = match kind {
            Some('{') => "}}",
            Some('%') => "%}",
            Some('#') => "#}",
            _ => {
                at = start + 1;
                continue;
            }
        };
        let body_start = start + 2;
        let Some(end) = tag_end(text, body_start, close, kind == Some('#')) else {
            // minijinja reports the unclosed tag itself.
            return Ok(tags);
        };
        let span = start..end + 2;
        at = span.end;
        if kind == Some('#') {
            tags.push(Tag {
                span,
                prints: false,
            });
            continue;
        }
        if span.len() > TAG_BYTES {
            return Err(refuse(
                span,
                format!(
                    "this placeholder is {} bytes long; placeholders are at most {TAG_BYTES}",
                    end + 2 - start
                ),
            ));
        }
        let inner = &text[body_start..end];
        if kind == Some('%') {
            let keyword = inner
                .trim_start_matches(['-', '+'])
                .trim_start()
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .next()
                .unwrap_or("");
            if keyword == "raw" {
                return Err(refuse(span, "`{% raw %}` is not available in plans; to print braces literally write {{ '{{' }}".to_string()));
            }
            if !STATEMENTS.contains(&keyword) {
                return Err(refuse(
                    span,
                    format!("`{{% {keyword} %}}` is not available in plans"),
                ));
            }
        }
        check_expression(inner, body_start)?;
        tags.push(Tag {
            span,
            prints: kind == Some('{'),
        });
    }
    Ok(tags)
}

fn refuse(span: Range<usize>, message: String) -> FillError {
    FillError {
        span,
        message,
        label: "not available in placeholders".into(),
        hint: SUBSET_HINT.into(),
    }
}

/// The byte where `close` ends a tag whose body starts at `from`, skipping
/// string literals (comments have none).
fn tag_end(text: &str, from: usize, close: &str, comment: bool) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' {
                    i += 1;
                } else if b == q {
                    quote = None;
                }
            }
            None if !comment && (b == b'"' || b == b'\'') => quote = Some(b),
            None if bytes[i..].starts_with(close.as_bytes()) => return Some(i),
            None => {}
        }
        i += 1;
    }
    None
}

/// Refuses operators that build text (`~`, `+`, `*`), filters outside the
/// list and functions other than `range`.
fn check_expression(inner: &str, offset: usize) -> Result<(), FillError> {
    let bytes = inner.as_bytes();
    let mut i = 0;
    let mut previous: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'"' || b == b'\'' {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] != b {
                if bytes[j] == b'\\' {
                    j += 1;
                }
                j += 1;
            }
            i = j + 1;
            previous = Some(b'"');
            continue;
        }
        let at = offset + i..offset + i + 1;
        match b {
            b'~' | b'+' | b'*' => {
                let op = if inner[i..].starts_with("**") {
                    "**"
                } else {
                    &inner[i..i + 1]
                };
                return Err(refuse(
                    at,
                    format!(
                        "`{op}` is not available in placeholders: they print values, they do not compute text"
                    ),
                ));
            }
            _ if b.is_ascii_alphabetic() || b == b'_' => {
                let end = inner[i..]
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .map_or(inner.len(), |e| i + e);
                let name = &inner[i..end];
                let next = inner[end..].trim_start().chars().next();
                if previous == Some(b'|') && !FILTERS.contains(&name) {
                    return Err(refuse(
                        offset + i..offset + end,
                        format!("the filter `{name}` is not available in placeholders"),
                    ));
                }
                let called = next == Some('(') && !matches!(previous, Some(b'|') | Some(b'.'));
                if called && !FUNCTIONS.contains(&name) {
                    return Err(refuse(
                        offset + i..offset + end,
                        format!("the function `{name}` is not available in placeholders"),
                    ));
                }
                previous = Some(b'a');
                i = end;
                continue;
            }
            _ if b.is_ascii_whitespace() => {}
            _ => previous = Some(b),
        }
        i += 1;
    }
    Ok(())
}
