//! `notice watch`: build, then rebuild on every change.

use std::ops::ControlFlow;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::common::{Asked, CommonArgs};
use super::report::{ReportStyle, Reporter};
use super::{EXIT_INPUT, exit_status};
use crate::driver::watch::{self, Event};
use crate::driver::{Job, Mode};
use crate::writers::OutputFormat;

#[derive(Args)]
pub struct WatchArgs {
    /// The plan to watch.
    plan: PathBuf,
    /// Write outputs into this folder instead of beside the plan.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Outputs to write.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [OutputFormat::Pdf, OutputFormat::Txt])]
    format: Vec<OutputFormat>,
    #[command(flatten)]
    common: CommonArgs,
}

pub fn run(args: WatchArgs) -> ExitCode {
    let engine = match args.common.engine() {
        Ok(engine) => engine,
        Err(code) => return code,
    };
    let options = args.common.options(Asked {
        mode: Mode::Build,
        formats: args.format.clone(),
        writers: Default::default(),
        strict: false,
        force: true,
    });
    let job = Job::for_plan(&args.plan, args.out.as_deref());
    let reporter = Reporter::new(ReportStyle::Human, Mode::Build, 1);
    eprintln!("watching {} (Ctrl-C to stop)", args.plan.display());
    let watched = watch::watch(
        &engine,
        &job,
        &options,
        args.common.template_dir().as_deref(),
        |event| {
            match event {
                Event::Built(outcome) => reporter.outcome(outcome),
                Event::Changed(_) => eprintln!("change detected, rebuilding {}", job.label),
            }
            ControlFlow::Continue(())
        },
    );
    match watched {
        Ok(()) => exit_status(false),
        Err(err) => {
            eprintln!("error: cannot watch files: {err}");
            ExitCode::from(EXIT_INPUT)
        }
    }
}
