//! Output files, one writer per format behind one seam.
//!
//! A writer turns a rendered document (the model, and its laid-out pages
//! when the format needs them) into files in memory; `crate::output`
//! writes them, all or none. A new format is a module here, a variant of
//! [`OutputFormat`] and a line in [`OutputFormat::writer`].

mod docx;
pub mod ofd;
mod pdf;
mod png;
mod svg;
pub mod txt;
mod typ;

use std::path::PathBuf;

use typst_layout::PagedDocument;
use typst_pdf::PdfStandard;

use crate::diagnostic::{Diagnostic, Failed};
use crate::model::Document;
use crate::typeset::Laid;
use crate::typeset::fonts::FontSet;
use crate::typeset::template::Template;

/// An output format of `notice build --format`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum OutputFormat {
    /// `NAME.pdf`
    Pdf,
    /// `NAME.txt`, the plain-text twin
    Txt,
    /// `NAME-1.png` ... one per page
    Png,
    /// `NAME-1.svg` ... one per page
    Svg,
    /// `NAME.typst/`: the Typst template and the document data, to debug or
    /// compile with plain typst
    Typ,
    /// `NAME.docx`: a Word file with the standard's page, grid and styles
    Docx,
    /// `NAME.ofd`: the national fixed-layout format (GB/T 33190), the PDF's
    /// pages with real text and embedded TrueType fonts
    Ofd,
}

impl OutputFormat {
    /// The writer of the format.
    pub fn writer(self) -> &'static dyn Writer {
        match self {
            OutputFormat::Pdf => &pdf::Pdf,
            OutputFormat::Txt => &txt::Txt,
            OutputFormat::Png => &png::Png,
            OutputFormat::Svg => &svg::Svg,
            OutputFormat::Typ => &typ::Typ,
            OutputFormat::Docx => &docx::Word,
            OutputFormat::Ofd => &ofd::Ofd,
        }
    }
}

/// A file a writer made: where it goes and its bytes.
pub type OutputFile = (PathBuf, Vec<u8>);

/// What writers read.
pub struct Rendered<'a> {
    pub document: &'a Document,
    /// The layout: pages and what notice measured on them (every writer
    /// that [`Writer::needs_pages`] gets it).
    pub laid: Option<&'a Laid>,
    pub fonts: &'a FontSet,
    pub template: &'a Template,
}

impl Rendered<'_> {
    fn pages(&self) -> Result<&PagedDocument, Failed> {
        self.laid.map(|l| &l.pages).ok_or_else(|| {
            Failed::from(Diagnostic::error(
                "internal",
                "this output needs the laid-out pages",
            ))
        })
    }
}

/// Where a document's files go: `DIR/STEM.ext`, `DIR/STEM-N.ext`.
#[derive(Debug, Clone)]
pub struct Names {
    pub dir: PathBuf,
    pub stem: String,
}

impl Names {
    pub fn file(&self, ext: &str) -> PathBuf {
        self.dir.join(format!("{}.{ext}", self.stem))
    }

    pub fn page(&self, n: usize, ext: &str) -> PathBuf {
        self.dir.join(format!("{}-{n}.{ext}", self.stem))
    }
}

/// One output format.
pub trait Writer: Sync {
    /// Whether the writer reads the laid-out pages.
    fn needs_pages(&self) -> bool;

    fn write(
        &self,
        rendered: &Rendered,
        names: &Names,
        settings: &Settings,
    ) -> Result<Vec<OutputFile>, Failed>;
}

/// Settings of the image and PDF writers.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Pixels per inch of PNG pages.
    pub ppi: f32,
    /// 1-based inclusive page ranges for PNG and SVG (all pages when empty).
    pub pages: Vec<(usize, usize)>,
    /// PDF standards to conform to (e.g. PDF/A-2b for archives).
    pub pdf_standards: Vec<PdfStandard>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            ppi: 144.0,
            pages: Vec::new(),
            pdf_standards: Vec::new(),
        }
    }
}

impl Settings {
    /// The settings as hashable data, for build fingerprints.
    pub fn fingerprint(&self) -> (u32, &[(usize, usize)], Vec<String>) {
        let standards = self
            .pdf_standards
            .iter()
            .map(|s| serde_json::to_string(s).unwrap_or_default())
            .collect();
        (self.ppi.to_bits(), &self.pages, standards)
    }

    /// The 1-based pages of a document of `count` pages to write; an error
    /// when a range starts past its end.
    fn selected(&self, count: usize) -> Result<Vec<usize>, Failed> {
        if let Some((start, _)) = self.pages.iter().find(|(start, _)| *start > count) {
            return Err(Failed::from(
                Diagnostic::error(
                    "pages",
                    format!(
                        "--pages asks for page {start}, but the document has {count} page{}",
                        if count == 1 { "" } else { "s" }
                    ),
                )
                .hint(format!(
                    "ask for pages 1 to {count}, e.g. --pages 1-{count}"
                )),
            ));
        }
        Ok((1..=count)
            .filter(|page| {
                self.pages.is_empty() || self.pages.iter().any(|(a, b)| (*a..=*b).contains(page))
            })
            .collect())
    }
}

/// Parses page ranges such as `1-2,5,7-`.
pub fn parse_pages(spec: &str) -> Result<Vec<(usize, usize)>, String> {
    let ranges: Vec<(usize, usize)> = spec
        .split(',')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            let bad = || format!("`{part}` is not a page or a range like 1-3");
            let (a, b) = match part.split_once('-') {
                Some((a, b)) => (a.trim(), b.trim()),
                None => (part, part),
            };
            let start: usize = if a.is_empty() {
                1
            } else {
                a.parse().map_err(|_| bad())?
            };
            let end: usize = if b.is_empty() {
                usize::MAX
            } else {
                b.parse().map_err(|_| bad())?
            };
            if start == 0 || end < start {
                return Err(bad());
            }
            Ok((start, end))
        })
        .collect::<Result<_, _>>()?;
    if ranges.is_empty() {
        return Err("no pages given; write pages like 1-2,5".into());
    }
    Ok(ranges)
}

/// Every output file of a document, in memory.
pub fn write_all(
    rendered: &Rendered,
    formats: &[OutputFormat],
    names: &Names,
    settings: &Settings,
) -> Result<Vec<OutputFile>, Failed> {
    let mut files = Vec::new();
    for format in formats {
        files.extend(format.writer().write(rendered, names, settings)?);
    }
    Ok(files)
}
