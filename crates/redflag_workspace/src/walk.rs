//! The parallel, ignore-aware file walk.
//!
//! Walks the given paths with the `ignore` crate (`.gitignore`, `.ignore`,
//! global git excludes, in parallel), prunes default and configured excludes,
//! and returns a sorted file list plus every skipped entry with its reason.
//! Paths named on the command line are scanned even when an exclude matches
//! them, unless `force_exclude` is set (pre-commit passes file names).

use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex};

use ignore::gitignore::{Gitignore, GitignoreBuilder};
use ignore::{WalkBuilder, WalkState};
use redflag_syntax::FileKind;

use crate::read::SkipReason;

/// Directories excluded unless the configuration's `exclude` replaces them.
pub const DEFAULT_EXCLUDED_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    "bower_components",
    "vendor",
    "target",
    "dist",
    "build",
    ".venv",
    "venv",
    "__pycache__",
    "__pypackages__",
    "site-packages",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".next",
    ".nuxt",
    ".terraform",
];

/// A file the walk kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WalkedFile {
    /// Where to read it.
    pub path: PathBuf,
    /// How to show it: relative to the working directory, `/` separators.
    pub display: String,
    pub kind: FileKind,
    /// Named on the command line rather than found by walking.
    pub explicit: bool,
}

/// An entry the walk did not keep.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skipped {
    pub display: String,
    pub reason: SkipReason,
}

/// What the walk found.
#[derive(Debug, Default)]
pub struct WalkOutput {
    pub files: Vec<WalkedFile>,
    pub skipped: Vec<Skipped>,
}

/// A problem with the walk's input.
#[derive(Debug, thiserror::Error)]
pub enum WalkError {
    #[error("{0}: no such file or directory")]
    Missing(PathBuf),
    #[error("invalid exclude pattern `{pattern}`: {message}")]
    Pattern { pattern: String, message: String },
}

/// Default and configured exclusions.
#[derive(Debug, Clone)]
pub struct Excludes {
    default_names: Vec<String>,
    configured: Option<(PathBuf, Gitignore)>,
}

impl Excludes {
    /// `replace_defaults` is the configuration's `exclude` (which replaces the
    /// default directory list); `extend` is `extend-exclude`. Patterns use
    /// gitignore syntax and are relative to `root`, the config's directory.
    ///
    /// # Errors
    /// A pattern that is not valid gitignore syntax.
    pub fn new(
        replace_defaults: Option<&[String]>,
        extend: &[String],
        root: &Path,
    ) -> Result<Self, WalkError> {
        let default_names = match replace_defaults {
            Some(_) => Vec::new(),
            None => DEFAULT_EXCLUDED_DIRS
                .iter()
                .map(|s| (*s).to_string())
                .collect(),
        };
        let patterns: Vec<&String> = replace_defaults
            .unwrap_or(&[])
            .iter()
            .chain(extend)
            .collect();
        let configured = if patterns.is_empty() {
            None
        } else {
            let root = normalize(root);
            let mut builder = GitignoreBuilder::new(&root);
            for pattern in patterns {
                builder
                    .add_line(None, pattern)
                    .map_err(|e| WalkError::Pattern {
                        pattern: pattern.clone(),
                        message: e.to_string(),
                    })?;
            }
            let matcher = builder.build().map_err(|e| WalkError::Pattern {
                pattern: String::new(),
                message: e.to_string(),
            })?;
            Some((root, matcher))
        };
        Ok(Excludes {
            default_names,
            configured,
        })
    }

    /// Only the default directory list.
    #[must_use]
    pub fn defaults() -> Self {
        Excludes {
            default_names: DEFAULT_EXCLUDED_DIRS
                .iter()
                .map(|s| (*s).to_string())
                .collect(),
            configured: None,
        }
    }

    /// Checks one entry found while walking (its parents were checked already).
    fn check_entry(&self, path: &Path, is_dir: bool) -> Option<SkipReason> {
        if is_dir {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if self.default_names.iter().any(|d| d == name) {
                return Some(SkipReason::ExcludedByDefault);
            }
        }
        let (root, matcher) = self.configured.as_ref()?;
        let path = normalize(path);
        if path.starts_with(root) && matcher.matched(&path, is_dir).is_ignore() {
            return Some(SkipReason::ExcludedByConfig);
        }
        None
    }

    /// Checks a path named on the command line, including its parents
    /// (used with `--force-exclude`).
    #[must_use]
    pub fn check_path(&self, path: &Path, is_dir: bool) -> Option<SkipReason> {
        let path = normalize(path);
        let in_default_dir = path
            .components()
            .filter_map(|c| match c {
                Component::Normal(name) => name.to_str(),
                _ => None,
            })
            .any(|name| self.default_names.iter().any(|d| d == name));
        if in_default_dir {
            return Some(SkipReason::ExcludedByDefault);
        }
        let (root, matcher) = self.configured.as_ref()?;
        if path.starts_with(root)
            && matcher
                .matched_path_or_any_parents(&path, is_dir)
                .is_ignore()
        {
            return Some(SkipReason::ExcludedByConfig);
        }
        None
    }
}

/// Options of one walk.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    pub paths: Vec<PathBuf>,
    /// Absolute working directory; display paths are relative to it.
    pub cwd: PathBuf,
    pub excludes: Excludes,
    pub force_exclude: bool,
    pub follow_symlinks: bool,
}

/// Drops `.` components so that matching and display do not depend on how a
/// path was spelled.
fn normalize(path: &Path) -> PathBuf {
    path.components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect()
}

/// The path as shown in findings: relative to `cwd` when inside it.
#[must_use]
pub fn display_path(path: &Path, cwd: &Path) -> String {
    let normalized = normalize(path);
    let shown = normalized.strip_prefix(cwd).unwrap_or(&normalized);
    let mut text = shown
        .components()
        .filter(|c| !matches!(c, std::path::Component::RootDir))
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    // A path outside the working directory stays absolute, with one `/`.
    if shown.has_root() {
        text.insert(0, '/');
    }
    if text.is_empty() {
        ".".to_string()
    } else {
        text
    }
}

fn error_path(error: &ignore::Error) -> Option<PathBuf> {
    match error {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errors) => errors.iter().find_map(error_path),
        _ => None,
    }
}

/// Walks `options.paths` in parallel.
///
/// # Errors
/// A path named on the command line that does not exist.
pub fn walk(options: &WalkOptions) -> Result<WalkOutput, WalkError> {
    let mut output = WalkOutput::default();
    let mut roots = Vec::new();
    for path in &options.paths {
        let absolute = normalize(&options.cwd.join(path));
        // `symlink_metadata` so that a dangling link given by name is still
        // reported as a symlink rather than as missing.
        if std::fs::symlink_metadata(&absolute).is_err() {
            return Err(WalkError::Missing(path.clone()));
        }
        if options.force_exclude {
            if let Some(reason) = options.excludes.check_path(&absolute, absolute.is_dir()) {
                output.skipped.push(Skipped {
                    display: display_path(&absolute, &options.cwd),
                    reason,
                });
                continue;
            }
        }
        roots.push(absolute);
    }
    let Some((first, rest)) = roots.split_first() else {
        output.skipped.sort();
        return Ok(output);
    };

    let mut builder = WalkBuilder::new(first);
    for root in rest {
        builder.add(root);
    }
    let skipped = Arc::new(Mutex::new(Vec::new()));
    let files = Arc::new(Mutex::new(Vec::new()));
    let filter_skipped = Arc::clone(&skipped);
    let excludes = options.excludes.clone();
    let cwd = options.cwd.clone();
    let filter_cwd = cwd.clone();
    builder
        .hidden(false)
        .parents(true)
        .ignore(true)
        .git_ignore(true)
        .git_global(true)
        .git_exclude(true)
        .require_git(false)
        .follow_links(options.follow_symlinks)
        .filter_entry(move |entry| {
            if entry.depth() == 0 {
                return true;
            }
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            match excludes.check_entry(entry.path(), is_dir) {
                Some(reason) => {
                    if let Ok(mut list) = filter_skipped.lock() {
                        list.push(Skipped {
                            display: display_path(entry.path(), &filter_cwd),
                            reason,
                        });
                    }
                    false
                }
                None => true,
            }
        });

    builder.build_parallel().run(|| {
        let skipped = Arc::clone(&skipped);
        let files = Arc::clone(&files);
        let cwd = cwd.clone();
        Box::new(move |result| {
            let skip = |display: String, reason: SkipReason| {
                if let Ok(mut list) = skipped.lock() {
                    list.push(Skipped { display, reason });
                }
            };
            let entry = match result {
                Ok(entry) => entry,
                Err(error) => {
                    let display = error_path(&error)
                        .map_or_else(|| "<walk>".to_string(), |p| display_path(&p, &cwd));
                    skip(display, SkipReason::WalkError(error.to_string()));
                    return WalkState::Continue;
                }
            };
            let display = display_path(entry.path(), &cwd);
            let Some(file_type) = entry.file_type() else {
                return WalkState::Continue;
            };
            if file_type.is_dir() {
                return WalkState::Continue;
            }
            if file_type.is_symlink() {
                skip(display, SkipReason::Symlink);
                return WalkState::Continue;
            }
            if !file_type.is_file() {
                skip(display, SkipReason::NotRegularFile);
                return WalkState::Continue;
            }
            match redflag_syntax::classify(entry.path()) {
                Some(kind) => {
                    if let Ok(mut list) = files.lock() {
                        list.push(WalkedFile {
                            path: entry.path().to_path_buf(),
                            display,
                            kind,
                            explicit: entry.depth() == 0,
                        });
                    }
                }
                None => skip(display, SkipReason::Binary),
            }
            WalkState::Continue
        })
    });

    let mut files = std::mem::take(
        &mut *files
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
    files.sort_by(|a, b| a.display.cmp(&b.display).then(b.explicit.cmp(&a.explicit)));
    files.dedup_by(|a, b| a.display == b.display);
    output.files = files;
    output.skipped.extend(std::mem::take(
        &mut *skipped
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    ));
    output.skipped.sort();
    output.skipped.dedup();
    Ok(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn display_paths_are_relative_inside_and_absolute_outside() {
        let cwd = Path::new("/repo/work");
        assert_eq!(
            display_path(Path::new("/repo/work/src/a.py"), cwd),
            "src/a.py"
        );
        assert_eq!(display_path(Path::new("/other/b.py"), cwd), "/other/b.py");
        assert_eq!(display_path(Path::new("/repo/work"), cwd), ".");
    }

    fn tree(files: &[&str]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for file in files {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "x = 1\n").unwrap();
        }
        dir
    }

    fn options(dir: &Path, paths: &[&str], excludes: Excludes) -> WalkOptions {
        WalkOptions {
            paths: paths.iter().map(PathBuf::from).collect(),
            cwd: dir.to_path_buf(),
            excludes,
            force_exclude: false,
            follow_symlinks: false,
        }
    }

    fn displays(output: &WalkOutput) -> Vec<&str> {
        output.files.iter().map(|f| f.display.as_str()).collect()
    }

    #[test]
    fn default_excludes_prune_directories_and_are_counted() {
        let dir = tree(&[
            "app.py",
            "node_modules/x/index.js",
            "src/lib.rs",
            "target/debug/x.rs",
            ".env",
        ]);
        let output = walk(&options(dir.path(), &["."], Excludes::defaults())).unwrap();
        assert_eq!(displays(&output), [".env", "app.py", "src/lib.rs"]);
        let reasons: Vec<(&str, &SkipReason)> = output
            .skipped
            .iter()
            .map(|s| (s.display.as_str(), &s.reason))
            .collect();
        assert!(reasons.contains(&("node_modules", &SkipReason::ExcludedByDefault)));
        assert!(reasons.contains(&("target", &SkipReason::ExcludedByDefault)));
    }

    #[test]
    fn gitignore_and_dot_ignore_are_honoured_without_a_git_repository() {
        let dir = tree(&["keep.py", "secret/gen.py", "skip.log"]);
        std::fs::write(dir.path().join(".gitignore"), "secret/\n").unwrap();
        std::fs::write(dir.path().join(".ignore"), "*.log\n").unwrap();
        let output = walk(&options(dir.path(), &["."], Excludes::defaults())).unwrap();
        assert_eq!(displays(&output), [".gitignore", ".ignore", "keep.py"]);
    }

    #[test]
    fn explicit_paths_bypass_excludes_unless_forced() {
        let dir = tree(&["vendor/lib.py", "gen/out.py"]);
        let excludes = Excludes::new(None, &["gen/".to_string()], dir.path()).unwrap();
        let output = walk(&options(
            dir.path(),
            &["vendor/lib.py", "gen/out.py"],
            excludes.clone(),
        ))
        .unwrap();
        assert_eq!(displays(&output), ["gen/out.py", "vendor/lib.py"]);
        assert!(output.files.iter().all(|f| f.explicit));

        let mut forced = options(dir.path(), &["vendor/lib.py", "gen/out.py"], excludes);
        forced.force_exclude = true;
        let output = walk(&forced).unwrap();
        assert!(output.files.is_empty());
        let reasons: Vec<(&str, &SkipReason)> = output
            .skipped
            .iter()
            .map(|s| (s.display.as_str(), &s.reason))
            .collect();
        assert_eq!(
            reasons,
            [
                ("gen/out.py", &SkipReason::ExcludedByConfig),
                ("vendor/lib.py", &SkipReason::ExcludedByDefault)
            ]
        );
    }

    #[test]
    fn config_exclude_replaces_the_defaults() {
        let dir = tree(&["build/gen.py", "fixtures/a.py", "b.py"]);
        let replace = vec!["fixtures/".to_string()];
        let excludes = Excludes::new(Some(&replace), &[], dir.path()).unwrap();
        let output = walk(&options(dir.path(), &["."], excludes)).unwrap();
        assert_eq!(displays(&output), ["b.py", "build/gen.py"]);
    }

    #[test]
    fn missing_paths_are_errors() {
        let dir = tree(&[]);
        let error = walk(&options(dir.path(), &["nope"], Excludes::defaults())).unwrap_err();
        assert!(error.to_string().contains("nope"));
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_not_followed_by_default_and_loops_do_not_stop_the_walk() {
        let dir = tree(&["real/a.py"]);
        std::os::unix::fs::symlink(dir.path().join("real/a.py"), dir.path().join("link.py"))
            .unwrap();
        std::os::unix::fs::symlink(dir.path(), dir.path().join("real/loop")).unwrap();
        let output = walk(&options(dir.path(), &["."], Excludes::defaults())).unwrap();
        assert_eq!(displays(&output), ["real/a.py"]);
        assert!(output
            .skipped
            .iter()
            .any(|s| s.display == "link.py" && s.reason == SkipReason::Symlink));

        let mut follow = options(dir.path(), &["."], Excludes::defaults());
        follow.follow_symlinks = true;
        let output = walk(&follow).unwrap();
        assert!(displays(&output).contains(&"link.py"));
        assert!(output
            .skipped
            .iter()
            .any(|s| matches!(s.reason, SkipReason::WalkError(_))));
    }
}
