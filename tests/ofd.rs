//! `--format ofd`: every example and test plan gives a package that
//! validates against the standard's schemas, shows every character where
//! the PDF shows it, and embeds TrueType fonts a separate font library
//! reads with every glyph present.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::ofd::Ofd;
use support::{Pdf, all_plans, copy_dir, measure, notice, repo, scratch};

/// How far a character of the OFD may sit from the PDF's, mm.
const SAME_PLACE: f64 = 0.05;

struct Both {
    name: String,
    ofd_bytes: Vec<u8>,
    ofd: Ofd,
    pdf: Pdf,
    text: String,
}

fn build(plan: &Path, name: &str) -> Both {
    build_with(plan, name, &[])
}

/// Builds a copy of the plan's folder as PDF, text and OFD, with `extra`
/// options, and reads the outputs back.
fn build_with(plan: &Path, name: &str, extra: &[&str]) -> Both {
    let dir = scratch(&format!("ofd-{name}"));
    copy_dir(plan.parent().unwrap(), &dir);
    let plan = dir.join(plan.file_name().unwrap());
    let mut args = vec!["build", "--no-system-fonts", "--format", "pdf,txt,ofd"];
    args.extend_from_slice(extra);
    args.push(plan.to_str().unwrap());
    let out = notice(&args);
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ofd_bytes = std::fs::read(plan.with_extension("ofd")).unwrap();
    Both {
        name: name.to_string(),
        ofd: Ofd::parse(&ofd_bytes),
        ofd_bytes,
        pdf: Pdf::parse(&std::fs::read(plan.with_extension("pdf")).unwrap()),
        text: std::fs::read_to_string(plan.with_extension("txt")).unwrap(),
    }
}

fn every_plan() -> &'static [Both] {
    static ALL: std::sync::OnceLock<Vec<Both>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        all_plans()
            .iter()
            .map(|plan| {
                let dir = plan
                    .parent()
                    .unwrap()
                    .file_name()
                    .unwrap()
                    .to_string_lossy();
                build(plan, &dir)
            })
            .collect()
    })
}

#[test]
fn every_character_sits_where_the_pdf_has_it() {
    let mut worst: f64 = 0.0;
    let mut compared = 0;
    for b in every_plan() {
        let (problems, count, far) = support::ofd::compare(&b.ofd, &b.pdf, SAME_PLACE);
        assert!(problems.is_empty(), "{}: {problems:#?}", b.name);
        worst = worst.max(far);
        compared += count;
    }
    eprintln!(
        "{compared} characters of {} plans: the farthest is {worst:.4} mm from the PDF's",
        every_plan().len()
    );
    assert!(compared > 5000, "{compared}");
}

#[test]
fn the_ofd_prints_every_word_of_the_text_twin() {
    for b in every_plan() {
        let numbers: Vec<(usize, f64)> = b
            .pdf
            .all_lines()
            .iter()
            .filter(|l| measure::page_number(l))
            .map(|l| (l.page, l.y))
            .collect();
        let seal_lettering = b
            .pdf
            .glyphs
            .iter()
            .filter(|g| support::ofd::in_a_seal(&b.pdf, g))
            .map(|g| g.ch);
        let printed: Vec<char> = b
            .ofd
            .chars
            .iter()
            .filter(|c| {
                !numbers
                    .iter()
                    .any(|&(page, y)| c.page == page && (c.y - y).abs() < 0.3)
            })
            .map(|c| c.ch)
            .chain(seal_lettering)
            .collect();
        let (missing, extra) = measure::missing_and_extra(&printed, &b.text);
        assert!(missing.is_empty(), "{}: the OFD lacks {missing:?}", b.name);
        assert!(
            extra.is_empty() || b.text.contains('\t'),
            "{}: the OFD prints {extra:?} beyond its twin",
            b.name
        );
    }
}

#[test]
fn rules_and_the_red_header_are_paths_in_the_pdfs_colours_and_weights() {
    for b in every_plan() {
        // Segments shorter than a millimetre are pieces of vector art.
        let rules = b
            .pdf
            .rules
            .iter()
            .filter(|r| (r.x2 - r.x1).hypot(r.y2 - r.y1) > 1.0);
        for rule in rules {
            let alone = !b.pdf.shapes.iter().any(|s| {
                s.page == rule.page
                    && s.left - 0.5 <= rule.x1.min(rule.x2)
                    && s.right + 0.5 >= rule.x1.max(rule.x2)
                    && s.top - 0.5 <= rule.y1.min(rule.y2)
                    && s.bottom + 0.5 >= rule.y1.max(rule.y2)
            });
            let found = b.ofd.paths.iter().any(|p| {
                p.page == rule.page
                    && p.stroke.is_some_and(|c| {
                        let rc = rule.color.map(|v| (v * 255.0).round() as i32);
                        (0..3).all(|i| (rc[i] - i32::from(c[i])).abs() <= 1)
                    })
                    && (p.line_width - rule.weight).abs() < 0.01
                    && if alone {
                        // A rule of its own (the 版头's red line, the
                        // 版记's lines) is a path of that one segment.
                        (p.bounds[0] - rule.x1.min(rule.x2)).abs() < SAME_PLACE
                            && (p.bounds[2] - rule.x1.max(rule.x2)).abs() < SAME_PLACE
                            && (p.bounds[1] - rule.y1.min(rule.y2)).abs() < SAME_PLACE
                            && (p.bounds[3] - rule.y1.max(rule.y2)).abs() < SAME_PLACE
                    } else {
                        // A side of a drawn shape (a seal's frame) lies on it.
                        p.bounds[0] - SAME_PLACE <= rule.x1.min(rule.x2)
                            && p.bounds[2] + SAME_PLACE >= rule.x1.max(rule.x2)
                            && p.bounds[1] - SAME_PLACE <= rule.y1.min(rule.y2)
                            && p.bounds[3] + SAME_PLACE >= rule.y1.max(rule.y2)
                    }
            });
            assert!(
                found,
                "{}: the PDF's rule on page {} from ({:.2}, {:.2}) to ({:.2}, {:.2}), {:.2} mm, is not in the OFD",
                b.name, rule.page, rule.x1, rule.y1, rule.x2, rule.y2, rule.weight
            );
        }
    }
}

#[test]
fn seals_and_pictures_are_where_the_pdf_has_them() {
    let mut seen = 0;
    for b in every_plan() {
        for picture in &b.pdf.pictures {
            let found = b.ofd.pictures.iter().any(|p| {
                p.page == picture.page
                    && (p.left - picture.left).abs() < SAME_PLACE
                    && (p.top - picture.top).abs() < SAME_PLACE
                    && (p.width - picture.width).abs() < SAME_PLACE
                    && (p.height - picture.height).abs() < SAME_PLACE
            });
            assert!(found, "{}: picture {picture:?} is not in the OFD", b.name);
            seen += 1;
        }
        // An SVG seal is drawn with paths: red ones where the PDF's are.
        for shape in b.pdf.shapes.iter().filter(|s| measure::seal_red(s.color)) {
            let found = b.ofd.paths.iter().any(|p| {
                p.page == shape.page
                    && p.bounds[0] >= shape.left - 1.0
                    && p.bounds[2] <= shape.right + 1.0
                    && p.bounds[1] >= shape.top - 1.0
                    && p.bounds[3] <= shape.bottom + 1.0
            });
            assert!(
                found,
                "{}: the red shape {shape:?} is not in the OFD",
                b.name
            );
            seen += 1;
        }
        for p in &b.ofd.pictures {
            assert!(b.ofd.parts.contains_key(&p.file), "{}: {}", b.name, p.file);
        }
    }
    assert!(seen > 0, "the plans have seals or pictures");
}

/// The directory of the standard's schemas, and xmllint; `None` (with the
/// reason printed) when this clone has no `../shared`.
fn schemas() -> Option<PathBuf> {
    let dir = repo().join("../shared/ofd-xsd");
    if !dir.join("Page.xsd").exists() {
        eprintln!(
            "the OFD schema check did not run: {} is not here (a clone without ../shared)",
            dir.display()
        );
        return None;
    }
    let xmllint = Command::new("xmllint").arg("--version").output();
    assert!(
        xmllint.is_ok_and(|o| o.status.success()),
        "the schemas are here but xmllint is not: install libxml2-utils (.ci/run does)"
    );
    Some(dir)
}

#[test]
fn every_xml_part_validates_against_the_standards_schemas() {
    let Some(xsd) = schemas() else { return };
    for b in every_plan() {
        let dir = scratch(&format!("ofd-xsd-{}", b.name));
        for (part, schema) in b.ofd.xml_parts() {
            let file = dir.join(part.replace('/', "_"));
            std::fs::write(&file, &b.ofd.parts[&part]).unwrap();
            let out = Command::new("xmllint")
                .args(["--noout", "--schema"])
                .arg(xsd.join(schema))
                .arg(&file)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{}: {part} does not validate against {schema}:\n{}",
                b.name,
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

#[test]
fn ids_are_unique_and_under_max_unit_id() {
    for b in every_plan() {
        let mut ids = Vec::new();
        let mut max = 0;
        for (part, _) in b.ofd.xml_parts() {
            let xml = String::from_utf8(b.ofd.parts[&part].clone()).unwrap();
            let doc = roxmltree::Document::parse(&xml).unwrap();
            for node in doc.descendants() {
                if let Some(id) = node.attribute("ID") {
                    ids.push(id.parse::<u32>().unwrap());
                }
                if node.tag_name().name() == "MaxUnitID" {
                    max = node.text().unwrap().parse().unwrap();
                }
            }
        }
        let count = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), count, "{}: an ID is used twice", b.name);
        assert_eq!(ids.last().copied(), Some(max), "{}: MaxUnitID", b.name);
    }
}

#[test]
fn fonts_are_truetype_subsets_with_every_glyph_a_reader_needs() {
    for b in every_plan() {
        assert!(!b.ofd.fonts.is_empty(), "{}", b.name);
        for font in &b.ofd.fonts {
            // ttf-parser is not what wrote the font (write-fonts did).
            let face = ttf_parser::Face::parse(&font.data, 0)
                .unwrap_or_else(|e| panic!("{}: {} does not parse: {e}", b.name, font.name));
            let tables = face.tables();
            assert!(
                tables.glyf.is_some() && tables.cff.is_none(),
                "{}: {} is not TrueType outlines",
                b.name,
                font.name
            );
            assert!(
                font.data.len() < 400_000,
                "{}: {} is {} bytes: not a subset",
                b.name,
                font.name,
                font.data.len()
            );
            for g in &font.glyph_ids {
                assert!(*g < face.number_of_glyphs(), "{}: glyph {g}", b.name);
            }
            for c in b
                .ofd
                .chars
                .iter()
                .filter(|c| c.font == font.id && !c.by_glyph_index)
            {
                let glyph = face.glyph_index(c.ch).unwrap_or_else(|| {
                    panic!("{}: {} has no glyph for {:?}", b.name, font.name, c.ch)
                });
                if !c.ch.is_whitespace() {
                    assert!(
                        face.glyph_bounding_box(glyph).is_some(),
                        "{}: {} draws nothing for {:?}",
                        b.name,
                        font.name,
                        c.ch
                    );
                }
            }
        }
    }
}

#[test]
fn doc_info_has_the_title_issuer_and_date_and_the_same_plan_gives_the_same_bytes() {
    let plan = repo().join("examples/yonghe-notice/plan.toml");
    let first = build(&plan, "yonghe-again");
    let yonghe = every_plan()
        .iter()
        .find(|b| b.name == "yonghe-notice")
        .unwrap();
    assert!(
        first.ofd_bytes == yonghe.ofd_bytes,
        "two builds of one plan give different OFD bytes"
    );
    let xml = String::from_utf8(yonghe.ofd.parts["OFD.xml"].clone()).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let field = |name: &str| {
        doc.descendants()
            .find(|n| n.tag_name().name() == name)
            .and_then(|n| n.text())
            .unwrap_or_else(|| panic!("DocInfo has {name}"))
            .to_string()
    };
    assert_eq!(field("DocID").len(), 32);
    assert!(yonghe.text.contains(&field("Title")), "{}", field("Title"));
    assert!(
        yonghe.text.contains(&field("Author")),
        "{}",
        field("Author")
    );
    let date = field("CreationDate");
    let (y, rest) = date.split_once('-').unwrap();
    let (m, d) = rest.split_once('-').unwrap();
    let written = format!(
        "{y}年{}月{}日",
        m.trim_start_matches('0'),
        d.trim_start_matches('0')
    );
    assert!(yonghe.text.contains(&written), "{date} as {written}");
}

#[test]
fn pages_stay_under_sixty_kilobytes_on_the_examples() {
    for b in every_plan().iter().filter(|b| {
        ["yonghe-notice", "upward-request", "markdown-joint"].contains(&b.name.as_str())
    }) {
        let per_page = b.ofd_bytes.len() / b.pdf.pages;
        eprintln!(
            "{}: {} bytes, {} pages, {per_page} bytes a page",
            b.name,
            b.ofd_bytes.len(),
            b.pdf.pages
        );
        assert!(per_page <= 60_000, "{}: {per_page} bytes a page", b.name);
    }
}

/// Points along an outline, in font units, from a font library that did
/// not write it.
fn outline_points(face: &ttf_parser::Face, glyph: ttf_parser::GlyphId) -> Vec<Vec<(f64, f64)>> {
    struct Flatten {
        contours: Vec<Vec<(f64, f64)>>,
        at: (f64, f64),
    }
    const STEPS: usize = 24;
    impl ttf_parser::OutlineBuilder for Flatten {
        fn move_to(&mut self, x: f32, y: f32) {
            self.at = (f64::from(x), f64::from(y));
            self.contours.push(vec![self.at]);
        }
        fn line_to(&mut self, x: f32, y: f32) {
            let (x0, y0) = self.at;
            let (x1, y1) = (f64::from(x), f64::from(y));
            let c = self.contours.last_mut().unwrap();
            for i in 1..=STEPS {
                let t = i as f64 / STEPS as f64;
                c.push((x0 + (x1 - x0) * t, y0 + (y1 - y0) * t));
            }
            self.at = (x1, y1);
        }
        fn quad_to(&mut self, x1: f32, y1: f32, x: f32, y: f32) {
            let (x0, y0) = self.at;
            let (cx, cy, x, y) = (f64::from(x1), f64::from(y1), f64::from(x), f64::from(y));
            let c = self.contours.last_mut().unwrap();
            for i in 1..=STEPS {
                let t = i as f64 / STEPS as f64;
                let u = 1.0 - t;
                c.push((
                    u * u * x0 + 2.0 * u * t * cx + t * t * x,
                    u * u * y0 + 2.0 * u * t * cy + t * t * y,
                ));
            }
            self.at = (x, y);
        }
        fn curve_to(&mut self, x1: f32, y1: f32, x2: f32, y2: f32, x: f32, y: f32) {
            let (x0, y0) = self.at;
            let p = [
                (f64::from(x1), f64::from(y1)),
                (f64::from(x2), f64::from(y2)),
                (f64::from(x), f64::from(y)),
            ];
            let c = self.contours.last_mut().unwrap();
            for i in 1..=STEPS {
                let t = i as f64 / STEPS as f64;
                let u = 1.0 - t;
                let (a, b2, c2, d) = (u * u * u, 3.0 * u * u * t, 3.0 * u * t * t, t * t * t);
                c.push((
                    a * x0 + b2 * p[0].0 + c2 * p[1].0 + d * p[2].0,
                    a * y0 + b2 * p[0].1 + c2 * p[1].1 + d * p[2].1,
                ));
            }
            self.at = p[2];
        }
        fn close(&mut self) {}
    }
    let mut f = Flatten {
        contours: Vec::new(),
        at: (0.0, 0.0),
    };
    face.outline_glyph(glyph, &mut f);
    f.contours
}

/// The largest distance from a point of `a` to the outline `b`.
fn farthest(a: &[Vec<(f64, f64)>], b: &[Vec<(f64, f64)>]) -> f64 {
    let segments: Vec<((f64, f64), (f64, f64))> = b
        .iter()
        .flat_map(|c| {
            c.windows(2)
                .map(|w| (w[0], w[1]))
                .chain(std::iter::once((*c.last().unwrap(), c[0])))
        })
        .collect();
    let mut worst: f64 = 0.0;
    for &(px, py) in a.iter().flatten() {
        let mut best = f64::INFINITY;
        for &((x0, y0), (x1, y1)) in &segments {
            let (dx, dy) = (x1 - x0, y1 - y0);
            let len = dx * dx + dy * dy;
            let t = if len == 0.0 {
                0.0
            } else {
                (((px - x0) * dx + (py - y0) * dy) / len).clamp(0.0, 1.0)
            };
            let (qx, qy) = (x0 + t * dx, y0 + t * dy);
            best = best.min(((px - qx).powi(2) + (py - qy).powi(2)).sqrt());
        }
        worst = worst.max(best);
    }
    worst
}

/// The quadratic outlines stay within the stated tolerance of the CFF
/// source, plus the half unit of rounding TrueType's whole-unit points add.
#[test]
fn converted_outlines_stay_within_the_stated_tolerance_of_the_source() {
    let b = every_plan()
        .iter()
        .find(|b| b.name == "yonghe-notice")
        .unwrap();
    let mut worst: f64 = 0.0;
    let mut glyphs = 0;
    for font in &b.ofd.fonts {
        let source_file = std::fs::read_dir(repo().join("fonts"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| {
                std::fs::read(p).ok().is_some_and(|data| {
                    ttf_parser::Face::parse(&data, 0).is_ok_and(|f| {
                        f.names().into_iter().any(|n| {
                            n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME
                                && n.to_string().as_deref() == Some(font.name.as_str())
                        })
                    })
                })
            })
            .unwrap_or_else(|| panic!("the source of {} is bundled", font.name));
        let source_data = std::fs::read(source_file).unwrap();
        let source = ttf_parser::Face::parse(&source_data, 0).unwrap();
        let subset = ttf_parser::Face::parse(&font.data, 0).unwrap();
        let upem = f64::from(source.units_per_em());
        let chars: std::collections::BTreeSet<char> = b
            .ofd
            .chars
            .iter()
            .filter(|c| c.font == font.id && !c.by_glyph_index && !c.ch.is_whitespace())
            .map(|c| c.ch)
            .collect();
        for ch in chars.into_iter().take(60) {
            let (Some(a), Some(s)) = (source.glyph_index(ch), subset.glyph_index(ch)) else {
                continue;
            };
            let original = outline_points(&source, a);
            let converted = outline_points(&subset, s);
            let off = farthest(&original, &converted).max(farthest(&converted, &original));
            worst = worst.max(off * 1000.0 / upem);
            glyphs += 1;
        }
    }
    eprintln!(
        "{glyphs} glyphs: the converted outline is at most {worst:.3} units per 1000 from the source"
    );
    assert!(glyphs > 50, "{glyphs}");
    // The spline tolerance plus half a unit of rounding on each axis.
    let bound = notice::writers::ofd::CURVE_TOLERANCE + 0.5 * 2f64.sqrt();
    assert!(worst <= bound, "{worst:.3} > {bound:.3}");
}

#[test]
fn a_font_whose_licence_forbids_embedding_is_an_error_naming_it_and_its_characters() {
    let dir = scratch("ofd-restricted");
    copy_dir(&repo().join("tests/plans/one-para"), &dir);
    let data = std::fs::read(repo().join("fonts/FandolFang-Regular.otf")).unwrap();
    let mut font = support::fontname::rename(&data, "FangSong_GB2312");
    // OS/2 fsType = 2: restricted licence embedding.
    let tables = u16::from_be_bytes([font[4], font[5]]) as usize;
    let os2 = (0..tables)
        .map(|i| 12 + 16 * i)
        .find(|r| &font[*r..r + 4] == b"OS/2")
        .map(|r| u32::from_be_bytes(font[r + 8..r + 12].try_into().unwrap()) as usize)
        .unwrap();
    font[os2 + 8..os2 + 10].copy_from_slice(&2u16.to_be_bytes());
    let fonts = dir.join("fonts");
    std::fs::create_dir_all(&fonts).unwrap();
    std::fs::write(fonts.join("restricted.otf"), font).unwrap();
    let plan = dir.join("plan.toml");
    let out = notice(&[
        "build",
        "--no-system-fonts",
        "--font-path",
        fonts.to_str().unwrap(),
        "--format",
        "pdf,ofd",
        plan.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("FangSongGB2312") && stderr.contains("forbids embedding"),
        "{stderr}"
    );
    assert!(
        !plan.with_extension("ofd").exists() && !plan.with_extension("pdf").exists(),
        "no half-written outputs"
    );
}

/// A user's own TrueType face is embedded with its own quadratic outlines
/// (within the half unit of rounding), not converted again.
#[test]
fn a_users_truetype_font_is_embedded_with_its_own_outlines() {
    let yonghe = every_plan()
        .iter()
        .find(|b| b.name == "yonghe-notice")
        .unwrap();
    // A TrueType face with every character of the notice: the FandolFang
    // subset of its own OFD, under a user's font name.
    let fang = yonghe
        .ofd
        .fonts
        .iter()
        .find(|f| f.name.starts_with("FandolFang"))
        .unwrap();
    let user = support::fontname::rename(&fang.data, "FangSong_GB2312");
    let dir = scratch("ofd-user-ttf-source");
    copy_dir(&repo().join("examples/yonghe-notice"), &dir);
    let fonts = dir.join("fonts");
    std::fs::create_dir_all(&fonts).unwrap();
    std::fs::write(fonts.join("fangsong.ttf"), &user).unwrap();
    let built = build_with(
        &dir.join("plan.toml"),
        "user-ttf",
        &["--font-path", fonts.to_str().unwrap()],
    );
    let (ofd, pdf) = (&built.ofd, &built.pdf);
    let (problems, _, _) = support::ofd::compare(ofd, pdf, SAME_PLACE);
    assert!(problems.is_empty(), "{problems:#?}");
    let embedded = ofd
        .fonts
        .iter()
        .find(|f| f.name == "FangSongGB2312")
        .expect("the user's face is embedded");
    let source = ttf_parser::Face::parse(&user, 0).unwrap();
    let subset = ttf_parser::Face::parse(&embedded.data, 0).unwrap();
    let chars: std::collections::BTreeSet<char> = ofd
        .chars
        .iter()
        .filter(|c| c.font == embedded.id && !c.ch.is_whitespace())
        .map(|c| c.ch)
        .collect();
    assert!(chars.len() > 100, "{}", chars.len());
    let mut worst: f64 = 0.0;
    for ch in chars.iter().take(60) {
        let a = outline_points(&source, source.glyph_index(*ch).unwrap());
        let b = outline_points(&subset, subset.glyph_index(*ch).unwrap());
        worst = worst.max(farthest(&a, &b).max(farthest(&b, &a)));
    }
    eprintln!("a user's TrueType outlines: at most {worst:.3} units from the source");
    assert!(worst <= 0.5 * 2f64.sqrt(), "{worst:.3} units");
}

/// A glyph for two characters (a combining accent), characters without a
/// glyph of the role's face, and spaces at the ends of runs: the OFD
/// still shows each where the PDF does, with a CGTransform where `cmap`
/// cannot find the glyph, and no TextCode starts or ends with white space
/// (readers trim it and then misplace the run).
#[test]
fn clusters_fallback_faces_and_spaces_come_out_where_the_pdf_has_them() {
    let dir = scratch("ofd-clusters-source");
    std::fs::write(
        dir.join("plan.toml"),
        r#"format = "file"
issuer = "某某县人民政府"
number = "某政〔2024〕1号"
title = "关于测试字形的通知"
to = "各乡镇："
body = "Café 与 Cafe\u0301、office、①②、㎡ 和 ℃ 的写法。"
signature = "某某县人民政府"
date = 2024-03-01
"#,
    )
    .unwrap();
    let mut b = build(&dir.join("plan.toml"), "clusters");
    // The OFD keeps the source's `e` + U+0301 (one glyph, two codes); the
    // PDF reader reads that glyph back as `é`.
    let at = b.ofd.chars.iter().position(|c| c.ch == '\u{301}').unwrap();
    assert!(b.ofd.chars[at - 1].ch == 'e' && b.ofd.chars[at - 1].by_glyph_index);
    b.ofd.chars[at - 1].ch = 'é';
    b.ofd.chars.remove(at);
    let (problems, count, _) = support::ofd::compare(&b.ofd, &b.pdf, SAME_PLACE);
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(count > 40, "{count}");
    let page = String::from_utf8(b.ofd.parts[&b.ofd.pages[0]].clone()).unwrap();
    assert!(page.contains("<ofd:CGTransform"), "the accent's cluster");
    let doc = roxmltree::Document::parse(&page).unwrap();
    for code in doc
        .descendants()
        .filter(|n| n.tag_name().name() == "TextCode")
    {
        let text = code.text().unwrap_or("");
        assert_eq!(text.trim(), text, "a TextCode with spaces at an end");
    }
}
