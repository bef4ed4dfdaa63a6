//! `notice check`: the whole build in memory, in parallel, writing nothing;
//! every finding of the checks and the layout audit is reported.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::common::{Asked, CommonArgs};
use super::exit_status;
use super::report::{ReportStyle, Reporter};
use crate::diagnostic::SourceMap;
use crate::driver::{Mode, batch, jobs};

#[derive(Args)]
pub struct CheckArgs {
    /// Plans: plan.toml or notice.md files, folders (searched recursively) or glob patterns.
    #[arg(required = true, value_name = "PLAN|DIR|GLOB")]
    plans: Vec<PathBuf>,
    /// Check plans in parallel on N threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N", default_value_t = 0)]
    jobs: usize,
    /// First make the safe repairs (spaces between Chinese characters, half-width punctuation, quotation marks, 〔〕 in the 发文字号, heading number forms) in the plans and their Markdown files, listing each.
    #[arg(long)]
    fix: bool,
    #[command(flatten)]
    common: CommonArgs,
}

pub fn run(args: CheckArgs) -> ExitCode {
    let engine = match args.common.engine() {
        Ok(engine) => engine,
        Err(code) => return code,
    };
    let options = args.common.options(Asked {
        mode: Mode::Check,
        formats: Vec::new(),
        writers: Default::default(),
        strict: false,
        force: false,
    });
    let expanded = jobs::expand(&args.plans);
    if args.fix {
        for found in &expanded.plans {
            if crate::import::builds_directly(&found.plan) {
                continue;
            }
            match crate::lint::fix::fix_plan(&found.plan) {
                Ok(fixes) => {
                    for fix in &fixes {
                        eprintln!("fixed {fix}");
                    }
                }
                Err(failed) => eprintln!("error: {} not fixed: {failed}", found.plan.display()),
            }
        }
    }
    let (jobs, mut problems) = jobs::jobs(&expanded.plans, None);
    problems.extend(expanded.problems);
    problems.extend(expanded.notes);
    let reporter = Reporter::new(ReportStyle::Human, Mode::Check, jobs.len() + problems.len());
    reporter.problems(&problems, &SourceMap::new());
    let failed = std::sync::atomic::AtomicBool::new(problems.iter().any(|d| d.is_error()));
    batch::run(&engine, &jobs, &options, args.jobs, &|outcome| {
        if outcome.failed() {
            failed.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        reporter.outcome(&outcome);
    });
    reporter.finish();
    exit_status(failed.into_inner())
}
