//! What to build: plans named by files, folders and glob patterns, or one
//! plan merged with the rows of a CSV; and where each one's outputs go.
//!
//! Scanning a folder visits each real folder once (symbolic links may form
//! loops) and follows linked folders only inside the scanned folder, reads
//! only the first bytes of a `.md` file to see whether it starts with
//! `+++`, and skips what is not a regular file. No two
//! documents ever write the same output files.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use crate::compose::csv;
use crate::compose::placeholders::Placeholders;
use crate::diagnostic::{Diagnostic, SourceMap};
use crate::files::{self, parent_dir};
use crate::{limits, plan};

/// One document to build: a plan, perhaps with a row of mail-merge data,
/// and where its outputs go.
#[derive(Debug, Clone)]
pub struct Job {
    pub plan: PathBuf,
    /// Placeholder values of a mail-merge row (over the plan's `vars`).
    pub row: BTreeMap<String, String>,
    pub out_dir: PathBuf,
    /// Outputs are named `STEM.pdf`, `STEM.txt` ...
    pub stem: String,
    /// How the job is named in reports (`plan.toml`, `plan.toml row 3`).
    pub label: String,
}

impl Job {
    /// A plan's job: outputs beside it (or in `out_dir`), named after it.
    pub fn for_plan(plan: &Path, out_dir: Option<&Path>) -> Job {
        let stem = plan
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "notice".into());
        // A bare file name's outputs are bare names too (`plan.pdf`, not
        // `./plan.pdf`).
        let dir = match out_dir {
            Some(dir) => dir.to_path_buf(),
            None => plan.parent().map(Path::to_path_buf).unwrap_or_default(),
        };
        Job {
            plan: plan.to_path_buf(),
            row: BTreeMap::new(),
            out_dir: dir,
            stem,
            label: plan.display().to_string(),
        }
    }
}

/// A plan found on the command line, and the folder argument it was found
/// in (or, for a file argument, its own folder).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Found {
    pub plan: PathBuf,
    pub base: PathBuf,
}

/// Plans named by arguments, and notes and problems met on the way.
#[derive(Debug, Default)]
pub struct Expanded {
    pub plans: Vec<Found>,
    /// Files skipped while scanning folders (warnings).
    pub notes: Vec<Diagnostic>,
    /// Arguments that name nothing (errors).
    pub problems: Vec<Diagnostic>,
}

/// Plans named by arguments: files, folders (every `*.toml` plan and every
/// `.md` with `+++` front matter inside, recursively) and glob patterns.
pub fn expand(args: &[PathBuf]) -> Expanded {
    let mut found = BTreeSet::new();
    let mut out = Expanded::default();
    let mut visited = HashSet::new();
    for arg in args {
        if arg.is_dir() {
            let before = found.len();
            walk(arg, arg, &mut found, &mut visited, &mut out.notes);
            if found.len() == before {
                out.problems.push(
                    Diagnostic::error("no-plans", format!("no plans in {}", arg.display())).hint(
                        "a folder is searched for *.toml plans and *.md files starting with +++",
                    ),
                );
            }
        } else if files::is_regular_file(arg) {
            found.insert(Found {
                plan: arg.clone(),
                base: parent_dir(arg),
            });
        } else if arg.exists() {
            out.problems.push(
                Diagnostic::error(
                    "io",
                    format!(
                        "cannot read plan {}: it is not a regular file",
                        arg.display()
                    ),
                )
                .hint("name a .toml plan or a .md file with +++ front matter"),
            );
        } else if arg.to_string_lossy().contains(['*', '?', '[']) {
            glob(arg, &mut found, &mut out);
        } else {
            out.problems.push(
                Diagnostic::error(
                    "io",
                    format!("cannot read plan {}: no such file or folder", arg.display()),
                )
                .hint("check the path; a plan is a .toml file or a .md file with +++ front matter"),
            );
        }
    }
    out.plans = found.into_iter().collect();
    out
}

fn glob(arg: &Path, found: &mut BTreeSet<Found>, out: &mut Expanded) {
    let pattern = arg.to_string_lossy();
    match glob::glob(&pattern) {
        Ok(paths) => {
            let before = found.len();
            for path in paths.flatten() {
                if files::is_regular_file(&path) && is_plan(&path) {
                    found.insert(Found {
                        base: parent_dir(&path),
                        plan: path,
                    });
                }
            }
            if found.len() == before {
                out.problems.push(Diagnostic::error(
                    "no-plans",
                    format!("no plans match {pattern}"),
                ));
            }
        }
        Err(err) => out.problems.push(
            Diagnostic::error("glob", format!("bad pattern {pattern}: {err}"))
                .hint("quote patterns so the shell passes them on: 'plans/**/*.toml'"),
        ),
    }
}

/// Scans a folder; each real folder is visited once.
fn walk(
    dir: &Path,
    base: &Path,
    found: &mut BTreeSet<Found>,
    visited: &mut HashSet<PathBuf>,
    notes: &mut Vec<Diagnostic>,
) {
    let Ok(real) = dir.canonicalize() else {
        return;
    };
    if !visited.insert(real) {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
    paths.sort();
    let drafts = word_drafts(&paths);
    if let Some(first) = drafts.first() {
        notes.push(
            Diagnostic::warning(
                "skipped",
                format!(
                    "skipped {} Word file{} in {} that no plan here made, first {}: a folder is scanned for plans only",
                    drafts.len(),
                    if drafts.len() == 1 { "" } else { "s" },
                    dir.display(),
                    first.display()
                ),
            )
            .hint(format!(
                "build a Word draft by naming it (notice build {}), or turn it into a plan with notice import",
                first.display()
            )),
        );
    }
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // Hidden folders, notice's own exports and build folders hold no plans.
        if name.starts_with('.') || name.ends_with(".typst") || name == "target" {
            continue;
        }
        if path.is_dir() {
            // A linked folder is followed only inside the scanned folder: a
            // link to `/` or `..` would scan the whole disk.
            let linked = path
                .symlink_metadata()
                .is_ok_and(|m| m.file_type().is_symlink());
            let inside = || {
                let root = base.canonicalize().ok();
                path.canonicalize()
                    .ok()
                    .zip(root)
                    .is_some_and(|(target, root)| target.starts_with(root))
            };
            if linked && !inside() {
                notes.push(Diagnostic::warning(
                    "skipped",
                    format!(
                        "skipped {}: the link leads outside {}",
                        path.display(),
                        base.display()
                    ),
                ));
                continue;
            }
            walk(&path, base, found, visited, notes);
        } else if has_plan_extension(&path) {
            if !files::is_regular_file(&path) {
                notes.push(Diagnostic::warning(
                    "skipped",
                    format!(
                        "skipped {}: it is not a regular file (a FIFO, socket, device or broken link)",
                        path.display()
                    ),
                ));
            } else if is_plan(&path) {
                found.insert(Found {
                    plan: path,
                    base: base.to_path_buf(),
                });
            }
        }
    }
}

/// The `.docx` files among a folder's entries that are drafts, not the
/// Word output of a plan beside them (`plan.docx` beside `plan.toml`).
fn word_drafts(paths: &[PathBuf]) -> Vec<&PathBuf> {
    let is_docx = |p: &Path| {
        p.extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("docx"))
    };
    let plan_stems: HashSet<_> = paths
        .iter()
        .filter(|p| has_plan_extension(p))
        .filter_map(|p| p.file_stem())
        .collect();
    paths
        .iter()
        .filter(|p| {
            is_docx(p)
                && !p
                    .file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with("~$"))
        })
        .filter(|p| p.file_stem().is_none_or(|stem| !plan_stems.contains(stem)))
        .collect()
}

fn has_plan_extension(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"))
        || plan::is_markdown(path)
}

/// `*.toml`, or `*.md` whose first line is `+++` (only its first bytes are
/// read).
fn is_plan(path: &Path) -> bool {
    if !plan::is_markdown(path) {
        return has_plan_extension(path);
    }
    files::read_head(path, limits::FRONT_MATTER_SNIFF)
        .is_ok_and(|bytes| files::strip_bom(&bytes).starts_with(b"+++"))
}

/// A job per plan. With `out`, outputs mirror the plans' folders below
/// their common folder. Two plans whose outputs would be the same files
/// are refused, both named.
pub fn jobs(plans: &[Found], out: Option<&Path>) -> (Vec<Job>, Vec<Diagnostic>) {
    let common = out.and_then(|_| common_folder(plans.iter().map(|f| f.base.as_path())));
    let jobs: Vec<Job> = plans
        .iter()
        .map(|found| {
            let out_dir = out.map(|out| {
                let folder = absolute(&parent_dir(&found.plan));
                let rel = common
                    .as_ref()
                    .and_then(|c| folder.strip_prefix(c).ok())
                    .map(Path::to_path_buf)
                    .unwrap_or_default();
                out.join(rel)
            });
            Job::for_plan(&found.plan, out_dir.as_deref())
        })
        .collect();
    refuse_shared_outputs(jobs)
}

/// Keeps the first of the jobs that would write the same outputs and
/// refuses the others, naming both plans.
fn refuse_shared_outputs(jobs: Vec<Job>) -> (Vec<Job>, Vec<Diagnostic>) {
    let mut seen: BTreeMap<(PathBuf, String), PathBuf> = BTreeMap::new();
    let mut kept = Vec::new();
    let mut problems = Vec::new();
    for job in jobs {
        let key = (absolute(&job.out_dir), job.stem.clone());
        if let Some(first) = seen.get(&key) {
            problems.push(
                Diagnostic::error(
                    "output-clash",
                    format!(
                        "{} and {} would both write {}.pdf in {}; {} was not built",
                        first.display(),
                        job.plan.display(),
                        job.stem,
                        job.out_dir.display(),
                        job.plan.display()
                    ),
                )
                .hint("rename one of the plans, or build them into different --out folders"),
            );
            continue;
        }
        seen.insert(key, job.plan.clone());
        kept.push(job);
    }
    (kept, problems)
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The deepest folder that holds all `folders`.
fn common_folder<'a>(folders: impl Iterator<Item = &'a Path>) -> Option<PathBuf> {
    let mut common: Option<PathBuf> = None;
    for folder in folders {
        let folder = absolute(folder);
        common = Some(match common {
            None => folder,
            Some(c) => c
                .components()
                .zip(folder.components())
                .take_while(|(a, b)| a == b)
                .map(|(a, _)| a)
                .collect(),
        });
    }
    common
}

/// Mail merge: one job per row of `data` (a CSV whose header names the
/// placeholders), named by the template `name`. Rows that cannot be used
/// are problems; each counts as a failed document.
pub fn merge(
    plan: &Path,
    data: &Path,
    name: Option<&str>,
    out: Option<&Path>,
    sources: &mut SourceMap,
) -> (Vec<Job>, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let bytes = match files::read_input(data, limits::CSV_BYTES) {
        Ok(bytes) => bytes,
        Err(err) => {
            problems.push(Diagnostic::error(
                "io",
                format!("cannot read data {}: {err}", data.display()),
            ));
            return (Vec::new(), problems);
        }
    };
    let text = match files::decode_utf8(data, bytes, sources) {
        Ok(text) => text,
        Err(failed) => return (Vec::new(), failed.0),
    };
    let file = sources.add(data, text);
    let text = sources.text(file).to_string();
    let table = match csv::read(&text) {
        Ok(table) => table,
        Err(found) => {
            for problem in found {
                let empty = problem.span.is_empty();
                let d = problem.diagnostic("data-row", file);
                problems.push(if empty { d.at_place(None) } else { d });
            }
            return (Vec::new(), problems);
        }
    };
    if table.rows.is_empty() && table.ragged.is_empty() {
        problems.push(
            Diagnostic::error(
                "data",
                "the data has a header but no rows: nothing to build",
            )
            .at(file, table.header.span.clone())
            .label("only the header")
            .hint("add one row per document under the header"),
        );
        return (Vec::new(), problems);
    }
    for row in &table.ragged {
        problems.push(table.ragged_problem(row).diagnostic("data-row", file));
    }
    let headers = &table.header.cells;
    let base = Job::for_plan(plan, out);
    let mut jobs = Vec::new();
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    // Characters --name gave that a file name cannot hold, and the first row.
    let mut replaced: BTreeSet<char> = BTreeSet::new();
    let mut first_replaced: Option<(usize, std::ops::Range<usize>)> = None;
    for row in &table.rows {
        let number = row.number;
        let cells: BTreeMap<String, String> = headers
            .iter()
            .cloned()
            .zip(row.cells.iter().cloned())
            .collect();
        let at = |d: Diagnostic| d.at(file, row.span.clone());
        let stem = match name {
            Some(template) => match Placeholders::new(Vec::new(), &cells).render_name(template) {
                Ok(stem) => {
                    let (clean, unsafe_chars) = sanitize(&stem);
                    if !unsafe_chars.is_empty() {
                        first_replaced.get_or_insert((row.line, row.span.clone()));
                        replaced.extend(unsafe_chars);
                    }
                    clean
                }
                Err(err) => {
                    problems.push(at(Diagnostic::error(
                        "name",
                        format!(
                            "row {number} (line {}): the output name cannot be made: {}",
                            row.line, err.message
                        ),
                    )
                    .hint(format!("--name may use the columns {}", headers.join(", ")))));
                    continue;
                }
            },
            None => format!("{}-{number}", base.stem),
        };
        if stem.is_empty() {
            problems.push(at(Diagnostic::error(
                "name",
                format!(
                    "row {number} (line {}) gives an empty output name",
                    row.line
                ),
            )));
            continue;
        }
        if let Some(other) = names.insert(stem.clone(), row.line) {
            problems.push(at(Diagnostic::error(
                "name",
                format!(
                    "row {number} (line {}) would overwrite the outputs of line {other} ({stem})",
                    row.line
                ),
            )
            .hint(
                "make --name give each row its own name, e.g. include a column that differs",
            )));
            continue;
        }
        jobs.push(Job {
            row: cells,
            stem,
            label: format!("{} row {number}", plan.display()),
            ..base.clone()
        });
    }
    if let Some((line, span)) = first_replaced {
        let list: Vec<String> = replaced
            .iter()
            .map(|c| format!("U+{:04X}", *c as u32))
            .collect();
        problems.push(
            Diagnostic::warning(
                "name",
                format!(
                    "--name gave characters a file name must not hold ({}), first on line {line}; each was written as _",
                    list.join(" ")
                ),
            )
            .at(file, span)
            .hint("folder separators, control and direction characters and * ? : \" < > | are replaced in output names"),
        );
    }
    (jobs, problems)
}

/// An output name from a row, and the characters it had to replace: no
/// folders, no control characters, no direction controls (U+202E would
/// show `fdp.exe` as `exe.pdf`).
fn sanitize(name: &str) -> (String, Vec<char>) {
    let mut replaced = Vec::new();
    let clean = name
        .trim()
        .chars()
        .map(|c| {
            if c.is_control()
                || crate::compose::hygiene::is_dropped(c)
                || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
            {
                replaced.push(c);
                '_'
            } else {
                c
            }
        })
        .collect::<String>()
        .trim_matches('.')
        .to_string();
    (clean, replaced)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plans_of_the_same_name_mirror_their_folders_under_out() {
        let plans = [
            Found {
                plan: "x/plan.toml".into(),
                base: "x".into(),
            },
            Found {
                plan: "y/plan.toml".into(),
                base: "y".into(),
            },
        ];
        let (jobs, problems) = jobs(&plans, Some(Path::new("o")));
        assert!(problems.is_empty());
        assert_eq!(jobs[0].out_dir, Path::new("o/x"));
        assert_eq!(jobs[1].out_dir, Path::new("o/y"));
    }

    #[test]
    fn two_plans_for_one_output_are_refused() {
        let plans = [
            Found {
                plan: "x/plan.md".into(),
                base: "x".into(),
            },
            Found {
                plan: "x/plan.toml".into(),
                base: "x".into(),
            },
        ];
        let (jobs, problems) = jobs(&plans, None);
        assert_eq!(jobs.len(), 1);
        assert!(problems[0].message.contains("x/plan.md"));
        assert!(problems[0].message.contains("x/plan.toml"));
    }
}
