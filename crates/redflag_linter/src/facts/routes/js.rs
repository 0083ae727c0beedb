//! Routes of Express, Fastify, NestJS, Koa-router and Hono services.
//!
//! One walk gathers the nodes that can say something about routing
//! (declarations, calls, exports, functions, classes); the extractor then
//! declares the routers the file creates (`express()`, `Router()`,
//! `fastify()`, `new Koa()`, `new Router({ prefix })`, `new Hono()`,
//! `NestFactory.create`), the functions that register routes on a router
//! they are handed (Fastify plugins, `module.exports = (app) => …`), and
//! reads every call whose receiver resolves to one of them — or to a name
//! that looks like a router when the router comes from another file. Calls
//! on anything else (`axios.get`, `map.get`, `cache.get`) are never routes.
//! Nest controllers are read from their decorators in `nest`, handler
//! bodies in `handler`, service-wide signals (CORS, sessions, OpenAPI,
//! health libraries) in `signals`.

mod handler;
mod nest;
mod signals;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use redflag_syntax::tree_sitter::{Node, Tree};
use redflag_syntax::Language;

use crate::facts::service::{
    Framework, MiddlewareFact, MountFact, RouteFact, RouterDecl, ServiceFacts, Signal, Target,
};
use crate::semantics::name_path;
use crate::source::SourceFile;

use super::{compact, marker_text};

/// Longest call chain or wrapper nesting followed; real code stays far
/// below, hostile input stops here.
const MAX_CHAIN: usize = 64;
/// How far up a parent walk goes looking for an enclosing function.
const MAX_PARENT_WALK: usize = 64;

/// Methods that return the router they were called on, so a chain
/// (`new Hono().basePath('/api').get(…)`, `router.get(…).post(…)`) stays on
/// it.
const CHAIN_METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "del", "options", "head", "all", "use", "route", "on",
    "basePath", "register", "param", "prefix", "addHook", "decorate", "after",
];

/// First parameters that are requests, responses or contexts, never a
/// router handed to a plugin.
const NOT_ROUTER_PARAMS: &[&str] = &[
    "req", "res", "request", "reply", "response", "ctx", "c", "context", "next", "err", "error",
    "e", "_",
];

/// Fastify hooks that run before or around a route's handler.
const FASTIFY_HOOKS: &[&str] = &[
    "onRequest",
    "preParsing",
    "preValidation",
    "preHandler",
    "preSerialization",
    "onSend",
    "onResponse",
    "onTimeout",
    "onError",
];

/// Where a local name was imported from.
#[derive(Debug, Clone)]
struct Origin {
    module: String,
    /// The exported name; `None` for a default import, a namespace import
    /// or a whole `require`.
    export: Option<String>,
}

/// A router of this file while the file is read.
#[derive(Debug, Clone)]
struct Decl {
    name: String,
    framework: Framework,
    is_app: bool,
    prefix: String,
    markers: Vec<String>,
    default_export: bool,
    range: Range<usize>,
    /// A function that receives a router as its first parameter; it is a
    /// router only once something is registered on that parameter.
    candidate: bool,
    used: bool,
}

/// A local name that stands for a router inside a byte range.
#[derive(Debug, Clone)]
struct Binding {
    scope: Range<usize>,
    decl: usize,
}

/// What a call's receiver turned out to be.
#[derive(Debug, Clone)]
struct Receiver {
    /// The declaration, when the router is declared in this file.
    decl: Option<usize>,
    name: String,
    framework: Framework,
    /// Express `router.route('/p')`: the path the chained methods answer.
    route_path: Option<String>,
}

/// The nodes of a file that routing can be read from, gathered in one
/// iterative walk.
#[derive(Default)]
struct Nodes<'t> {
    calls: Vec<Node<'t>>,
    declarators: Vec<Node<'t>>,
    assignments: Vec<Node<'t>>,
    exports: Vec<Node<'t>>,
    functions: Vec<Node<'t>>,
    classes: Vec<Node<'t>>,
    fields: Vec<Node<'t>>,
    pairs: Vec<Node<'t>>,
    imports: Vec<Node<'t>>,
    returns: Vec<Node<'t>>,
}

impl<'t> Nodes<'t> {
    fn gather(tree: &'t Tree) -> Nodes<'t> {
        let mut nodes = Nodes::default();
        let mut cursor = tree.walk();
        loop {
            let node = cursor.node();
            match node.kind() {
                "call_expression" => nodes.calls.push(node),
                "variable_declarator" => nodes.declarators.push(node),
                "assignment_expression" => nodes.assignments.push(node),
                "export_statement" => nodes.exports.push(node),
                "function_declaration"
                | "generator_function_declaration"
                | "function_expression"
                | "function"
                | "arrow_function" => nodes.functions.push(node),
                "class_declaration" | "abstract_class_declaration" | "class" => {
                    nodes.classes.push(node);
                }
                "public_field_definition" | "field_definition" => nodes.fields.push(node),
                "pair" => nodes.pairs.push(node),
                "import_statement" => nodes.imports.push(node),
                "return_statement" => nodes.returns.push(node),
                _ => {}
            }
            if cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return nodes;
                }
            }
        }
    }
}

/// Fills `out` with the routers, routes, mounts, middleware and signals of
/// one JavaScript/TypeScript file.
pub(super) fn collect(file: &SourceFile, language: Language, out: &mut ServiceFacts) {
    let Some(tree) = file.tree() else {
        return;
    };
    let nodes = Nodes::gather(tree);
    let mut x = Extractor::new(file, language, &nodes);
    x.declare_routers();
    x.declare_functions();
    x.read_exports();
    for &call in &nodes.calls {
        x.call(call);
    }
    nest::controllers(&mut x);
    signals::providers(&mut x);
    x.finish(out);
}

struct Extractor<'a, 't> {
    file: &'a SourceFile,
    language: Language,
    nodes: &'a Nodes<'t>,
    imports: HashMap<String, Origin>,
    /// The framework a router of unknown origin most likely belongs to.
    context: Framework,
    decls: Vec<Decl>,
    bindings: HashMap<String, Vec<Binding>>,
    /// Constructor expressions (`new Hono()`) → their declaration, for
    /// chains that start at the constructor.
    roots: HashMap<usize, usize>,
    /// Function nodes that are router candidates → their declaration.
    candidate_of: HashMap<usize, usize>,
    /// Named candidate functions → their declaration.
    candidate_names: HashMap<String, usize>,
    /// Same-file handler functions by name (`list`, `usersController.list`).
    functions: HashMap<String, Node<'t>>,
    /// Names declared in this file with a value that is not a router.
    plain_locals: HashSet<String>,
    routes: Vec<RouteFact>,
    mounts: Vec<MountFact>,
    middleware: Vec<MiddlewareFact>,
    signals: Vec<Signal>,
}

impl<'a, 't> Extractor<'a, 't> {
    fn new(file: &'a SourceFile, language: Language, nodes: &'a Nodes<'t>) -> Self {
        let mut x = Extractor {
            file,
            language,
            nodes,
            imports: HashMap::new(),
            context: Framework::Express,
            decls: Vec::new(),
            bindings: HashMap::new(),
            roots: HashMap::new(),
            candidate_of: HashMap::new(),
            candidate_names: HashMap::new(),
            functions: HashMap::new(),
            plain_locals: HashSet::new(),
            routes: Vec::new(),
            mounts: Vec::new(),
            middleware: Vec::new(),
            signals: Vec::new(),
        };
        x.read_imports();
        x.context = x.guess_context();
        x
    }

    fn text(&self, node: Node<'_>) -> &'a str {
        self.file.text_of(node)
    }

    // ----- imports -------------------------------------------------------

    /// `import x from 'm'`, `import { a as b } from 'm'`, `import * as x`,
    /// `import x = require('m')`, `const x = require('m')`,
    /// `const { a } = require('m')`, `const x = require('m').a`,
    /// `const x = await import('m')`.
    fn read_imports(&mut self) {
        for &statement in &self.nodes.imports {
            self.import_statement(statement);
        }
        for &declarator in &self.nodes.declarators {
            self.require_declarator(declarator);
        }
    }

    fn import_statement(&mut self, node: Node<'t>) {
        let mut cursor = node.walk();
        let children: Vec<Node<'t>> = node.named_children(&mut cursor).collect();
        let Some(source) = node.child_by_field_name("source") else {
            for child in children {
                if child.kind() == "import_require_clause" {
                    let name = child.named_child(0).map(|n| self.text(n)).unwrap_or("");
                    if let Some(module) = child.child_by_field_name("source") {
                        let module = module_name(self.text(module));
                        self.bind_import(name, module, None);
                    }
                }
            }
            return;
        };
        let module = module_name(self.text(source));
        for clause in children.into_iter().filter(|c| c.kind() == "import_clause") {
            let mut inner = clause.walk();
            let parts: Vec<Node<'t>> = clause.named_children(&mut inner).collect();
            for part in parts {
                match part.kind() {
                    "identifier" => self.bind_import(self.text(part), module.clone(), None),
                    "namespace_import" => {
                        if let Some(name) = part.named_child(0) {
                            self.bind_import(self.text(name), module.clone(), None);
                        }
                    }
                    "named_imports" => {
                        let mut specs = part.walk();
                        let specs: Vec<Node<'t>> = part.named_children(&mut specs).collect();
                        for spec in specs {
                            let Some(name) = spec.child_by_field_name("name") else {
                                continue;
                            };
                            let imported = self.text(name).trim_matches(['"', '\'']);
                            let local = spec
                                .child_by_field_name("alias")
                                .map_or(imported, |a| self.text(a));
                            let export = (imported != "default").then(|| imported.to_string());
                            self.bind_import(local, module.clone(), export);
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    fn require_declarator(&mut self, node: Node<'t>) {
        let (Some(name), Some(value)) = (
            node.child_by_field_name("name"),
            node.child_by_field_name("value"),
        ) else {
            return;
        };
        let value = unwrap(value);
        // `require('m').router`
        let (call, member) = if value.kind() == "member_expression" {
            match (
                value.child_by_field_name("object"),
                value.child_by_field_name("property"),
            ) {
                (Some(object), Some(property)) => (unwrap(object), Some(self.text(property))),
                _ => return,
            }
        } else {
            (value, None)
        };
        let Some(module) = self.required_module(call) else {
            return;
        };
        match name.kind() {
            "identifier" => {
                let export = member.filter(|m| *m != "default").map(str::to_string);
                self.bind_import(self.text(name), module, export);
            }
            "object_pattern" if member.is_none() => {
                let mut cursor = name.walk();
                let props: Vec<Node<'t>> = name.named_children(&mut cursor).collect();
                for prop in props {
                    match prop.kind() {
                        "shorthand_property_identifier_pattern" => {
                            let imported = self.text(prop);
                            self.bind_import(imported, module.clone(), Some(imported.to_string()));
                        }
                        "pair_pattern" => {
                            let (Some(key), Some(local)) = (
                                prop.child_by_field_name("key"),
                                prop.child_by_field_name("value"),
                            ) else {
                                continue;
                            };
                            let imported = self.text(key);
                            let export = (imported != "default").then(|| imported.to_string());
                            self.bind_import(self.text(local), module.clone(), export);
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    /// `require('m')` or `import('m')` → `m`.
    fn required_module(&self, node: Node<'_>) -> Option<String> {
        let node = unwrap(node);
        if node.kind() != "call_expression" {
            return None;
        }
        let function = node.child_by_field_name("function")?;
        if !matches!(self.text(function), "require" | "import") {
            return None;
        }
        let first = call_args(node).into_iter().next()?;
        matches!(first.kind(), "string" | "template_string").then(|| module_name(self.text(first)))
    }

    fn bind_import(&mut self, local: &str, module: String, export: Option<String>) {
        if !local.is_empty() && !module.is_empty() {
            self.imports
                .insert(local.to_string(), Origin { module, export });
        }
    }

    /// The framework the file's imports name; Nest first, since Nest
    /// services import Express types too.
    fn guess_context(&self) -> Framework {
        let found: HashSet<Framework> = self
            .imports
            .values()
            .filter_map(|o| framework_of_module(&o.module))
            .collect();
        [
            Framework::NestJs,
            Framework::Fastify,
            Framework::Hono,
            Framework::Koa,
            Framework::Express,
        ]
        .into_iter()
        .find(|f| found.contains(f))
        .or_else(|| {
            // No framework import (a JS plugin typed in JSDoc, a file that
            // is handed its app): the framework the text names.
            let text = &self.file.text;
            [
                ("@nestjs", Framework::NestJs),
                ("fastify", Framework::Fastify),
                ("hono", Framework::Hono),
                ("koa", Framework::Koa),
            ]
            .into_iter()
            .find(|(word, _)| text.contains(word))
            .map(|(_, framework)| framework)
        })
        .unwrap_or(Framework::Express)
    }

    fn origin(&self, name: &str) -> Option<&Origin> {
        self.imports.get(name)
    }

    /// The module a callee's first name was imported from.
    fn module_of(&self, node: Node<'_>) -> Option<&str> {
        let path = name_path(self.file, self.language, unwrap(node))?;
        let head = path.split('.').next().unwrap_or("");
        self.origin(head).map(|o| o.module.as_str())
    }

    // ----- routers -------------------------------------------------------

    fn declare_routers(&mut self) {
        for &declarator in &self.nodes.declarators {
            let (Some(name), Some(value)) = (
                declarator.child_by_field_name("name"),
                declarator.child_by_field_name("value"),
            ) else {
                continue;
            };
            if name.kind() != "identifier" {
                continue;
            }
            let local = self.text(name).to_string();
            if !self.declare(&local, value, declarator) {
                self.plain_locals.insert(local);
            }
        }
        for &assignment in &self.nodes.assignments {
            let (Some(left), Some(right)) = (
                assignment.child_by_field_name("left"),
                assignment.child_by_field_name("right"),
            ) else {
                continue;
            };
            let local = match left.kind() {
                "identifier" => self.text(left).to_string(),
                "member_expression" if self.is_this_member(left) => compact(self.text(left)),
                _ => continue,
            };
            self.declare(&local, right, assignment);
        }
        for &field in &self.nodes.fields {
            let (Some(name), Some(value)) = (
                field
                    .child_by_field_name("name")
                    .or_else(|| field.child_by_field_name("property")),
                field.child_by_field_name("value"),
            ) else {
                continue;
            };
            let local = format!("this.{}", self.text(name));
            self.declare(&local, value, field);
        }
    }

    /// Declares `local` as a router when `value` builds one; true if it did.
    fn declare(&mut self, local: &str, value: Node<'t>, at: Node<'t>) -> bool {
        let Some((root, framework, is_app, prefix)) = self.constructor_chain(value) else {
            return false;
        };
        if self.roots.contains_key(&root.id()) {
            return true;
        }
        let (scope, function) = self.scope_of(at);
        // A router built inside a function that returns it is known by the
        // function's name: that is what other files import and mount.
        let name = function
            .filter(|f| self.returns_name(*f, local))
            .and_then(|f| self.function_name(f))
            .unwrap_or_else(|| local.to_string());
        let decl = self.push_decl(Decl {
            name,
            framework,
            is_app,
            prefix,
            markers: Vec::new(),
            default_export: false,
            range: at.byte_range(),
            candidate: false,
            used: true,
        });
        if framework == Framework::NestJs {
            signals::nest_factory_options(self, root);
        }
        self.roots.insert(root.id(), decl);
        self.bind(local, scope, decl);
        true
    }

    fn push_decl(&mut self, decl: Decl) -> usize {
        self.decls.push(decl);
        self.decls.len() - 1
    }

    fn bind(&mut self, local: &str, scope: Range<usize>, decl: usize) {
        self.bindings
            .entry(local.to_string())
            .or_default()
            .push(Binding { scope, decl });
    }

    /// The innermost router bound to `local` at byte `at`.
    fn lookup(&self, local: &str, at: usize) -> Option<usize> {
        self.bindings
            .get(local)?
            .iter()
            .filter(|b| b.scope.contains(&at))
            .min_by_key(|b| b.scope.len())
            .map(|b| b.decl)
    }

    /// The scope a declaration at `node` is visible in: its enclosing
    /// function, or the whole file.
    fn scope_of(&self, node: Node<'t>) -> (Range<usize>, Option<Node<'t>>) {
        let mut current = node.parent();
        for _ in 0..MAX_PARENT_WALK {
            let Some(parent) = current else { break };
            if is_function(parent) || parent.kind() == "method_definition" {
                return (parent.byte_range(), Some(parent));
            }
            if parent.kind() == "class_body" {
                return (parent.byte_range(), None);
            }
            current = parent.parent();
        }
        (0..self.file.text.len(), None)
    }

    fn returns_name(&self, function: Node<'_>, local: &str) -> bool {
        let range = function.byte_range();
        self.nodes.returns.iter().any(|r| {
            range.contains(&r.start_byte())
                && r.named_child(0).is_some_and(|v| {
                    unwrap(v).kind() == "identifier" && self.text(unwrap(v)) == local
                })
        })
    }

    /// A function's own name, or the variable or property it is assigned to.
    fn function_name(&self, function: Node<'_>) -> Option<String> {
        if let Some(name) = function.child_by_field_name("name") {
            return Some(self.text(name).to_string());
        }
        let mut parent = function.parent()?;
        // `const users = fp(async (app) => …)`
        if parent.kind() == "arguments" {
            parent = parent.parent()?.parent()?;
        }
        match parent.kind() {
            "variable_declarator" => parent
                .child_by_field_name("name")
                .filter(|n| n.kind() == "identifier")
                .map(|n| self.text(n).to_string()),
            "pair" => parent
                .child_by_field_name("key")
                .map(|n| self.text(n).to_string()),
            _ => None,
        }
    }

    fn is_this_member(&self, node: Node<'_>) -> bool {
        node.kind() == "member_expression"
            && node
                .child_by_field_name("object")
                .is_some_and(|o| o.kind() == "this")
    }

    /// Follows a value down its call chain to a router constructor:
    /// `new Hono().basePath('/api')`, `await NestFactory.create(AppModule)`.
    /// Returns the constructor node, framework, whether it is an app, and
    /// the prefix.
    fn constructor_chain(&self, value: Node<'t>) -> Option<(Node<'t>, Framework, bool, String)> {
        let mut node = unwrap(value);
        let mut prefix = String::new();
        for _ in 0..MAX_CHAIN {
            if let Some((framework, is_app, own_prefix)) = self.constructor(node) {
                let prefix = if prefix.is_empty() {
                    own_prefix
                } else {
                    prefix
                };
                return Some((node, framework, is_app, prefix));
            }
            if node.kind() != "call_expression" {
                return None;
            }
            let function = node.child_by_field_name("function")?;
            if function.kind() != "member_expression" {
                return None;
            }
            let method = self.text(function.child_by_field_name("property")?);
            if !CHAIN_METHODS.contains(&method) {
                return None;
            }
            if method == "basePath" && prefix.is_empty() {
                if let Some(path) = call_args(node).first().and_then(|a| self.path_text(*a)) {
                    prefix = path;
                }
            }
            node = unwrap(function.child_by_field_name("object")?);
        }
        None
    }

    /// A router constructor: its framework, whether it is an app, and the
    /// prefix it declares.
    fn constructor(&self, node: Node<'t>) -> Option<(Framework, bool, String)> {
        match node.kind() {
            "call_expression" => {
                let function = unwrap(node.child_by_field_name("function")?);
                if let Some(module) = self.required_module(function) {
                    // `require('express')()`, `require('koa-router')()`
                    return match framework_of_module(&module)? {
                        Framework::Express if module == "express" => {
                            Some((Framework::Express, true, String::new()))
                        }
                        Framework::Fastify if module == "fastify" => {
                            Some((Framework::Fastify, true, String::new()))
                        }
                        Framework::Koa if is_koa_router_module(&module) => {
                            Some((Framework::Koa, false, self.options_prefix(node)))
                        }
                        _ => None,
                    };
                }
                match function.kind() {
                    "identifier" => self.called_constructor(self.text(function), node),
                    "member_expression" => {
                        let object = unwrap(function.child_by_field_name("object")?);
                        let property = self.text(function.child_by_field_name("property")?);
                        let object_module = self.required_module(object).or_else(|| {
                            (object.kind() == "identifier")
                                .then(|| self.origin(self.text(object)).map(|o| o.module.clone()))
                                .flatten()
                        });
                        let object_name = self.text(object);
                        match property {
                            "Router"
                                if object_module.as_deref() == Some("express")
                                    || (object_module.is_none() && object_name == "express") =>
                            {
                                Some((Framework::Express, false, String::new()))
                            }
                            "create"
                                if object_name == "NestFactory"
                                    || object_module.as_deref() == Some("@nestjs/core") =>
                            {
                                Some((Framework::NestJs, true, String::new()))
                            }
                            _ => None,
                        }
                    }
                    _ => None,
                }
            }
            "new_expression" => {
                let constructor = unwrap(node.child_by_field_name("constructor")?);
                let name = self.text(constructor);
                let origin = self.origin(name);
                let module = origin.map(|o| o.module.as_str());
                let exported = origin.and_then(|o| o.export.as_deref()).unwrap_or(name);
                match (module, exported) {
                    (Some("koa"), _) | (None, "Koa") => Some((Framework::Koa, true, String::new())),
                    (Some(m), _) if is_koa_router_module(m) => {
                        Some((Framework::Koa, false, self.options_prefix(node)))
                    }
                    (None, "Router") if self.context == Framework::Koa => {
                        Some((Framework::Koa, false, self.options_prefix(node)))
                    }
                    (Some(m), "Hono" | "OpenAPIHono")
                        if framework_of_module(m) == Some(Framework::Hono) =>
                    {
                        Some((Framework::Hono, false, String::new()))
                    }
                    (None, "Hono" | "OpenAPIHono") => Some((Framework::Hono, false, String::new())),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// `express()`, `Router()`, `fastify({...})`, `Fastify()`.
    fn called_constructor(&self, name: &str, call: Node<'t>) -> Option<(Framework, bool, String)> {
        let origin = self.origin(name);
        let module = origin.map(|o| o.module.as_str());
        let export = origin.and_then(|o| o.export.as_deref());
        match (module, export) {
            (Some("express"), None) => Some((Framework::Express, true, String::new())),
            (Some("express"), Some("Router")) => Some((Framework::Express, false, String::new())),
            (Some("fastify"), None | Some("fastify" | "default")) => {
                Some((Framework::Fastify, true, String::new()))
            }
            (Some(m), _) if is_koa_router_module(m) => {
                Some((Framework::Koa, false, self.options_prefix(call)))
            }
            (None, _) => match name {
                "express" => Some((Framework::Express, true, String::new())),
                "Router" if self.context == Framework::Express => {
                    Some((Framework::Express, false, String::new()))
                }
                "fastify" | "Fastify" => Some((Framework::Fastify, true, String::new())),
                _ => None,
            },
            _ => None,
        }
    }

    /// The `prefix` option of `new Router({ prefix: '/users' })`.
    fn options_prefix(&self, call: Node<'_>) -> String {
        call_args(call)
            .first()
            .and_then(|o| self.object_value(*o, "prefix"))
            .and_then(|v| self.path_text(v))
            .unwrap_or_default()
    }

    // ----- functions that receive a router -------------------------------

    /// Functions whose first parameter may be a router (Fastify plugins,
    /// `module.exports = (app) => { app.get(…) }`), and same-file handler
    /// functions by name.
    fn declare_functions(&mut self) {
        for &function in &self.nodes.functions {
            if let Some(name) = self.function_name(function) {
                self.functions.entry(name.clone()).or_insert(function);
                if let Some(owner) = self.object_owner(function) {
                    self.functions
                        .entry(format!("{owner}.{name}"))
                        .or_insert(function);
                }
            }
            let Some((param, type_text)) = self.first_param(function) else {
                continue;
            };
            if NOT_ROUTER_PARAMS.contains(&param.as_str()) {
                continue;
            }
            // Fastify's own docs and generators name the instance `fastify`.
            let framework = framework_of_type(type_text.as_deref())
                .or_else(|| (param == "fastify").then_some(Framework::Fastify))
                .unwrap_or(self.context);
            let line = self.file.position(function.start_byte()).line;
            let name = self.function_name(function).unwrap_or_else(|| {
                if framework == Framework::Fastify {
                    format!("<plugin:{line}>")
                } else {
                    format!("<function:{line}>")
                }
            });
            let header_end = function
                .child_by_field_name("body")
                .map_or(function.end_byte(), |b| b.start_byte());
            let decl = self.push_decl(Decl {
                name: name.clone(),
                framework,
                is_app: false,
                prefix: String::new(),
                markers: Vec::new(),
                default_export: false,
                range: function.start_byte()..header_end.max(function.start_byte()),
                candidate: true,
                used: false,
            });
            self.candidate_of.insert(function.id(), decl);
            self.candidate_names.entry(name).or_insert(decl);
            self.bind(&param, function.byte_range(), decl);
        }
        // Exported handler functions: `exports.list = async (req, res) => …`.
        for &assignment in &self.nodes.assignments {
            let (Some(left), Some(right)) = (
                assignment.child_by_field_name("left"),
                assignment.child_by_field_name("right"),
            ) else {
                continue;
            };
            if left.kind() == "member_expression" && is_function(unwrap(right)) {
                if let Some(property) = left.child_by_field_name("property") {
                    self.functions
                        .entry(self.text(property).to_string())
                        .or_insert(unwrap(right));
                }
            }
        }
        // `const list = asyncHandler(async (req, res) => …)`
        for &declarator in &self.nodes.declarators {
            let (Some(name), Some(value)) = (
                declarator.child_by_field_name("name"),
                declarator.child_by_field_name("value"),
            ) else {
                continue;
            };
            if name.kind() == "identifier" && unwrap(value).kind() == "call_expression" {
                let (_, function, _) = self.handler_info(value);
                if let Some(function) = function {
                    self.functions
                        .entry(self.text(name).to_string())
                        .or_insert(function);
                }
            }
        }
        self.mark_used_candidates();
    }

    /// `const usersController = { list(req, res) {…} }` → `usersController`.
    fn object_owner(&self, function: Node<'_>) -> Option<String> {
        let holder = if function.kind() == "method_definition" {
            function
        } else {
            function.parent().filter(|p| p.kind() == "pair")?
        };
        let object = holder.parent().filter(|p| p.kind() == "object")?;
        let declarator = object
            .parent()
            .filter(|p| p.kind() == "variable_declarator")?;
        let name = declarator.child_by_field_name("name")?;
        (name.kind() == "identifier").then(|| self.text(name).to_string())
    }

    /// A function's first parameter name and its type annotation.
    fn first_param(&self, function: Node<'_>) -> Option<(String, Option<String>)> {
        if let Some(single) = function.child_by_field_name("parameter") {
            return (single.kind() == "identifier").then(|| (self.text(single).to_string(), None));
        }
        let parameters = function.child_by_field_name("parameters")?;
        let mut cursor = parameters.walk();
        let first = parameters
            .named_children(&mut cursor)
            .find(|c| c.kind() != "comment")?;
        match first.kind() {
            "identifier" => Some((self.text(first).to_string(), None)),
            "required_parameter" | "optional_parameter" => {
                let pattern = first.child_by_field_name("pattern")?;
                if pattern.kind() != "identifier" {
                    return None;
                }
                let type_text = first
                    .child_by_field_name("type")
                    .map(|t| self.text(t).to_string());
                Some((self.text(pattern).to_string(), type_text))
            }
            _ => None,
        }
    }

    /// A candidate is a router once a route, mount or hook is registered on
    /// its parameter (`fastify.get('/x', …)`, `app.register(…)`).
    fn mark_used_candidates(&mut self) {
        for &call in &self.nodes.calls {
            let Some(function) = call.child_by_field_name("function") else {
                continue;
            };
            if function.kind() != "member_expression" {
                continue;
            }
            let (Some(object), Some(property)) = (
                function.child_by_field_name("object"),
                function.child_by_field_name("property"),
            ) else {
                continue;
            };
            if object.kind() != "identifier" {
                continue;
            }
            let method = self.text(property);
            let args = call_args(call);
            let registers = match method {
                "route" | "register" | "addHook" => !args.is_empty(),
                "use" => args.len() >= 2 || self.looks_like_path(args.first().copied()),
                _ => {
                    http_method(method, Framework::Koa).is_some()
                        && args.len() >= 2
                        && self.looks_like_path(args.first().copied())
                }
            };
            if !registers {
                continue;
            }
            if let Some(decl) = self.lookup(self.text(object), call.start_byte()) {
                if self.decls[decl].candidate {
                    self.decls[decl].used = true;
                }
            }
        }
    }

    fn looks_like_path(&self, node: Option<Node<'_>>) -> bool {
        node.and_then(|n| self.path_text(n))
            .is_some_and(|p| p.is_empty() || p.starts_with(['/', '*', '$']))
    }

    // ----- exports -------------------------------------------------------

    fn read_exports(&mut self) {
        for &statement in &self.nodes.exports {
            let mut cursor = statement.walk();
            let children: Vec<Node<'t>> = statement.children(&mut cursor).collect();
            let is_default = children.iter().any(|c| matches!(c.kind(), "default" | "="));
            if is_default {
                let value = statement
                    .child_by_field_name("value")
                    .or_else(|| statement.child_by_field_name("declaration"))
                    .or_else(|| {
                        children
                            .iter()
                            .copied()
                            .rfind(|c| c.is_named() && c.kind() != "decorator")
                    });
                if let Some(value) = value {
                    self.mark_default(value);
                }
                continue;
            }
            // `export { router as default }`
            for clause in children.iter().filter(|c| c.kind() == "export_clause") {
                let mut inner = clause.walk();
                let specs: Vec<Node<'t>> = clause.named_children(&mut inner).collect();
                for spec in specs {
                    let alias = spec.child_by_field_name("alias").map(|a| self.text(a));
                    if alias == Some("default") {
                        if let Some(name) = spec.child_by_field_name("name") {
                            self.mark_default(name);
                        }
                    }
                }
            }
        }
        for &assignment in &self.nodes.assignments {
            let (Some(left), Some(right)) = (
                assignment.child_by_field_name("left"),
                assignment.child_by_field_name("right"),
            ) else {
                continue;
            };
            if compact(self.text(left)) == "module.exports" {
                self.mark_default(right);
            }
        }
    }

    /// Marks what a default import of this module gets.
    fn mark_default(&mut self, value: Node<'t>) {
        let mut node = unwrap(value);
        for _ in 0..MAX_CHAIN {
            match node.kind() {
                "identifier" => {
                    let name = self.text(node);
                    let decl = self
                        .lookup(name, node.start_byte())
                        .filter(|d| !self.decls[*d].candidate)
                        .or_else(|| self.candidate_names.get(name).copied());
                    if let Some(decl) = decl {
                        self.decls[decl].default_export = true;
                    }
                    return;
                }
                kind if is_function(node) || kind == "function_declaration" => {
                    if let Some(&decl) = self.candidate_of.get(&node.id()) {
                        self.decls[decl].default_export = true;
                    }
                    return;
                }
                "call_expression" | "new_expression" => {
                    if let Some((root, framework, is_app, prefix)) = self.constructor_chain(node) {
                        let decl = self.root_decl(root, framework, is_app, prefix);
                        self.decls[decl].default_export = true;
                        return;
                    }
                    // `fp(plugin)`, `fp(async (app) => …)`: the wrapped
                    // plugin is what the import gets.
                    match call_args(node).first() {
                        Some(first) if node.kind() == "call_expression" => node = unwrap(*first),
                        _ => return,
                    }
                }
                _ => return,
            }
        }
    }

    /// The declaration of a constructor that has no name of its own.
    fn root_decl(
        &mut self,
        root: Node<'t>,
        framework: Framework,
        is_app: bool,
        prefix: String,
    ) -> usize {
        if let Some(&decl) = self.roots.get(&root.id()) {
            return decl;
        }
        let line = self.file.position(root.start_byte()).line;
        let kind = if is_app { "app" } else { "router" };
        let decl = self.push_decl(Decl {
            name: format!("<{kind}:{line}>"),
            framework,
            is_app,
            prefix,
            markers: Vec::new(),
            default_export: false,
            range: root.byte_range(),
            candidate: false,
            used: true,
        });
        self.roots.insert(root.id(), decl);
        decl
    }

    // ----- calls ---------------------------------------------------------

    fn call(&mut self, call: Node<'t>) {
        let Some(function) = call.child_by_field_name("function") else {
            return;
        };
        let args = call_args(call);
        signals::call(self, call, function, &args);
        if function.kind() == "member_expression" {
            let (Some(object), Some(property)) = (
                function.child_by_field_name("object"),
                function.child_by_field_name("property"),
            ) else {
                return;
            };
            let method = self.text(property);
            if let Some(receiver) = self.receiver(object, call.start_byte()) {
                self.router_call(&receiver, method, call, property, &args);
            }
        } else {
            self.function_mount(call, function, &args);
        }
    }

    /// What a call's receiver is: a router of this file, a plugin's
    /// router parameter, or a name that looks like a router imported from
    /// elsewhere.
    fn receiver(&mut self, object: Node<'t>, at: usize) -> Option<Receiver> {
        let mut node = object;
        let mut route_path = None;
        for _ in 0..MAX_CHAIN {
            node = unwrap(node);
            match node.kind() {
                "identifier" | "member_expression" => {
                    let name = if node.kind() == "identifier" {
                        self.text(node).to_string()
                    } else if self.is_this_member(node) {
                        compact(self.text(node))
                    } else {
                        return None;
                    };
                    if let Some(decl) = self.lookup(&name, at) {
                        let d = &self.decls[decl];
                        if d.candidate && !d.used {
                            return None;
                        }
                        return Some(Receiver {
                            decl: Some(decl),
                            name: d.name.clone(),
                            framework: d.framework,
                            route_path,
                        });
                    }
                    if !self.plausible_router(&name) {
                        return None;
                    }
                    return Some(Receiver {
                        decl: None,
                        name,
                        framework: self.context,
                        route_path,
                    });
                }
                "call_expression" | "new_expression" => {
                    if let Some((framework, is_app, prefix)) = self.constructor(node) {
                        let decl = self.root_decl(node, framework, is_app, prefix);
                        let d = &self.decls[decl];
                        return Some(Receiver {
                            decl: Some(decl),
                            name: d.name.clone(),
                            framework: d.framework,
                            route_path,
                        });
                    }
                    if node.kind() != "call_expression" {
                        return None;
                    }
                    let function = node.child_by_field_name("function")?;
                    if function.kind() != "member_expression" {
                        return None;
                    }
                    let method = self.text(function.child_by_field_name("property")?);
                    if !CHAIN_METHODS.contains(&method) {
                        return None;
                    }
                    let args = call_args(node);
                    if method == "route" && args.len() == 1 && route_path.is_none() {
                        route_path = Some(self.path_text(args[0])?);
                    }
                    node = function.child_by_field_name("object")?;
                }
                _ => return None,
            }
        }
        None
    }

    /// A name of unknown origin that reads as a router or app: `app`,
    /// `router`, `usersRouter`, `server`, `fastify`. Names declared here
    /// with another value, or imported from a package that is not a web
    /// framework (`axios`, an SDK), are not.
    fn plausible_router(&self, name: &str) -> bool {
        let base = name.strip_prefix("this.").unwrap_or(name);
        if base.contains('.') || self.plain_locals.contains(base) {
            return false;
        }
        if let Some(origin) = self.origin(base) {
            if !is_local_module(&origin.module) && framework_of_module(&origin.module).is_none() {
                return false;
            }
        }
        let lower = base.to_ascii_lowercase();
        matches!(
            lower.as_str(),
            "app" | "server" | "api" | "router" | "routes" | "fastify" | "instance" | "application"
        ) || ["router", "routes", "app", "api", "server"]
            .iter()
            .any(|suffix| lower.ends_with(suffix))
    }

    fn router_call(
        &mut self,
        receiver: &Receiver,
        method: &str,
        call: Node<'t>,
        property: Node<'t>,
        args: &[Node<'t>],
    ) {
        if let Some(path) = &receiver.route_path {
            if let Some(methods) = http_method(method, receiver.framework) {
                let end = call.end_byte();
                self.emit_route(
                    receiver,
                    methods,
                    path.clone(),
                    args,
                    property.start_byte()..end,
                    None,
                );
            }
            return;
        }
        match receiver.framework {
            Framework::NestJs => nest::app_call(self, receiver, method, call, args),
            Framework::Fastify => self.fastify_call(receiver, method, call, property, args),
            _ => self.chain_call(receiver, method, call, property, args),
        }
    }

    /// Express, Koa-router and Hono: `get/post/…/all`, `use`, Hono
    /// `route`/`on`, Koa `prefix`.
    fn chain_call(
        &mut self,
        receiver: &Receiver,
        method: &str,
        call: Node<'t>,
        property: Node<'t>,
        args: &[Node<'t>],
    ) {
        let framework = receiver.framework;
        let (methods, path_index) = if method == "on" && framework == Framework::Hono {
            let Some(methods) = args.first().map(|a| self.method_list(*a)) else {
                return;
            };
            (Some(methods), 1)
        } else {
            // Koa named routes: `router.get('user', '/users/:id', h)`.
            let named = framework == Framework::Koa
                && args.len() >= 3
                && args[..2].iter().all(|a| a.kind() == "string");
            (http_method(method, framework), usize::from(named))
        };
        if let Some(methods) = methods.filter(|m| !m.is_empty()) {
            self.path_route(receiver, methods, path_index, call, property, args);
            return;
        }
        match method {
            "use" if framework == Framework::Hono => {
                let rest = if self.is_path_arg(args.first().copied()) {
                    &args[1..]
                } else {
                    args
                };
                for arg in flatten(rest) {
                    self.push_middleware(receiver, arg);
                }
            }
            "use" => self.use_call(receiver, args),
            "route" if framework == Framework::Hono && args.len() == 2 => {
                let Some(prefix) = self.path_text(args[0]) else {
                    return;
                };
                let child = self.mount_child(args[1], call.start_byte()).or_else(|| {
                    (unwrap(args[1]).kind() == "identifier")
                        .then(|| Target::Local(self.text(unwrap(args[1])).to_string()))
                });
                if let Some(child) = child {
                    self.push_mount(receiver, prefix, child, Vec::new(), call);
                }
            }
            "prefix" if framework == Framework::Koa => {
                if let (Some(decl), Some(prefix)) =
                    (receiver.decl, args.first().and_then(|a| self.path_text(*a)))
                {
                    self.decls[decl].prefix = prefix;
                }
            }
            _ => {}
        }
    }

    /// `router.get('/p', …mw, handler)`: the path at `path_index`, the
    /// handler last, middleware between.
    fn path_route(
        &mut self,
        receiver: &Receiver,
        methods: Vec<String>,
        path_index: usize,
        call: Node<'t>,
        property: Node<'t>,
        args: &[Node<'t>],
    ) {
        let Some(path_arg) = args.get(path_index).copied() else {
            return;
        };
        let rest = &args[path_index + 1..];
        let Some(last) = rest.last() else {
            // `app.get('env')` reads a setting.
            return;
        };
        if !is_handler_like(*last) {
            return;
        }
        let paths = self.paths_of(path_arg);
        if paths.is_empty() {
            return;
        }
        if receiver.decl.is_none()
            && !paths
                .iter()
                .all(|p| p.is_empty() || p.starts_with(['/', '*', '$']))
        {
            return;
        }
        let end = path_arg.end_byte().max(property.start_byte());
        let _ = call;
        for path in paths {
            self.emit_route(
                receiver,
                methods.clone(),
                path,
                rest,
                property.start_byte()..end,
                None,
            );
        }
    }

    /// The paths an argument names: a string, a template, a regex, or an
    /// array of them.
    fn paths_of(&self, node: Node<'_>) -> Vec<String> {
        let node = unwrap(node);
        if node.kind() == "array" {
            let mut cursor = node.walk();
            return node
                .named_children(&mut cursor)
                .filter_map(|n| self.path_text(n))
                .collect();
        }
        self.path_text(node).into_iter().collect()
    }

    fn is_path_arg(&self, node: Option<Node<'_>>) -> bool {
        node.is_some_and(|n| !self.paths_of(n).is_empty())
    }

    /// Express/Koa `use`: a mount when its last argument is a router, else
    /// middleware.
    fn use_call(&mut self, receiver: &Receiver, args: &[Node<'t>]) {
        let (prefix, rest) = if self.is_path_arg(args.first().copied()) {
            let prefix = self
                .paths_of(args[0])
                .into_iter()
                .next()
                .unwrap_or_default();
            (prefix, &args[1..])
        } else {
            (String::new(), args)
        };
        // Koa: `router.use('/p', users.routes(), users.allowedMethods())`.
        let mut end = rest.len();
        while end > 0 && self.is_allowed_methods(rest[end - 1]) {
            end -= 1;
        }
        let has_prefix = rest.len() < args.len();
        let child = end
            .checked_sub(1)
            .filter(|&i| self.mountable(rest[i], has_prefix))
            .and_then(|i| self.mount_child(rest[i], rest[i].start_byte()));
        if let Some(child) = child {
            let markers = flatten(&rest[..end - 1])
                .into_iter()
                .map(|m| marker_text(self.text(m)))
                .collect();
            let call = rest[end - 1];
            self.push_mount(receiver, prefix, child, markers, call);
            return;
        }
        for arg in flatten(rest) {
            self.push_middleware(receiver, arg);
        }
    }

    /// Whether a `use` argument reads as a router rather than middleware.
    /// Routers of this file and Koa `x.routes()` always do; an imported
    /// name does when its name or module says router (`usersRouter`,
    /// `./routes/users`), never when it says middleware (`requireAuth`,
    /// `../middleware/auth`), and otherwise only under a path prefix.
    fn mountable(&self, node: Node<'_>, has_prefix: bool) -> bool {
        let node = unwrap(node);
        let head = match node.kind() {
            "identifier" => node,
            "member_expression" | "call_expression" => {
                let inner = if node.kind() == "call_expression" {
                    match node.child_by_field_name("function") {
                        Some(f) => unwrap(f),
                        None => return false,
                    }
                } else {
                    node
                };
                if inner.kind() == "member_expression" {
                    let property = inner
                        .child_by_field_name("property")
                        .map_or("", |p| self.text(p));
                    if node.kind() == "call_expression"
                        && matches!(property, "routes" | "middleware")
                    {
                        return true;
                    }
                    match inner.child_by_field_name("object") {
                        Some(object) => unwrap(object),
                        None => return false,
                    }
                } else {
                    inner
                }
            }
            _ => return true,
        };
        let name = self.text(head);
        if head.kind() == "identifier" {
            if let Some(decl) = self.lookup(name, head.start_byte()) {
                if !self.decls[decl].candidate {
                    return true;
                }
            }
        }
        let module = self
            .origin(name)
            .map(|o| o.module.clone())
            .or_else(|| self.required_module(node))
            .unwrap_or_default();
        let words = format!("{name} {module}").to_ascii_lowercase();
        let router_words = ["router", "route", "api", "app", "controller", "endpoint"];
        let middleware_words = [
            "auth",
            "guard",
            "limit",
            "middleware",
            "logger",
            "cors",
            "helmet",
            "session",
            "require",
            "verify",
            "validat",
            "protect",
            "ensure",
            "error",
            "handler",
        ];
        if router_words.iter().any(|w| words.contains(w)) {
            true
        } else if middleware_words.iter().any(|w| words.contains(w)) {
            false
        } else {
            has_prefix
        }
    }

    fn is_allowed_methods(&self, node: Node<'_>) -> bool {
        let node = unwrap(node);
        node.kind() == "call_expression"
            && node
                .child_by_field_name("function")
                .and_then(|f| f.child_by_field_name("property"))
                .is_some_and(|p| self.text(p) == "allowedMethods")
    }

    /// What a mount attaches: a router of this file, a plugin function, or
    /// something imported from a local module.
    fn mount_child(&mut self, node: Node<'t>, at: usize) -> Option<Target> {
        let node = unwrap(node);
        match node.kind() {
            "identifier" => {
                let name = self.text(node);
                if let Some(decl) = self.lookup(name, at) {
                    let d = &self.decls[decl];
                    if !d.candidate {
                        return Some(Target::Local(d.name.clone()));
                    }
                }
                if let Some(&decl) = self.candidate_names.get(name) {
                    if self.decls[decl].used {
                        return Some(Target::Local(self.decls[decl].name.clone()));
                    }
                }
                self.imported_target(name, None)
            }
            "member_expression" => {
                let object = unwrap(node.child_by_field_name("object")?);
                let property = self.text(node.child_by_field_name("property")?).to_string();
                let export = (property != "default").then_some(property);
                if let Some(module) = self.required_module(object) {
                    return is_local_module(&module).then_some(Target::Imported {
                        module,
                        name: export,
                    });
                }
                if object.kind() == "identifier" {
                    let origin = self.origin(self.text(object))?;
                    if is_local_module(&origin.module) && origin.export.is_none() {
                        return Some(Target::Imported {
                            module: origin.module.clone(),
                            name: export,
                        });
                    }
                }
                None
            }
            "call_expression" => {
                let function = unwrap(node.child_by_field_name("function")?);
                if let Some(module) = self.required_module(node) {
                    return is_local_module(&module)
                        .then_some(Target::Imported { module, name: None });
                }
                match function.kind() {
                    // Koa: `users.routes()`, `users.middleware()`.
                    "member_expression" => {
                        let property = self.text(function.child_by_field_name("property")?);
                        if matches!(property, "routes" | "middleware") {
                            self.mount_child(function.child_by_field_name("object")?, at)
                        } else {
                            None
                        }
                    }
                    // `createUsersRouter(deps)`
                    "identifier" => {
                        let name = self.text(function);
                        if let Some(&decl) = self.candidate_names.get(name) {
                            if self.decls[decl].used {
                                return Some(Target::Local(self.decls[decl].name.clone()));
                            }
                        }
                        if self.decls.iter().any(|d| !d.candidate && d.name == name) {
                            return Some(Target::Local(name.to_string()));
                        }
                        self.imported_target(name, None)
                    }
                    _ => None,
                }
            }
            _ if is_function(node) => {
                let decl = *self.candidate_of.get(&node.id())?;
                let d = &self.decls[decl];
                d.used.then(|| Target::Local(d.name.clone()))
            }
            _ => None,
        }
    }

    fn imported_target(&self, local: &str, property: Option<String>) -> Option<Target> {
        let origin = self.origin(local)?;
        if !is_local_module(&origin.module) {
            return None;
        }
        Some(Target::Imported {
            module: origin.module.clone(),
            name: property.or_else(|| origin.export.clone()),
        })
    }

    /// `registerRoutes(app)`, `require('./routes')(app)`: a function that
    /// registers routes on the router it is handed mounts them at the
    /// router's root.
    fn function_mount(&mut self, call: Node<'t>, function: Node<'t>, args: &[Node<'t>]) {
        let function = unwrap(function);
        let child = match function.kind() {
            "identifier" => {
                let name = self.text(function);
                if let Some(&decl) = self.candidate_names.get(name) {
                    let d = &self.decls[decl];
                    d.used.then(|| Target::Local(d.name.clone()))
                } else {
                    self.imported_target(name, None)
                }
            }
            "call_expression" => self
                .required_module(function)
                .filter(|m| is_local_module(m))
                .map(|module| Target::Imported { module, name: None }),
            _ => None,
        };
        let Some(child) = child else {
            return;
        };
        for arg in args {
            let arg = unwrap(*arg);
            if arg.kind() != "identifier" {
                continue;
            }
            let Some(decl) = self.lookup(self.text(arg), call.start_byte()) else {
                continue;
            };
            let d = &self.decls[decl];
            if d.candidate && !d.used {
                continue;
            }
            let receiver = Receiver {
                decl: Some(decl),
                name: d.name.clone(),
                framework: d.framework,
                route_path: None,
            };
            self.push_mount(&receiver, String::new(), child, Vec::new(), call);
            return;
        }
    }

    // ----- Fastify -------------------------------------------------------

    fn fastify_call(
        &mut self,
        receiver: &Receiver,
        method: &str,
        call: Node<'t>,
        property: Node<'t>,
        args: &[Node<'t>],
    ) {
        if let Some(methods) = http_method(method, Framework::Fastify) {
            let Some(path_arg) = args.first().copied() else {
                return;
            };
            let Some(path) = self.path_text(path_arg) else {
                return;
            };
            if receiver.decl.is_none() && !(path.is_empty() || path.starts_with(['/', '*', '$'])) {
                return;
            }
            let rest = &args[1..];
            let options = rest
                .first()
                .copied()
                .filter(|o| unwrap(*o).kind() == "object");
            let handler_args: Vec<Node<'t>> = match (options, rest.len()) {
                (Some(options), 1) => match self.object_value(options, "handler") {
                    Some(handler) => vec![handler],
                    None => return,
                },
                (Some(_), _) => rest[1..].to_vec(),
                (None, 0) => return,
                (None, _) => rest.to_vec(),
            };
            if !handler_args.last().is_some_and(|h| is_handler_like(*h)) {
                return;
            }
            let range = property.start_byte()..path_arg.end_byte();
            self.emit_route(receiver, methods, path, &handler_args, range, options);
            return;
        }
        match method {
            "route" => {
                let Some(options) = args
                    .first()
                    .copied()
                    .filter(|o| unwrap(*o).kind() == "object")
                else {
                    return;
                };
                let Some(url) = self
                    .object_value(options, "url")
                    .or_else(|| self.object_value(options, "path"))
                    .and_then(|u| self.path_text(u))
                else {
                    return;
                };
                let Some(methods) = self
                    .object_value(options, "method")
                    .map(|m| self.method_list(m))
                    .filter(|m| !m.is_empty())
                else {
                    return;
                };
                let Some(handler) = self.object_value(options, "handler") else {
                    return;
                };
                let range = property.start_byte()..call.end_byte();
                self.emit_route(receiver, methods, url, &[handler], range, Some(options));
            }
            "register" => self.fastify_register(receiver, call, args),
            "addHook" => {
                let hook = args.first().and_then(|a| string_value(self.text(*a)));
                if hook.is_some_and(|h| FASTIFY_HOOKS.contains(&h.as_str())) {
                    if let Some(function) = args.get(1) {
                        self.push_middleware(receiver, *function);
                    }
                }
            }
            "use" => {
                for arg in flatten(args) {
                    self.push_middleware(receiver, arg);
                }
            }
            _ => {}
        }
    }

    /// `app.register(plugin, { prefix })`: a mount for route plugins of
    /// this repository, middleware (and maybe a signal) for packages.
    fn fastify_register(&mut self, receiver: &Receiver, call: Node<'t>, args: &[Node<'t>]) {
        let Some(plugin) = args.first().copied() else {
            return;
        };
        let options = args.get(1).copied();
        let prefix = options
            .and_then(|o| self.object_value(o, "prefix"))
            .and_then(|p| self.path_text(p))
            .unwrap_or_default();
        let plugin = unwrap(plugin);
        let package = match plugin.kind() {
            "identifier" | "member_expression" => self
                .module_of(plugin)
                .filter(|m| !is_local_module(m))
                .map(str::to_string),
            "call_expression" => self
                .required_module(plugin)
                .or_else(|| {
                    self.module_of(plugin.child_by_field_name("function").unwrap_or(plugin))
                        .map(str::to_string)
                })
                .filter(|m| !is_local_module(m)),
            _ => None,
        };
        if let Some(module) = package {
            signals::fastify_plugin(self, &module, call, options);
            self.push_middleware(receiver, plugin);
            return;
        }
        if let Some(child) = self.mount_child(plugin, call.start_byte()) {
            self.push_mount(receiver, prefix, child, Vec::new(), call);
        }
    }

    // ----- emitting ------------------------------------------------------

    /// A route with its handler last in `rest` and markers before it.
    fn emit_route(
        &mut self,
        receiver: &Receiver,
        methods: Vec<String>,
        path: String,
        rest: &[Node<'t>],
        range: Range<usize>,
        fastify_options: Option<Node<'t>>,
    ) {
        let rest = flatten(rest);
        let Some((&last, before)) = rest.split_last() else {
            return;
        };
        let mut markers: Vec<String> = before.iter().map(|m| marker_text(self.text(*m))).collect();
        let (handler, function, wrappers) = self.handler_info(last);
        markers.extend(wrappers);
        let mut analysis = function
            .map(|f| handler::analyze(self, f))
            .unwrap_or_default();
        if let Some(options) = fastify_options {
            let (hooks, params, status) = self.fastify_options(options);
            markers.splice(0..0, hooks);
            // Declared parameters first, then those the body reads.
            let read = std::mem::replace(&mut analysis.params, params);
            for param in read {
                if !analysis.params.contains(&param) {
                    analysis.params.push(param);
                }
            }
            analysis.status = analysis.status.or(status);
        }
        if let Some(decl) = receiver.decl {
            self.decls[decl].used = true;
        }
        self.routes.push(RouteFact {
            framework: receiver.framework,
            router: Some(receiver.name.clone()),
            methods,
            path,
            handler,
            markers,
            status: analysis.status,
            params: analysis.params,
            collection_reads: analysis.collection_reads,
            location: self.file.location(range),
        });
    }

    /// Fastify route options: hook markers (and `config` entries such as
    /// `rateLimit`), query parameters from the schema, the one 2xx status
    /// the schema documents.
    fn fastify_options(&self, options: Node<'t>) -> (Vec<String>, Vec<String>, Option<u16>) {
        let mut markers = Vec::new();
        for hook in FASTIFY_HOOKS {
            if let Some(value) = self.object_value(options, hook) {
                for marker in flatten(&[value]) {
                    markers.push(marker_text(self.text(marker)));
                }
            }
        }
        if let Some(config) = self.object_value(options, "config") {
            for pair in object_pairs(config) {
                markers.push(marker_text(self.text(pair)));
            }
        }
        let mut params = Vec::new();
        let mut status = None;
        if let Some(schema) = self.object_value(options, "schema") {
            let query = self
                .object_value(schema, "querystring")
                .or_else(|| self.object_value(schema, "query"));
            if let Some(query) = query {
                let query = unwrap(query);
                match self.object_value(query, "properties") {
                    Some(properties) => {
                        for pair in object_pairs(properties) {
                            if let Some(key) = pair.child_by_field_name("key") {
                                params.push(
                                    string_value(self.text(key))
                                        .unwrap_or_else(|| self.text(key).to_string()),
                                );
                            }
                        }
                    }
                    None if query.kind() != "object" => params.push(compact(self.text(query))),
                    None => {}
                }
            }
            if let Some(response) = self.object_value(schema, "response") {
                let success: Vec<u16> = object_pairs(response)
                    .into_iter()
                    .filter_map(|p| p.child_by_field_name("key"))
                    .filter_map(|k| {
                        string_value(self.text(k))
                            .unwrap_or_else(|| self.text(k).to_string())
                            .parse()
                            .ok()
                    })
                    .filter(|code| (200..300).contains(code))
                    .collect();
                if let [code] = success[..] {
                    status = Some(code);
                }
            }
        }
        (markers, params, status)
    }

    /// The handler's name, its function node when it is defined here, and
    /// the wrappers around it (`asyncHandler(…)`), which are markers.
    fn handler_info(&self, node: Node<'t>) -> (Option<String>, Option<Node<'t>>, Vec<String>) {
        let mut node = unwrap(node);
        let mut wrappers = Vec::new();
        for _ in 0..MAX_CHAIN {
            match node.kind() {
                "identifier" | "member_expression" => {
                    let name = compact(self.text(node));
                    let function = self.functions.get(&name).copied();
                    return (Some(name), function, wrappers);
                }
                "call_expression" => {
                    let Some(function) = node.child_by_field_name("function") else {
                        break;
                    };
                    let function = unwrap(function);
                    if function.kind() == "member_expression"
                        && function
                            .child_by_field_name("property")
                            .is_some_and(|p| self.text(p) == "bind")
                    {
                        match function.child_by_field_name("object") {
                            Some(object) => node = unwrap(object),
                            None => break,
                        }
                        continue;
                    }
                    let Some(last) = call_args(node).last().copied().map(unwrap) else {
                        break;
                    };
                    if !(is_function(last)
                        || matches!(
                            last.kind(),
                            "identifier" | "member_expression" | "call_expression"
                        ))
                    {
                        break;
                    }
                    wrappers.push(marker_text(self.text(function)));
                    node = last;
                }
                // A named function expression is known by its name.
                _ if is_function(node) => {
                    let name = node
                        .child_by_field_name("name")
                        .map(|n| self.text(n).to_string());
                    return (name, Some(node), wrappers);
                }
                _ => break,
            }
        }
        (None, None, wrappers)
    }

    fn push_mount(
        &mut self,
        receiver: &Receiver,
        prefix: String,
        child: Target,
        markers: Vec<String>,
        at: Node<'_>,
    ) {
        if let Some(decl) = receiver.decl {
            self.decls[decl].used = true;
        }
        self.mounts.push(MountFact {
            framework: receiver.framework,
            parent: receiver.name.clone(),
            prefix,
            child,
            markers,
            location: self.file.location(at.byte_range()),
        });
    }

    fn push_middleware(&mut self, receiver: &Receiver, node: Node<'_>) {
        if let Some(decl) = receiver.decl {
            self.decls[decl].used = true;
        }
        self.middleware.push(MiddlewareFact {
            framework: receiver.framework,
            router: receiver.name.clone(),
            name: marker_text(self.text(node)),
            location: self.file.location(node.byte_range()),
        });
    }

    fn push_signal(
        &mut self,
        kind: crate::facts::service::SignalKind,
        detail: String,
        at: Node<'_>,
    ) {
        let range = at.byte_range();
        if self
            .signals
            .iter()
            .any(|s| s.kind == kind && s.detail == detail && s.location.range == range)
        {
            return;
        }
        self.signals.push(Signal {
            kind,
            detail,
            location: self.file.location(range),
        });
    }

    /// Hono's app: the router that is served (`serve({ fetch: app.fetch })`,
    /// `export default { fetch: app.fetch }`, `handle(app)`), else the first
    /// one of an entry file.
    fn settle_hono_apps(&mut self) {
        let hono: Vec<usize> = (0..self.decls.len())
            .filter(|&i| self.decls[i].framework == Framework::Hono && !self.decls[i].candidate)
            .collect();
        let mut served_any = false;
        for &i in &hono {
            let name = self.decls[i].name.clone();
            if self.is_served(&name) {
                self.decls[i].is_app = true;
                served_any = true;
            }
        }
        if !served_any && is_entry_file(&self.file.path) {
            if let Some(&first) = hono.iter().min_by_key(|&&i| self.decls[i].range.start) {
                self.decls[first].is_app = true;
            }
        }
    }

    fn is_served(&self, name: &str) -> bool {
        let fetch = format!("{name}.fetch");
        let text = &self.file.text;
        let mentions_fetch = text.match_indices(&fetch).any(|(i, _)| {
            let before = text[..i].chars().next_back();
            let after = text[i + fetch.len()..].chars().next();
            !before.is_some_and(is_ident_char) && !after.is_some_and(is_ident_char)
        });
        mentions_fetch
            || self.nodes.calls.iter().any(|call| {
                let callee = call
                    .child_by_field_name("function")
                    .map(|f| self.text(f))
                    .unwrap_or("");
                matches!(callee.rsplit('.').next(), Some("serve" | "handle" | "fire"))
                    && call_args(*call)
                        .first()
                        .is_some_and(|a| self.text(*a) == name)
            })
    }

    fn finish(mut self, out: &mut ServiceFacts) {
        self.settle_hono_apps();
        let mut routers: Vec<RouterDecl> = self
            .decls
            .iter()
            .filter(|d| !d.candidate || d.used)
            .map(|d| RouterDecl {
                framework: d.framework,
                name: d.name.clone(),
                default_export: d.default_export,
                is_app: d.is_app,
                prefix: d.prefix.clone(),
                markers: d.markers.clone(),
                location: self.file.location(d.range.clone()),
            })
            .collect();
        routers.sort_by_key(|r| r.location.range.start);
        routers.dedup_by(|a, b| a.name == b.name && a.location.range == b.location.range);
        self.routes.sort_by_key(|r| r.location.range.start);
        self.mounts.sort_by_key(|m| m.location.range.start);
        self.middleware.sort_by_key(|m| m.location.range.start);
        self.signals
            .sort_by_key(|s| (s.location.range.start, s.kind));
        out.routers.extend(routers);
        out.routes.extend(self.routes);
        out.mounts.extend(self.mounts);
        out.middleware.extend(self.middleware);
        out.signals.extend(self.signals);
    }

    // ----- small readers -------------------------------------------------

    /// The value of `key` in an object literal (or a same-file constant
    /// holding one).
    fn object_value(&self, object: Node<'t>, key: &str) -> Option<Node<'t>> {
        let object = self.resolve_object(object)?;
        let mut cursor = object.walk();
        let children: Vec<Node<'t>> = object.named_children(&mut cursor).collect();
        for child in children {
            match child.kind() {
                "pair" => {
                    let Some(k) = child.child_by_field_name("key") else {
                        continue;
                    };
                    let k = self.text(k);
                    if k == key || string_value(k).as_deref() == Some(key) {
                        return child.child_by_field_name("value");
                    }
                }
                "shorthand_property_identifier" if self.text(child) == key => return Some(child),
                "method_definition"
                    if child
                        .child_by_field_name("name")
                        .is_some_and(|n| self.text(n) == key) =>
                {
                    return Some(child);
                }
                _ => {}
            }
        }
        None
    }

    /// An object literal, or the object a same-file constant holds.
    fn resolve_object(&self, node: Node<'t>) -> Option<Node<'t>> {
        let node = unwrap(node);
        match node.kind() {
            "object" => Some(node),
            "identifier" => {
                let name = self.text(node);
                self.nodes.declarators.iter().find_map(|d| {
                    let n = d.child_by_field_name("name")?;
                    if n.kind() != "identifier" || self.text(n) != name {
                        return None;
                    }
                    let value = unwrap(d.child_by_field_name("value")?);
                    (value.kind() == "object").then_some(value)
                })
            }
            _ => None,
        }
    }

    /// A path as written: a string's content, a template's raw text, a
    /// regex literal.
    fn path_text(&self, node: Node<'_>) -> Option<String> {
        let node = unwrap(node);
        match node.kind() {
            "string" | "template_string" => string_value(self.text(node)),
            "regex" => Some(self.text(node).to_string()),
            _ => None,
        }
    }

    /// `'GET'`, `['GET', 'POST']` → upper-case methods.
    fn method_list(&self, node: Node<'_>) -> Vec<String> {
        let node = unwrap(node);
        let one = |n: Node<'_>| {
            string_value(self.text(n)).map(|m| {
                if m == "*" {
                    "ANY".to_string()
                } else {
                    m.to_ascii_uppercase()
                }
            })
        };
        if node.kind() == "array" {
            let mut cursor = node.walk();
            return node.named_children(&mut cursor).filter_map(one).collect();
        }
        one(node).into_iter().collect()
    }
}

// ----- free helpers ------------------------------------------------------

/// Skips wrappers that do not change what an expression is: parentheses,
/// `await`, TypeScript `as`/`satisfies`/`!`.
fn unwrap(mut node: Node<'_>) -> Node<'_> {
    for _ in 0..MAX_CHAIN {
        match node.kind() {
            "parenthesized_expression"
            | "await_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression" => match node.named_child(0) {
                Some(inner) => node = inner,
                None => return node,
            },
            _ => return node,
        }
    }
    node
}

fn is_function(node: Node<'_>) -> bool {
    matches!(
        node.kind(),
        "arrow_function"
            | "function_expression"
            | "function"
            | "function_declaration"
            | "generator_function_declaration"
            | "generator_function"
    )
}

/// A handler argument: a function, a name, or a call that builds one —
/// never an object, string or number (`axios.get('/x', { params })`).
fn is_handler_like(node: Node<'_>) -> bool {
    let node = unwrap(node);
    is_function(node)
        || matches!(
            node.kind(),
            "identifier" | "member_expression" | "call_expression" | "array"
        )
}

/// A call's arguments, without comments; none for a tagged template.
fn call_args(call: Node<'_>) -> Vec<Node<'_>> {
    let Some(arguments) = call.child_by_field_name("arguments") else {
        return Vec::new();
    };
    if arguments.kind() != "arguments" {
        return Vec::new();
    }
    let mut cursor = arguments.walk();
    arguments
        .named_children(&mut cursor)
        .filter(|n| n.kind() != "comment")
        .collect()
}

/// Arguments with arrays of middleware spread out.
fn flatten<'t>(nodes: &[Node<'t>]) -> Vec<Node<'t>> {
    let mut flat = Vec::new();
    for &node in nodes {
        let inner = unwrap(node);
        if inner.kind() == "array" {
            let mut cursor = inner.walk();
            flat.extend(
                inner
                    .named_children(&mut cursor)
                    .filter(|n| n.kind() != "comment"),
            );
        } else {
            flat.push(node);
        }
    }
    flat
}

fn object_pairs(object: Node<'_>) -> Vec<Node<'_>> {
    let object = unwrap(object);
    if object.kind() != "object" {
        return Vec::new();
    }
    let mut cursor = object.walk();
    object
        .named_children(&mut cursor)
        .filter(|n| n.kind() == "pair")
        .collect()
}

/// The content of a string or template literal, as written.
fn string_value(literal: &str) -> Option<String> {
    let first = literal.chars().next()?;
    if !matches!(first, '"' | '\'' | '`') || literal.len() < 2 || !literal.ends_with(first) {
        return None;
    }
    Some(literal[1..literal.len() - 1].to_string())
}

fn module_name(literal: &str) -> String {
    literal.trim_matches(['"', '\'', '`']).to_string()
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// A module of this repository rather than a package: relative paths and
/// the usual source-root aliases.
fn is_local_module(module: &str) -> bool {
    module.starts_with('.')
        || module.starts_with('/')
        || module.starts_with("@/")
        || module.starts_with("~/")
        || module.starts_with('#')
        || module.starts_with("src/")
}

fn is_koa_router_module(module: &str) -> bool {
    matches!(module, "@koa/router" | "koa-router")
}

fn framework_of_module(module: &str) -> Option<Framework> {
    match module {
        "express" => Some(Framework::Express),
        "fastify" | "fastify-plugin" => Some(Framework::Fastify),
        m if m.starts_with("@fastify/") => Some(Framework::Fastify),
        "koa" | "@koa/router" | "koa-router" => Some(Framework::Koa),
        "hono" => Some(Framework::Hono),
        m if m.starts_with("hono/") || m.starts_with("@hono/") => Some(Framework::Hono),
        m if m.starts_with("@nestjs/") => Some(Framework::NestJs),
        _ => None,
    }
}

/// The framework a plugin parameter's type names (`FastifyInstance`,
/// `Hono`, `Router`).
fn framework_of_type(type_text: Option<&str>) -> Option<Framework> {
    let text = type_text?;
    if text.contains("Fastify") {
        Some(Framework::Fastify)
    } else if text.contains("Hono") {
        Some(Framework::Hono)
    } else if text.contains("Koa") {
        Some(Framework::Koa)
    } else if text.contains("Express") || text.contains("Application") || text.contains("Router") {
        Some(Framework::Express)
    } else {
        None
    }
}

/// Upper-case methods for a router method name; `ANY` for `all`.
fn http_method(method: &str, framework: Framework) -> Option<Vec<String>> {
    let upper = match method {
        "get" | "post" | "put" | "patch" | "delete" | "options" | "head" => {
            method.to_ascii_uppercase()
        }
        "del" if framework == Framework::Koa => "DELETE".to_string(),
        "all" => "ANY".to_string(),
        _ => return None,
    };
    Some(vec![upper])
}

/// An entry file: `index`, `main`, `server`, `app`, `worker` outside the
/// directories that hold sub-routers.
fn is_entry_file(path: &str) -> bool {
    let mut segments: Vec<&str> = path.split('/').collect();
    let Some(file) = segments.pop() else {
        return false;
    };
    let stem = file.split('.').next().unwrap_or("");
    matches!(
        stem,
        "index" | "main" | "server" | "app" | "worker" | "entry"
    ) && !segments.iter().any(|s| {
        matches!(
            *s,
            "routes" | "routers" | "route" | "controllers" | "handlers" | "modules" | "features"
        )
    })
}
