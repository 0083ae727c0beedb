//! Request handlers: which functions of a file run once per request.
//!
//! Rules about the request path (a connection opened per request, work that
//! belongs in a queue) must tell a handler from start-up code and helpers.
//! A handler is recognised by how its framework finds it: a route decorator
//! or attribute, a registration call that is handed the function, a view
//! class, a FastAPI `Depends(...)`, a file-system route (Next.js), or a
//! signature only handlers have (`(req, res)`, Axum/Actix extractors).
//!
//! Whether one function is a handler is decided from the function and a few
//! of its ancestors, plus what [`HandlerIndex`] read from the whole file
//! once (names handed to registrations and `Depends`), so a rule that keeps
//! an ancestor stack asks it in constant time per function.

use std::collections::{HashMap, HashSet};

use redflag_syntax::tree_sitter::Node;
use redflag_syntax::Language;

use super::{callee_path, compact, name_path};
use crate::source::SourceFile;

/// How a handler is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandlerKind {
    /// A route's own function (decorated, registered, file-system routed).
    Route,
    /// Code every request passes through (`app.use`, `before_request`,
    /// Fastify hooks, `@app.middleware("http")`).
    Middleware,
    /// A FastAPI dependency (`Depends(get_db)`), resolved per request.
    Dependency,
    /// A Django/DRF/Flask view function or view-class method.
    View,
    /// A Next.js server action (`"use server"`), run per call from the client.
    ServerAction,
    /// A message or event handler (NestJS `@MessagePattern`, `@EventPattern`).
    MessageHandler,
}

impl HandlerKind {
    /// What a user calls it: `route handler`, `FastAPI dependency`, …
    #[must_use]
    pub fn noun(self) -> &'static str {
        match self {
            HandlerKind::Route => "route handler",
            HandlerKind::Middleware => "request middleware",
            HandlerKind::Dependency => "FastAPI dependency",
            HandlerKind::View => "view",
            HandlerKind::ServerAction => "server action",
            HandlerKind::MessageHandler => "message handler",
        }
    }
}

/// A function that runs once per request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handler<'t> {
    /// The function, method or closure node.
    pub node: Node<'t>,
    /// Its name (`list_users`, `UserList.get`), or for an inline callback
    /// the registration it was handed to (`app.get('/users', …)`).
    pub name: String,
    pub kind: HandlerKind,
}

impl Handler<'_> {
    /// The kind and name: ``route handler `list_users` ``.
    #[must_use]
    pub fn describe(&self) -> String {
        format!("{} `{}`", self.kind.noun(), self.name)
    }
}

/// Node kinds of functions, methods and closures.
#[must_use]
pub fn is_function(language: Language, kind: &str) -> bool {
    match language {
        Language::Python => matches!(kind, "function_definition" | "lambda"),
        Language::Rust => matches!(kind, "function_item" | "closure_expression"),
        _ => matches!(
            kind,
            "function_declaration"
                | "function_expression"
                | "function"
                | "arrow_function"
                | "method_definition"
                | "generator_function_declaration"
                | "generator_function"
        ),
    }
}

/// The name a function is called by: its own name, the variable an arrow
/// function is assigned to, the key it is stored under. `ancestors` are the
/// function's ancestors, outermost first.
#[must_use]
pub fn function_name(
    file: &SourceFile,
    function: Node<'_>,
    ancestors: &[Node<'_>],
) -> Option<String> {
    if let Some(name) = function.child_by_field_name("name") {
        return Some(file.text_of(name).to_string());
    }
    let parent = ancestors.last()?;
    let named = match parent.kind() {
        "variable_declarator" | "assignment" => parent
            .child_by_field_name("name")
            .or_else(|| parent.child_by_field_name("left")),
        "pair" => parent.child_by_field_name("key"),
        "assignment_expression" => parent.child_by_field_name("left"),
        _ => None,
    }?;
    let text = file.text_of(named);
    (!text.is_empty() && text.len() <= 80).then(|| compact(text))
}

/// Decorators / attributes / verbs by which routes are registered.
const PY_ROUTE_VERBS: &[&str] = &[
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "route",
    "api_route",
    "websocket",
    "websocket_route",
    "view",
];
/// Decorators that only ever wrap Django/DRF/Flask views.
const PY_VIEW_DECORATORS: &[&str] = &[
    "api_view",
    "action",
    "require_http_methods",
    "require_GET",
    "require_POST",
    "require_safe",
    "login_required",
    "permission_required",
    "csrf_exempt",
];
/// Decorators of per-request hooks.
const PY_HOOKS: &[&str] = &["middleware", "before_request", "before_app_request"];
/// Calls that register a Python handler handed to them by name.
const PY_REGISTRATIONS: &[&str] = &[
    "add_api_route",
    "add_url_rule",
    "add_route",
    "add_get",
    "add_post",
    "add_put",
    "add_patch",
    "add_delete",
    "Route",
    "WebSocketRoute",
];
/// Methods of view classes that run per request.
const PY_VIEW_METHODS: &[&str] = &[
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "dispatch",
    "list",
    "create",
    "retrieve",
    "update",
    "partial_update",
    "destroy",
    "perform_create",
    "perform_update",
    "perform_destroy",
    "get_queryset",
    "get_object",
    "get_context_data",
    "form_valid",
];

/// JS/TS methods of apps and routers that take handlers.
const JS_ROUTE_VERBS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "del", "all", "use", "head", "options",
];
/// Parameter names a JS handler's first parameter goes by.
const JS_REQUEST_NAMES: &[&str] = &["req", "request", "_req", "_request", "ctx", "c", "context"];
/// NestJS method decorators of routes and message handlers.
const NEST_ROUTES: &[&str] = &[
    "Get", "Post", "Put", "Patch", "Delete", "All", "Head", "Options", "Sse", "Query", "Mutation",
];
const NEST_MESSAGES: &[&str] = &[
    "MessagePattern",
    "EventPattern",
    "GrpcMethod",
    "SubscribeMessage",
];
/// Fastify hooks that run per request.
const FASTIFY_REQUEST_HOOKS: &[&str] = &[
    "onRequest",
    "preParsing",
    "preValidation",
    "preHandler",
    "preSerialization",
    "onSend",
    "onResponse",
    "onError",
    "onTimeout",
];
/// Next.js route handler exports.
const NEXT_METHODS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

/// Rust route attributes (actix-web, Rocket, poem/salvo `#[handler]`,
/// axum `#[debug_handler]`, utoipa `#[utoipa::path]` on handlers).
const RUST_ROUTE_ATTRIBUTES: &[&str] = &[
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "route",
    "handler",
    "debug_handler",
];
/// Axum/actix routing functions and methods that take handlers.
const RUST_ROUTE_CALLS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "any", "on", "to", "service",
];
/// Extractors whose presence in an `async fn`'s parameters makes it a
/// handler.
const RUST_EXTRACTORS: &[&str] = &[
    "State",
    "Json",
    "Path",
    "Query",
    "Form",
    "Extension",
    "Data",
    "HttpRequest",
    "Multipart",
    "TypedHeader",
    "ConnectInfo",
    "Host",
];

/// What a file says about its handlers beyond one function: names handed to
/// route registrations or `Depends(...)`, and what its path and directives
/// make of it (a Next.js route file, a Django `views.py`, `"use server"`).
#[derive(Debug, Clone, Default)]
pub struct HandlerIndex {
    language: Option<Language>,
    /// Functions handed by name to a registration (`router.get("/", list)`,
    /// `get(list_users)`, `add_url_rule(..., view_func=index)`, a Next.js
    /// `export default handler`).
    registered: HashSet<String>,
    /// Python functions used as `Depends(name)` / `Security(name)`.
    depends: HashSet<String>,
    /// A Django views module (`views.py`, `views/…`).
    django_views: bool,
    /// The file imports aiohttp or Starlette, whose handlers take `request`.
    request_framework: bool,
    /// A Next.js App Router `route.ts` file.
    next_route: bool,
    /// A Next.js `pages/api/` file.
    pages_api: bool,
    /// The file starts with the `"use server"` directive.
    use_server: bool,
}

impl HandlerIndex {
    /// Reads a code file's registrations once (one iterative walk).
    #[must_use]
    pub fn new(file: &SourceFile) -> Self {
        let Some(language) = file.kind.language() else {
            return HandlerIndex::default();
        };
        let path = file.path.as_str();
        let components: Vec<&str> = path.split('/').collect();
        let name = components.last().copied().unwrap_or("");
        let stem = name.split('.').next().unwrap_or("");
        let mut index = HandlerIndex {
            language: Some(language),
            django_views: language == Language::Python
                && (name == "views.py" || components.iter().rev().skip(1).any(|c| *c == "views")),
            next_route: language.is_js_family() && stem == "route" && components.contains(&"app"),
            pages_api: language.is_js_family()
                && components
                    .windows(2)
                    .any(|w| w[0] == "pages" && w[1] == "api"),
            ..HandlerIndex::default()
        };
        let Some(tree) = file.tree() else {
            return index;
        };
        if language == Language::Python {
            index.request_framework = file
                .imports()
                .modules()
                .iter()
                .any(|m| m.starts_with("aiohttp") || m.starts_with("starlette"));
        }
        if language.is_js_family() {
            index.use_server = starts_with_directive(file, tree.root_node(), "use server");
        }
        super::walk(tree.root_node(), |node| {
            match (language, node.kind()) {
                (Language::Python, "call") => index.read_python_call(file, node),
                (Language::Rust, "call_expression") => index.read_rust_call(file, node),
                (l, "call_expression") if l.is_js_family() => index.read_js_call(file, node),
                (l, "export_statement") if l.is_js_family() => {
                    index.read_js_default_export(file, node);
                }
                _ => {}
            }
            true
        });
        index
    }

    fn read_python_call(&mut self, file: &SourceFile, call: Node<'_>) {
        let Some(callee) = callee_path(file, Language::Python, call) else {
            return;
        };
        let last = callee.rsplit('.').next().unwrap_or(&callee);
        let Some(arguments) = call.child_by_field_name("arguments") else {
            return;
        };
        let mut cursor = arguments.walk();
        let args: Vec<Node<'_>> = arguments.named_children(&mut cursor).collect();
        if matches!(last, "Depends" | "Security") {
            let target = args.iter().find_map(|a| match a.kind() {
                "keyword_argument" => a
                    .child_by_field_name("name")
                    .filter(|n| file.text_of(*n) == "dependency")
                    .and_then(|_| a.child_by_field_name("value")),
                _ => Some(*a),
            });
            if let Some(name) = target.and_then(|t| name_path(file, Language::Python, t)) {
                let name = name.rsplit('.').next().unwrap_or(&name).to_string();
                self.depends.insert(name);
            }
            return;
        }
        let path_first = args.first().is_some_and(|a| a.kind() == "string");
        let verb = callee.contains('.') && PY_ROUTE_VERBS.contains(&last) && path_first;
        if !(verb || PY_REGISTRATIONS.contains(&last)) {
            return;
        }
        for arg in args {
            let value = match arg.kind() {
                "keyword_argument" => {
                    let key = arg.child_by_field_name("name").map(|n| file.text_of(n));
                    if !matches!(key, Some("view_func" | "endpoint" | "handler")) {
                        continue;
                    }
                    arg.child_by_field_name("value")
                }
                _ => Some(arg),
            };
            if let Some(value) = value.filter(|v| matches!(v.kind(), "identifier" | "attribute")) {
                if let Some(path) = name_path(file, Language::Python, value) {
                    self.registered
                        .insert(path.rsplit('.').next().unwrap_or(&path).to_string());
                }
            }
        }
    }

    fn read_js_call(&mut self, file: &SourceFile, call: Node<'_>) {
        let Some(function) = call.child_by_field_name("function") else {
            return;
        };
        if function.kind() != "member_expression" {
            return;
        }
        let Some(verb) = function
            .child_by_field_name("property")
            .map(|p| file.text_of(p))
        else {
            return;
        };
        if !JS_ROUTE_VERBS.contains(&verb) {
            return;
        }
        let Some(arguments) = call.child_by_field_name("arguments") else {
            return;
        };
        let mut cursor = arguments.walk();
        let args: Vec<Node<'_>> = arguments.named_children(&mut cursor).collect();
        let path_first = args
            .first()
            .is_some_and(|a| matches!(a.kind(), "string" | "template_string"));
        if !(path_first || verb == "use" || on_route_chain(file, function)) {
            return;
        }
        for arg in args.iter().skip(usize::from(path_first)) {
            if arg.kind() == "identifier" {
                self.registered.insert(file.text_of(*arg).to_string());
            }
        }
    }

    /// `export default handler` and `export default withAuth(handler)`.
    fn read_js_default_export(&mut self, file: &SourceFile, export: Node<'_>) {
        if !self.pages_api || !file.text_of(export).starts_with("export default") {
            return;
        }
        let Some(value) = export.child_by_field_name("value") else {
            return;
        };
        let mut current = value;
        for _ in 0..4 {
            match current.kind() {
                "identifier" => {
                    self.registered.insert(file.text_of(current).to_string());
                    return;
                }
                "call_expression" => {
                    let Some(first) = current
                        .child_by_field_name("arguments")
                        .and_then(|a| a.named_child(0))
                    else {
                        return;
                    };
                    current = first;
                }
                _ => return,
            }
        }
    }

    fn read_rust_call(&mut self, file: &SourceFile, call: Node<'_>) {
        let Some(function) = call.child_by_field_name("function") else {
            return;
        };
        let name = match function.kind() {
            "field_expression" => function
                .child_by_field_name("field")
                .map(|f| file.text_of(f)),
            "identifier" | "scoped_identifier" => {
                let text = file.text_of(function);
                Some(text.rsplit("::").next().unwrap_or(text))
            }
            _ => None,
        };
        if !name.is_some_and(|n| RUST_ROUTE_CALLS.contains(&n)) {
            return;
        }
        let Some(arguments) = call.child_by_field_name("arguments") else {
            return;
        };
        let mut cursor = arguments.walk();
        for arg in arguments.named_children(&mut cursor) {
            if matches!(arg.kind(), "identifier" | "scoped_identifier") {
                let text = file.text_of(arg);
                self.registered
                    .insert(text.rsplit("::").next().unwrap_or(text).trim().to_string());
            }
        }
    }

    /// The handler `function` is, if it is one. `ancestors` are the
    /// function's ancestors, outermost first (the last is its parent).
    #[must_use]
    pub fn handler<'t>(
        &self,
        file: &SourceFile,
        function: Node<'t>,
        ancestors: &[Node<'t>],
    ) -> Option<Handler<'t>> {
        let language = self.language?;
        let found = match language {
            Language::Python => self.python_handler(file, function, ancestors),
            Language::Rust => self.rust_handler(file, function, ancestors),
            _ => self.js_handler(file, function, ancestors),
        };
        found.map(|(name, kind)| Handler {
            node: function,
            name,
            kind,
        })
    }

    /// The innermost handler around the code whose ancestors are given
    /// (outermost first), looking outwards through nested functions: a
    /// callback inside a handler runs in that handler's request.
    #[must_use]
    pub fn enclosing<'t>(&self, file: &SourceFile, ancestors: &[Node<'t>]) -> Option<Handler<'t>> {
        let language = self.language?;
        for index in (0..ancestors.len()).rev() {
            let node = ancestors[index];
            if is_function(language, node.kind()) {
                if let Some(handler) = self.handler(file, node, &ancestors[..index]) {
                    return Some(handler);
                }
            }
        }
        None
    }

    fn python_handler(
        &self,
        file: &SourceFile,
        function: Node<'_>,
        ancestors: &[Node<'_>],
    ) -> Option<(String, HandlerKind)> {
        if function.kind() != "function_definition" {
            return None;
        }
        let name = file
            .text_of(function.child_by_field_name("name")?)
            .to_string();
        let decorated = ancestors
            .last()
            .filter(|p| p.kind() == "decorated_definition");
        if let Some(decorated) = decorated {
            let mut cursor = decorated.walk();
            for decorator in decorated.named_children(&mut cursor) {
                if decorator.kind() != "decorator" {
                    continue;
                }
                if let Some(kind) = python_decorator_kind(file, decorator) {
                    return Some((name, kind));
                }
            }
        }
        // The statement's container: the module, or a class body.
        let outer = &ancestors[..ancestors.len() - usize::from(decorated.is_some())];
        let container = outer.last()?;
        let module_level = container.kind() == "module";
        if module_level && self.depends.contains(&name) {
            return Some((name, HandlerKind::Dependency));
        }
        if module_level && self.registered.contains(&name) {
            return Some((name, HandlerKind::Route));
        }
        if container.kind() == "block" && PY_VIEW_METHODS.contains(&name.as_str()) {
            let class = outer
                .get(outer.len().wrapping_sub(2))
                .filter(|c| c.kind() == "class_definition");
            if let Some(class) = class {
                if python_view_class(file, *class) {
                    let class_name = class
                        .child_by_field_name("name")
                        .map_or("", |n| file.text_of(n));
                    return Some((format!("{class_name}.{name}"), HandlerKind::View));
                }
            }
        }
        if module_level && python_first_param(file, function).as_deref() == Some("request") {
            if self.django_views {
                return Some((name, HandlerKind::View));
            }
            if self.request_framework && super::has_async_keyword(function) {
                return Some((name, HandlerKind::Route));
            }
        }
        None
    }

    fn js_handler(
        &self,
        file: &SourceFile,
        function: Node<'_>,
        ancestors: &[Node<'_>],
    ) -> Option<(String, HandlerKind)> {
        let name = function_name(file, function, ancestors);
        if function.kind() == "method_definition" {
            // NestJS routes, or Express controller methods `list(req, res)`.
            let kind = nest_decorator_kind(file, function)
                .or_else(|| js_handler_signature(file, function).then_some(HandlerKind::Route))?;
            let class = ancestors
                .iter()
                .rev()
                .take(3)
                .find(|a| matches!(a.kind(), "class_declaration" | "class"))
                .and_then(|c| c.child_by_field_name("name"))
                .map(|n| file.text_of(n));
            let method = name.unwrap_or_default();
            let shown = class.map_or_else(|| method.clone(), |c| format!("{c}.{method}"));
            return Some((shown, kind));
        }
        // Handed to a registration: `app.get('/x', (req, res) => …)`.
        if let Some(found) = js_registration_callback(file, function, ancestors) {
            return Some(found);
        }
        let exported = js_exported(ancestors);
        if let Some(name) = &name {
            if self.next_route && exported && NEXT_METHODS.contains(&name.as_str()) {
                return Some((name.clone(), HandlerKind::Route));
            }
            if self.registered.contains(name) {
                return Some((name.clone(), HandlerKind::Route));
            }
        }
        if self.pages_api
            && ancestors.last().is_some_and(|p| {
                p.kind() == "export_statement" && file.text_of(*p).starts_with("export default")
            })
        {
            return Some((
                name.unwrap_or_else(|| "default export".to_string()),
                HandlerKind::Route,
            ));
        }
        let body = function.child_by_field_name("body");
        let inline_action = body.is_some_and(|b| starts_with_directive(file, b, "use server"));
        if inline_action || (self.use_server && exported && super::has_async_keyword(function)) {
            return Some((
                name.unwrap_or_else(|| wrapped_name(file, ancestors)),
                HandlerKind::ServerAction,
            ));
        }
        if js_handler_signature(file, function) {
            return Some((
                name.unwrap_or_else(|| wrapped_name(file, ancestors)),
                HandlerKind::Route,
            ));
        }
        None
    }

    fn rust_handler(
        &self,
        file: &SourceFile,
        function: Node<'_>,
        ancestors: &[Node<'_>],
    ) -> Option<(String, HandlerKind)> {
        if function.kind() == "closure_expression" {
            let call = rust_enclosing_call(ancestors)?;
            let name = rust_call_name(file, call)?;
            if !RUST_ROUTE_CALLS.contains(&name.as_str()) || name == "service" {
                return None;
            }
            return Some((format!("{name}(|…| …)"), HandlerKind::Route));
        }
        let name = file
            .text_of(function.child_by_field_name("name")?)
            .to_string();
        let mut previous = function.prev_named_sibling();
        while let Some(sibling) = previous {
            match sibling.kind() {
                "attribute_item" => {
                    if rust_route_attribute(file, sibling) {
                        return Some((name, HandlerKind::Route));
                    }
                }
                "line_comment" | "block_comment" => {}
                _ => break,
            }
            previous = sibling.prev_named_sibling();
        }
        if self.registered.contains(&name) {
            return Some((name, HandlerKind::Route));
        }
        let is_async = {
            let mut cursor = function.walk();
            let found = function
                .children(&mut cursor)
                .filter(|c| c.kind() == "function_modifiers")
                .any(super::has_async_keyword);
            found
        };
        if is_async && rust_takes_extractor(file, function) {
            return Some((name, HandlerKind::Route));
        }
        None
    }
}

/// The handler around the code whose ancestors (outermost first) are given.
/// Reads the whole file for its registrations on every call: rules that ask
/// about many nodes build one [`HandlerIndex`] and call
/// [`HandlerIndex::enclosing`].
#[must_use]
pub fn enclosing_handler<'t>(file: &SourceFile, ancestors: &[Node<'t>]) -> Option<Handler<'t>> {
    with_index(file, |index| index.enclosing(file, ancestors))
}

thread_local! {
    /// The index of the file the rules on this thread are reading: rules
    /// ask once per call node, the index is built once per file.
    static LAST_INDEX: std::cell::RefCell<Option<(u64, std::rc::Rc<HandlerIndex>)>> =
        const { std::cell::RefCell::new(None) };
}

/// Runs `read` with the file's handler index, built on first use.
fn with_index<R>(file: &SourceFile, read: impl FnOnce(&HandlerIndex) -> R) -> R {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    file.path.hash(&mut hasher);
    file.text.hash(&mut hasher);
    let key = hasher.finish();
    let cached = LAST_INDEX.with(|last| {
        last.borrow()
            .as_ref()
            .filter(|(k, _)| *k == key)
            .map(|(_, index)| std::rc::Rc::clone(index))
    });
    let index = cached.unwrap_or_else(|| {
        let index = std::rc::Rc::new(HandlerIndex::new(file));
        LAST_INDEX.with(|last| *last.borrow_mut() = Some((key, std::rc::Rc::clone(&index))));
        index
    });
    read(&index)
}

/// True when a block or program starts with a directive string (`"use server"`).
fn starts_with_directive(file: &SourceFile, block: Node<'_>, directive: &str) -> bool {
    let mut cursor = block.walk();
    let first = block
        .named_children(&mut cursor)
        .find(|c| c.kind() != "comment" && c.kind() != "hash_bang_line");
    first.is_some_and(|statement| {
        matches!(statement.kind(), "expression_statement" | "directive")
            && file
                .text_of(statement)
                .trim_end_matches(';')
                .trim_matches(['"', '\''])
                == directive
    })
}

fn python_decorator_kind(file: &SourceFile, decorator: Node<'_>) -> Option<HandlerKind> {
    let expression = decorator.named_child(0)?;
    let path = if expression.kind() == "call" {
        callee_path(file, Language::Python, expression)?
    } else {
        name_path(file, Language::Python, expression)?
    };
    let (object, last) = match path.rsplit_once('.') {
        Some((object, last)) => (Some(object), last),
        None => (None, path.as_str()),
    };
    if object.is_some() && PY_ROUTE_VERBS.contains(&last) && expression.kind() == "call" {
        return Some(HandlerKind::Route);
    }
    if object.is_some() && PY_HOOKS.contains(&last) {
        return Some(HandlerKind::Middleware);
    }
    if PY_VIEW_DECORATORS.contains(&last) {
        return Some(HandlerKind::View);
    }
    None
}

/// Django/DRF/Flask/Starlette/aiohttp/Tornado view classes, by their bases.
fn python_view_class(file: &SourceFile, class: Node<'_>) -> bool {
    let Some(bases) = class.child_by_field_name("superclasses") else {
        return false;
    };
    let mut cursor = bases.walk();
    let found = bases.named_children(&mut cursor).any(|base| {
        let text = file.text_of(base);
        let last = text.rsplit('.').next().unwrap_or(text).trim();
        last.ends_with("View")
            || last.ends_with("ViewSet")
            || last.ends_with("APIView")
            || matches!(last, "Resource" | "HTTPEndpoint" | "RequestHandler")
    });
    found
}

/// The first parameter of a Python function, `self`/`cls` skipped.
fn python_first_param(file: &SourceFile, function: Node<'_>) -> Option<String> {
    let parameters = function.child_by_field_name("parameters")?;
    let mut cursor = parameters.walk();
    let names: Vec<String> = parameters
        .named_children(&mut cursor)
        .take(3)
        .filter_map(|p| {
            let name = match p.kind() {
                "identifier" => Some(p),
                "typed_parameter" => p.named_child(0),
                "default_parameter" | "typed_default_parameter" => p.child_by_field_name("name"),
                _ => None,
            }?;
            Some(file.text_of(name).to_string())
        })
        .collect();
    names.into_iter().find(|n| n != "self" && n != "cls")
}

/// The decorator names before a class member (tree-sitter keeps them as
/// preceding siblings in the class body, or as the method's children).
fn nest_decorator_kind(file: &SourceFile, method: Node<'_>) -> Option<HandlerKind> {
    let mut decorators = Vec::new();
    let mut cursor = method.walk();
    decorators.extend(method.children_by_field_name("decorator", &mut cursor));
    let mut previous = method.prev_named_sibling();
    while let Some(sibling) = previous {
        match sibling.kind() {
            "decorator" => decorators.push(sibling),
            "comment" => {}
            _ => break,
        }
        previous = sibling.prev_named_sibling();
    }
    decorators.iter().find_map(|decorator| {
        let expression = decorator.named_child(0)?;
        let target = if expression.kind() == "call_expression" {
            expression.child_by_field_name("function")?
        } else {
            expression
        };
        let text = file.text_of(target);
        let name = text.rsplit('.').next().unwrap_or(text);
        if NEST_ROUTES.contains(&name) {
            Some(HandlerKind::Route)
        } else if NEST_MESSAGES.contains(&name) {
            Some(HandlerKind::MessageHandler)
        } else {
            None
        }
    })
}

/// `router.route('/x').get(h)`: the verb is called on a `.route(…)` chain.
fn on_route_chain(file: &SourceFile, member: Node<'_>) -> bool {
    member
        .child_by_field_name("object")
        .filter(|o| o.kind() == "call_expression")
        .and_then(|o| o.child_by_field_name("function"))
        .and_then(|f| f.child_by_field_name("property"))
        .is_some_and(|p| file.text_of(p) == "route")
}

/// The JS function's parameter names (up to three) and the first one's type.
fn js_params(file: &SourceFile, function: Node<'_>) -> (Vec<String>, String) {
    if let Some(single) = function.child_by_field_name("parameter") {
        return (vec![file.text_of(single).to_string()], String::new());
    }
    let Some(parameters) = function.child_by_field_name("parameters") else {
        return (Vec::new(), String::new());
    };
    let mut names = Vec::new();
    let mut first_type = String::new();
    let mut cursor = parameters.walk();
    for parameter in parameters.named_children(&mut cursor).take(3) {
        let pattern = match parameter.kind() {
            "required_parameter" | "optional_parameter" => parameter.child_by_field_name("pattern"),
            "assignment_pattern" => parameter.child_by_field_name("left"),
            _ => Some(parameter),
        };
        if names.is_empty() {
            if let Some(annotation) = parameter.child_by_field_name("type") {
                first_type = file.text_of(annotation).to_string();
            }
        }
        names.push(
            pattern
                .map(|p| file.text_of(p).to_string())
                .unwrap_or_default(),
        );
    }
    (names, first_type)
}

/// A name for an anonymous function handed to a wrapper:
/// `exports.list = asyncHandler(async (req, res) => …)` → `exports.list`,
/// else the wrapper (`asyncHandler(…)`).
fn wrapped_name(file: &SourceFile, ancestors: &[Node<'_>]) -> String {
    let n = ancestors.len();
    let call = n
        .checked_sub(2)
        .map(|i| ancestors[i])
        .filter(|c| c.kind() == "call_expression" && ancestors[n - 1].kind() == "arguments");
    let Some(call) = call else {
        return "anonymous function".to_string();
    };
    if let Some(name) = function_name(file, call, &ancestors[..n - 2]) {
        return name;
    }
    call.child_by_field_name("function")
        .map(|f| file.text_of(f))
        .filter(|t| t.len() <= 40)
        .map_or_else(
            || "anonymous function".to_string(),
            |t| format!("{}(…)", compact(t)),
        )
}

/// `(req, res)`, `(request, reply)` or a first parameter typed as a
/// framework request.
fn js_handler_signature(file: &SourceFile, function: Node<'_>) -> bool {
    let (names, first_type) = js_params(file, function);
    let request_type = [
        "FastifyRequest",
        "NextApiRequest",
        "NextRequest",
        "express.Request",
    ]
    .iter()
    .any(|t| first_type.contains(t));
    let pair = names.len() >= 2
        && matches!(names[0].as_str(), "req" | "request" | "_req")
        && matches!(names[1].as_str(), "res" | "reply" | "response" | "_res");
    request_type || pair
}

/// A function handed to a route registration, a Fastify hook or a Fastify
/// route's `handler:` option.
fn js_registration_callback(
    file: &SourceFile,
    function: Node<'_>,
    ancestors: &[Node<'_>],
) -> Option<(String, HandlerKind)> {
    let n = ancestors.len();
    let parent = *ancestors.last()?;
    let (call, via_option) = match parent.kind() {
        "arguments" => (*ancestors.get(n.checked_sub(2)?)?, false),
        "pair" => {
            let key = parent.child_by_field_name("key").map(|k| file.text_of(k))?;
            if !matches!(key, "handler" | "preHandler" | "onRequest") {
                return None;
            }
            let object = ancestors.get(n.checked_sub(2)?)?;
            let arguments = ancestors.get(n.checked_sub(3)?)?;
            if object.kind() != "object" || arguments.kind() != "arguments" {
                return None;
            }
            (*ancestors.get(n.checked_sub(4)?)?, true)
        }
        _ => return None,
    };
    if call.kind() != "call_expression" {
        return None;
    }
    let callee = call.child_by_field_name("function")?;
    if callee.kind() != "member_expression" {
        return None;
    }
    let verb = file.text_of(callee.child_by_field_name("property")?);
    let arguments = call.child_by_field_name("arguments")?;
    let first = arguments.named_child(0);
    let path = first
        .filter(|a| matches!(a.kind(), "string" | "template_string"))
        .map(|a| file.text_of(a));
    let shown = |verb: &str| {
        let object = callee
            .child_by_field_name("object")
            .map_or("", |o| file.text_of(o));
        let object = if object.len() > 40 { "…" } else { object };
        match path {
            Some(path) => format!("{object}.{verb}({path}, …)"),
            None => format!("{object}.{verb}(…)"),
        }
    };
    if verb == "addHook" {
        let hook = path?.trim_matches(['"', '\'', '`']);
        return FASTIFY_REQUEST_HOOKS
            .contains(&hook)
            .then(|| (shown(verb), HandlerKind::Middleware));
    }
    if via_option {
        return (verb == "route" || JS_ROUTE_VERBS.contains(&verb))
            .then(|| (shown(verb), HandlerKind::Route));
    }
    if !JS_ROUTE_VERBS.contains(&verb) {
        return None;
    }
    let (names, _) = js_params(file, function);
    let request_param = names
        .first()
        .is_some_and(|n| JS_REQUEST_NAMES.contains(&n.as_str()));
    let kind = if verb == "use" {
        HandlerKind::Middleware
    } else {
        HandlerKind::Route
    };
    let registered =
        request_param || (path.is_some() && verb != "use") || on_route_chain(file, callee);
    registered.then(|| (shown(verb), kind))
}

/// True when the function is exported where it is declared.
fn js_exported(ancestors: &[Node<'_>]) -> bool {
    let mut iter = ancestors.iter().rev();
    match iter.next().map(Node::kind) {
        Some("export_statement") => true,
        Some("variable_declarator") => {
            iter.next()
                .is_some_and(|d| d.kind() == "lexical_declaration")
                && iter.next().is_some_and(|e| e.kind() == "export_statement")
        }
        _ => false,
    }
}

fn rust_enclosing_call<'t>(ancestors: &[Node<'t>]) -> Option<Node<'t>> {
    let n = ancestors.len();
    let parent = ancestors.last()?;
    if parent.kind() != "arguments" {
        return None;
    }
    ancestors
        .get(n.checked_sub(2)?)
        .copied()
        .filter(|c| c.kind() == "call_expression")
}

/// The last segment of a Rust call's function: `get`, `to`, `connect`.
fn rust_call_name(file: &SourceFile, call: Node<'_>) -> Option<String> {
    let function = call.child_by_field_name("function")?;
    let text = match function.kind() {
        "field_expression" => file.text_of(function.child_by_field_name("field")?),
        "identifier" | "scoped_identifier" => file.text_of(function),
        "generic_function" => file.text_of(function.child_by_field_name("function")?),
        _ => return None,
    };
    Some(text.rsplit("::").next().unwrap_or(text).trim().to_string())
}

fn rust_route_attribute(file: &SourceFile, item: Node<'_>) -> bool {
    let mut cursor = item.walk();
    let found = item.named_children(&mut cursor).any(|attribute| {
        if attribute.kind() != "attribute" {
            return false;
        }
        let Some(path) = attribute.named_child(0) else {
            return false;
        };
        let path = compact(file.text_of(path));
        let last = path.rsplit("::").next().unwrap_or(&path);
        RUST_ROUTE_ATTRIBUTES.contains(&last) || path == "utoipa::path"
    });
    found
}

/// The base name of a Rust type: `State<PgPool>` → `State`,
/// `web::Data<Pool>` → `Data`, `&HttpRequest` → `HttpRequest`.
fn rust_type_name<'f>(file: &'f SourceFile, mut ty: Node<'_>) -> Option<&'f str> {
    for _ in 0..4 {
        match ty.kind() {
            "reference_type" | "generic_type" => ty = ty.child_by_field_name("type")?,
            "scoped_type_identifier" => ty = ty.child_by_field_name("name")?,
            "type_identifier" => return Some(file.text_of(ty)),
            _ => return None,
        }
    }
    None
}

fn rust_takes_extractor(file: &SourceFile, function: Node<'_>) -> bool {
    let Some(parameters) = function.child_by_field_name("parameters") else {
        return false;
    };
    let mut cursor = parameters.walk();
    // Extractors are taken by value: `path: &Path` is `std::path::Path`.
    let found = parameters.named_children(&mut cursor).any(|parameter| {
        parameter
            .child_by_field_name("type")
            .filter(|ty| ty.kind() != "reference_type")
            .and_then(|ty| rust_type_name(file, ty))
            .is_some_and(|name| RUST_EXTRACTORS.contains(&name))
    });
    found
}

/// Which plain functions of a file run inside a request, through calls by
/// plain name: a handler calls `remember`, which calls `_bump`. Rules record
/// the calls they walk past and ask once the file is read.
#[derive(Debug, Clone, Default)]
pub struct HelperCalls {
    /// Function name → the first handler that calls it (described).
    from_handlers: HashMap<String, String>,
    /// Plain function name → the plain functions it calls.
    from_helpers: HashMap<String, Vec<String>>,
}

impl HelperCalls {
    /// Records a call of `callee` made in a handler, described as
    /// [`Handler::describe`] says.
    pub fn handler_calls(&mut self, handler: String, callee: &str) {
        self.from_handlers
            .entry(callee.to_string())
            .or_insert(handler);
    }

    /// Records a call of `callee` made in the plain function `caller`.
    pub fn helper_calls(&mut self, caller: &str, callee: &str) {
        let callees = self.from_helpers.entry(caller.to_string()).or_default();
        if !callees.iter().any(|c| c == callee) {
            callees.push(callee.to_string());
        }
    }

    /// Every function a handler reaches, with how, for messages:
    /// ``which route handler `x` calls`` or
    /// ``which `load` calls, which route handler `x` calls``. Breadth-first,
    /// so each function is named by its shortest chain.
    #[must_use]
    pub fn reached(&self) -> HashMap<String, String> {
        let mut reached: HashMap<String, String> = self
            .from_handlers
            .iter()
            .map(|(function, handler)| (function.clone(), format!("which {handler} calls")))
            .collect();
        let mut first: Vec<String> = reached.keys().cloned().collect();
        first.sort();
        let mut queue: std::collections::VecDeque<String> = first.into();
        while let Some(caller) = queue.pop_front() {
            let Some(callees) = self.from_helpers.get(&caller) else {
                continue;
            };
            let how = reached.get(&caller).cloned().unwrap_or_default();
            for callee in callees {
                if !reached.contains_key(callee) {
                    reached.insert(callee.clone(), format!("which `{caller}` calls, {how}"));
                    queue.push_back(callee.clone());
                }
            }
        }
        reached
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use redflag_syntax::FileKind;

    /// Every handler of a snippet, as `kind name` strings in source order.
    fn handlers(path: &str, kind: FileKind, code: &str) -> Vec<String> {
        let file = SourceFile::new(path.to_string(), kind, code.to_string(), None);
        let language = kind.language().unwrap();
        let index = HandlerIndex::new(&file);
        let tree = file.tree().unwrap();
        let mut found = Vec::new();
        let mut cursor = tree.walk();
        let mut ancestors: Vec<Node<'_>> = Vec::new();
        loop {
            let node = cursor.node();
            if is_function(language, node.kind()) {
                if let Some(handler) = index.handler(&file, node, &ancestors) {
                    found.push(handler.describe());
                }
            }
            if cursor.goto_first_child() {
                ancestors.push(node);
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return found;
                }
                ancestors.pop();
            }
        }
    }

    #[test]
    fn python_routes_views_dependencies_and_hooks() {
        let code = r#"
from fastapi import APIRouter, Depends

router = APIRouter()

def get_db():
    yield None

def helper(x):
    return x

@router.get("/users")
async def list_users(db=Depends(get_db)):
    return helper(db)

@app.before_request
def open_db():
    pass

@app.on_event("startup")
async def startup():
    pass

class UserList(APIView):
    def get(self, request):
        return None

    def _serialize(self, user):
        return user

class Settings(BaseSettings):
    def get(self, key):
        return key
"#;
        assert_eq!(
            handlers("app/api.py", FileKind::Python, code),
            [
                "FastAPI dependency `get_db`",
                "route handler `list_users`",
                "request middleware `open_db`",
                "view `UserList.get`",
            ]
        );
    }

    #[test]
    fn django_function_views_only_in_views_modules() {
        let code =
            "def index(request):\n    return None\n\ndef _helper(value):\n    return value\n";
        assert_eq!(
            handlers("shop/views.py", FileKind::Python, code),
            ["view `index`"]
        );
        assert!(handlers("shop/utils.py", FileKind::Python, code).is_empty());
    }

    #[test]
    fn aiohttp_handlers_by_signature_and_registration() {
        let code = "from aiohttp import web\n\nasync def health(request):\n    return web.json_response({})\n\ndef status(req):\n    return None\n\napp.router.add_get('/status', status)\n";
        assert_eq!(
            handlers("svc/server.py", FileKind::Python, code),
            ["route handler `health`", "route handler `status`"]
        );
    }

    #[test]
    fn express_fastify_hono_and_nest() {
        let code = r#"
import express from "express";
const router = express.Router();

async function listUsers(req, res) { res.json([]); }
function formatUser(user) { return user; }
async function show(request, reply) { return {}; }

router.get("/users", listUsers);
router.get("/users/:id", async (req, res) => res.json(formatUser(req.user)));
app.use((req, res, next) => next());
app.get("/hono", (c) => c.json({}));
fastify.addHook("onRequest", async (request, reply) => {});
fastify.addHook("onClose", async (instance) => {});
fastify.route({ method: "GET", url: "/x", handler: async (request, reply) => ({}) });
[1, 2].map((x) => x * 2);

@Controller("users")
export class UsersController {
  @Get(":id")
  async findOne(@Param("id") id: string) { return id; }

  private helper() { return 1; }
}

class OrdersController {
  async list(req: Request, res: Response) { res.json([]); }
  toJSON() { return {}; }
}
"#;
        assert_eq!(
            handlers("src/users.ts", FileKind::TypeScript, code),
            [
                "route handler `listUsers`",
                "route handler `show`",
                "route handler `router.get(\"/users/:id\", …)`",
                "request middleware `app.use(…)`",
                "route handler `app.get(\"/hono\", …)`",
                "request middleware `fastify.addHook(\"onRequest\", …)`",
                "route handler `fastify.route(…)`",
                "route handler `UsersController.findOne`",
                "route handler `OrdersController.list`",
            ]
        );
    }

    #[test]
    fn next_route_files_pages_api_and_server_actions() {
        let route = "export async function GET(request: Request) { return Response.json([]); }\nfunction load() { return 1; }\n";
        assert_eq!(
            handlers("app/api/users/route.ts", FileKind::TypeScript, route),
            ["route handler `GET`"]
        );
        assert!(handlers("src/lib/route-helpers.ts", FileKind::TypeScript, route).is_empty());
        let pages = "async function handler(req, res) { res.json([]); }\nexport default withAuth(handler);\n";
        assert_eq!(
            handlers("pages/api/users.ts", FileKind::TypeScript, pages),
            ["route handler `handler`"]
        );
        let action = "\"use server\";\n\nexport async function createPost(form: FormData) { return form; }\nasync function local() {}\n";
        assert_eq!(
            handlers("app/actions.ts", FileKind::TypeScript, action),
            ["server action `createPost`"]
        );
    }

    #[test]
    fn rust_attributes_extractors_and_registrations() {
        let code = r#"
#[get("/users")]
async fn list(pool: web::Data<PgPool>) -> impl Responder { HttpResponse::Ok() }

async fn create(State(pool): State<PgPool>, Json(body): Json<NewUser>) -> StatusCode { StatusCode::CREATED }

async fn health() -> &'static str { "ok" }

async fn load(pool: &PgPool) -> Vec<User> { vec![] }

fn app() -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/x", post(|| async { "x" }))
}
"#;
        assert_eq!(
            handlers("src/api.rs", FileKind::Rust, code),
            [
                "route handler `list`",
                "route handler `create`",
                "route handler `health`",
                "route handler `post(|…| …)`",
            ]
        );
    }

    #[test]
    fn enclosing_looks_through_callbacks() {
        let code = "@app.get('/x')\nasync def h():\n    def inner():\n        return connect()\n    return inner()\n";
        let file = SourceFile::new("app/x.py".into(), FileKind::Python, code.into(), None);
        let tree = file.tree().unwrap();
        let offset = code.find("connect()").unwrap();
        let node = tree
            .root_node()
            .descendant_for_byte_range(offset, offset + 9)
            .unwrap();
        let mut ancestors = Vec::new();
        let mut current = node.parent();
        while let Some(parent) = current {
            ancestors.push(parent);
            current = parent.parent();
        }
        ancestors.reverse();
        let handler = enclosing_handler(&file, &ancestors).unwrap();
        assert_eq!(handler.describe(), "route handler `h`");
    }
}
