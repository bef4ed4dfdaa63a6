//! The command line.
//!
//! Exit status: 0 success, 1 a problem in the input (plan, body, CSV,
//! template), 2 a usage error (unknown option, missing argument).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, CommandFactory, Parser, Subcommand};

use crate::batch::{self, ReportStyle, Reporter};
use crate::diagnostic::SourceMap;
use crate::document::BuildInputs;
use crate::export::{self, Format};
use crate::fonts::{FontOptions, FontSet, Role};
use crate::pipeline::{Engine, Job, Options, Status};
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
    /// Build a plan, then rebuild it whenever it, a file it uses or the template changes.
    Watch(WatchArgs),
    /// Write pages of a plan as PNG images.
    Preview(PreviewArgs),
    /// List the embedded templates, or export one to customise.
    #[command(subcommand)]
    Template(TemplateCommand),
    /// Show the face each GB/T 9704 font role resolves to, and where it comes from.
    Fonts(FontArgs),
    /// Write a commented starting plan (plan.toml, or notice.md with front matter).
    New(NewArgs),
    /// Print shell completions.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff).
    Man,
    /// Print the JSON Schema of plans, for editors and taplo.
    Schema,
}

#[derive(Args)]
struct BuildArgs {
    /// Plans: plan.toml or notice.md files, folders (searched recursively) or glob patterns.
    #[arg(required = true, value_name = "PLAN|DIR|GLOB")]
    plans: Vec<PathBuf>,
    /// Write outputs into this folder (mirroring input folders) instead of beside each plan.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Outputs to write.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [Format::Pdf, Format::Txt])]
    format: Vec<Format>,
    /// Pixels per inch of PNG output.
    #[arg(long, default_value_t = 144.0)]
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
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Args)]
struct CheckArgs {
    /// Plans: plan.toml or notice.md files, folders (searched recursively) or glob patterns.
    #[arg(required = true, value_name = "PLAN|DIR|GLOB")]
    plans: Vec<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Args)]
struct WatchArgs {
    /// The plan to watch.
    plan: PathBuf,
    /// Write outputs into this folder instead of beside the plan.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Outputs to write.
    #[arg(long, value_enum, value_delimiter = ',', default_values_t = [Format::Pdf, Format::Txt])]
    format: Vec<Format>,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Args)]
struct PreviewArgs {
    /// The plan to preview.
    plan: PathBuf,
    /// Pages to write, e.g. 1-2,5 (default: all).
    #[arg(long, value_name = "PAGES", value_parser = parse_pages)]
    pages: Option<PageRanges>,
    /// Pixels per inch.
    #[arg(long, default_value_t = 100.0)]
    ppi: f32,
    /// Folder for the images (default: beside the plan).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Subcommand)]
enum TemplateCommand {
    /// List the templates compiled into notice.
    List,
    /// Copy a template into a folder, to customise and use with --template DIR.
    Export {
        /// An embedded template's name.
        name: String,
        /// The folder to create.
        dir: PathBuf,
        /// Overwrite files already in the folder.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Args, Clone)]
struct FontArgs {
    /// Extra font folder (or file) searched before the system; its faces take precedence.
    #[arg(long = "font-path", value_name = "DIR")]
    font_paths: Vec<PathBuf>,
    /// Use only --font-path and the embedded fonts, never installed system fonts.
    #[arg(long)]
    no_system_fonts: bool,
}

#[derive(Args)]
struct NewArgs {
    /// The file to write: *.toml for a plan, *.md for Markdown with front matter.
    #[arg(default_value = "plan.toml")]
    file: PathBuf,
}

#[derive(Args, Clone)]
struct CommonArgs {
    /// Set a placeholder value, overriding the plan's [vars]: --var name=value.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    vars: Vec<(String, String)>,
    /// Template: an embedded name (gongwen) or a folder with main.typ.
    #[arg(long, value_name = "DIR|NAME", default_value = DEFAULT_TEMPLATE)]
    template: String,
    #[command(flatten)]
    fonts: FontArgs,
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

/// Page ranges of `--pages`, 1-based and inclusive.
#[derive(Debug, Clone)]
struct PageRanges(Vec<(usize, usize)>);

fn parse_pages(s: &str) -> Result<PageRanges, String> {
    export::parse_pages(s).map(PageRanges)
}

fn parse_pdf_standard(s: &str) -> Result<typst_pdf::PdfStandard, String> {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .map_err(|_| format!("`{s}` is not a PDF standard (e.g. 1.7, 2.0, a-2b, a-3b, a-4, ua-1)"))
}

impl FontArgs {
    fn fonts(&self) -> FontSet {
        FontSet::new(&FontOptions {
            font_paths: self.font_paths.clone(),
            system_fonts: !self.no_system_fonts,
        })
    }
}

impl CommonArgs {
    fn inputs(&self) -> BuildInputs {
        BuildInputs {
            vars: self.vars.iter().cloned().collect::<BTreeMap<_, _>>(),
            root: self.root.clone(),
        }
    }

    /// The fonts and template, or a usage error.
    fn engine(&self) -> Result<Engine, ExitCode> {
        let template = Template::load(&self.template).map_err(|e| {
            eprintln!("error: {e:#}");
            ExitCode::from(EXIT_USAGE)
        })?;
        let started = std::time::Instant::now();
        let engine = Engine::new(self.fonts.fonts(), template);
        if std::env::var_os("NOTICE_TIMING").is_some() {
            eprintln!(
                "{:>8.1} ms  fonts and template",
                started.elapsed().as_secs_f64() * 1000.0
            );
        }
        Ok(engine)
    }

    /// The template's folder on disk, if it is one (for `watch`).
    fn template_dir(&self) -> Option<PathBuf> {
        let path = PathBuf::from(&self.template);
        path.is_dir().then_some(path)
    }
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    crate::pipeline::clean_up_on_interrupt();
    if matches!(
        cli.command,
        Command::Build(_) | Command::Check(_) | Command::Watch(_) | Command::Preview(_)
    ) {
        // Titles need the word list; load it while fonts and plans load.
        std::thread::spawn(crate::title::warm_up);
    }
    match cli.command {
        Command::Build(args) => build(args),
        Command::Check(args) => check(args),
        Command::Watch(args) => watch(args),
        Command::Preview(args) => preview(args),
        Command::Template(command) => template(command),
        Command::Fonts(args) => fonts(args),
        Command::New(args) => new(args),
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "notice", &mut out);
            print_out(&out)
        }
        Command::Man => {
            let mut out = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut out) {
                Ok(()) => print_out(&out),
                Err(_) => ExitCode::from(EXIT_INPUT),
            }
        }
        Command::Schema => {
            let mut schema = serde_json::to_vec_pretty(&crate::schema::plan_schema())
                .expect("the schema serializes");
            schema.push(b'\n');
            print_out(&schema)
        }
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

fn build(args: BuildArgs) -> ExitCode {
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
    let options = Options {
        inputs: args.common.inputs(),
        strict: args.strict,
        formats: args.format.clone(),
        export: export::Settings {
            ppi: args.ppi,
            pages: Vec::new(),
            pdf_standards: args.pdf_standard.clone(),
        },
        force: args.force,
    };

    let mut sources = SourceMap::new();
    let (jobs, problems) = match &args.data {
        Some(data) => {
            if args.plans.len() != 1 || !args.plans[0].is_file() {
                eprintln!(
                    "error: --data merges one plan file with the rows of a CSV; give exactly one plan"
                );
                return ExitCode::from(EXIT_USAGE);
            }
            batch::merge_jobs(
                &args.plans[0],
                data,
                args.name.as_deref(),
                args.out.as_deref(),
                &mut sources,
            )
        }
        None => {
            let (inputs, problems) = batch::expand(&args.plans);
            (batch::jobs(&inputs, args.out.as_deref()), problems)
        }
    };
    let reporter = Reporter::new(style, jobs.len());
    reporter.problems(&problems, &sources);
    let failed = batch::run(&engine, &jobs, &options, args.jobs, &reporter);
    exit_status(failed || !problems.is_empty())
}

fn check(args: CheckArgs) -> ExitCode {
    let engine = match args.common.engine() {
        Ok(engine) => engine,
        Err(code) => return code,
    };
    let inputs = args.common.inputs();
    let (plans, problems) = batch::expand(&args.plans);
    let reporter = Reporter::new(ReportStyle::Human, plans.len());
    reporter.problems(&problems, &SourceMap::new());
    let mut failed = !problems.is_empty();
    for plan in &plans {
        let outcome = engine.check(&plan.plan, &inputs);
        reporter.outcome(&outcome);
        if outcome.status != Status::Checked {
            eprintln!(
                "{}: {} problem(s)",
                plan.plan.display(),
                outcome.diagnostics.len()
            );
            failed = true;
        }
    }
    reporter.finish();
    exit_status(failed)
}

fn watch(args: WatchArgs) -> ExitCode {
    let engine = match args.common.engine() {
        Ok(engine) => engine,
        Err(code) => return code,
    };
    let options = Options {
        inputs: args.common.inputs(),
        formats: args.format.clone(),
        ..Options::default()
    };
    let job = Job::for_plan(&args.plan, args.out.as_deref());
    let reporter = Reporter::new(ReportStyle::Human, 1);
    eprintln!("watching {} (Ctrl-C to stop)", args.plan.display());
    match crate::watch::watch(
        &engine,
        &job,
        &options,
        &reporter,
        args.common.template_dir().as_deref(),
    ) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: cannot watch files: {err:#}");
            ExitCode::from(EXIT_INPUT)
        }
    }
}

fn preview(args: PreviewArgs) -> ExitCode {
    let engine = match args.common.engine() {
        Ok(engine) => engine,
        Err(code) => return code,
    };
    let options = Options {
        inputs: args.common.inputs(),
        formats: vec![Format::Png],
        export: export::Settings {
            ppi: args.ppi,
            pages: args.pages.clone().map(|p| p.0).unwrap_or_default(),
            pdf_standards: Vec::new(),
        },
        force: true,
        ..Options::default()
    };
    let job = Job::for_plan(&args.plan, args.out.as_deref());
    let outcome = engine.build(&job, &options);
    Reporter::new(ReportStyle::Human, 1).outcome(&outcome);
    exit_status(outcome.failed())
}

fn template(command: TemplateCommand) -> ExitCode {
    match command {
        TemplateCommand::List => {
            let mut out = String::new();
            for name in Template::embedded_names() {
                let marker = if name == DEFAULT_TEMPLATE {
                    " (default)"
                } else {
                    ""
                };
                out +=
                    &format!("{name}{marker}\tGB/T 9704-2012 文件, 信函, 命令 and 纪要 formats\n");
            }
            print_out(out.as_bytes())
        }
        TemplateCommand::Export { name, dir, force } => {
            let files = match Template::load(&name).and_then(|t| t.files()) {
                Ok(files) => files,
                Err(err) => {
                    eprintln!("error: {err:#}");
                    return ExitCode::from(EXIT_USAGE);
                }
            };
            if !force && files.iter().any(|(path, _)| dir.join(path).exists()) {
                eprintln!(
                    "error: {} already holds template files; use --force to overwrite them",
                    dir.display()
                );
                return ExitCode::from(EXIT_INPUT);
            }
            let staged: Vec<(PathBuf, Vec<u8>)> =
                files.into_iter().map(|(p, b)| (dir.join(p), b)).collect();
            let refs: Vec<(&std::path::Path, &[u8])> = staged
                .iter()
                .map(|(p, b)| (p.as_path(), b.as_slice()))
                .collect();
            match crate::pipeline::write_outputs(&refs) {
                Ok(()) => {
                    eprintln!(
                        "exported {name} to {}; use it with --template {}",
                        dir.display(),
                        dir.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(failed) => {
                    eprintln!("error: {failed}");
                    ExitCode::from(EXIT_INPUT)
                }
            }
        }
    }
}

fn fonts(args: FontArgs) -> ExitCode {
    let fonts = args.fonts();
    let mut out = String::new();
    for role in Role::ALL {
        let face = fonts.role(role);
        out += &format!("{}\t{}\t{}\n", role.chinese(), face.family, face.origin);
    }
    let fallback = fonts.fallback();
    out += &format!("fallback\t{}\t{}\n", fallback.family, fallback.origin);
    print_out(out.as_bytes())
}

fn new(args: NewArgs) -> ExitCode {
    let markdown = crate::plan::is_markdown(&args.file);
    let content: &str = if markdown {
        include_str!("scaffold/notice.md")
    } else {
        include_str!("scaffold/plan.toml")
    };
    if args.file.exists() {
        eprintln!(
            "error: {} already exists; choose another name",
            args.file.display()
        );
        return ExitCode::from(EXIT_INPUT);
    }
    match crate::pipeline::write_outputs(&[(&args.file, content.as_bytes())]) {
        Ok(()) => {
            eprintln!(
                "wrote {}; build it with: notice build {}",
                args.file.display(),
                args.file.display()
            );
            ExitCode::SUCCESS
        }
        Err(failed) => {
            eprintln!("error: {failed}");
            ExitCode::from(EXIT_INPUT)
        }
    }
}
