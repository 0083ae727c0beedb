//! `blocking-call-in-async-function`: synchronous sleeps, file and network
//! I/O, subprocesses and CPU-heavy hashing inside `async` code, where they
//! stall the event loop for every request it serves.

use std::ops::Range;

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};
use syn::visit::Visit;

use crate::rule::{Diagnostic, NodeContext, Rule, RuleMeta};
use crate::semantics::handlers::enclosing_handler;
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
    "connect",
    "execute",
    "executemany",
    "query",
    "scalars",
    "scalar",
];

/// Connect functions of synchronous database drivers.
const PYTHON_SYNC_CONNECTS: &[&str] = &[
    "psycopg2.connect",
    "psycopg.connect",
    "sqlite3.connect",
    "pymysql.connect",
    "MySQLdb.connect",
    "mysql.connector.connect",
    "pymssql.connect",
    "oracledb.connect",
];

/// Modules of synchronous database drivers whose cursors block.
const PYTHON_SYNC_DRIVERS: &[&str] = &["psycopg2", "sqlite3", "pymysql", "MySQLdb", "mysql.connector", "pymssql"];

/// Query methods of DB-API cursors/connections and SQLAlchemy sessions.
const PYTHON_QUERY_METHODS: &[&str] = &["execute", "executemany", "query", "scalars", "scalar"];

const PYTHON_DB_INSTEAD: &str = "use an async driver (`asyncpg`, `psycopg.AsyncConnection`, `aiosqlite`, `aiomysql`) or SQLAlchemy's `AsyncSession`, run the query with `await asyncio.to_thread(...)`, or make the FastAPI route a plain `def` (it then runs in the thread pool)";

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
        _ if PYTHON_SYNC_CONNECTS.contains(&resolved) => blocker(PYTHON_DB_INSTEAD, Confidence::High),
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
        "crypto"
            if matches!(
                function,
                "pbkdf2Sync" | "scryptSync" | "generateKeyPairSync" | "generatePrimeSync" | "hkdfSync" | "randomFillSync"
            ) =>
        {
            "use the callback form (`crypto.pbkdf2`, `crypto.scrypt`, `crypto.randomFill`) through `util.promisify`"
        }
        "bcrypt" | "bcryptjs" if matches!(function, "hashSync" | "compareSync" | "genSaltSync") => {
            "use `await bcrypt.hash(...)` / `await bcrypt.compare(...)`"
        }
        "zlib" if function.ends_with("Sync") => "use the callback or stream API of `zlib`",
        _ => return None,
    };
    // Filling a small buffer is cheap; only large ones stall the loop.
    let confidence = if function == "randomFillSync" {
        Confidence::Medium
    } else {
        Confidence::High
    };
    Some(Blocker {
        call: resolved.to_string(),
        instead,
        confidence,
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

/// Diesel `RunQueryDsl` methods that run a query on the connection passed.
const DIESEL_QUERY_METHODS: &[&str] = &["load", "execute", "get_result", "get_results", "first", "load_iter"];

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
        let ExecutionContext::Async(function) = execution_context(file, Language::Python, ctx.ancestors) else {
            return;
        };
        let context = describe_context(file, Language::Python, function);
        let imports = file.imports();
        let resolved = imports.resolve(&callee);
        let bare_open = callee == "open" && imports.binding("open").is_none();
        if let Some(blocker) = python_blocker(&resolved, bare_open) {
            Self::report(ctx, node.byte_range(), &blocker, &context);
            return;
        }
        if PYTHON_QUERY_METHODS.contains(&last) {
            if let Some(blocker) = Self::python_sync_query(ctx, function, &callee, last) {
                Self::report(ctx, node.byte_range(), &blocker, &context);
            }
        }
    }

    /// `cur.execute(...)` on a cursor or connection of a synchronous driver,
    /// `db.query(...)` / `session.execute(...)` on a synchronous SQLAlchemy
    /// `Session`, not awaited (an async driver's calls always are).
    fn python_sync_query(
        ctx: &NodeContext<'_>,
        function: Node<'_>,
        callee: &str,
        method: &str,
    ) -> Option<Blocker> {
        let file = ctx.file;
        let receiver = callee.strip_suffix(method)?.strip_suffix('.')?;
        if receiver.is_empty() || receiver.contains('.') {
            return None;
        }
        // `await cur.execute(...)`, `async with db.execute(...) as rows`.
        if ctx
            .ancestors
            .last()
            .is_some_and(|p| matches!(p.kind(), "await" | "with_item" | "as_pattern"))
        {
            return None;
        }
        let imports = file.imports();
        let sync_session = |type_name: &str| {
            let resolved = imports.resolve(type_name.trim());
            matches!(
                resolved.as_str(),
                "sqlalchemy.orm.Session" | "sqlalchemy.orm.session.Session" | "sqlmodel.Session"
            )
        };
        let blocker = |what: &str| {
            Some(Blocker {
                call: format!("{receiver}.{method} ({what})"),
                instead: PYTHON_DB_INSTEAD,
                confidence: Confidence::High,
            })
        };
        // A parameter typed as a synchronous `Session` (FastAPI `Depends(get_db)`).
        if let Some(parameters) = function.child_by_field_name("parameters") {
            let mut cursor = parameters.walk();
            for parameter in parameters.named_children(&mut cursor) {
                let name = match parameter.kind() {
                    "typed_parameter" => parameter.named_child(0),
                    "typed_default_parameter" => parameter.child_by_field_name("name"),
                    _ => None,
                };
                if name.is_some_and(|n| file.text_of(n) == receiver) {
                    let typed = parameter.child_by_field_name("type").map(|t| file.text_of(t));
                    return match typed {
                        Some(t) if sync_session(t) => blocker("a synchronous SQLAlchemy `Session`"),
                        _ => None,
                    };
                }
            }
        }
        if method == "query" {
            // `Session.query` only exists on SQLAlchemy sessions.
            return Self::python_bound_to(file, function, receiver, |line| {
                line.contains("Session(") && !line.contains("AsyncSession(")
            })
            .then(|| blocker("a synchronous SQLAlchemy `Session`"))
            .flatten();
        }
        let driver = imports
            .modules()
            .iter()
            .any(|m| PYTHON_SYNC_DRIVERS.iter().any(|d| m == d || m.starts_with(&format!("{d}."))));
        if driver
            && Self::python_bound_to(file, function, receiver, |line| {
                line.contains(".cursor(") || PYTHON_SYNC_CONNECTS.iter().any(|c| line.contains(&format!("{c}(")))
            })
        {
            return blocker("a synchronous database driver");
        }
        if Self::python_bound_to(file, function, receiver, |line| {
            line.contains("Session(") && !line.contains("AsyncSession(") && !line.contains("async_")
        }) && imports.binding("Session").is_some_and(sync_session)
        {
            return blocker("a synchronous SQLAlchemy `Session`");
        }
        None
    }

    /// True when a line of the enclosing function, or of the module's top
    /// level, binds `name` (`name = …`, `with … as name:`) and `what` holds
    /// for that line.
    fn python_bound_to(file: &SourceFile, function: Node<'_>, name: &str, what: impl Fn(&str) -> bool) -> bool {
        let binds = |line: &str| {
            let trimmed = line.trim_start();
            let assigned = trimmed
                .strip_prefix(name)
                .is_some_and(|rest| rest.trim_start().starts_with('=') && !rest.trim_start().starts_with("=="));
            let aliased = trimmed.starts_with("with ")
                && [":", ",", ")"]
                    .iter()
                    .any(|end| trimmed.contains(&format!(" as {name}{end}")));
            (assigned || aliased) && what(trimmed)
        };
        let own = file.text_of(function).lines().any(binds);
        // Module level: lines without indentation.
        own || file
            .text
            .lines()
            .filter(|l| !l.starts_with([' ', '\t']))
            .any(binds)
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
        let resolved = file.imports().resolve(&callee);
        let Some(blocker) = js_blocker(&resolved) else {
            return;
        };
        // Node runs every request on one event loop: a synchronous call
        // blocks it in any request handler, async or not.
        let context = match Self::async_context(ctx, language) {
            Some(context) => context,
            None => match enclosing_handler(file, ctx.ancestors) {
                Some(handler) => handler.describe(),
                None => return,
            },
        };
        Self::report(ctx, node.byte_range(), &blocker, &context);
    }

    fn check_rust_call(node: Node<'_>, ctx: &mut NodeContext<'_>) {
        let file = ctx.file;
        let Some(mut function) = node.child_by_field_name("function") else {
            return;
        };
        // `query.load::<User>(&mut conn)`: a turbofish wraps the method.
        if function.kind() == "generic_function" {
            match function.child_by_field_name("function") {
                Some(inner) if inner.kind() == "field_expression" => function = inner,
                _ => {}
            }
        }
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
        if DIESEL_QUERY_METHODS.contains(&method) {
            Self::check_diesel(node, method, ctx);
            return;
        }
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

    /// `users.filter(..).load::<User>(&mut conn)` with Diesel's synchronous
    /// `RunQueryDsl` (the file uses `diesel` and not `diesel_async`).
    fn check_diesel(node: Node<'_>, method: &str, ctx: &mut NodeContext<'_>) {
        let file = ctx.file;
        if ctx.ancestors.last().is_some_and(|p| p.kind() == "await_expression") {
            return;
        }
        let Some(args) = node.child_by_field_name("arguments") else {
            return;
        };
        let mut cursor = args.walk();
        let args: Vec<Node<'_>> = args.named_children(&mut cursor).collect();
        // Diesel's query methods take the connection as their only argument.
        let [conn] = args.as_slice() else {
            return;
        };
        if !matches!(conn.kind(), "reference_expression" | "identifier" | "unary_expression") {
            return;
        }
        // Glob imports (`use diesel::prelude::*`) bind no names: read the text.
        let text = file.text.as_str();
        if !text.contains("diesel::") || text.contains("diesel_async") {
            return;
        }
        let Some(context) = Self::async_context(ctx, Language::Rust) else {
            return;
        };
        let blocker = Blocker {
            call: format!("diesel::RunQueryDsl::{method}"),
            instead: "run the query inside `tokio::task::spawn_blocking` (or actix-web's `web::block`, deadpool-diesel's `conn.interact(...)`), or use `diesel-async`",
            confidence: Confidence::High,
        };
        Self::report(ctx, node.byte_range(), &blocker, &context);
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
            Language::Python => &[
                "sleep",
                "requests",
                "urlopen",
                "subprocess",
                "system",
                "open",
                "connect",
                "execute",
                "query",
                "scalar",
            ],
            Language::Rust => &[
                "fs::",
                "File",
                "sleep",
                "blocking",
                "Command",
                "OpenOptions",
                "DirBuilder",
                "diesel",
            ],
            // Node: any request handler, async or not, shares the loop.
            _ => return Some(vec![vec!["Sync".to_string()]]),
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

Synchronous database access in an `async def`: `psycopg2.connect`,
`sqlite3.connect`, `pymysql.connect` (and `MySQLdb`, `mysql.connector`,
`psycopg.connect`, `pymssql`, `oracledb`); `execute`/`executemany` not awaited
on a cursor or connection bound (in the function or at module level) from
`.cursor()` or such a `connect` in a file importing a sync driver; and
`query`/`execute`/`scalars`/`scalar` on a synchronous SQLAlchemy or SQLModel
`Session` (a parameter typed `Session`, e.g. `db: Session = Depends(get_db)`,
or a name bound from `Session(...)`). A FastAPI route declared with plain
`def` runs in the thread pool and is not reported.

In Node the event loop is shared by every request, so `fs.*Sync`,
`execSync`, `zlib.*Sync`, `crypto.*Sync` (`randomFillSync` at medium
confidence: small buffers are cheap) and `bcrypt.*Sync` are reported in any
request handler, async or not (handlers as recognised by the shared handler
index: routes, middleware, Next.js route files, NestJS controllers).

In Rust, Diesel's synchronous `RunQueryDsl` (`.load(&mut conn)`,
`.execute(&mut conn)`, `.first`, `.get_result(s)`, `.load_iter`) in async
code, in files that use `diesel` and not `diesel_async`.

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
Databases: `asyncpg`, `psycopg.AsyncConnection`, `aiosqlite`, SQLAlchemy's
`AsyncSession`, `diesel-async`, or deadpool-diesel's `conn.interact(...)`.
Work that must stay synchronous belongs in a thread pool:
`await asyncio.to_thread(...)`, `loop.run_in_executor(...)`,
`tokio::task::spawn_blocking(...)`, `block_in_place(...)`, actix-web's
`web::block(...)` — calls inside those callbacks are not reported, nor are
calls in a synchronous Rust closure handed to any awaited call (an in-house
`asyncify(move || ...).await` helper). Builders are judged by the call that
does the I/O (`OpenOptions::new()...open(path)`, `Command::new(..)...output()`).

## Configuration
Select or ignore it by name, `SCOPE-3.2` or `RF-8`. Not seen: a sync
SQLAlchemy `engine.connect()` connection, sessions or cursors reached through
attributes (`self.db.execute`) or handed over from another file, and
blocking calls in helpers the handler calls. Built-in `open` is reported
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
        .summary("A blocking call (sleep, file, network or sync database I/O, subprocess, sync hashing) runs inside async code or a Node request handler and stalls the event loop.")
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
        .invalid(
            FileKind::Python,
            r#"
            import sqlite3

            import psycopg2
            from fastapi import Depends, FastAPI
            from sqlalchemy.orm import Session

            from .db import DATABASE_URL, get_db
            from .models import User

            app = FastAPI()
            audit = sqlite3.connect("audit.db", check_same_thread=False)

            @app.get("/users/{user_id}")
            async def read_user(user_id: int, db: Session = Depends(get_db)):
                return db.query(User).filter(User.id == user_id).first()

            @app.post("/orders")
            async def create_order(order: OrderIn):
                conn = psycopg2.connect(DATABASE_URL)
                with conn.cursor() as cur:
                    cur.execute("INSERT INTO orders (sku, qty) VALUES (%s, %s)", (order.sku, order.qty))
                conn.commit()
                log = audit.cursor()
                log.execute("INSERT INTO audit (event) VALUES (?)", ("order_created",))
                return {"ok": True}
            "#,
            4,
        )
        .valid(
            FileKind::Python,
            r#"
            import asyncio
            import sqlite3

            from fastapi import Depends, FastAPI, Request
            from sqlalchemy import select
            from sqlalchemy.ext.asyncio import AsyncSession
            from sqlalchemy.orm import Session

            from .db import get_async_db, get_db
            from .models import User

            app = FastAPI()

            @app.get("/users/{user_id}")
            async def read_user(user_id: int, db: AsyncSession = Depends(get_async_db)):
                result = await db.execute(select(User).where(User.id == user_id))
                return result.scalar_one_or_none()

            # A sync route: FastAPI runs it in its thread pool.
            @app.get("/legacy/users/{user_id}")
            def read_legacy_user(user_id: int, db: Session = Depends(get_db)):
                return db.query(User).get(user_id)

            @app.post("/orders")
            async def create_order(order: OrderIn, request: Request):
                async with request.app.state.pool.acquire() as conn:
                    await conn.execute("INSERT INTO orders (sku) VALUES ($1)", order.sku)
                await asyncio.to_thread(write_audit, "order_created")
                loop = asyncio.get_running_loop()
                await loop.run_in_executor(None, write_audit, "order_logged")
                return {"ok": True}

            def write_audit(event):
                with sqlite3.connect("audit.db") as conn:
                    conn.execute("INSERT INTO audit (event) VALUES (?)", (event,))
            "#,
        )
        .invalid(
            FileKind::JavaScript,
            r#"
            const express = require("express");
            const fs = require("fs");
            const zlib = require("zlib");
            const bcrypt = require("bcryptjs");

            const router = express.Router();

            router.get("/reports/:month", (req, res) => {
              const csv = fs.readFileSync(`./reports/${req.params.month}.csv`);
              res.type("application/gzip").send(zlib.gzipSync(csv));
            });

            router.post("/login", function (req, res) {
              const user = users.get(req.body.email);
              if (!user || !bcrypt.compareSync(req.body.password, user.hash)) {
                return res.sendStatus(401);
              }
              res.json({ ok: true });
            });

            module.exports = router;
            "#,
            3,
        )
        .valid(
            FileKind::JavaScript,
            r#"
            const express = require("express");
            const fs = require("fs");
            const { promisify } = require("util");
            const zlib = require("zlib");
            const bcrypt = require("bcryptjs");

            const gzip = promisify(zlib.gzip);
            const template = fs.readFileSync("./templates/report.html", "utf8");
            const router = express.Router();

            router.get("/reports/:month", async (req, res) => {
              const csv = await fs.promises.readFile(`./reports/${req.params.month}.csv`);
              res.type("application/gzip").send(await gzip(csv));
            });

            router.post("/login", async (req, res) => {
              const user = users.get(req.body.email);
              const ok = user && (await bcrypt.compare(req.body.password, user.hash));
              res.status(ok ? 200 : 401).json({ ok });
            });

            function loadConfig() {
              return JSON.parse(fs.readFileSync("./config.json", "utf8"));
            }

            module.exports = { router, loadConfig, template };
            "#,
        )
        .invalid(
            FileKind::Rust,
            r#"
            use axum::extract::{Path, State};
            use axum::Json;
            use diesel::prelude::*;

            use crate::models::User;
            use crate::schema::users::dsl::*;

            pub async fn get_user(State(pool): State<DbPool>, Path(user_id): Path<i32>) -> Json<User> {
                let mut conn = pool.get().unwrap();
                let user = users.filter(id.eq(user_id)).first::<User>(&mut conn).unwrap();
                diesel::update(users.find(user_id))
                    .set(last_seen_at.eq(diesel::dsl::now))
                    .execute(&mut conn)
                    .unwrap();
                Json(user)
            }
            "#,
            2,
        )
        .valid(
            FileKind::Rust,
            r#"
            use actix_web::{web, HttpResponse};
            use diesel::prelude::*;

            use crate::models::User;
            use crate::schema::users::dsl::*;

            pub async fn get_user(pool: web::Data<DbPool>, path: web::Path<i32>) -> actix_web::Result<HttpResponse> {
                let user_id = path.into_inner();
                let user = web::block(move || {
                    let mut conn = pool.get().expect("pool");
                    users.filter(id.eq(user_id)).first::<User>(&mut conn)
                })
                .await?
                .map_err(actix_web::error::ErrorInternalServerError)?;
                let all = tokio::task::spawn_blocking(move || list_users(&mut pool.get().expect("pool"))).await;
                Ok(HttpResponse::Ok().json(user))
            }

            fn list_users(conn: &mut PgConnection) -> QueryResult<Vec<User>> {
                users.load::<User>(conn)
            }
            "#,
        )
        .valid(
            FileKind::Rust,
            r#"
            use axum::extract::State;
            use diesel::prelude::*;
            use diesel_async::RunQueryDsl;

            use crate::schema::users::dsl::*;

            pub async fn count_users(State(pool): State<Pool>) -> String {
                let mut conn = pool.get().await.unwrap();
                let n: i64 = users.count().get_result(&mut conn).await.unwrap();
                n.to_string()
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
