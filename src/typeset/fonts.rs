//! Font roles of GB/T 9704 and where each one's face comes from.
//!
//! The standard names five font categories. Each is a *role* here. A role
//! resolves to the first face found among: fonts in `--font-path` folders, the
//! faces installed on the system (by their usual Chinese and English names),
//! and finally the open-licensed faces embedded in the binary. Only the faces
//! a role resolved to (plus the embedded fallback) enter Typst's font book, so
//! Typst can never silently fall back to an unrelated system face.

use std::fmt;
use std::path::PathBuf;

use typst::foundations::Bytes;
use typst::text::{Font, FontBook, FontInfo, FontStyle};
use typst::utils::LazyHash;
use typst_kit::fonts::{FontPath, FontStore};

use crate::gbt9704::Role;

/// Family names (any language) of installed faces that serve a role, best
/// first. These are the names office machines commonly carry.
fn installed_names(role: Role) -> &'static [&'static str] {
    match role {
        Role::Xiaobiaosong => &[
            "方正小标宋简体",
            "FZXiaoBiaoSong-B05S",
            "方正小标宋_GBK",
            "FZXiaoBiaoSong-B05",
            "方正小标宋",
        ],
        Role::Fangsong => &[
            "仿宋_GB2312",
            "FangSong_GB2312",
            "方正仿宋_GBK",
            "FZFangSong-Z02",
            "仿宋",
            "FangSong",
        ],
        Role::Heiti => &["黑体", "SimHei", "方正黑体_GBK", "FZHei-B01"],
        Role::Kaiti => &[
            "楷体_GB2312",
            "KaiTi_GB2312",
            "方正楷体_GBK",
            "FZKai-Z03",
            "楷体",
            "KaiTi",
        ],
        Role::Songti => &["宋体", "SimSun", "方正书宋_GBK", "FZShuSong-Z01"],
    }
}

/// Where a role's face was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A folder given with `--font-path`.
    User(PathBuf),
    /// Installed on this system.
    System(PathBuf),
    /// Compiled into the binary.
    Embedded(&'static str),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::User(path) => write!(f, "user ({})", path.display()),
            Origin::System(path) => write!(f, "system ({})", path.display()),
            Origin::Embedded(file) => write!(f, "embedded ({file})"),
        }
    }
}

/// The face a role resolved to, as Typst will name it.
#[derive(Debug, Clone)]
pub struct RoleFace {
    /// Typst's family name of the face.
    pub family: String,
    /// The weight to ask Typst for (the embedded 小标宋 stand-in is a bold cut).
    pub weight: u16,
    pub origin: Origin,
    /// Index of the face in the font book.
    pub index: usize,
}

/// One embedded font file.
struct EmbeddedFont {
    file: &'static str,
    data: &'static [u8],
    /// Roles this file serves when no user or system face does.
    roles: &'static [Role],
}

/// The open-licensed default faces (see `fonts/README.md`).
const EMBEDDED: &[EmbeddedFont] = &[
    EmbeddedFont {
        file: "FandolFang-Regular.otf",
        data: include_bytes!("../../fonts/FandolFang-Regular.otf"),
        roles: &[Role::Fangsong],
    },
    EmbeddedFont {
        file: "FandolHei-Regular.otf",
        data: include_bytes!("../../fonts/FandolHei-Regular.otf"),
        roles: &[Role::Heiti],
    },
    EmbeddedFont {
        file: "FandolKai-Regular.otf",
        data: include_bytes!("../../fonts/FandolKai-Regular.otf"),
        roles: &[Role::Kaiti],
    },
    EmbeddedFont {
        file: "NotoSerifCJKsc-Bold-subset.otf",
        data: include_bytes!("../../fonts/NotoSerifCJKsc-Bold-subset.otf"),
        roles: &[Role::Xiaobiaosong],
    },
    EmbeddedFont {
        file: "NotoSerifCJKsc-Regular-fallback.otf",
        data: include_bytes!("../../fonts/NotoSerifCJKsc-Regular-fallback.otf"),
        roles: &[Role::Songti],
    },
];

/// The embedded face every role falls back to for characters its own face
/// lacks (it covers GBK, 通用规范汉字表 and CJK Ext A).
const FALLBACK_FILE: &str = "NotoSerifCJKsc-Regular-fallback.otf";

/// How to look for fonts beyond the embedded ones.
#[derive(Debug, Clone, Default)]
pub struct FontOptions {
    /// Folders searched (recursively) before the system.
    pub font_paths: Vec<PathBuf>,
    /// Whether installed system faces may take a role.
    pub system_fonts: bool,
}

/// The fonts of one process: shared by every document it builds.
pub struct FontSet {
    store: FontStore,
    /// Number of faces in the store.
    len: usize,
    roles: Vec<RoleFace>,
    fallback: RoleFace,
    /// What each face covers, for fast look-ups (built on first use).
    coverage: std::sync::OnceLock<Vec<Ranges>>,
}

/// Sorted, disjoint ranges of code points.
struct Ranges(Vec<(u32, u32)>);

impl Ranges {
    fn new(codepoints: impl Iterator<Item = u32>) -> Ranges {
        let mut ranges: Vec<(u32, u32)> = Vec::new();
        for c in codepoints {
            match ranges.last_mut() {
                Some((_, end)) if *end + 1 == c => *end = c,
                _ => ranges.push((c, c)),
            }
        }
        Ranges(ranges)
    }

    fn contains(&self, c: u32) -> bool {
        let i = self.0.partition_point(|(_, end)| *end < c);
        self.0.get(i).is_some_and(|(start, _)| *start <= c)
    }
}

impl FontSet {
    /// Resolves every role. Font files are only read once a document uses
    /// them; embedded files are parsed once for their metadata.
    pub fn new(options: &FontOptions) -> FontSet {
        let mut store = CountedStore {
            store: FontStore::new(),
            len: 0,
        };
        let mut roles: Vec<Option<RoleFace>> = vec![None; Role::ALL.len()];

        let wants_installed = options.system_fonts || !options.font_paths.is_empty();
        if wants_installed {
            let mut user_db = fontdb::Database::new();
            for dir in &options.font_paths {
                if dir.is_file() {
                    let _ = user_db.load_font_file(dir);
                } else {
                    user_db.load_fonts_dir(dir);
                }
            }
            let mut system_db = fontdb::Database::new();
            if options.system_fonts {
                system_db.load_system_fonts();
            }
            for (slot, role) in roles.iter_mut().zip(Role::ALL) {
                *slot = find_installed(&user_db, role, &mut store, true)
                    .or_else(|| find_installed(&system_db, role, &mut store, false));
            }
        }

        let mut fallback = None;
        for font in EMBEDDED {
            let needed_by: Vec<Role> = font
                .roles
                .iter()
                .copied()
                .filter(|role| roles[role.index()].is_none())
                .collect();
            if needed_by.is_empty() && font.file != FALLBACK_FILE {
                continue;
            }
            let Some(info) = FontInfo::new(font.data, 0) else {
                continue;
            };
            let family = info.family.clone();
            let weight = info.variant.weight.to_number();
            let index = store.push(EmbeddedSource(font.data), info);
            let face = RoleFace {
                family,
                weight,
                origin: Origin::Embedded(font.file),
                index,
            };
            for role in needed_by {
                roles[role.index()] = Some(face.clone());
            }
            if font.file == FALLBACK_FILE {
                fallback = Some(face);
            }
        }

        FontSet {
            len: store.len,
            store: store.store,
            roles: roles
                .into_iter()
                .map(|face| face.expect("every role has an embedded face"))
                .collect(),
            fallback: fallback.expect("the fallback face is embedded"),
            coverage: std::sync::OnceLock::new(),
        }
    }

    /// The face a role resolved to.
    pub fn role(&self, role: Role) -> &RoleFace {
        &self.roles[role.index()]
    }

    /// The face used for characters a role's own face lacks.
    pub fn fallback(&self) -> &RoleFace {
        &self.fallback
    }

    pub fn book(&self) -> &LazyHash<FontBook> {
        self.store.book()
    }

    pub fn font(&self, index: usize) -> Option<Font> {
        self.store.font(index)
    }

    /// Height of the middle of `c`'s ink above the baseline, in em, in the
    /// role's face (for setting the page number's dash line exactly).
    pub fn ink_middle(&self, role: Role, c: char) -> Option<f64> {
        let font = self.font(self.role(role).index)?;
        let ttf = ttf_parser::Face::parse(font.data(), font.index()).ok()?;
        let glyph = ttf.glyph_index(c)?;
        let bbox = ttf.glyph_bounding_box(glyph)?;
        Some((bbox.y_min as f64 + bbox.y_max as f64) / 2.0 / ttf.units_per_em() as f64)
    }

    /// The ink of `text` in the role's face, in em: the top of its highest
    /// glyph above the baseline and the bottom of its lowest (negative
    /// below), as Typst's `bounds` edges measure a line.
    pub fn ink_extent(&self, role: Role, text: &str) -> Option<(f64, f64)> {
        let font = self.font(self.role(role).index)?;
        let ttf = ttf_parser::Face::parse(font.data(), font.index()).ok()?;
        let em = f64::from(ttf.units_per_em());
        text.chars()
            .filter_map(|c| ttf.glyph_bounding_box(ttf.glyph_index(c)?))
            .map(|b| (f64::from(b.y_max) / em, f64::from(b.y_min) / em))
            .reduce(|(t, b), (t2, b2)| (t.max(t2), b.min(b2)))
    }

    /// Loads the faces of `roles` (and the fallback) and computes the hash
    /// Typst's caches take of each, so that work is off the critical path.
    pub fn warm_up(&self, roles: &[Role]) {
        let mut indices: Vec<usize> = roles.iter().map(|r| self.role(*r).index).collect();
        indices.push(self.fallback.index);
        indices.sort_unstable();
        indices.dedup();
        for index in indices {
            if let Some(font) = self.font(index) {
                let _ = typst::utils::hash128(&font);
            }
        }
    }

    /// Identity of the faces in use, for build fingerprints: where each
    /// role's face comes from, and the size and date of installed files.
    pub fn fingerprint(&self) -> u128 {
        // (family, origin, installed file's size and date)
        type Identity = (String, String, Option<(u64, Option<std::time::SystemTime>)>);
        let faces: Vec<Identity> = self
            .roles
            .iter()
            .chain([&self.fallback])
            .map(|face| {
                let file = match &face.origin {
                    Origin::User(path) | Origin::System(path) => std::fs::metadata(path)
                        .ok()
                        .map(|m| (m.len(), m.modified().ok())),
                    Origin::Embedded(_) => None,
                };
                (face.family.clone(), face.origin.to_string(), file)
            })
            .collect();
        typst::utils::hash128(&faces)
    }

    /// What each face covers. Typst's own coverage look-up scans a list of
    /// runs; a dense document asks about hundreds of characters.
    fn coverage(&self) -> &[Ranges] {
        self.coverage.get_or_init(|| {
            let book = self.book();
            (0..self.len)
                .map(|i| {
                    Ranges::new(
                        book.info(i)
                            .into_iter()
                            .flat_map(|info| info.coverage.iter()),
                    )
                })
                .collect()
        })
    }

    /// Whether any face Typst may use has a glyph for `c` (Typst falls back
    /// from a role's face to every face in the book).
    pub fn any_covers(&self, c: char) -> bool {
        self.coverage().iter().any(|r| r.contains(c as u32))
    }

    /// Whether the face of `role` itself has a glyph for `c`.
    pub fn role_covers(&self, role: Role, c: char) -> bool {
        self.coverage()
            .get(self.role(role).index)
            .is_some_and(|r| r.contains(c as u32))
    }
}

/// Typst-kit's lazy font store, counting its faces so each gets its index.
struct CountedStore {
    store: FontStore,
    len: usize,
}

impl CountedStore {
    /// Adds a face and returns its index in the font book.
    fn push(&mut self, source: impl typst_kit::fonts::FontSource, info: FontInfo) -> usize {
        self.store.push((source, info));
        self.len += 1;
        self.len - 1
    }
}

/// Serves an embedded font without copying it.
struct EmbeddedSource(&'static [u8]);

impl typst_kit::fonts::FontSource for EmbeddedSource {
    fn load(&self) -> Option<Font> {
        Font::new(Bytes::new(self.0), 0)
    }
}

/// Looks for an installed face serving `role`, by its known family names.
fn find_installed(
    db: &fontdb::Database,
    role: Role,
    store: &mut CountedStore,
    user: bool,
) -> Option<RoleFace> {
    for wanted in installed_names(role) {
        for face in db.faces() {
            let named = face.families.iter().any(|(name, _)| name == wanted);
            if !named || face.style != fontdb::Style::Normal {
                continue;
            }
            let (fontdb::Source::File(path) | fontdb::Source::SharedFile(path, _)) = &face.source
            else {
                continue;
            };
            let Some(info) = db.with_face_data(face.id, FontInfo::new).flatten() else {
                continue;
            };
            if info.variant.style != FontStyle::Normal {
                continue;
            }
            let family = info.family.clone();
            let weight = info.variant.weight.to_number();
            let index = store.push(
                FontPath {
                    path: path.clone(),
                    index: face.index,
                },
                info,
            );
            let origin = if user {
                Origin::User(path.clone())
            } else {
                Origin::System(path.clone())
            };
            return Some(RoleFace {
                family,
                weight,
                origin,
                index,
            });
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_answer_like_the_codepoints_they_hold() {
        let points = [3, 4, 5, 9, 20, 21];
        let ranges = Ranges::new(points.into_iter());
        for c in 0..25 {
            assert_eq!(ranges.contains(c), points.contains(&c), "{c}");
        }
    }
}
