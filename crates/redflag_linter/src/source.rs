//! One file under analysis, with everything parsed from it at most once.
//!
//! Every view of the file — the tree-sitter tree, SQL statements, Dockerfile
//! instructions, `.env` entries, YAML documents, the import table — is built
//! the first time something asks for it and shared after that; a file that
//! no rule needs parsed is never parsed. A `SourceFile` lives only during
//! its file's analysis.

use std::cell::OnceCell;
use std::ops::Range;

use redflag_diagnostics::{normalize_for_fingerprint, Position};
use redflag_syntax::dockerfile::{parse_dockerfile, Dockerfile};
use redflag_syntax::env::{parse_env, EnvEntry};
use redflag_syntax::sql::{guess_dialect, parse_sql, SqlDialect, SqlFile};
use redflag_syntax::tree_sitter::{Node, Tree};
use redflag_syntax::yaml::{parse_yaml, YamlError, YamlNode};
use redflag_syntax::{FileKind, LineIndex};

use crate::secrets::SecretScan;
use crate::semantics::imports::Imports;

/// A file being analysed.
pub struct SourceFile {
    /// The display path (repository-relative, `/` separators).
    pub path: String,
    pub kind: FileKind,
    pub text: String,
    pub line_index: LineIndex,
    tree: OnceCell<Option<Tree>>,
    sql_dialect: Option<SqlDialect>,
    sql: OnceCell<SqlFile>,
    dockerfile: OnceCell<Dockerfile>,
    env: OnceCell<Vec<EnvEntry>>,
    yaml: OnceCell<Result<Vec<YamlNode>, YamlError>>,
    imports: OnceCell<Imports>,
    secrets: OnceCell<SecretScan>,
}

impl SourceFile {
    /// Wraps a file's text; nothing is parsed yet.
    #[must_use]
    pub fn new(
        path: String,
        kind: FileKind,
        text: String,
        sql_dialect: Option<SqlDialect>,
    ) -> Self {
        SourceFile {
            line_index: LineIndex::new(&text),
            path,
            kind,
            text,
            tree: OnceCell::new(),
            sql_dialect,
            sql: OnceCell::new(),
            dockerfile: OnceCell::new(),
            env: OnceCell::new(),
            yaml: OnceCell::new(),
            imports: OnceCell::new(),
            secrets: OnceCell::new(),
        }
    }

    /// The syntax tree of a code file, parsed on first use with this
    /// thread's parser.
    pub fn tree(&self) -> Option<&Tree> {
        self.tree
            .get_or_init(|| {
                self.kind
                    .language()
                    .and_then(|language| redflag_syntax::parse::parse(language, &self.text))
            })
            .as_ref()
    }

    /// True once the syntax tree has been built.
    #[must_use]
    pub fn was_parsed(&self) -> bool {
        self.tree.get().is_some_and(Option::is_some)
    }

    /// The text of a node (empty if the node's range is not valid UTF-8
    /// boundaries, which tree-sitter never produces for valid input).
    #[must_use]
    pub fn text_of(&self, node: Node<'_>) -> &str {
        self.text.get(node.byte_range()).unwrap_or("")
    }

    /// Text of a byte range, empty when out of bounds.
    #[must_use]
    pub fn slice(&self, range: Range<usize>) -> &str {
        self.text.get(range).unwrap_or("")
    }

    /// 1-based line and UTF-16 column of a byte offset.
    #[must_use]
    pub fn position(&self, offset: usize) -> Position {
        let lc = self.line_index.position(&self.text, offset);
        Position {
            line: lc.line,
            column: lc.column,
        }
    }

    /// A location that outlives this file, for facts and project findings.
    #[must_use]
    pub fn location(&self, range: Range<usize>) -> Location {
        Location {
            path: self.path.clone(),
            start: self.position(range.start),
            end: self.position(range.end),
            text: normalize_for_fingerprint(self.slice(range.clone())),
            range,
        }
    }

    /// The dialect this SQL file is read in: the configured one, else what
    /// its syntax says, else PostgreSQL.
    #[must_use]
    pub fn sql_dialect(&self) -> SqlDialect {
        self.sql_dialect
            .or_else(|| guess_dialect(&self.text))
            .unwrap_or(SqlDialect::PostgreSql)
    }

    /// The statements of a SQL file. A dbmate-style `-- migrate:down`
    /// section is not read: it undoes the file.
    pub fn sql(&self) -> &SqlFile {
        self.sql.get_or_init(|| {
            let up = match self.text.find("-- migrate:down") {
                Some(cut) => &self.text[..cut],
                None => &self.text,
            };
            parse_sql(up, self.sql_dialect())
        })
    }

    /// The instructions of a Dockerfile.
    pub fn dockerfile(&self) -> &Dockerfile {
        self.dockerfile.get_or_init(|| parse_dockerfile(&self.text))
    }

    /// The entries of a `.env` file.
    pub fn env_entries(&self) -> &[EnvEntry] {
        self.env.get_or_init(|| parse_env(&self.text))
    }

    /// The documents of a YAML file.
    ///
    /// # Errors
    /// The YAML error, when the file is not YAML.
    pub fn yaml(&self) -> Result<&[YamlNode], &YamlError> {
        self.yaml
            .get_or_init(|| parse_yaml(&self.text))
            .as_ref()
            .map(Vec::as_slice)
    }

    /// The secrets pass over this file's text, shared by the secrets rules.
    pub fn secret_scan(&self) -> &SecretScan {
        self.secrets
            .get_or_init(|| SecretScan::run(&self.text, &self.path))
    }

    /// The file's import table (code files; empty for the others).
    pub fn imports(&self) -> &Imports {
        self.imports
            .get_or_init(|| match (self.kind.language(), self.tree()) {
                (Some(language), Some(tree)) => Imports::collect(language, &self.text, tree),
                _ => Imports::default(),
            })
    }
}

/// A place in a file that outlives the file's analysis: where facts and
/// project-level findings point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub path: String,
    pub range: Range<usize>,
    pub start: Position,
    pub end: Position,
    /// The matched text, normalized, for the fingerprint.
    pub text: String,
}
