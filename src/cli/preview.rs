//! `notice preview`: pages of a plan as PNG images.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::common::{Asked, CommonArgs, parse_ppi};
use super::exit_status;
use super::report::{ReportStyle, Reporter};
use crate::driver::{Job, Mode, batch};
use crate::writers::{self, OutputFormat};

#[derive(Args)]
pub struct PreviewArgs {
    /// The plan to preview.
    plan: PathBuf,
    /// Pages to write, e.g. 1-2,5 (default: all).
    #[arg(long, value_name = "PAGES", value_parser = parse_pages)]
    pages: Option<PageRanges>,
    /// Pixels per inch (10–1200).
    #[arg(long, default_value = "100", value_parser = parse_ppi)]
    ppi: f32,
    /// Folder for the images (default: beside the plan).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
}

/// Page ranges of `--pages`, 1-based and inclusive.
#[derive(Debug, Clone)]
struct PageRanges(Vec<(usize, usize)>);

fn parse_pages(s: &str) -> Result<PageRanges, String> {
    writers::parse_pages(s).map(PageRanges)
}

pub fn run(args: PreviewArgs) -> ExitCode {
    let engine = match args.common.engine() {
        Ok(engine) => engine,
        Err(code) => return code,
    };
    let options = args.common.options(Asked {
        mode: Mode::Build,
        formats: vec![OutputFormat::Png],
        writers: writers::Settings {
            ppi: args.ppi,
            pages: args.pages.clone().map(|p| p.0).unwrap_or_default(),
            pdf_standards: Vec::new(),
        },
        strict: false,
        force: true,
    });
    let job = Job::for_plan(&args.plan, args.out.as_deref());
    let outcome = batch::run_one(&engine, &job, &options);
    Reporter::new(ReportStyle::Human, Mode::Build, 1).outcome(&outcome);
    exit_status(outcome.failed())
}
