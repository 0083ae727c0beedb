//! What a handler written in this file says about its routes: guard
//! extractors (`claims: Claims`, `_admin: AdminUser`) as markers, the
//! success status it returns (`StatusCode::CREATED`,
//! `HttpResponse::Created()`, `status::Created`), the query parameters it
//! takes (`Query<Pagination>`, Rocket's `?<limit>`) and the unbounded
//! collection reads in its body (`.fetch_all(…)`, `.load::<T>(…)`).
//!
//! Handlers that carry markers are also recorded as [`HandlerFact`]s, for
//! routes registered in another file.

use std::collections::{HashMap, HashSet};

use redflag_syntax::tree_sitter::Node;

use super::attrs::{attribute_markers, route_attributes};
use super::{marker_text, walk, FileIndex};
use crate::facts::service::{HandlerFact, RouteFact, ServiceFacts};
use crate::source::SourceFile;

/// Extractor types that read the request's body, path, query or shared
/// state, and plain values: none of them is a guard.
const NOT_GUARDS: &[&str] = &[
    "Json",
    "Path",
    "Query",
    "QsQuery",
    "State",
    "Data",
    "Form",
    "Bytes",
    "String",
    "str",
    "HeaderMap",
    "HttpRequest",
    "Request",
    "Multipart",
    "Payload",
    "Method",
    "Uri",
    "OriginalUri",
    "Body",
    "ConnectInfo",
    "MatchedPath",
    "RawQuery",
    "WebSocketUpgrade",
    "Vec",
    "Uuid",
    "PathBuf",
];

/// Extractors whose presence marks an `async fn` as a request handler.
const EXTRACTORS: &[&str] = &[
    "Json",
    "Path",
    "Query",
    "State",
    "Form",
    "Extension",
    "HttpRequest",
    "Data",
    "Multipart",
    "TypedHeader",
    "HeaderMap",
    "ConnectInfo",
];

/// Return types that mark an `async fn` as a request handler.
const RESPONSES: &[&str] = &[
    "IntoResponse",
    "Responder",
    "HttpResponse",
    "Response",
    "Json",
    "StatusCode",
    "Html",
    "Redirect",
];

/// The facts a same-file handler adds to its routes.
#[derive(Debug, Clone, Default)]
pub(super) struct HandlerInfo {
    pub markers: Vec<String>,
    pub status: Option<u16>,
    pub params: Vec<String>,
    pub reads: Vec<String>,
}

/// Handler analyses of one file, each done once, and the names routes
/// refer to.
pub(super) struct Handlers<'a> {
    file: &'a SourceFile,
    index: &'a FileIndex<'a>,
    analysed: HashMap<usize, HandlerInfo>,
    /// Functions known to be handlers: routed by attribute, or named as a
    /// handler by a route of this file.
    routed: HashSet<usize>,
}

impl<'a> Handlers<'a> {
    pub(super) fn new(file: &'a SourceFile, index: &'a FileIndex<'a>) -> Self {
        Handlers {
            file,
            index,
            analysed: HashMap::new(),
            routed: HashSet::new(),
        }
    }

    /// The analysis of a function of this file, which becomes a known
    /// handler.
    pub(super) fn of_function(&mut self, function: Node<'a>) -> HandlerInfo {
        self.routed.insert(function.id());
        self.analyse(function).clone()
    }

    /// The analysis of the handler a route names, when it is a function
    /// of this file (a bare name).
    pub(super) fn of_name(&mut self, name: &str) -> HandlerInfo {
        match self.index.function(name) {
            Some(function) => self.of_function(function),
            None => HandlerInfo::default(),
        }
    }

    /// The analysis of an inline closure handler.
    pub(super) fn of_closure(&self, closure: Node<'a>) -> HandlerInfo {
        analyse(
            self.file,
            self.index,
            closure.child_by_field_name("parameters"),
            None,
            closure.child_by_field_name("body"),
            &[],
        )
    }

    fn analyse(&mut self, function: Node<'a>) -> &HandlerInfo {
        let (file, index) = (self.file, self.index);
        self.analysed.entry(function.id()).or_insert_with(|| {
            let routes = route_attributes(file, index, function);
            let bound: Vec<String> = routes.iter().flat_map(|r| r.bound.clone()).collect();
            // Actix `wrap = "…"`/`guard = "…"` first, then other attributes,
            // then guard extractors.
            let mut markers: Vec<String> = Vec::new();
            for route in &routes {
                for marker in &route.markers {
                    if !markers.contains(marker) {
                        markers.push(marker.clone());
                    }
                }
            }
            let mut info = analyse(
                file,
                index,
                function.child_by_field_name("parameters"),
                function.child_by_field_name("return_type"),
                function.child_by_field_name("body"),
                &bound,
            );
            markers.extend(attribute_markers(file, function));
            markers.append(&mut info.markers);
            info.markers = markers;
            info
        })
    }

    /// Records a [`HandlerFact`] for every handler of the file that
    /// carries markers.
    pub(super) fn emit(mut self, out: &mut ServiceFacts) {
        let functions = self.index.functions.clone();
        for function in functions {
            let known = self.routed.contains(&function.id());
            if !known && !looks_like_handler(self.file, function) {
                continue;
            }
            let Some(name) = function.child_by_field_name("name") else {
                continue;
            };
            let markers = self.analyse(function).markers.clone();
            if markers.is_empty() {
                continue;
            }
            out.handlers.push(HandlerFact {
                name: self.file.text_of(name).to_string(),
                markers,
                view_methods: None,
                location: self.file.location(name.byte_range()),
            });
        }
    }
}

/// An `async fn` that takes an extractor or returns a response.
fn looks_like_handler(file: &SourceFile, function: Node<'_>) -> bool {
    let is_async = {
        let mut cursor = function.walk();
        let found = function
            .children(&mut cursor)
            .filter(|c| c.kind() == "function_modifiers")
            .any(|m| file.text_of(m).contains("async"));
        found
    };
    if !is_async {
        return false;
    }
    let returns_response = function
        .child_by_field_name("return_type")
        .is_some_and(|t| {
            let text = file.text_of(t);
            RESPONSES.iter().any(|r| text.contains(r))
        });
    returns_response
        || parameters(function.child_by_field_name("parameters"))
            .iter()
            .filter_map(|p| p.child_by_field_name("type"))
            .any(|t| EXTRACTORS.contains(&base_type(file, t).0.as_str()))
}

/// The typed parameters of a function or closure.
fn parameters(list: Option<Node<'_>>) -> Vec<Node<'_>> {
    let Some(list) = list else {
        return Vec::new();
    };
    let mut cursor = list.walk();
    list.named_children(&mut cursor)
        .filter(|p| p.kind() == "parameter")
        .collect()
}

/// A type's base name (`web::Query<P>` → `Query`, `&State<Db>` → `State`,
/// `u32` → `u32`) and its first type argument.
fn base_type<'a>(file: &'a SourceFile, ty: Node<'a>) -> (String, Option<Node<'a>>) {
    let mut current = ty;
    // References nest a few levels at most; the bound guards odd input.
    for _ in 0..8 {
        if current.kind() != "reference_type" {
            break;
        }
        match current.child_by_field_name("type") {
            Some(inner) => current = inner,
            None => break,
        }
    }
    let (name, argument) = if current.kind() == "generic_type" {
        let argument = current
            .child_by_field_name("type_arguments")
            .and_then(|a| a.named_child(0));
        (current.child_by_field_name("type"), argument)
    } else {
        (Some(current), None)
    };
    let name = name.map_or("", |n| match n.kind() {
        "scoped_type_identifier" => n
            .child_by_field_name("name")
            .map_or("", |n| file.text_of(n)),
        _ => file.text_of(n),
    });
    (name.to_string(), argument)
}

fn analyse(
    file: &SourceFile,
    index: &FileIndex<'_>,
    parameter_list: Option<Node<'_>>,
    return_type: Option<Node<'_>>,
    body: Option<Node<'_>>,
    bound: &[String],
) -> HandlerInfo {
    let mut info = HandlerInfo::default();
    for parameter in parameters(parameter_list) {
        let Some(ty) = parameter.child_by_field_name("type") else {
            continue;
        };
        let name = parameter
            .child_by_field_name("pattern")
            .map_or("", |p| file.text_of(p));
        if bound.iter().any(|b| b == name) {
            continue;
        }
        read_parameter(file, index, ty, &mut info);
    }
    for node in [return_type, body].into_iter().flatten() {
        walk(node, |n| {
            if info.status.is_none() {
                info.status = status_of(file, n);
            }
            if let Some(read) = collection_read(file, n) {
                if !info.reads.contains(&read) {
                    info.reads.push(read);
                }
            }
            true
        });
    }
    info
}

/// A parameter's contribution: a query extractor's type (and its fields
/// when the struct is in this file), or a guard marker.
fn read_parameter(file: &SourceFile, index: &FileIndex<'_>, ty: Node<'_>, info: &mut HandlerInfo) {
    if ty.kind() == "primitive_type" {
        return;
    }
    let (base, argument) = base_type(file, ty);
    // `Option<Query<P>>` is read as `Query<P>`; `Option<AuthUser>` is a
    // marker as written.
    let (base, argument) = match (base.as_str(), argument) {
        ("Option", Some(inner)) => {
            let (inner_base, inner_argument) = base_type(file, inner);
            if NOT_GUARDS.contains(&inner_base.as_str()) || inner.kind() == "primitive_type" {
                (inner_base, inner_argument)
            } else {
                (base, argument)
            }
        }
        _ => (base, argument),
    };
    if matches!(base.as_str(), "Query" | "QsQuery") {
        if let Some(argument) = argument {
            let text = file.text_of(argument);
            info.params.push(marker_text(text));
            if let Some(fields) = index.struct_fields.get(text.trim()) {
                info.params.extend(fields.iter().cloned());
            }
        }
        return;
    }
    if NOT_GUARDS.contains(&base.as_str()) || is_primitive(&base) {
        return;
    }
    info.markers.push(marker_text(file.text_of(ty)));
}

fn is_primitive(name: &str) -> bool {
    matches!(
        name,
        "u8" | "u16"
            | "u32"
            | "u64"
            | "u128"
            | "usize"
            | "i8"
            | "i16"
            | "i32"
            | "i64"
            | "i128"
            | "isize"
            | "f32"
            | "f64"
            | "bool"
            | "char"
    )
}

/// A 2xx status named by a node: `StatusCode::CREATED`,
/// `HttpResponse::Created`, Rocket's `Status::Created` and
/// `status::Created`.
fn status_of(file: &SourceFile, node: Node<'_>) -> Option<u16> {
    if !matches!(node.kind(), "scoped_identifier" | "scoped_type_identifier") {
        return None;
    }
    let owner = node.child_by_field_name("path").map(|p| {
        let text = file.text_of(p);
        text.rsplit("::").next().unwrap_or(text)
    })?;
    let name = file.text_of(node.child_by_field_name("name")?);
    match owner {
        "StatusCode" => match name {
            "OK" => Some(200),
            "CREATED" => Some(201),
            "ACCEPTED" => Some(202),
            "NON_AUTHORITATIVE_INFORMATION" => Some(203),
            "NO_CONTENT" => Some(204),
            "RESET_CONTENT" => Some(205),
            "PARTIAL_CONTENT" => Some(206),
            _ => None,
        },
        "HttpResponse" | "Status" => match name {
            "Ok" => Some(200),
            "Created" => Some(201),
            "Accepted" => Some(202),
            "NonAuthoritativeInformation" => Some(203),
            "NoContent" => Some(204),
            "ResetContent" => Some(205),
            "PartialContent" => Some(206),
            _ => None,
        },
        "status" => match name {
            "Created" => Some(201),
            "Accepted" => Some(202),
            "NoContent" => Some(204),
            _ => None,
        },
        _ => None,
    }
}

/// A read of a whole collection: `.fetch_all(…)`, `.load::<T>(…)`,
/// `.get_results(…)`, `SeaORM`'s `.all(&db)`, unless the query is bounded
/// (`LIMIT`, `.limit(…)`, `.paginate(…)`, `.take(…)`, `offset`).
fn collection_read(file: &SourceFile, node: Node<'_>) -> Option<String> {
    if node.kind() != "call_expression" {
        return None;
    }
    let function = node.child_by_field_name("function")?;
    let (field_expression, generic) = match function.kind() {
        "field_expression" => (function, false),
        "generic_function" => (function.child_by_field_name("function")?, true),
        _ => return None,
    };
    if field_expression.kind() != "field_expression" {
        return None;
    }
    let method = file.text_of(field_expression.child_by_field_name("field")?);
    let receiver = field_expression.child_by_field_name("value")?;
    let arguments = super::arguments_of(node);
    let unbounded_kind = match method {
        "fetch_all" | "get_results" => true,
        "load" => generic,
        // Iterator `all` takes a closure; `SeaORM`'s takes the connection and
        // follows a query (`Entity::find().all(&db)`).
        "all" => {
            receiver.kind() == "call_expression"
                && arguments
                    .first()
                    .is_some_and(|a| a.kind() != "closure_expression")
        }
        _ => false,
    };
    if !unbounded_kind {
        return None;
    }
    let text = file.text_of(node).to_ascii_lowercase();
    let bounded = ["limit", ".paginate(", ".take(", "offset", ".first("]
        .iter()
        .any(|word| text.contains(word));
    if bounded {
        return None;
    }
    let simple_receiver = matches!(
        receiver.kind(),
        "identifier" | "scoped_identifier" | "field_expression" | "self"
    ) && !file.text_of(receiver).contains('(');
    Some(if simple_receiver {
        format!("{}.{method}", super::compact(file.text_of(receiver)))
    } else {
        method.to_string()
    })
}

/// Records the attribute routes of one function.
pub(super) fn attribute_routes<'a>(
    file: &'a SourceFile,
    index: &FileIndex<'a>,
    handlers: &mut Handlers<'a>,
    function: Node<'a>,
    out: &mut ServiceFacts,
) {
    let routes = route_attributes(file, index, function);
    if routes.is_empty() {
        return;
    }
    let Some(name) = function.child_by_field_name("name") else {
        return;
    };
    let info = handlers.of_function(function);
    for route in routes {
        let mut params = route.query;
        params.extend(info.params.iter().cloned());
        out.routes.push(RouteFact {
            framework: route.framework,
            router: None,
            methods: route.methods,
            path: route.path,
            handler: Some(file.text_of(name).to_string()),
            markers: info.markers.clone(),
            status: info.status,
            params,
            collection_reads: info.reads.clone(),
            location: file.location(route.node.byte_range()),
        });
    }
}
