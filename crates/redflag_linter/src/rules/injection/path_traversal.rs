//! `path-traversal`: a request handler opens, serves, writes or deletes a
//! file whose path is built from request data, with no containment check.
//!
//! The sink's path argument is asked of the handler's request flow
//! ([`crate::semantics::request_data`]); what cleans a name (`basename`,
//! `secure_filename`) is a call the flow does not follow, so it is quiet on
//! its own. What remains is the normalise-and-check idiom: a handler that
//! resolves the path (`resolve()`, `realpath`, `path.resolve`,
//! `canonicalize`) and tests the same name for containment (`is_relative_to`,
//! `startswith`, `starts_with`) above the sink is not reported. APIs that
//! contain the path themselves (Flask `send_from_directory`, Express
//! `sendFile` with `root`, `koa-send`, `fastify-static`) are not sinks.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};

use crate::rule::{Diagnostic, NodeContext, Rule, RuleMeta};
use crate::semantics::handlers::{enclosing_handler, Handler};
use crate::semantics::paths::is_test_or_example;
use crate::semantics::request_data::{request_flow, RequestFlow, SourceKind};
use crate::semantics::sink_flow::{
    binding_before, keyword, lines_before, mentions, positional, tainted_names_in,
};
use crate::semantics::{callee_path, rust_in_test_code};
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(PathTraversal { meta: meta() })
}

struct PathTraversal {
    meta: RuleMeta,
}

/// A file API and the arguments that are paths.
struct Sink<'t> {
    api: String,
    paths: Vec<Node<'t>>,
    /// `upload.save(path)`: a sink only when `upload` is an uploaded file.
    upload: Option<Node<'t>>,
}

/// Python module functions that act on a path, by resolved name.
const PY_PATH_FUNCTIONS: &[&str] = &[
    "io.open",
    "codecs.open",
    "aiofiles.open",
    "os.remove",
    "os.unlink",
    "os.rmdir",
    "os.removedirs",
    "os.rename",
    "os.replace",
    "os.open",
    "shutil.rmtree",
    "shutil.copy",
    "shutil.copy2",
    "shutil.copyfile",
    "shutil.copytree",
    "shutil.move",
    "flask.send_file",
    "flask.helpers.send_file",
];

/// `pathlib.Path` methods that read, write or delete the file.
const PATHLIB_METHODS: &[&str] = &[
    "read_text",
    "read_bytes",
    "write_text",
    "write_bytes",
    "open",
    "unlink",
    "rmdir",
];

/// Node `fs` functions that take a path first (two paths for copies and
/// renames).
const JS_FS_FUNCTIONS: &[&str] = &[
    "readFile",
    "readFileSync",
    "createReadStream",
    "createWriteStream",
    "writeFile",
    "writeFileSync",
    "appendFile",
    "appendFileSync",
    "unlink",
    "unlinkSync",
    "rm",
    "rmSync",
    "open",
    "openSync",
    "copyFile",
    "copyFileSync",
    "rename",
    "renameSync",
    "readJson",
    "readJSON",
    "outputFile",
    "remove",
];

/// Modules that export Node's file functions.
const JS_FS_MODULES: &[&str] = &["fs", "fs/promises", "fs-extra", "graceful-fs"];

/// Rust file functions, by last segment, under `std::fs`, `tokio::fs` or
/// `async_std::fs`.
const RS_FS_FUNCTIONS: &[&str] = &[
    "read",
    "read_to_string",
    "write",
    "remove_file",
    "remove_dir_all",
    "copy",
    "rename",
];

fn python_sink<'t>(file: &SourceFile, call: Node<'t>) -> Option<Sink<'t>> {
    let function = call.child_by_field_name("function")?;
    if let Some(sink) = pathlib_sink(file, call, function) {
        return Some(sink);
    }
    // Werkzeug `FileStorage.save(dst)` / Starlette-style uploads: the
    // client also names the file (`f.filename`).
    if function.kind() == "attribute"
        && function
            .child_by_field_name("attribute")
            .is_some_and(|a| file.text_of(a) == "save")
    {
        let receiver = function.child_by_field_name("object")?;
        return Some(Sink {
            api: format!("{}.save", file.text_of(receiver)),
            paths: first_or_keyword(file, call, &["dst"]),
            upload: Some(receiver),
        });
    }
    let callee = callee_path(file, Language::Python, call)?;
    let imports = file.imports();
    let head = callee.split('.').next().unwrap_or(&callee);
    let imported = imports.binding(head).is_some();
    let resolved = imports.resolve(&callee);
    let first_or = |names: &[&str]| -> Vec<Node<'t>> {
        positional(call)
            .first()
            .copied()
            .or_else(|| names.iter().find_map(|n| keyword(file, call, n)))
            .into_iter()
            .collect()
    };
    if callee == "open" && !imported {
        return Some(Sink {
            api: "open".into(),
            paths: first_or(&["file"]),
            upload: None,
        });
    }
    if !imported {
        return None;
    }
    if PY_PATH_FUNCTIONS.contains(&resolved.as_str()) {
        let paths = if resolved.starts_with("os.") || resolved.starts_with("shutil.") {
            positional(call).into_iter().take(2).collect()
        } else {
            first_or(&["file", "path_or_file", "filename_or_fp"])
        };
        return Some(Sink {
            api: resolved,
            paths,
            upload: None,
        });
    }
    // FastAPI/Starlette/aiohttp `FileResponse(path)`; Django's takes an
    // open file, whose `open(...)` is the sink.
    if resolved.ends_with("FileResponse") {
        let paths: Vec<Node<'t>> = first_or(&["path"])
            .into_iter()
            .filter(|p| {
                !(p.kind() == "call"
                    && p.child_by_field_name("function")
                        .is_some_and(|f| file.text_of(f).ends_with("open")))
            })
            .collect();
        return Some(Sink {
            api: resolved,
            paths,
            upload: None,
        });
    }
    None
}

/// The first positional argument, or the first of `names` given as a
/// keyword.
fn first_or_keyword<'t>(file: &SourceFile, call: Node<'t>, names: &[&str]) -> Vec<Node<'t>> {
    positional(call)
        .first()
        .copied()
        .or_else(|| names.iter().find_map(|n| keyword(file, call, n)))
        .into_iter()
        .collect()
}

/// `Path(name).read_text()`, `(BASE / name).open()`, `target.unlink()`
/// where `target` was built with `Path(...)` or `/`.
fn pathlib_sink<'t>(file: &SourceFile, call: Node<'t>, function: Node<'t>) -> Option<Sink<'t>> {
    if function.kind() != "attribute" {
        return None;
    }
    let method = file.text_of(function.child_by_field_name("attribute")?);
    if !PATHLIB_METHODS.contains(&method) {
        return None;
    }
    let receiver = function.child_by_field_name("object")?;
    let is_path_expression = |node: Node<'_>| {
        let text = file.text_of(node);
        let node = if node.kind() == "parenthesized_expression" {
            node.named_child(0).unwrap_or(node)
        } else {
            node
        };
        (node.kind() == "binary_operator"
            && node
                .child_by_field_name("operator")
                .is_some_and(|o| file.text_of(o) == "/"))
            || text.starts_with("Path(")
            || text.starts_with("pathlib.Path(")
            || text.starts_with("PurePath(")
            || text.contains(".joinpath(")
    };
    let path_like = if receiver.kind() == "identifier" {
        let scope = call.parent()?;
        let mut scope = scope;
        while let Some(parent) = scope.parent() {
            if parent.kind() == "function_definition" {
                scope = parent;
                break;
            }
            scope = parent;
        }
        binding_before(file, scope, file.text_of(receiver), call.start_byte())
            .is_some_and(|b| is_path_expression(b.value))
    } else {
        is_path_expression(receiver)
    };
    path_like.then(|| Sink {
        api: format!("Path.{method}"),
        paths: vec![receiver],
        upload: None,
    })
}

/// The object literal arguments of a call set `root` (Express `sendFile`
/// and `download` then refuse paths that leave it).
fn js_has_root_option(file: &SourceFile, call: Node<'_>) -> bool {
    positional(call).iter().any(|arg| {
        arg.kind() == "object" && {
            let mut cursor = arg.walk();
            let found = arg.named_children(&mut cursor).any(|member| {
                let key = match member.kind() {
                    "pair" => member.child_by_field_name("key").map(|k| file.text_of(k)),
                    "shorthand_property_identifier" => Some(file.text_of(member)),
                    _ => None,
                };
                key.is_some_and(|k| k.trim_matches(['"', '\'']) == "root")
            });
            found
        }
    })
}

fn js_sink<'t>(file: &SourceFile, language: Language, call: Node<'t>) -> Option<Sink<'t>> {
    let function = call.child_by_field_name("function")?;
    if function.kind() == "member_expression" {
        let method = function
            .child_by_field_name("property")
            .map_or("", |p| file.text_of(p));
        let receiver = function
            .child_by_field_name("object")
            .map_or("", |o| file.text_of(o));
        // Express `res.sendFile` / `res.download`; Fastify's `reply.sendFile`
        // (fastify-static) always serves from its `root`.
        if matches!(method, "sendFile" | "download")
            && receiver != "reply"
            && !js_has_root_option(file, call)
        {
            return Some(Sink {
                api: format!("{receiver}.{method}"),
                paths: positional(call).into_iter().take(1).collect(),
                upload: None,
            });
        }
    }
    let callee = callee_path(file, language, call)?;
    let imports = file.imports();
    let head = callee.split('.').next().unwrap_or(&callee);
    imports.binding(head)?;
    let resolved = imports.resolve(&callee);
    let resolved = resolved.replace(".default.", ".").replace(".promises.", ".");
    let (module, name) = resolved.rsplit_once('.')?;
    let module = module.strip_prefix("node:").unwrap_or(module);
    if !JS_FS_MODULES.contains(&module) || !JS_FS_FUNCTIONS.contains(&name) {
        return None;
    }
    let count = if matches!(name, "copyFile" | "copyFileSync" | "rename" | "renameSync") {
        2
    } else {
        1
    };
    Some(Sink {
        api: format!("{}.{name}", if module == "fs/promises" { "fs" } else { module }),
        paths: positional(call).into_iter().take(count).collect(),
        upload: None,
    })
}

fn rust_sink<'t>(file: &SourceFile, call: Node<'t>) -> Option<Sink<'t>> {
    let callee = callee_path(file, Language::Rust, call)?;
    let resolved = file.imports().resolve(&callee);
    let segments: Vec<&str> = resolved.split("::").collect();
    let last = *segments.last()?;
    let owner = segments.len().checked_sub(2).map_or("", |i| segments[i]);
    let in_fs_module = segments.len() >= 2
        && owner == "fs"
        && (segments.len() == 2 || matches!(segments[0], "std" | "tokio" | "async_std"));
    let is_sink = (in_fs_module && RS_FS_FUNCTIONS.contains(&last))
        || (owner == "File" && matches!(last, "open" | "create"))
        || (owner == "NamedFile" && matches!(last, "open" | "open_async"));
    if !is_sink {
        return None;
    }
    let count = if matches!(last, "copy" | "rename") { 2 } else { 1 };
    Some(Sink {
        api: if segments.len() > 2 {
            segments[segments.len() - 2..].join("::")
        } else {
            resolved.clone()
        },
        paths: positional(call).into_iter().take(count).collect(),
        upload: None,
    })
}

/// Calls that make a path absolute and free of `..` before it is checked.
const NORMALISERS: &[&str] = &[
    "resolve(",
    "realpath(",
    "abspath(",
    "normpath(",
    "normalize(",
    "canonicalize(",
    "safe_join(",
];

/// Tests that a normalised path lies under a base directory.
const CONTAINMENT_CHECKS: &[&str] = &[
    "is_relative_to(",
    "relative_to(",
    "commonpath(",
    "startswith(",
    "startsWith(",
    "starts_with(",
    "path.relative(",
];

/// True when the handler, above the sink, normalises a path and tests one
/// of `names` for containment.
fn checked_before(file: &SourceFile, handler: &Handler<'_>, sink: Node<'_>, names: &[String]) -> bool {
    let lines = lines_before(file, handler.node, sink.start_byte());
    let normalised = lines
        .iter()
        .any(|line| NORMALISERS.iter().any(|n| line.contains(n)));
    normalised
        && lines.iter().any(|line| {
            CONTAINMENT_CHECKS.iter().any(|c| line.contains(c))
                && names.iter().any(|name| mentions(line, name))
        })
}

fn help(language: Language) -> &'static str {
    match language {
        Language::Python => "serve from a fixed directory with `send_from_directory(UPLOAD_DIR, name)` (Flask) or reduce the name to one component with `werkzeug.utils.secure_filename(name)` / `os.path.basename(name)`; otherwise resolve it and check containment before use: `target = (BASE / name).resolve()` then `if not target.is_relative_to(BASE): abort(404)`",
        Language::Rust => "accept a file name, not a path: reject anything but one normal component (`Path::new(&name).file_name()` equal to the input), or `canonicalize()` the joined path and check `full.starts_with(&base)` before opening it; `tower_http::services::ServeDir` / `actix_files::Files` serve a directory safely",
        _ => "pass a root so Express refuses paths that leave it: `res.sendFile(name, { root: UPLOAD_DIR })`; or reduce the name with `path.basename(name)`; or resolve and check: `const full = path.resolve(ROOT, name); if (!full.startsWith(ROOT + path.sep)) return res.sendStatus(404);`",
    }
}

impl Rule for PathTraversal {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    /// Tests and examples read the files they name.
    fn applies_to(&self, path: &str) -> bool {
        !is_test_or_example(path)
    }

    fn prefilter(&self, language: Language) -> Option<Vec<Vec<String>>> {
        let words: &[&str] = match language {
            Language::Python => &["open", "send_file", "FileResponse", "os.", "shutil", "read_", "write_", "unlink", "rmdir", ".save("],
            Language::Rust => &["fs::", "File::", "NamedFile"],
            _ => &["fs", "sendFile", "download"],
        };
        Some(vec![words.iter().map(|w| (*w).to_string()).collect()])
    }

    fn node_kinds(&self, language: Language) -> Vec<String> {
        let kind = if language == Language::Python { "call" } else { "call_expression" };
        vec![kind.to_string()]
    }

    fn check_node(&self, node: Node<'_>, ctx: &mut NodeContext<'_>) {
        let file = ctx.file;
        let language = ctx.language();
        let sink = match language {
            Language::Python => python_sink(file, node),
            Language::Rust => rust_sink(file, node),
            _ => js_sink(file, language, node),
        };
        let Some(sink) = sink else {
            return;
        };
        if language == Language::Rust && rust_in_test_code(file, ctx.ancestors) {
            return;
        }
        let Some(handler) = enclosing_handler(file, ctx.ancestors) else {
            return;
        };
        let flow = request_flow(file, &handler);
        if let Some(upload) = sink.upload {
            let uploaded = flow
                .origin(file, upload)
                .is_some_and(|o| o.kind == SourceKind::Files);
            if !uploaded {
                return;
            }
        }
        let Some((path, origin)) = sink
            .paths
            .iter()
            .filter_map(|p| flow.origin(file, *p).map(|o| (*p, o)))
            .find(|(p, o)| !is_stored_upload(file, *p, o.kind))
        else {
            return;
        };
        if reduced_to_file_name(file, &handler, path, 0) {
            return;
        }
        let names = names_for_guard(file, &flow, path);
        if checked_before(file, &handler, node, &names) {
            return;
        }
        ctx.report(
            Diagnostic::new(
                path.byte_range(),
                format!(
                    "`{}` in {} gets a file path built from {} ({}) with no containment check: `../` segments or an absolute path reach any file the service can read or write",
                    sink.api,
                    handler.describe(),
                    origin.describe(),
                    origin.kind.noun()
                ),
            )
            .help(help(language)),
        );
    }
}

/// Where the server stored an upload (multer's `req.file.path`,
/// express-fileupload's `tempFilePath`): a name the server chose.
fn is_stored_upload(file: &SourceFile, path: Node<'_>, kind: SourceKind) -> bool {
    let text = file.text_of(path);
    kind == SourceKind::Files && (text.ends_with(".path") || text.ends_with(".tempFilePath"))
}

/// How many bindings are followed back looking for a file-name reduction.
const MAX_DEPTH: usize = 3;

/// Rust `Path::new(&name).file_name()` keeps the last component only, like
/// `basename`: the path argument, or a local it was built from, applies it.
fn reduced_to_file_name(file: &SourceFile, handler: &Handler<'_>, path: Node<'_>, depth: usize) -> bool {
    if file.kind.language() != Some(Language::Rust) {
        return false;
    }
    if file.text_of(path).contains(".file_name()") {
        return true;
    }
    if depth >= MAX_DEPTH {
        return false;
    }
    let mut names = Vec::new();
    crate::semantics::walk(path, |node| {
        if node.kind() == "identifier" {
            names.push(node);
        }
        true
    });
    names.into_iter().any(|name| {
        binding_before(file, handler.node, file.text_of(name), name.start_byte())
            .is_some_and(|b| !b.destructured && reduced_to_file_name(file, handler, b.value, depth + 1))
    })
}

/// The request-data names of the path argument, and the argument itself
/// when it is a plain name: what a guard line would mention.
fn names_for_guard(file: &SourceFile, flow: &RequestFlow, path: Node<'_>) -> Vec<String> {
    let mut names = tainted_names_in(file, flow, path);
    if path.kind() == "identifier" {
        let name = file.text_of(path).to_string();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

const DOCS: &str = r#"
## What it does
Finds request handlers that open, serve, write or delete a file at a path
built from request data (route parameters, query string, body, headers),
followed through local names, string building and path joins
(`os.path.join`, `BASE / name`, `path.join`, `PathBuf::from`, `.join`).
Sinks: Python `open`, `io.open`, `aiofiles.open`, `pathlib.Path`
`read_text`/`read_bytes`/`write_*`/`open`/`unlink`, Flask `send_file`,
FastAPI/Starlette/aiohttp `FileResponse`, `os.remove`/`unlink`/`rename`,
`shutil` copies, moves and `rmtree`, and an uploaded file's `save(path)`
(Werkzeug `FileStorage`, whose `filename` the client chooses); Node `fs` (also `fs/promises`,
`fs-extra`) reads, writes, streams, `unlink`, `rm`, copies and renames,
Express `res.sendFile`/`res.download` without a `root` option; Rust
`std::fs`/`tokio::fs` reads, writes and removals, `File::open`/`create`,
actix-files `NamedFile::open`.

## Why it matters
Checklist TASK-3.1 (inputs validated before use) and SCOPE-4.6 (OWASP
Top 10), red flag RF-2. A name such as `../../etc/passwd`, `..%2f..%2f.env`
once decoded, or an absolute path (`os.path.join(BASE, "/etc/passwd")` is
`/etc/passwd`) walks out of the intended directory: the client downloads
source code, keys and configuration, or overwrites and deletes files.

## Example
```python
@app.get("/invoices/<name>")
def invoice(name):
    return send_file(os.path.join(INVOICE_DIR, name))
```

## Use instead
```python
@app.get("/invoices/<name>")
def invoice(name):
    return send_from_directory(INVOICE_DIR, name)
```
Reduce the name to one component (`secure_filename`, `os.path.basename`,
`path.basename`, Rust `Path::new(&name).file_name()`), serve through an API that contains it
(`send_from_directory`, `res.sendFile(name, { root })`, `koa-send`,
`ServeDir`), or resolve and check in the handler before the sink:
`target = (BASE / name).resolve()` with `target.is_relative_to(BASE)`,
`path.resolve(ROOT, name)` with `.startsWith(ROOT + path.sep)`,
`canonicalize()` with `starts_with(&base)`.

## Configuration
Select or ignore it by name, `TASK-3.1`, `SCOPE-4.6` or `RF-2`. Tests and
examples are not checked. A check counts when a line of the handler above
the sink normalises a path and tests the same name for containment. Not
seen: paths built or checked in another function (helpers, middleware),
data that reaches the handler through a database row, a denylist of `..`
(not accepted as a check), and file APIs other than those listed
(`send` streams, template loaders, archive extraction).
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("path-traversal", "TASK-3.1")
        .red_flag("RF-2")
        .severity(Severity::Error)
        .confidence(Confidence::High)
        .summary("A request handler opens, serves or deletes a file at a path built from request data without a containment check (path traversal).")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Rust])
        .tags(&["security", "injection"])
        .cwe(&["CWE-22"])
        .security_severity(7.5)
        .docs(DOCS)
        .invalid(
            FileKind::Python,
            r#"
            import os
            import shutil
            from pathlib import Path

            from flask import Flask, request, send_file

            app = Flask(__name__)
            INVOICES = Path("/srv/invoices")

            @app.get("/invoices/<name>")
            def invoice(name):
                return send_file(os.path.join(INVOICES, name))

            @app.get("/reports")
            def report():
                target = INVOICES / request.args["file"]
                return target.read_text()

            @app.post("/exports/delete")
            def delete_export():
                body = request.get_json()
                shutil.rmtree(f"/srv/exports/{body['folder']}")
                return "", 204
            "#,
            3,
        )
        .invalid(
            FileKind::Python,
            r#"
            from fastapi import FastAPI
            from fastapi.responses import FileResponse

            app = FastAPI()

            @app.get("/avatars/{filename}")
            async def avatar(filename: str):
                return FileResponse(f"static/avatars/{filename}")

            @app.get("/logs")
            async def logs(name: str):
                with open("/var/log/app/" + name) as fh:
                    return {"lines": fh.readlines()[-100:]}
            "#,
            2,
        )
        .valid(
            FileKind::Python,
            r#"
            import os
            from pathlib import Path

            from flask import Flask, abort, request, send_file, send_from_directory
            from werkzeug.utils import secure_filename

            app = Flask(__name__)
            INVOICES = Path("/srv/invoices").resolve()

            @app.get("/invoices/<name>")
            def invoice(name):
                return send_from_directory(INVOICES, name)

            @app.post("/uploads")
            def upload():
                f = request.files["file"]
                f.save(os.path.join("/srv/uploads", secure_filename(f.filename)))
                return "", 201

            @app.get("/reports")
            def report():
                target = (INVOICES / request.args["file"]).resolve()
                if not target.is_relative_to(INVOICES):
                    abort(404)
                return send_file(target)

            @app.get("/thumbs/<name>")
            def thumb(name):
                with open(os.path.join("/srv/thumbs", os.path.basename(name)), "rb") as fh:
                    return fh.read()
            "#,
        )
        .invalid(
            FileKind::JavaScript,
            r#"
            const express = require("express");
            const fs = require("fs");
            const path = require("path");

            const app = express();

            app.get("/files/:name", (req, res) => {
              res.sendFile(path.join(__dirname, "uploads", req.params.name));
            });

            app.get("/docs", async (req, res) => {
              const text = await fs.promises.readFile(`./docs/${req.query.page}.md`, "utf8");
              res.type("text/markdown").send(text);
            });

            app.delete("/attachments", (req, res) => {
              const { file } = req.body;
              fs.unlinkSync(path.join(ATTACHMENTS, file));
              res.sendStatus(204);
            });
            "#,
            3,
        )
        .valid(
            FileKind::TypeScript,
            r#"
            import express from "express";
            import { readFile } from "fs/promises";
            import path from "path";

            const app = express();
            const DOCS = path.resolve("docs");

            app.get("/files/:name", (req, res) => {
              res.sendFile(req.params.name, { root: path.join(__dirname, "uploads") });
            });

            app.get("/avatars/:name", (req, res) => {
              res.sendFile(path.join(__dirname, "avatars", path.basename(req.params.name)));
            });

            app.get("/docs", async (req, res) => {
              const full = path.resolve(DOCS, String(req.query.page));
              if (!full.startsWith(DOCS + path.sep)) {
                return res.sendStatus(404);
              }
              res.send(await readFile(full, "utf8"));
            });
            "#,
        )
        .invalid(
            FileKind::Rust,
            r#"
            use std::path::PathBuf;

            use actix_files::NamedFile;
            use actix_web::{get, web};
            use axum::extract::{Path, Query};
            use serde::Deserialize;

            #[derive(Deserialize)]
            struct Export {
                name: String,
            }

            async fn download(Path(name): Path<String>) -> Result<Vec<u8>, AppError> {
                Ok(tokio::fs::read(format!("./exports/{name}")).await?)
            }

            async fn template(Query(q): Query<Export>) -> Result<String, AppError> {
                let path = PathBuf::from("templates").join(&q.name);
                Ok(std::fs::read_to_string(path)?)
            }

            #[get("/static/{file}")]
            async fn asset(file: web::Path<String>) -> actix_web::Result<NamedFile> {
                Ok(NamedFile::open(format!("assets/{}", file.into_inner()))?)
            }
            "#,
            3,
        )
        .valid(
            FileKind::Rust,
            r#"
            use std::path::{Path as FsPath, PathBuf};

            use axum::extract::Path;
            use axum::http::StatusCode;

            async fn download(Path(name): Path<String>) -> Result<Vec<u8>, StatusCode> {
                let base = PathBuf::from("/srv/exports").canonicalize().map_err(|_| StatusCode::NOT_FOUND)?;
                let full = base.join(&name).canonicalize().map_err(|_| StatusCode::NOT_FOUND)?;
                if !full.starts_with(&base) {
                    return Err(StatusCode::NOT_FOUND);
                }
                tokio::fs::read(&full).await.map_err(|_| StatusCode::NOT_FOUND)
            }

            async fn report(Path(id): Path<u64>) -> Result<String, StatusCode> {
                std::fs::read_to_string(format!("/srv/reports/{id}.csv")).map_err(|_| StatusCode::NOT_FOUND)
            }
            "#,
        )
}

#[cfg(test)]
mod tests {
    use crate::engine::findings_of_rule;
    use redflag_syntax::FileKind;

    fn findings(path: &str, kind: FileKind, code: &str) -> Vec<String> {
        findings_of_rule("path-traversal", path, kind, code)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn an_async_fn_taking_a_std_path_reference_is_not_a_handler() {
        let found = findings(
            "src/fs/read.rs",
            FileKind::Rust,
            r#"
            use std::path::Path;

            async fn read_spawn_blocking(path: &Path) -> std::io::Result<Vec<u8>> {
                let path = path.to_owned();
                asyncify(move || std::fs::read(path)).await
            }
            "#,
        );
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn message_names_the_sink_the_handler_and_the_source() {
        let found = findings(
            "app/views.py",
            FileKind::Python,
            r#"
            from flask import Flask, request, send_file
            app = Flask(__name__)

            @app.get("/download")
            def download():
                name = request.args.get("name", "")
                return send_file("/srv/files/" + name)
            "#,
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with("`flask.send_file` in route handler `download` gets a file path built from `request.args` (via `name`) (query string)"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn a_check_without_normalising_is_not_a_check() {
        let code = r#"
            import os
            from flask import Flask, request
            app = Flask(__name__)

            @app.get("/read")
            def read():
                full = os.path.join("/srv/files", request.args["f"])
                if not full.startswith("/srv/files"):
                    return "no", 404
                return open(full).read()
            "#;
        assert_eq!(findings("app/views.py", FileKind::Python, code).len(), 1);
        let normalised = code.replace("os.path.join(", "os.path.realpath(os.path.join(").replace("[\"f\"])", "[\"f\"]))");
        assert!(findings("app/views.py", FileKind::Python, &normalised).is_empty());
    }

    #[test]
    fn files_outside_handlers_and_constant_paths_are_quiet() {
        let code = r#"
            import json

            def load_config(name):
                with open(f"config/{name}.json") as fh:
                    return json.load(fh)

            @app.get("/health")
            def health():
                return open("VERSION").read()
            "#;
        assert!(findings("app/config.py", FileKind::Python, code).is_empty());
    }

    #[test]
    fn uploads_saved_under_the_client_file_name() {
        let code = r#"
            import os
            from flask import Flask, request
            from werkzeug.utils import secure_filename
            app = Flask(__name__)

            @app.post("/avatars")
            def avatar():
                f = request.files["avatar"]
                f.save(os.path.join("/srv/avatars", f.filename))
                f.save(os.path.join("/srv/avatars", secure_filename(f.filename)))
                profile.save(os.path.join("/srv/avatars", request.form["name"]))
                return "", 201
            "#;
        let found = findings("app/views.py", FileKind::Python, code);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].starts_with("`f.save` in route handler `avatar` gets a file path built from `request.files` (via `f`) (uploaded file)"), "{}", found[0]);
    }

    #[test]
    fn rust_file_name_and_multer_stored_paths() {
        let rust = r#"
            use actix_files::NamedFile;
            use actix_web::{get, web};

            #[get("/files/{name}")]
            async fn files(name: web::Path<String>) -> actix_web::Result<NamedFile> {
                let file = std::path::Path::new(name.as_str()).file_name().unwrap_or_default().to_owned();
                Ok(NamedFile::open(std::path::Path::new("./static").join(file))?)
            }
            "#;
        assert!(findings("src/files.rs", FileKind::Rust, rust).is_empty());
        let js = r#"
            const fs = require("fs/promises");
            const path = require("path");
            app.post("/upload", upload.single("file"), async (req, res) => {
              await fs.rename(req.file.path, path.join("public", req.file.originalname));
              await fs.unlink(req.file.path);
              res.sendStatus(201);
            });
            "#;
        let found = findings("src/upload.js", FileKind::JavaScript, js);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].starts_with("`fs.rename`"), "{}", found[0]);
    }

    #[test]
    fn django_file_response_reports_the_open_once() {
        let code = r#"
            from django.http import FileResponse

            def download(request):
                name = request.GET["name"]
                return FileResponse(open(f"/srv/media/{name}", "rb"))
            "#;
        let found = findings("shop/views.py", FileKind::Python, code);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].starts_with("`open`"), "{}", found[0]);
    }

    #[test]
    fn express_root_option_and_fastify_reply_are_contained() {
        let code = r#"
            import fs from "fs/promises";
            export async function routes(app) {
              app.get("/a/:n", async (request, reply) => reply.sendFile(request.params.n));
              app.get("/b/:n", async (request, reply) => fs.readFile(`/data/${request.params.n}`));
            }
            "#;
        let found = findings("src/routes.js", FileKind::JavaScript, code);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].starts_with("`fs.readFile`"), "{}", found[0]);
    }
}
