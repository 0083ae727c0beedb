//! Routes of Axum, Actix-web and Rocket services.
//!
//! Rust services declare routes two ways: builder chains
//! (`Router::new().route(…)`, `App::new().service(…)`,
//! `rocket::build().mount(…)`) and attribute macros on handler functions
//! (`#[get("/users/{id}")]`, `#[post("/", data = "<body>")]`). Builder
//! chains are read per function, because the names routers are referred to
//! by (`let v1 = Router::new()…`, `cfg: &mut web::ServiceConfig`) are local
//! to it; attribute routes carry their own path and are attached elsewhere
//! by handler name. Handlers defined in the same file are read for what the
//! route's facts need (status, query parameters, collection reads, guard
//! extractors). Every walk is iterative or depth-bounded: a hostile,
//! deeply nested file cannot exhaust the stack.

mod attrs;
mod builders;
mod handler;
mod signals;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use redflag_syntax::tree_sitter::Node;
use redflag_syntax::Language;

use crate::facts::service::{ServiceFacts, Target};
use crate::semantics::callee_path;
use crate::source::SourceFile;

use super::{compact, marker_text, walk};

/// Deepest nesting of routers inside routers (`.service(web::scope(…)
/// .service(web::scope(…)))`) that is followed; real code nests a few
/// levels, and the bound keeps the recursion off a hostile file's depth.
const MAX_NESTING: usize = 32;

/// Fills `out` with the routers, routes, mounts, middleware and signals of
/// one Rust file.
pub(super) fn collect(file: &SourceFile, out: &mut ServiceFacts) {
    let Some(tree) = file.tree() else {
        return;
    };
    let index = FileIndex::build(file, tree.root_node());
    signals::collect(file, out);
    let mut handlers = handler::Handlers::new(file, &index);
    for &function in &index.functions {
        handler::attribute_routes(file, &index, &mut handlers, function, out);
        builders::collect(file, &index, &mut handlers, function, out);
    }
    handlers.emit(out);
}

/// What the extractors look up across the file: its functions, structs and
/// string constants, and which frameworks it mentions.
pub(super) struct FileIndex<'a> {
    /// Every `fn` item, in source order (methods and nested functions too).
    functions: Vec<Node<'a>>,
    /// Functions by name (the first one when a name repeats).
    fn_by_name: HashMap<&'a str, Node<'a>>,
    /// Field names of the structs declared in the file (`Pagination` →
    /// `limit`, `page`), for query extractors.
    struct_fields: HashMap<&'a str, Vec<String>>,
    /// `const NAME: &str = "…"` values, for paths written as constants.
    consts: HashMap<&'a str, String>,
    axum: bool,
    actix: bool,
    rocket: bool,
}

impl<'a> FileIndex<'a> {
    fn build(file: &'a SourceFile, root: Node<'a>) -> Self {
        let mut index = FileIndex {
            functions: Vec::new(),
            fn_by_name: HashMap::new(),
            struct_fields: HashMap::new(),
            consts: HashMap::new(),
            axum: file.text.contains("axum"),
            actix: file.text.contains("actix"),
            rocket: file.text.contains("rocket"),
        };
        let mut cursor = root.walk();
        loop {
            let node = cursor.node();
            match node.kind() {
                "function_item" => {
                    index.functions.push(node);
                    if let Some(name) = node.child_by_field_name("name") {
                        index.fn_by_name.entry(file.text_of(name)).or_insert(node);
                    }
                }
                "struct_item" => index.add_struct(file, node),
                "const_item" | "static_item" => {
                    let name = node.child_by_field_name("name");
                    let value = node.child_by_field_name("value");
                    if let (Some(name), Some(value)) = (name, value) {
                        if let Some(text) = string_value(file, value) {
                            index.consts.insert(file.text_of(name), text);
                        }
                    }
                }
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
                    return index;
                }
            }
        }
    }

    fn add_struct(&mut self, file: &'a SourceFile, node: Node<'a>) {
        let (Some(name), Some(body)) = (
            node.child_by_field_name("name"),
            node.child_by_field_name("body"),
        ) else {
            return;
        };
        let mut cursor = body.walk();
        let fields = body
            .named_children(&mut cursor)
            .filter(|f| f.kind() == "field_declaration")
            .filter_map(|f| f.child_by_field_name("name"))
            .map(|n| file.text_of(n).to_string())
            .collect();
        self.struct_fields
            .entry(file.text_of(name))
            .or_insert(fields);
    }

    /// The function of this file with that name.
    fn function(&self, name: &str) -> Option<Node<'a>> {
        self.fn_by_name.get(name).copied()
    }
}

/// A method call in a chain: `.route("/users", get(list))`.
#[derive(Clone, Copy)]
struct Link<'a> {
    name: &'a str,
    field: Node<'a>,
    args: Node<'a>,
    /// The call itself.
    call: Node<'a>,
}

impl<'a> Link<'a> {
    /// The call's arguments.
    fn arg(&self, position: usize) -> Option<Node<'a>> {
        arguments(self.args).into_iter().nth(position)
    }
}

/// A builder chain: what it starts from and the method calls on it, first
/// call first.
struct Chain<'a> {
    root: Node<'a>,
    links: Vec<Link<'a>>,
}

/// Unrolls `root.a(…).b(…)?.c(…).await` into its root and links.
fn unroll<'a>(file: &'a SourceFile, node: Node<'a>) -> Chain<'a> {
    let mut links = Vec::new();
    let mut current = strip(node);
    while current.kind() == "call_expression" {
        let Some(mut function) = current.child_by_field_name("function") else {
            break;
        };
        if function.kind() == "generic_function" {
            match function.child_by_field_name("function") {
                Some(inner) => function = inner,
                None => break,
            }
        }
        if function.kind() != "field_expression" {
            break;
        }
        let (Some(value), Some(field), Some(args)) = (
            function.child_by_field_name("value"),
            function.child_by_field_name("field"),
            current.child_by_field_name("arguments"),
        ) else {
            break;
        };
        links.push(Link {
            name: file.text_of(field),
            field,
            args,
            call: current,
        });
        current = strip(value);
    }
    links.reverse();
    Chain {
        root: current,
        links,
    }
}

/// Looks through `x.await`, `x?`, `(x)`, `&x` and `&mut x`.
fn strip(node: Node<'_>) -> Node<'_> {
    let mut current = node;
    loop {
        let inner = match current.kind() {
            "await_expression" | "try_expression" | "parenthesized_expression" => {
                current.named_child(0)
            }
            "reference_expression" => current.child_by_field_name("value"),
            _ => None,
        };
        match inner {
            Some(inner) => current = inner,
            None => return current,
        }
    }
}

/// Looks through what wraps a returned or served router: `Ok(app)`,
/// `app.into()`, `app.into_make_service()`, `app.clone()`, as well as what
/// [`strip`] looks through.
fn unwrap_value<'a>(file: &'a SourceFile, node: Node<'a>) -> Node<'a> {
    let mut current = strip(node);
    // Each step removes one wrapper; the bound only guards odd input.
    for _ in 0..16 {
        if current.kind() != "call_expression" {
            break;
        }
        let chain = unroll(file, current);
        if let Some(last) = chain.links.last() {
            let transparent = matches!(
                last.name,
                "into"
                    | "into_make_service"
                    | "into_make_service_with_connect_info"
                    | "clone"
                    | "boxed"
            );
            let Some(function) = current.child_by_field_name("function") else {
                break;
            };
            let value = function
                .child_by_field_name("value")
                .or_else(|| {
                    function
                        .child_by_field_name("function")
                        .and_then(|f| f.child_by_field_name("value"))
                })
                .map(strip);
            match (transparent, value) {
                (true, Some(value)) => current = value,
                _ => break,
            }
        } else {
            let callee = callee_path(file, Language::Rust, current);
            let wrapper = matches!(callee.as_deref(), Some("Ok" | "Some"));
            match (wrapper, arguments_of(current).first()) {
                (true, Some(&inner)) => current = strip(inner),
                _ => break,
            }
        }
    }
    current
}

/// The argument expressions of an `arguments` node.
fn arguments(args: Node<'_>) -> Vec<Node<'_>> {
    let mut cursor = args.walk();
    args.named_children(&mut cursor)
        .filter(|n| {
            !matches!(
                n.kind(),
                "line_comment" | "block_comment" | "attribute_item"
            )
        })
        .collect()
}

/// The argument expressions of a call.
fn arguments_of(call: Node<'_>) -> Vec<Node<'_>> {
    call.child_by_field_name("arguments")
        .map(arguments)
        .unwrap_or_default()
}

/// A call's callee as a path without generic arguments
/// (`Router::<S>::new` → `Router::new`).
fn callee(file: &SourceFile, call: Node<'_>) -> Option<String> {
    if call.kind() != "call_expression" {
        return None;
    }
    callee_path(file, Language::Rust, call).map(|p| strip_generics(&p))
}

/// Removes `<…>` groups and the `::` before them from a path.
fn strip_generics(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0usize;
    for c in path.chars() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    while out.contains("::::") {
        out = out.replace("::::", "::");
    }
    out.trim_end_matches("::").to_string()
}

/// The last `::` segment of a path.
fn last_segment(path: &str) -> &str {
    path.rsplit("::").next().unwrap_or(path)
}

/// The segment before the last one (`CorsLayer` in
/// `tower_http::cors::CorsLayer::permissive`); empty for a bare name.
fn owner_segment(path: &str) -> &str {
    path.rsplit("::").nth(1).unwrap_or("")
}

/// The value of a string literal (`"…"`, `r"…"`, `r#"…"#`), escapes left
/// as written.
fn string_value(file: &SourceFile, node: Node<'_>) -> Option<String> {
    match node.kind() {
        "string_literal" | "raw_string_literal" => Some(unquote(file.text_of(node))),
        _ => None,
    }
}

/// `"x"`, `r#"x"#`, `b"x"` → `x`.
fn unquote(literal: &str) -> String {
    let body = literal.trim_start_matches(['b', 'r']);
    let hashes = body.len() - body.trim_start_matches('#').len();
    let body = &body[hashes..];
    let body = body.get(..body.len().saturating_sub(hashes)).unwrap_or("");
    body.strip_prefix('"')
        .and_then(|b| b.strip_suffix('"'))
        .unwrap_or(body)
        .to_string()
}

/// A path argument: a literal, a constant of this file, or else the
/// expression as written.
fn path_text(file: &SourceFile, index: &FileIndex<'_>, node: Node<'_>) -> String {
    if let Some(value) = string_value(file, node) {
        return value;
    }
    let text = file.text_of(node);
    let name = last_segment(text.trim());
    if let Some(value) = index.consts.get(name) {
        return value.clone();
    }
    marker_text(text)
}

/// Where a name of a path expression comes from: a function of this file,
/// or a module path and exported name (`users::routes` → module `users`,
/// name `routes`; `use crate::api::users;` makes it `crate::api::users`).
fn target_of_path(file: &SourceFile, index: &FileIndex<'_>, path: &str) -> Target {
    let path = strip_generics(&compact(path));
    let imports = file.imports();
    if let Some((module, name)) = path.rsplit_once("::") {
        return Target::Imported {
            module: imports.resolve(module),
            name: Some(name.to_string()),
        };
    }
    if index.function(&path).is_some() {
        return Target::Local(path);
    }
    match imports.binding(&path) {
        Some(full) => match full.rsplit_once("::") {
            Some((module, name)) => Target::Imported {
                module: module.to_string(),
                name: Some(name.to_string()),
            },
            None => Target::Imported {
                module: full.to_string(),
                name: None,
            },
        },
        None => Target::Local(path),
    }
}

/// 1-based line of a node's start.
fn line_of(file: &SourceFile, node: Node<'_>) -> u32 {
    file.position(node.start_byte()).line
}
