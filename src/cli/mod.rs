//! The command line: one file per command over the library.
//!
//! Exit status: 0 success, 1 a problem in the input (plan, body, CSV,
//! template), 2 a usage error (unknown option, missing argument).

mod build;
mod check;
mod common;
mod fonts;
mod import;
mod meta;
mod new;
mod preview;
mod report;
mod serve;
mod template;
mod watch;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

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
pub(crate) struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build plans into PDF and plain text (PLAN.pdf and PLAN.txt beside each plan).
    Build(build::BuildArgs),
    /// Check plans against GB/T 9704 and common practice without writing anything.
    ///
    /// Exits with 1 when it finds any problem.
    Check(check::CheckArgs),
    /// Build a plan, then rebuild it whenever it, a file it uses or the template changes.
    Watch(watch::WatchArgs),
    /// Write pages of a plan as PNG images.
    Preview(preview::PreviewArgs),
    /// Preview a plan (or a folder of plans) in the browser, updated on every save.
    Serve(serve::ServeArgs),
    /// List the embedded templates, or export one to customise.
    #[command(subcommand)]
    Template(template::TemplateCommand),
    /// Show the face each GB/T 9704 font role resolves to, and where it comes from.
    Fonts(common::FontArgs),
    /// Write a commented starting plan (plan.toml, or notice.md with front matter).
    New(new::NewArgs),
    /// Turn a draft (.txt, .md or .docx) into a plan and its files, noting what was repaired.
    Import(import::ImportArgs),
    /// Print shell completions.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff).
    Man,
    /// Print the JSON Schema of plans (for editors and taplo), or of the data templates receive.
    Schema(meta::SchemaArgs),
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    crate::output::clean_up_on_interrupt();
    if matches!(
        cli.command,
        Command::Build(_)
            | Command::Check(_)
            | Command::Watch(_)
            | Command::Preview(_)
            | Command::Serve(_)
    ) {
        // Titles need the word list; load it while fonts and plans load.
        std::thread::spawn(crate::compose::title::warm_up);
    }
    match cli.command {
        Command::Build(args) => build::run(args),
        Command::Check(args) => check::run(args),
        Command::Watch(args) => watch::run(args),
        Command::Preview(args) => preview::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Template(command) => template::run(command),
        Command::Fonts(args) => fonts::run(args),
        Command::New(args) => new::run(args),
        Command::Import(args) => import::run(args),
        Command::Completions { shell } => meta::completions(shell),
        Command::Man => meta::man(),
        Command::Schema(args) => meta::schema(args),
    }
}

/// Writes to stdout; a closed pipe (`notice man | head`) is not an error.
fn print_out(bytes: &[u8]) -> ExitCode {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(bytes).and_then(|()| out.flush());
    ExitCode::SUCCESS
}

fn exit_status(failed: bool) -> ExitCode {
    if failed {
        ExitCode::from(EXIT_INPUT)
    } else {
        ExitCode::SUCCESS
    }
}
