//! The plan a clerk writes: `plan.toml`, or `notice.md` with `+++` front
//! matter. See `README.md` (and the contract in the plan-format spec).
//!
//! This module only reads and type-checks the plan; turning it into a
//! document (placeholders, Markdown, numbering) happens in `compose`. The
//! `Plan` struct is the one list of keys: the schema and the README are
//! tested against it.

mod date;
mod load;
pub mod schema;

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;

use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use toml::Spanned;

use crate::diagnostic::FileId;

pub use date::{Date, parse_date, today};
pub use load::{front_matter, is_markdown, load, parse, toml_error};

/// Every key of the plan, top level, as the `Plan` struct declares them.
pub fn plan_keys() -> &'static [&'static str] {
    serde_aux::serde_introspection::serde_introspect::<Plan>()
}

/// Every key of an `[[attachments]]` entry.
pub fn attachment_keys() -> &'static [&'static str] {
    serde_aux::serde_introspection::serde_introspect::<AttachmentPlan>()
}

/// A string, or an array of strings (several issuers, addressees, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OneOrMany(pub Vec<String>);

impl<'de> Deserialize<'de> for OneOrMany {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OneOrManyVisitor;
        impl<'de> Visitor<'de> for OneOrManyVisitor {
            type Value = OneOrMany;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string or an array of strings")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OneOrMany, E> {
                Ok(OneOrMany(vec![v.to_string()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrMany, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<String>()? {
                    items.push(item);
                }
                Ok(OneOrMany(items))
            }
        }
        deserializer.deserialize_any(OneOrManyVisitor)
    }
}

/// The `seal` key: one image path, or (extension of the contract) an array
/// with one image per issuer in the 署名, each path with its own place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SealPaths {
    One(String),
    Many(Vec<Spanned<String>>),
}

impl<'de> Deserialize<'de> for SealPaths {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct SealPathsVisitor;
        impl<'de> Visitor<'de> for SealPathsVisitor {
            type Value = SealPaths;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an image path, or an array of image paths (one per issuer)")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<SealPaths, E> {
                Ok(SealPaths::One(v.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<SealPaths, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Spanned<String>>()? {
                    items.push(item);
                }
                Ok(SealPaths::Many(items))
            }
        }
        deserializer.deserialize_any(SealPathsVisitor)
    }
}

impl SealPaths {
    /// Each path with its place (a lone path takes the key's place).
    pub fn paths(seal: &Spanned<SealPaths>) -> Vec<Spanned<String>> {
        match seal.get_ref() {
            SealPaths::One(path) => vec![Spanned::new(seal.span(), path.clone())],
            SealPaths::Many(paths) => paths.clone(),
        }
    }
}

/// A plan as written, each value with its place in the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    pub format: Option<Spanned<String>>,
    pub issuer: Option<Spanned<OneOrMany>>,
    pub mark: Option<Spanned<String>>,
    pub number: Option<Spanned<String>>,
    pub copy_number: Option<Spanned<String>>,
    pub secrecy: Option<Spanned<String>>,
    pub secrecy_period: Option<Spanned<String>>,
    pub urgency: Option<Spanned<String>>,
    pub signers: Option<Spanned<Vec<String>>>,
    pub title: Option<Spanned<String>>,
    /// Words the title must never break inside (extension), beside the
    /// built-in list of 公文 terms.
    pub title_words: Option<Spanned<OneOrMany>>,
    pub to: Option<Spanned<OneOrMany>>,
    pub body: Option<Spanned<String>>,
    pub body_file: Option<Spanned<String>>,
    pub signature: Option<Spanned<OneOrMany>>,
    /// A TOML date, or a string `2020-03-27` / `2020年3月27日`.
    pub date: Option<Spanned<toml::Value>>,
    /// One seal image, or one per issuer of a 联合行文 (extension).
    pub seal: Option<Spanned<SealPaths>>,
    pub note: Option<Spanned<String>>,
    pub cc: Option<Spanned<OneOrMany>>,
    pub printed_by: Option<Spanned<String>>,
    pub printed_on: Option<Spanned<toml::Value>>,
    pub vars: Option<Spanned<BTreeMap<String, Spanned<toml::Value>>>>,
    #[serde(default)]
    pub attachments: Vec<Spanned<AttachmentPlan>>,
    /// 纪要格式: 出席 (extension of the contract).
    pub attendees: Option<Spanned<OneOrMany>>,
    /// 纪要格式: 请假 (extension).
    pub absentees: Option<Spanned<OneOrMany>>,
    /// 纪要格式: 列席 (extension).
    pub observers: Option<Spanned<OneOrMany>>,
    /// Printed on both sides (extension): the 版记 goes on an even page.
    pub duplex: Option<Spanned<bool>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentPlan {
    pub title: Option<Spanned<String>>,
    pub body: Option<Spanned<String>>,
    pub body_file: Option<Spanned<String>>,
    pub csv: Option<Spanned<String>>,
    pub landscape: Option<Spanned<bool>>,
    pub label: Option<Spanned<String>>,
    pub listed: Option<Spanned<bool>>,
}

/// Where the Markdown body of a plan comes from.
#[derive(Debug, Clone)]
pub struct BodyText {
    pub text: String,
    pub file: FileId,
    /// Byte offset of `text` in the file.
    pub offset: usize,
}

/// A plan read from disk, with everything needed to point at its places.
pub struct LoadedPlan {
    pub path: PathBuf,
    /// The plan file in the source map.
    pub file: FileId,
    /// Byte offset of the TOML text in the file (non-zero for front matter).
    pub toml_offset: usize,
    pub plan: Plan,
    /// The Markdown after the front matter of a `notice.md`.
    pub front_matter_body: Option<BodyText>,
}

impl LoadedPlan {
    /// The span of a spanned value, as a range in the plan file.
    pub fn span<T>(&self, value: &Spanned<T>) -> Range<usize> {
        let span = value.span();
        span.start + self.toml_offset..span.end + self.toml_offset
    }

    /// The folder paths in the plan are relative to.
    pub fn dir(&self) -> PathBuf {
        crate::files::parent_dir(&self.path)
    }
}
