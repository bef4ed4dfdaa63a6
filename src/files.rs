//! Reading input files safely: only regular files, never more than a limit,
//! UTF-8 checked with the place of the first bad byte.
//!
//! A FIFO or device named like a plan would block or never end, and a huge
//! file would cost its size in memory before anything could refuse it, so
//! every input goes through here.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Failed, SourceMap};

/// The folder of a path, `.` for a bare file name.
pub fn parent_dir(path: &Path) -> PathBuf {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Opens a regular file for reading without ever blocking on a FIFO.
fn open_regular(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Opening a FIFO for reading waits for a writer; non-blocking does
        // not, and the file type is checked right after.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let kind = file.metadata()?.file_type();
    if kind.is_dir() {
        return Err(std::io::Error::other("it is a folder, not a file"));
    }
    if !kind.is_file() {
        return Err(std::io::Error::other(
            "it is not a regular file (a FIFO, socket or device)",
        ));
    }
    Ok(file)
}

/// Reads a whole input file of at most `limit` bytes.
pub fn read_input(path: &Path, limit: u64) -> std::io::Result<Vec<u8>> {
    let file = open_regular(path)?;
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::other(format!(
            "it is larger than {}, the limit for this input",
            crate::limits::human_bytes(limit)
        )));
    }
    Ok(bytes)
}

/// The first `n` bytes of a regular file (fewer if it is shorter).
pub fn read_head(path: &Path, n: u64) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    open_regular(path)?.take(n).read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Whether a path names a regular file (following links), without opening it.
pub fn is_regular_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.file_type().is_file())
}

/// The bytes without a UTF-8 byte order mark.
pub fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Checks that input is UTF-8 (a BOM is dropped). Otherwise the file is
/// registered as far as it can be read and the error points at the first
/// bad byte.
pub fn decode_utf8(path: &Path, bytes: Vec<u8>, sources: &mut SourceMap) -> Result<String, Failed> {
    let bytes = match strip_bom(&bytes).len() {
        n if n == bytes.len() => bytes,
        n => bytes[bytes.len() - n..].to_vec(),
    };
    String::from_utf8(bytes).map_err(|err| {
        let valid = err.utf8_error().valid_up_to();
        let file = sources.add(path, String::from_utf8_lossy(err.as_bytes()).into_owned());
        Failed::from(
            Diagnostic::error(
                "encoding",
                format!("the file is not UTF-8 text (invalid byte at offset {valid})"),
            )
            .at(file, valid..valid + char::REPLACEMENT_CHARACTER.len_utf8())
            .label("not UTF-8")
            .hint("save the file as UTF-8 (in Notepad: Save As → Encoding: UTF-8); GBK files must be converted"),
        )
    })
}
