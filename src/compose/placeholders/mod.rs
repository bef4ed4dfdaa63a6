//! `{{ name }}` placeholders, filled from `vars`, `--var` and mail-merge rows.
//!
//! Two rules hold whatever a plan says:
//!
//! * **Values are data.** Every value a placeholder prints enters the text
//!   as a marker, never as its characters; the Markdown parser sees only the
//!   marker, and the value is put back into the parsed text. So `*`, `#`, a
//!   blank line or `[a](b)` in a CSV cell print as written.
//! * **Bounded work.** Plans may use a small part of minijinja: values,
//!   attribute access, a list of filters, `{% if %}` and `{% for %}`. What
//!   could build text of unbounded size before printing it (`set`, macros,
//!   `~`, `+`, `*`, size-taking filters) is refused with its place, and what
//!   is printed is counted against [`limits`](crate::limits) as it is
//!   printed.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::ops::Range;

use minijinja::value::Value;
use minijinja::{Environment, Error, ErrorKind, UndefinedBehavior};

use crate::limits;
use subset::{FUNCTIONS, Tag, check_subset};

mod subset;

/// Marks where a printed value stands in filled text: `START index END`.
/// The characters are Unicode's interlinear annotation controls, which
/// input never keeps (see `compose::hygiene`).
const START: char = '\u{FFF9}';
const END: char = '\u{FFFB}';

/// Whether a character could be mistaken for part of a marker.
pub fn is_marker_char(c: char) -> bool {
    matches!(c, '\u{FFF9}'..='\u{FFFB}')
}

/// Filters a plan may use: none can print more than its input (`join` is
/// bounded below).
const FILTERS: &[&str] = &[
    "upper", "lower", "title", "trim", "default", "d", "length", "count", "first", "last", "join",
    "int", "float", "string", "round", "abs", "reverse", "sort", "unique", "list", "min", "max",
    "sum",
];

/// minijinja's own filters, to remove those plans may not use.
const BUILTIN_FILTERS: &[&str] = &[
    "safe",
    "escape",
    "e",
    "lower",
    "upper",
    "title",
    "replace",
    "length",
    "count",
    "dictsort",
    "items",
    "reverse",
    "trim",
    "join",
    "split",
    "lines",
    "default",
    "d",
    "round",
    "abs",
    "int",
    "float",
    "attr",
    "first",
    "last",
    "min",
    "max",
    "sort",
    "list",
    "string",
    "bool",
    "batch",
    "slice",
    "sum",
    "indent",
    "select",
    "reject",
    "map",
    "groupby",
    "unique",
    "chain",
    "zip",
    "pprint",
    "format",
    "tojson",
    "urlencode",
];

/// What a plan may write, for hints.
pub const SUBSET_HINT: &str = "placeholders print values: {{ name }}, {{ name.part }}, filters such as {{ name | upper }} or {{ names | join(\"、\") }}, and {% if … %} / {% for … in … %}; to print braces literally write {{ '{{' }}";

/// Placeholder values and the environment they are printed in.
pub struct Placeholders {
    env: Environment<'static>,
    vars: Value,
    has_vars: bool,
}

/// A problem filling a text, at a byte range of that text.
#[derive(Debug, Clone)]
pub struct FillError {
    pub span: Range<usize>,
    pub message: String,
    pub label: String,
    pub hint: String,
}

/// A text with its placeholders filled. Printed values stand as markers in
/// `marked`; [`Filled::values`] puts them back.
#[derive(Debug, Clone)]
pub struct Filled {
    marked: String,
    values: Vec<String>,
    /// For each byte of `marked` (and its end), the byte of the source text
    /// it came from, when the two could be aligned (no statements).
    map: Option<Vec<usize>>,
}

/// Values printed by the render running on this thread.
#[derive(Default)]
struct Printing {
    values: Vec<String>,
    bytes: usize,
}

thread_local! {
    static PRINTING: RefCell<Printing> = RefCell::new(Printing::default());
}

impl Placeholders {
    /// `overrides` (command line, mail-merge row) win over the plan's vars.
    pub fn new(
        plan_vars: impl IntoIterator<Item = (String, Value)>,
        overrides: &BTreeMap<String, String>,
    ) -> Placeholders {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_syntax(
            minijinja::syntax::SyntaxConfig::builder()
                .keep_trailing_newline(true)
                .build()
                .expect("the default syntax is valid"),
        );
        env.set_fuel(Some(limits::PLACEHOLDER_FUEL));
        env.set_formatter(|out, _state, value| {
            let text = value.to_string();
            let index = PRINTING.with(|p| {
                let mut p = p.borrow_mut();
                if text.len() > limits::FIELD_BYTES {
                    return Err(too_much(format!(
                        "a placeholder prints {}, more than the limit of {} for one value",
                        limits::human_bytes(text.len() as u64),
                        limits::human_bytes(limits::FIELD_BYTES as u64)
                    )));
                }
                p.bytes += text.len();
                if p.bytes > limits::PLACEHOLDER_OUTPUT_BYTES {
                    return Err(too_much(format!(
                        "the placeholders print more than {}, the limit for one text",
                        limits::human_bytes(limits::PLACEHOLDER_OUTPUT_BYTES as u64)
                    )));
                }
                p.values.push(text);
                Ok(p.values.len() - 1)
            })?;
            write!(out, "{START}{index}{END}").map_err(Error::from)
        });
        for name in BUILTIN_FILTERS {
            if !FILTERS.contains(name) {
                env.remove_filter(name);
            }
        }
        env.add_filter("join", bounded_join);
        let globals: Vec<String> = env.globals().map(|(name, _)| name.to_string()).collect();
        for name in globals {
            if !FUNCTIONS.contains(&name.as_str()) {
                env.remove_global(&name);
            }
        }

        let mut vars: BTreeMap<String, Value> = plan_vars.into_iter().collect();
        for (name, value) in overrides {
            vars.insert(name.clone(), Value::from(value.clone()));
        }
        Placeholders {
            env,
            has_vars: !vars.is_empty(),
            vars: Value::from(vars),
        }
    }

    /// Whether any value is defined (for hints).
    pub fn has_vars(&self) -> bool {
        self.has_vars
    }

    /// Fills the placeholders of `text`.
    pub fn fill(&self, text: &str) -> Result<Filled, FillError> {
        if !(text.contains("{{") || text.contains("{%") || text.contains("{#")) {
            return Ok(Filled {
                marked: text.to_string(),
                values: Vec::new(),
                map: Some((0..=text.len()).collect()),
            });
        }
        let tags = check_subset(text)?;
        PRINTING.with(|p| *p.borrow_mut() = Printing::default());
        let mut out = BoundedWriter {
            bytes: Vec::new(),
            limit: limits::BODY_BYTES as usize,
        };
        let result = self
            .env
            .template_from_str(text)
            .and_then(|t| t.render_captured_to(self.vars.clone(), &mut out).map(drop));
        let values = PRINTING.with(|p| std::mem::take(&mut p.borrow_mut().values));
        if let Err(err) = result {
            return Err(self.error(text, &err, out.bytes.len() > out.limit));
        }
        let marked = String::from_utf8(out.bytes).unwrap_or_default();
        let map = align(text, &tags, &marked);
        Ok(Filled {
            marked,
            values,
            map,
        })
    }

    fn error(&self, text: &str, err: &Error, overflowed: bool) -> FillError {
        let span = err.range().unwrap_or(0..text.len());
        let expression = text.get(span.clone()).unwrap_or("").trim().to_string();
        if overflowed {
            return FillError {
                span: 0..text.len(),
                message: format!(
                    "the placeholders make this text longer than {}",
                    limits::human_bytes(limits::BODY_BYTES)
                ),
                label: "too long once filled".into(),
                hint: "a loop prints too much; print fewer values".into(),
            };
        }
        let (message, hint) = match err.kind() {
            ErrorKind::UndefinedError => (
                format!("the placeholder `{expression}` has no value"),
                if self.has_vars {
                    format!(
                        "define `{}` under [vars] in the plan, or pass --var {}=value",
                        root_name(&expression),
                        root_name(&expression)
                    )
                } else {
                    format!(
                        "add a [vars] table to the plan ({} = \"value\"), or pass --var {}=value",
                        root_name(&expression),
                        root_name(&expression)
                    )
                },
            ),
            ErrorKind::OutOfFuel => (
                "the placeholders take too many steps".to_string(),
                "a loop runs too long; loop over fewer values".to_string(),
            ),
            ErrorKind::UnknownFilter | ErrorKind::UnknownFunction => (
                format!(
                    "placeholder problem: {}",
                    err.detail().unwrap_or("unknown filter")
                ),
                SUBSET_HINT.to_string(),
            ),
            _ => (
                format!(
                    "placeholder problem: {}",
                    err.detail()
                        .map(str::to_string)
                        .unwrap_or_else(|| err.kind().to_string())
                ),
                SUBSET_HINT.to_string(),
            ),
        };
        FillError {
            span,
            message,
            label: err.kind().to_string(),
            hint,
        }
    }

    /// Renders a mail-merge output name: the same subset, the values
    /// printed as they are.
    pub fn render_name(&self, template: &str) -> Result<String, FillError> {
        self.fill(template).map(|f| f.text())
    }
}

fn too_much(message: String) -> Error {
    Error::new(ErrorKind::InvalidOperation, message)
}

/// `a.b` → `a`, for hints.
fn root_name(expression: &str) -> &str {
    expression
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .find(|s| !s.is_empty())
        .unwrap_or(expression)
}

/// `join` that stops at the limit of one printed value.
fn bounded_join(value: Value, separator: Option<String>) -> Result<String, Error> {
    let separator = separator.unwrap_or_default();
    let mut out = String::new();
    for (i, item) in value.try_iter()?.enumerate() {
        if i > 0 {
            out.push_str(&separator);
        }
        out.push_str(&item.to_string());
        if out.len() > limits::FIELD_BYTES {
            return Err(too_much(format!(
                "`join` makes more than {}, the limit for one value",
                limits::human_bytes(limits::FIELD_BYTES as u64)
            )));
        }
    }
    Ok(out)
}

/// Render output that refuses to grow past a limit.
struct BoundedWriter {
    bytes: Vec<u8>,
    limit: usize,
}

impl std::io::Write for BoundedWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + buf.len() > self.limit {
            self.bytes
                .extend_from_slice(&buf[..buf.len().min(self.limit + 1)]);
            return Err(std::io::Error::other("placeholder output too long"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Filled {
    /// The text with the values put back.
    pub fn text(&self) -> String {
        put_back(&self.marked, &self.values)
    }

    /// The text as the Markdown parser should see it: values as markers.
    pub fn marked(&self) -> &str {
        &self.marked
    }

    /// The printed values, by marker index.
    pub fn values(&self) -> &[String] {
        &self.values
    }

    /// Whether any placeholder was filled.
    pub fn has_placeholders(&self) -> bool {
        !self.values.is_empty()
            || self
                .map
                .as_ref()
                .is_none_or(|m| m.len() != self.marked.len() + 1)
    }

    /// The source byte of a byte of the marked text, when known.
    pub fn source_of_marked(&self, index: usize) -> Option<usize> {
        self.map.as_ref()?.get(index).copied()
    }

    /// For each byte of [`Filled::text`] and its end, the source byte it came
    /// from (a value maps to its placeholder), when known.
    pub fn text_map(&self) -> Option<Vec<usize>> {
        let map = self.map.as_ref()?;
        let mut out = Vec::with_capacity(self.marked.len() + 1);
        let mut i = 0;
        while i < self.marked.len() {
            if let Some((index, len)) = marker_at(&self.marked[i..]) {
                out.extend(std::iter::repeat_n(map[i], self.values[index].len()));
                i += len;
            } else {
                let len = self.marked[i..].chars().next().map_or(1, char::len_utf8);
                out.extend(&map[i..i + len]);
                i += len;
            }
        }
        out.push(map[self.marked.len()]);
        Some(out)
    }
}

/// The marker at the start of `s`: its value index and byte length.
fn marker_at(s: &str) -> Option<(usize, usize)> {
    let rest = s.strip_prefix(START)?;
    let end = rest.find(END)?;
    let index = rest[..end].parse().ok()?;
    Some((index, START.len_utf8() + end + END.len_utf8()))
}

/// Replaces every marker in `s` with its value.
pub fn put_back(s: &str, values: &[String]) -> String {
    if !s.contains(START) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find(START) {
        out.push_str(&rest[..at]);
        match marker_at(&rest[at..]) {
            Some((index, len)) => {
                out.push_str(values.get(index).map_or("", String::as_str));
                rest = &rest[at + len..];
            }
            None => {
                rest = &rest[at + START.len_utf8()..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Aligns the rendered text with its source when the source only prints
/// (no statements, no comments): literal stretches match byte for byte and
/// each marker stands for one `{{ }}` tag. Whitespace control (`{{-`) or
/// statements make the alignment fail, and places fall back to the value.
fn align(source: &str, tags: &[Tag], marked: &str) -> Option<Vec<usize>> {
    if tags.iter().any(|t| !t.prints) {
        return None;
    }
    let mut map = Vec::with_capacity(marked.len() + 1);
    let mut src = 0;
    let mut out = 0;
    for tag in tags {
        let literal = &source[src..tag.span.start];
        if !marked[out..].starts_with(literal) {
            return None;
        }
        map.extend(src..tag.span.start);
        out += literal.len();
        let (_, len) = marker_at(&marked[out..])?;
        map.extend(std::iter::repeat_n(tag.span.start, len));
        out += len;
        src = tag.span.end;
    }
    if marked[out..] != source[src..] {
        return None;
    }
    map.extend(src..=source.len());
    Some(map)
}

/// A TOML value as a placeholder value (dates print the standard's way).
pub fn toml_to_value(value: &toml::Value) -> Value {
    match value {
        toml::Value::Datetime(dt) => match crate::plan::parse_date(value) {
            Ok(date) => Value::from(date.chinese()),
            Err(_) => Value::from(dt.to_string()),
        },
        toml::Value::Array(items) => items.iter().map(toml_to_value).collect::<Vec<_>>().into(),
        toml::Value::Table(table) => Value::from(
            table
                .iter()
                .map(|(k, v)| (k.clone(), toml_to_value(v)))
                .collect::<BTreeMap<_, _>>(),
        ),
        toml::Value::String(s) => Value::from(s.clone()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => Value::from(*f),
        toml::Value::Boolean(b) => Value::from(*b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)]) -> Placeholders {
        let overrides = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Placeholders::new(Vec::new(), &overrides)
    }

    #[test]
    fn values_stand_as_markers_and_come_back_verbatim() {
        let p = with(&[("x", "5*2=10 和 3*4\n\n# 伪造")]);
        let filled = p.fill("值：{{ x }}。").unwrap();
        assert!(!filled.marked().contains('*'));
        assert_eq!(filled.text(), "值：5*2=10 和 3*4\n\n# 伪造。");
    }

    #[test]
    fn places_map_through_values() {
        let p = with(&[("who", "各镇")]);
        let filled = p.fill("请{{ who }}落实,").unwrap();
        let text = filled.text();
        let map = filled.text_map().unwrap();
        let comma = text.find(',').unwrap();
        assert_eq!(map[comma], "请{{ who }}落实".len());
        assert_eq!(map[text.find('各').unwrap()], "请".len());
    }

    #[test]
    fn growth_is_refused_with_its_place() {
        let p = with(&[("s", "ab")]);
        for (text, needle) in [
            ("{% set s = s ~ s %}{{ s }}", "set"),
            ("{{ s ~ s }}", "`~`"),
            ("{{ \"字\" * 10000000 }}", "`*`"),
            ("{{ \"a\\nb\"|indent(2000000000) }}", "indent"),
            ("{% macro m() %}{% endmacro %}", "macro"),
        ] {
            let err = p.fill(text).unwrap_err();
            assert!(err.message.contains(needle), "{text}: {}", err.message);
            assert!(err.span.end <= text.len());
        }
    }

    #[test]
    fn printing_is_bounded() {
        let big = "字".repeat(limits::FIELD_BYTES / 3 + 1);
        let p = with(&[("big", &big)]);
        let err = p.fill("{{ big }}").unwrap_err();
        assert!(err.message.contains("limit"), "{}", err.message);
        let p = with(&[("s", &"x".repeat(60_000))]);
        let err = p
            .fill("{% for i in range(100000) %}{{ s }}{% endfor %}")
            .unwrap_err();
        assert!(err.message.contains("limit"), "{}", err.message);
    }

    #[test]
    fn undefined_values_are_named() {
        let err = with(&[]).fill("见{{ deadline }}。").unwrap_err();
        assert!(err.message.contains("`deadline`"), "{}", err.message);
        assert_eq!(err.span, "见{{ ".len().."见{{ deadline".len());
    }

    #[test]
    fn the_subset_still_prints_and_loops() {
        let p = Placeholders::new(
            vec![(
                "towns".to_string(),
                Value::from(vec!["甲镇".to_string(), "乙镇".to_string()]),
            )],
            &BTreeMap::new(),
        );
        let filled = p
            .fill("{{ towns | join(\"、\") }}{% if towns %}有{% endif %}{% for t in towns %}[{{ t }}]{% endfor %}{{ '{{' }}")
            .unwrap();
        assert_eq!(filled.text(), "甲镇、乙镇有[甲镇][乙镇]{{");
    }
}
