//! Where a candidate secret sits: production code, test code, or
//! documentation. Credentials in tests and examples are still reported (a
//! leaked test credential is a leak) but as notes at low confidence;
//! documentation examples with made-up passwords are not reported at all.
//!
//! Test code is known by path (`tests/`, `*_test.py`, `*.spec.ts`, the
//! configured `test-paths`) and, in code files, by the syntax tree around
//! the value: a Rust `#[test]` function or `#[cfg(test)]` module, a Python
//! `test_*` function or `Test*` class, a JavaScript `describe`/`it`/`test`
//! callback. The tree is built only for files with a finding.

use redflag_syntax::tree_sitter::Node;
use redflag_syntax::Language;

use crate::secrets::SecretsSettings;
use crate::source::SourceFile;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    Production,
    /// Tests, fixtures, examples, benchmarks.
    TestCode,
    /// Documentation: docs directories, Markdown/reST/HTML/text files, doc
    /// comments and other comments in code.
    Docs,
}

impl Placement {
    /// Findings here are notes at low confidence (configurable).
    #[must_use]
    pub fn is_downgraded(self) -> bool {
        self != Placement::Production
    }

    /// The clause added to a downgraded finding's message.
    #[must_use]
    pub fn clause(self) -> &'static str {
        match self {
            Placement::Production => "",
            Placement::TestCode => "; in test or example code",
            Placement::Docs => "; in documentation",
        }
    }
}

/// Directories of documentation.
const DOC_DIRS: &[&str] = &["docs", "doc", "docs_src", "documentation", "site"];

/// Extensions of documentation files.
const DOC_EXTENSIONS: &[&str] = &[
    "md", "markdown", "mdx", "rst", "adoc", "html", "htm", "txt", "ipynb",
];

/// True for documentation by path.
#[must_use]
pub fn is_docs_path(path: &str) -> bool {
    let mut components: Vec<&str> = path.split('/').collect();
    let name = components.pop().unwrap_or("");
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    components.iter().any(|dir| DOC_DIRS.contains(dir))
        || extension.is_some_and(|e| DOC_EXTENSIONS.contains(&e.as_str()))
}

/// Where the value at `offset` of `file` sits.
#[must_use]
pub fn placement(file: &SourceFile, settings: &SecretsSettings, offset: usize) -> Placement {
    if settings.is_test_path(&file.path) {
        return Placement::TestCode;
    }
    if let Some(found) = placement_in_tree(file, offset) {
        return found;
    }
    if is_docs_path(&file.path) {
        return Placement::Docs;
    }
    Placement::Production
}

fn placement_in_tree(file: &SourceFile, offset: usize) -> Option<Placement> {
    let language = file.kind.language()?;
    let tree = file.tree()?;
    let mut node = tree
        .root_node()
        .descendant_for_byte_range(offset, offset + 1)?;
    loop {
        if node.kind().contains("comment") {
            return Some(Placement::Docs);
        }
        if is_test_scope(file, language, node) {
            return Some(Placement::TestCode);
        }
        node = node.parent()?;
    }
}

fn is_test_scope(file: &SourceFile, language: Language, node: Node<'_>) -> bool {
    match language {
        Language::Rust => match node.kind() {
            "function_item" => attributes_before(file, node).any(|a| a.contains("test")),
            "mod_item" => attributes_before(file, node).any(|a| a.contains("cfg(test)")),
            _ => false,
        },
        Language::Python => {
            let name = node
                .child_by_field_name("name")
                .map_or("", |n| file.text_of(n));
            match node.kind() {
                "function_definition" => name.starts_with("test"),
                "class_definition" => name.starts_with("Test"),
                _ => false,
            }
        }
        _ => {
            // `describe("…", () => …)`, `it(…)`, `test.each(…)(…)`.
            if node.kind() != "call_expression" {
                return false;
            }
            let callee = node
                .child_by_field_name("function")
                .map_or("", |n| file.text_of(n));
            let head = callee.split(['.', '(']).next().unwrap_or("");
            matches!(
                head,
                "describe" | "it" | "test" | "beforeEach" | "beforeAll" | "afterEach" | "afterAll"
            )
        }
    }
}

/// The text of the attributes (`#[…]`) right before a Rust item.
fn attributes_before<'a>(
    file: &'a SourceFile,
    node: Node<'a>,
) -> impl Iterator<Item = &'a str> + 'a {
    std::iter::successors(node.prev_sibling(), |n| n.prev_sibling())
        .take_while(|n| {
            matches!(
                n.kind(),
                "attribute_item" | "line_comment" | "block_comment"
            )
        })
        .filter(|n| n.kind() == "attribute_item")
        .map(|n| file.text_of(n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use redflag_syntax::FileKind;

    fn at(path: &str, kind: FileKind, text: &str, needle: &str) -> Placement {
        let file = SourceFile::new(path.to_string(), kind, text.to_string(), None);
        let offset = text.find(needle).expect("needle");
        placement(&file, &SecretsSettings::default(), offset)
    }

    #[test]
    fn test_functions_and_modules_are_test_code() {
        let rust = "fn main() { let a = \"PROD\"; }\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn t() { let b = \"TEST\"; }\n}\n#[tokio::test]\nasync fn u() { let c = \"ASYNC\"; }\n";
        assert_eq!(
            at("src/lib.rs", FileKind::Rust, rust, "PROD"),
            Placement::Production
        );
        assert_eq!(
            at("src/lib.rs", FileKind::Rust, rust, "TEST"),
            Placement::TestCode
        );
        assert_eq!(
            at("src/lib.rs", FileKind::Rust, rust, "ASYNC"),
            Placement::TestCode
        );
        let python = "KEY = 'PROD'\ndef test_login():\n    key = 'TEST'\nclass TestApi:\n    key = 'CLASS'\n";
        assert_eq!(
            at("app/x.py", FileKind::Python, python, "PROD"),
            Placement::Production
        );
        assert_eq!(
            at("app/x.py", FileKind::Python, python, "TEST"),
            Placement::TestCode
        );
        assert_eq!(
            at("app/x.py", FileKind::Python, python, "CLASS"),
            Placement::TestCode
        );
        let js = "const a = 'PROD';\ndescribe('api', () => { it('logs in', () => { const b = 'TEST'; }); });\n";
        assert_eq!(
            at("src/a.js", FileKind::JavaScript, js, "PROD"),
            Placement::Production
        );
        assert_eq!(
            at("src/a.js", FileKind::JavaScript, js, "TEST"),
            Placement::TestCode
        );
    }

    #[test]
    fn comments_and_documentation_files_are_docs() {
        let rust = "/// ```\n/// connect(\"postgres://u:DOC@db\");\n/// ```\nfn connect() {}\n";
        assert_eq!(
            at("src/lib.rs", FileKind::Rust, rust, "DOC"),
            Placement::Docs
        );
        assert_eq!(
            at("README.md", FileKind::Text, "use `DOC`", "DOC"),
            Placement::Docs
        );
        assert_eq!(
            at("docs/setup.yaml", FileKind::Yaml, "a: DOC", "DOC"),
            Placement::Docs
        );
        assert_eq!(
            at("tests/a.py", FileKind::Python, "a = 'T'", "T"),
            Placement::TestCode
        );
    }
}
