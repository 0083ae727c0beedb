//! Routes of FastAPI, Flask, Django/DRF and aiohttp services.
//!
//! Python frameworks declare routes in three shapes: decorators on the
//! handler (`@app.get`, `@bp.route`, `@routes.post`), registration calls
//! (`include_router`, `register_blueprint`, `app.router.add_get`,
//! `router.register`) and data (Django's `urlpatterns` list and settings
//! module). The extractor makes two passes over the tree: the first learns
//! the file's names (router objects, module-level functions and classes,
//! `Annotated` aliases), the second reads every registration against them,
//! so a route may come before or after the router it uses in the file.
//! Both passes, and every look into a subtree, walk with a cursor: a
//! hostile, deeply nested file cannot exhaust the stack.

mod calls;
mod django;
mod views;

use std::collections::{HashMap, HashSet};

use redflag_syntax::tree_sitter::Node;
use redflag_syntax::Language;

use crate::facts::service::{Framework, ServiceFacts, Signal, SignalKind, Target};
use crate::semantics::name_path;

use super::{marker_text, walk};
use crate::source::SourceFile;

/// Fills `out` with the routers, routes, mounts, middleware and signals of
/// one Python file.
pub(super) fn collect(file: &SourceFile, out: &mut ServiceFacts) {
    let Some(tree) = file.tree() else {
        return;
    };
    let root = tree.root_node();
    let mut ctx = Ctx::new(file);
    ctx.learn_names(root, out);
    walk(root, |node| {
        match node.kind() {
            "decorated_definition" => views::decorated(&ctx, node, out),
            "class_definition"
                if node.parent().map(|p| p.kind()) != Some("decorated_definition") =>
            {
                views::class_view(&ctx, node, &[], out);
            }
            "call" => calls::registration(&ctx, node, out),
            "assignment" | "augmented_assignment" => {
                calls::attribute_assignment(&ctx, node, out);
                django::assignment(&ctx, node, out);
            }
            "import_statement" | "import_from_statement" => health_library(file, node, out),
            _ => {}
        }
        true
    });
    // An app mounted on another (`app.add_subapp("/api", api)`,
    // `app.mount("/v1", v1)`) is not the root application.
    for mount in &out.mounts {
        if let Target::Local(child) = &mount.child {
            if let Some(router) = out.routers.iter_mut().find(|r| &r.name == child) {
                router.is_app = false;
            }
        }
    }
}

/// Names whose `.get(…)` decorators are HTTP clients or test doubles,
/// never routers.
const CLIENTS: &[&str] = &[
    "requests",
    "httpx",
    "urllib3",
    "aiohttp",
    "respx",
    "responses",
    "session",
    "client",
    "mock",
    "pytest",
    "os",
    "dict",
    "self",
];

/// What the first pass learns about the file's names.
struct Ctx<'t> {
    file: &'t SourceFile,
    /// Frameworks the file imports, in order of preference for routes on
    /// objects the file does not declare.
    hints: Vec<Framework>,
    /// Router and app objects declared in this file.
    routers: HashMap<String, Framework>,
    /// DRF routers, with whether their URLs end with a slash.
    drf_routers: HashMap<String, bool>,
    /// Local variables assigned a call: name → callee as written
    /// (`limiter` → `Limiter`), to name middleware by what it is.
    constructed: HashMap<String, String>,
    functions: HashMap<String, Node<'t>>,
    classes: HashMap<String, Node<'t>>,
    /// `CurrentUser = Annotated[User, Depends(get_current_user)]`: the
    /// dependencies an alias carries.
    aliases: HashMap<String, Vec<String>>,
    /// Local lists of URL patterns that `include(name)` mounts.
    included_lists: HashSet<String>,
}

impl<'t> Ctx<'t> {
    fn new(file: &'t SourceFile) -> Self {
        let mut hints = Vec::new();
        let modules = file.imports().modules();
        for (prefix, framework) in [
            ("fastapi", Framework::FastApi),
            ("flask", Framework::Flask),
            ("aiohttp", Framework::Aiohttp),
            ("django", Framework::Django),
            ("rest_framework", Framework::Django),
        ] {
            let imported = modules.iter().any(|m| {
                m == prefix
                    || m.starts_with(&format!("{prefix}."))
                    || m.starts_with(&format!("{prefix}_"))
            });
            if imported && !hints.contains(&framework) {
                hints.push(framework);
            }
        }
        Ctx {
            file,
            hints,
            routers: HashMap::new(),
            drf_routers: HashMap::new(),
            constructed: HashMap::new(),
            functions: HashMap::new(),
            classes: HashMap::new(),
            aliases: HashMap::new(),
            included_lists: HashSet::new(),
        }
    }

    /// The first pass: declarations of routers (emitted here, in source
    /// order), functions, classes, aliases and included pattern lists.
    fn learn_names(&mut self, root: Node<'t>, out: &mut ServiceFacts) {
        walk(root, |node| {
            match node.kind() {
                "function_definition" => {
                    if let Some(name) = node.child_by_field_name("name") {
                        let name = self.file.text_of(name).to_string();
                        self.functions.entry(name).or_insert(node);
                    }
                }
                "class_definition" => {
                    if let Some(name) = node.child_by_field_name("name") {
                        let name = self.file.text_of(name).to_string();
                        self.classes.entry(name).or_insert(node);
                    }
                }
                "assignment" => self.learn_assignment(node, out),
                // `include(extra_patterns)` makes a local list a router.
                "call" if self.callee_last(node).as_deref() == Some("include") => {
                    if let Some(first) = positional(node, 0).filter(|f| f.kind() == "identifier") {
                        self.included_lists.insert(self.text(first).to_string());
                    }
                }
                _ => {}
            }
            true
        });
    }

    fn learn_assignment(&mut self, node: Node<'t>, out: &mut ServiceFacts) {
        let (Some(left), Some(right)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) else {
            return;
        };
        if !matches!(left.kind(), "identifier" | "attribute") {
            return;
        }
        let name = self.text(left).to_string();
        match right.kind() {
            "call" => {
                if let Some(callee) = right.child_by_field_name("function") {
                    let callee = collapse(self.text(callee));
                    self.constructed.entry(name.clone()).or_insert(callee);
                }
                calls::router_declaration(self, node, &name, right, out);
            }
            "subscript" => {
                let dependencies = dependency_calls(self, right);
                if !dependencies.is_empty() && self.text(right).starts_with("Annotated") {
                    self.aliases.insert(name, dependencies);
                }
            }
            _ => {}
        }
    }

    fn text(&self, node: Node<'_>) -> &'t str {
        self.file.text_of(node)
    }

    /// A name or member chain as written (`app`, `app.router`).
    fn path(&self, node: Node<'_>) -> Option<String> {
        name_path(self.file, Language::Python, node)
    }

    /// The callee of a call, resolved through the imports
    /// (`web.Application` → `aiohttp.web.Application`).
    fn resolved_callee(&self, call: Node<'_>) -> Option<String> {
        let function = call.child_by_field_name("function")?;
        let path = self.path(function)?;
        Some(self.file.imports().resolve(&path))
    }

    /// The last segment of a call's callee (`include`, `add_middleware`).
    fn callee_last(&self, call: Node<'_>) -> Option<String> {
        let function = call.child_by_field_name("function")?;
        let text = match function.kind() {
            "attribute" => self.text(function.child_by_field_name("attribute")?),
            "identifier" => self.text(function),
            _ => return None,
        };
        Some(text.to_string())
    }

    /// The framework of routes on `object`: the router's own when the
    /// file declares it, else the one the file imports.
    fn framework_of(&self, object: &str) -> Option<Framework> {
        self.routers
            .get(object)
            .copied()
            .or_else(|| self.hints.first().copied())
    }

    /// True when a name the file does not declare may still be a router:
    /// an HTTP client or test double must not become one.
    fn may_be_router(&self, object: &str) -> bool {
        if self.routers.contains_key(object) {
            return true;
        }
        let head = object.split('.').next().unwrap_or(object);
        let resolved = self.file.imports().resolve(head);
        let root = resolved.split('.').next().unwrap_or("");
        !CLIENTS.contains(&root) && !CLIENTS.contains(&head) && !self.hints.is_empty()
    }

    /// What a mount's child refers to: a router of this file, or a name
    /// imported from another module.
    fn target(&self, node: Node<'_>) -> Option<Target> {
        let node = match node.kind() {
            // `users.get_router()`: the function that builds the router.
            "call" => node.child_by_field_name("function")?,
            _ => node,
        };
        let path = self.path(node)?;
        let imports = self.file.imports();
        let (head, rest) = match path.split_once('.') {
            Some((head, rest)) => (head, Some(rest)),
            None => (path.as_str(), None),
        };
        if self.routers.contains_key(&path) || self.functions.contains_key(&path) {
            return Some(Target::Local(path));
        }
        let Some(binding) = imports.binding(head) else {
            return Some(Target::Local(path));
        };
        let module = module_binding(binding);
        let (module, name) = match rest {
            Some(rest) => match rest.rsplit_once('.') {
                Some((inner, name)) => (format!("{module}.{inner}"), name.to_string()),
                None => (module, rest.to_string()),
            },
            None => split_binding(&module),
        };
        Some(Target::Imported {
            module,
            name: Some(name),
        })
    }
}

/// A `from . import users` binding reads `..users` in the import table
/// (the module `.` joined to the name); the module it names is `.users`.
fn module_binding(binding: &str) -> String {
    let dots = binding.len() - binding.trim_start_matches('.').len();
    let rest = &binding[dots..];
    if dots >= 2 && !rest.contains('.') {
        binding[1..].to_string()
    } else {
        binding.to_string()
    }
}

/// `app.routers.users` → (`app.routers`, `users`); `.users` → (`.`, `users`).
fn split_binding(binding: &str) -> (String, String) {
    match binding.rfind('.') {
        Some(i) => {
            let head = &binding[..i];
            let module = if head.chars().all(|c| c == '.') {
                &binding[..=i]
            } else {
                head
            };
            (module.to_string(), binding[i + 1..].to_string())
        }
        None => (String::new(), binding.to_string()),
    }
}

/// Source text with whitespace runs collapsed to one space.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A marker: the expression as written, whitespace collapsed, cut at
/// [`MARKER_LIMIT`] characters.
fn marker(file: &SourceFile, node: Node<'_>) -> String {
    marker_text(file.text_of(node))
}

/// The text inside a string literal, as written (escapes kept); adjacent
/// literals are joined. `None` for anything but a string.
fn string_value(file: &SourceFile, node: Node<'_>) -> Option<String> {
    // Parentheses are unwrapped in a loop: a hostile file may nest
    // thousands of them.
    let mut node = node;
    while node.kind() == "parenthesized_expression" {
        node = node.named_child(0)?;
    }
    match node.kind() {
        "string" => literal_text(file, node),
        "concatenated_string" => {
            let mut cursor = node.walk();
            let parts: Option<Vec<String>> = node
                .named_children(&mut cursor)
                .map(|part| literal_text(file, part))
                .collect();
            parts.map(|parts| parts.concat())
        }
        _ => None,
    }
}

/// The text between a string literal's quotes.
fn literal_text(file: &SourceFile, node: Node<'_>) -> Option<String> {
    let mut cursor = node.walk();
    let children: Vec<Node<'_>> = node.children(&mut cursor).collect();
    let start = children.iter().find(|c| c.kind() == "string_start")?;
    let end = children.iter().rev().find(|c| c.kind() == "string_end")?;
    Some(file.slice(start.end_byte()..end.start_byte()).to_string())
}

/// The n-th positional argument of a call.
fn positional(call: Node<'_>, index: usize) -> Option<Node<'_>> {
    let arguments = call.child_by_field_name("arguments")?;
    let mut cursor = arguments.walk();
    let found = arguments
        .named_children(&mut cursor)
        .filter(|a| {
            !matches!(
                a.kind(),
                "keyword_argument" | "comment" | "list_splat" | "dictionary_splat"
            )
        })
        .nth(index);
    found
}

/// The value of a call's keyword argument.
fn keyword<'t>(file: &SourceFile, call: Node<'t>, name: &str) -> Option<Node<'t>> {
    let arguments = call.child_by_field_name("arguments")?;
    let mut cursor = arguments.walk();
    let found = arguments
        .named_children(&mut cursor)
        .filter(|a| a.kind() == "keyword_argument")
        .find(|a| {
            a.child_by_field_name("name")
                .is_some_and(|n| file.text_of(n) == name)
        })
        .and_then(|a| a.child_by_field_name("value"));
    found
}

/// An argument by position or by keyword.
fn argument<'t>(file: &SourceFile, call: Node<'t>, index: usize, name: &str) -> Option<Node<'t>> {
    keyword(file, call, name).or_else(|| positional(call, index))
}

/// The elements of a list, tuple or set literal.
fn elements(node: Node<'_>) -> Vec<Node<'_>> {
    if !matches!(node.kind(), "list" | "tuple" | "set" | "expression_list") {
        return Vec::new();
    }
    let mut cursor = node.walk();
    let found = node
        .named_children(&mut cursor)
        .filter(|n| n.kind() != "comment")
        .collect();
    found
}

/// Upper-case method names from a list of strings (`methods=["GET", "post"]`).
fn methods_of(file: &SourceFile, list: Node<'_>) -> Vec<String> {
    elements(list)
        .into_iter()
        .filter_map(|e| string_value(file, e))
        .map(|m| m.to_ascii_uppercase())
        .collect()
}

/// A status code as the code spells it: `201`, `status.HTTP_201_CREATED`,
/// `HTTPStatus.CREATED`.
fn status_value(text: &str) -> Option<u16> {
    let text = text.trim();
    if let Ok(code) = text.parse::<u16>() {
        return (100..600).contains(&code).then_some(code);
    }
    if let Some(at) = text.find("HTTP_") {
        let digits: String = text[at + 5..].chars().take(3).collect();
        if let Ok(code) = digits.parse::<u16>() {
            return (100..600).contains(&code).then_some(code);
        }
    }
    let name = text.rsplit('.').next().unwrap_or(text);
    let code = match name {
        "OK" => 200,
        "CREATED" => 201,
        "ACCEPTED" => 202,
        "NO_CONTENT" => 204,
        _ => return None,
    };
    Some(code)
}

/// The `Depends(…)`/`Security(…)` calls inside an expression or type, as
/// markers.
fn dependency_calls(ctx: &Ctx<'_>, node: Node<'_>) -> Vec<String> {
    let mut found = Vec::new();
    walk(node, |n| {
        if n.kind() == "call" {
            let last = ctx.callee_last(n);
            if matches!(last.as_deref(), Some("Depends" | "Security")) {
                found.push(marker(ctx.file, n));
                return false;
            }
        }
        true
    });
    found
}

/// Pushes `item` unless it is already there.
fn push_unique(list: &mut Vec<String>, item: String) {
    if !item.is_empty() && !list.contains(&item) {
        list.push(item);
    }
}

/// Health-check libraries announce themselves by being imported.
fn health_library(file: &SourceFile, node: Node<'_>, out: &mut ServiceFacts) {
    const LIBRARIES: &[&str] = &[
        "fastapi_health",
        "healthcheck",
        "flask_healthz",
        "health_check",
        "aiohttp_health",
    ];
    let module = match node.kind() {
        "import_from_statement" => node.child_by_field_name("module_name"),
        _ => node
            .child_by_field_name("name")
            .map(|n| n.child_by_field_name("name").unwrap_or(n)),
    };
    let Some(module) = module else {
        return;
    };
    let module = collapse(file.text_of(module));
    let root = module.split('.').next().unwrap_or("");
    if LIBRARIES.contains(&root) {
        out.signals.push(Signal {
            kind: SignalKind::HealthLibrary,
            detail: module,
            location: file.location(node.byte_range()),
        });
    }
}

#[cfg(test)]
mod tests;
