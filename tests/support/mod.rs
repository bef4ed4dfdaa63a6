//! Shared helpers of the integration tests: run the real binary, read the
//! PDF it wrote.
#![allow(dead_code)]

pub mod fontname;
pub mod measure;
pub mod ofd;
pub mod pdf;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

#[allow(unused_imports)]
pub use pdf::{Glyph, Line, PT_TO_MM, Pdf, Shape};

use notice::gbt9704::GEOMETRY as G;

/// The GB/T 9704 page geometry, in mm: the numbers the template lays out
/// with (`notice::gbt9704`).
pub const MARGIN_TOP: f64 = G.margin_top;
pub const MARGIN_LEFT: f64 = G.margin_left;
pub const BODY_WIDTH: f64 = G.body_width;
pub const BODY_HEIGHT: f64 = G.body_height;
pub const BODY_BOTTOM: f64 = MARGIN_TOP + BODY_HEIGHT;
pub const BODY_RIGHT: f64 = MARGIN_LEFT + BODY_WIDTH;
/// Line pitch: 225mm / 22 lines.
pub const PITCH: f64 = BODY_HEIGHT / G.lines_per_page as f64;
/// Character cell: 156mm / 28 characters.
pub const CELL: f64 = BODY_WIDTH / G.chars_per_line as f64;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `notice` with arguments, without system fonts (so results do not
/// depend on the machine).
pub fn notice(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_notice"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the notice binary runs")
}

/// A scratch folder for one test.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("notice-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Copies an example folder into a scratch folder and builds its plan there.
pub fn build_example(example: &str, plan: &str) -> Built {
    let dir = scratch(&format!("example-{example}"));
    copy_dir(&repo().join("examples").join(example), &dir);
    build_plan(&dir.join(plan))
}

pub struct Built {
    pub pdf_bytes: Vec<u8>,
    pub pdf: Pdf,
    pub text: String,
    pub stderr: String,
}

/// Builds a plan in place (outputs beside it) and reads the outputs back.
pub fn build_plan(plan: &Path) -> Built {
    let out = notice(&["build", "--no-system-fonts", plan.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "build of {} failed:\n{stderr}",
        plan.display()
    );
    let pdf_bytes = std::fs::read(plan.with_extension("pdf")).unwrap();
    let text = std::fs::read_to_string(plan.with_extension("txt")).unwrap();
    Built {
        pdf: Pdf::parse(&pdf_bytes),
        pdf_bytes,
        text,
        stderr,
    }
}

/// Writes a plan (and extra files) into a scratch folder and builds it.
pub fn build_source(name: &str, files: &[(&str, &str)]) -> Built {
    let dir = scratch(name);
    for (path, text) in files {
        std::fs::write(dir.join(path), text).unwrap();
    }
    build_plan(&dir.join(files[0].0))
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            copy_dir(&path, &to.join(name));
        } else {
            // Skip outputs of earlier builds (PLAN.pdf, PLAN.txt, PNGs).
            let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
            let output = matches!(ext, "pdf" | "png")
                || (ext == "txt"
                    && (path.with_extension("toml").exists()
                        || path.with_extension("md").exists()));
            if !output {
                std::fs::copy(&path, to.join(name)).unwrap();
            }
        }
    }
}

/// Builds each shipped example once per test binary.
pub fn yonghe() -> &'static Built {
    static B: OnceLock<Built> = OnceLock::new();
    B.get_or_init(|| build_example("yonghe-notice", "plan.toml"))
}

pub fn assert_near(actual: f64, expected: f64, tolerance: f64, what: &str) {
    assert!(
        (actual - expected).abs() <= tolerance,
        "{what}: measured {actual:.3}, expected {expected:.3} ± {tolerance}"
    );
}

pub fn is_red(color: [f64; 3]) -> bool {
    color[0] > 0.9 && color[1] < 0.1 && color[2] < 0.1
}

/// The font file (in `fonts/`) a PDF font name refers to.
fn font_file(pdf_font: &str) -> &'static str {
    for (prefix, file) in [
        ("FandolFang", "FandolFang-Regular.otf"),
        ("FandolHei", "FandolHei-Regular.otf"),
        ("FandolKai", "FandolKai-Regular.otf"),
        ("NotoSerifCJKsc-Bold", "NotoSerifCJKsc-Bold-subset.otf"),
        (
            "NotoSerifCJKsc-Regular",
            "NotoSerifCJKsc-Regular-fallback.otf",
        ),
    ] {
        if pdf_font.starts_with(prefix) {
            return file;
        }
    }
    panic!("unexpected font {pdf_font}")
}

/// Vertical ink extent (bottom, top) of a glyph in em, from the font file.
pub fn ink_em(pdf_font: &str, ch: char) -> (f64, f64) {
    use std::collections::HashMap;
    use std::sync::Mutex;
    static FACES: OnceLock<Mutex<HashMap<&'static str, &'static [u8]>>> = OnceLock::new();
    let file = font_file(pdf_font);
    let data = *FACES
        .get_or_init(Default::default)
        .lock()
        .unwrap()
        .entry(file)
        .or_insert_with(|| {
            Box::leak(
                std::fs::read(repo().join("fonts").join(file))
                    .unwrap()
                    .into_boxed_slice(),
            )
        });
    let face = ttf_parser::Face::parse(data, 0).unwrap();
    let upem = face.units_per_em() as f64;
    let id = face
        .glyph_index(ch)
        .unwrap_or_else(|| panic!("{file} lacks {ch}"));
    let bbox = face.glyph_bounding_box(id).unwrap();
    (bbox.y_min as f64 / upem, bbox.y_max as f64 / upem)
}

/// Ink top (mm from the page top) of a glyph.
pub fn ink_top(g: &Glyph) -> f64 {
    g.y - ink_em(&g.font, g.ch).1 * g.size * PT_TO_MM
}

/// Ink bottom (mm from the page top) of a glyph.
pub fn ink_bottom(g: &Glyph) -> f64 {
    g.y - ink_em(&g.font, g.ch).0 * g.size * PT_TO_MM
}

pub fn upward() -> &'static Built {
    static B: OnceLock<Built> = OnceLock::new();
    B.get_or_init(|| build_example("upward-request", "plan.toml"))
}

pub fn joint() -> &'static Built {
    static B: OnceLock<Built> = OnceLock::new();
    B.get_or_init(|| build_example("markdown-joint", "notice.md"))
}

/// The grid line (0-based, fractional) a text line sits on: body lines have
/// their em box centred in a cell of one pitch.
pub fn grid_line(line: &Line) -> f64 {
    let size = line.glyphs[0].size;
    let baseline_in_cell = PITCH / 2.0 + 0.38 * size * PT_TO_MM;
    (line.y - MARGIN_TOP - baseline_in_cell) / PITCH
}

/// The line pitch of a page: the grid's, or a tightened page's (GB/T 9704
/// 7.3.5.4, notice sets a page tighter to keep the closing with the body),
/// as the most common distance between consecutive 3号 lines.
pub fn page_pitch(pdf: &Pdf, page: usize) -> f64 {
    let lines: Vec<Line> = pdf
        .lines(page)
        .into_iter()
        .filter(|l| (l.glyphs[0].size - 16.0).abs() < 0.01)
        .collect();
    let mut counts: std::collections::BTreeMap<i64, usize> = Default::default();
    for w in lines.windows(2) {
        let d = ((w[1].y - w[0].y) * 100.0).round() as i64;
        if d > 0 && (d as f64) < PITCH * 100.0 * 1.05 {
            *counts.entry(d).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map_or(PITCH, |(d, _)| d as f64 / 100.0)
}

/// The grid line (0-based) a line sits on, on a page of pitch `p`.
pub fn on_grid_with(line: &Line, p: f64) -> usize {
    let size = line.glyphs[0].size;
    let at = (line.y - MARGIN_TOP - p / 2.0 - 0.38 * size * PT_TO_MM) / p;
    assert!(
        (at - at.round()).abs() < 0.01,
        "line {:?} is off its page's grid (at {at:.3} with pitch {p:.3})",
        line.text()
    );
    at.round() as usize
}

/// Asserts a line sits exactly on a grid line and returns its index.
pub fn on_grid(line: &Line) -> usize {
    let at = grid_line(line);
    assert!(
        (at - at.round()).abs() < 0.01,
        "line {:?} is off the grid (at {at:.3})",
        line.text()
    );
    at.round() as usize
}

/// Full-width (CJK) characters, which each take one cell.
pub fn is_full_width(c: char) -> bool {
    !c.is_ascii() && c != '—' && c != '…'
}

/// A run of `notice` watched for time and memory.
pub struct Bounded {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub elapsed: std::time::Duration,
    /// Peak resident memory (VmHWM) in MB, as last read before the exit.
    pub peak_mb: f64,
    pub timed_out: bool,
}

/// Runs `notice` with a deadline, killing it when the deadline passes, and
/// reads its peak memory while it runs: the guard for inputs that must
/// never take unbounded time or memory.
pub fn notice_bounded(args: &[&str], deadline: std::time::Duration) -> Bounded {
    use std::io::Read;
    let started = std::time::Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_notice"))
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the notice binary runs");
    let mut out_pipe = child.stdout.take().unwrap();
    let mut err_pipe = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out_pipe.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err_pipe.read_to_string(&mut s);
        s
    });
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kb = 0.0f64;
    let mut timed_out = false;
    let code = loop {
        if let Ok(status) = std::fs::read_to_string(&status_file)
            && let Some(line) = status.lines().find(|l| l.starts_with("VmHWM:"))
            && let Some(kb) = line
                .split_whitespace()
                .nth(1)
                .and_then(|v| v.parse::<f64>().ok())
        {
            peak_kb = peak_kb.max(kb);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status.code();
        }
        if started.elapsed() > deadline {
            timed_out = true;
            let _ = child.kill();
            break child.wait().ok().and_then(|s| s.code());
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    Bounded {
        code,
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
        elapsed: started.elapsed(),
        peak_mb: peak_kb / 1024.0,
        timed_out,
    }
}

/// A PNG header claiming `width` × `height` pixels, with an empty image.
pub fn png_header(width: u32, height: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(kind: &[u8], data: &[u8]) -> Vec<u8> {
        let mut out = (data.len() as u32).to_be_bytes().to_vec();
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
        out
    }
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(chunk(b"IHDR", &ihdr));
    png.extend(chunk(
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    ));
    png.extend(chunk(b"IEND", &[]));
    png
}

/// One part of a Word file (`word/document.xml`), as text.
pub fn docx_part(path: &Path, name: &str) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

/// `notice import DRAFT --out OUT`, which must succeed; its notes.
pub fn import(draft: &Path, out: &Path) -> String {
    let result = notice(&[
        "import",
        draft.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&result.stderr).into_owned();
    assert!(
        result.status.success(),
        "import of {} failed:\n{stderr}",
        draft.display()
    );
    stderr
}

/// Text compared the way a reader compares words: whitespace dropped,
/// half-width punctuation (which import and `check --fix` make full-width),
/// quotation marks and full-width digits folded.
pub fn folded_words(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            ',' => '，',
            ':' => '：',
            ';' => '；',
            '(' => '（',
            ')' => '）',
            '.' => '。',
            '?' => '？',
            '!' => '！',
            '"' | '〃' | '”' => '“',
            // Full-width digits, which import writes as Arabic numerals.
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            c => c,
        })
        .collect()
}

/// Every shipped example's and test plan's plan file.
pub fn all_plans() -> Vec<PathBuf> {
    let mut plans = Vec::new();
    for root in ["examples", "tests/plans"] {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(repo().join(root))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        for dir in dirs {
            for name in ["plan.toml", "notice.md"] {
                if dir.join(name).exists() {
                    plans.push(dir.join(name));
                }
            }
        }
    }
    assert!(plans.len() >= 15, "{plans:?}");
    plans
}

/// One engine for every case of a test binary, as in a batch.
pub fn engine() -> &'static notice::driver::Engine {
    use notice::typeset::fonts::{FontOptions, FontSet};
    use notice::typeset::template::{DEFAULT_TEMPLATE, Template};
    static ENGINE: OnceLock<notice::driver::Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        notice::driver::Engine::new(
            FontSet::new(&FontOptions::default()),
            Template::load(DEFAULT_TEMPLATE).unwrap(),
        )
    })
}

/// The draft lines (or Word paragraphs) import's notes name as dropped:
/// `line 3` / `lines 3, 5` in a note that says it dropped something.
pub fn dropped_lines<'a>(notes: impl IntoIterator<Item = &'a str>) -> Vec<usize> {
    let mut out = Vec::new();
    for note in notes.into_iter().filter(|n| n.contains("dropped")) {
        let Some(list) = note.split(": ").nth(1) else {
            continue;
        };
        let list = ["lines ", "line ", "paragraphs ", "paragraph "]
            .iter()
            .fold(list, |l, unit| l.trim_start_matches(unit));
        out.extend(
            list.split(", ")
                .filter_map(|n| n.trim().parse::<usize>().ok()),
        );
    }
    out
}
