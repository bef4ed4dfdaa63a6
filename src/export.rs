//! The output formats of a laid-out document.

use std::path::PathBuf;

use typst_pdf::PdfStandard;

use crate::diagnostic::{Diagnostic, Failed};
use crate::pipeline::{Compiled, Engine, Job};
use crate::{render, text};

/// An output format of `notice build --format`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, clap::ValueEnum, serde::Serialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Format {
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
}

/// Settings of the image and PDF exports.
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
            .map(|s| format!("{s:?}"))
            .collect();
        (self.ppi.to_bits(), &self.pages, standards)
    }

    fn wants(&self, page: usize) -> bool {
        self.pages.is_empty() || self.pages.iter().any(|(a, b)| (*a..=*b).contains(&page))
    }
}

/// Parses page ranges such as `1-2,5,7-`.
pub fn parse_pages(spec: &str) -> Result<Vec<(usize, usize)>, String> {
    spec.split(',')
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
        .collect()
}

/// Every output file of a job, in memory.
pub fn export(
    compiled: &Compiled,
    engine: &Engine,
    job: &Job,
    formats: &[Format],
    settings: &Settings,
) -> Result<Vec<(PathBuf, Vec<u8>)>, Failed> {
    let doc = &compiled.built.document;
    let name = |ext: &str| job.out_dir.join(format!("{}.{ext}", job.stem));
    let page_name = |n: usize, ext: &str| job.out_dir.join(format!("{}-{n}.{ext}", job.stem));
    let mut files = Vec::new();
    for format in formats {
        match format {
            Format::Pdf => {
                let ident = format!(
                    "{}|{}",
                    doc.metadata.title,
                    doc.number.as_deref().unwrap_or("")
                );
                files.push((
                    name("pdf"),
                    render::pdf(&compiled.layout, &ident, &settings.pdf_standards)?,
                ));
            }
            Format::Txt => files.push((name("txt"), text::render(doc).into_bytes())),
            Format::Png => {
                let options = typst_render::RenderOptions {
                    pixel_per_pt: typst::utils::Scalar::new(f64::from(settings.ppi) / 72.0),
                    render_bleed: false,
                };
                for (i, page) in compiled.layout.pages().iter().enumerate() {
                    if settings.wants(i + 1) {
                        let png =
                            typst_render::render(page, &options)
                                .encode_png()
                                .map_err(|err| {
                                    Failed::from(Diagnostic::error(
                                        "png",
                                        format!("cannot encode page {} as PNG: {err}", i + 1),
                                    ))
                                })?;
                        files.push((page_name(i + 1, "png"), png));
                    }
                }
            }
            Format::Svg => {
                let options = typst_svg::SvgOptions::default();
                for (i, page) in compiled.layout.pages().iter().enumerate() {
                    if settings.wants(i + 1) {
                        files.push((
                            page_name(i + 1, "svg"),
                            typst_svg::svg(page, &options).into_bytes(),
                        ));
                    }
                }
            }
            Format::Typ => files.extend(typst_folder(compiled, engine, job)?),
        }
    }
    Ok(files)
}

/// `NAME.typst/`: the template's files, the document data as JSON and the
/// seals, so the same layout can be compiled (and debugged) with plain typst:
///
/// ```sh
/// typst compile --font-path fonts --ignore-system-fonts \
///     --input notice-json=data.json NAME.typst/main.typ
/// ```
fn typst_folder(
    compiled: &Compiled,
    engine: &Engine,
    job: &Job,
) -> Result<Vec<(PathBuf, Vec<u8>)>, Failed> {
    let dir = job.out_dir.join(format!("{}.typst", job.stem));
    let template_files = engine.template.files().map_err(|err| {
        Failed::from(Diagnostic::error(
            "typ",
            format!("cannot read the template: {err:#}"),
        ))
    })?;
    let mut files: Vec<(PathBuf, Vec<u8>)> = template_files
        .into_iter()
        .map(|(path, bytes)| (dir.join(path), bytes))
        .collect();
    let (seal_files, seals) = render::seal_files(&compiled.built.seals, "seal");
    files.extend(
        seal_files
            .into_iter()
            .map(|(file, bytes)| (dir.join(file), bytes)),
    );
    let data = render::template_json(&compiled.built.document, &engine.fonts, seals);
    let json = serde_json::to_vec_pretty(&data).expect("JSON serializes");
    files.push((dir.join("data.json"), json));
    Ok(files)
}
