//! Small semantic views over syntax trees, shared by rules.
//!
//! Rules need the same few facts again and again: what a call's callee is
//! (as a dotted path, after imports), whether code runs inside an `async`
//! function, which environment variables a deployment file sets. They live
//! here once, written iteratively so that a hostile 50,000-deep tree cannot
//! exhaust the stack.

pub mod crypto;
pub mod env_vars;
pub mod handlers;
pub mod imports;
pub mod paths;
pub mod request_body;
pub mod request_data;
pub mod sink_flow;
pub mod sinks;

use redflag_syntax::tree_sitter::Node;
use redflag_syntax::Language;

use crate::source::SourceFile;

/// Visits `root` and its descendants in source order with a cursor (no
/// recursion: hostile nesting cannot exhaust the stack); `visit` returns
/// whether to look inside the node it was given.
pub fn walk<'t>(root: Node<'t>, mut visit: impl FnMut(Node<'t>) -> bool) {
    let mut cursor = root.walk();
    loop {
        if visit(cursor.node()) && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.node().id() == root.id() {
                return;
            }
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
        }
    }
}

/// A visit of a syntax tree that sees each node's ancestors and is told
/// when a node's subtree is done.
pub trait TreeVisitor<'t> {
    /// Called before the node's children, with its ancestors (root first).
    fn enter(&mut self, node: Node<'t>, ancestors: &[Node<'t>]);
    /// Called after the node's children.
    fn leave(&mut self, node: Node<'t>);
}

/// Visits `root` and every node below it in source order, with a cursor
/// and an explicit ancestor stack (no recursion: hostile nesting cannot
/// exhaust the stack, and no `Node::parent`, which searches from the root).
pub fn visit<'t>(root: Node<'t>, visitor: &mut impl TreeVisitor<'t>) {
    let mut cursor = root.walk();
    let mut ancestors: Vec<Node<'t>> = Vec::new();
    loop {
        let node = cursor.node();
        visitor.enter(node, &ancestors);
        if cursor.goto_first_child() {
            ancestors.push(node);
            continue;
        }
        visitor.leave(node);
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if ancestors.is_empty() || !cursor.goto_parent() {
                return;
            }
            if let Some(parent) = ancestors.pop() {
                visitor.leave(parent);
            }
        }
    }
}

/// Removes whitespace from a path or name written across lines.
#[must_use]
pub fn compact(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Longest member chain read as a path; longer chains are not call targets
/// any rule cares about.
const MAX_PATH_SEGMENTS: usize = 16;

/// The callee of a call node as written: `requests.get`, `fs.readFileSync`,
/// `std::thread::sleep`, `open`. `None` when the callee is not a plain name
/// or member chain (a call result, a subscript, …).
#[must_use]
pub fn callee_path(file: &SourceFile, language: Language, call: Node<'_>) -> Option<String> {
    let function = call.child_by_field_name("function")?;
    name_path(file, language, function)
}

/// A name or member chain as a path (`a.b.c`, `a::b::c`).
#[must_use]
pub fn name_path(file: &SourceFile, language: Language, node: Node<'_>) -> Option<String> {
    match language {
        Language::Rust => rust_path(file, node),
        Language::Python => member_chain(file, node, "attribute", "object", "attribute"),
        _ => member_chain(file, node, "member_expression", "object", "property"),
    }
}

fn member_chain(
    file: &SourceFile,
    node: Node<'_>,
    member_kind: &str,
    object_field: &str,
    property_field: &str,
) -> Option<String> {
    let mut segments = Vec::new();
    let mut current = node;
    loop {
        if segments.len() > MAX_PATH_SEGMENTS {
            return None;
        }
        match current.kind() {
            "identifier" | "this" | "super" => {
                segments.push(file.text_of(current));
                break;
            }
            kind if kind == member_kind => {
                let property = current.child_by_field_name(property_field)?;
                segments.push(file.text_of(property));
                current = current.child_by_field_name(object_field)?;
            }
            _ => return None,
        }
    }
    segments.reverse();
    Some(segments.join("."))
}

fn rust_path(file: &SourceFile, node: Node<'_>) -> Option<String> {
    match node.kind() {
        "identifier" | "scoped_identifier" => Some(
            file.text_of(node)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .trim_start_matches("::")
                .to_string(),
        ),
        "generic_function" => rust_path(file, node.child_by_field_name("function")?),
        _ => None,
    }
}

/// The innermost function-like ancestor that decides whether code at this
/// point runs on an async event loop, with its name when it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExecutionContext<'a> {
    /// Inside an `async` function, method, arrow function or block.
    Async(Node<'a>),
    /// Inside a synchronous function, or handed to a thread pool.
    Sync,
}

/// True when one of `node`'s direct children is the keyword `async`.
#[must_use]
pub fn has_async_keyword(node: Node<'_>) -> bool {
    let mut cursor = node.walk();
    let found = node
        .children(&mut cursor)
        .take(6)
        .any(|child| child.kind() == "async");
    found
}

/// A function's `async` modifier in Rust sits inside `function_modifiers`.
fn rust_fn_is_async(node: Node<'_>) -> bool {
    let mut cursor = node.walk();
    let found = node
        .children(&mut cursor)
        .filter(|c| c.kind() == "function_modifiers")
        .any(has_async_keyword);
    found
}

/// Callees that run their function argument on another thread or process:
/// code inside such a callback does not block the event loop.
const OFFLOADING_CALLEES: &[&str] = &[
    // Python
    "run_in_executor",
    "to_thread",
    "submit",
    "Thread",
    "Process",
    "apply_async",
    "run_sync",
    "sync_to_async",
    // Rust: tokio, actix-web's `web::block`, tokio's internal `asyncify`,
    // the `blocking` crate's `unblock`, threads.
    "spawn_blocking",
    "block_in_place",
    "block",
    "asyncify",
    "unblock",
    "spawn",
    // JS
    "Worker",
];

fn is_offloaded(
    file: &SourceFile,
    language: Language,
    callback: Node<'_>,
    ancestors: &[Node<'_>],
) -> bool {
    // The callback is an argument: its parent is the argument list, whose
    // parent is the call.
    let Some(position) = ancestors.iter().rposition(|a| a.id() == callback.id()) else {
        return false;
    };
    let call = ancestors[..position]
        .iter()
        .rev()
        .take(3)
        .find(|a| matches!(a.kind(), "call" | "call_expression" | "new_expression"));
    let Some(call) = call else {
        return false;
    };
    // In Rust, a synchronous closure handed to a call that is awaited is run
    // off the event loop: that is what such APIs are for (`spawn_blocking`,
    // actix `web::block`, in-house `asyncify` helpers).
    if language == Language::Rust {
        let call_index = ancestors.iter().rposition(|a| a.id() == call.id());
        let awaited = call_index
            .and_then(|i| i.checked_sub(1))
            .is_some_and(|i| ancestors[i].kind() == "await_expression");
        if awaited {
            return true;
        }
    }
    let callee = call
        .child_by_field_name("function")
        .or_else(|| call.child_by_field_name("constructor"))
        .and_then(|f| name_path(file, language, f));
    callee.is_some_and(|path| is_offloading_callee(&path))
}

/// True when a callee runs its function argument on another thread:
/// `run_in_executor`, `to_thread`, `spawn_blocking`, `thread::spawn`, …
/// (`tokio::spawn` runs futures on the same runtime and does not count).
#[must_use]
pub fn is_offloading_callee(path: &str) -> bool {
    let last = path.rsplit(['.', ':']).next().unwrap_or("");
    OFFLOADING_CALLEES.contains(&last) && !(last == "spawn" && path.contains("tokio"))
}

/// True when Rust code sits in a test function or test module
/// (`#[test]`, `#[tokio::test]`, `#[cfg(test)] mod tests`).
#[must_use]
pub fn rust_in_test_code(file: &SourceFile, ancestors: &[Node<'_>]) -> bool {
    ancestors
        .iter()
        .filter(|a| matches!(a.kind(), "function_item" | "mod_item"))
        .any(|item| {
            let mut previous = item.prev_named_sibling();
            while let Some(sibling) = previous {
                match sibling.kind() {
                    "attribute_item" => {
                        if file.text_of(sibling).contains("test") {
                            return true;
                        }
                    }
                    "line_comment" | "block_comment" => {}
                    _ => break,
                }
                previous = sibling.prev_named_sibling();
            }
            false
        })
}

/// Decides whether the code at `ancestors.last()`'s child runs inside an
/// async function, walking outwards through the ancestor stack. Inline
/// callbacks (closures, arrow functions, lambdas) are transparent unless they
/// are handed to a thread pool; a nested synchronous function ends the walk.
#[must_use]
pub fn execution_context<'a>(
    file: &SourceFile,
    language: Language,
    ancestors: &[Node<'a>],
) -> ExecutionContext<'a> {
    for (index, &node) in ancestors.iter().enumerate().rev() {
        let within = &ancestors[..=index];
        match (language, node.kind()) {
            (Language::Python, "function_definition") => {
                return if has_async_keyword(node) {
                    ExecutionContext::Async(node)
                } else {
                    ExecutionContext::Sync
                };
            }
            (Language::Python, "lambda") | (Language::Rust, "closure_expression") => {
                if language == Language::Rust && has_async_keyword(node) {
                    return ExecutionContext::Async(node);
                }
                if is_offloaded(file, language, node, within) {
                    return ExecutionContext::Sync;
                }
            }
            (Language::Python, "class_definition") => return ExecutionContext::Sync,
            (Language::Rust, "async_block") => return ExecutionContext::Async(node),
            (Language::Rust, "function_item") => {
                return if rust_fn_is_async(node) {
                    ExecutionContext::Async(node)
                } else {
                    ExecutionContext::Sync
                };
            }
            (Language::Rust, "impl_item" | "trait_item" | "mod_item") => {
                return ExecutionContext::Sync
            }
            (_, "arrow_function") => {
                if has_async_keyword(node) {
                    return ExecutionContext::Async(node);
                }
                if is_offloaded(file, language, node, within) {
                    return ExecutionContext::Sync;
                }
            }
            (
                _,
                "function_declaration"
                | "function_expression"
                | "function"
                | "generator_function_declaration"
                | "generator_function"
                | "method_definition",
            ) => {
                return if has_async_keyword(node) {
                    ExecutionContext::Async(node)
                } else {
                    ExecutionContext::Sync
                };
            }
            _ => {}
        }
    }
    ExecutionContext::Sync
}

/// A readable name for an async context: `async def fetch`, `async fn load`,
/// `async arrow function`.
#[must_use]
pub fn describe_context(file: &SourceFile, language: Language, node: Node<'_>) -> String {
    let name = node
        .child_by_field_name("name")
        .map(|n| file.text_of(n).to_string());
    match (language, node.kind(), name) {
        (Language::Python, _, Some(name)) => format!("`async def {name}`"),
        (Language::Rust, "function_item", Some(name)) => format!("`async fn {name}`"),
        (Language::Rust, "async_block", _) => "an `async` block".to_string(),
        (Language::Rust, _, _) => "an `async` closure".to_string(),
        (_, "method_definition", Some(name)) => format!("async method `{name}`"),
        (_, _, Some(name)) => format!("`async function {name}`"),
        (_, "arrow_function", None) => "an async arrow function".to_string(),
        _ => "an async function".to_string(),
    }
}

/// An outbound HTTP call: a call into a well-known client library
/// (`requests`, `httpx`, `axios`, `got`, `fetch`, `reqwest`, …) or an HTTP
/// verb on a receiver named like a client (`billing_client.post`,
/// `self.session.get`, `api.get`). Imports are followed.
#[must_use]
pub fn is_outbound_http_call(file: &SourceFile, language: Language, call: Node<'_>) -> bool {
    let Some(callee) = callee_path(file, language, call) else {
        // `client.get(url).send().await`: a method on a call result.
        return language == Language::Rust
            && call
                .child_by_field_name("function")
                .and_then(|f| f.child_by_field_name("field"))
                .is_some_and(|f| file.text_of(f) == "send")
            && file.text.contains("reqwest");
    };
    let sep = if language == Language::Rust {
        "::"
    } else {
        "."
    };
    let resolved = file.imports().resolve(&callee);
    let head = resolved.split(sep).next().unwrap_or("");
    let last = callee.rsplit(sep).next().unwrap_or(&callee);
    let verb = matches!(
        last,
        "get"
            | "post"
            | "put"
            | "patch"
            | "delete"
            | "request"
            | "head"
            | "urlopen"
            | "fetch"
            | "send"
    );
    if matches!(
        head,
        "requests"
            | "httpx"
            | "aiohttp"
            | "axios"
            | "got"
            | "node-fetch"
            | "undici"
            | "reqwest"
            | "ureq"
            | "superagent"
    ) || resolved.starts_with("urllib.request.")
    {
        return true;
    }
    if callee == "fetch" || resolved == "node-fetch" || resolved == "node-fetch.default" {
        return true;
    }
    let receiver = callee
        .rsplit_once(sep)
        .map_or("", |(r, _)| r)
        .to_ascii_lowercase();
    verb && ["client", "session", "http", "api"]
        .iter()
        .any(|w| receiver.ends_with(w))
}
