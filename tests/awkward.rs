//! Awkward documents: every example and every plan in `tests/plans` (each
//! written for one hard case: a body that fills page one, a sealed closing
//! at the foot of a page, three joint seals, an 11-column table in the
//! body, a 14-column CSV turned landscape, a four-line title, a 纪要 with 15
//! attendees, a 命令 with a wide 签名章, a single 签发人, a 信函 with
//! `printed_by`, a 96-character hash, a table split over pages, typed
//! numbers in other forms and characters the faces lack) built in one
//! batch, and the PDFs measured.

mod support;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::OnceLock;

use support::measure;
use support::pdf::{Glyph, Line, Pdf};
use support::*;

struct Batch {
    docs: BTreeMap<String, Built>,
    /// The batch's warnings, each naming its plan.
    stderr: String,
    dir: PathBuf,
}

/// Builds every example and test plan once, in one `notice build`.
fn batch() -> &'static Batch {
    static B: OnceLock<Batch> = OnceLock::new();
    B.get_or_init(|| {
        let dir = scratch("awkward");
        let mut plans = Vec::new();
        for root in ["examples", "tests/plans"] {
            for entry in std::fs::read_dir(repo().join(root)).unwrap() {
                let from = entry.unwrap().path();
                let name = from.file_name().unwrap().to_string_lossy().into_owned();
                copy_dir(&from, &dir.join(&name));
                let plan = ["plan.toml", "notice.md"]
                    .iter()
                    .map(|f| dir.join(&name).join(f))
                    .find(|p| p.exists())
                    .unwrap_or_else(|| panic!("{name} has no plan"));
                plans.push((name, plan));
            }
        }
        let mut args = vec!["build", "--no-system-fonts"];
        args.extend(plans.iter().map(|(_, p)| p.to_str().unwrap()));
        let out = notice(&args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(out.status.success(), "{stderr}");
        let docs = plans
            .into_iter()
            .map(|(name, plan)| {
                let pdf_bytes = std::fs::read(plan.with_extension("pdf")).unwrap();
                let built = Built {
                    pdf: Pdf::parse(&pdf_bytes),
                    pdf_bytes,
                    text: std::fs::read_to_string(plan.with_extension("txt")).unwrap(),
                    stderr: String::new(),
                };
                (name, built)
            })
            .collect();
        Batch { docs, stderr, dir }
    })
}

fn doc(name: &str) -> &'static Pdf {
    &batch().docs[name].pdf
}

#[test]
fn no_example_or_test_plan_breaks_a_rule_of_the_audit() {
    let b = batch();
    assert_eq!(
        b.docs.len(),
        20,
        "examples and test plans: {:?}",
        b.docs.keys()
    );
    // What the pagination search cannot keep today, measured (issue 18):
    // minutes15's 15-name attendance leaves page 2 without a body line
    // unless two go with it and page 1 ends four short.
    let known = ["page 1: the page ends with 4.0 empty lines before more body text"];
    let found: Vec<&str> = b
        .stderr
        .lines()
        .filter(|l| l.starts_with("warning[layout-"))
        .collect();
    let unknown: Vec<&&str> = found
        .iter()
        .filter(|l| !known.iter().any(|k| l.ends_with(k)))
        .collect();
    assert!(
        unknown.is_empty() && found.len() <= known.len(),
        "the self-audit found:\n{}",
        b.stderr
    );
}

#[test]
fn a_page_followed_by_body_text_ends_at_most_three_lines_short_and_never_on_a_heading() {
    let mut measured = 0;
    for (name, b) in &batch().docs {
        for end in measure::page_ends(&b.pdf) {
            // minutes15 (see above), reported by the audit.
            let known = name == "minutes15" && end.page == 1 && end.empty == 4.0;
            assert!(
                end.empty <= 3.0 || known,
                "{name}: page {} ends {} lines short, after {:?}",
                end.page,
                end.empty,
                end.last
            );
            assert!(
                !end.heading,
                "{name}: page {} ends on the heading {:?}",
                end.page, end.last
            );
            measured += 1;
        }
    }
    assert!(measured >= 15, "only {measured} page ends measured");
}

#[test]
fn the_closing_takes_at_least_two_lines_of_the_body_with_it() {
    // A body that ends on the last line of page one, one of a single long
    // paragraph, and a sealed closing at the foot: the closing's page has
    // two body lines or more above the 署名.
    for (name, date) in [
        ("page-foot", "2024年5月20日"),
        ("one-para", "2024年5月20日"),
        ("sealed-foot", "2024年5月20日"),
        ("yonghe-notice", "2020年6月1日"),
    ] {
        let body = measure::body_lines_above_the_closing(doc(name), date);
        assert!(
            body >= 2,
            "{name}: the closing has {body} body lines above it"
        );
    }
}

#[test]
fn seals_stay_in_the_body_area_clear_of_the_imprint_and_of_body_text() {
    let mut counted = 0;
    for name in [
        "sealed-foot",
        "joint3",
        "every-element",
        "upward-request",
        "order-wide",
    ] {
        let pdf = doc(name);
        let found = measure::seals(pdf).len();
        assert!(found > 0, "{name}: no seal found");
        counted += found;
        let problems = measure::seal_problems(pdf, name);
        assert!(problems.is_empty(), "{problems:#?}");
    }
    assert!(counted >= 8, "{counted} seals measured");
}

/// GB/T 9704 7.3.5.3: 成文日期在签名章下一行 — the line under the seal,
/// with no blank line between (issue 18 item 7).
#[test]
fn an_order_dates_on_the_line_under_its_wide_signature_seal() {
    let pdf = doc("order-wide");
    let date = pdf.find_line("2024年3月1日");
    let seal = measure::seals(pdf)
        .into_iter()
        .find(|s| s.page == date.page)
        .expect("the 签名章");
    let top = date
        .glyphs
        .iter()
        .map(Glyph::em_top)
        .fold(f64::MAX, f64::min);
    let gap = top - seal.bottom;
    assert!(
        (0.0..PITCH).contains(&gap),
        "the date's top is {gap:.1}mm under the 签名章 (the next line is less than {PITCH:.2}mm under it)"
    );
}

#[test]
fn nothing_leaves_the_body_area_but_page_numbers_and_the_letter_header() {
    for (name, b) in &batch().docs {
        let problems = measure::outside_the_body_area(&b.pdf, name, name == "letter");
        assert!(problems.is_empty(), "{problems:#?}");
    }
}

/// Every word of the text twin is printed, and nothing else: the
/// characters of the PDF (turned pages too, page numbers aside) are the
/// twin's.
#[test]
fn the_pdf_prints_every_word_of_its_twin() {
    for (name, b) in &batch().docs {
        let pdf = &b.pdf;
        let numbers: Vec<(usize, f64)> = pdf
            .all_lines()
            .iter()
            .filter(|l| measure::page_number(l))
            .map(|l| (l.page, l.y))
            .collect();
        let printed: Vec<char> = pdf
            .glyphs
            .iter()
            .filter(|g| {
                !numbers.iter().any(|&(page, y)| {
                    g.page == page && (g.y - y).abs() < 0.3 && g.angle.abs() < 1.0
                })
            })
            .map(|g| g.ch)
            .collect();
        let (missing, extra) = measure::missing_and_extra(&printed, &b.text);
        assert!(
            missing.is_empty(),
            "{name}: the PDF does not print {missing:?}"
        );
        // A table's header row repeats on each page it runs onto.
        assert!(
            extra.is_empty() || b.text.contains('\t'),
            "{name}: the PDF prints {extra:?} beyond its twin"
        );
    }
}

#[test]
fn no_glyph_prints_over_another() {
    for (name, b) in &batch().docs {
        let problems = measure::overprints(&b.pdf, name);
        assert!(problems.is_empty(), "{problems:#?}");
    }
}

#[test]
fn a_fourteen_column_csv_turned_landscape_fits_in_a_dozen_pages() {
    let pdf = doc("csv14");
    assert!(pdf.pages <= 12, "{} pages", pdf.pages);
    let turned_pages = (1..=pdf.pages).filter(|&p| measure::turned(pdf, p)).count();
    assert!(
        (1..=9).contains(&turned_pages),
        "{turned_pages} turned pages"
    );
    // Every one of the 60 rows is there, once.
    let text = &batch().docs["csv14"].text;
    let rows = text.lines().filter(|l| l.split('\t').count() == 14).count();
    assert_eq!(rows, 61, "60 rows and the header in the twin");
}

#[test]
fn an_eleven_column_table_in_the_body_fits_the_body_width() {
    // Within the 版心 and without overprints (the tests above); and no
    // column collapses to one character a line: each cell's text is on
    // lines at least two characters wide.
    let pdf = doc("wide11");
    let table: Vec<Glyph> = pdf
        .glyphs
        .iter()
        .filter(|g| g.size < 15.5 && g.ch != '—')
        .cloned()
        .collect();
    assert!(!table.is_empty());
    let right = table.iter().map(Glyph::right).fold(f64::MIN, f64::max);
    let left = table.iter().map(|g| g.x).fold(f64::MAX, f64::min);
    assert!(
        left >= MARGIN_LEFT - 0.1 && right <= BODY_RIGHT + 0.1,
        "table spans {left:.1}–{right:.1}mm"
    );
}

#[test]
fn a_four_line_title_is_balanced_and_breaks_between_words() {
    let pdf = doc("title4");
    let lines: Vec<Line> = pdf
        .lines(1)
        .into_iter()
        .filter(|l| l.glyphs[0].size > 21.0 && l.glyphs[0].size < 23.0)
        .collect();
    assert_eq!(
        lines.len(),
        4,
        "{:?}",
        lines.iter().map(Line::text).collect::<Vec<_>>()
    );
    let widths: Vec<usize> = lines.iter().map(|l| l.text().chars().count()).collect();
    // Trapezoid or diamond: widths rise, then fall, never dip in the middle.
    let peak = widths
        .iter()
        .enumerate()
        .max_by_key(|(i, w)| (**w, usize::MAX - i))
        .unwrap()
        .0;
    assert!(
        widths[..=peak].windows(2).all(|w| w[0] <= w[1])
            && widths[peak..].windows(2).all(|w| w[0] >= w[1]),
        "an hourglass: {widths:?}"
    );
    let joined: String = lines.iter().map(Line::text).collect();
    for word in [
        "办公厅",
        "安全生产",
        "应急管理",
        "安全发展",
        "示范城市",
        "防灾减灾救灾",
        "若干措施",
        "进一步",
    ] {
        assert!(joined.contains(word), "{word} not in the title");
        assert!(
            lines.iter().any(|l| l.text().contains(word)),
            "{word} is broken: {:?}",
            lines.iter().map(Line::text).collect::<Vec<_>>()
        );
    }
    for l in &lines {
        assert!(
            !l.text().ends_with('《') && !l.text().starts_with('》'),
            "{}",
            l.text()
        );
    }
}

#[test]
fn minutes_attendance_lines_start_two_characters_in_and_keep_names_whole() {
    let (problems, seen) =
        measure::attendance_problems(doc("minutes15"), &batch().docs["minutes15"].text);
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(seen >= 2, "attendance lines");
}

#[test]
fn a_single_signer_ends_one_character_from_the_right() {
    let pdf = doc("upward1");
    let signer = pdf.find_line("签发人");
    assert_near(
        signer.right(),
        BODY_RIGHT - CELL,
        0.1,
        "单一签发人 右空一字",
    );
}

#[test]
fn a_letter_warns_that_printed_by_is_not_printed() {
    let stderr = &batch().stderr;
    let at = stderr
        .find("warning[letter-printed-by]")
        .expect("a warning for the letter's printed_by");
    assert!(
        stderr[at..].lines().nth(1).unwrap_or("").contains("letter"),
        "{}",
        &stderr[at..]
    );
    assert!(!batch().docs["letter"].text.contains("印发"));
}

#[test]
fn a_long_token_breaks_inside_the_body_width() {
    let pdf = doc("hash");
    let right = pdf
        .glyphs
        .iter()
        .filter(|g| g.size > 15.5)
        .map(Glyph::right)
        .fold(f64::MIN, f64::max);
    assert!(right <= BODY_RIGHT + 0.1, "a glyph ends at {right:.1}mm");
    let text = &batch().docs["hash"].text;
    let token = text
        .split(|c: char| !c.is_ascii_alphanumeric())
        .max_by_key(|t| t.len())
        .unwrap();
    assert!(
        token.len() >= 96,
        "the hash is whole in the twin ({} characters)",
        token.len()
    );
}

#[test]
fn body_text_after_a_split_table_returns_to_the_grid() {
    let pdf = doc("split-table");
    let mut checked = 0;
    for page in 1..=pdf.pages {
        let lines = measure::content(pdf, page);
        let Some(table_end) = lines
            .iter()
            .filter(|l| l.glyphs[0].size < 15.5)
            .map(|l| l.y)
            .reduce(f64::max)
        else {
            continue;
        };
        for line in lines
            .iter()
            .filter(|l| l.y > table_end && (l.glyphs[0].size - 16.0).abs() < 0.1)
        {
            on_grid(line);
            checked += 1;
        }
    }
    assert!(checked >= 1, "no body line after the table");
}

#[test]
fn oversized_signer_and_copy_lists_are_refused_with_the_limit() {
    let names: Vec<String> = (0..1000)
        .map(|i| {
            format!(
                "\"张{}{}\"",
                char::from_u32(0x4e00 + i % 500).unwrap(),
                char::from_u32(0x4e00 + (i * 7) % 900).unwrap()
            )
        })
        .collect();
    let base = "issuer = \"某某县应急管理局\"\nnumber = \"某应急〔2024〕8号\"\ntitle = \"关于申请专项资金的请示\"\nto = \"某某县人民政府\"\nbody = \"现申请。\"\nsignature = \"某某县应急管理局\"\ndate = 2024-05-20\n";
    let cc: Vec<String> = names
        .iter()
        .map(|n| format!("{}局", n.trim_matches('"')))
        .collect();
    for (key, plan) in [
        (
            "signers",
            format!("{base}signers = [{}]\n", names.join(",")),
        ),
        ("cc", format!("{base}cc = \"{}\"\n", cc.join("，"))),
    ] {
        let dir = batch().dir.join(format!("oversized-{key}"));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("plan.toml");
        std::fs::write(&path, plan).unwrap();
        let out = notice(&["build", "--no-system-fonts", path.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{key}: 1000 entries built");
        assert!(
            stderr.contains("error[limit]") && stderr.contains("at most"),
            "{key}: {stderr}"
        );
        assert!(
            stderr.contains("plan.toml:8:"),
            "{key}: the error points at the key"
        );
        assert!(
            !path.with_extension("pdf").exists(),
            "{key}: a PDF was written"
        );
    }
}

#[test]
fn typed_numbers_in_other_forms_print_once_and_other_faces_are_reported_once() {
    let pdf = doc("checks");
    let text: String = (1..=pdf.pages).map(|p| pdf.page_text(p)).collect();
    assert!(
        text.contains("一、检查范围") && !text.contains("一、一"),
        "{text}"
    );
    let stderr = &batch().stderr;
    assert!(stderr.contains("warning[numbering-form]"));
    let other = stderr.matches("warning[other-face]").count();
    assert_eq!(other, 1, "other-face reported once: {stderr}");
    let at = stderr.find("warning[other-face]").unwrap();
    let report = &stderr[at..];
    assert!(
        report.contains("堃喆赟玥祎珺璟彧昇") && report.contains("--font-path"),
        "{report}"
    );
}

#[test]
fn numbering_that_continues_across_sections_passes_the_checks() {
    let dir = batch().dir.join("continuous");
    std::fs::create_dir_all(&dir).unwrap();
    let plan = dir.join("plan.toml");
    let body = |items: &str| {
        format!(
            "title = \"关于检查的通知\"\ndate = 2024-05-20\nsignature = \"某某县应急管理局\"\nbody = \"\"\"\n{items}\"\"\"\n"
        )
    };
    std::fs::write(
        &plan,
        body("# 一、范围\n\n### 1.甲\n\n### 2.乙\n\n# 二、内容\n\n### 3.丙\n\n### 4.丁\n"),
    )
    .unwrap();
    let out = notice(&["check", plan.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A real skip is still found.
    std::fs::write(&plan, body("# 一、范围\n\n### 1.甲\n\n### 3.乙\n")).unwrap();
    let out = notice(&["check", plan.to_str().unwrap()]);
    assert!(!out.status.success(), "1. then 3. passed");
}

#[test]
fn the_pdf_reads_in_the_order_of_the_text_twin_in_letters_and_upward_notices() {
    for name in [
        "letter",
        "upward1",
        "upward-request",
        "minutes15",
        "order-wide",
    ] {
        let b = &batch().docs[name];
        let mut rest: String = b.text.chars().filter(|c| !c.is_whitespace()).collect();
        for page in 1..=b.pdf.pages {
            for line in measure::content(&b.pdf, page) {
                if line.glyphs.iter().all(|g| g.size < 15.5) || measure::turned(&b.pdf, page) {
                    continue; // tables have their own tests
                }
                // Pieces of a line apart by a gap (signers beside a number).
                let mut pieces: Vec<String> = vec![String::new()];
                for pair in line.glyphs.windows(2) {
                    pieces.last_mut().unwrap().push(pair[0].ch);
                    if pair[1].x - pair[0].right() > 2.0 * CELL {
                        pieces.push(String::new());
                    }
                }
                pieces
                    .last_mut()
                    .unwrap()
                    .push(line.glyphs.last().unwrap().ch);
                for piece in pieces {
                    let piece: String = piece.chars().filter(|c| !c.is_whitespace()).collect();
                    let at = rest.find(&piece).unwrap_or_else(|| {
                        panic!("{name} p{page}: {piece:?} is out of the twin's order")
                    });
                    rest = rest[at + piece.len()..].to_string();
                }
            }
        }
    }
}

#[test]
fn dates_numbers_and_short_cells_stay_whole_in_tables() {
    let mut checked = 0;
    for name in ["wide11", "split-table", "every-element", "markdown-joint"] {
        let b = &batch().docs[name];
        let (broken, n) = measure::broken_cells(&b.pdf, &b.text);
        assert!(
            broken.is_empty(),
            "{name}: cells broken across lines: {broken:?}"
        );
        checked += n;
    }
    assert!(checked >= 100, "{checked} cells checked");
}
