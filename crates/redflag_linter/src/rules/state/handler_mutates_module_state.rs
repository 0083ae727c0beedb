//! `handler-mutates-module-state`: a module-level (global) mutable object —
//! a Python dict/list/set/`defaultdict`/`Counter`/`deque`, a JS/TS
//! module-scope `let`/`var` or `const` `Map`/`Set`/array/object, a Rust
//! `static mut` or a `static` collection behind a lock — mutated inside a
//! request handler or a same-file function a handler calls.
//!
//! The rule reads a file from its root: module-level bindings are collected
//! from the root's direct children first, then one iterative walk finds the
//! mutations and the calls handlers make, and mutations in plain functions
//! are judged once every handler has been seen (helpers are followed by
//! plain name through any number of same-file calls).

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};

use crate::rule::{Diagnostic, NodeContext, Rule, RuleMeta};
use crate::semantics::handlers::{function_name, is_function, Handler, HandlerIndex, HelperCalls};
use crate::semantics::paths::is_test_or_example;
use crate::semantics::{compact, rust_in_test_code};
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(HandlerMutatesModuleState { meta: meta() })
}

struct HandlerMutatesModuleState {
    meta: RuleMeta,
}

/// A module-level binding that could be shared state.
#[derive(Debug, Clone)]
struct Binding {
    /// What it holds, for the message: "dict", "`Map`", "`static mut`".
    what: String,
    /// 1-based line of its definition.
    line: usize,
    /// Reassigning it changes module state (`let`/`var`, Python globals,
    /// `static mut`).
    reassignable: bool,
    /// It is a container whose contents are mutable.
    container: bool,
}

/// How a mutation touches its binding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// `x = …`, `x += …`, `x++`.
    Rebind,
    /// `x[k] = v`, `x.push(…)`, `x.lock()`.
    Contents,
}

/// Python methods that change a dict, list, set or deque.
const PY_MUTATORS: &[&str] = &[
    "append",
    "appendleft",
    "extend",
    "extendleft",
    "insert",
    "update",
    "add",
    "discard",
    "pop",
    "popitem",
    "popleft",
    "setdefault",
    "clear",
    "remove",
];

/// Python constructors of mutable containers.
const PY_CONTAINERS: &[(&str, &str)] = &[
    ("dict", "dict"),
    ("list", "list"),
    ("set", "set"),
    ("defaultdict", "`defaultdict`"),
    ("collections.defaultdict", "`defaultdict`"),
    ("Counter", "`Counter`"),
    ("collections.Counter", "`Counter`"),
    ("deque", "`deque`"),
    ("collections.deque", "`deque`"),
    ("OrderedDict", "`OrderedDict`"),
    ("collections.OrderedDict", "`OrderedDict`"),
];

/// JS methods that change an array, `Map` or `Set`.
const JS_MUTATORS: &[&str] = &[
    "push", "pop", "shift", "unshift", "splice", "set", "add", "delete", "clear",
];

/// Rust methods through which a global is written (or locked to be).
const RUST_MUTATORS: &[&str] = &[
    "lock",
    "write",
    "borrow_mut",
    "get_mut",
    "insert",
    "entry",
    "remove",
    "push",
    "push_back",
    "push_front",
    "pop",
    "clear",
    "extend",
    "retain",
    "append",
    "truncate",
];

/// Rust wrappers that make a `static` writable.
const RUST_CELLS: &[&str] = &["Mutex", "RwLock", "RefCell", "DashMap", "DashSet"];
/// Rust collections a cell may hold.
const RUST_COLLECTIONS: &[&str] = &[
    "HashMap", "HashSet", "BTreeMap", "BTreeSet", "Vec", "VecDeque", "DashMap", "DashSet",
    "IndexMap", "LruCache",
];

/// A function being walked through.
struct Frame<'t> {
    node: Node<'t>,
    handler: Option<Handler<'t>>,
    /// The innermost frame (this one or an outer one) that is a handler.
    nearest_handler: Option<usize>,
    name: Option<String>,
    /// Names local to the function, and names it declares `global`
    /// (computed when first needed).
    scope: Option<(HashSet<String>, HashSet<String>)>,
}

/// A mutation in a plain function, judged once the file is read.
struct Pending {
    function: String,
    binding: String,
    shown: String,
    range: Range<usize>,
}

struct Analysis<'f, 't> {
    file: &'f SourceFile,
    language: Language,
    index: HandlerIndex,
    bindings: HashMap<String, Binding>,
    frames: Vec<Frame<'t>>,
    /// Calls by plain name from handlers and helpers.
    calls: HelperCalls,
    /// (binding, function node id) already reported or pending.
    seen: HashSet<(String, usize)>,
    pending: Vec<Pending>,
    out: Vec<Diagnostic>,
}

fn analyse(file: &SourceFile) -> Vec<Diagnostic> {
    let (Some(language), Some(tree)) = (file.kind.language(), file.tree()) else {
        return Vec::new();
    };
    let bindings = module_bindings(file, language, tree.root_node());
    if bindings.is_empty() {
        return Vec::new();
    }
    let mut analysis = Analysis {
        file,
        language,
        index: HandlerIndex::new(file),
        bindings,
        frames: Vec::new(),
        calls: HelperCalls::default(),
        seen: HashSet::new(),
        pending: Vec::new(),
        out: Vec::new(),
    };
    crate::semantics::visit(tree.root_node(), &mut analysis);
    analysis.finish();
    analysis.out
}

/// The module-level bindings of a file (direct children of the root only).
fn module_bindings(file: &SourceFile, language: Language, root: Node<'_>) -> HashMap<String, Binding> {
    let mut out = HashMap::new();
    let mut cursor = root.walk();
    for child in root.named_children(&mut cursor) {
        match language {
            Language::Python => python_binding(file, child, &mut out),
            Language::Rust => rust_binding(file, child, &mut out),
            _ => {
                let declaration = if child.kind() == "export_statement" {
                    child.child_by_field_name("declaration")
                } else {
                    Some(child)
                };
                if let Some(declaration) = declaration {
                    js_binding(file, declaration, &mut out);
                }
            }
        }
    }
    out
}

fn line_of(node: Node<'_>) -> usize {
    node.start_position().row + 1
}

fn python_binding(file: &SourceFile, statement: Node<'_>, out: &mut HashMap<String, Binding>) {
    if statement.kind() != "expression_statement" {
        return;
    }
    let Some(assignment) = statement.named_child(0).filter(|n| n.kind() == "assignment") else {
        return;
    };
    let Some(left) = assignment.child_by_field_name("left").filter(|n| n.kind() == "identifier")
    else {
        return;
    };
    let name = file.text_of(left).to_string();
    let right = assignment.child_by_field_name("right");
    let what = right.and_then(|value| match value.kind() {
        "dictionary" | "dictionary_comprehension" => Some("dict".to_string()),
        "list" | "list_comprehension" => Some("list".to_string()),
        "set" | "set_comprehension" => Some("set".to_string()),
        "call" => {
            let function = compact(file.text_of(value.child_by_field_name("function")?));
            PY_CONTAINERS
                .iter()
                .find(|(callee, _)| *callee == function)
                .map(|(_, what)| (*what).to_string())
        }
        _ => None,
    });
    let container = what.is_some();
    out.entry(name).or_insert(Binding {
        what: what.unwrap_or_else(|| "module-level variable".to_string()),
        line: line_of(statement),
        reassignable: true,
        container,
    });
}

fn js_binding(file: &SourceFile, declaration: Node<'_>, out: &mut HashMap<String, Binding>) {
    let keyword = match declaration.kind() {
        "variable_declaration" => "var",
        "lexical_declaration" => {
            let first = declaration.child(0).map(|k| file.text_of(k)).unwrap_or("");
            if first == "let" {
                "let"
            } else {
                "const"
            }
        }
        _ => return,
    };
    let mut cursor = declaration.walk();
    for declarator in declaration.named_children(&mut cursor) {
        if declarator.kind() != "variable_declarator" {
            continue;
        }
        let Some(name) = declarator.child_by_field_name("name").filter(|n| n.kind() == "identifier")
        else {
            continue;
        };
        let value = declarator.child_by_field_name("value");
        let what = value.and_then(|value| match value.kind() {
            "array" => Some("array".to_string()),
            "object" => Some("object".to_string()),
            "new_expression" => {
                let constructor = value.child_by_field_name("constructor")?;
                let constructor = file.text_of(constructor);
                matches!(constructor, "Map" | "Set" | "Array")
                    .then(|| format!("`{constructor}`"))
            }
            _ => None,
        });
        let container = what.is_some();
        if keyword == "const" && !container {
            continue;
        }
        let what = match what {
            Some(what) => format!("module-scope `{keyword}` {what}"),
            None => format!("module-scope `{keyword}`"),
        };
        out.insert(
            file.text_of(name).to_string(),
            Binding {
                what,
                line: line_of(declarator),
                reassignable: keyword != "const",
                container,
            },
        );
    }
}

fn rust_binding(file: &SourceFile, item: Node<'_>, out: &mut HashMap<String, Binding>) {
    match item.kind() {
        "static_item" => {
            let Some(name) = item.child_by_field_name("name") else {
                return;
            };
            let mut cursor = item.walk();
            let mutable = item
                .children(&mut cursor)
                .any(|c| c.kind() == "mutable_specifier");
            let ty = item
                .child_by_field_name("type")
                .map(|t| file.text_of(t))
                .unwrap_or("");
            if mutable {
                out.insert(
                    file.text_of(name).to_string(),
                    Binding {
                        what: "`static mut`".to_string(),
                        line: line_of(item),
                        reassignable: true,
                        container: true,
                    },
                );
            } else if let Some(what) = rust_cell(ty) {
                out.insert(
                    file.text_of(name).to_string(),
                    Binding {
                        what,
                        line: line_of(item),
                        reassignable: false,
                        container: true,
                    },
                );
            }
        }
        "macro_invocation" => {
            let text = file.text_of(item);
            if !text.starts_with("lazy_static") {
                return;
            }
            // `static ref NAME: Type = init;`, once per entry.
            let mut line = line_of(item);
            for entry in text.split(';') {
                let Some(start) = entry.find("static ref ") else {
                    line += entry.matches('\n').count();
                    continue;
                };
                let rest = &entry[start + "static ref ".len()..];
                let Some((name, after)) = rest.split_once(':') else {
                    continue;
                };
                let ty = after.split('=').next().unwrap_or("");
                let here = line + entry[..start].matches('\n').count();
                line += entry.matches('\n').count();
                if let Some(what) = rust_cell(ty) {
                    out.insert(
                        name.trim().to_string(),
                        Binding {
                            what: format!("`lazy_static` {what}"),
                            line: here,
                            reassignable: false,
                            container: true,
                        },
                    );
                }
            }
        }
        _ => {}
    }
}

/// A `static` type that holds a collection behind interior mutability:
/// `Mutex<HashMap<..>>`, `Lazy<RwLock<Vec<..>>>`, `LazyLock<DashMap<..>>`.
fn rust_cell(ty: &str) -> Option<String> {
    let words: Vec<&str> = ty
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let cell = words.iter().find(|w| RUST_CELLS.contains(w))?;
    let position = words.iter().position(|w| w == cell)?;
    let collection = if matches!(*cell, "DashMap" | "DashSet") {
        *cell
    } else {
        words[position + 1..]
            .iter()
            .find(|w| RUST_COLLECTIONS.contains(w))?
    };
    Some(if collection == *cell {
        format!("`static` `{cell}`")
    } else {
        format!("`static` `{collection}` behind a `{cell}`")
    })
}

impl<'t> crate::semantics::TreeVisitor<'t> for Analysis<'_, 't> {
    fn enter(&mut self, node: Node<'t>, ancestors: &[Node<'t>]) {
        self.enter_node(node, ancestors);
    }

    fn leave(&mut self, node: Node<'t>) {
        self.leave_node(node);
    }
}

impl<'t> Analysis<'_, 't> {
    fn enter_node(&mut self, node: Node<'t>, ancestors: &[Node<'t>]) {
        let kind = node.kind();
        if is_function(self.language, kind) {
            let handler = self.index.handler(self.file, node, ancestors);
            let nearest_handler = if handler.is_some() {
                Some(self.frames.len())
            } else {
                self.frames.last().and_then(|f| f.nearest_handler)
            };
            self.frames.push(Frame {
                node,
                handler,
                nearest_handler,
                name: function_name(self.file, node, ancestors),
                scope: None,
            });
            return;
        }
        if self.frames.is_empty() {
            return;
        }
        if matches!(kind, "call" | "call_expression") {
            self.record_call(node);
        }
        let Some((name, mode)) = self.mutation(node, ancestors) else {
            return;
        };
        let Some(binding) = self.bindings.get(&name) else {
            return;
        };
        let fits = match mode {
            Mode::Rebind => binding.reassignable,
            Mode::Contents => binding.container,
        };
        if !fits || !self.refers_to_module(&name, mode) {
            return;
        }
        if mode == Mode::Rebind && self.memoised(&name, node, ancestors) {
            return;
        }
        if self.language == Language::Rust && rust_in_test_code(self.file, ancestors) {
            return;
        }
        self.found(name, node);
    }

    fn leave_node(&mut self, node: Node<'t>) {
        if self.frames.last().is_some_and(|f| f.node.id() == node.id()) {
            self.frames.pop();
        }
    }

    fn nearest_handler(&self) -> Option<&Handler<'t>> {
        let index = self.frames.last()?.nearest_handler?;
        self.frames.get(index)?.handler.as_ref()
    }

    /// A plain call `helper(…)` made inside a handler.
    fn record_call(&mut self, node: Node<'t>) {
        let Some(function) = node.child_by_field_name("function") else {
            return;
        };
        let name = match function.kind() {
            "identifier" => self.file.text_of(function).to_string(),
            "scoped_identifier" if self.language == Language::Rust => {
                let text = self.file.text_of(function);
                text.rsplit("::").next().unwrap_or(text).trim().to_string()
            }
            _ => return,
        };
        if let Some(handler) = self.nearest_handler() {
            let described = handler.describe();
            self.calls.handler_calls(described, &name);
        } else if let Some(caller) = self.frames.last().and_then(|f| f.name.as_deref()) {
            self.calls.helper_calls(caller, &name);
        }
    }

    /// The binding a node mutates, and how.
    fn mutation(&self, node: Node<'t>, ancestors: &[Node<'t>]) -> Option<(String, Mode)> {
        let file = self.file;
        let ident = |n: Node<'_>| (n.kind() == "identifier").then(|| file.text_of(n).to_string());
        match (self.language, node.kind()) {
            (Language::Python, "call") => {
                let function = node.child_by_field_name("function")?;
                if function.kind() != "attribute" {
                    return None;
                }
                let method = file.text_of(function.child_by_field_name("attribute")?);
                if !PY_MUTATORS.contains(&method) {
                    return None;
                }
                Some((ident(function.child_by_field_name("object")?)?, Mode::Contents))
            }
            (Language::Python, "assignment" | "augmented_assignment") => {
                let left = node.child_by_field_name("left")?;
                match left.kind() {
                    "identifier" => Some((ident(left)?, Mode::Rebind)),
                    "subscript" => Some((ident(left.child_by_field_name("value")?)?, Mode::Contents)),
                    _ => None,
                }
            }
            (Language::Python, "delete_statement") => {
                let target = node.named_child(0)?;
                let target = if target.kind() == "expression_list" {
                    target.named_child(0)?
                } else {
                    target
                };
                (target.kind() == "subscript")
                    .then_some(())
                    .and_then(|()| Some((ident(target.child_by_field_name("value")?)?, Mode::Contents)))
            }
            (Language::Rust, "identifier") => self.rust_mutation(node, ancestors),
            (Language::Rust, "assignment_expression" | "compound_assignment_expr") => {
                Some((ident(node.child_by_field_name("left")?)?, Mode::Rebind))
            }
            (Language::Rust | Language::Python, _) => None,
            (_, "call_expression") => {
                let function = node.child_by_field_name("function")?;
                if function.kind() != "member_expression" {
                    return None;
                }
                let method = file.text_of(function.child_by_field_name("property")?);
                if !JS_MUTATORS.contains(&method) {
                    return None;
                }
                Some((ident(function.child_by_field_name("object")?)?, Mode::Contents))
            }
            (_, "assignment_expression" | "augmented_assignment_expression") => {
                self.js_target(node.child_by_field_name("left")?)
            }
            (_, "update_expression") => self.js_target(node.child_by_field_name("argument")?),
            (_, "unary_expression") => {
                let operator = node.child_by_field_name("operator")?;
                if file.text_of(operator) != "delete" {
                    return None;
                }
                self.js_target(node.child_by_field_name("argument")?)
            }
            _ => None,
        }
    }

    fn js_target(&self, target: Node<'t>) -> Option<(String, Mode)> {
        match target.kind() {
            "identifier" => Some((self.file.text_of(target).to_string(), Mode::Rebind)),
            "member_expression" | "subscript_expression" => {
                let object = target.child_by_field_name("object")?;
                (object.kind() == "identifier")
                    .then(|| (self.file.text_of(object).to_string(), Mode::Contents))
            }
            _ => None,
        }
    }

    /// A Rust global used as the receiver of a writing method chain:
    /// `CACHE.lock().unwrap().insert(..)`, `STORE.write()`, `&mut COUNTS`.
    fn rust_mutation(&self, node: Node<'t>, ancestors: &[Node<'t>]) -> Option<(String, Mode)> {
        let name = self.file.text_of(node);
        if !self.bindings.contains_key(name) {
            return None;
        }
        let mut child = node;
        for parent in ancestors.iter().rev().take(12) {
            match parent.kind() {
                "field_expression" if parent.child_by_field_name("value") == Some(child) => {
                    let field = parent
                        .child_by_field_name("field")
                        .map(|f| self.file.text_of(f))
                        .unwrap_or("");
                    if RUST_MUTATORS.contains(&field) {
                        return Some((name.to_string(), Mode::Contents));
                    }
                }
                "call_expression" | "try_expression" | "parenthesized_expression" => {}
                "reference_expression" => {
                    let text = self.file.text_of(*parent);
                    if text.starts_with("&mut") {
                        return Some((name.to_string(), Mode::Contents));
                    }
                    return None;
                }
                _ => return None,
            }
            child = *parent;
        }
        None
    }

    /// False when a function between the use and the module binds the name
    /// itself (a parameter or local), or — for a Python rebinding — when
    /// the function does not declare it `global`.
    fn refers_to_module(&mut self, name: &str, mode: Mode) -> bool {
        if self.language == Language::Rust {
            return true;
        }
        let language = self.language;
        let file = self.file;
        let innermost = self.frames.len().saturating_sub(1);
        for index in (0..self.frames.len()).rev() {
            let frame = &mut self.frames[index];
            let node = frame.node;
            let (locals, globals) = frame.scope.get_or_insert_with(|| scope_of(file, language, node));
            if globals.contains(name) {
                return true;
            }
            if language == Language::Python && mode == Mode::Rebind && index == innermost {
                return false;
            }
            if locals.contains(name) {
                return false;
            }
        }
        true
    }

    /// A lazy one-time initialisation: `if _client is None: _client = …`,
    /// `if (!cache) cache = …`, `cache ??= …`.
    fn memoised(&self, name: &str, node: Node<'t>, ancestors: &[Node<'t>]) -> bool {
        if let Some(operator) = node.child_by_field_name("operator") {
            if matches!(self.file.text_of(operator), "??=" | "||=") {
                return true;
            }
        }
        let function = self.frames.last().map(|f| f.node.id());
        for ancestor in ancestors.iter().rev() {
            if Some(ancestor.id()) == function {
                break;
            }
            if ancestor.kind() != "if_statement" {
                continue;
            }
            let Some(condition) = ancestor.child_by_field_name("condition") else {
                continue;
            };
            let text = self.file.text_of(condition);
            let empty_check = ["None", "not ", "!", "null", "undefined"]
                .iter()
                .any(|w| text.contains(w));
            if empty_check && text.contains(name) {
                return true;
            }
        }
        false
    }

    fn found(&mut self, name: String, node: Node<'t>) {
        let Some(frame) = self.frames.last() else {
            return;
        };
        let key = (name.clone(), frame.node.id());
        if !self.seen.insert(key) {
            return;
        }
        let function = frame.name.clone();
        let shown = statement_text(self.file, node);
        if let Some(handler) = self.nearest_handler() {
            let place = format!("in {} (`{shown}`)", handler.describe());
            let diagnostic = self.diagnostic(&name, node.byte_range(), &place);
            self.out.push(diagnostic);
            return;
        }
        if let Some(function) = function {
            self.pending.push(Pending {
                function,
                binding: name,
                shown,
                range: node.byte_range(),
            });
        }
    }

    fn finish(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let reached = self.calls.reached();
        for pending in std::mem::take(&mut self.pending) {
            let Some(how) = reached.get(&pending.function) else {
                continue;
            };
            let place = format!("in `{}` (`{}`), {how}", pending.function, pending.shown);
            let diagnostic = self.diagnostic(&pending.binding, pending.range, &place);
            self.out.push(diagnostic);
        }
    }

    fn diagnostic(&self, name: &str, range: Range<usize>, place: &str) -> Diagnostic {
        let Some(binding) = self.bindings.get(name) else {
            return Diagnostic::new(range, String::new());
        };
        let message = format!(
            "`{name}` ({}, defined at line {}) is mutated {place}: it lives in one process, so each worker and replica keeps its own copy, it is lost on restart, and concurrent requests race on it",
            binding.what, binding.line
        );
        let help = match self.language {
            Language::Python => "keep state that outlives a request in Redis or the database (atomic `INCR`/`HSET`/`SETEX`), or make it request-scoped (a local, `request.state`, a dependency); a per-process cache must be bounded and safe to lose (`functools.lru_cache`, `cachetools.TTLCache` with a lock)",
            Language::Rust => "keep state that outlives a request in Redis or the database; state that must live in the process belongs in an explicit value built in `main` and handed to handlers through Axum `State` / actix-web `web::Data` (bounded, e.g. `moka`), not in a global",
            _ => "keep state that outlives a request in Redis or the database (atomic `INCR`/`HSET`, a TTL), or make it request-scoped (a local, `res.locals`, `request` context); a per-process cache must be bounded and safe to lose (`lru-cache` with `max`/`ttl`)",
        };
        Diagnostic::new(range, message)
            .help(help)
            .with_confidence(Confidence::High)
    }
}

/// The first line of the statement, shortened, for the message.
fn statement_text(file: &SourceFile, node: Node<'_>) -> String {
    let first = file.text_of(node).lines().next().unwrap_or("");
    let text = first.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > 60 {
        let short: String = text.chars().take(57).collect();
        format!("{short}...")
    } else {
        text
    }
}

/// The names a function binds itself (parameters, locals) and the names it
/// declares `global`, not looking into nested functions.
fn scope_of(file: &SourceFile, language: Language, function: Node<'_>) -> (HashSet<String>, HashSet<String>) {
    let mut locals = HashSet::new();
    let mut globals = HashSet::new();
    let mut stack = Vec::new();
    let mut cursor = function.walk();
    for child in function.named_children(&mut cursor) {
        stack.push((child, false));
    }
    // (node, inside a binding position)
    while let Some((node, binding)) = stack.pop() {
        let kind = node.kind();
        if is_function(language, kind) {
            // A nested function's name binds here; its body does not.
            if let Some(name) = node.child_by_field_name("name") {
                locals.insert(file.text_of(name).to_string());
            }
            continue;
        }
        if matches!(kind, "identifier" | "shorthand_property_identifier_pattern") && binding {
            locals.insert(file.text_of(node).to_string());
            continue;
        }
        if kind == "global_statement" {
            let mut c = node.walk();
            for name in node.named_children(&mut c) {
                globals.insert(file.text_of(name).to_string());
            }
            continue;
        }
        let mut c = node.walk();
        for (position, child) in node.children(&mut c).enumerate() {
            let field = node.field_name_for_child(position as u32);
            let child_binding = match (language, kind, field) {
                (_, "parameters" | "formal_parameters", _) => child.kind() != "default_parameter",
                (Language::Python, "default_parameter" | "typed_default_parameter", Some("name")) => true,
                (Language::Python, "typed_parameter", None) => child.kind() == "identifier",
                (Language::Python, "list_splat_pattern" | "dictionary_splat_pattern", _) => true,
                (Language::Python, "assignment" | "augmented_assignment", Some("left")) => true,
                (Language::Python, "for_statement" | "for_in_clause", Some("left")) => true,
                (Language::Python, "as_pattern", Some("alias")) => true,
                (Language::Python, "pattern_list" | "tuple_pattern" | "as_pattern_target", _) => binding,
                (_, "variable_declarator", Some("name")) => true,
                (_, "arrow_function", Some("parameter")) => true,
                (_, "required_parameter" | "optional_parameter", Some("pattern")) => true,
                (_, "assignment_pattern", Some("left")) => binding,
                (_, "object_pattern" | "array_pattern" | "pair_pattern" | "rest_pattern", _) => {
                    binding && field != Some("key")
                }
                (_, "catch_clause", Some("parameter")) => true,
                _ => false,
            };
            // `x[k] = v` and `x.attr = v` do not bind `x`.
            if child_binding && matches!(child.kind(), "subscript" | "attribute") {
                continue;
            }
            stack.push((child, child_binding));
        }
    }
    (locals, globals)
}

impl Rule for HandlerMutatesModuleState {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    /// Tests and examples keep fixtures in module state on purpose.
    fn applies_to(&self, path: &str) -> bool {
        !is_test_or_example(path)
    }

    /// Only files that define a mutable module-level value.
    fn prefilter(&self, language: Language) -> Option<Vec<Vec<String>>> {
        let words: &[&str] = match language {
            Language::Python => &[
                "= {",
                "= [",
                "= dict(",
                "= list(",
                "= set(",
                "defaultdict(",
                "Counter(",
                "deque(",
                "OrderedDict(",
                "global ",
            ],
            Language::Rust => &["static"],
            _ => &["let ", "var ", "new Map", "new Set", "= [", "= {"],
        };
        // A file with a request handler spells one of these (route
        // registration, a request parameter, a framework import).
        let handlers: &[&str] = match language {
            Language::Python => &[
                "request", "route", "@app", "@router", "@bp", "Depends", "APIView", "ViewSet",
                "api_view", "web.", "aiohttp", "starlette",
            ],
            Language::Rust => &["axum", "actix", "rocket", "#[get", "#[post", "State(", "web::", "Router"],
            _ => &[
                "req,", "req)", "(req", "request", "ctx", "(c)", "c.req", "router.", "app.", "fastify",
                "@Get", "@Post", "@Put", "@Patch", "@Delete", "export async function", "handler",
                "Handler",
            ],
        };
        Some(vec![
            words.iter().map(|w| (*w).to_string()).collect(),
            handlers.iter().map(|w| (*w).to_string()).collect(),
        ])
    }

    fn node_kinds(&self, language: Language) -> Vec<String> {
        let root = match language {
            Language::Python => "module",
            Language::Rust => "source_file",
            _ => "program",
        };
        vec![root.to_string()]
    }

    fn check_node(&self, _root: Node<'_>, ctx: &mut NodeContext<'_>) {
        if !ctx.ancestors.is_empty() {
            return;
        }
        for diagnostic in analyse(ctx.file) {
            ctx.report(diagnostic);
        }
    }
}

const DOCS: &str = r#"
## What it does
Finds module-level (global) mutable state written by request handlers:
- **Python**: a module-level dict, list or set (literal, comprehension or
  `dict()`/`list()`/`set()`), `defaultdict`, `Counter`, `deque` or
  `OrderedDict` changed with `.append/.extend/.insert/.update/.add/.discard/
  .pop/.popitem/.setdefault/.clear/.remove`, `x[k] = v`, `x[k] += n` or
  `del x[k]`; and any module-level name reassigned after `global x`;
- **JavaScript/TypeScript**: a module-scope `let`/`var` reassigned (`=`,
  `+=`, `++`), and a module-scope `Map`, `Set`, array or object (`let`, `var`
  or `const`) changed with `.push/.pop/.shift/.unshift/.splice/.set/.add/
  .delete/.clear`, `x[k] = v`, `x.prop = v` or `delete x[k]`;
- **Rust**: a `static mut`, and a `static` / `lazy_static!` /
  `once_cell::sync::Lazy` / `LazyLock` / `OnceLock` holding a collection
  (`HashMap`, `Vec`, `BTreeMap`, …) behind a `Mutex`, `RwLock` or `RefCell`,
  or a `DashMap`, locked or written (`.lock()`, `.write()`, `.borrow_mut()`,
  `.insert(..)`, `.entry(..)`, `&mut X`, `X = ..`) in a handler.

The mutation must sit in a request handler (see `connection-per-request` for
how handlers are recognised; a callback inside a handler counts) or in a
plain function of the same file that a handler reaches by name through any
number of calls (`handler` → `record` → `_bump`).

## Why it matters
Checklist SCOPE-3.4 (no shared mutable state in the service), red flag RF-3.
A service runs as several worker processes and replicas. Module state lives
in one process: every worker keeps its own copy, so a session stored by one
request is missing in the next one served elsewhere; it is lost on every
restart and deploy; and concurrent requests (threads, async tasks) race on
it. Unbounded, it is also a memory leak.

## Example
```python
sessions = {}

@app.post("/login")
def login(form: LoginForm):
    token = secrets.token_urlsafe()
    sessions[token] = form.username
    return {"token": token}
```

## Use instead
```python
redis_client = redis.Redis.from_url(REDIS_URL)

@app.post("/login")
def login(form: LoginForm):
    token = secrets.token_urlsafe()
    redis_client.setex(f"session:{token}", 3600, form.username)
    return {"token": token}
```
Or keep the value request-scoped (a local, `request.state`, `res.locals`).

## Configuration
Select or ignore it by name, `SCOPE-3.4` or `RF-3`. Tests and examples are
not checked. Not reported: module values only read (UPPER_CASE constants,
config), module-scope writes (start-up), start-up functions no handler
calls, lazy one-time initialisation (`if _client is None: _client = …`,
`cache ??= …`), `functools.lru_cache`, locals and parameters that shadow a
module name, and clients of thread-safe stores (a Redis client, a queue),
which are not containers. Rust atomics used as counters are not reported;
neither is `Arc<Mutex<…>>` handed to handlers through Axum `State` or
actix-web `web::Data`: that is explicit, visible state, a design choice
rather than a hidden global (it still does not survive restarts or span
replicas). Not seen: helpers in other files, helpers called through
`self.`/`this.`, module objects reached through
another name (`cache = sessions` then `cache[k] = v`), and class attributes.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("handler-mutates-module-state", "SCOPE-3.4")
        .red_flag("RF-3")
        .severity(Severity::Warning)
        .confidence(Confidence::High)
        .summary("A module-level (global) mutable object is changed by a request handler: each worker and replica has its own copy, it is lost on restart, and concurrent requests race on it.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Tsx, FileKind::Rust])
        .tags(&["state", "scalability"])
        .docs(DOCS)
        .invalid(
            FileKind::Python,
            r#"
            from collections import defaultdict

            from fastapi import FastAPI

            app = FastAPI()
            sessions = {}
            hits = defaultdict(int)
            request_count = 0

            def remember(token, user):
                sessions[token] = user

            @app.post("/login")
            async def login(username: str):
                global request_count
                request_count += 1
                token = make_token()
                remember(token, username)
                return {"token": token}

            @app.get("/articles/{slug}")
            async def article(slug: str):
                hits[slug] += 1
                return await load_article(slug)
            "#,
            3,
        )
        .valid(
            FileKind::Python,
            r#"
            import functools

            import redis
            from fastapi import FastAPI, Request

            app = FastAPI()
            ALLOWED_LANGUAGES = {"en", "de", "fr"}
            redis_client = redis.Redis.from_url("redis://cache:6379/0")
            _settings = None

            def get_settings():
                global _settings
                if _settings is None:
                    _settings = load_settings()
                return _settings

            @functools.lru_cache(maxsize=256)
            def exchange_rate(currency):
                return fetch_rate(currency)

            @app.post("/login")
            async def login(username: str, request: Request):
                token = make_token()
                redis_client.setex(f"session:{token}", 3600, username)
                request.state.user = username
                return {"token": token}

            @app.get("/articles")
            async def articles(lang: str):
                if lang not in ALLOWED_LANGUAGES:
                    lang = "en"
                seen = {}
                for article in await list_articles(lang):
                    seen[article.slug] = article
                redis_client.incr("hits:articles")
                return {"items": list(seen.values()), "settings": get_settings().name}
            "#,
        )
        .invalid(
            FileKind::JavaScript,
            r#"
            const express = require('express');

            const app = express();
            const carts = new Map();
            let requestCount = 0;

            app.post('/cart/items', (req, res) => {
              requestCount++;
              const items = carts.get(req.user.id) || [];
              items.push(req.body);
              carts.set(req.user.id, items);
              res.status(201).json(items);
            });

            app.listen(3000);
            "#,
            2,
        )
        .valid(
            FileKind::JavaScript,
            r#"
            const express = require('express');
            const Redis = require('ioredis');

            const app = express();
            const redis = new Redis(process.env.REDIS_URL);
            const ALLOWED_ORIGINS = ['https://shop.example.com'];
            const routes = new Map();
            routes.set('home', '/');

            app.post('/cart/items', async (req, res) => {
              const carts = new Map();
              carts.set(req.user.id, [req.body]);
              await redis.rpush(`cart:${req.user.id}`, JSON.stringify(req.body));
              res.locals.origin = ALLOWED_ORIGINS[0];
              res.status(201).json([...carts.values()]);
            });

            app.listen(3000);
            "#,
        )
        .invalid(
            FileKind::TypeScript,
            r#"
            import { Router, Request, Response } from 'express';

            const router = Router();
            const rateLimits: Record<string, number> = {};

            router.post('/api/messages', (req: Request, res: Response) => {
              rateLimits[req.ip] = (rateLimits[req.ip] ?? 0) + 1;
              res.status(202).end();
            });

            export default router;
            "#,
            1,
        )
        .valid(
            FileKind::TypeScript,
            r#"
            import { Router, Request, Response } from 'express';
            import { redis } from './redis';

            const router = Router();
            const LIMITS: Record<string, number> = { free: 10, pro: 100 };

            router.post('/api/messages', async (req: Request, res: Response) => {
              const count = await redis.incr(`rate:${req.ip}`);
              if (count > LIMITS[req.user.plan]) {
                return res.status(429).end();
              }
              res.status(202).end();
            });

            export default router;
            "#,
        )
        .invalid(
            FileKind::Rust,
            r#"
            use std::collections::HashMap;
            use std::sync::Mutex;

            use axum::{extract::Path, routing::post, Json, Router};
            use once_cell::sync::Lazy;

            static SESSIONS: Lazy<Mutex<HashMap<String, String>>> = Lazy::new(|| Mutex::new(HashMap::new()));
            static mut REQUESTS: u64 = 0;

            async fn login(Path(user): Path<String>) -> Json<String> {
                let token = uuid::Uuid::new_v4().to_string();
                SESSIONS.lock().unwrap().insert(token.clone(), user);
                unsafe { REQUESTS += 1 };
                Json(token)
            }

            pub fn router() -> Router {
                Router::new().route("/login/:user", post(login))
            }
            "#,
            2,
        )
        .valid(
            FileKind::Rust,
            r#"
            use std::collections::HashMap;
            use std::sync::Arc;

            use axum::{extract::{Path, State}, routing::post, Json, Router};
            use tokio::sync::RwLock;

            static ALLOWED_ROLES: &[&str] = &["admin", "editor"];

            #[derive(Clone, Default)]
            struct AppState {
                sessions: Arc<RwLock<HashMap<String, String>>>,
            }

            async fn login(State(state): State<AppState>, Path(user): Path<String>) -> Json<String> {
                let token = uuid::Uuid::new_v4().to_string();
                state.sessions.write().await.insert(token.clone(), user);
                let _admin = ALLOWED_ROLES.contains(&"admin");
                Json(token)
            }

            pub fn router() -> Router {
                Router::new().route("/login/:user", post(login)).with_state(AppState::default())
            }
            "#,
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(path: &str, code: &str) -> Vec<String> {
        let kind = redflag_syntax::classify(std::path::Path::new(path)).expect("a code file path");
        let file = SourceFile::new(path.to_string(), kind, crate::rule::unindent(code), None);
        analyse(&file)
            .into_iter()
            .map(|d| format!("{} | {}", file.slice(d.range.clone()), d.message))
            .collect()
    }

    fn example_findings(index: usize) -> Vec<String> {
        let example = &meta().invalid[index];
        findings(&example.effective_path(), &example.code)
    }

    #[test]
    fn helpers_of_helpers_are_followed_and_unreached_helpers_stay_quiet() {
        let found = findings(
            "app/routes.ts",
            r#"
            import express from "express";

            const recent = [];
            const stats = new Map();

            function bump(key) {
              stats.set(key, (stats.get(key) ?? 0) + 1);
            }

            function remember(order) {
              recent.push(order.id);
              bump("orders");
            }

            function rebuild() {
              stats.clear();
            }

            const router = express.Router();
            router.post("/orders", (req, res) => {
              remember(req.body);
              res.status(201).end();
            });
            "#,
        );
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].starts_with("stats.set(key, (stats.get(key) ?? 0) + 1) | `stats`"), "{}", found[0]);
        assert!(found[0].contains("is mutated in `bump` (`stats.set(key, (stats.get(key) ?? 0) + 1)`), which `remember` calls, which route handler"), "{}", found[0]);
        assert!(found[1].starts_with("recent.push(order.id) | `recent`"), "{}", found[1]);
        assert!(found[1].contains("in `remember` (`recent.push(order.id)`), which route handler"), "{}", found[1]);
    }

    #[test]
    fn python_messages_name_binding_definition_handler_and_helper() {
        let found = example_findings(0);
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(found[0].starts_with("request_count += 1 | `request_count` (module-level variable, defined at line 8) is mutated in route handler `login` (`request_count += 1`): it lives in one process"), "{}", found[0]);
        assert!(found[1].starts_with("hits[slug] += 1 | `hits` (`defaultdict`, defined at line 7) is mutated in route handler `article`"), "{}", found[1]);
        assert!(found[2].starts_with("sessions[token] = user | `sessions` (dict, defined at line 6) is mutated in `remember` (`sessions[token] = user`), which route handler `login` calls"), "{}", found[2]);
    }

    #[test]
    fn js_reports_reassigned_let_and_mutated_map_once_per_handler() {
        let found = example_findings(1);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].starts_with("requestCount++ | `requestCount` (module-scope `let`, defined at line 5)"), "{}", found[0]);
        assert!(found[1].starts_with("carts.set(req.user.id, items) | `carts` (module-scope `const` `Map`, defined at line 4)"), "{}", found[1]);
    }

    #[test]
    fn rust_reports_locked_lazy_map_and_static_mut() {
        let found = example_findings(3);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].starts_with("SESSIONS | `SESSIONS` (`static` `HashMap` behind a `Mutex`, defined at line 7) is mutated in "), "{}", found[0]);
        assert!(found[1].starts_with("REQUESTS += 1 | `REQUESTS` (`static mut`"), "{}", found[1]);
    }

    #[test]
    fn python_locals_parameters_and_reads_stay_quiet() {
        let code = r#"
            from flask import Flask, request

            app = Flask(__name__)
            cache = {}
            PRICES = {"basic": 10}
            counter = 0

            @app.route("/quote", methods=["POST"])
            def quote():
                cache = {}
                cache["plan"] = request.json["plan"]
                counter = 1
                return {"price": PRICES[cache["plan"]] * counter}

            @app.route("/rebuild", methods=["POST"])
            def rebuild(cache):
                cache.update(request.json)
                return {"ok": True}

            def warm_up():
                cache.update(load_everything())

            warm_up()
            PRICES["pro"] = 30
        "#;
        let found = findings("app/views.py", code);
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn python_list_and_set_methods_and_del_in_django_view() {
        let code = r#"
            from collections import deque
            from django.http import JsonResponse

            recent = deque(maxlen=100)
            banned = set()
            jobs = []

            def report(request, user_id):
                recent.appendleft(user_id)
                banned.add(user_id)
                del jobs[0]
                return JsonResponse({"ok": True})
        "#;
        let found = findings("shop/views.py", code);
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(found[0].contains("`recent` (`deque`, defined at line 4) is mutated in "), "{}", found[0]);
        assert!(found[1].contains("`banned` (set, defined at line 5)"));
        assert!(found[2].starts_with("del jobs[0] | `jobs` (list"));
    }

    #[test]
    fn js_locals_memoised_clients_and_startup_writes_stay_quiet() {
        let code = r#"
            const express = require('express');
            const app = express();
            let client;
            const registry = {};
            registry.version = '1';

            function getClient() {
              if (!client) client = createClient();
              return client;
            }

            app.get('/items', async (req, res) => {
              const registry = { page: req.query.page };
              registry.page = 2;
              const items = [];
              items.push(await getClient().list());
              res.json({ items, registry });
            });
        "#;
        let found = findings("src/app.js", code);
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn js_object_property_and_delete_in_nested_callback() {
        let code = r#"
            import express from 'express';
            const app = express();
            var stats = { served: 0 };
            const locks = {};

            app.delete('/locks/:id', (req, res) => {
              setTimeout(() => {
                delete locks[req.params.id];
              }, 10);
              stats.served += 1;
              res.sendStatus(204);
            });
        "#;
        let found = findings("src/server.mjs", code);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].starts_with("delete locks[req.params.id] | `locks` (module-scope `const` object"), "{}", found[0]);
        assert!(found[1].starts_with("stats.served += 1 | `stats` (module-scope `var` object"), "{}", found[1]);
    }

    #[test]
    fn rust_read_only_statics_state_and_tests_stay_quiet() {
        let code = r#"
            use std::collections::HashMap;
            use std::sync::{Mutex, OnceLock};
            use actix_web::{get, web, HttpResponse};

            static CONFIG: OnceLock<HashMap<String, String>> = OnceLock::new();
            static HITS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
            lazy_static::lazy_static! {
                static ref CACHE: Mutex<HashMap<u64, String>> = Mutex::new(HashMap::new());
            }

            #[get("/config/{key}")]
            async fn config(key: web::Path<String>, data: web::Data<Mutex<Vec<String>>>) -> HttpResponse {
                data.lock().unwrap().push(key.to_string());
                HITS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let value = CONFIG.get().and_then(|c| c.get(key.as_str())).cloned();
                HttpResponse::Ok().body(value.unwrap_or_default())
            }

            #[cfg(test)]
            mod tests {
                use super::*;
                #[actix_web::test]
                async fn fills(key: web::Path<String>) {
                    CACHE.lock().unwrap().insert(1, key.to_string());
                }
            }
        "#;
        let found = findings("src/routes.rs", code);
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn rust_lazy_static_written_by_helper_of_actix_handler() {
        let code = r#"
            use std::collections::HashMap;
            use std::sync::RwLock;
            use actix_web::{post, web, HttpResponse};

            lazy_static::lazy_static! {
                static ref VERSION: &'static str = "1";
                static ref CARTS: RwLock<HashMap<u64, Vec<u64>>> = RwLock::new(HashMap::new());
            }

            fn add_to_cart(user: u64, item: u64) {
                CARTS.write().unwrap().entry(user).or_default().push(item);
            }

            #[post("/carts/{user}/{item}")]
            async fn add(path: web::Path<(u64, u64)>) -> HttpResponse {
                let (user, item) = path.into_inner();
                add_to_cart(user, item);
                HttpResponse::Created().finish()
            }
        "#;
        let found = findings("src/carts.rs", code);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].starts_with("CARTS | `CARTS` (`lazy_static` `static` `HashMap` behind a `RwLock`, defined at line 7) is mutated in `add_to_cart` (`CARTS`), which route handler `add` calls"), "{}", found[0]);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let code = format!("cache = {{}}\nx = {}1{}\n", "(".repeat(50_000), ")".repeat(50_000));
        // Reading ends (no stack overflow) and finds nothing: no handler.
        assert!(findings("app/main.py", &code).is_empty());
    }
}
