//! `notice check --fix`: the safe repairs `notice import` makes to drafts,
//! applied to a plan and its Markdown files, each listed with its place.
//! Safe means the words stay the words: spaces between Chinese characters,
//! half-width punctuation beside Chinese, straight quotation marks, the
//! 发文字号's brackets, heading numbers in a variant form (`一.` → `一、`).
//! Files are rewritten all or none, with the TOML's layout and comments
//! kept.

use std::path::{Path, PathBuf};

use toml_edit::{DocumentMut, Item, Value};

use crate::compose::numbering::explicit_number;
use crate::diagnostic::{Diagnostic, Failed};
use crate::gbt9704::heading_number;
use crate::import::repair::{Repaired, repair_text};
use crate::import::structure::number_of;
use crate::{files, limits, plan};

/// One repair: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub file: PathBuf,
    pub line: usize,
    pub what: String,
}

impl std::fmt::Display for Fix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file.display(), self.line, self.what)
    }
}

/// Keys whose strings are words of the document.
const TEXT_KEYS: [&str; 13] = [
    "issuer",
    "mark",
    "title",
    "to",
    "body",
    "signature",
    "note",
    "cc",
    "printed_by",
    "attendees",
    "absentees",
    "observers",
    "signers",
];

/// What a repair changed, in words.
fn describe(r: &Repaired) -> Vec<&'static str> {
    let mut out = Vec::new();
    if r.spaces > 0 {
        out.push("removed spaces between Chinese characters");
    }
    if r.punctuation > 0 {
        out.push("made half-width punctuation beside Chinese full-width");
    }
    if r.quotes > 0 {
        out.push("made straight quotation marks into “ ”");
    }
    if r.digits > 0 {
        out.push("wrote full-width digits as Arabic numerals");
    }
    out
}

/// Repairs a plan (TOML, or Markdown with front matter) and the Markdown
/// files it names; writes them back and returns the fixes. A plan with
/// nothing to repair is left untouched.
pub fn fix_plan(path: &Path) -> Result<Vec<Fix>, Failed> {
    let read = |p: &Path| -> Result<String, Failed> {
        let bytes = files::read_input(p, limits::PLAN_BYTES)
            .map_err(|e| Diagnostic::error("io", format!("cannot read {}: {e}", p.display())))?;
        String::from_utf8(files::strip_bom(&bytes).to_vec()).map_err(|_| {
            Failed::from(
                Diagnostic::error("encoding", format!("{} is not UTF-8", p.display()))
                    .hint("save it as UTF-8 first (notice import converts GB18030 drafts)"),
            )
        })
    };
    let text = read(path)?;
    let mut fixes = Vec::new();
    let mut outputs: Vec<(PathBuf, Vec<u8>)> = Vec::new();
    // Split as the loader splits: a Markdown file it would not read as a
    // plan is not repaired.
    let (toml_text, prefix, separator, body) = if plan::is_markdown(path) {
        let Some((toml, body)) = plan::front_matter(&text) else {
            return Err(Diagnostic::error(
                "front-matter",
                format!("{}: not a plan: no closed +++ front matter", path.display()),
            )
            .hint("`notice check --fix` repairs plans; start the file with `+++`, the TOML keys, and another `+++` line")
            .into());
        };
        (
            text[toml.clone()].to_string(),
            text[..toml.start].to_string(),
            text[toml.end..body.start].to_string(),
            Some(text[body].to_string()),
        )
    } else {
        (text.clone(), String::new(), String::new(), None)
    };
    let mut doc: DocumentMut = toml_text.parse().map_err(|e| {
        Diagnostic::error("toml", format!("{}: {e}", path.display()))
            .hint("fix the TOML first: `notice check` shows where")
    })?;
    let offset = prefix.matches('\n').count();
    // The line of `key` in the plan (`section`: the attachment's index).
    let line_of = |section: Option<usize>, key: &str| key_line(&toml_text, section, key) + offset;
    let mut body_files = Vec::new();
    let mut changed = false;
    {
        let table = doc.as_table_mut();
        changed |= fix_table(table, None, path, &line_of, &mut fixes);
        if let Some(file) = table.get("body_file").and_then(Item::as_str) {
            body_files.push(file.to_string());
        }
        if let Some(item) = table.get_mut("number")
            && let Some(value) = item.as_value_mut()
            && let Some(number) = value.as_str()
            && let Some(canonical) = number_of(number)
            && canonical != number
        {
            let line = line_of(None, "number");
            fixes.push(Fix {
                file: path.to_path_buf(),
                line,
                what: format!("number: wrote the 发文字号 as {canonical} (六角括号 〔〕, no 第, no leading zeros)"),
            });
            *value = Value::from(canonical).decorated(
                value.decor().prefix().cloned().unwrap_or_default(),
                value.decor().suffix().cloned().unwrap_or_default(),
            );
            changed = true;
        }
        if let Some(attachments) = table
            .get_mut("attachments")
            .and_then(Item::as_array_of_tables_mut)
        {
            for (n, attachment) in attachments.iter_mut().enumerate() {
                changed |= fix_table(attachment, Some(n), path, &line_of, &mut fixes);
                if let Some(file) = attachment.get("body_file").and_then(Item::as_str) {
                    body_files.push(file.to_string());
                }
            }
        }
    }
    let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
    let mut new_body = body.clone();
    if let Some(body) = &body {
        let first_line = prefix.matches('\n').count()
            + toml_text.matches('\n').count()
            + separator.matches('\n').count()
            + 1;
        if let Some(fixed) = fix_markdown(body, path, first_line, &mut fixes) {
            new_body = Some(fixed);
        }
    }
    if changed || new_body != body {
        let mut out = prefix.clone();
        out.push_str(&doc.to_string());
        if let Some(b) = &new_body {
            out.push_str(&separator);
            out.push_str(b);
        }
        outputs.push((path.to_path_buf(), out.into_bytes()));
    }
    for name in body_files {
        // Paths are checked by the build; a file outside the folder or
        // missing is not repaired here.
        if name.contains("..") || Path::new(&name).is_absolute() {
            continue;
        }
        let file = dir.join(&name);
        // Never through a symlink out of the plan's folder (build refuses
        // it too).
        let inside = file
            .canonicalize()
            .ok()
            .zip(dir_or_here(&dir).canonicalize().ok())
            .is_some_and(|(f, d)| f.starts_with(d));
        if !inside {
            continue;
        }
        let Ok(text) = read(&file) else { continue };
        if let Some(fixed) = fix_markdown(&text, &file, 1, &mut fixes) {
            outputs.push((file, fixed.into_bytes()));
        }
    }
    if !outputs.is_empty() {
        crate::output::write_all(&outputs)?;
    }
    Ok(fixes)
}

fn dir_or_here(dir: &Path) -> &Path {
    if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    }
}

/// Markup inside a line: placeholders, template tags, code spans, link
/// targets and HTML tags.
/// The markers that open a Markdown list item or quotation, nested too.
static BLOCK_MARKER: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"^(?:[ ]{0,3}(?:>[ ]?|[-*+][ ]+|[0-9]{1,9}[.)][ ]+))+")
        .expect("valid pattern")
});

static MARKUP: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
    regex::Regex::new(r"\{\{.*?\}\}|\{%.*?%\}|`[^`]*`|\]\([^)]*\)|<[^>]*>").expect("valid pattern")
});

/// Text the repair leaves alone: placeholders and template tags (their
/// quotes and parentheses are syntax), code, links and HTML.
fn is_markup(line: &str) -> bool {
    line.contains("{{")
        || line.contains("{%")
        || line.contains('`')
        || line.contains("](")
        || line.contains('<')
        || line.starts_with("    ")
        || line.starts_with('\t')
}

/// The 1-based line where `key` is set: at the top level, or in the
/// `section`th `[[attachments]]`.
fn key_line(toml: &str, section: Option<usize>, key: &str) -> usize {
    let mut current: Option<usize> = None;
    let mut seen = 0;
    for (n, line) in toml.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with("[[") {
            current = Some(seen);
            seen += 1;
        } else if t.starts_with('[') {
            current = Some(usize::MAX);
        } else if current == section
            && t.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        {
            return n + 1;
        }
    }
    1
}

/// Repairs the text keys of one table (the plan, or an attachment).
fn fix_table(
    table: &mut toml_edit::Table,
    section: Option<usize>,
    path: &Path,
    line_of: &dyn Fn(Option<usize>, &str) -> usize,
    fixes: &mut Vec<Fix>,
) -> bool {
    let mut changed = false;
    for key in TEXT_KEYS {
        let Some(item) = table.get_mut(key) else {
            continue;
        };
        let Some(value) = item.as_value_mut() else {
            continue;
        };
        let mut fix_value = |value: &mut Value| {
            let Some(s) = value.as_str() else { return };
            let line = line_of(section, key);
            let fixed = if key == "body" {
                // A multi-line body starts on the line after `body = """`.
                let first = line + usize::from(s.contains('\n'));
                fix_markdown(s, path, first, fixes)
            } else if is_markup(s) {
                None
            } else {
                let repaired = repair_text(s);
                for what in describe(&repaired) {
                    fixes.push(Fix {
                        file: path.to_path_buf(),
                        line,
                        what: format!("{key}: {what}"),
                    });
                }
                (repaired.text != s).then_some(repaired.text)
            };
            let Some(fixed) = fixed else { return };
            let decor = value.decor().clone();
            *value = Value::from(fixed);
            *value.decor_mut() = decor;
            changed = true;
        };
        match value {
            Value::Array(items) => items.iter_mut().for_each(&mut fix_value),
            v => fix_value(v),
        }
    }
    changed
}

/// Repairs a Markdown body; `None` when nothing changed.
fn fix_markdown(
    text: &str,
    path: &Path,
    first_line: usize,
    fixes: &mut Vec<Fix>,
) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    let mut in_code = false;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let (body, end) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        if body.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        let at = first_line + n;
        if in_code || body.starts_with("    ") || body.starts_with('\t') {
            out.push_str(line);
            continue;
        }
        // A list item's or a quotation's marker is syntax: only the words
        // after it are repaired (`1. ：` must keep its space).
        let (marker, body) = body.split_at(BLOCK_MARKER.find(body).map_or(0, |m| m.end()));
        out.push_str(marker);
        if is_markup(body) && is_markup(&MARKUP.replace_all(body, "")) {
            // Markup this line does not close: left as it is.
            out.push_str(body);
            out.push_str(end);
            continue;
        }
        if is_markup(body) {
            // Repair the words between the markup, never the markup.
            let mut fixed = String::with_capacity(body.len());
            let mut from = 0;
            let mut repair = |plain: &str, fixed: &mut String| {
                let r = repair_text(plain);
                for what in describe(&r) {
                    fixes.push(Fix {
                        file: path.to_path_buf(),
                        line: at,
                        what: what.to_string(),
                    });
                }
                fixed.push_str(&r.text);
            };
            for m in MARKUP.find_iter(body) {
                repair(&body[from..m.start()], &mut fixed);
                fixed.push_str(m.as_str());
                from = m.end();
            }
            repair(&body[from..], &mut fixed);
            changed |= fixed != body;
            out.push_str(&fixed);
            out.push_str(end);
            continue;
        }
        let mut fixed = body.to_string();
        // A heading's number in a variant form.
        let hashes = body.chars().take_while(|&c| c == '#').count();
        if (1..=4).contains(&hashes) && body[hashes..].starts_with(' ') {
            let words = body[hashes..].trim_start();
            if let Some(number) = explicit_number(words)
                && !number.canonical
            {
                let canonical = heading_number(number.level, number.value);
                fixes.push(Fix {
                    file: path.to_path_buf(),
                    line: at,
                    what: format!(
                        "wrote the heading number “{}” as “{canonical}”",
                        words[..number.len].trim_end()
                    ),
                });
                fixed = format!(
                    "{} {canonical}{}",
                    &body[..hashes],
                    words[number.len..].trim_start()
                );
            }
        }
        let r = repair_text(&fixed);
        // A repair that would make the line another block (`１２. 度` a
        // list item, `# １２.度` a heading numbered 12.) is not a repair of
        // its words: the line is left as it is.
        if block_kind(&r.text) != block_kind(&fixed) {
            changed |= fixed != body;
            out.push_str(&fixed);
            out.push_str(end);
            continue;
        }
        for what in describe(&r) {
            fixes.push(Fix {
                file: path.to_path_buf(),
                line: at,
                what: what.to_string(),
            });
        }
        changed |= r.text != body;
        out.push_str(&r.text);
        out.push_str(end);
    }
    changed.then_some(out)
}

/// What Markdown makes of a line's start: a list or quotation marker, and a
/// heading's explicit number (its level).
fn block_kind(line: &str) -> (bool, Option<u8>) {
    let hashes = line.chars().take_while(|&c| c == '#').count();
    let heading = (1..=4).contains(&hashes) && line[hashes..].starts_with(' ');
    let number = heading
        .then(|| explicit_number(line[hashes..].trim_start()).map(|n| n.level))
        .flatten();
    (BLOCK_MARKER.is_match(line), number)
}
