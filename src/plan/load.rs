//! Reading a plan file: the two forms (TOML, Markdown with `+++` front
//! matter) and TOML errors turned into diagnostics at their place.

use std::ops::Range;
use std::path::Path;

use super::{BodyText, LoadedPlan, Plan, attachment_keys, plan_keys};
use crate::diagnostic::{Diagnostic, Failed, FileId, SourceMap, closest};
use crate::{files, limits};

/// Whether a path looks like a plan: `*.toml`, or `*.md` starting with `+++`.
pub fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

/// Reads a plan file (either form) and type-checks it.
pub fn load(path: &Path, sources: &mut SourceMap) -> Result<LoadedPlan, Failed> {
    let bytes = files::read_input(path, limits::PLAN_BYTES).map_err(|err| {
        Diagnostic::error("io", format!("cannot read plan {}: {err}", path.display()))
            .hint("check the path; a plan is a .toml file or a .md file with +++ front matter")
    })?;
    parse(path, bytes, sources)
}

/// Reads a plan from its bytes; `path` says which form it is and where
/// relative paths start.
pub fn parse(path: &Path, bytes: Vec<u8>, sources: &mut SourceMap) -> Result<LoadedPlan, Failed> {
    let text = files::decode_utf8(path, bytes, sources)?;
    let file = sources.add(path, text);
    let text = sources.text(file).to_string();

    let (toml_text, toml_offset, front_matter_body) = if is_markdown(path) {
        let fm = split_front_matter(&text).ok_or_else(|| {
            Diagnostic::error("front-matter", "this Markdown plan has no +++ front matter")
                .at(file, 0..text.lines().next().map_or(0, str::len))
                .label("expected a line `+++` here")
                .hint("start the file with a line `+++`, the TOML keys (title = \"...\" ...), then another `+++` line; the body follows")
        })?;
        match fm {
            FrontMatter::Unclosed { open } => {
                return Err(Diagnostic::error(
                    "front-matter",
                    "the +++ front matter is never closed",
                )
                .at(file, open)
                .label("opened here")
                .hint("add a line `+++` after the last TOML key, before the body")
                .into());
            }
            FrontMatter::Closed { toml, body } => {
                let body = BodyText {
                    text: text[body.clone()].to_string(),
                    file,
                    offset: body.start,
                };
                (text[toml.clone()].to_string(), toml.start, Some(body))
            }
        }
    } else {
        (text.clone(), 0, None)
    };

    let plan: Plan = toml::from_str(&toml_text)
        .map_err(|err| toml_error(&err, file, toml_offset, plan_keys(), attachment_keys()))?;
    Ok(LoadedPlan {
        path: path.to_path_buf(),
        file,
        toml_offset,
        plan,
        front_matter_body,
    })
}

enum FrontMatter {
    Closed {
        toml: Range<usize>,
        body: Range<usize>,
    },
    Unclosed {
        open: Range<usize>,
    },
}

/// A Markdown plan's TOML and body, as byte ranges of its text, split as
/// the loader splits it: `None` when the text has no closed `+++` front
/// matter (it is not a plan).
pub fn front_matter(text: &str) -> Option<(Range<usize>, Range<usize>)> {
    match split_front_matter(text)? {
        FrontMatter::Closed { toml, body } => Some((toml, body)),
        FrontMatter::Unclosed { .. } => None,
    }
}

/// Finds `+++` front matter at the very top of a Markdown plan.
fn split_front_matter(text: &str) -> Option<FrontMatter> {
    let mut lines = line_ranges(text);
    let first = lines.next()?;
    if text[first.clone()].trim_end() != "+++" {
        return None;
    }
    let toml_start = first.end;
    for line in lines {
        if text[line.clone()].trim_end() == "+++" {
            let body_start = (line.end).min(text.len());
            return Some(FrontMatter::Closed {
                toml: toml_start..line.start,
                body: body_start..text.len(),
            });
        }
    }
    Some(FrontMatter::Unclosed {
        open: first.start..first.start + 3,
    })
}

/// Ranges of each line including its newline.
fn line_ranges(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let end = text[start..]
            .find('\n')
            .map_or(text.len(), |i| start + i + 1);
        let range = start..end;
        start = end;
        Some(range)
    })
}

/// Turns a TOML error into a diagnostic at its place, with a hint.
pub fn toml_error(
    err: &toml::de::Error,
    file: FileId,
    offset: usize,
    keys: &[&str],
    nested_keys: &[&str],
) -> Diagnostic {
    let span = err
        .span()
        .map(|s| s.start + offset..s.end + offset)
        .unwrap_or(offset..offset);
    let message = err.message().trim().to_string();
    if let Some(unknown) = backticked_after(&message, "unknown field") {
        let mut d = Diagnostic::error("unknown-key", format!("unknown key `{unknown}`"))
            .at(file, span)
            .label("not a key of the plan");
        let suggestion = closest(&unknown, keys.iter().chain(nested_keys).copied());
        d = match suggestion {
            Some(s) => d.hint(format!("did you mean `{s}`?")),
            None => d.hint(format!("the keys are: {}", keys.join(", "))),
        };
        return d;
    }
    let hint = if message.contains("invalid type") {
        "check the value's type: text goes in \"quotes\", dates are written 2020-03-27 without quotes, lists in [ \"a\", \"b\" ]"
    } else if message.contains("duplicate key") {
        "each key may appear only once; remove one of them"
    } else {
        "see the plan format in README.md; strings need \"quotes\" and each key = value sits on its own line"
    };
    Diagnostic::error("toml", format!("invalid plan: {message}"))
        .at(file, span)
        .label(first_line(&message))
        .hint(hint)
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").to_string()
}

/// The first `backticked` word after `prefix` in a serde message.
fn backticked_after(message: &str, prefix: &str) -> Option<String> {
    let rest = &message[message.find(prefix)? + prefix.len()..];
    let start = rest.find('`')? + 1;
    let end = start + rest[start..].find('`')?;
    Some(rest[start..end].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_split() {
        let text = "+++\ntitle = \"x\"\n+++\n# 正文\n";
        let Some(FrontMatter::Closed { toml, body }) = split_front_matter(text) else {
            panic!("front matter not found")
        };
        assert_eq!(&text[toml], "title = \"x\"\n");
        assert_eq!(&text[body], "# 正文\n");
        assert!(matches!(
            split_front_matter("+++\na=1\n"),
            Some(FrontMatter::Unclosed { .. })
        ));
        assert!(split_front_matter("# no\n").is_none());
    }
}
