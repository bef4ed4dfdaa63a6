//! Running documents: what a process shares between them ([`Engine`]), what
//! one document is ([`jobs::Job`]), compiling it ([`compile`]), writing its
//! outputs all or none ([`crate::output`]), skipping unchanged ones ([`cache`]),
//! many at once ([`batch`]) and again on every change ([`watch`]).
//!
//! Nothing here prints: outcomes and events go back to the caller.

pub mod batch;
pub mod cache;
mod compile;
pub mod jobs;
pub mod shard;
pub mod watch;

use std::path::PathBuf;
use std::time::Duration;

use crate::compose;
use crate::diagnostic::{Diagnostic, SourceMap};
use crate::typeset::fonts::FontSet;
use crate::typeset::template::Template;
use crate::writers::{self, OutputFormat};

pub use compile::Made;
pub use jobs::Job;

/// What a process shares between the documents it handles: fonts (parsed
/// once) and the template. Typst's caches are process-wide as well.
pub struct Engine {
    pub fonts: FontSet,
    pub template: Template,
    /// Identity of the template and fonts, part of every build's fingerprint.
    identity: u128,
}

impl Engine {
    pub fn new(fonts: FontSet, template: Template) -> Engine {
        let identity = typst::utils::hash128(&(
            template.fingerprint(),
            fonts.fingerprint(),
            executable_identity(),
        ));
        Engine {
            fonts,
            template,
            identity,
        }
    }
}

/// The size and time of the running binary: two builds of one version
/// (a developer's, a patched package) may lay pages out differently.
fn executable_identity() -> Option<(u64, std::time::SystemTime)> {
    let meta = std::env::current_exe().ok()?.metadata().ok()?;
    Some((meta.len(), meta.modified().ok()?))
}

/// What to do with a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Compile and write the outputs.
    Build,
    /// Compile in memory and report what the checks and the layout audit
    /// find; write nothing.
    Check,
}

/// How to handle documents.
#[derive(Debug, Clone)]
pub struct Options {
    pub mode: Mode,
    pub compose: compose::Settings,
    /// Treat the checks' findings as errors: write nothing.
    pub strict: bool,
    pub formats: Vec<OutputFormat>,
    pub writers: writers::Settings,
    /// Rebuild even when nothing changed since the outputs were written.
    pub force: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            mode: Mode::Build,
            compose: compose::Settings::default(),
            strict: false,
            formats: vec![OutputFormat::Pdf, OutputFormat::Txt],
            writers: writers::Settings::default(),
            force: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Outputs written.
    Built,
    /// Inputs unchanged since the outputs were written.
    Skipped,
    /// Checked without writing (`notice check`), no problem found.
    Checked,
    /// Checked without writing, with findings.
    Findings,
    Failed,
}

/// The result of one job, with its diagnostics and the sources they point
/// into.
pub struct Outcome {
    pub job: Job,
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    pub status: Status,
    pub outputs: Vec<PathBuf>,
    pub pages: usize,
    pub elapsed: Duration,
    /// How long each phase took (`NOTICE_TIMING=1` prints them).
    pub phases: Vec<(&'static str, Duration)>,
    /// Every file the document names (plan, bodies, CSVs, seals), found or
    /// not, for `watch`.
    pub inputs: Vec<PathBuf>,
}

impl Outcome {
    fn new(job: &Job) -> Outcome {
        Outcome {
            job: job.clone(),
            sources: SourceMap::new(),
            diagnostics: Vec::new(),
            status: Status::Failed,
            outputs: Vec::new(),
            pages: 0,
            elapsed: Duration::ZERO,
            phases: Vec::new(),
            inputs: vec![job.plan.clone()],
        }
    }

    /// Whether the document failed (a check with findings counts).
    pub fn failed(&self) -> bool {
        matches!(self.status, Status::Failed | Status::Findings)
    }
}
