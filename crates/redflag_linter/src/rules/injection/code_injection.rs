//! `code-injection`: a request handler evaluates request data as code —
//! Python `eval`/`exec`/`compile`, JavaScript `eval`, `new Function`,
//! string timers and `node:vm`, Rust embedded Lua (`mlua`/`rlua`).
//!
//! The builtins count only when the name is not rebound by an import (a
//! module's own `eval` function is not the builtin); `ast.literal_eval` and
//! `JSON.parse` are other callees and never match.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};

use crate::rule::{Diagnostic, NodeContext, Rule, RuleMeta};
use crate::semantics::paths::is_test_or_example;
use crate::semantics::request_data::Origin;
use crate::semantics::rust_in_test_code;
use crate::semantics::sinks::{argument, arguments, callee, method_name, positional, sink_scope};
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(CodeInjection { meta: meta() })
}

struct CodeInjection {
    meta: RuleMeta,
}

fn report(ctx: &mut NodeContext<'_>, node: Node<'_>, api: &str, code: &str, origin: &Origin, help: &str) {
    ctx.report(
        Diagnostic::new(
            node.byte_range(),
            format!(
                "`{api}` runs {code} built from the {} {}: the client's text executes on the server with the service's privileges",
                origin.kind.noun(),
                origin.describe()
            ),
        )
        .help(help),
    );
}

const PY_HELP: &str = "never evaluate client text: parse data with `json.loads`, or `ast.literal_eval` for Python literals only; map the operations a client may choose to functions in a dict; for formulas, use a small expression parser with a fixed set of operators";

fn check_python(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    let Some((written, resolved)) = callee(file, Language::Python, node) else {
        return;
    };
    // The builtin, not an imported or locally defined function of the
    // same name.
    let builtin = |name: &str| {
        (written == name
            && file.imports().binding(name).is_none()
            && !file.text.contains(&format!("def {name}(")))
            || resolved == format!("builtins.{name}")
    };
    let (api, source) = if builtin("eval") {
        ("eval", argument(file, node, 0, "source"))
    } else if builtin("exec") {
        ("exec", argument(file, node, 0, "source"))
    } else if builtin("compile") {
        ("compile", argument(file, node, 0, "source"))
    } else {
        return;
    };
    let Some(source) = source else {
        return;
    };
    let Some(scope) = sink_scope(file, ctx.ancestors) else {
        return;
    };
    if let Some(origin) = scope.origin(file, source) {
        report(ctx, node, api, "Python code", &origin, PY_HELP);
    }
}

const JS_HELP: &str = "never evaluate client text: parse data with `JSON.parse`, map the operations a client may choose to functions in an object, and for formulas use an expression parser with a fixed grammar; `node:vm` is not a security boundary";

/// The JS API that runs its argument as code, and which arguments hold the
/// code: `Some(None)` for all of them (`new Function(a, b, body)`).
fn js_api(file: &SourceFile, written: &str, resolved: &str) -> Option<(&'static str, Option<usize>)> {
    let global = |name: &str| {
        let head = written.split('.').next().unwrap_or(written);
        file.imports().binding(head).is_none()
            && (written == name
                || written == format!("globalThis.{name}")
                || written == format!("window.{name}")
                || written == format!("global.{name}"))
    };
    if global("eval") {
        return Some(("eval", Some(0)));
    }
    if global("Function") {
        return Some(("Function", None));
    }
    Some(match resolved {
        "vm.runInNewContext" => ("vm.runInNewContext", Some(0)),
        "vm.runInThisContext" => ("vm.runInThisContext", Some(0)),
        "vm.runInContext" => ("vm.runInContext", Some(0)),
        "vm.compileFunction" => ("vm.compileFunction", Some(0)),
        "vm.Script" => ("vm.Script", Some(0)),
        "vm.SourceTextModule" => ("vm.SourceTextModule", Some(0)),
        _ => return None,
    })
}

fn check_js(node: Node<'_>, ctx: &mut NodeContext<'_>, language: Language) {
    let file = ctx.file;
    let Some((written, resolved)) = callee(file, language, node) else {
        return;
    };
    let Some((api, index)) = js_api(file, &written, &resolved) else {
        return;
    };
    let candidates: Vec<Node<'_>> = match index {
        Some(i) => positional(node, i).into_iter().collect(),
        None => arguments(node),
    };
    if candidates.is_empty() {
        return;
    }
    let Some(scope) = sink_scope(file, ctx.ancestors) else {
        return;
    };
    let shown = if node.kind() == "new_expression" {
        format!("new {api}")
    } else {
        api.to_string()
    };
    if let Some(origin) = candidates.iter().find_map(|c| scope.origin(file, *c)) {
        report(ctx, node, &shown, "JavaScript", &origin, JS_HELP);
    }
}

const RUST_HELP: &str = "do not run client text in an interpreter that can reach the host: parse data with serde, and if users must script, create the Lua state with `Lua::new_with(StdLib::NONE, …)` (no `os`/`io`), expose only the functions they need, and bound memory and instructions";

fn check_rust(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    // `lua.load(chunk)` of mlua / rlua: with `Lua::new()` the chunk has the
    // `os` and `io` libraries.
    if method_name(file, node) != Some("load") {
        return;
    }
    let imports = file.imports().modules();
    let lua = imports
        .iter()
        .find(|m| m.starts_with("mlua") || m.starts_with("rlua"))
        .map(|m| m.split("::").next().unwrap_or(m).to_string());
    let Some(crate_name) = lua else {
        return;
    };
    if rust_in_test_code(file, ctx.ancestors) {
        return;
    }
    let Some(chunk) = positional(node, 0) else {
        return;
    };
    let Some(scope) = sink_scope(file, ctx.ancestors) else {
        return;
    };
    if let Some(origin) = scope.origin(file, chunk) {
        let api = format!("{crate_name} Lua::load");
        report(ctx, node, &api, "Lua code", &origin, RUST_HELP);
    }
}

impl Rule for CodeInjection {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn applies_to(&self, path: &str) -> bool {
        !is_test_or_example(path)
    }

    fn prefilter(&self, language: Language) -> Option<Vec<Vec<String>>> {
        let words: &[&str] = match language {
            Language::Python => &["eval", "exec", "compile"],
            Language::Rust => &["mlua", "rlua"],
            _ => &["eval", "Function", "vm"],
        };
        Some(vec![words.iter().map(|w| (*w).to_string()).collect()])
    }

    fn node_kinds(&self, language: Language) -> Vec<String> {
        match language {
            Language::Python => vec!["call".to_string()],
            Language::Rust => vec!["call_expression".to_string()],
            _ => vec!["call_expression".to_string(), "new_expression".to_string()],
        }
    }

    fn check_node(&self, node: Node<'_>, ctx: &mut NodeContext<'_>) {
        match ctx.language() {
            Language::Python => check_python(node, ctx),
            Language::Rust => check_rust(node, ctx),
            language => check_js(node, ctx, language),
        }
    }
}

const DOCS: &str = r#"
## What it does
Finds request handlers that run request data as code. Python: the builtins
`eval`, `exec` and `compile` (not rebound by an import). JavaScript/
TypeScript: `eval`, `Function(...)`/`new Function(...)` (any argument),
and `node:vm`
(`runInNewContext`, `runInThisContext`, `runInContext`, `compileFunction`,
`new vm.Script`, `SourceTextModule`). Rust: `load` on an `mlua`/`rlua` Lua
state — `Lua::new()` opens the `os` and `io` libraries, so a chunk from the
client can run commands and read files.

Request data is what the handler reads from the request and the local
values built from it, as the shared request-data flow follows them.

## Why it matters
Checklist TASK-3.1 and red flag RF-2 (request input used without
validation), CWE-94 and CWE-95. Evaluated client text is remote code
execution: `__import__("os").system(...)` in Python,
`require("child_process")` in Node, `os.execute` in Lua. `node:vm` contexts
are not a sandbox (`this.constructor.constructor("return process")()`
escapes), and Python's `eval` with empty `__builtins__` is escaped the same
way through object attributes.

## Example
```python
@app.post("/calc")
def calc():
    return {"result": eval(request.json["expression"])}
```

## Use instead
```python
import ast

@app.post("/settings")
def settings():
    value = ast.literal_eval(request.json["value"])  # literals only
```
```ts
const data = JSON.parse(req.body.payload);
setTimeout(() => refresh(data.id), 1000);
```
Map the operations a client may choose to functions in a dict or object;
for formulas, use a parser with a fixed grammar.

## Configuration
Select or ignore it by name, `TASK-3.1` or `RF-2`. Tests and examples are
not checked. `setTimeout`/`setInterval` with a string are not reported:
Node.js refuses a string callback (`ERR_INVALID_ARG_TYPE`), only browsers
evaluate it. Not covered: code reaching the sink through a helper function
or another file; `vm2` and other sandboxes; Rhai (`engine.eval`), which
runs scripts without host access by design — unbounded scripts there are a
resource-limit question, not this rule's; Python `pandas.eval`/`numexpr`.

A check that the value is one of an allow-list (`if cmd not in ALLOWED:
abort(400)`) is not read: a call guarded that way is reported; suppress it
with `# redflag: ignore[code-injection] <the guard>`.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("code-injection", "TASK-3.1")
        .red_flag("RF-2")
        .severity(Severity::Error)
        .confidence(Confidence::High)
        .summary("A request handler evaluates request data as code (eval, exec, new Function, node:vm, an embedded Lua state).")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Rust])
        .tags(&["security", "injection"])
        .cwe(&["CWE-94", "CWE-95"])
        .security_severity(9.8)
        .docs(DOCS)
        .invalid_at(
            FileKind::Python,
            "app/views.py",
            r#"
            from flask import Flask, request

            app = Flask(__name__)

            @app.post("/calc")
            def calc():
                expression = request.json.get("expression", "0")
                return {"result": eval(expression, {"__builtins__": {}})}

            @app.post("/hooks/run")
            def run_hook():
                script = request.get_data(as_text=True)
                exec(compile(script, "<hook>", "exec"), {})
                return "", 204
            "#,
            2,
        )
        .valid_at(
            FileKind::Python,
            "app/views.py",
            r#"
            import ast
            import operator

            from flask import Flask, request

            app = Flask(__name__)
            OPERATIONS = {"add": operator.add, "mul": operator.mul}

            @app.post("/calc")
            def calc():
                body = request.get_json()
                op = OPERATIONS[body["op"]]
                default = ast.literal_eval(body.get("default", "0"))
                return {"result": op(float(body["a"]), float(body["b"])), "default": default}

            @app.post("/version")
            def version():
                return {"v": eval("1 + 1")}
            "#,
        )
        .invalid_at(
            FileKind::TypeScript,
            "src/routes/rules.ts",
            r#"
            import express from "express";
            import vm from "node:vm";

            const router = express.Router();

            router.post("/rules/test", (req, res) => {
              const { condition, sample } = req.body;
              const check = new Function("item", `return (${condition});`);
              const score = vm.runInNewContext(req.body.formula, { sample });
              res.json({ matched: check(sample), score });
            });

            router.get("/refresh", (req, res) => {
              vm.runInThisContext(`reload("${req.query.section}")`);
              res.sendStatus(202);
            });

            export default router;
            "#,
            3,
        )
        .valid_at(
            FileKind::TypeScript,
            "src/routes/rules.ts",
            r#"
            import express from "express";

            const router = express.Router();
            const checks: Record<string, (x: number) => boolean> = {
              positive: (x) => x > 0,
              even: (x) => x % 2 === 0,
            };

            router.post("/rules/test", (req, res) => {
              const payload = JSON.parse(req.body.payload);
              const check = checks[req.body.check] ?? (() => false);
              setTimeout(() => console.info("checked", payload.id), 1000);
              res.json({ matched: check(Number(payload.value)) });
            });

            export default router;
            "#,
        )
        .invalid_at(
            FileKind::Rust,
            "src/scripts.rs",
            r#"
            use axum::extract::Json;
            use mlua::Lua;
            use serde::Deserialize;

            #[derive(Deserialize)]
            pub struct Script {
                source: String,
            }

            pub async fn run_script(Json(script): Json<Script>) -> String {
                let lua = Lua::new();
                let value: String = lua.load(&script.source).eval().unwrap_or_default();
                value
            }
            "#,
            1,
        )
        .valid_at(
            FileKind::Rust,
            "src/scripts.rs",
            r#"
            use axum::extract::Json;
            use mlua::Lua;
            use serde::Deserialize;

            #[derive(Deserialize)]
            pub struct Discount {
                percent: f64,
            }

            const PRICING: &str = "return function(total, percent) return total * (1 - percent / 100) end";

            pub async fn price(Json(discount): Json<Discount>) -> String {
                let lua = Lua::new();
                let apply: mlua::Function = lua.load(PRICING).eval().expect("pricing script");
                let total: f64 = apply.call((100.0, discount.percent)).unwrap_or(100.0);
                total.to_string()
            }
            "#,
        )
}

#[cfg(test)]
mod tests {
    use crate::engine::findings_of_rule;
    use redflag_syntax::FileKind;

    fn findings(path: &str, kind: FileKind, code: &str) -> Vec<String> {
        findings_of_rule("code-injection", path, kind, code)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn message_names_the_builtin_and_the_source() {
        let found = findings(
            "app/api.py",
            FileKind::Python,
            r#"
            @app.get("/calc")
            async def calc(expr: str):
                return {"value": eval(expr)}
            "#,
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with("`eval` runs Python code built from the request parameter `expr`"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn an_imported_eval_is_not_the_builtin() {
        let code = r#"
            from simpleeval import simple_eval as eval

            @app.get("/calc")
            async def calc(expr: str):
                return {"value": eval(expr)}
        "#;
        assert!(findings("app/api.py", FileKind::Python, code).is_empty());
    }

    #[test]
    fn a_function_of_the_module_named_like_a_builtin_is_not_the_builtin() {
        let code = r#"
            def compile(rules):
                return [r.strip() for r in rules]

            @app.post("/rules")
            def save_rules():
                return {"rules": compile(request.json["rules"])}
        "#;
        assert!(findings("app/views.py", FileKind::Python, code).is_empty());
    }

    #[test]
    fn vm_scripts_in_koa_and_string_timers_that_node_refuses() {
        let code = r#"
            const vm = require("node:vm");
            const { Script } = require("vm");

            router.post("/run", async (ctx) => {
              const { source, tick } = ctx.request.body;
              const script = new vm.Script(source);
              const again = new Script(`(${source})()`);
              setInterval("poll('" + tick + "')", 1000);
              ctx.body = { ok: true };
            });
        "#;
        let found = findings("src/routes/run.js", FileKind::JavaScript, code);
        // Node's timers throw on a string callback (`ERR_INVALID_ARG_TYPE`):
        // only browsers evaluate it.
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].starts_with("`new vm.Script` runs JavaScript built from the request body `ctx.request.body` (via `source`)"), "{}", found[0]);
        assert!(found[1].starts_with("`new vm.Script` runs JavaScript"), "{}", found[1]);
    }

    #[test]
    fn timers_given_a_function_are_quiet() {
        let code = r#"
            app.get('/later', (req, res) => {
              const id = req.query.id;
              setTimeout(() => refresh(id), 1000);
              setInterval(function () { poll(id); }, 5000);
              res.sendStatus(202);
            });
        "#;
        assert!(findings("src/app.js", FileKind::JavaScript, code).is_empty());
    }
}
