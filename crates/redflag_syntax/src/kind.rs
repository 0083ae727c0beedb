//! File kinds and code languages.
//!
//! Every file the walk keeps is classified once, from its name alone, into a
//! [`FileKind`]. The four code languages that tree-sitter parses are a subset,
//! [`Language`]; the other kinds have readers of their own (SQL, YAML,
//! Dockerfile, `.env`) or are handed to rules as plain text.

use std::fmt;
use std::path::Path;

/// What a file is, decided from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FileKind {
    Rust,
    TypeScript,
    Tsx,
    JavaScript,
    Python,
    Sql,
    Dockerfile,
    Yaml,
    Json,
    Toml,
    Env,
    Prisma,
    Text,
}

/// A language parsed by tree-sitter. JSX lives inside [`Language::JavaScript`]
/// because the JavaScript grammar parses it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    Rust,
    TypeScript,
    Tsx,
    JavaScript,
    Python,
}

impl Language {
    pub const ALL: [Language; 5] = [
        Language::Rust,
        Language::TypeScript,
        Language::Tsx,
        Language::JavaScript,
        Language::Python,
    ];

    /// Position in [`Language::ALL`], for per-language tables.
    #[must_use]
    pub fn index(self) -> usize {
        match self {
            Language::Rust => 0,
            Language::TypeScript => 1,
            Language::Tsx => 2,
            Language::JavaScript => 3,
            Language::Python => 4,
        }
    }

    /// The name used in rule files and on the command line.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Language::Rust => "rust",
            Language::TypeScript => "typescript",
            Language::Tsx => "tsx",
            Language::JavaScript => "javascript",
            Language::Python => "python",
        }
    }

    /// The tree-sitter grammar of this language.
    #[must_use]
    pub fn grammar(self) -> tree_sitter::Language {
        match self {
            Language::Rust => tree_sitter_rust::LANGUAGE.into(),
            Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Language::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
            Language::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Language::Python => tree_sitter_python::LANGUAGE.into(),
        }
    }

    /// The file kind this language is parsed from.
    #[must_use]
    pub fn file_kind(self) -> FileKind {
        match self {
            Language::Rust => FileKind::Rust,
            Language::TypeScript => FileKind::TypeScript,
            Language::Tsx => FileKind::Tsx,
            Language::JavaScript => FileKind::JavaScript,
            Language::Python => FileKind::Python,
        }
    }

    /// True for the JavaScript family (JS, TS, TSX), which shares most node kinds.
    #[must_use]
    pub fn is_js_family(self) -> bool {
        matches!(
            self,
            Language::TypeScript | Language::Tsx | Language::JavaScript
        )
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FileKind {
    pub const ALL: [FileKind; 13] = [
        FileKind::Rust,
        FileKind::TypeScript,
        FileKind::Tsx,
        FileKind::JavaScript,
        FileKind::Python,
        FileKind::Sql,
        FileKind::Dockerfile,
        FileKind::Yaml,
        FileKind::Json,
        FileKind::Toml,
        FileKind::Env,
        FileKind::Prisma,
        FileKind::Text,
    ];

    /// The tree-sitter language of a code file, if it is one.
    #[must_use]
    pub fn language(self) -> Option<Language> {
        match self {
            FileKind::Rust => Some(Language::Rust),
            FileKind::TypeScript => Some(Language::TypeScript),
            FileKind::Tsx => Some(Language::Tsx),
            FileKind::JavaScript => Some(Language::JavaScript),
            FileKind::Python => Some(Language::Python),
            _ => None,
        }
    }

    /// The name used in rule files, in `--verbose` output and in JSON.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Rust => "rust",
            FileKind::TypeScript => "typescript",
            FileKind::Tsx => "tsx",
            FileKind::JavaScript => "javascript",
            FileKind::Python => "python",
            FileKind::Sql => "sql",
            FileKind::Dockerfile => "dockerfile",
            FileKind::Yaml => "yaml",
            FileKind::Json => "json",
            FileKind::Toml => "toml",
            FileKind::Env => "env",
            FileKind::Prisma => "prisma",
            FileKind::Text => "text",
        }
    }

    /// Parses a kind name as written in rule files. `typescript` does not
    /// include `tsx` here; rule files expand that themselves.
    #[must_use]
    pub fn from_name(name: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The line-comment and block-comment openers of this kind, used to find
    /// suppression comments.
    #[must_use]
    pub fn comment_markers(self) -> &'static [&'static str] {
        match self {
            FileKind::Rust
            | FileKind::TypeScript
            | FileKind::Tsx
            | FileKind::JavaScript
            | FileKind::Prisma
            | FileKind::Json => &["//", "/*"],
            FileKind::Sql => &["--", "/*", "#"],
            FileKind::Python
            | FileKind::Yaml
            | FileKind::Toml
            | FileKind::Dockerfile
            | FileKind::Env => &["#"],
            FileKind::Text => &["#", "//", "--", "/*", "<!--"],
        }
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Extensions of files that are never text; they are skipped without being read.
const BINARY_EXTENSIONS: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "bmp", "ico", "webp", "tiff", "psd", "zip", "gz", "tgz", "bz2",
    "xz", "zst", "7z", "rar", "tar", "jar", "war", "ear", "whl", "egg", "pdf", "woff", "woff2",
    "ttf", "otf", "eot", "so", "dylib", "dll", "exe", "o", "a", "lib", "class", "pyc", "pyo",
    "wasm", "mp3", "mp4", "mov", "avi", "mkv", "ogg", "wav", "flac", "sqlite", "sqlite3", "db",
    "bin", "dat", "pack", "idx", "node", "rlib",
];

/// Classifies a file by its name.
///
/// Returns `None` for files whose extension says they are binary, so the
/// caller can skip them without reading them.
#[must_use]
pub fn classify(path: &Path) -> Option<FileKind> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let lower = name.to_ascii_lowercase();

    if lower == "dockerfile"
        || lower == "containerfile"
        || lower.starts_with("dockerfile.")
        || lower.ends_with(".dockerfile")
        || lower.starts_with("containerfile.")
    {
        return Some(FileKind::Dockerfile);
    }
    if lower == ".env" || lower.starts_with(".env.") || lower.ends_with(".env") {
        return Some(FileKind::Env);
    }

    let ext = match lower.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext,
        _ => return Some(FileKind::Text),
    };
    let kind = match ext {
        "rs" => FileKind::Rust,
        "ts" | "mts" | "cts" => FileKind::TypeScript,
        "tsx" => FileKind::Tsx,
        "js" | "jsx" | "mjs" | "cjs" => FileKind::JavaScript,
        "py" | "pyi" => FileKind::Python,
        "sql" => FileKind::Sql,
        "yaml" | "yml" => FileKind::Yaml,
        "json" => FileKind::Json,
        "toml" => FileKind::Toml,
        "prisma" => FileKind::Prisma,
        e if BINARY_EXTENSIONS.contains(&e) => return None,
        _ => FileKind::Text,
    };
    Some(kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(name: &str) -> Option<FileKind> {
        classify(Path::new(name))
    }

    #[test]
    fn classifies_code_languages() {
        assert_eq!(kind("src/main.rs"), Some(FileKind::Rust));
        assert_eq!(kind("a/b.ts"), Some(FileKind::TypeScript));
        assert_eq!(kind("a/b.d.ts"), Some(FileKind::TypeScript));
        assert_eq!(kind("a/b.tsx"), Some(FileKind::Tsx));
        for js in ["a.js", "a.jsx", "a.mjs", "a.cjs"] {
            assert_eq!(kind(js), Some(FileKind::JavaScript), "{js}");
        }
        assert_eq!(kind("app/views.py"), Some(FileKind::Python));
    }

    #[test]
    fn classifies_dockerfiles_by_every_naming_convention() {
        for name in [
            "Dockerfile",
            "dockerfile",
            "Dockerfile.prod",
            "api.Dockerfile",
            "Containerfile",
        ] {
            assert_eq!(kind(name), Some(FileKind::Dockerfile), "{name}");
        }
    }

    #[test]
    fn classifies_config_and_env_files() {
        assert_eq!(kind(".env"), Some(FileKind::Env));
        assert_eq!(kind(".env.production"), Some(FileKind::Env));
        assert_eq!(kind("prod.env"), Some(FileKind::Env));
        assert_eq!(kind("k8s/deploy.yml"), Some(FileKind::Yaml));
        assert_eq!(kind("Cargo.toml"), Some(FileKind::Toml));
        assert_eq!(kind("package.json"), Some(FileKind::Json));
        assert_eq!(kind("prisma/schema.prisma"), Some(FileKind::Prisma));
        assert_eq!(kind("db/V1__init.sql"), Some(FileKind::Sql));
        assert_eq!(kind("Makefile"), Some(FileKind::Text));
        assert_eq!(kind(".gitignore"), Some(FileKind::Text));
        assert_eq!(kind("deploy.sh"), Some(FileKind::Text));
    }

    #[test]
    fn language_index_follows_all() {
        for (i, language) in Language::ALL.into_iter().enumerate() {
            assert_eq!(language.index(), i);
        }
    }

    #[test]
    fn binary_extensions_are_not_classified() {
        assert_eq!(kind("logo.png"), None);
        assert_eq!(kind("x.pyc"), None);
    }
}
