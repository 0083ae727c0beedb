//! What each local name of a file was imported as.
//!
//! Rules ask "is this call `time.sleep`?" about code that may have written
//! `from time import sleep` or `import time as t`; `fs.readFileSync` after
//! `import * as fs from "node:fs"`; `fs::read` after `use std::fs` — or after
//! `use tokio::fs`, which is a different function. The import table maps
//! local names to the full path they stand for, so callee paths can be
//! resolved before they are compared.

use std::collections::HashMap;

use redflag_syntax::tree_sitter::{Node, Tree};
use redflag_syntax::Language;

use super::compact;

/// The text of a file being read, for node texts.
#[derive(Clone, Copy)]
struct Source<'a>(&'a str);

impl Source<'_> {
    fn text_of(&self, node: Node<'_>) -> &str {
        self.0.get(node.byte_range()).unwrap_or("")
    }
}

/// Local name → full path (`t` → `time`, `sleep` → `time.sleep`,
/// `fs` → `std::fs`). Paths use the language's separator.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Imports {
    bindings: HashMap<String, String>,
    separator: &'static str,
    /// Every module the file imports, as written (`express`,
    /// `./routes/users`, `fastapi.security`, `tower_http::cors::CorsLayer`).
    modules: Vec<String>,
}

impl Imports {
    /// Collects every import of a code file, wherever it appears.
    #[must_use]
    pub fn collect(language: Language, text: &str, tree: &Tree) -> Imports {
        let file = Source(text);
        let mut imports = Imports {
            bindings: HashMap::new(),
            modules: Vec::new(),
            separator: if language == Language::Rust {
                "::"
            } else {
                "."
            },
        };
        let mut cursor = tree.walk();
        loop {
            let node = cursor.node();
            let mut descend = true;
            match (language, node.kind()) {
                (Language::Python, "import_statement") => {
                    imports.python_import(file, node);
                    descend = false;
                }
                (Language::Python, "import_from_statement") => {
                    imports.python_from_import(file, node);
                    descend = false;
                }
                (Language::Rust, "use_declaration") => {
                    imports.rust_use(file, node);
                    descend = false;
                }
                (l, "import_statement") if l.is_js_family() => {
                    imports.js_import(file, node);
                    descend = false;
                }
                (l, "variable_declarator") if l.is_js_family() => imports.js_require(file, node),
                _ => {}
            }
            if descend && cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return imports;
                }
            }
        }
    }

    /// The full path a local name was imported as.
    #[must_use]
    pub fn binding(&self, name: &str) -> Option<&str> {
        self.bindings.get(name).map(String::as_str)
    }

    /// Resolves a dotted (or `::`) path whose first segment may be an
    /// imported name: `t.sleep` → `time.sleep`, `fs::read` → `std::fs::read`.
    #[must_use]
    pub fn resolve(&self, path: &str) -> String {
        let sep = if self.separator.is_empty() {
            "."
        } else {
            self.separator
        };
        let (head, rest) = match path.split_once(sep) {
            Some((head, rest)) => (head, Some(rest)),
            None => (path, None),
        };
        match (self.bindings.get(head), rest) {
            (Some(full), Some(rest)) => format!("{full}{sep}{rest}"),
            (Some(full), None) => full.clone(),
            (None, _) => path.to_string(),
        }
    }

    /// Every module the file imports, in source order.
    #[must_use]
    pub fn modules(&self) -> &[String] {
        &self.modules
    }

    fn bind(&mut self, local: &str, full: String) {
        if !local.is_empty() && !full.is_empty() {
            self.bindings.insert(local.to_string(), full);
        }
    }

    fn python_import(&mut self, file: Source<'_>, node: Node<'_>) {
        let mut cursor = node.walk();
        for name in node.children_by_field_name("name", &mut cursor) {
            match name.kind() {
                // `import os.path` binds `os`.
                "dotted_name" => {
                    let full = compact(file.text_of(name));
                    self.modules.push(full.clone());
                    let head = full.split('.').next().unwrap_or("").to_string();
                    self.bind(&head.clone(), head);
                }
                "aliased_import" => {
                    let (Some(path), Some(alias)) = (
                        name.child_by_field_name("name"),
                        name.child_by_field_name("alias"),
                    ) else {
                        continue;
                    };
                    let full = compact(file.text_of(path));
                    self.modules.push(full.clone());
                    self.bind(file.text_of(alias), full);
                }
                _ => {}
            }
        }
    }

    fn python_from_import(&mut self, file: Source<'_>, node: Node<'_>) {
        let Some(module) = node.child_by_field_name("module_name") else {
            return;
        };
        let module = compact(file.text_of(module));
        self.modules.push(module.clone());
        let mut cursor = node.walk();
        for name in node.children_by_field_name("name", &mut cursor) {
            match name.kind() {
                "dotted_name" => {
                    let imported = compact(file.text_of(name));
                    self.bind(&imported, format!("{module}.{imported}"));
                }
                "aliased_import" => {
                    let (Some(path), Some(alias)) = (
                        name.child_by_field_name("name"),
                        name.child_by_field_name("alias"),
                    ) else {
                        continue;
                    };
                    let imported = compact(file.text_of(path));
                    self.bind(file.text_of(alias), format!("{module}.{imported}"));
                }
                _ => {}
            }
        }
    }

    fn js_import(&mut self, file: Source<'_>, node: Node<'_>) {
        let Some(source) = node.child_by_field_name("source") else {
            // TypeScript `import fs = require("fs")`.
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                if child.kind() == "import_require_clause" {
                    let name = child.named_child(0).map(|n| file.text_of(n)).unwrap_or("");
                    let module = child
                        .child_by_field_name("source")
                        .map(|s| js_module_name(file.text_of(s)))
                        .unwrap_or_default();
                    self.modules.push(module.clone());
                    self.bind(name, module);
                }
            }
            return;
        };
        let module = js_module_name(file.text_of(source));
        self.modules.push(module.clone());
        let mut cursor = node.walk();
        for clause in node.named_children(&mut cursor) {
            if clause.kind() != "import_clause" {
                continue;
            }
            let mut inner = clause.walk();
            for part in clause.named_children(&mut inner) {
                match part.kind() {
                    "identifier" => self.bind(file.text_of(part), module.clone()),
                    "namespace_import" => {
                        if let Some(name) = part.named_child(0) {
                            self.bind(file.text_of(name), module.clone());
                        }
                    }
                    "named_imports" => {
                        let mut specs = part.walk();
                        for spec in part.named_children(&mut specs) {
                            let Some(name) = spec.child_by_field_name("name") else {
                                continue;
                            };
                            let imported = file.text_of(name).trim_matches(['"', '\'']);
                            let local = spec
                                .child_by_field_name("alias")
                                .map_or(imported, |a| file.text_of(a));
                            self.bind(local, format!("{module}.{imported}"));
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    /// `const fs = require("fs")` and `const { execSync: run } = require("child_process")`.
    fn js_require(&mut self, file: Source<'_>, node: Node<'_>) {
        let (Some(name), Some(value)) = (
            node.child_by_field_name("name"),
            node.child_by_field_name("value"),
        ) else {
            return;
        };
        let Some(module) = require_target(file, value) else {
            return;
        };
        self.modules.push(module.clone());
        match name.kind() {
            "identifier" => self.bind(file.text_of(name), module),
            "object_pattern" => {
                let mut cursor = name.walk();
                for prop in name.named_children(&mut cursor) {
                    match prop.kind() {
                        "shorthand_property_identifier_pattern" => {
                            let imported = file.text_of(prop);
                            self.bind(imported, format!("{module}.{imported}"));
                        }
                        "pair_pattern" => {
                            let (Some(key), Some(local)) = (
                                prop.child_by_field_name("key"),
                                prop.child_by_field_name("value"),
                            ) else {
                                continue;
                            };
                            if local.kind() == "identifier" {
                                let imported = file.text_of(key);
                                self.bind(file.text_of(local), format!("{module}.{imported}"));
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    /// `use` trees, iteratively: `use std::{fs, thread::sleep as nap};`.
    fn rust_use(&mut self, file: Source<'_>, node: Node<'_>) {
        let Some(argument) = node.child_by_field_name("argument") else {
            return;
        };
        let mut stack: Vec<(String, Node<'_>)> = vec![(String::new(), argument)];
        while let Some((prefix, tree)) = stack.pop() {
            let join = |tail: &str| {
                if prefix.is_empty() {
                    tail.to_string()
                } else {
                    format!("{prefix}::{tail}")
                }
            };
            match tree.kind() {
                "identifier" | "scoped_identifier" | "crate" | "super" => {
                    let path = join(&compact(file.text_of(tree)));
                    self.modules.push(path.clone());
                    let local = path.rsplit("::").next().unwrap_or("").to_string();
                    self.bind(&local, path);
                }
                "self" => {
                    // `use std::fs::{self}` binds `fs`.
                    let local = prefix.rsplit("::").next().unwrap_or("").to_string();
                    self.modules.push(prefix.clone());
                    self.bind(&local, prefix.clone());
                }
                "use_as_clause" => {
                    let (Some(path), Some(alias)) = (
                        tree.child_by_field_name("path"),
                        tree.child_by_field_name("alias"),
                    ) else {
                        continue;
                    };
                    let full = join(&compact(file.text_of(path)));
                    self.modules.push(full.clone());
                    self.bind(file.text_of(alias), full);
                }
                "scoped_use_list" => {
                    let inner_prefix = tree
                        .child_by_field_name("path")
                        .map_or(prefix.clone(), |p| join(&compact(file.text_of(p))));
                    if let Some(list) = tree.child_by_field_name("list") {
                        stack.push((inner_prefix, list));
                    }
                }
                "use_list" => {
                    let mut cursor = tree.walk();
                    for item in tree.named_children(&mut cursor) {
                        stack.push((prefix.clone(), item));
                    }
                }
                _ => {}
            }
        }
    }
}

/// `require("x")` → `x`.
fn require_target(file: Source<'_>, value: Node<'_>) -> Option<String> {
    if value.kind() != "call_expression" {
        return None;
    }
    let function = value.child_by_field_name("function")?;
    if file.text_of(function) != "require" {
        return None;
    }
    let arguments = value.child_by_field_name("arguments")?;
    let first = arguments.named_child(0)?;
    (first.kind() == "string").then(|| js_module_name(file.text_of(first)))
}

/// `"node:fs"` → `fs`.
fn js_module_name(literal: &str) -> String {
    let name = literal.trim_matches(['"', '\'', '`']);
    name.strip_prefix("node:").unwrap_or(name).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use redflag_syntax::FileKind;

    fn imports(kind: FileKind, code: &str) -> Imports {
        let language = kind.language().unwrap();
        let tree = redflag_syntax::parse::parse(language, code).unwrap();
        Imports::collect(language, code, &tree)
    }

    #[test]
    fn python_imports_in_every_form() {
        let found = imports(
            FileKind::Python,
            "import time as t, os.path\nfrom urllib.request import urlopen as uo\nfrom subprocess import run\ndef f():\n    import requests\n",
        );
        assert_eq!(found.resolve("t.sleep"), "time.sleep");
        assert_eq!(found.resolve("os.path.join"), "os.path.join");
        assert_eq!(found.resolve("uo"), "urllib.request.urlopen");
        assert_eq!(found.resolve("run"), "subprocess.run");
        assert_eq!(found.resolve("requests.get"), "requests.get");
        assert_eq!(found.resolve("open"), "open");
        assert_eq!(
            found.modules(),
            [
                "time",
                "os.path",
                "urllib.request",
                "subprocess",
                "requests"
            ]
        );
    }

    #[test]
    fn js_imports_and_requires() {
        let found = imports(
            FileKind::JavaScript,
            "import fs, { readFileSync as rf } from 'node:fs';\nimport * as cp from \"child_process\";\nconst { execSync, spawnSync: ss } = require('child_process');\nconst bc = require('bcrypt');\n",
        );
        assert_eq!(found.resolve("fs.writeFileSync"), "fs.writeFileSync");
        assert_eq!(found.resolve("rf"), "fs.readFileSync");
        assert_eq!(found.resolve("cp.execSync"), "child_process.execSync");
        assert_eq!(found.resolve("execSync"), "child_process.execSync");
        assert_eq!(found.resolve("ss"), "child_process.spawnSync");
        assert_eq!(found.resolve("bc.hashSync"), "bcrypt.hashSync");
        assert_eq!(
            found.modules(),
            ["fs", "child_process", "child_process", "bcrypt"]
        );
    }

    #[test]
    fn typescript_import_require() {
        let found = imports(FileKind::TypeScript, "import fs = require('fs');\n");
        assert_eq!(found.resolve("fs.readFileSync"), "fs.readFileSync");
    }

    #[test]
    fn rust_use_trees() {
        let found = imports(
            FileKind::Rust,
            "use std::{fs, thread::sleep as nap, process::{self, Command}};\nuse tokio::fs as tfs;\nfn f() { use std::fs::File; }\n",
        );
        assert_eq!(found.resolve("fs::read"), "std::fs::read");
        assert_eq!(found.resolve("nap"), "std::thread::sleep");
        assert_eq!(found.resolve("Command::new"), "std::process::Command::new");
        assert_eq!(found.resolve("process::exit"), "std::process::exit");
        assert_eq!(found.resolve("tfs::read"), "tokio::fs::read");
        assert_eq!(found.resolve("File::open"), "std::fs::File::open");
    }
}
