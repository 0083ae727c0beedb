//! `retry-without-limit`: retry policies written to retry forever.
//!
//! A retry library is only as safe as its stop condition: tenacity's and
//! `backoff`'s decorators, `p-retry`/axios-retry with `Infinity`, and Rust
//! backoff iterators that never end keep a failing call going long after any
//! caller has given up, and multiply the load on a dependency that is already
//! failing. The rule reads the policy where it is declared; hand-written retry
//! loops around an outbound call are read as well: unbounded, or bounded with
//! no wait between attempts.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};

use crate::rule::{Diagnostic, NodeContext, Rule, RuleMeta};
use crate::semantics::paths::is_test_or_example;
use crate::semantics::{callee_path, compact, is_outbound_http_call, name_path, rust_in_test_code};
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(RetryWithoutLimit { meta: meta() })
}

struct RetryWithoutLimit {
    meta: RuleMeta,
}

/// Longest method chain followed from a Rust strategy constructor.
const MAX_CHAIN: usize = 64;

fn report(ctx: &mut NodeContext<'_>, node: Node<'_>, what: &str, help: &str) {
    ctx.report(
        Diagnostic::new(
            node.byte_range(),
            format!(
                "{what} retries without a limit: a call that keeps failing is retried forever, holding its caller and adding load to a dependency that is already down"
            ),
        )
        .help(help),
    );
}

// ---------------------------------------------------------------- Python

/// Keyword argument names of a call; `None` when `**kwargs` hides some.
fn py_keywords<'t>(file: &'t SourceFile, call: Node<'_>) -> Option<Vec<&'t str>> {
    let mut names = Vec::new();
    let Some(args) = call.child_by_field_name("arguments") else {
        return Some(names);
    };
    let mut cursor = args.walk();
    for arg in args.named_children(&mut cursor) {
        match arg.kind() {
            "keyword_argument" => {
                if let Some(name) = arg.child_by_field_name("name") {
                    names.push(file.text_of(name));
                }
            }
            "dictionary_splat" => return None,
            _ => {}
        }
    }
    Some(names)
}

const TENACITY_HELP: &str = "give the policy a stop condition: `@retry(stop=stop_after_attempt(5), wait=wait_exponential(multiplier=0.5, max=10))` (or `stop_after_delay(30)`)";
const BACKOFF_HELP: &str = "bound the retries: `@backoff.on_exception(backoff.expo, httpx.HTTPError, max_tries=5, max_time=30)`";

/// `@retry`, `@retry(...)`, `@backoff.on_exception(...)`.
fn check_python_decorator(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    let Some(expression) = node.named_child(0) else {
        return;
    };
    let (target, call) = if expression.kind() == "call" {
        (expression.child_by_field_name("function"), Some(expression))
    } else {
        (Some(expression), None)
    };
    let Some(written) = target.and_then(|t| name_path(file, Language::Python, t)) else {
        return;
    };
    let imports = file.imports();
    let head = written.split('.').next().unwrap_or(&written);
    if imports.binding(head).is_none() {
        return;
    }
    let resolved = imports.resolve(&written);
    match resolved.as_str() {
        "tenacity.retry" => match call {
            None => report(ctx, node, "`@retry` (tenacity)", TENACITY_HELP),
            Some(call) => {
                if py_keywords(file, call).is_some_and(|k| !k.contains(&"stop")) {
                    report(ctx, node, "`@retry(...)` (tenacity) without `stop=`", TENACITY_HELP);
                }
            }
        },
        "backoff.on_exception" | "backoff.on_predicate" => {
            let Some(call) = call else {
                return;
            };
            if py_keywords(file, call).is_some_and(|k| !k.contains(&"max_tries") && !k.contains(&"max_time")) {
                let name = resolved.rsplit('.').next().unwrap_or("on_exception");
                report(ctx, node, &format!("`@backoff.{name}(...)` without `max_tries`/`max_time`"), BACKOFF_HELP);
            }
        }
        _ => {}
    }
}

/// `tenacity.Retrying(...)` / `AsyncRetrying(...)` used directly.
fn check_python_call(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    // Decorator calls are judged with their decorator.
    if ctx.ancestors.last().is_some_and(|p| p.kind() == "decorator") {
        return;
    }
    let Some(written) = callee_path(file, Language::Python, node) else {
        return;
    };
    let imports = file.imports();
    let head = written.split('.').next().unwrap_or(&written);
    if imports.binding(head).is_none() {
        return;
    }
    let resolved = imports.resolve(&written);
    if matches!(resolved.as_str(), "tenacity.Retrying" | "tenacity.AsyncRetrying")
        && py_keywords(file, node).is_some_and(|k| !k.contains(&"stop"))
    {
        let name = resolved.rsplit('.').next().unwrap_or("Retrying");
        report(ctx, node, &format!("`{name}(...)` (tenacity) without `stop=`"), TENACITY_HELP);
    }
}

// ---------------------------------------------------------------- JS / TS

/// True when an object literal sets `retries: Infinity` or `forever: true`.
fn js_unbounded_options(file: &SourceFile, object: Node<'_>) -> bool {
    let mut cursor = object.walk();
    for member in object.named_children(&mut cursor) {
        if member.kind() != "pair" {
            continue;
        }
        let (Some(key), Some(value)) = (member.child_by_field_name("key"), member.child_by_field_name("value")) else {
            continue;
        };
        let key = file.text_of(key).trim_matches(['"', '\'']);
        let value = file.text_of(value);
        let infinite = matches!(value, "Infinity" | "Number.POSITIVE_INFINITY");
        if (key == "retries" && infinite) || (key == "forever" && value == "true") {
            return true;
        }
    }
    false
}

fn check_js(node: Node<'_>, ctx: &mut NodeContext<'_>, language: Language) {
    let file = ctx.file;
    let Some(written) = callee_path(file, language, node) else {
        return;
    };
    let imports = file.imports();
    let head = written.split('.').next().unwrap_or(&written);
    if imports.binding(head).is_none() {
        return;
    }
    let resolved = imports.resolve(&written);
    let (name, index, help) = match resolved.as_str() {
        "axios-retry" | "axios-retry.default" => (
            "`axiosRetry`",
            1,
            "use a finite count with backoff: `axiosRetry(client, { retries: 3, retryDelay: axiosRetry.exponentialDelay })`",
        ),
        "p-retry" | "p-retry.default" => (
            "`pRetry`",
            1,
            "use a finite count: `pRetry(run, { retries: 5, maxRetryTime: 30_000 })`",
        ),
        "retry.operation" | "async-retry" => (
            if resolved == "async-retry" { "`retry` (async-retry)" } else { "`retry.operation`" },
            u32::from(resolved == "async-retry"),
            "use a finite count: `retries: 5` (and `maxRetryTime` where the library has it)",
        ),
        _ => return,
    };
    let options = node
        .child_by_field_name("arguments")
        .and_then(|a| a.named_child(index))
        .filter(|a| a.kind() == "object");
    if options.is_some_and(|o| js_unbounded_options(file, o)) {
        report(ctx, node, name, help);
    }
}

// ---------------------------------------------------------------- Rust

const RUST_BACKOFF_HELP: &str = "keep a bound on the policy: leave `max_elapsed_time` at its default or set `Some(Duration::from_secs(60))`";
const TOKIO_RETRY_HELP: &str = "end the strategy: `ExponentialBackoff::from_millis(100).map(jitter).take(5)`";

/// `ExponentialBackoff { max_elapsed_time: None, .. }`.
fn check_rust_struct(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    let Some(name) = node.child_by_field_name("name") else {
        return;
    };
    let written = crate::semantics::compact(file.text_of(name));
    let resolved = file.imports().resolve(&written);
    if !(resolved.starts_with("backoff::") && resolved.ends_with("ExponentialBackoff")) {
        return;
    }
    let Some(body) = node.child_by_field_name("body") else {
        return;
    };
    let mut cursor = body.walk();
    let unbounded = body.named_children(&mut cursor).any(|field| {
        field.kind() == "field_initializer"
            && field
                .child_by_field_name("field")
                .is_some_and(|f| file.text_of(f) == "max_elapsed_time")
            && field
                .child_by_field_name("value")
                .is_some_and(|v| file.text_of(v) == "None")
    });
    if unbounded && !rust_in_test_code(file, ctx.ancestors) {
        report(ctx, node, "`ExponentialBackoff { max_elapsed_time: None, .. }`", RUST_BACKOFF_HELP);
    }
}

/// Methods called on the result of `node`, outward.
fn rust_chain<'t>(file: &'t SourceFile, node: Node<'_>, ancestors: &[Node<'_>]) -> (Vec<&'t str>, usize) {
    let mut methods = Vec::new();
    let mut current = node;
    let mut used = 0;
    let mut stack = ancestors.iter().rev();
    for _ in 0..MAX_CHAIN {
        let Some(field) = stack.next() else { break };
        if field.kind() != "field_expression" || field.child_by_field_name("value") != Some(current) {
            break;
        }
        let Some(name) = field.child_by_field_name("field") else { break };
        let Some(call) = stack.next() else { break };
        if call.kind() != "call_expression" {
            break;
        }
        methods.push(file.text_of(name));
        current = *call;
        used += 2;
    }
    (methods, used)
}

fn check_rust_call(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    let Some(function) = node.child_by_field_name("function") else {
        return;
    };
    // `ExponentialBackoffBuilder::new().with_max_elapsed_time(None)`.
    if function.kind() == "field_expression" {
        let method = function.child_by_field_name("field").map(|f| file.text_of(f));
        let args = node.child_by_field_name("arguments").map(|a| crate::semantics::compact(file.text_of(a)));
        if method == Some("with_max_elapsed_time")
            && args.as_deref() == Some("(None)")
            && !rust_in_test_code(file, ctx.ancestors)
        {
            report(ctx, node, "`with_max_elapsed_time(None)`", RUST_BACKOFF_HELP);
        }
        return;
    }
    let Some(written) = callee_path(file, Language::Rust, node) else {
        return;
    };
    if !written.ends_with("from_millis") {
        return;
    }
    let resolved = file.imports().resolve(&written);
    let strategy = resolved
        .strip_prefix("tokio_retry::strategy::")
        .or_else(|| resolved.strip_prefix("tokio_retry2::strategy::"));
    if !strategy.is_some_and(|s| {
        matches!(
            s,
            "ExponentialBackoff::from_millis" | "FixedInterval::from_millis" | "FibonacciBackoff::from_millis"
        )
    }) {
        return;
    }
    let (methods, used) = rust_chain(file, node, ctx.ancestors);
    if methods.iter().any(|m| matches!(*m, "take" | "take_while")) {
        return;
    }
    // Where does the strategy go? Directly into `Retry::spawn`, or into a
    // `let` whose name is later bounded with `.take(n)`.
    let rest = &ctx.ancestors[..ctx.ancestors.len() - used];
    let parent = rest.last();
    let unbounded = match parent.map(Node::kind) {
        Some("arguments") => rest.iter().rev().nth(1).is_some_and(|call| {
            call.kind() == "call_expression"
                && callee_path(file, Language::Rust, *call).is_some_and(|c| c.ends_with("::spawn") || c.ends_with("::new"))
        }),
        Some("let_declaration") => parent
            .and_then(|l| l.child_by_field_name("pattern"))
            .map(|p| file.text_of(p).trim_start_matches("mut ").trim().to_string())
            .is_some_and(|name| !file.text.contains(&format!("{name}.take(")) && !file.text.contains(&format!("{name}.take_while(")))
        ,
        _ => false,
    };
    if unbounded && !rust_in_test_code(file, ctx.ancestors) {
        let name = strategy.unwrap_or("strategy");
        report(ctx, node, &format!("`{name}(..)` without `.take(n)`"), TOKIO_RETRY_HELP);
    }
}

// ------------------------------------------------- hand-written retry loops

/// Node kinds that end a search inside a loop: code that runs elsewhere.
fn is_nested_function(language: Language, kind: &str) -> bool {
    crate::semantics::handlers::is_function(language, kind)
}

/// What a retry loop's body shows.
#[derive(Default)]
struct LoopBody {
    outbound: Option<String>,
    /// A `try` (or a Rust `match`/`if let` on a result) around the call.
    guarded: bool,
    /// `break`/`return` on the success path.
    exits: bool,
    sleeps: bool,
    /// A comparison against an attempt counter.
    counted: bool,
}

/// A call as messages name it: its callee path, else its callee as written
/// (`client.post(URL).json(body).send`), shortened.
fn call_name(file: &SourceFile, language: Language, call: Node<'_>) -> String {
    callee_path(file, language, call).unwrap_or_else(|| {
        let written = call.child_by_field_name("function").map_or("", |f| file.text_of(f));
        let written = compact(written);
        if written.len() > 60 {
            "….send".to_string()
        } else {
            written
        }
    })
}

/// True when `node` sits in an `except`/`catch`/`finally` clause below
/// `body`: a call made while handling the failure is not the one retried.
fn in_handler_clause(node: Node<'_>, body: Node<'_>) -> bool {
    let mut current = node.parent();
    while let Some(parent) = current {
        if parent.id() == body.id() {
            return false;
        }
        if matches!(parent.kind(), "except_clause" | "catch_clause" | "finally_clause" | "except_group_clause") {
            return true;
        }
        current = parent.parent();
    }
    false
}

const SLEEPS: &[&str] = &["sleep", "setTimeout", "delay", "wait", "backoff", "setTimeoutPromise"];
const COUNTERS: &[&str] = &["attempt", "tries", "retry", "retries", "tried", "count", "n_", "remaining", "max_"];

fn read_loop_body(file: &SourceFile, language: Language, body: Node<'_>) -> LoopBody {
    let mut seen = LoopBody::default();
    crate::semantics::walk(body, |node| {
        let kind = node.kind();
        if is_nested_function(language, kind) {
            return false;
        }
        match kind {
            "try_statement" | "match_expression" | "if_let_expression" | "let_condition" => seen.guarded = true,
            "break_statement" | "return_statement" | "break_expression" | "return_expression" => seen.exits = true,
            "comparison_operator" | "binary_expression" => {
                let text = file.text_of(node).to_ascii_lowercase();
                let compares = [">", "<", "==", "!="].iter().any(|op| text.contains(op));
                if compares && COUNTERS.iter().any(|c| text.contains(c)) {
                    seen.counted = true;
                }
            }
            "call" | "call_expression" => {
                let retried = !in_handler_clause(node, body);
                if seen.outbound.is_none() && retried && is_outbound_http_call(file, language, node) {
                    seen.outbound = Some(call_name(file, language, node));
                }
                let callee = node
                    .child_by_field_name("function")
                    .map_or("", |f| file.text_of(f));
                let last = callee.rsplit(['.', ':']).next().unwrap_or(callee);
                if SLEEPS.iter().any(|s| last.eq_ignore_ascii_case(s) || last.starts_with(s)) {
                    seen.sleeps = true;
                }
            }
            _ => {}
        }
        true
    });
    seen
}

/// `while True:` / `for (;;)` / `loop {}` / `for attempt in range(5)` around
/// an outbound call that is retried on failure: unbounded, or without any
/// wait between attempts.
fn check_retry_loop(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    let language = ctx.language();
    let Some(body) = node.child_by_field_name("body") else {
        return;
    };
    let seen = read_loop_body(file, language, body);
    let Some(call) = seen.outbound else {
        return;
    };
    if !seen.guarded || !seen.exits {
        return;
    }
    if language == Language::Rust && rust_in_test_code(file, ctx.ancestors) {
        return;
    }
    // Only the innermost loop around the call speaks for it.
    let mut inner_loop = false;
    crate::semantics::walk(body, |inner| {
        if matches!(
            inner.kind(),
            "while_statement" | "for_statement" | "do_statement" | "loop_expression" | "while_expression" | "for_expression"
        ) && inner
            .child_by_field_name("body")
            .is_some_and(|b| read_loop_body(file, language, b).outbound.is_some())
        {
            inner_loop = true;
        }
        !inner_loop && !is_nested_function(language, inner.kind())
    });
    if inner_loop {
        return;
    }
    let header = file.slice(node.start_byte()..body.start_byte());
    let counted_header = match node.kind() {
        // `for attempt in range(5)`, `for _ in 0..5`: attempts; a loop over
        // a list (`for url in mirrors`) tries different things, not again.
        "for_statement" if language == Language::Python => {
            let over = node.child_by_field_name("right").map_or("", |r| file.text_of(r));
            if !over.starts_with("range(") {
                return;
            }
            true
        }
        "for_expression" => {
            let over = node.child_by_field_name("value").map_or("", |r| file.text_of(r));
            if !over.contains("..") {
                return;
            }
            true
        }
        // `for (let i = 0; i < 5; i++)`; `for (;;)` is `while (true)`.
        "for_statement" => !compact(header).contains("(;;)"),
        "while_statement" | "while_expression" | "do_statement" => {
            let condition = node.child_by_field_name("condition").map_or("", |c| file.text_of(c));
            ["<", ">"].iter().any(|op| condition.contains(op))
                || COUNTERS.iter().any(|c| condition.to_ascii_lowercase().contains(c))
        }
        _ => false,
    };
    let bounded = counted_header || seen.counted;
    if bounded && seen.sleeps {
        return;
    }
    let keyword = header.split_whitespace().next().unwrap_or("loop");
    let (message, help) = if bounded {
        (
            format!("this hand-written retry loop calls `{call}` again at once after a failure, with no wait between attempts: every failure is retried immediately, multiplying the load on a dependency that is already failing"),
            "wait between attempts with exponential backoff and jitter (`time.sleep(min(2 ** attempt, 30) + random.random())`, `await setTimeout(2 ** attempt * 100)`, `tokio::time::sleep(..)`), or use a retry library with a limit (tenacity, p-retry, backoff)",
        )
    } else {
        (
            format!(
                "this hand-written `{keyword}` retry loop calls `{call}` until it succeeds{}: a call that keeps failing is retried forever, holding its caller and adding load to a dependency that is already down",
                if seen.sleeps { "" } else { ", with no wait between attempts" }
            ),
            "bound the attempts (`for attempt in range(5):` … `else: raise`) and wait between them with exponential backoff, or use a retry library with a limit (tenacity `stop_after_attempt`, p-retry `retries`, `backoff` `max_tries`)",
        )
    };
    let end = body.start_byte().max(node.start_byte());
    ctx.report(Diagnostic::new(node.start_byte()..end, message).help(help));
}

impl Rule for RetryWithoutLimit {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    /// Tests and examples may retry against a local server on purpose.
    fn applies_to(&self, path: &str) -> bool {
        !is_test_or_example(path)
    }

    fn prefilter(&self, language: Language) -> Option<Vec<Vec<String>>> {
        let candidates: &[&str] = match language {
            Language::Python => &["tenacity", "backoff", "except"],
            Language::Rust => &["max_elapsed_time", "tokio_retry", "loop"],
            _ => &["Infinity", "forever", "catch"],
        };
        Some(vec![candidates.iter().map(|c| (*c).to_string()).collect()])
    }

    fn node_kinds(&self, language: Language) -> Vec<String> {
        let kinds: &[&str] = match language {
            Language::Python => &["decorator", "call", "while_statement", "for_statement"],
            Language::Rust => &["struct_expression", "call_expression", "loop_expression", "while_expression", "for_expression"],
            _ => &["call_expression", "while_statement", "for_statement", "do_statement"],
        };
        kinds.iter().map(|k| (*k).to_string()).collect()
    }

    fn check_node(&self, node: Node<'_>, ctx: &mut NodeContext<'_>) {
        match (ctx.language(), node.kind()) {
            (_, "while_statement" | "for_statement" | "do_statement" | "loop_expression" | "while_expression" | "for_expression") => {
                check_retry_loop(node, ctx);
            }
            (Language::Python, "decorator") => check_python_decorator(node, ctx),
            (Language::Python, _) => check_python_call(node, ctx),
            (Language::Rust, "struct_expression") => check_rust_struct(node, ctx),
            (Language::Rust, _) => check_rust_call(node, ctx),
            (language, _) => check_js(node, ctx, language),
        }
    }
}

const DOCS: &str = r#"
## What it does
Finds retry policies with no limit. Python: tenacity `@retry` written bare or
with arguments but no `stop=`, `Retrying(...)`/`AsyncRetrying(...)` without
`stop=`, and `@backoff.on_exception(...)` / `@backoff.on_predicate(...)`
without `max_tries` or `max_time`. JavaScript/TypeScript: `axiosRetry(client,
{ retries: Infinity })`, `pRetry(fn, { retries: Infinity })`, `async-retry`
and `retry.operation` with `retries: Infinity` or `forever: true`. Rust:
`backoff::ExponentialBackoff { max_elapsed_time: None, .. }`,
`.with_max_elapsed_time(None)`, and tokio-retry strategies
(`ExponentialBackoff`, `FixedInterval`, `FibonacciBackoff` `::from_millis`)
handed to `Retry::spawn` without `.take(n)`. Imports are followed.

## Why it matters
Checklist SCOPE-3.3 (outbound calls are bounded) and red flag RF-4. A retry
that never stops turns one failing dependency into a stuck worker per
request, and the retries themselves keep the dependency overloaded, so it
cannot recover (a retry storm).

## Example
```python
from tenacity import retry, wait_exponential

@retry(wait=wait_exponential(multiplier=0.5, max=10))
def fetch_invoice(invoice_id):
    return billing.get(f"/invoices/{invoice_id}", timeout=5).json()
```

## Use instead
```python
from tenacity import retry, stop_after_attempt, wait_exponential

@retry(stop=stop_after_attempt(5), wait=wait_exponential(multiplier=0.5, max=10))
def fetch_invoice(invoice_id):
    return billing.get(f"/invoices/{invoice_id}", timeout=5).json()
```
`@backoff.on_exception(backoff.expo, httpx.HTTPError, max_tries=5)`,
`pRetry(run, { retries: 5 })`, `ExponentialBackoff::from_millis(100).take(5)`.

## Configuration
Select or ignore it by name, `SCOPE-3.3` or `RF-4`. Tests and examples are
not checked. Not seen: policies whose options come from `**kwargs`, a
variable or a spread; a tenacity `stop` added later with `.retry_with(...)`;
and strategies returned from a function before `.take(n)` is applied.

Hand-written retry loops are read too: a `while True:` / `for (;;)` /
`loop {}` / `for attempt in range(5)` loop whose body makes an outbound HTTP
call inside a `try` (Rust: a `match`/`if let` on the result) and leaves the
loop on success. It is reported when nothing bounds the attempts (no counter
in the loop header or compared in the body), or when attempts are bounded
but nothing waits between them (`sleep`, `setTimeout`, `delay`). Worker
loops that process messages and never leave on success are not retry loops
and are not reported. Not seen: a retry loop whose call is in a helper
function, and counters kept outside the loop under names other than
`attempt`/`tries`/`retries`/`count`.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("retry-without-limit", "SCOPE-3.3")
        .red_flag("RF-4")
        .severity(Severity::Warning)
        .confidence(Confidence::High)
        .summary("A retry policy has no stop condition and retries a failing call forever.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Tsx, FileKind::Rust])
        .docs(DOCS)
        .invalid(
            FileKind::Python,
            r#"
            import backoff
            import httpx
            from tenacity import retry, retry_if_exception_type, wait_exponential

            @retry
            def publish(event):
                broker.publish("orders", event)

            @retry(wait=wait_exponential(multiplier=0.5, max=10), retry=retry_if_exception_type(httpx.TransportError))
            def fetch_invoice(invoice_id):
                return billing.get(f"/invoices/{invoice_id}").json()

            @backoff.on_exception(backoff.expo, httpx.HTTPError)
            async def geocode(address):
                return (await geo.get("/search", params={"q": address})).json()
            "#,
            3,
        )
        .valid(
            FileKind::Python,
            r#"
            import backoff
            import httpx
            from tenacity import retry, stop_after_attempt, stop_after_delay, wait_exponential

            @retry(stop=stop_after_attempt(5), wait=wait_exponential(multiplier=0.5, max=10))
            def fetch_invoice(invoice_id):
                return billing.get(f"/invoices/{invoice_id}").json()

            @retry(stop=(stop_after_delay(30) | stop_after_attempt(5)), reraise=True)
            def publish(event):
                broker.publish("orders", event)

            @backoff.on_exception(backoff.expo, httpx.HTTPError, max_tries=5, max_time=30)
            async def geocode(address):
                return (await geo.get("/search", params={"q": address})).json()
            "#,
        )
        .invalid(
            FileKind::TypeScript,
            r#"
            import axios from "axios";
            import axiosRetry from "axios-retry";
            import pRetry from "p-retry";

            const payments = axios.create({ baseURL: process.env.PAYMENTS_URL, timeout: 5000 });
            axiosRetry(payments, { retries: Infinity, retryDelay: axiosRetry.exponentialDelay });

            export async function capture(id: string) {
              return pRetry(() => payments.post(`/captures/${id}`), { forever: true, retries: Infinity });
            }
            "#,
            2,
        )
        .valid(
            FileKind::TypeScript,
            r#"
            import axios from "axios";
            import axiosRetry from "axios-retry";
            import pRetry from "p-retry";

            const payments = axios.create({ baseURL: process.env.PAYMENTS_URL, timeout: 5000 });
            axiosRetry(payments, { retries: 3, retryDelay: axiosRetry.exponentialDelay });

            export async function capture(id: string) {
              return pRetry(() => payments.post(`/captures/${id}`), { retries: 5, maxRetryTime: 30_000 });
            }
            "#,
        )
        .invalid(
            FileKind::Rust,
            r#"
            use backoff::ExponentialBackoff;
            use tokio_retry::strategy::{jitter, ExponentialBackoff as Strategy};
            use tokio_retry::Retry;

            pub fn policy() -> ExponentialBackoff {
                ExponentialBackoff { max_elapsed_time: None, ..Default::default() }
            }

            pub async fn register(client: &Registry) -> Result<(), Error> {
                Retry::spawn(Strategy::from_millis(100).map(jitter), || client.register()).await
            }
            "#,
            2,
        )
        .valid(
            FileKind::Rust,
            r#"
            use std::time::Duration;
            use backoff::ExponentialBackoff;
            use tokio_retry::strategy::{jitter, ExponentialBackoff as Strategy};
            use tokio_retry::Retry;

            pub fn policy() -> ExponentialBackoff {
                ExponentialBackoff { max_elapsed_time: Some(Duration::from_secs(60)), ..Default::default() }
            }

            pub async fn register(client: &Registry) -> Result<(), Error> {
                Retry::spawn(Strategy::from_millis(100).map(jitter).take(5), || client.register()).await
            }

            pub async fn heartbeat(client: &Registry) -> Result<(), Error> {
                let strategy = Strategy::from_millis(500).map(jitter);
                Retry::spawn(strategy.take(3), || client.heartbeat()).await
            }
            "#,
        )
}

#[cfg(test)]
mod tests {
    use crate::engine::findings_of_rule;
    use redflag_syntax::FileKind;

    fn findings(path: &str, kind: FileKind, code: &str) -> Vec<String> {
        findings_of_rule("retry-without-limit", path, kind, code)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn python_retrying_objects_aliases_and_hidden_options() {
        let found = findings(
            "app/worker.py",
            FileKind::Python,
            r#"
            import tenacity
            from tenacity import Retrying, wait_fixed

            def sync():
                for attempt in Retrying(wait=wait_fixed(2)):
                    with attempt:
                        push()

            @tenacity.retry(**RETRY_POLICY)
            def pull():
                return fetch()

            def retry(f):
                return f

            @retry
            def local():
                pass
            "#,
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].starts_with("`Retrying(...)` (tenacity) without `stop=`"));
    }

    #[test]
    fn rust_strategy_in_a_let_and_builder_without_max_elapsed_time() {
        let found = findings(
            "src/register.rs",
            FileKind::Rust,
            r#"
            use tokio_retry::strategy::FixedInterval;
            use tokio_retry::Retry;

            async fn register() {
                let strategy = FixedInterval::from_millis(250);
                Retry::spawn(strategy, || client.register()).await.ok();
                let policy = backoff::ExponentialBackoffBuilder::new().with_max_elapsed_time(None).build();
            }
            "#,
        );
        assert_eq!(found.len(), 2, "{found:#?}");
    }

    #[test]
    fn js_async_retry_forever() {
        let found = findings(
            "src/sync.js",
            FileKind::JavaScript,
            "const retry = require('async-retry');\nmodule.exports = () => retry(async () => push(), { forever: true });\n",
        );
        assert_eq!(found.len(), 1, "{found:#?}");
    }

    #[test]
    fn python_hand_written_retry_loops() {
        let found = findings(
            "app/billing.py",
            FileKind::Python,
            r#"
            import time
            import requests

            def charge(payload):
                while True:
                    try:
                        resp = requests.post(CHARGES_URL, json=payload, timeout=10)
                        resp.raise_for_status()
                        return resp.json()
                    except requests.RequestException:
                        log.warning("charge failed, retrying")

            def refund(payload):
                for attempt in range(5):
                    try:
                        return requests.post(REFUNDS_URL, json=payload, timeout=10).json()
                    except requests.RequestException:
                        continue
                raise RuntimeError("refund failed")
            "#,
        );
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].starts_with("this hand-written `while` retry loop calls `requests.post` until it succeeds, with no wait"), "{found:#?}");
        assert!(found[1].contains("again at once after a failure"), "{found:#?}");

        let fine = findings(
            "app/billing.py",
            FileKind::Python,
            r#"
            import time
            import requests

            def refund(payload):
                for attempt in range(5):
                    try:
                        return requests.post(REFUNDS_URL, json=payload, timeout=10).json()
                    except requests.RequestException:
                        time.sleep(min(2 ** attempt, 30))
                raise RuntimeError("refund failed")

            def from_mirrors(path):
                for base in MIRRORS:
                    try:
                        return requests.get(base + path, timeout=5).content
                    except requests.RequestException:
                        continue

            def consume():
                while True:
                    job = queue.get()
                    try:
                        requests.post(job.webhook, json=job.body, timeout=5)
                    except requests.RequestException:
                        log.exception("webhook failed")
            "#,
        );
        assert!(fine.is_empty(), "{fine:#?}");
    }

    #[test]
    fn js_and_rust_hand_written_retry_loops() {
        let found = findings(
            "src/sync.ts",
            FileKind::TypeScript,
            r#"
            import axios from "axios";

            export async function pushOrder(order: Order) {
              for (;;) {
                try {
                  const { data } = await axios.post(`${ERP_URL}/orders`, order, { timeout: 5000 });
                  return data;
                } catch (err) {
                  await sleep(1000);
                }
              }
            }
            "#,
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].starts_with("this hand-written `for` retry loop calls `axios.post` until it succeeds: a call"), "{found:#?}");

        let bounded = findings(
            "src/sync.ts",
            FileKind::TypeScript,
            r#"
            import axios from "axios";
            import { setTimeout as sleep } from "node:timers/promises";

            export async function pushOrder(order: Order) {
              for (let attempt = 0; attempt < 5; attempt++) {
                try {
                  return (await axios.post(`${ERP_URL}/orders`, order, { timeout: 5000 })).data;
                } catch (err) {
                  await sleep(2 ** attempt * 100);
                }
              }
              throw new Error("ERP unavailable");
            }
            "#,
        );
        assert!(bounded.is_empty(), "{bounded:#?}");

        let rust = findings(
            "src/sync.rs",
            FileKind::Rust,
            r#"
            pub async fn push(client: &reqwest::Client, order: &Order) -> reqwest::Result<()> {
                loop {
                    match client.post(ERP_URL).json(order).send().await {
                        Ok(resp) => return resp.error_for_status().map(|_| ()),
                        Err(err) => tracing::warn!(%err, "push failed, retrying"),
                    }
                }
            }

            pub async fn push_bounded(client: &reqwest::Client, order: &Order) -> reqwest::Result<()> {
                let mut delay = Duration::from_millis(100);
                for attempt in 0..5 {
                    match client.post(ERP_URL).json(order).send().await {
                        Ok(resp) => return resp.error_for_status().map(|_| ()),
                        Err(err) if attempt < 4 => tokio::time::sleep(delay).await,
                        Err(err) => return Err(err),
                    }
                    delay *= 2;
                }
                unreachable!()
            }
            "#,
        );
        assert_eq!(rust.len(), 1, "{rust:#?}");
        assert!(rust[0].starts_with("this hand-written `loop` retry loop calls `client.post(ERP_URL).json(order).send` until"), "{rust:#?}");
    }
}
