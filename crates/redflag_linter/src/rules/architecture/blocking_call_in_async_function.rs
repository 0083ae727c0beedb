//! `blocking-call-in-async-function`: synchronous sleeps, file and network
//! I/O, subprocesses and CPU-heavy hashing inside `async` code, where they
//! stall the event loop for every request it serves.

use std::ops::Range;

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};
use syn::visit::Visit;

use crate::rule::{Diagnostic, NodeContext, Rule, RuleMeta};
use crate::semantics::paths::is_test_or_example;
use crate::semantics::{
    callee_path, describe_context, execution_context, is_offloading_callee, rust_in_test_code, ExecutionContext,
};
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(BlockingCallInAsyncFunction { meta: meta() })
}

struct BlockingCallInAsyncFunction {
    meta: RuleMeta,
}

/// A call known to block, and what to use instead.
struct Blocker {
    call: String,
    instead: &'static str,
    confidence: Confidence,
}

const PYTHON_CANDIDATES: &[&str] = &[
    "sleep",
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "request",
    "urlopen",
    "run",
    "call",
    "check_call",
    "check_output",
    "system",
    "open",
];

fn python_blocker(resolved: &str, bare_open: bool) -> Option<Blocker> {
    let blocker = |instead, confidence| {
        Some(Blocker {
            call: resolved.to_string(),
            instead,
            confidence,
        })
    };
    let http = "use an async client (`httpx.AsyncClient`, `aiohttp`) or `await asyncio.to_thread(...)`";
    match resolved {
        "time.sleep" => blocker("use `await asyncio.sleep(...)`", Confidence::High),
        "urllib.request.urlopen" => blocker(http, Confidence::High),
        "subprocess.run" | "subprocess.call" | "subprocess.check_call" | "subprocess.check_output" | "os.system" => {
            blocker("use `await asyncio.create_subprocess_exec(...)`", Confidence::High)
        }
        "open" if bare_open => blocker(
            "use `aiofiles.open(...)` or read the file with `await asyncio.to_thread(...)`",
            Confidence::Medium,
        ),
        _ => {
            let (module, function) = resolved.rsplit_once('.')?;
            let is_requests = module == "requests" || module == "requests.api";
            let verb = matches!(
                function,
                "get" | "post" | "put" | "patch" | "delete" | "head" | "options" | "request"
            );
            (is_requests && verb).then(|| Blocker {
                call: resolved.to_string(),
                instead: http,
                confidence: Confidence::High,
            })
        }
    }
}

fn js_blocker(resolved: &str) -> Option<Blocker> {
    let (module, function) = resolved.rsplit_once('.')?;
    let instead = match module {
        "fs" | "fs-extra" | "graceful-fs" if function.ends_with("Sync") => {
            "use the promise API (`await fs.promises.readFile(...)`)"
        }
        "child_process" if matches!(function, "execSync" | "execFileSync" | "spawnSync") => {
            "use the asynchronous `exec`/`execFile`/`spawn` (promisified)"
        }
        "crypto" if matches!(function, "pbkdf2Sync" | "scryptSync" | "generateKeyPairSync") => {
            "use the callback form (`crypto.pbkdf2`, `crypto.scrypt`) through `util.promisify`"
        }
        "bcrypt" | "bcryptjs" if matches!(function, "hashSync" | "compareSync" | "genSaltSync") => {
            "use `await bcrypt.hash(...)` / `await bcrypt.compare(...)`"
        }
        "zlib" if function.ends_with("Sync") => "use the callback or stream API of `zlib`",
        _ => return None,
    };
    Some(Blocker {
        call: resolved.to_string(),
        instead,
        confidence: Confidence::High,
    })
}

/// `std::fs` functions that touch the file system. Builders
/// (`OpenOptions::new`, `DirBuilder::new`) do no I/O until their last call.
const STD_FS_IO: &[&str] = &[
    "canonicalize",
    "copy",
    "create_dir",
    "create_dir_all",
    "exists",
    "hard_link",
    "metadata",
    "read",
    "read_dir",
    "read_link",
    "read_to_string",
    "remove_dir",
    "remove_dir_all",
    "remove_file",
    "rename",
    "set_permissions",
    "soft_link",
    "symlink_metadata",
    "write",
    "File::open",
    "File::create",
    "File::create_new",
];

fn rust_blocker(resolved: &str) -> Option<Blocker> {
    let std_fs_io = resolved
        .strip_prefix("std::fs::")
        .is_some_and(|rest| STD_FS_IO.contains(&rest));
    let instead = if std_fs_io {
        "use `tokio::fs` or move the work into `tokio::task::spawn_blocking`"
    } else if resolved == "std::thread::sleep" {
        "use `tokio::time::sleep(...).await`"
    } else if resolved.starts_with("reqwest::blocking::") {
        "use the async `reqwest::Client`"
    } else {
        return None;
    };
    Some(Blocker {
        call: resolved.to_string(),
        instead,
        confidence: Confidence::High,
    })
}

/// The last call of a builder chain that does the blocking work:
/// `Command::new(..)….output()`, `OpenOptions::new()….open(..)`.
fn rust_chain_blocker(root_path: &str, method: &str) -> Option<Blocker> {
    let (call, instead) = match (root_path, method) {
        ("std::process::Command::new", "output" | "status") => {
            ("std::process::Command", "use `tokio::process::Command` and `.await` it")
        }
        ("std::fs::OpenOptions::new", "open") => (
            "std::fs::OpenOptions",
            "use `tokio::fs::OpenOptions` or move the work into `tokio::task::spawn_blocking`",
        ),
        ("std::fs::DirBuilder::new", "create") => (
            "std::fs::DirBuilder",
            "use `tokio::fs::DirBuilder` or move the work into `tokio::task::spawn_blocking`",
        ),
        _ => return None,
    };
    Some(Blocker {
        call: format!("{call}::{method}"),
        instead,
        confidence: Confidence::High,
    })
}

/// Methods that end a blocking builder chain.
const CHAIN_ENDS: &[&str] = &["output", "status", "open", "create"];

/// Longest receiver chain followed back to `Command::new`.
const MAX_CHAIN: usize = 64;

impl BlockingCallInAsyncFunction {
    fn report(ctx: &mut NodeContext<'_>, range: Range<usize>, blocker: &Blocker, context: &str) {
        let diagnostic = Diagnostic::new(
            range,
            format!(
                "`{}` blocks inside {context}: the event loop stalls for every request it serves until it returns",
                blocker.call
            ),
        )
        .help(blocker.instead)
        .with_confidence(blocker.confidence);
        ctx.report(diagnostic);
    }

    fn async_context(ctx: &NodeContext<'_>, language: Language) -> Option<String> {
        if language == Language::Rust && rust_in_test_code(ctx.file, ctx.ancestors) {
            return None;
        }
        match execution_context(ctx.file, language, ctx.ancestors) {
            ExecutionContext::Async(node) => Some(describe_context(ctx.file, language, node)),
            ExecutionContext::Sync => None,
        }
    }

    fn check_python(node: Node<'_>, ctx: &mut NodeContext<'_>) {
        let file = ctx.file;
        let Some(callee) = callee_path(file, Language::Python, node) else {
            return;
        };
        let last = callee.rsplit('.').next().unwrap_or(&callee);
        if !PYTHON_CANDIDATES.contains(&last) {
            return;
        }
        let Some(context) = Self::async_context(ctx, Language::Python) else {
            return;
        };
        let imports = file.imports();
        let resolved = imports.resolve(&callee);
        let bare_open = callee == "open" && imports.binding("open").is_none();
        if let Some(blocker) = python_blocker(&resolved, bare_open) {
            Self::report(ctx, node.byte_range(), &blocker, &context);
        }
    }

    fn check_js(node: Node<'_>, ctx: &mut NodeContext<'_>, language: Language) {
        let file = ctx.file;
        let Some(callee) = callee_path(file, language, node) else {
            return;
        };
        let last = callee.rsplit('.').next().unwrap_or(&callee);
        if !last.ends_with("Sync") {
            return;
        }
        let Some(context) = Self::async_context(ctx, language) else {
            return;
        };
        let resolved = file.imports().resolve(&callee);
        if let Some(blocker) = js_blocker(&resolved) {
            Self::report(ctx, node.byte_range(), &blocker, &context);
        }
    }

    fn check_rust_call(node: Node<'_>, ctx: &mut NodeContext<'_>) {
        let file = ctx.file;
        let Some(function) = node.child_by_field_name("function") else {
            return;
        };
        if function.kind() == "field_expression" {
            Self::check_rust_method(node, function, ctx);
            return;
        }
        let Some(callee) = callee_path(file, Language::Rust, node) else {
            return;
        };
        if !(callee.contains("fs::") || callee.contains("sleep") || callee.contains("blocking") || callee.contains("File::"))
        {
            return;
        }
        let Some(context) = Self::async_context(ctx, Language::Rust) else {
            return;
        };
        let resolved = file.imports().resolve(&callee);
        if let Some(blocker) = rust_blocker(&resolved) {
            Self::report(ctx, node.byte_range(), &blocker, &context);
        }
    }

    fn check_rust_method(node: Node<'_>, function: Node<'_>, ctx: &mut NodeContext<'_>) {
        let file = ctx.file;
        let Some(method) = function.child_by_field_name("field").map(|f| file.text_of(f)) else {
            return;
        };
        if !CHAIN_ENDS.contains(&method) {
            return;
        }
        if ctx.ancestors.last().is_some_and(|p| p.kind() == "await_expression") {
            return;
        }
        // Follow the receiver chain back to the call that built it.
        let mut receiver = function.child_by_field_name("value");
        let mut root = None;
        for _ in 0..MAX_CHAIN {
            let Some(current) = receiver else {
                break;
            };
            if current.kind() != "call_expression" {
                break;
            }
            let Some(inner) = current.child_by_field_name("function") else {
                break;
            };
            if inner.kind() == "field_expression" {
                receiver = inner.child_by_field_name("value");
            } else {
                root = callee_path(file, Language::Rust, current);
                break;
            }
        }
        let Some(root) = root else {
            return;
        };
        if !(root.ends_with("Command::new") || root.ends_with("OpenOptions::new") || root.ends_with("DirBuilder::new")) {
            return;
        }
        let Some(context) = Self::async_context(ctx, Language::Rust) else {
            return;
        };
        let resolved = file.imports().resolve(&root);
        if let Some(blocker) = rust_chain_blocker(&resolved, method) {
            Self::report(ctx, node.byte_range(), &blocker, &context);
        }
    }

    /// Calls inside a macro body (`println!`, `assert!`, `tokio::join!`),
    /// which tree-sitter leaves as tokens: read with `syn`, only when the
    /// body mentions a candidate and the macro sits in async code.
    fn check_rust_macro(node: Node<'_>, ctx: &mut NodeContext<'_>) {
        let file = ctx.file;
        let mut cursor = node.walk();
        let Some(body) = node.named_children(&mut cursor).find(|c| c.kind() == "token_tree") else {
            return;
        };
        let text = file.text_of(body);
        if !(text.contains("fs::") || text.contains("sleep") || text.contains("blocking") || text.contains("Command"))
        {
            return;
        }
        if text.len() < 2 {
            return;
        }
        let Some(context) = Self::async_context(ctx, Language::Rust) else {
            return;
        };
        let inner = &text[1..text.len() - 1];
        let offset = body.start_byte() + 1;
        let calls = redflag_syntax::rust_macro::with_macro_expressions(inner, |exprs, range| {
            let mut finder = MacroCallFinder {
                file,
                range,
                found: Vec::new(),
            };
            for expr in exprs {
                finder.visit_expr(expr);
            }
            finder.found
        })
        .unwrap_or_default();
        for (range, blocker) in calls {
            Self::report(ctx, offset + range.start..offset + range.end, &blocker, &context);
        }
    }
}

/// Finds blocking calls in `syn` expressions of a macro body.
struct MacroCallFinder<'f, 'r> {
    file: &'f SourceFile,
    range: &'r dyn Fn(proc_macro2::Span) -> Range<usize>,
    found: Vec<(Range<usize>, Blocker)>,
}

fn syn_path(path: &syn::Path) -> String {
    path.segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}

impl<'ast> Visit<'ast> for MacroCallFinder<'_, '_> {
    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let syn::Expr::Path(path) = call.func.as_ref() {
            let written = syn_path(&path.path);
            // Closures handed to `spawn_blocking` & co. run off the loop.
            if is_offloading_callee(&written) {
                return;
            }
            let resolved = self.file.imports().resolve(&written);
            if let Some(blocker) = rust_blocker(&resolved) {
                self.found.push(((self.range)(syn::spanned::Spanned::span(call)), blocker));
            }
        }
        syn::visit::visit_expr_call(self, call);
    }

    fn visit_expr_closure(&mut self, closure: &'ast syn::ExprClosure) {
        // A synchronous closure in a macro body is usually a callback handed
        // elsewhere; only async closures are known to run on the loop.
        if closure.asyncness.is_some() {
            syn::visit::visit_expr_closure(self, closure);
        }
    }

    fn visit_expr_method_call(&mut self, call: &'ast syn::ExprMethodCall) {
        let method = call.method.to_string();
        if CHAIN_ENDS.contains(&method.as_str()) {
            let mut receiver = call.receiver.as_ref();
            for _ in 0..MAX_CHAIN {
                match receiver {
                    syn::Expr::MethodCall(inner) => receiver = inner.receiver.as_ref(),
                    syn::Expr::Call(root) => {
                        if let syn::Expr::Path(path) = root.func.as_ref() {
                            let resolved = self.file.imports().resolve(&syn_path(&path.path));
                            if let Some(blocker) = rust_chain_blocker(&resolved, &method) {
                                self.found.push(((self.range)(syn::spanned::Spanned::span(call)), blocker));
                            }
                        }
                        break;
                    }
                    _ => break,
                }
            }
        }
        syn::visit::visit_expr_method_call(self, call);
    }
}

impl Rule for BlockingCallInAsyncFunction {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    /// Tests, fixtures and examples block on purpose (an async test that
    /// sleeps to provoke a timeout); the rule is about request paths.
    fn applies_to(&self, path: &str) -> bool {
        !is_test_or_example(path)
    }

    /// Only code with an async context can block one, and only with a
    /// blocking call whose name (or its import) is in the file.
    fn prefilter(&self, language: Language) -> Option<Vec<Vec<String>>> {
        let candidates: &[&str] = match language {
            Language::Python => &["sleep", "requests", "urlopen", "subprocess", "system", "open"],
            Language::Rust => &["fs::", "File", "sleep", "blocking", "Command", "OpenOptions", "DirBuilder"],
            _ => &["Sync"],
        };
        Some(vec![
            vec!["async".to_string()],
            candidates.iter().map(|c| (*c).to_string()).collect(),
        ])
    }

    fn node_kinds(&self, language: Language) -> Vec<String> {
        let kinds: &[&str] = match language {
            Language::Python => &["call"],
            Language::Rust => &["call_expression", "macro_invocation"],
            _ => &["call_expression"],
        };
        kinds.iter().map(|k| (*k).to_string()).collect()
    }

    fn check_node(&self, node: Node<'_>, ctx: &mut NodeContext<'_>) {
        match ctx.language() {
            Language::Python => Self::check_python(node, ctx),
            Language::Rust if node.kind() == "macro_invocation" => Self::check_rust_macro(node, ctx),
            Language::Rust => Self::check_rust_call(node, ctx),
            language => Self::check_js(node, ctx, language),
        }
    }
}

const DOCS: &str = r#"
## What it does
Finds blocking calls inside `async` code: `time.sleep`, `requests.*`,
`urllib.request.urlopen`, `subprocess.run/call/check_output` and built-in
`open` in an `async def`; `fs.*Sync`, `child_process.execSync/spawnSync`,
`crypto.pbkdf2Sync/scryptSync` and `bcrypt.hashSync/compareSync` in an async
JavaScript/TypeScript function; `std::thread::sleep`, `std::fs::*`,
`reqwest::blocking::*` and `std::process::Command::output/status` in an
`async fn` or `async` block (also inside macro arguments such as `println!`).
Imports are followed (`from time import sleep`, `import * as fs from "node:fs"`,
`use std::fs`), and `tokio::fs`, `asyncio.sleep` or `fs.promises` are not flagged.

## Why it matters
Checklist SCOPE-3.2 (event-driven work, nothing long on the request path) and
red flag RF-8 (synchronous calls for long-running operations). An event loop
runs many requests on one thread: one blocking call stalls all of them, so
latency grows with load and health checks time out.

## Example
```python
async def fetch_profile(user_id):
    time.sleep(0.5)
    return requests.get(f"{API}/users/{user_id}").json()
```

## Use instead
```python
async def fetch_profile(user_id):
    await asyncio.sleep(0.5)
    async with httpx.AsyncClient(timeout=5) as client:
        return (await client.get(f"{API}/users/{user_id}")).json()
```
Work that must stay synchronous belongs in a thread pool:
`await asyncio.to_thread(...)`, `loop.run_in_executor(...)`,
`tokio::task::spawn_blocking(...)`, `block_in_place(...)`, actix-web's
`web::block(...)` — calls inside those callbacks are not reported, nor are
calls in a synchronous Rust closure handed to any awaited call (an in-house
`asyncify(move || ...).await` helper). Builders are judged by the call that
does the I/O (`OpenOptions::new()...open(path)`, `Command::new(..)...output()`).

## Configuration
Select or ignore it by name, `SCOPE-3.2` or `RF-8`. Built-in `open` is reported
at medium confidence: reading a small file is sometimes acceptable. Tests,
fixtures, examples and benchmarks (`tests/`, `test_*.py`, `*.spec.ts`,
`examples/`, `#[tokio::test]` functions, `#[cfg(test)]` modules) are not
checked: they block on purpose.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("blocking-call-in-async-function", "SCOPE-3.2")
        .red_flag("RF-8")
        .severity(Severity::Warning)
        .confidence(Confidence::High)
        .summary("A blocking call (sleep, file or network I/O, subprocess, sync hashing) runs inside async code and stalls the event loop.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Tsx, FileKind::Rust])
        .docs(DOCS)
        .invalid(
            FileKind::Python,
            r#"
            import time
            import requests
            from subprocess import check_output

            async def handler(request):
                time.sleep(1)
                data = requests.get("https://api.example.com/items", timeout=5)
                rev = check_output(["git", "rev-parse", "HEAD"])
                with open("/etc/app.conf") as f:
                    return f.read()
            "#,
            4,
        )
        .valid(
            FileKind::Python,
            r#"
            import asyncio
            import time
            import requests

            async def handler(request):
                await asyncio.sleep(1)
                page = await asyncio.to_thread(requests.get, "https://example.com", timeout=5)
                loop = asyncio.get_running_loop()
                await loop.run_in_executor(None, lambda: time.sleep(1))

                def sync_helper():
                    return requests.get("https://example.com", timeout=5)
                return page

            def sync_view(request):
                time.sleep(1)
                return open("x").read()
            "#,
        )
        .invalid(
            FileKind::TypeScript,
            r#"
            import * as fs from "node:fs";
            import { execSync } from "child_process";
            import bcrypt from "bcrypt";

            export async function createUser(req: Request) {
              const template = fs.readFileSync("./welcome.html", "utf8");
              const sha = execSync("git rev-parse HEAD");
              const hash = bcrypt.hashSync(req.body.password, 12);
              return { template, sha, hash };
            }
            "#,
            3,
        )
        .valid(
            FileKind::TypeScript,
            r#"
            import { promises as fsp, readFileSync } from "fs";
            import bcrypt from "bcrypt";

            const config = readFileSync("./config.json", "utf8");

            export async function createUser(req: Request) {
              const template = await fsp.readFile("./welcome.html", "utf8");
              const hash = await bcrypt.hash(req.body.password, 12);
              return { template, hash, config };
            }

            export function buildSync() {
              return readFileSync("./x");
            }
            "#,
        )
        .invalid(
            FileKind::JavaScript,
            r#"
            const crypto = require("crypto");
            const { spawnSync } = require("child_process");

            app.post("/login", async (req, res) => {
              const key = crypto.pbkdf2Sync(req.body.password, salt, 100000, 64, "sha512");
              [1, 2].forEach(() => spawnSync("true"));
              res.json({ ok: true });
            });
            "#,
            2,
        )
        .invalid(
            FileKind::Rust,
            r#"
            use std::fs;
            use std::process::Command;
            use std::thread;

            async fn handler() -> String {
                thread::sleep(std::time::Duration::from_millis(10));
                let out = Command::new("git").arg("status").output().unwrap();
                println!("{}", std::fs::read_to_string("/etc/hostname").unwrap());
                let body = reqwest::blocking::get("https://example.com").unwrap();
                fs::read_to_string("/etc/app.conf").unwrap()
            }
            "#,
            5,
        )
        .invalid(
            FileKind::Rust,
            r#"
            use std::fs::OpenOptions;

            async fn append(line: &str) -> std::io::Result<()> {
                let mut file = OpenOptions::new().append(true).open("/var/log/app.log")?;
                std::fs::create_dir_all("/var/log/app")?;
                Ok(())
            }
            "#,
            2,
        )
        .valid(
            FileKind::Rust,
            r#"
            async fn read(path: std::path::PathBuf) -> std::io::Result<Vec<u8>> {
                let options = std::fs::OpenOptions::new();
                let bytes = asyncify(move || std::fs::read(path)).await?;
                let other = actix_web::web::block(|| std::fs::read("/etc/x")).await;
                tracing::debug!("{:?}", tokio::task::spawn_blocking(|| std::fs::read("/etc/y")));
                Ok(bytes)
            }

            #[cfg(test)]
            mod tests {
                #[tokio::test]
                async fn sleeps_on_purpose() {
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
            }
            "#,
        )
        .valid_at(
            FileKind::Python,
            "tests/test_downloads.py",
            r#"
            import time

            async def test_download_times_out():
                time.sleep(0.1)
            "#,
        )
        .valid(
            FileKind::Rust,
            r#"
            use tokio::fs;
            use tokio::process::Command;

            async fn handler() -> String {
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                let out = Command::new("git").arg("status").output().await.unwrap();
                let cfg = tokio::task::spawn_blocking(|| std::fs::read_to_string("/etc/app.conf")).await;
                println!("{}", out.status);
                fs::read_to_string("/etc/hostname").await.unwrap()
            }

            fn sync_main() {
                std::thread::sleep(std::time::Duration::from_secs(1));
                let _ = std::fs::read("x");
            }
            "#,
        )
}
