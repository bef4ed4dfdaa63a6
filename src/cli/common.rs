//! Options several commands share, and the engine they build.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use super::EXIT_USAGE;
use crate::compose;
use crate::driver::{Engine, Mode, Options, Outcome};
use crate::limits;
use crate::typeset::fonts::{FontOptions, FontSet};
use crate::typeset::template::{DEFAULT_TEMPLATE, Template};
use crate::writers::{self, OutputFormat};

#[derive(Args, Clone)]
pub struct FontArgs {
    /// Extra font folder (or file) searched before the system; its faces take precedence.
    #[arg(long = "font-path", value_name = "DIR")]
    pub font_paths: Vec<PathBuf>,
    /// Use only --font-path and the embedded fonts, never installed system fonts.
    #[arg(long)]
    pub no_system_fonts: bool,
}

#[derive(Args, Clone)]
pub struct CommonArgs {
    /// Set a placeholder value, overriding the plan's [vars]: --var name=value.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    pub vars: Vec<(String, String)>,
    /// Template: an embedded name (gongwen) or a folder with main.typ.
    #[arg(long, value_name = "DIR|NAME", default_value = DEFAULT_TEMPLATE)]
    pub template: String,
    #[command(flatten)]
    pub fonts: FontArgs,
    /// Folder that paths in plans may not leave (default: each plan's own folder).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
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

/// Pixels per inch, within the documented range.
pub fn parse_ppi(s: &str) -> Result<f32, String> {
    let ppi: f32 = s
        .parse()
        .map_err(|_| format!("`{s}` is not a number of pixels per inch"))?;
    if !(limits::PPI_MIN..=limits::PPI_MAX).contains(&ppi) {
        return Err(format!(
            "{s} is outside {}–{} pixels per inch",
            limits::PPI_MIN,
            limits::PPI_MAX
        ));
    }
    Ok(ppi)
}

impl FontArgs {
    pub fn fonts(&self) -> FontSet {
        FontSet::new(&FontOptions {
            font_paths: self.font_paths.clone(),
            system_fonts: !self.no_system_fonts,
        })
    }
}

/// What a command asks for beyond the arguments every command shares.
pub struct Asked {
    pub mode: Mode,
    /// Outputs to make, each once, in the order asked.
    pub formats: Vec<OutputFormat>,
    pub writers: writers::Settings,
    pub strict: bool,
    pub force: bool,
}

impl CommonArgs {
    /// The engine's options for a run: the one place where the command
    /// line becomes [`Options`].
    pub fn options(&self, asked: Asked) -> Options {
        Options {
            mode: asked.mode,
            compose: self.compose_settings(),
            strict: asked.strict,
            formats: distinct(&asked.formats),
            writers: asked.writers,
            force: asked.force,
        }
    }

    fn compose_settings(&self) -> compose::Settings {
        compose::Settings {
            vars: self.vars.iter().cloned().collect::<BTreeMap<_, _>>(),
            root: self.root.clone(),
        }
    }

    /// The fonts and template, or a usage error.
    pub fn engine(&self) -> Result<Engine, ExitCode> {
        let template = Template::load(&self.template).map_err(|e| {
            eprintln!("error: {e:#}");
            ExitCode::from(EXIT_USAGE)
        })?;
        let started = std::time::Instant::now();
        let engine = Engine::new(self.fonts.fonts(), template);
        if timing() {
            eprintln!(
                "{:>8.1} ms  fonts and template",
                started.elapsed().as_secs_f64() * 1000.0
            );
        }
        Ok(engine)
    }

    /// The template's folder on disk, if it is one (for `watch`).
    pub fn template_dir(&self) -> Option<PathBuf> {
        let path = PathBuf::from(&self.template);
        path.is_dir().then_some(path)
    }
}

/// `NOTICE_TIMING=1`: print how long each phase of each document took.
pub fn timing() -> bool {
    static TIMING: std::sync::LazyLock<bool> =
        std::sync::LazyLock::new(|| std::env::var_os("NOTICE_TIMING").is_some());
    *TIMING
}

/// The phases of a document, when timing is asked for.
pub fn print_phases(outcome: &Outcome) {
    if timing() {
        for (phase, took) in &outcome.phases {
            eprintln!("{:>8.1} ms  {phase}", took.as_secs_f64() * 1000.0);
        }
    }
}

/// The formats asked for, each once, in the order first asked
/// (`--format pdf,pdf` writes one PDF).
pub fn distinct<T: PartialEq + Clone>(items: &[T]) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for item in items {
        if !out.contains(item) {
            out.push(item.clone());
        }
    }
    out
}
