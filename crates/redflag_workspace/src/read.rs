//! Reading one file, or saying why it is not read.
//!
//! A scan must never stop on one odd file. Everything that makes a file
//! unsuitable — too large, binary, not UTF-8, minified, generated, unreadable
//! — is a [`SkipReason`], counted and listed with `--verbose`.

use std::fmt;
use std::io::Read;
use std::path::Path;

/// Why a file was not analysed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SkipReason {
    /// A directory or file excluded by redflag's defaults (`node_modules`, …).
    ExcludedByDefault,
    /// Excluded by the configuration's `exclude`/`extend-exclude`.
    ExcludedByConfig,
    /// A symbolic link, not followed.
    Symlink,
    /// A FIFO, socket or device.
    NotRegularFile,
    /// Larger than `max-file-size`.
    Oversize,
    /// Has a binary extension or a NUL byte in its first block.
    Binary,
    /// Not valid UTF-8 (UTF-16 included).
    NotUtf8,
    /// `*.min.js` or very long average line length.
    Minified,
    /// A lock file or a file marked `DO NOT EDIT`.
    Generated,
    /// Could not be opened or read.
    Unreadable(String),
    /// The walk reported an error for this path (a symlink loop, say).
    WalkError(String),
}

impl SkipReason {
    /// The short name used as a key in counts and JSON.
    #[must_use]
    pub fn key(&self) -> &'static str {
        match self {
            SkipReason::ExcludedByDefault => "excluded-by-default",
            SkipReason::ExcludedByConfig => "excluded-by-config",
            SkipReason::Symlink => "symlink",
            SkipReason::NotRegularFile => "not-a-regular-file",
            SkipReason::Oversize => "oversize",
            SkipReason::Binary => "binary",
            SkipReason::NotUtf8 => "not-utf8",
            SkipReason::Minified => "minified",
            SkipReason::Generated => "generated",
            SkipReason::Unreadable(_) => "unreadable",
            SkipReason::WalkError(_) => "walk-error",
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Unreadable(why) => write!(f, "unreadable: {why}"),
            SkipReason::WalkError(why) => write!(f, "walk error: {why}"),
            other => f.write_str(other.key()),
        }
    }
}

/// Limits applied when reading.
#[derive(Debug, Clone, Copy)]
pub struct ReadLimits {
    pub max_file_size: u64,
}

/// How much of a file is checked for NUL bytes.
const BINARY_PROBE_BYTES: usize = 8 * 1024;
/// A file at least this large whose average line is longer than
/// [`MINIFIED_AVERAGE_LINE`] is taken for minified.
const MINIFIED_MIN_SIZE: usize = 4 * 1024;
const MINIFIED_AVERAGE_LINE: usize = 1000;
/// Lock files: generated, large, and full of hashes.
const LOCK_FILES: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lockb",
    "Cargo.lock",
    "poetry.lock",
    "Pipfile.lock",
    "uv.lock",
    "composer.lock",
    "Gemfile.lock",
    "go.sum",
];

/// Reads a file as UTF-8 text (a UTF-8 byte-order mark is dropped), or says
/// why it is skipped.
///
/// # Errors
/// The reason the file is not analysed.
pub fn read_source(path: &Path, limits: ReadLimits) -> Result<String, SkipReason> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if LOCK_FILES.contains(&name) {
        return Err(SkipReason::Generated);
    }
    if is_minified_name(name) {
        return Err(SkipReason::Minified);
    }
    let mut file = std::fs::File::open(path).map_err(|e| SkipReason::Unreadable(e.to_string()))?;
    let metadata = file
        .metadata()
        .map_err(|e| SkipReason::Unreadable(e.to_string()))?;
    if !metadata.is_file() {
        return Err(SkipReason::NotRegularFile);
    }
    if metadata.len() > limits.max_file_size {
        return Err(SkipReason::Oversize);
    }
    let capacity = usize::try_from(metadata.len()).unwrap_or(0);
    let mut bytes = Vec::with_capacity(capacity);
    // Read one byte past the limit so a file that grew since `metadata` is
    // still caught.
    file.by_ref()
        .take(limits.max_file_size + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| SkipReason::Unreadable(e.to_string()))?;
    if bytes.len() as u64 > limits.max_file_size {
        return Err(SkipReason::Oversize);
    }
    decode(bytes)
}

/// Turns file bytes into text, or says why they are not text.
///
/// # Errors
/// Binary, UTF-16, invalid UTF-8, minified or generated content.
pub fn decode(mut bytes: Vec<u8>) -> Result<String, SkipReason> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(SkipReason::NotUtf8);
    }
    let probe = &bytes[..bytes.len().min(BINARY_PROBE_BYTES)];
    if memchr::memchr(0, probe).is_some() {
        return Err(SkipReason::Binary);
    }
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    if bytes.len() >= MINIFIED_MIN_SIZE {
        let lines = memchr::memchr_iter(b'\n', &bytes).count() + 1;
        if bytes.len() / lines > MINIFIED_AVERAGE_LINE {
            return Err(SkipReason::Minified);
        }
    }
    let head = &bytes[..bytes.len().min(1024)];
    if memchr::memmem::find(head, b"DO NOT EDIT").is_some() {
        return Err(SkipReason::Generated);
    }
    String::from_utf8(bytes).map_err(|_| SkipReason::NotUtf8)
}

fn is_minified_name(name: &str) -> bool {
    [".min.js", ".min.mjs", ".min.cjs", ".min.css"]
        .iter()
        .any(|suffix| name.ends_with(suffix))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: ReadLimits = ReadLimits {
        max_file_size: 1024 * 1024,
    };

    #[test]
    fn text_with_bom_and_crlf_is_read() {
        let text = decode(b"\xEF\xBB\xBFa = 1\r\n".to_vec()).unwrap();
        assert_eq!(text, "a = 1\r\n");
    }

    #[test]
    fn binary_utf16_and_invalid_utf8_are_skipped() {
        assert_eq!(decode(b"abc\0def".to_vec()), Err(SkipReason::Binary));
        assert_eq!(decode(b"\xFF\xFEa\0b\0".to_vec()), Err(SkipReason::NotUtf8));
        assert_eq!(decode(b"caf\xE9".to_vec()), Err(SkipReason::NotUtf8));
    }

    #[test]
    fn minified_and_generated_content_is_skipped() {
        let minified = "x".repeat(MINIFIED_MIN_SIZE * 2).into_bytes();
        assert_eq!(decode(minified), Err(SkipReason::Minified));
        let generated = b"// Code generated by protoc. DO NOT EDIT.\npackage x\n".to_vec();
        assert_eq!(decode(generated), Err(SkipReason::Generated));
    }

    #[test]
    fn oversize_and_lock_files_are_skipped_without_reading_them_whole() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.txt");
        std::fs::write(&big, vec![b'a'; 2048]).unwrap();
        let small = ReadLimits {
            max_file_size: 1024,
        };
        assert_eq!(read_source(&big, small), Err(SkipReason::Oversize));
        let lock = dir.path().join("Cargo.lock");
        std::fs::write(&lock, "x").unwrap();
        assert_eq!(read_source(&lock, LIMITS), Err(SkipReason::Generated));
        let missing = dir.path().join("missing.py");
        assert!(matches!(
            read_source(&missing, LIMITS),
            Err(SkipReason::Unreadable(_))
        ));
    }
}
