//! The command line.
//!
//! Exit status: 0 success, 1 a problem in the input (plan, body, CSV,
//! template), 2 a usage error (unknown option, missing argument).

use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::diagnostic::Severity;
use crate::document::BuildInputs;
use crate::fonts::{FontOptions, FontSet};
use crate::pipeline::{Engine, Options, Outcome};
use crate::template::{DEFAULT_TEMPLATE, Template};

/// Exit status for problems in the input.
const EXIT_INPUT: u8 = 1;
/// Exit status for usage errors (also what clap uses).
const EXIT_USAGE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "notice",
    version,
    about = "Compile Chinese official documents (公文) to GB/T 9704-2012 PDF and plain text",
    after_help = "Exit status: 0 success; 1 a problem in the input (plan, body, CSV, template), each printed with its file, line and column; 2 a usage error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build plans into PDF and plain text (PLAN.pdf and PLAN.txt beside each plan).
    Build(BuildArgs),
    /// Check plans against GB/T 9704 and common practice without writing anything.
    ///
    /// Exits with 1 when it finds any problem.
    Check(CheckArgs),
}

#[derive(Args)]
struct CheckArgs {
    /// Plan files: plan.toml, or notice.md with +++ TOML front matter.
    #[arg(required = true, value_name = "PLAN")]
    plans: Vec<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Args)]
struct BuildArgs {
    /// Plan files: plan.toml, or notice.md with +++ TOML front matter.
    #[arg(required = true, value_name = "PLAN")]
    plans: Vec<PathBuf>,
    /// Write outputs into this folder instead of beside each plan.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Treat the checks' findings as errors: write nothing when there are any.
    #[arg(long)]
    strict: bool,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Args, Clone)]
struct CommonArgs {
    /// Set a placeholder value, overriding the plan's [vars]: --var name=value.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    vars: Vec<(String, String)>,
    /// Template: an embedded name (gongwen) or a folder with main.typ.
    #[arg(long, value_name = "DIR|NAME", default_value = DEFAULT_TEMPLATE)]
    template: String,
    /// Extra font folder (or file) searched before the system; its faces take precedence.
    #[arg(long = "font-path", value_name = "DIR")]
    font_paths: Vec<PathBuf>,
    /// Use only --font-path and the embedded fonts, never installed system fonts.
    #[arg(long)]
    no_system_fonts: bool,
    /// Folder that paths in plans may not leave (default: each plan's own folder).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
}

fn parse_var(s: &str) -> Result<(String, String), String> {
    let (name, value) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not NAME=VALUE"))?;
    let name = name.trim();
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Err(format!(
            "`{name}` is not a placeholder name (letters, digits and _)"
        ));
    }
    Ok((name.to_string(), value.to_string()))
}

impl CommonArgs {
    fn inputs(&self) -> BuildInputs {
        BuildInputs {
            vars: self.vars.iter().cloned().collect::<BTreeMap<_, _>>(),
            root: self.root.clone(),
        }
    }

    fn engine(&self) -> Result<Engine, String> {
        let template = Template::load(&self.template).map_err(|e| format!("{e:#}"))?;
        let fonts = FontSet::new(&FontOptions {
            font_paths: self.font_paths.clone(),
            system_fonts: !self.no_system_fonts,
        });
        Ok(Engine { fonts, template })
    }
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    crate::pipeline::clean_up_on_interrupt();
    match cli.command {
        Command::Build(args) => build(args),
        Command::Check(args) => check(args),
    }
}

fn engine_or_exit(common: &CommonArgs) -> Result<Engine, ExitCode> {
    common.engine().map_err(|message| {
        eprintln!("error: {message}");
        ExitCode::from(EXIT_USAGE)
    })
}

fn build(args: BuildArgs) -> ExitCode {
    let engine = match engine_or_exit(&args.common) {
        Ok(engine) => engine,
        Err(code) => return code,
    };
    let options = Options {
        inputs: args.common.inputs(),
        strict: args.strict,
        out_dir: args.out.clone(),
    };
    let color = std::io::stderr().is_terminal();
    let mut failed = false;
    for plan in &args.plans {
        let outcome = engine.build(plan, &options);
        failed |= report(&outcome, color);
    }
    exit_status(failed)
}

fn check(args: CheckArgs) -> ExitCode {
    let engine = match engine_or_exit(&args.common) {
        Ok(engine) => engine,
        Err(code) => return code,
    };
    let inputs = args.common.inputs();
    let color = std::io::stderr().is_terminal();
    let mut failed = false;
    for plan in &args.plans {
        let outcome = engine.check(plan, &inputs);
        for d in &outcome.diagnostics {
            eprint!("{}", d.render(&outcome.sources, color));
        }
        if outcome.result.is_ok() {
            eprintln!("{}: no problems found", plan.display());
        } else {
            eprintln!(
                "{}: {} problem(s)",
                plan.display(),
                outcome.diagnostics.len()
            );
            failed = true;
        }
    }
    exit_status(failed)
}

fn exit_status(failed: bool) -> ExitCode {
    if failed {
        ExitCode::from(EXIT_INPUT)
    } else {
        ExitCode::SUCCESS
    }
}

/// Prints an outcome's diagnostics and outputs; returns whether it failed.
fn report(outcome: &Outcome, color: bool) -> bool {
    for d in &outcome.diagnostics {
        eprint!("{}", d.render(&outcome.sources, color));
    }
    match &outcome.result {
        Ok(paths) => {
            let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            let warnings = outcome
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Warning)
                .count();
            let suffix = if warnings > 0 {
                format!(", {warnings} warning(s)")
            } else {
                String::new()
            };
            eprintln!(
                "wrote {} ({} pages{suffix})",
                names.join(", "),
                outcome.pages
            );
            false
        }
        Err(()) => {
            eprintln!(
                "error: {} was not built; previous outputs are unchanged",
                outcome.plan.display()
            );
            true
        }
    }
}
