//! The limits that keep every build bounded in time and memory. Each is
//! checked before the work it bounds, and an input over one is an error at
//! the key or option that exceeds it, naming the limit. README.md lists
//! them ("Limits").

/// A plan file (`plan.toml`, or `notice.md` with its body).
pub const PLAN_BYTES: u64 = 4 << 20;

/// A body file (`body_file`), or the Markdown of a body after placeholders
/// are filled: about 1,300 pages of dense text.
pub const BODY_BYTES: u64 = 4 << 20;

/// A CSV file (a table attachment or mail-merge data).
pub const CSV_BYTES: u64 = 16 << 20;

/// Rows of a CSV table attachment or of mail-merge data.
pub const CSV_ROWS: usize = 20_000;

/// A seal image file.
pub const IMAGE_BYTES: u64 = 16 << 20;

/// Pixels of a seal or any image, read from its header before decoding: a
/// 42mm seal needs about 1,000 × 1,000 at 600 dpi.
pub const IMAGE_PIXELS: u64 = 25_000_000;

/// The text one placeholder (`{{ … }}`) prints, and each value of `vars`,
/// `--var` and a mail-merge cell.
pub const FIELD_BYTES: usize = 64 << 10;

/// The text all placeholders of one plan print together.
pub const PLACEHOLDER_OUTPUT_BYTES: usize = 4 << 20;

/// Steps a plan's placeholder expressions may take (loops, conditions).
pub const PLACEHOLDER_FUEL: u64 = 200_000;

/// Tables in one body or attachment: a 公文 holds a few, and each is laid
/// out apart (10,000 one-row tables took 5.3 s and 1.4 GB).
pub const BODY_TABLES: usize = 500;

/// 签发人 of a 上行文: five lines of two names beside the 发文字号.
pub const SIGNERS: usize = 10;

/// Lines of 4号 text the 版记 may take (抄送 and 印发): it sits at the foot
/// of one page, which holds about 30.
pub const IMPRINT_LINES: usize = 24;

/// Pixels per inch of PNG pages (`preview --ppi`, `build --ppi`).
pub const PPI_MIN: f32 = 10.0;
pub const PPI_MAX: f32 = 1200.0;

/// Pixels of one rendered PNG page: an A4 page at 1,200 ppi is 140 million.
pub const PNG_PAGE_PIXELS: f64 = 150_000_000.0;

/// Bytes read from a `.md` file to see whether it starts with `+++`.
pub const FRONT_MATTER_SNIFF: u64 = 8;

/// `1.0 MB` style sizes for messages.
pub fn human_bytes(bytes: u64) -> String {
    if bytes >= 1 << 20 {
        format!("{} MB", bytes >> 20)
    } else if bytes >= 1 << 10 {
        format!("{} KB", bytes >> 10)
    } else {
        format!("{bytes} bytes")
    }
}

/// Largest draft `notice import` reads (a Word file with its images).
pub const DRAFT_BYTES: u64 = 64 << 20;

/// Largest unpacked XML part of a Word draft: a zip bomb stops here.
pub const DOCX_PART_BYTES: u64 = 32 << 20;

/// How deep a Word draft's XML elements may nest. Word's own files stay
/// under 30; the reader walks links and content controls recursively, so
/// thousands of levels would overflow its stack.
pub const DOCX_DEPTH: usize = 100;

/// Text a Word draft may unpack to, numbers and merged cells included: four
/// bodies' worth. (A 2 KB file can repeat a long numbering pattern or a
/// wide merged cell thousands of times.)
pub const DRAFT_TEXT_BYTES: usize = 4 * BODY_BYTES as usize;

/// Table cells a Word draft may hold, merged cells counted as the columns
/// they cover.
pub const DRAFT_CELLS: usize = 400_000;

/// A Word numbering pattern (`lvlText`, such as `%1.` or `（%2）`) longer
/// than this is not a number and is not printed.
pub const NUMBER_PATTERN_CHARS: usize = 32;
