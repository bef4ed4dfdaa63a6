//! What a template receives: the document model, the faces each font role
//! resolved to, the seal images as files and the standard's geometry, as
//! typed data. `notice schema --template-data` prints its JSON Schema.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use super::fit::Fit;
use super::fonts::FontSet;
use crate::gbt9704::{GEOMETRY, Geometry, Role};
use crate::model::{DATA_VERSION, Document, ImageFormat};

/// Where the template finds the document data (see `templates/*/main.typ`).
pub const DATA_PATH: &str = "/.notice/data.json";

/// Where the template finds the standard's geometry. It is the same for
/// every document, so Typst's caches of the template carry over between
/// documents.
pub const GEOMETRY_PATH: &str = "/.notice/geometry.json";

/// Where the template finds the seal images: `SEAL_BASE.png`, or
/// `SEAL_BASE-1.png` … for joint seals.
pub const SEAL_BASE: &str = "/.notice/seal";

/// The template's data: `data.json`.
#[derive(Serialize, JsonSchema)]
pub struct TemplateData<'a> {
    /// [`DATA_VERSION`]: changes when a field is renamed or removed.
    pub version: u32,
    #[serde(flatten)]
    pub document: &'a Document,
    pub fonts: Fonts,
    /// The first seal (what templates written for one seal read).
    pub seal: Option<SealFile>,
    /// Every seal, one per issuer of a 联合行文.
    pub seals: Vec<SealFile>,
    /// GB/T 9704's page geometry (also in `geometry.json`).
    pub geometry: Geometry,
    /// Where a second layout breaks the page so the closing stays with the
    /// body, and how much it tightens (see `typeset::fit`); none at first.
    pub fit: Option<Fit>,
    /// Pages of the body tightened alone before `fit`, in the body's
    /// order, each ending at its `until` (empty at first).
    pub fit_before: Vec<Fit>,
}

/// The face of each font role, by role key (`fangsong` …).
#[derive(Serialize, JsonSchema)]
pub struct Fonts {
    #[serde(flatten)]
    pub roles: BTreeMap<&'static str, Face>,
    /// The face for characters a role's own face lacks.
    pub fallback: String,
    /// The middle of the dash's ink above the baseline, in em, in the 宋体
    /// face (Typst cannot measure ink, and the page number's dash line is
    /// placed by it).
    #[serde(rename = "dash-middle")]
    pub dash_middle: f64,
}

#[derive(Serialize, JsonSchema)]
pub struct Face {
    pub family: String,
    pub weight: u16,
}

/// A seal image file beside the data.
#[derive(Serialize, JsonSchema, Clone)]
pub struct SealFile {
    pub file: String,
    pub format: ImageFormat,
}

/// The data and the files a template reads beside it.
pub struct TemplateInput {
    pub data: Vec<u8>,
    pub geometry: Vec<u8>,
    /// Seal images: (path, bytes).
    pub files: Vec<(String, Vec<u8>)>,
}

impl<'a> TemplateData<'a> {
    /// The data of `document`, its seals named from `seal_base`.
    pub fn new(document: &'a Document, fonts: &FontSet, seal_base: &str) -> TemplateData<'a> {
        let seals: Vec<SealFile> = document
            .seals
            .iter()
            .enumerate()
            .map(|(i, seal)| SealFile {
                file: seal_file(seal_base, i, document.seals.len(), seal.format),
                format: seal.format,
            })
            .collect();
        let roles = Role::ALL
            .into_iter()
            .map(|role| {
                let face = fonts.role(role);
                (
                    role.key(),
                    Face {
                        family: face.family.clone(),
                        weight: face.weight,
                    },
                )
            })
            .collect();
        TemplateData {
            version: DATA_VERSION,
            document,
            fonts: Fonts {
                roles,
                fallback: fonts.fallback().family.clone(),
                dash_middle: fonts.ink_middle(Role::Songti, '—').unwrap_or(0.3),
            },
            seal: seals.first().cloned(),
            seals,
            geometry: GEOMETRY,
            fit: None,
            fit_before: Vec::new(),
        }
    }

    /// Lays out with `fits` (in the body's order; the last may run to the
    /// closing).
    pub fn set_fits(&mut self, fits: &[Fit]) {
        let (last, before) = match fits.split_last() {
            Some((last, before)) => (Some(last.clone()), before.to_vec()),
            None => (None, Vec::new()),
        };
        self.fit = last;
        self.fit_before = before;
    }

    /// The data as JSON, with the files it names.
    pub fn input(&self, pretty: bool) -> TemplateInput {
        let data = if pretty {
            serde_json::to_vec_pretty(self)
        } else {
            serde_json::to_vec(self)
        }
        .expect("template data serializes");
        let files = self
            .seals
            .iter()
            .zip(&self.document.seals)
            .map(|(file, seal)| (file.file.clone(), seal.bytes.clone()))
            .collect();
        TemplateInput {
            data,
            geometry: serde_json::to_vec_pretty(&GEOMETRY).expect("geometry serializes"),
            files,
        }
    }
}

fn seal_file(base: &str, index: usize, count: usize, format: ImageFormat) -> String {
    if count == 1 {
        format!("{base}.{}", format.extension())
    } else {
        format!("{base}-{}.{}", index + 1, format.extension())
    }
}

/// The JSON Schema of the template data, for template authors.
pub fn schema() -> serde_json::Value {
    serde_json::to_value(schemars::schema_for!(TemplateData)).expect("the schema serializes")
}
