//! Plan → document model: placeholders, Markdown bodies, attachments from
//! Markdown or CSV, the seal, and every element's final words.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use minijinja::{Environment, UndefinedBehavior};
use toml::Spanned;

use crate::diagnostic::{Diagnostic, Failed, FileId, Place, SourceMap};
use crate::markdown::{self, Body};
use crate::model::{
    Attachment, AttachmentNote, Attendance, Block, Document, Format, Imprint, Mark, Metadata, Run,
    Table,
};
use crate::plan::{self, AttachmentPlan, BodyText, Date, LoadedPlan, OneOrMany, SealPaths};
use crate::title;

/// Settings of one build that come from the command line.
#[derive(Debug, Clone, Default)]
pub struct BuildInputs {
    /// `--var name=value`, overriding the plan's `vars`.
    pub vars: BTreeMap<String, String>,
    /// `--root DIR`: the folder plan paths may not leave (default: the
    /// plan's own folder).
    pub root: Option<PathBuf>,
}

/// A seal image, passed to the template beside the model.
#[derive(Debug, Clone)]
pub struct Seal {
    pub bytes: Vec<u8>,
    /// `png` or `svg`.
    pub format: &'static str,
}

/// A document ready to render, with what was found on the way.
pub struct Built {
    pub document: Document,
    /// The seal images: none, one, or one per issuer of a 联合行文.
    pub seals: Vec<Seal>,
    pub warnings: Vec<Diagnostic>,
    /// Every file read (plan, bodies, CSVs, seal): inputs of the build.
    pub inputs: Vec<PathBuf>,
    /// Where each body's text came from, for pointing at characters later.
    pub origins: Vec<TextOrigin>,
}

/// A piece of document text and where it sits in an input file.
#[derive(Debug, Clone)]
pub struct TextOrigin {
    pub text: String,
    /// The whole value (a TOML string or array, a body file).
    pub place: Place,
    /// Where `text` starts in the file when it stands there verbatim (no
    /// escapes, no placeholders), so each character can be pointed at.
    pub offset: Option<usize>,
}

/// Builds the document model of a loaded plan.
pub fn build(
    loaded: &LoadedPlan,
    inputs: &BuildInputs,
    sources: &mut SourceMap,
) -> Result<Built, Failed> {
    let mut b = Builder::new(loaded, inputs, sources)?;
    let document = b.document()?;
    if b.errors.is_empty() {
        Ok(Built {
            document,
            seals: b.seals,
            warnings: b.warnings,
            inputs: b.inputs,
            origins: b.origins,
        })
    } else {
        let mut all = b.errors;
        all.extend(b.warnings);
        Err(Failed(all))
    }
}

struct Builder<'a> {
    loaded: &'a LoadedPlan,
    sources: &'a mut SourceMap,
    env: Environment<'static>,
    vars: minijinja::Value,
    has_vars: bool,
    root: PathBuf,
    plan_dir: PathBuf,
    errors: Vec<Diagnostic>,
    warnings: Vec<Diagnostic>,
    seals: Vec<Seal>,
    inputs: Vec<PathBuf>,
    origins: Vec<TextOrigin>,
}

impl<'a> Builder<'a> {
    fn new(
        loaded: &'a LoadedPlan,
        inputs: &BuildInputs,
        sources: &'a mut SourceMap,
    ) -> Result<Self, Failed> {
        let plan_dir = loaded.dir();
        let canonical_dir = plan_dir.canonicalize().unwrap_or_else(|_| plan_dir.clone());
        let root = match &inputs.root {
            Some(root) => root.canonicalize().map_err(|err| {
                Diagnostic::error(
                    "root",
                    format!("cannot open --root {}: {err}", root.display()),
                )
            })?,
            None => canonical_dir.clone(),
        };

        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_syntax(
            minijinja::syntax::SyntaxConfig::builder()
                .keep_trailing_newline(true)
                .build()
                .expect("the default syntax is valid"),
        );
        // Bounds the work a placeholder expression can do (loops, macros).
        env.set_fuel(Some(200_000));

        let mut vars = BTreeMap::new();
        if let Some(plan_vars) = &loaded.plan.vars {
            for (name, value) in plan_vars.get_ref() {
                vars.insert(name.clone(), toml_to_jinja(value.get_ref()));
            }
        }
        for (name, value) in &inputs.vars {
            vars.insert(name.clone(), minijinja::Value::from(value.clone()));
        }
        Ok(Builder {
            loaded,
            sources,
            env,
            has_vars: !vars.is_empty(),
            vars: minijinja::Value::from(vars),
            root,
            plan_dir: canonical_dir,
            errors: Vec::new(),
            warnings: Vec::new(),
            seals: Vec::new(),
            inputs: vec![loaded.path.clone()],
            origins: Vec::new(),
        })
    }

    fn plan_place<T>(&self, value: &Spanned<T>) -> Place {
        Place {
            file: self.loaded.file,
            span: self.loaded.span(value),
        }
    }

    /// Fills `{{ name }}` placeholders of a text at `place`.
    fn fill(&mut self, text: &str, place: Place, exact: bool) -> Option<String> {
        if !(text.contains("{{") || text.contains("{%") || text.contains("{#")) {
            return Some(text.to_string());
        }
        match self.env.render_str(text, self.vars.clone()) {
            Ok(out) => Some(out),
            Err(err) => {
                let span = match (exact, err.range()) {
                    (true, Some(r)) => place.span.start + r.start..place.span.start + r.end,
                    _ => place.span.clone(),
                };
                let detail = err
                    .detail()
                    .map(str::to_string)
                    .unwrap_or_else(|| err.kind().to_string());
                let hint = if matches!(err.kind(), minijinja::ErrorKind::UndefinedError) {
                    if self.has_vars {
                        "define it under [vars] in the plan, or pass --var name=value".to_string()
                    } else {
                        "add a [vars] table to the plan (name = \"value\"), or pass --var name=value".to_string()
                    }
                } else {
                    "placeholders are written {{ name }}; to print braces literally write {{ '{{' }}".to_string()
                };
                self.errors.push(
                    Diagnostic::error("placeholder", format!("placeholder problem: {detail}"))
                        .at(place.file, span)
                        .label(err.kind().to_string())
                        .hint(hint),
                );
                None
            }
        }
    }

    /// Where `text` stands verbatim, exactly once, inside `place`.
    fn verbatim(&self, place: &Place, text: &str) -> Option<usize> {
        let source = self.sources.text(place.file).get(place.span.clone())?;
        let at = source.find(text)?;
        (!text.is_empty() && !source[at + text.len()..].contains(text))
            .then_some(place.span.start + at)
    }

    /// Records where a piece of document text came from.
    fn origin(&mut self, raw: &str, filled: &str, place: &Place) {
        let offset = (raw == filled).then(|| self.verbatim(place, raw)).flatten();
        self.origins.push(TextOrigin {
            text: filled.to_string(),
            place: place.clone(),
            offset,
        });
    }

    /// A plan string with placeholders filled.
    fn text(&mut self, value: &Option<Spanned<String>>) -> Option<String> {
        let value = value.as_ref()?;
        let place = self.plan_place(value);
        let out = self.fill(value.get_ref(), place.clone(), false)?;
        self.origin(value.get_ref(), &out, &place);
        Some(out.trim().to_string())
    }

    /// A plan string-or-array with placeholders filled, empty items dropped.
    fn texts(&mut self, value: &Option<Spanned<OneOrMany>>) -> Vec<String> {
        let Some(value) = value else {
            return Vec::new();
        };
        let place = self.plan_place(value);
        let mut out = Vec::new();
        for item in &value.get_ref().0 {
            if let Some(text) = self.fill(item, place.clone(), false) {
                self.origin(item, &text, &place);
                let text = text.trim().to_string();
                if !text.is_empty() {
                    out.push(text);
                }
            }
        }
        out
    }

    fn date(&mut self, value: &Option<Spanned<toml::Value>>, key: &str) -> Option<Date> {
        let value = value.as_ref()?;
        match plan::parse_date(value.get_ref()) {
            Ok(date) => Some(date),
            Err(message) => {
                self.errors.push(
                    Diagnostic::error("date", format!("invalid `{key}`: {message}"))
                        .at_place(Some(self.plan_place(value)))
                        .label("not a valid date")
                        .hint(format!(
                            "write a TOML date without quotes, e.g. {key} = 2020-03-27"
                        )),
                );
                None
            }
        }
    }

    /// Resolves a path of the plan inside the allowed root and checks it exists.
    fn path(&mut self, value: &Spanned<String>, key: &str) -> Option<PathBuf> {
        let place = self.plan_place(value);
        match resolve_path(&self.plan_dir, &self.root, value.get_ref()) {
            Ok(path) => {
                self.inputs.push(path.clone());
                Some(path)
            }
            Err(PathProblem::Missing(path)) => {
                self.errors.push(
                    Diagnostic::error(
                        "missing-file",
                        format!("`{key}` file not found: {}", path.display()),
                    )
                    .at_place(Some(place))
                    .label("no such file")
                    .hint(format!(
                        "paths are relative to the plan's folder ({}); check the spelling",
                        self.loaded.dir().display()
                    )),
                );
                None
            }
            Err(PathProblem::Escapes) => {
                self.errors.push(
                    Diagnostic::error("path-escape", format!("`{key}` points outside the plan's folder"))
                        .at_place(Some(place))
                        .label("leaves the allowed folder")
                        .hint("keep files beside the plan (no `..`, no absolute paths, no symlinks out), or widen the allowed folder with --root DIR"),
                );
                None
            }
        }
    }

    /// How a path of the plan is shown in messages: as the plan spells it,
    /// relative to the plan's folder.
    fn shown(&self, rel: &str) -> PathBuf {
        match self.loaded.path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.join(rel),
            _ => PathBuf::from(rel),
        }
    }

    /// Reads a UTF-8 text file used by the plan into the source map.
    fn read_text(&mut self, path: &Path, shown: &Path) -> Option<FileId> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(err) => {
                self.errors.push(Diagnostic::error(
                    "io",
                    format!("cannot read {}: {err}", path.display()),
                ));
                return None;
            }
        };
        match plan::decode_utf8(path, bytes) {
            Ok(text) => Some(self.sources.add(shown, text)),
            Err(failed) => {
                self.errors.extend(failed.0);
                None
            }
        }
    }

    /// Parses a Markdown body from its origin, placeholders filled.
    fn markdown(&mut self, body: &BodyText) -> Vec<Block> {
        let place = Place {
            file: body.file,
            span: body.offset..body.offset + body.text.len(),
        };
        let Some(text) = self.fill(&body.text, place.clone(), !body.in_toml_string) else {
            return Vec::new();
        };
        // A body file stands verbatim; a TOML string does when it has no
        // escapes (its text is then found at its offset).
        let verbatim =
            self.sources.text(body.file).get(place.span.clone()) == Some(body.text.as_str());
        let exact = text == body.text && verbatim;
        self.origins.push(TextOrigin {
            text: text.clone(),
            place: place.clone(),
            offset: exact.then_some(body.offset),
        });
        let Body { blocks, notes } = markdown::parse(&text);
        for note in notes {
            let span = if exact {
                body.offset + note.span.start..body.offset + note.span.end
            } else {
                place.span.clone()
            };
            self.warnings.push(
                Diagnostic::warning(note.code, note.message)
                    .at(body.file, span)
                    .hint(note.hint),
            );
        }
        blocks
    }

    /// The body of the plan or an attachment: inline `body`, `body_file`, or
    /// the Markdown after the front matter.
    fn body_source(
        &mut self,
        body: &Option<Spanned<String>>,
        body_file: &Option<Spanned<String>>,
        front_matter: Option<&BodyText>,
    ) -> Option<BodyText> {
        let front_matter = front_matter.filter(|b| !b.text.trim().is_empty());
        let given = [body.is_some(), body_file.is_some(), front_matter.is_some()];
        if given.iter().filter(|g| **g).count() > 1 {
            let at = body
                .as_ref()
                .map(|b| self.plan_place(b))
                .or_else(|| body_file.as_ref().map(|b| self.plan_place(b)));
            self.errors.push(
                Diagnostic::error("two-bodies", "the body is given more than once")
                    .at_place(at)
                    .label("a second body")
                    .hint("use one of `body`, `body_file` or the Markdown after the front matter"),
            );
            return None;
        }
        if let Some(body) = body {
            let span = self.loaded.span(body);
            // The text of a TOML string starts after its opening quotes.
            let raw = self
                .sources
                .text(self.loaded.file)
                .get(span.clone())
                .unwrap_or("");
            let quotes = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
                3
            } else {
                1
            };
            return Some(BodyText {
                text: body.get_ref().clone(),
                file: self.loaded.file,
                offset: span.start + quotes,
                in_toml_string: true,
            });
        }
        if let Some(file) = body_file {
            let path = self.path(file, "body_file")?;
            let id = self.read_text(&path, &self.shown(file.get_ref()))?;
            return Some(BodyText {
                text: self.sources.text(id).to_string(),
                file: id,
                offset: 0,
                in_toml_string: false,
            });
        }
        front_matter.cloned()
    }

    fn csv_table(&mut self, value: &Spanned<String>) -> Option<Block> {
        let path = self.path(value, "csv")?;
        let id = self.read_text(&path, &self.shown(value.get_ref()))?;
        let text = self.sources.text(id).to_string();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        let mut rows: Vec<(Vec<String>, Range<usize>)> = Vec::new();
        for record in reader.records() {
            match record {
                Ok(record) => {
                    let start = record.position().map_or(0, |p| p.byte() as usize);
                    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
                    let cells: Vec<String> = record.iter().map(|c| c.trim().to_string()).collect();
                    if cells.iter().all(|c| c.is_empty()) {
                        continue;
                    }
                    rows.push((cells, start..line_end));
                }
                Err(err) => {
                    let offset = err
                        .position()
                        .map_or(0, |p| p.byte() as usize)
                        .min(text.len());
                    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
                    self.errors.push(
                        Diagnostic::error("csv", format!("malformed CSV: {err}"))
                            .at(id, offset..line_end)
                            .label("this row cannot be read")
                            .hint("quote cells that contain commas or line breaks with \"...\", and double quotes inside them (\"\")"),
                    );
                    return None;
                }
            }
        }
        let Some(((header, _), body)) = rows.split_first() else {
            self.errors.push(
                Diagnostic::error("csv", "the CSV file is empty")
                    .at_place(Some(self.plan_place(value)))
                    .hint("the first row holds the column headings, the next rows the table"),
            );
            return None;
        };
        for (cells, span) in body {
            if cells.len() != header.len() {
                self.errors.push(
                    Diagnostic::error(
                        "csv",
                        format!("this row has {} cells but the header has {}", cells.len(), header.len()),
                    )
                    .at(id, span.clone())
                    .label("wrong number of cells")
                    .hint("every row needs as many cells as the header row; quote cells containing commas"),
                );
                return None;
            }
        }
        let cell = |s: &String| {
            if s.is_empty() {
                Vec::new()
            } else {
                vec![Run::plain(s.clone())]
            }
        };
        Some(Block::Table(Table {
            header: header.iter().map(cell).collect(),
            rows: body
                .iter()
                .map(|(cells, _)| cells.iter().map(cell).collect())
                .collect(),
            align: vec![crate::model::Align::Auto; header.len()],
        }))
    }

    /// An attachment; `number` is its place among several listed ones.
    fn attachment(
        &mut self,
        plan: &AttachmentPlan,
        number: Option<usize>,
        names: &[String],
    ) -> Attachment {
        let title = self
            .text(&plan.title)
            .filter(|t| !t.is_empty())
            .map(|t| title::title(&t, names));
        let label = match &plan.label {
            Some(label) => self.text(&Some(label.clone())).filter(|l| !l.is_empty()),
            None => Some(match number {
                Some(n) => format!("附件{n}"),
                None => "附件".to_string(),
            }),
        };
        let mut body = Vec::new();
        if let Some(source) = self.body_source(&plan.body, &plan.body_file, None) {
            body = self.markdown(&source);
        }
        if let Some(csv) = &plan.csv
            && let Some(table) = self.csv_table(csv)
        {
            body.push(table);
        }
        Attachment {
            label,
            title,
            landscape: plan.landscape.as_ref().is_some_and(|l| *l.get_ref()),
            body,
        }
    }

    fn seal(&mut self, value: &Spanned<String>) {
        // Reads one image; an unreadable one is an error at its place.
        let Some(path) = self.path(value, "seal") else {
            return;
        };
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(err) => {
                self.errors.push(
                    Diagnostic::error("io", format!("cannot read seal {}: {err}", path.display()))
                        .at_place(Some(self.plan_place(value))),
                );
                return;
            }
        };
        let format = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            "png"
        } else if looks_like_svg(&bytes) {
            "svg"
        } else {
            self.errors.push(
                Diagnostic::error("seal", "the seal is neither a PNG nor an SVG image")
                    .at_place(Some(self.plan_place(value)))
                    .label("unsupported image")
                    .hint("export the seal as PNG (transparent background) or SVG"),
            );
            return;
        };
        self.seals.push(Seal { bytes, format });
    }

    /// Several seals go one per issuer in the 署名 (GB/T 9704 7.3.5.1); a
    /// 命令 carries one signature seal.
    fn check_seal_count(
        &mut self,
        seal: &Spanned<SealPaths>,
        seals: usize,
        signers: usize,
        format: Format,
    ) {
        if seals == 0 {
            self.errors.push(
                Diagnostic::error("seal", "`seal` is an empty array")
                    .at_place(Some(self.plan_place(seal)))
                    .label("no image")
                    .hint("give one image path, or one per issuer, or remove the key"),
            );
        } else if seals > 1 && format == Format::Order {
            self.errors.push(
                Diagnostic::error(
                    "seal",
                    format!("a 命令 takes one signature seal, not {seals}"),
                )
                .at_place(Some(self.plan_place(seal)))
                .label("several images")
                .hint("give `seal` a single image path"),
            );
        } else if seals > 1 && seals != signers {
            self.errors.push(
                Diagnostic::error(
                    "seal",
                    format!("{seals} seals for {signers} issuer(s) in the 署名: joint seals go one per issuer"),
                )
                .at_place(Some(self.plan_place(seal)))
                .label("count differs from the 署名")
                .hint("list one seal per `issuer` (or `signature` line) in the same order, or give a single seal"),
            );
        }
    }

    fn document(&mut self) -> Result<Document, Failed> {
        let plan = &self.loaded.plan;

        let format = match &plan.format {
            None => Format::File,
            Some(name) => match Format::parse(name.get_ref().trim()) {
                Some(format) => format,
                None => {
                    let suggestion = crate::diagnostic::closest(name.get_ref(), Format::NAMES);
                    let mut d =
                        Diagnostic::error("format", format!("unknown format `{}`", name.get_ref()))
                            .at_place(Some(self.plan_place(name)))
                            .label("not a format");
                    if let Some(s) = suggestion {
                        d = d.hint(format!("did you mean `{s}`?"));
                    }
                    self.errors.push(d.hint("formats: file (文件格式), letter (信函格式), order (命令格式), minutes (纪要格式)"));
                    Format::File
                }
            },
        };

        let issuers = self.texts(&plan.issuer);
        let mark_text = self.text(&plan.mark);
        let mark = match mark_text {
            Some(text) if text.is_empty() => None,
            Some(text) => Some(Mark {
                lines: vec![text],
                suffix: None,
            }),
            None if issuers.is_empty() => None,
            None => Some(default_mark(format, &issuers)),
        };

        let secrecy = self.text(&plan.secrecy).filter(|s| !s.is_empty());
        let period = self.text(&plan.secrecy_period).filter(|s| !s.is_empty());
        let secrecy_line = match (&secrecy, &period) {
            (Some(s), Some(p)) => Some(format!("{s}★{p}")),
            (Some(s), None) => Some(s.clone()),
            (None, _) => None,
        };

        let signers = match &plan.signers {
            Some(list) => {
                let place = self.plan_place(list);
                list.get_ref()
                    .iter()
                    .filter_map(|s| self.fill(s, place.clone(), false))
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect()
            }
            None => Vec::new(),
        };

        let title_text = self.text(&plan.title).filter(|t| !t.is_empty());
        let to = self.texts(&plan.to);
        let to = (!to.is_empty()).then(|| {
            let joined = to
                .iter()
                .map(|t| t.trim_end_matches(['：', ':', '、']))
                .collect::<Vec<_>>()
                .join("、");
            format!("{joined}：")
        });

        let body_source = self.body_source(
            &plan.body,
            &plan.body_file,
            self.loaded.front_matter_body.as_ref(),
        );
        let body = match &body_source {
            Some(source) => self.markdown(source),
            None => Vec::new(),
        };

        // Listed attachments are numbered in order (附件1, 附件2 ... and
        // `1.` in the 附件说明); a single listed one is plain 附件.
        let listed: Vec<bool> = plan
            .attachments
            .iter()
            .map(|a| a.get_ref().listed.as_ref().is_none_or(|l| *l.get_ref()))
            .collect();
        let listed_count = listed.iter().filter(|l| **l).count();
        let mut attachments = Vec::new();
        let mut attachment_notes = Vec::new();
        let mut ordinal = 0;
        for (i, spanned) in plan.attachments.iter().enumerate() {
            let number = listed[i].then(|| {
                ordinal += 1;
                ordinal
            });
            let numbered = number.filter(|_| listed_count > 1);
            let attachment = self.attachment(spanned.get_ref(), numbered, &issuers);
            if listed[i] {
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
                attachment_notes.push(AttachmentNote {
                    number: numbered.map(|n| format!("{n}.")),
                    name: name
                        .trim_end_matches(['。', '.', '；', ';', '，'])
                        .to_string(),
                });
            }
            attachments.push(attachment);
        }

        // 署名 defaults to the issuers; 纪要 and 命令 have none unless given
        // (a 命令 is signed by a person: `signature = "省长 张三"`).
        let mut signature = self.texts(&plan.signature);
        if plan.signature.is_none() && matches!(format, Format::File | Format::Letter) {
            signature = issuers.clone();
        }
        let date = self.date(&plan.date, "date");
        if let Some(seal) = &plan.seal {
            let paths = SealPaths::paths(seal);
            for path in &paths {
                self.seal(path);
            }
            self.check_seal_count(seal, paths.len(), signature.len(), format);
        }
        let note = self.text(&plan.note).filter(|n| !n.is_empty()).map(|n| {
            if n.starts_with('（') && n.ends_with('）') {
                n
            } else {
                format!(
                    "（{}）",
                    n.trim_start_matches(['(', '（'])
                        .trim_end_matches([')', '）'])
                )
            }
        });

        let cc = self.texts(&plan.cc);
        let cc = (!cc.is_empty()).then(|| {
            let joined = cc
                .iter()
                .map(|c| c.trim_end_matches(['。', '.', '，', ',', '、']))
                .collect::<Vec<_>>()
                .join("，");
            format!("{joined}。")
        });
        // 信函格式 has no 印发 line.
        let printed_by = self
            .text(&plan.printed_by)
            .filter(|p| !p.is_empty() && format != Format::Letter);
        let printed_on = self.date(&plan.printed_on, "printed_on").or(date);
        let imprint = (cc.is_some() || printed_by.is_some()).then(|| Imprint {
            cc,
            printed_by: printed_by.clone(),
            printed_on: printed_by
                .as_ref()
                .and(printed_on)
                .map(|d| format!("{}印发", d.chinese())),
        });

        let mut attendance = Vec::new();
        for (label, value) in [
            ("出席", &plan.attendees),
            ("请假", &plan.absentees),
            ("列席", &plan.observers),
        ] {
            let names = self.texts(value);
            if !names.is_empty() {
                attendance.push(Attendance {
                    label: label.to_string(),
                    names: names.join("，"),
                });
            }
        }

        let title = title_text.map(|t| title::title(&t, &issuers));
        let metadata = Metadata {
            title: title.as_ref().map(|t| t.text.clone()).unwrap_or_default(),
            author: issuers.first().cloned().unwrap_or_default(),
            date: date.map(|d| [d.year as u32, d.month as u32, d.day as u32]),
        };

        Ok(Document {
            format,
            copy_number: self.text(&plan.copy_number).filter(|c| !c.is_empty()),
            secrecy: secrecy_line,
            urgency: self.text(&plan.urgency).filter(|u| !u.is_empty()),
            mark,
            number: self.text(&plan.number).filter(|n| !n.is_empty()),
            signers,
            title,
            to,
            body,
            attachment_notes,
            attendance,
            signature,
            date: date.map(Date::chinese),
            sealed: !self.seals.is_empty(),
            note,
            attachments,
            imprint,
            duplex: plan.duplex.as_ref().is_some_and(|d| *d.get_ref()),
            metadata,
        })
    }
}

/// The 发文机关标志 when the plan gives none.
fn default_mark(format: Format, issuers: &[String]) -> Mark {
    let suffix = match format {
        Format::File => "文件",
        Format::Letter => "",
        Format::Order => "令",
        Format::Minutes => "纪要",
    };
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

fn looks_like_svg(bytes: &[u8]) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]);
    head.contains("<svg")
}

fn toml_to_jinja(value: &toml::Value) -> minijinja::Value {
    match value {
        toml::Value::Datetime(dt) => match plan::parse_date(value) {
            Ok(date) => minijinja::Value::from(date.chinese()),
            Err(_) => minijinja::Value::from(dt.to_string()),
        },
        toml::Value::Array(items) => items.iter().map(toml_to_jinja).collect::<Vec<_>>().into(),
        toml::Value::Table(table) => minijinja::Value::from(
            table
                .iter()
                .map(|(k, v)| (k.clone(), toml_to_jinja(v)))
                .collect::<BTreeMap<_, _>>(),
        ),
        toml::Value::String(s) => minijinja::Value::from(s.clone()),
        toml::Value::Integer(i) => minijinja::Value::from(*i),
        toml::Value::Float(f) => minijinja::Value::from(*f),
        toml::Value::Boolean(b) => minijinja::Value::from(*b),
    }
}

enum PathProblem {
    Missing(PathBuf),
    Escapes,
}

/// Resolves `rel` against the plan's folder, refusing anything that ends up
/// outside `root` (absolute paths, `..`, symlinks pointing out).
fn resolve_path(plan_dir: &Path, root: &Path, rel: &str) -> Result<PathBuf, PathProblem> {
    let given = Path::new(rel);
    let joined = plan_dir.join(given);
    let widened = root != plan_dir;
    if given.is_absolute() && !widened {
        return Err(PathProblem::Escapes);
    }
    // Refuse a lexical escape before touching the file system.
    let lexical = normalize(&joined);
    if !lexical.starts_with(root) {
        return Err(PathProblem::Escapes);
    }
    let real = joined
        .canonicalize()
        .map_err(|_| PathProblem::Missing(joined.clone()))?;
    if !real.starts_with(root) {
        return Err(PathProblem::Escapes);
    }
    if real.is_dir() {
        return Err(PathProblem::Missing(joined));
    }
    Ok(real)
}

/// Removes `.` and `..` components without touching the file system.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}
