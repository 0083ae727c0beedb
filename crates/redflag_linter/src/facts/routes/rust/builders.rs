//! Builder chains, read one function at a time: Axum's
//! `Router::new().route(…).nest(…).layer(…)`, Actix's `App::new()`,
//! `web::scope(…)` and `cfg: &mut web::ServiceConfig`, Rocket's
//! `rocket::build().mount(…)` and `routes![…]`.
//!
//! Routers are followed through the function's `let` bindings, so
//! `let v1 = Router::new()…; Router::new().nest("/v1", v1)` mounts the
//! router built above. Routers get synthetic names (`<router:12>`,
//! `<scope:30>`, `<app:41>`, `<rocket:8>`); when the function is done,
//! the router it returns or serves (or its only top-level router) takes
//! the function's name, because that is how other files mount it
//! (`.nest("/api", api::routes())`). Application roots (`App::new()`,
//! `rocket::build()`) keep their synthetic names.

use std::collections::{HashMap, HashSet};

use redflag_syntax::tree_sitter::Node;

use super::handler::{HandlerInfo, Handlers};
use super::{
    arguments, arguments_of, callee, compact, last_segment, line_of, marker_text, path_text, strip,
    target_of_path, unroll, unwrap_value, Chain, FileIndex, Link, MAX_NESTING,
};
use crate::facts::service::{
    Framework, MiddlewareFact, MountFact, RouteFact, RouterDecl, ServiceFacts, Target,
};
use crate::source::SourceFile;

/// Axum's method-router constructors and `MethodRouter` methods.
const AXUM_METHODS: &[&str] = &[
    "get", "post", "put", "delete", "patch", "head", "options", "trace", "connect",
];

/// Records the routers built in one function.
pub(super) fn collect<'a>(
    file: &'a SourceFile,
    index: &'a FileIndex<'a>,
    handlers: &mut Handlers<'a>,
    function: Node<'a>,
    out: &mut ServiceFacts,
) {
    let Some(body) = function.child_by_field_name("body") else {
        return;
    };
    let name = function
        .child_by_field_name("name")
        .map_or("", |n| file.text_of(n))
        .to_string();
    let mut builder = Builder {
        file,
        index,
        handlers,
        out,
        fn_name: name,
        vars: HashMap::new(),
        values: HashMap::new(),
        routers: Vec::new(),
        returned: HashSet::new(),
        links: HashSet::new(),
    };
    builder.service_config(function);
    builder.mark_tail(body);
    builder.walk(function, body);
    builder.finish();
}

/// A router built in the function being read. Its flags are independent
/// facts gathered while the function is walked.
#[allow(clippy::struct_excessive_bools)]
struct Local {
    /// Its index in `out.routers`.
    decl: usize,
    framework: Framework,
    /// Routes registered on it so far, as indices in `out.routes`.
    routes: Vec<usize>,
    /// Mounts on it so far, as indices in `out.mounts`.
    mounts: Vec<usize>,
    /// May take the function's name (not an application root, not already
    /// named after the function).
    renamable: bool,
    /// Mounted into another router of the function.
    child: bool,
    returned: bool,
    served: bool,
}

/// How a chain starts.
enum Root<'a> {
    /// A new router: framework, synthetic-name kind, prefix, application
    /// root.
    New(Framework, &'static str, String, bool),
    /// A router already bound in the function.
    Existing(usize),
    /// `routes![a, b]`.
    RoutesMacro(Node<'a>),
    /// A call to a function of this file that returns an Axum router.
    RouterFunction(String),
}

struct Builder<'a, 'f> {
    file: &'a SourceFile,
    index: &'a FileIndex<'a>,
    handlers: &'f mut Handlers<'a>,
    out: &'f mut ServiceFacts,
    fn_name: String,
    /// Local names bound to routers.
    vars: HashMap<String, usize>,
    /// Other local bindings, for middleware and served values written as
    /// a variable (`let cors = CorsLayer::permissive(); … .layer(cors)`).
    values: HashMap<String, Node<'a>>,
    routers: Vec<Local>,
    /// Ids of the expressions the function returns.
    returned: HashSet<usize>,
    /// Ids of calls that are inner links of a chain already seen.
    links: HashSet<usize>,
}

impl<'a> Builder<'a, '_> {
    /// `fn config(cfg: &mut web::ServiceConfig)`: the parameter is a
    /// router named after the function.
    fn service_config(&mut self, function: Node<'a>) {
        let Some(parameters) = function.child_by_field_name("parameters") else {
            return;
        };
        let mut cursor = parameters.walk();
        let params: Vec<Node<'a>> = parameters.named_children(&mut cursor).collect();
        for parameter in params {
            let (Some(pattern), Some(ty)) = (
                parameter.child_by_field_name("pattern"),
                parameter.child_by_field_name("type"),
            ) else {
                continue;
            };
            if !self.file.text_of(ty).contains("ServiceConfig") || pattern.kind() != "identifier" {
                continue;
            }
            let location = function.child_by_field_name("name").unwrap_or(function);
            let decl = self.out.routers.len();
            self.out.routers.push(RouterDecl {
                framework: Framework::ActixWeb,
                name: self.fn_name.clone(),
                default_export: false,
                is_app: false,
                prefix: String::new(),
                markers: Vec::new(),
                location: self.file.location(location.byte_range()),
            });
            let local = self.push_local(decl, Framework::ActixWeb, false);
            self.vars
                .insert(self.file.text_of(pattern).to_string(), local);
        }
    }

    /// Notes the function body's tail expression as returned.
    fn mark_tail(&mut self, body: Node<'a>) {
        let mut cursor = body.walk();
        let last = body
            .named_children(&mut cursor)
            .filter(|c| !matches!(c.kind(), "line_comment" | "block_comment"))
            .last();
        if let Some(tail) = last {
            let is_statement = tail.kind().ends_with("_statement")
                || tail.kind().ends_with("_declaration")
                || tail.kind().ends_with("_item");
            if !is_statement {
                self.mark_returned(tail);
            }
        }
    }

    fn mark_returned(&mut self, node: Node<'a>) {
        self.returned.insert(node.id());
        self.returned.insert(unwrap_value(self.file, node).id());
    }

    fn is_returned(&self, node: Node<'a>) -> bool {
        self.returned.contains(&node.id())
            || self.returned.contains(&unwrap_value(self.file, node).id())
    }

    /// Walks the function body in source order; nested functions are read
    /// on their own.
    fn walk(&mut self, function: Node<'a>, body: Node<'a>) {
        let mut cursor = body.walk();
        loop {
            let node = cursor.node();
            let descend = match node.kind() {
                "function_item" => node.id() == function.id(),
                "return_expression" => {
                    if let Some(value) = node.named_child(0) {
                        self.mark_returned(value);
                    }
                    true
                }
                "let_declaration" => !self.binding(node),
                "assignment_expression" => !self.assignment(node),
                "call_expression" if !self.links.contains(&node.id()) => {
                    // Inner links are read with their chain's outermost
                    // call, which comes first in source order.
                    let chain = unroll(self.file, node);
                    self.links.extend(chain.links.iter().map(|l| l.call.id()));
                    if !chain.links.is_empty() {
                        self.links.insert(chain.root.id());
                    }
                    !(self.serve(node) || self.router_expr(node, 0).is_some())
                }
                "macro_invocation" if self.is_returned(node) => self.router_expr(node, 0).is_none(),
                "identifier" => {
                    if self.is_returned(node) {
                        if let Some(&local) = self.vars.get(self.file.text_of(node)) {
                            self.routers[local].returned = true;
                        }
                    }
                    false
                }
                _ => true,
            };
            if descend && cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.node().id() == body.id() {
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

    /// `let app = Router::new()…;` binds a router; other bindings are
    /// remembered as values. True when the value was read as a router.
    fn binding(&mut self, node: Node<'a>) -> bool {
        let Some(value) = node.child_by_field_name("value") else {
            return false;
        };
        let name = node
            .child_by_field_name("pattern")
            .filter(|p| p.kind() == "identifier")
            .map(|p| self.file.text_of(p).to_string());
        if let Some(local) = self.router_expr(value, 0) {
            if let Some(name) = name {
                self.values.remove(&name);
                self.vars.insert(name, local);
            }
            return true;
        }
        if let Some(name) = name {
            self.vars.remove(&name);
            self.values.insert(name, value);
        }
        false
    }

    /// `app = app.route(…)`.
    fn assignment(&mut self, node: Node<'a>) -> bool {
        let (Some(left), Some(right)) = (
            node.child_by_field_name("left"),
            node.child_by_field_name("right"),
        ) else {
            return false;
        };
        let Some(local) = self.router_expr(right, 0) else {
            return false;
        };
        if left.kind() == "identifier" {
            self.vars.insert(self.file.text_of(left).to_string(), local);
        }
        true
    }

    /// `axum::serve(listener, app)`, `Server::bind(&addr).serve(app
    /// .into_make_service())`: marks the served router. True when the call
    /// was one.
    fn serve(&mut self, node: Node<'a>) -> bool {
        let chain = unroll(self.file, node);
        let root_callee = callee(self.file, chain.root).unwrap_or_default();
        let served = if last_segment(&root_callee) == "serve" {
            let resolved = self.file.imports().resolve(&root_callee);
            let args = arguments_of(chain.root);
            (resolved.contains("axum") && args.len() == 2)
                .then(|| args.get(1).copied())
                .flatten()
        } else if root_callee.contains("bind") {
            chain
                .links
                .iter()
                .find(|l| l.name == "serve")
                .and_then(|l| l.arg(0))
        } else {
            None
        };
        let Some(served) = served else {
            return false;
        };
        let mut value = unwrap_value(self.file, served);
        if value.kind() == "identifier" {
            let name = self.file.text_of(value);
            if let Some(&local) = self.vars.get(name) {
                self.routers[local].served = true;
                return true;
            }
            match self.values.get(name) {
                Some(&bound) => value = unwrap_value(self.file, bound),
                None => return true,
            }
        }
        if let Some(local) = self.router_expr(value, 0) {
            self.routers[local].served = true;
            return true;
        }
        // A router built by another function: `axum::serve(listener,
        // app(state))` serves a router of this function that mounts it.
        let chain = unroll(self.file, value);
        let path = match chain.root.kind() {
            "call_expression" => callee(self.file, chain.root),
            "identifier" | "scoped_identifier" => Some(compact(self.file.text_of(chain.root))),
            _ => None,
        };
        if let Some(path) = path {
            let local = self.new_router(Framework::Axum, "router", value, String::new(), false);
            self.routers[local].served = true;
            let markers = self.layer_markers(&chain.links);
            let target = target_of_path(self.file, self.index, &path);
            self.push_mount(local, String::new(), target, markers, value);
        }
        true
    }

    /// How a chain starts, when it is a router.
    fn classify_root(&self, root: Node<'a>) -> Option<Root<'a>> {
        match root.kind() {
            "identifier" => self
                .vars
                .get(self.file.text_of(root))
                .map(|&local| Root::Existing(local)),
            "macro_invocation" => {
                let name = root
                    .child_by_field_name("macro")
                    .map_or("", |m| last_segment(self.file.text_of(m)));
                (self.index.rocket && name == "routes").then_some(Root::RoutesMacro(root))
            }
            "call_expression" => {
                let path = callee(self.file, root)?;
                let resolved = self.file.imports().resolve(&path);
                let args = arguments_of(root);
                let tail2 = tail_segments(&path);
                if self.index.axum && matches!(tail2, "Router::new" | "ApiRouter::new") {
                    return Some(Root::New(Framework::Axum, "router", String::new(), false));
                }
                if self.index.actix && tail2 == "App::new" && args.is_empty() {
                    return Some(Root::New(Framework::ActixWeb, "app", String::new(), true));
                }
                if self.index.actix && (resolved.ends_with("web::scope") || tail2 == "Scope::new") {
                    let prefix = args
                        .first()
                        .map(|a| path_text(self.file, self.index, *a))
                        .unwrap_or_default();
                    return Some(Root::New(Framework::ActixWeb, "scope", prefix, false));
                }
                if self.index.rocket
                    && matches!(
                        tail2,
                        "rocket::build" | "rocket::custom" | "Rocket::build" | "Rocket::custom"
                    )
                {
                    return Some(Root::New(Framework::Rocket, "rocket", String::new(), true));
                }
                if self.index.axum && !path.contains("::") {
                    let returns_router = self
                        .index
                        .function(&path)
                        .and_then(|f| f.child_by_field_name("return_type"))
                        .is_some_and(|t| self.file.text_of(t).contains("Router"));
                    if returns_router && path != self.fn_name {
                        return Some(Root::RouterFunction(path));
                    }
                }
                None
            }
            _ => None,
        }
    }

    /// Reads a router expression: creates or finds the router its chain
    /// starts from and applies the chain's calls. `None` when the
    /// expression is not a router.
    fn router_expr(&mut self, node: Node<'a>, depth: usize) -> Option<usize> {
        if depth > MAX_NESTING {
            return None;
        }
        let node = strip(node);
        let chain = unroll(self.file, node);
        let root = self.classify_root(chain.root)?;
        let local = match root {
            Root::Existing(local) => local,
            Root::New(framework, kind, prefix, is_app) => {
                self.new_router(framework, kind, chain.root, prefix, is_app)
            }
            Root::RoutesMacro(invocation) => {
                let local = self.new_router(
                    Framework::Rocket,
                    "routes",
                    invocation,
                    String::new(),
                    false,
                );
                self.mount_routes_macro(local, "", invocation);
                local
            }
            Root::RouterFunction(name) => {
                let local =
                    self.new_router(Framework::Axum, "router", chain.root, String::new(), false);
                let target = target_of_path(self.file, self.index, &name);
                self.push_mount(local, String::new(), target, Vec::new(), chain.root);
                local
            }
        };
        match self.routers[local].framework {
            Framework::ActixWeb => self.actix_links(local, &chain, depth),
            Framework::Rocket => self.rocket_links(local, &chain, depth),
            _ => self.axum_links(local, &chain, depth),
        }
        if self.is_returned(node) {
            self.routers[local].returned = true;
        }
        Some(local)
    }

    fn new_router(
        &mut self,
        framework: Framework,
        kind: &str,
        node: Node<'a>,
        prefix: String,
        is_app: bool,
    ) -> usize {
        let line = line_of(self.file, node);
        let mut name = format!("<{kind}:{line}>");
        if self.out.routers.iter().any(|r| r.name == name) {
            let column = self.file.position(node.start_byte()).column;
            name = format!("<{kind}:{line}:{column}>");
        }
        let decl = self.out.routers.len();
        self.out.routers.push(RouterDecl {
            framework,
            name,
            default_export: false,
            is_app,
            prefix,
            markers: Vec::new(),
            location: self.file.location(node.byte_range()),
        });
        self.push_local(decl, framework, !is_app)
    }

    fn push_local(&mut self, decl: usize, framework: Framework, renamable: bool) -> usize {
        self.routers.push(Local {
            decl,
            framework,
            routes: Vec::new(),
            mounts: Vec::new(),
            renamable,
            child: false,
            returned: false,
            served: false,
        });
        self.routers.len() - 1
    }

    fn name_of(&self, local: usize) -> String {
        self.out.routers[self.routers[local].decl].name.clone()
    }

    // ---- Axum -----------------------------------------------------------

    fn axum_links(&mut self, local: usize, chain: &Chain<'a>, depth: usize) {
        for link in &chain.links {
            match link.name {
                "route" | "api_route" => {
                    let (Some(path), Some(method_router)) = (link.arg(0), link.arg(1)) else {
                        continue;
                    };
                    let path = path_text(self.file, self.index, path);
                    for entry in self.method_router(method_router) {
                        self.push_route(local, Framework::Axum, path.clone(), entry, link);
                    }
                }
                "route_service" => {
                    let Some(path) = link.arg(0) else { continue };
                    let path = path_text(self.file, self.index, path);
                    let entry = Entry::any(Vec::new());
                    self.push_route(local, Framework::Axum, path, entry, link);
                }
                "nest" => {
                    if let (Some(prefix), Some(child)) = (link.arg(0), link.arg(1)) {
                        let prefix = path_text(self.file, self.index, prefix);
                        self.mount(local, prefix, child, link, depth);
                    }
                }
                "merge" => {
                    if let Some(child) = link.arg(0) {
                        self.mount(local, String::new(), child, link, depth);
                    }
                }
                "layer" | "route_layer" => {
                    let Some(layer) = link.arg(0) else { continue };
                    let layers = self.layers(layer);
                    if link.name == "layer" {
                        let router = self.name_of(local);
                        for name in &layers {
                            self.out.middleware.push(MiddlewareFact {
                                framework: Framework::Axum,
                                router: router.clone(),
                                name: name.clone(),
                                location: self.file.location(layer.byte_range()),
                            });
                        }
                    }
                    // A layer applies to what the router holds so far.
                    for &route in &self.routers[local].routes {
                        self.out.routes[route]
                            .markers
                            .extend(layers.iter().cloned());
                    }
                    for &mount in &self.routers[local].mounts {
                        self.out.mounts[mount]
                            .markers
                            .extend(layers.iter().cloned());
                    }
                }
                _ => {}
            }
        }
    }

    /// The routes of an Axum method router: `get(list).post(create)`,
    /// `get(h).layer(x)`, `on(MethodFilter::GET, h)`, `any(h)`.
    fn method_router(&mut self, node: Node<'a>) -> Vec<Entry<'a>> {
        let chain = unroll(self.file, node);
        let mut entries: Vec<Entry<'a>> = Vec::new();
        let Some(root_callee) = callee(self.file, chain.root) else {
            return entries;
        };
        let root_args = arguments_of(chain.root);
        match self.method_entry(last_segment(&root_callee), &root_args) {
            Some(entry) => entries.push(entry),
            None => return entries,
        }
        for link in &chain.links {
            if matches!(link.name, "layer" | "route_layer") {
                let Some(layer) = link.arg(0) else { continue };
                let layers = self.layers(layer);
                for entry in &mut entries {
                    entry.markers.extend(layers.iter().cloned());
                }
            } else if let Some(entry) = self.method_entry(link.name, &arguments(link.args)) {
                entries.push(entry);
            }
        }
        entries
    }

    /// One method-router call: `get(h)`, `post_service(s)`, `any(h)`,
    /// `on(filter, h)`, aide's `get_with(h, docs)`.
    fn method_entry(&mut self, name: &str, args: &[Node<'a>]) -> Option<Entry<'a>> {
        let base = name
            .strip_suffix("_service")
            .or_else(|| name.strip_suffix("_with"))
            .unwrap_or(name);
        let service = name.ends_with("_service");
        let (methods, handler) = match base {
            "any" => (vec!["ANY".to_string()], args.first().copied()),
            "on" => {
                let filter = args.first().map_or("", |f| self.file.text_of(*f));
                let methods = AXUM_METHODS
                    .iter()
                    .map(|m| m.to_ascii_uppercase())
                    .filter(|m| filter.split(|c: char| !c.is_alphanumeric()).any(|w| w == m))
                    .collect();
                (methods, args.get(1).copied())
            }
            m if AXUM_METHODS.contains(&m) => (vec![m.to_ascii_uppercase()], args.first().copied()),
            _ => return None,
        };
        let mut entry = Entry {
            methods,
            handler: None,
            closure: None,
            markers: Vec::new(),
        };
        if !service {
            if let Some(handler) = handler {
                self.read_handler(handler, &mut entry);
            }
        }
        Some(entry)
    }

    /// A handler argument: a name, a path, a closure, or `h.layer(x)`.
    fn read_handler(&mut self, node: Node<'a>, entry: &mut Entry<'a>) {
        let chain = unroll(self.file, node);
        for link in &chain.links {
            if matches!(link.name, "layer" | "route_layer") {
                if let Some(layer) = link.arg(0) {
                    let layers = self.layers(layer);
                    entry.markers.extend(layers);
                }
            }
        }
        match chain.root.kind() {
            "identifier" | "scoped_identifier" => {
                entry.handler = Some(compact(self.file.text_of(chain.root)));
            }
            "generic_function" => {
                if let Some(function) = chain.root.child_by_field_name("function") {
                    entry.handler = Some(compact(self.file.text_of(function)));
                }
            }
            "closure_expression" => entry.closure = Some(chain.root),
            _ => {}
        }
    }

    /// A layer's middleware, as written: the layers of a `ServiceBuilder`
    /// one by one, a variable by the value it was bound to.
    fn layers(&self, node: Node<'a>) -> Vec<String> {
        let node = self.resolve_value(node);
        let chain = unroll(self.file, node);
        let is_builder = callee(self.file, chain.root)
            .is_some_and(|p| tail_segments(&p) == "ServiceBuilder::new");
        if !is_builder {
            return vec![marker_text(self.file.text_of(node))];
        }
        chain
            .links
            .iter()
            .filter(|l| l.name != "into_inner" && l.name != "service")
            .filter_map(|link| match link.name {
                "layer" | "option_layer" => link
                    .arg(0)
                    .map(|a| marker_text(self.file.text_of(self.resolve_value(a)))),
                _ => Some(marker_text(&format!(
                    "{}{}",
                    link.name,
                    self.file.text_of(link.args)
                ))),
            })
            .collect()
    }

    /// Layer markers on a mounted chain: `api::routes().route_layer(x)`.
    fn layer_markers(&self, links: &[Link<'a>]) -> Vec<String> {
        links
            .iter()
            .filter(|l| matches!(l.name, "layer" | "route_layer" | "wrap"))
            .filter_map(|l| l.arg(0))
            .flat_map(|a| self.layers(a))
            .collect()
    }

    /// A variable by the value it was bound to in this function.
    fn resolve_value(&self, node: Node<'a>) -> Node<'a> {
        if node.kind() == "identifier" {
            if let Some(&value) = self.values.get(self.file.text_of(node)) {
                return value;
            }
        }
        node
    }

    // ---- Actix-web ------------------------------------------------------

    fn actix_links(&mut self, local: usize, chain: &Chain<'a>, depth: usize) {
        for link in &chain.links {
            match link.name {
                "service" => {
                    if let Some(service) = link.arg(0) {
                        self.actix_service(local, service, link, depth);
                    }
                }
                "route" => {
                    let (Some(path), Some(route)) = (link.arg(0), link.arg(1)) else {
                        continue;
                    };
                    let path = path_text(self.file, self.index, path);
                    if let Some(entry) = self.actix_route(route) {
                        self.push_route(local, Framework::ActixWeb, path, entry, link);
                    }
                }
                "wrap" | "wrap_fn" => {
                    let Some(middleware) = link.arg(0) else {
                        continue;
                    };
                    let name = marker_text(self.file.text_of(self.resolve_value(middleware)));
                    self.out.middleware.push(MiddlewareFact {
                        framework: Framework::ActixWeb,
                        router: self.name_of(local),
                        name,
                        location: self.file.location(middleware.byte_range()),
                    });
                }
                "configure" => {
                    if let Some(config) = link.arg(0) {
                        self.mount(local, String::new(), config, link, depth);
                    }
                }
                _ => {}
            }
        }
    }

    /// `.service(x)`: a scope, a resource, a handler or a router built
    /// elsewhere.
    fn actix_service(&mut self, local: usize, service: Node<'a>, link: &Link<'a>, depth: usize) {
        let service = strip(service);
        let chain = unroll(self.file, service);
        let root_callee = callee(self.file, chain.root).unwrap_or_default();
        let resolved = self.file.imports().resolve(&root_callee);
        if resolved.ends_with("web::resource") || tail_segments(&root_callee) == "Resource::new" {
            self.actix_resource(local, &chain, link);
            return;
        }
        // Service objects (`Files::new(…)`, `SwaggerUi::new(…)`) are not
        // routers of the project.
        let constructor = matches!(last_segment(&root_callee), "new" | "default" | "build");
        if constructor
            && !resolved.ends_with("web::scope")
            && tail_segments(&root_callee) != "Scope::new"
        {
            return;
        }
        self.mount(local, String::new(), service, link, depth);
    }

    /// `web::resource("/p").route(web::get().to(h)).wrap(m)`: routes of
    /// the enclosing router.
    fn actix_resource(&mut self, local: usize, chain: &Chain<'a>, link: &Link<'a>) {
        let Some(path) = arguments_of(chain.root).first().copied() else {
            return;
        };
        let path = path_text(self.file, self.index, path);
        let mut entries = Vec::new();
        let mut markers = Vec::new();
        for resource_link in &chain.links {
            match resource_link.name {
                "route" => {
                    if let Some(entry) = resource_link.arg(0).and_then(|r| self.actix_route(r)) {
                        entries.push(entry);
                    }
                }
                "to" => {
                    let mut entry = Entry::any(Vec::new());
                    if let Some(handler) = resource_link.arg(0) {
                        self.read_handler(handler, &mut entry);
                    }
                    entries.push(entry);
                }
                "wrap" | "guard" => {
                    if let Some(marker) = resource_link.arg(0) {
                        markers.push(marker_text(self.file.text_of(self.resolve_value(marker))));
                    }
                }
                _ => {}
            }
        }
        for mut entry in entries {
            entry.markers.extend(markers.iter().cloned());
            self.push_route(local, Framework::ActixWeb, path.clone(), entry, link);
        }
    }

    /// `web::get().to(h)`, `web::route().guard(…).to(h)`,
    /// `web::method(Method::POST).to(h)`.
    fn actix_route(&mut self, node: Node<'a>) -> Option<Entry<'a>> {
        let chain = unroll(self.file, node);
        let root = callee(self.file, chain.root)?;
        let method = last_segment(&root);
        let mut entry = Entry::any(Vec::new());
        if AXUM_METHODS.contains(&method) {
            entry.methods = vec![method.to_ascii_uppercase()];
        } else if method == "method" {
            let written = arguments_of(chain.root)
                .first()
                .map_or("", |a| self.file.text_of(*a));
            entry.methods = vec![last_segment(written).to_ascii_uppercase()];
        } else if method != "route" {
            return None;
        }
        for link in &chain.links {
            match link.name {
                "to" => {
                    if let Some(handler) = link.arg(0) {
                        self.read_handler(handler, &mut entry);
                    }
                }
                "method" => {
                    if let Some(m) = link.arg(0) {
                        let m = last_segment(self.file.text_of(m)).to_ascii_uppercase();
                        entry.methods = vec![m];
                    }
                }
                "guard" | "wrap" => {
                    if let Some(marker) = link.arg(0) {
                        entry
                            .markers
                            .push(marker_text(self.file.text_of(self.resolve_value(marker))));
                    }
                }
                _ => {}
            }
        }
        Some(entry)
    }

    // ---- Rocket ---------------------------------------------------------

    fn rocket_links(&mut self, local: usize, chain: &Chain<'a>, depth: usize) {
        for link in &chain.links {
            match link.name {
                "mount" => {
                    let (Some(prefix), Some(routes)) = (link.arg(0), link.arg(1)) else {
                        continue;
                    };
                    let prefix = path_text(self.file, self.index, prefix);
                    let routes = strip(routes);
                    if routes.kind() == "macro_invocation" {
                        self.mount_routes_macro(local, &prefix, routes);
                    } else {
                        self.mount(local, prefix, routes, link, depth);
                    }
                }
                "attach" => {
                    let Some(fairing) = link.arg(0) else { continue };
                    let name = marker_text(self.file.text_of(self.resolve_value(fairing)));
                    self.out.middleware.push(MiddlewareFact {
                        framework: Framework::Rocket,
                        router: self.name_of(local),
                        name,
                        location: self.file.location(fairing.byte_range()),
                    });
                }
                _ => {}
            }
        }
    }

    /// `routes![a, b, users::list]`: one mount per handler. The macro body
    /// is a flat token tree; its items are the comma-separated paths.
    fn mount_routes_macro(&mut self, local: usize, prefix: &str, invocation: Node<'a>) {
        let Some(tokens) = invocation
            .named_children(&mut invocation.walk())
            .find(|c| c.kind() == "token_tree")
        else {
            return;
        };
        let text = self.file.text_of(tokens);
        let inner = text
            .get(1..text.len().saturating_sub(1))
            .unwrap_or_default();
        for item in inner.split(',') {
            let item = compact(item);
            let is_path = !item.is_empty()
                && item
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == ':');
            if !is_path {
                continue;
            }
            let target = target_of_path(self.file, self.index, &item);
            self.push_mount(local, prefix.to_string(), target, Vec::new(), invocation);
        }
    }

    // ---- Shared ---------------------------------------------------------

    /// Mounts `child` on `local` under `prefix`: a router of this function,
    /// a function of this file or a name from another module.
    fn mount(
        &mut self,
        local: usize,
        prefix: String,
        child: Node<'a>,
        link: &Link<'a>,
        depth: usize,
    ) {
        let child = strip(child);
        let chain = unroll(self.file, child);
        let root = self.classify_root(chain.root);
        let (target, markers) =
            if let Some(Root::New(..) | Root::Existing(_) | Root::RoutesMacro(_)) = root {
                let Some(inner) = self.router_expr(child, depth + 1) else {
                    return;
                };
                if inner == local {
                    return;
                }
                self.routers[inner].child = true;
                (Target::Local(self.name_of(inner)), Vec::new())
            } else {
                let markers = self.layer_markers(&chain.links);
                let root = self.resolve_value(chain.root);
                let path = match root.kind() {
                    "call_expression" => callee(self.file, root),
                    "identifier" | "scoped_identifier" => Some(compact(self.file.text_of(root))),
                    _ => None,
                };
                let Some(path) = path else { return };
                (target_of_path(self.file, self.index, &path), markers)
            };
        let location = link_range(link);
        self.push_mount_at(local, prefix, target, markers, location);
    }

    fn push_mount(
        &mut self,
        local: usize,
        prefix: String,
        child: Target,
        markers: Vec<String>,
        node: Node<'a>,
    ) {
        self.push_mount_at(local, prefix, child, markers, node.byte_range());
    }

    fn push_mount_at(
        &mut self,
        local: usize,
        prefix: String,
        child: Target,
        markers: Vec<String>,
        range: std::ops::Range<usize>,
    ) {
        let index = self.out.mounts.len();
        self.out.mounts.push(MountFact {
            framework: self.routers[local].framework,
            parent: self.name_of(local),
            prefix,
            child,
            markers,
            location: self.file.location(range),
        });
        self.routers[local].mounts.push(index);
    }

    fn push_route(
        &mut self,
        local: usize,
        framework: Framework,
        path: String,
        entry: Entry<'a>,
        link: &Link<'a>,
    ) {
        let info = match (&entry.handler, entry.closure) {
            (_, Some(closure)) => self.handlers.of_closure(closure),
            (Some(name), None) if !name.contains("::") => self.handlers.of_name(name),
            _ => HandlerInfo::default(),
        };
        let mut markers = entry.markers;
        markers.extend(info.markers);
        let index = self.out.routes.len();
        self.out.routes.push(RouteFact {
            framework,
            router: Some(self.name_of(local)),
            methods: entry.methods,
            path,
            handler: entry.handler,
            markers,
            status: info.status,
            params: info.params,
            collection_reads: info.reads,
            location: self.file.location(link_range(link)),
        });
        self.routers[local].routes.push(index);
    }

    /// Names the function's main router after the function and marks
    /// served routers (and the main one of `main`) as applications.
    fn finish(&mut self) {
        let candidates: Vec<usize> = (0..self.routers.len())
            .filter(|&l| self.routers[l].renamable && !self.routers[l].child)
            .collect();
        let primary = candidates
            .iter()
            .copied()
            .find(|&l| self.routers[l].returned)
            .or_else(|| candidates.iter().copied().find(|&l| self.routers[l].served))
            .or_else(|| (candidates.len() == 1).then(|| candidates[0]));
        for local in 0..self.routers.len() {
            let is_primary = primary == Some(local);
            let decl = self.routers[local].decl;
            if self.routers[local].served || (is_primary && self.fn_name == "main") {
                self.out.routers[decl].is_app = true;
            }
        }
        let Some(primary) = primary else { return };
        if self.fn_name.is_empty() {
            return;
        }
        let old = self.name_of(primary);
        let new = self.fn_name.clone();
        let decl = self.routers[primary].decl;
        self.out.routers[decl].name.clone_from(&new);
        for route in &mut self.out.routes {
            if route.router.as_deref() == Some(old.as_str()) {
                route.router = Some(new.clone());
            }
        }
        for mount in &mut self.out.mounts {
            if mount.parent == old {
                mount.parent.clone_from(&new);
            }
            if mount.child == Target::Local(old.clone()) {
                mount.child = Target::Local(new.clone());
            }
        }
        for middleware in &mut self.out.middleware {
            if middleware.router == old {
                middleware.router.clone_from(&new);
            }
        }
    }
}

/// A route being read: its methods, handler and markers.
struct Entry<'a> {
    methods: Vec<String>,
    handler: Option<String>,
    closure: Option<Node<'a>>,
    markers: Vec<String>,
}

impl Entry<'_> {
    fn any(markers: Vec<String>) -> Self {
        Entry {
            methods: vec!["ANY".to_string()],
            handler: None,
            closure: None,
            markers,
        }
    }
}

/// The last two segments of a path (`axum::Router::new` → `Router::new`).
fn tail_segments(path: &str) -> &str {
    match path.rfind("::") {
        Some(last) => match path[..last].rfind("::") {
            Some(previous) => &path[previous + 2..],
            None => path,
        },
        None => path,
    }
}

/// From a chain call's method name to the end of its arguments:
/// `route("/users", get(list))`.
fn link_range(link: &Link<'_>) -> std::ops::Range<usize> {
    link.field.start_byte()..link.args.end_byte()
}
