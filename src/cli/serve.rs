//! `notice serve`: a live preview in the browser (see [`crate::serve`]).

use std::net::IpAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::EXIT_USAGE;
use super::common::{Asked, CommonArgs};
use crate::driver::{Job, Mode, jobs};
use crate::serve::{self, Guard};
use crate::writers::OutputFormat;

#[derive(Args)]
pub struct ServeArgs {
    /// A plan, or a folder of plans (its first page lists them).
    #[arg(value_name = "PLAN|FOLDER")]
    plan: PathBuf,
    /// Port to listen on (default: a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Address to listen on; anything but loopback lets other machines read the documents.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Open the preview in the default browser.
    #[arg(long)]
    open: bool,
    #[command(flatten)]
    common: CommonArgs,
}

pub fn run(args: ServeArgs) -> ExitCode {
    let engine = match args.common.engine() {
        Ok(engine) => engine,
        Err(code) => return code,
    };
    let jobs = if args.plan.is_dir() {
        let expanded = jobs::expand(std::slice::from_ref(&args.plan));
        let (jobs, _) = jobs::jobs(&expanded.plans, None);
        if jobs.is_empty() {
            eprintln!("error: {} holds no plan", args.plan.display());
            return ExitCode::from(EXIT_USAGE);
        }
        jobs
    } else if args.plan.is_file() {
        vec![Job::for_plan(&args.plan, None)]
    } else {
        eprintln!(
            "error: {} is neither a plan nor a folder",
            args.plan.display()
        );
        return ExitCode::from(EXIT_USAGE);
    };
    let options = args.common.options(Asked {
        mode: Mode::Build,
        formats: vec![
            OutputFormat::Svg,
            OutputFormat::Pdf,
            OutputFormat::Docx,
            OutputFormat::Ofd,
            OutputFormat::Txt,
        ],
        writers: Default::default(),
        strict: false,
        force: true,
    });
    let server = match tiny_http::Server::http((args.host, args.port)) {
        Ok(server) => server,
        Err(err) => {
            eprintln!("error: cannot listen on {}:{}: {err}", args.host, args.port);
            return ExitCode::from(EXIT_USAGE);
        }
    };
    let Some(addr) = server.server_addr().to_ip() else {
        return ExitCode::from(EXIT_USAGE);
    };
    if !args.host.is_loopback() {
        eprintln!(
            "warning: listening on {}: anyone who can reach this machine can read these documents",
            args.host
        );
    }
    let url = format!("http://{addr}/");
    // The address alone on stdout, for scripts; the rest on stderr.
    println!("{url}");
    eprintln!(
        "serving {} document(s) at {url} (Ctrl-C to stop)",
        jobs.len()
    );
    if args.open {
        open_in_browser(&url);
    }
    let guard = Guard::new(&args.host.to_string(), addr.port());
    serve::serve(
        &engine,
        jobs,
        &options,
        args.common.template_dir().as_deref(),
        server,
        guard,
    );
    ExitCode::SUCCESS
}

fn open_in_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if std::process::Command::new(opener).arg(url).spawn().is_err() {
        eprintln!("note: could not start {opener}; open {url} yourself");
    }
}
