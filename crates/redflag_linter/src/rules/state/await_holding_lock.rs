//! `await-holding-lock`: a blocking lock's guard kept alive across an
//! `.await` — in Rust a `std::sync` / `parking_lot` `Mutex`/`RwLock` guard
//! bound with `let` and still in scope at a later `.await` of the same
//! block; in Python a `threading.Lock`/`RLock` held by `with lock:` around an
//! `await` in an `async def`.
//!
//! Rust: a guard is recognised by how it is taken, not by its type: a `let`
//! whose whole value is `x.lock()` / `x.read()` / `x.write()` with no
//! arguments, optionally unwrapped (`.unwrap()`, `.expect(..)`, `?`). An
//! async lock (`tokio::sync`, `futures::lock`) is taken with `.await`, so
//! `x.lock().await` is never a candidate. A guard that is only a temporary
//! (`let n = m.lock().unwrap().len();`) ends with its statement and is not
//! one either.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};

use crate::rule::{Diagnostic, NodeContext, Rule, RuleMeta};
use crate::semantics::paths::is_test_or_example;
use crate::semantics::{callee_path, has_async_keyword, rust_in_test_code};
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(AwaitHoldingLock { meta: meta() })
}

struct AwaitHoldingLock {
    meta: RuleMeta,
}

/// Statements of a block scanned after the guard.
const MAX_STATEMENTS: usize = 256;
/// Nodes searched for an `.await` in one statement.
const MAX_NODES: usize = 20_000;

/// Node kinds whose body does not run where they are written.
fn is_deferred(language: Language, kind: &str) -> bool {
    match language {
        Language::Rust => matches!(kind, "closure_expression" | "async_block" | "function_item"),
        _ => matches!(kind, "function_definition" | "lambda" | "class_definition"),
    }
}

/// The first `await` in `node`, not looking into closures, nested
/// functions or async blocks (they run later, on their own).
fn first_await<'t>(language: Language, node: Node<'t>) -> Option<Node<'t>> {
    let wanted = if language == Language::Rust {
        "await_expression"
    } else {
        "await"
    };
    let mut stack = vec![node];
    let mut visited = 0usize;
    while let Some(current) = stack.pop() {
        visited += 1;
        if visited > MAX_NODES {
            return None;
        }
        if current.kind() == wanted {
            return Some(current);
        }
        if is_deferred(language, current.kind()) {
            continue;
        }
        let mut cursor = current.walk();
        let children: Vec<Node<'t>> = current.named_children(&mut cursor).collect();
        // Reversed so the first child is searched first.
        stack.extend(children.into_iter().rev());
    }
    None
}

/// `m.lock()`, `m.read()`, `m.write()` under `.unwrap()`/`.expect(..)`/`?`:
/// the lock call, when the value is a guard.
fn rust_guard_call<'t>(file: &SourceFile, value: Node<'t>) -> Option<Node<'t>> {
    let mut current = value;
    for _ in 0..4 {
        match current.kind() {
            "try_expression" => current = current.named_child(0)?,
            "call_expression" => {
                let function = current.child_by_field_name("function")?;
                if function.kind() != "field_expression" {
                    return None;
                }
                let method = file.text_of(function.child_by_field_name("field")?);
                let arguments = current.child_by_field_name("arguments")?;
                match method {
                    "lock" | "read" | "write" if arguments.named_child_count() == 0 => {
                        return Some(current)
                    }
                    "unwrap" | "expect" => current = function.child_by_field_name("value")?,
                    _ => return None,
                }
            }
            _ => return None,
        }
    }
    None
}

fn check_rust(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    let Some(value) = node.child_by_field_name("value") else {
        return;
    };
    let Some(lock_call) = rust_guard_call(file, value) else {
        return;
    };
    let Some(pattern) = node.child_by_field_name("pattern") else {
        return;
    };
    let guard = file.text_of(pattern).trim_start_matches("mut ").trim().to_string();
    if guard.starts_with('_') && guard.len() == 1 {
        // `let _ = m.lock()` drops the guard at once.
        return;
    }
    if guard.contains(|c: char| !(c.is_alphanumeric() || c == '_')) {
        return;
    }
    if rust_in_test_code(file, ctx.ancestors) {
        return;
    }
    let mut sibling = node.next_named_sibling();
    for _ in 0..MAX_STATEMENTS {
        let Some(statement) = sibling else {
            return;
        };
        if rust_drops(file, statement, &guard) {
            return;
        }
        if let Some(awaited) = first_await(Language::Rust, statement) {
            let line = awaited.start_position().row + 1;
            let lock = file.text_of(lock_call);
            ctx.report(
                Diagnostic::new(
                    node.byte_range(),
                    format!(
                        "`{guard}` holds the guard of `{lock}` across the `.await` on line {line}: a `std::sync`/`parking_lot` lock blocks the thread, so while this task is suspended every other task that locks it stalls an executor thread, and a task on the same thread can deadlock"
                    ),
                )
                .help("take what you need and release the lock before awaiting: put the guard in its own `{ … }` block or call `drop(guard)` before the `.await`; if the lock really must be held across the await, use `tokio::sync::Mutex`/`RwLock` (`lock().await`)")
                .with_confidence(Confidence::High),
            );
            return;
        }
        sibling = statement.next_named_sibling();
    }
}

/// `drop(guard);` or `std::mem::drop(guard);`.
fn rust_drops(file: &SourceFile, statement: Node<'_>, guard: &str) -> bool {
    let call = if statement.kind() == "expression_statement" {
        statement.named_child(0)
    } else {
        None
    };
    let Some(call) = call.filter(|c| c.kind() == "call_expression") else {
        return false;
    };
    let Some(function) = callee_path(file, Language::Rust, call) else {
        return false;
    };
    let argument = call
        .child_by_field_name("arguments")
        .and_then(|a| a.named_child(0))
        .map(|a| file.text_of(a));
    matches!(function.as_str(), "drop" | "std::mem::drop" | "mem::drop") && argument == Some(guard)
}

/// The names bound to `threading.Lock()`/`RLock()` anywhere in the file
/// (`_lock`, `self._lock`, `cls.lock`).
fn python_locks(file: &SourceFile, root: Node<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    let mut visited = 0usize;
    while let Some(node) = stack.pop() {
        visited += 1;
        if visited > 200_000 {
            break;
        }
        if node.kind() == "assignment" {
            let call = node.child_by_field_name("right").filter(|r| r.kind() == "call");
            let left = node.child_by_field_name("left");
            if let (Some(call), Some(left)) = (call, left) {
                if let Some(callee) = callee_path(file, Language::Python, call) {
                    let resolved = file.imports().resolve(&callee);
                    if matches!(resolved.as_str(), "threading.Lock" | "threading.RLock") {
                        out.push(file.text_of(left).to_string());
                    }
                }
            }
            continue;
        }
        let mut cursor = node.walk();
        stack.extend(node.named_children(&mut cursor));
    }
    out
}

fn check_python(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    // `async with` is an asyncio lock: fine.
    if node.child(0).is_some_and(|c| c.kind() == "async") {
        return;
    }
    let in_async = ctx
        .ancestors
        .iter()
        .rev()
        .find(|a| matches!(a.kind(), "function_definition" | "lambda"))
        .is_some_and(|f| has_async_keyword(*f));
    if !in_async {
        return;
    }
    let Some(body) = node.child_by_field_name("body") else {
        return;
    };
    let Some(awaited) = first_await(Language::Python, body) else {
        return;
    };
    let Some(clause) = node.named_child(0).filter(|c| c.kind() == "with_clause") else {
        return;
    };
    let Some(root) = ctx.ancestors.first().copied() else {
        return;
    };
    let mut locks: Option<Vec<String>> = None;
    let mut cursor = clause.walk();
    for item in clause.named_children(&mut cursor) {
        let Some(value) = item.child_by_field_name("value") else {
            continue;
        };
        let text = file.text_of(value);
        let inline = value.kind() == "call"
            && callee_path(file, Language::Python, value).is_some_and(|c| {
                matches!(
                    file.imports().resolve(&c).as_str(),
                    "threading.Lock" | "threading.RLock"
                )
            });
        let known = locks.get_or_insert_with(|| python_locks(file, root));
        if !inline && !known.iter().any(|l| l == text) {
            continue;
        }
        let line = awaited.start_position().row + 1;
        ctx.report(
            Diagnostic::new(
                item.byte_range(),
                format!(
                    "`with {text}:` holds a `threading` lock across the `await` on line {line}: while this coroutine is suspended the lock stays taken, and the next coroutine that reaches `with {text}:` blocks the event loop thread — waiting for a coroutine that can no longer run, a deadlock"
                ),
            )
            .help("use `asyncio.Lock()` with `async with lock:` for coroutines, or keep the `with` block free of `await` (copy what you need out, release, then await)")
            .with_confidence(Confidence::High),
        );
        return;
    }
}

impl Rule for AwaitHoldingLock {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn applies_to(&self, path: &str) -> bool {
        !is_test_or_example(path)
    }

    fn prefilter(&self, language: Language) -> Option<Vec<Vec<String>>> {
        let groups: Vec<Vec<&str>> = match language {
            Language::Rust => vec![vec!["Mutex", "RwLock"], vec![".await"]],
            Language::Python => vec![vec!["Lock"], vec!["await"]],
            _ => return None,
        };
        Some(
            groups
                .into_iter()
                .map(|g| g.into_iter().map(str::to_string).collect())
                .collect(),
        )
    }

    fn node_kinds(&self, language: Language) -> Vec<String> {
        match language {
            Language::Rust => vec!["let_declaration".to_string()],
            Language::Python => vec!["with_statement".to_string()],
            _ => Vec::new(),
        }
    }

    fn check_node(&self, node: Node<'_>, ctx: &mut NodeContext<'_>) {
        match ctx.language() {
            Language::Rust => check_rust(node, ctx),
            Language::Python => check_python(node, ctx),
            _ => {}
        }
    }
}

const DOCS: &str = r#"
## What it does
Finds a blocking lock held across an `await`:
- **Rust**: `let guard = m.lock().unwrap();` (also `.expect(..)`, `?`,
  `.read()`, `.write()`, and `parking_lot`'s `m.lock()`) followed, in the
  same block and before `drop(guard)`, by a statement that awaits;
- **Python**: `with lock:` inside an `async def` whose body awaits, where
  `lock` is bound to `threading.Lock()` or `threading.RLock()` in the file
  (a module name, or an attribute such as `self._lock`).

## Why it matters
Checklist SCOPE-3.4 (shared state handled safely). A `std::sync::Mutex`,
`parking_lot` lock or `threading.Lock` blocks the OS thread that waits for
it. Held across an `await`, the lock stays taken while the task is
suspended; other tasks that want it block their executor thread (or the
single asyncio event-loop thread), throughput collapses, and when the
waiter runs on the thread the holder needs to resume, the service
deadlocks. (Axum rejects such a handler because the std guard is not
`Send`; actix-web, `spawn_local` and parking_lot's `send_guard` accept it.)

## Example
```rust
async fn refresh(State(state): State<AppState>) -> StatusCode {
    let mut cache = state.cache.lock().unwrap();
    let fresh = fetch_rates().await;
    cache.extend(fresh);
    StatusCode::NO_CONTENT
}
```

## Use instead
```rust
async fn refresh(State(state): State<AppState>) -> StatusCode {
    let fresh = fetch_rates().await;
    state.cache.lock().unwrap().extend(fresh);
    StatusCode::NO_CONTENT
}
```
Or release the guard first (`drop(cache)` or a `{ … }` block), or use
`tokio::sync::Mutex` (`lock().await`), whose guard is meant to be held
across awaits; in Python use `asyncio.Lock` with `async with`.

## Configuration
Select or ignore it by name or `SCOPE-3.4`. Tests and examples are not
checked. The guard is recognised by how it is taken, not by its type: a
lock taken with `.await` (tokio, `futures::lock`) is never reported, and a
guard used only as a temporary (`m.lock().unwrap().len()`) ends with its
statement. Not seen: guards moved into a struct or returned from a helper,
`MutexGuard`s in `match`/`if let` scrutinees, awaits after the guard's
block ends, Python locks created in another file or acquired with
`lock.acquire()`/`release()`.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("await-holding-lock", "SCOPE-3.4")
        .red_flag("RF-3")
        .severity(Severity::Warning)
        .confidence(Confidence::High)
        .summary("A blocking lock (std/parking_lot Mutex or RwLock guard, Python threading.Lock) is held across an await, stalling executor threads or deadlocking.")
        .kinds(&[FileKind::Rust, FileKind::Python])
        .tags(&["state", "concurrency"])
        .docs(DOCS)
        .invalid(
            FileKind::Rust,
            r#"
            use std::collections::HashMap;
            use std::sync::{Arc, Mutex};

            use actix_web::{post, web, HttpResponse};

            pub struct Rates {
                cache: Mutex<HashMap<String, f64>>,
            }

            #[post("/rates/refresh")]
            async fn refresh(rates: web::Data<Arc<Rates>>) -> HttpResponse {
                let mut cache = rates.cache.lock().unwrap();
                let fresh = fetch_rates().await;
                cache.extend(fresh);
                HttpResponse::NoContent().finish()
            }
            "#,
            1,
        )
        .valid(
            FileKind::Rust,
            r#"
            use std::collections::HashMap;
            use std::sync::{Arc, Mutex};

            use actix_web::{post, web, HttpResponse};

            pub struct Rates {
                cache: Mutex<HashMap<String, f64>>,
                history: tokio::sync::Mutex<Vec<f64>>,
            }

            #[post("/rates/refresh")]
            async fn refresh(rates: web::Data<Arc<Rates>>) -> HttpResponse {
                let known = rates.cache.lock().unwrap().len();
                let guard = rates.cache.lock().unwrap();
                let stale = guard.is_empty();
                drop(guard);
                {
                    let mut cache = rates.cache.lock().unwrap();
                    cache.insert("EUR".into(), 1.0);
                }
                let fresh = fetch_rates().await;
                rates.cache.lock().unwrap().extend(fresh);
                let mut history = rates.history.lock().await;
                history.push(notify(known, stale).await);
                HttpResponse::NoContent().finish()
            }
            "#,
        )
        .invalid(
            FileKind::Python,
            r#"
            import threading

            from fastapi import FastAPI

            app = FastAPI()
            _tokens_lock = threading.Lock()
            _tokens = {}

            @app.post("/tokens/refresh")
            async def refresh_token(client_id: str):
                with _tokens_lock:
                    _tokens[client_id] = await fetch_token(client_id)
                return {"ok": True}
            "#,
            1,
        )
        .valid(
            FileKind::Python,
            r#"
            import asyncio
            import threading

            from fastapi import FastAPI

            app = FastAPI()
            _tokens_lock = asyncio.Lock()
            _stats_lock = threading.Lock()
            _stats = {"refreshes": 0}

            @app.post("/tokens/refresh")
            async def refresh_token(client_id: str):
                async with _tokens_lock:
                    token = await fetch_token(client_id)
                with _stats_lock:
                    _stats["refreshes"] += 1
                return {"ok": bool(token)}

            def refresh_sync(client_id):
                with _stats_lock:
                    return fetch_token_sync(client_id)
            "#,
        )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::findings_of_rule;

    /// "line message" of every finding of this rule in one file.
    fn findings(path: &str, code: &str) -> Vec<String> {
        let kind = redflag_syntax::classify(std::path::Path::new(path)).expect("a code file path");
        findings_of_rule("await-holding-lock", path, kind, code)
            .iter()
            .map(|f| format!("{} {}", f.start.map_or(0, |s| s.line), f.message))
            .collect()
    }

    fn example(index: usize) -> Vec<String> {
        let example = &meta().invalid[index];
        findings(&example.effective_path(), &example.code)
    }

    #[test]
    fn rust_message_names_guard_lock_and_await_line() {
        let found = example(0);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with("12 `cache` holds the guard of `rates.cache.lock()` across the `.await` on line 13"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn python_message_names_lock_and_await_line() {
        let found = example(1);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with("11 `with _tokens_lock:` holds a `threading` lock across the `await` on line 12"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn rust_rwlock_parking_lot_and_question_mark_guards() {
        let code = r#"
            use parking_lot::Mutex;
            use std::sync::RwLock;

            pub async fn sync_users(store: &RwLock<Vec<u64>>, queue: &Mutex<Vec<u64>>) -> Result<(), Error> {
                let users = store.write().map_err(|_| Error::Poisoned)?;
                let mut pending = queue.lock();
                if pending.is_empty() {
                    pending.push(load_next().await?);
                }
                drop(pending);
                let snapshot = store.read().expect("users lock");
                publish(&snapshot).await;
                Ok(())
            }
        "#;
        let found = findings("src/sync.rs", code);
        // `store.write().map_err(..)?` is not recognised (documented), the
        // other two are.
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].starts_with("6 `pending` holds the guard of `queue.lock()` across the `.await` on line 8"));
        assert!(found[1].starts_with("11 `snapshot` holds the guard of `store.read()`"));
    }

    #[test]
    fn awaits_in_spawned_tasks_and_other_reads_are_not_held() {
        let code = r#"
            use std::sync::Mutex;

            pub async fn schedule(jobs: &'static Mutex<Vec<u64>>, mut file: tokio::fs::File) {
                let mut guard = jobs.lock().unwrap();
                guard.push(1);
                tokio::spawn(async move {
                    run_jobs().await;
                });
                std::mem::drop(guard);
                let read = file.read(&mut buffer);
                let _ = jobs.lock().unwrap();
                tick().await;
            }
        "#;
        let found = findings("src/jobs.rs", code);
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn python_attribute_locks_and_inline_lock_in_async_methods() {
        let code = r#"
            import threading
            from threading import RLock

            class TokenCache:
                def __init__(self):
                    self._lock = RLock()
                    self._tokens = {}

                async def get(self, key):
                    with self._lock:
                        if key not in self._tokens:
                            self._tokens[key] = await self._fetch(key)
                        return self._tokens[key]

                async def clear(self):
                    with self._lock:
                        self._tokens.clear()

            async def once():
                with threading.Lock():
                    await asyncio.sleep(0)
        "#;
        let found = findings("app/tokens.py", code);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].starts_with("10 `with self._lock:`"), "{}", found[0]);
        assert!(found[1].starts_with("20 `with threading.Lock():`"), "{}", found[1]);
    }

    #[test]
    fn test_files_are_skipped() {
        let code = r#"
            import threading
            lock = threading.Lock()

            async def test_refresh():
                with lock:
                    await refresh()
        "#;
        assert!(findings("tests/test_tokens.py", code).is_empty());
    }
}
