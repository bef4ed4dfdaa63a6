//! `notice build`: plans (files, folders, globs) or one plan merged with a
//! CSV, built in parallel.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::common::{Asked, CommonArgs, parse_ppi};
use super::report::{ReportStyle, Reporter};
use super::{EXIT_USAGE, exit_status};
use crate::diagnostic::SourceMap;
use crate::driver::{Mode, batch, jobs, shard};
use crate::writers::{self, OutputFormat};

#[derive(Args)]
pub struct BuildArgs {
    /// Plans: plan.toml or notice.md files, folders (searched recursively) or glob patterns.
    #[arg(required = true, value_name = "PLAN|DIR|GLOB")]
    plans: Vec<PathBuf>,
    /// Write outputs into this folder (mirroring input folders) instead of beside each plan.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Outputs to write.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [OutputFormat::Pdf, OutputFormat::Txt])]
    format: Vec<OutputFormat>,
    /// Pixels per inch of PNG output (10–1200).
    #[arg(long, default_value = "144", value_parser = parse_ppi)]
    ppi: f32,
    /// Conform to a PDF standard, e.g. a-2b (PDF/A-2b) for archives.
    #[arg(long, value_name = "STANDARD", value_parser = parse_pdf_standard)]
    pdf_standard: Vec<typst_pdf::PdfStandard>,
    /// Mail merge: one document per row of this CSV; its header names the placeholders.
    #[arg(long, value_name = "CSV")]
    data: Option<PathBuf>,
    /// Mail merge: output names, a template over the columns, e.g. "{{ number }}".
    #[arg(long, value_name = "TEMPLATE", requires = "data")]
    name: Option<String>,
    /// Build plans in parallel on N threads (default: all cores).
    #[arg(long, short = 'j', value_name = "N", default_value_t = 0)]
    jobs: usize,
    /// Rebuild even when nothing changed since the outputs were written.
    #[arg(long)]
    force: bool,
    /// Treat the checks' findings as errors: write nothing when there are any.
    #[arg(long)]
    strict: bool,
    /// Print only problems.
    #[arg(long, short = 'q', conflicts_with = "json")]
    quiet: bool,
    /// Print one JSON record per document on stdout.
    #[arg(long)]
    json: bool,
    /// Build only part K of N of the batch (for N CI runners): disjoint parts, balanced by input size.
    #[arg(long, value_name = "K/N")]
    shard: Option<shard::Shard>,
    #[command(flatten)]
    common: CommonArgs,
}

fn parse_pdf_standard(s: &str) -> Result<typst_pdf::PdfStandard, String> {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .map_err(|_| format!("`{s}` is not a PDF standard (e.g. 1.7, 2.0, a-2b, a-3b, a-4, ua-1)"))
}

pub fn run(args: BuildArgs) -> ExitCode {
    let engine = match args.common.engine() {
        Ok(engine) => engine,
        Err(code) => return code,
    };
    let style = if args.json {
        ReportStyle::Json
    } else if args.quiet {
        ReportStyle::Quiet
    } else {
        ReportStyle::Human
    };
    let options = args.common.options(Asked {
        mode: Mode::Build,
        formats: args.format.clone(),
        writers: writers::Settings {
            ppi: args.ppi,
            pages: Vec::new(),
            pdf_standards: args.pdf_standard.clone(),
        },
        strict: args.strict,
        force: args.force,
    });

    let mut sources = SourceMap::new();
    let (jobs, problems) = match &args.data {
        Some(data) => {
            if args.plans.len() != 1 || !args.plans[0].is_file() {
                eprintln!(
                    "error: --data merges one plan file with the rows of a CSV; give exactly one plan"
                );
                return ExitCode::from(EXIT_USAGE);
            }
            jobs::merge(
                &args.plans[0],
                data,
                args.name.as_deref(),
                args.out.as_deref(),
                &mut sources,
            )
        }
        None => {
            let expanded = jobs::expand(&args.plans);
            let (jobs, mut problems) = jobs::jobs(&expanded.plans, args.out.as_deref());
            problems.extend(expanded.problems);
            problems.extend(expanded.notes);
            (jobs, problems)
        }
    };
    // Every shard splits the same batch. Problems met before building are
    // the batch's: shard 1 reports them, so the shards' reports add up to
    // the unsharded one, and the others fail on errors with a pointer.
    let mut failed_early = problems.iter().any(|d| d.is_error());
    let (jobs, problems) = match args.shard {
        Some(part) => {
            let selected = shard::select(&jobs, part);
            if style == ReportStyle::Human {
                eprintln!(
                    "shard {part}: {} of {} documents",
                    selected.len(),
                    jobs.len()
                );
            }
            if part.index == 1 {
                (selected, problems)
            } else {
                if failed_early {
                    eprintln!(
                        "error: the batch has problems before building; shard 1/{} reports them",
                        part.count
                    );
                }
                (selected, Vec::new())
            }
        }
        None => (jobs, problems),
    };
    failed_early |= problems.iter().any(|d| d.is_error());
    let reporter = Reporter::new(style, Mode::Build, jobs.len() + problems.len());
    reporter.problems(&problems, &sources);
    let failed = std::sync::atomic::AtomicBool::new(false);
    batch::run(&engine, &jobs, &options, args.jobs, &|outcome| {
        if outcome.failed() {
            failed.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        reporter.outcome(&outcome);
    });
    reporter.finish();
    exit_status(failed.into_inner() || failed_early)
}
