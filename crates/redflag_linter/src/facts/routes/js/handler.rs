//! What a handler's body shows when it is written inline or in the same
//! file: the success status it sets, the query parameters it reads, and
//! the collection reads that fetch without a bound (for pagination).

use redflag_syntax::tree_sitter::Node;

use super::{call_args, compact, marker_text, string_value, unwrap, Extractor};

/// Nodes read in one handler body at most; a handler is small, a hostile
/// file is cut off here.
const MAX_HANDLER_NODES: usize = 20_000;
/// How far up from a read call a `.limit(…)`/`.take(…)` is looked for.
const MAX_BOUND_WALK: usize = 8;

/// Callee names that read a whole collection unless told otherwise.
const COLLECTION_READS: &[&str] = &[
    "findMany",
    "findAll",
    "find",
    "findAndCountAll",
    "getMany",
    "getManyAndCount",
    "all",
    "fetchAll",
    "fetch_all",
];

/// Words in a read call's arguments, or methods chained after it, that
/// bound the read.
const BOUNDS: &[&str] = &[
    "take", "limit", "skip", "offset", "first", "paginate", "page",
];

/// Names a request, context or Hono `c.req` goes by when the handler does
/// not say.
const REQUEST_NAMES: &[&str] = &["req", "request", "ctx", "context"];

#[derive(Debug, Default)]
pub(super) struct Analysis {
    pub status: Option<u16>,
    pub params: Vec<String>,
    pub collection_reads: Vec<String>,
}

/// Reads a handler function (or Nest method) body.
pub(super) fn analyze<'t>(x: &Extractor<'_, 't>, function: Node<'t>) -> Analysis {
    let mut analysis = Analysis::default();
    let request = x.first_param(function).map(|(name, _)| name);
    let is_request = |name: &str| request.as_deref() == Some(name) || REQUEST_NAMES.contains(&name);
    let Some(body) = function.child_by_field_name("body") else {
        return analysis;
    };
    let mut cursor = body.walk();
    let mut seen = 0usize;
    loop {
        let node = cursor.node();
        seen += 1;
        match node.kind() {
            "call_expression" => {
                call(x, node, &is_request, &mut analysis);
            }
            "assignment_expression" => {
                // Koa: `ctx.status = 201`.
                if let (Some(left), Some(right)) = (
                    node.child_by_field_name("left"),
                    node.child_by_field_name("right"),
                ) {
                    if left.kind() == "member_expression"
                        && left
                            .child_by_field_name("property")
                            .is_some_and(|p| x.text(p) == "status")
                    {
                        set_status(&mut analysis, status_of(x, right));
                    }
                }
            }
            "member_expression" | "subscript_expression" => {
                // `req.query.limit`, `ctx.query['page']`
                if let Some(name) = query_read(x, node, &is_request) {
                    add(&mut analysis.params, name);
                }
            }
            "variable_declarator" => {
                // `const { limit, page = 1 } = req.query`
                if let (Some(name), Some(value)) = (
                    node.child_by_field_name("name"),
                    node.child_by_field_name("value"),
                ) {
                    if name.kind() == "object_pattern" && is_query_object(x, value, &is_request) {
                        for key in pattern_keys(x, name) {
                            add(&mut analysis.params, key);
                        }
                    }
                }
            }
            _ => {}
        }
        if seen < MAX_HANDLER_NODES && cursor.goto_first_child() {
            continue;
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() || cursor.node().id() == body.id() {
                return analysis;
            }
        }
    }
}

fn call<'t>(
    x: &Extractor<'_, 't>,
    node: Node<'t>,
    is_request: &dyn Fn(&str) -> bool,
    analysis: &mut Analysis,
) {
    let Some(function) = node.child_by_field_name("function") else {
        return;
    };
    let args = call_args(node);
    let property = (function.kind() == "member_expression")
        .then(|| function.child_by_field_name("property"))
        .flatten()
        .map(|p| x.text(p));
    match property {
        // `res.status(201)`, `reply.code(201)`, `res.sendStatus(204)`,
        // `res.writeHead(201)`, Hono `c.status(201)`.
        Some("status" | "code" | "sendStatus" | "writeHead") => {
            if let Some(first) = args.first() {
                set_status(analysis, status_of(x, *first));
            }
        }
        // Hono `c.json(body, 201)`.
        Some("json" | "text" | "body" | "html" | "newResponse") => {
            if let Some(second) = args.get(1) {
                set_status(analysis, status_of(x, *second));
            }
        }
        // Hono `c.req.query('limit')`, `c.req.queries('tag')`.
        Some("query" | "queries") => {
            let object = function.child_by_field_name("object");
            if object.is_some_and(|o| is_request_node(x, o, is_request)) {
                if let Some(name) = args.first().and_then(|a| string_value(x.text(*a))) {
                    add(&mut analysis.params, name);
                }
            }
        }
        // `url.searchParams.get('page')`
        Some("get") => {
            let object = function.child_by_field_name("object");
            if object
                .and_then(|o| o.child_by_field_name("property"))
                .is_some_and(|p| x.text(p) == "searchParams")
            {
                if let Some(name) = args.first().and_then(|a| string_value(x.text(*a))) {
                    add(&mut analysis.params, name);
                }
            }
        }
        _ => {}
    }
    if let Some(read) = collection_read(x, node, function, &args) {
        add(&mut analysis.collection_reads, read);
    }
}

/// A read of a whole collection: a read callee without a bound, or a SQL
/// `SELECT` without `LIMIT`.
fn collection_read<'t>(
    x: &Extractor<'_, 't>,
    call: Node<'t>,
    function: Node<'t>,
    args: &[Node<'t>],
) -> Option<String> {
    let callee = compact(x.text(function));
    let name = callee.rsplit('.').next().unwrap_or("");
    let sql = sql_text(x, call, args);
    if let Some(sql) = sql {
        let upper = sql.trim_start().to_ascii_uppercase();
        if upper.starts_with("SELECT") {
            return (!upper.contains("LIMIT")).then(|| marker_text(&callee));
        }
    }
    if !COLLECTION_READS.contains(&name) || callee.starts_with("Promise.") {
        return None;
    }
    // `users.find(u => u.id === id)` searches an array.
    if args.iter().any(|a| super::is_function(unwrap(*a))) {
        return None;
    }
    let arguments = args
        .iter()
        .map(|a| x.text(*a).to_ascii_lowercase())
        .collect::<Vec<_>>()
        .join(" ");
    if BOUNDS.iter().any(|b| arguments.contains(b)) || bounded_by_chain(x, call) {
        return None;
    }
    Some(marker_text(&callee))
}

/// The SQL text a call passes: a string or template argument, or the
/// template of a tagged template (`sql\`SELECT …\``).
fn sql_text<'t>(x: &Extractor<'_, 't>, call: Node<'t>, args: &[Node<'t>]) -> Option<String> {
    if let Some(arguments) = call.child_by_field_name("arguments") {
        if arguments.kind() == "template_string" {
            return string_value(x.text(arguments));
        }
    }
    let first = unwrap(*args.first()?);
    matches!(first.kind(), "string" | "template_string").then(|| string_value(x.text(first)))?
}

/// `Model.find({}).sort(…).limit(20)`: a bound chained after the read.
fn bounded_by_chain(x: &Extractor<'_, '_>, call: Node<'_>) -> bool {
    let mut current = call;
    for _ in 0..MAX_BOUND_WALK {
        let Some(parent) = current.parent() else {
            return false;
        };
        match parent.kind() {
            "member_expression" => {
                if parent
                    .child_by_field_name("property")
                    .is_some_and(|p| BOUNDS.contains(&x.text(p)))
                {
                    return true;
                }
            }
            "call_expression" | "await_expression" | "parenthesized_expression" => {}
            _ => return false,
        }
        current = parent;
    }
    false
}

/// `req.query.limit` → `limit`.
fn query_read(
    x: &Extractor<'_, '_>,
    node: Node<'_>,
    is_request: &dyn Fn(&str) -> bool,
) -> Option<String> {
    let object = node.child_by_field_name("object")?;
    if !is_query_object(x, object, is_request) {
        return None;
    }
    if node.kind() == "member_expression" {
        let property = node.child_by_field_name("property")?;
        Some(x.text(property).to_string())
    } else {
        string_value(x.text(node.child_by_field_name("index")?))
    }
}

/// `req.query`, `ctx.request.query`, Hono `c.req.query()`,
/// `c.req.valid('query')`.
fn is_query_object(
    x: &Extractor<'_, '_>,
    node: Node<'_>,
    is_request: &dyn Fn(&str) -> bool,
) -> bool {
    let node = unwrap(node);
    match node.kind() {
        "member_expression" => {
            node.child_by_field_name("property")
                .is_some_and(|p| x.text(p) == "query")
                && node
                    .child_by_field_name("object")
                    .is_some_and(|o| is_request_node(x, o, is_request))
        }
        "call_expression" => {
            let Some(function) = node.child_by_field_name("function") else {
                return false;
            };
            let Some(property) = function.child_by_field_name("property") else {
                return false;
            };
            let args = call_args(node);
            let reads_query = match x.text(property) {
                "query" => args.is_empty(),
                "valid" => args
                    .first()
                    .and_then(|a| string_value(x.text(*a)))
                    .is_some_and(|s| s == "query"),
                _ => false,
            };
            reads_query
                && function
                    .child_by_field_name("object")
                    .is_some_and(|o| is_request_node(x, o, is_request))
        }
        _ => false,
    }
}

/// The request: the handler's first parameter, `req`/`ctx`/…, or
/// `ctx.request` / `c.req`.
fn is_request_node(
    x: &Extractor<'_, '_>,
    node: Node<'_>,
    is_request: &dyn Fn(&str) -> bool,
) -> bool {
    let node = unwrap(node);
    match node.kind() {
        "identifier" => is_request(x.text(node)),
        "member_expression" => node
            .child_by_field_name("property")
            .is_some_and(|p| matches!(x.text(p), "req" | "request")),
        _ => false,
    }
}

/// The names an object pattern takes: `{ limit, page = 1, cursor: c }`.
fn pattern_keys(x: &Extractor<'_, '_>, pattern: Node<'_>) -> Vec<String> {
    let mut cursor = pattern.walk();
    pattern
        .named_children(&mut cursor)
        .filter_map(|prop| match prop.kind() {
            "shorthand_property_identifier_pattern" => Some(x.text(prop).to_string()),
            "object_assignment_pattern" => prop
                .child_by_field_name("left")
                .map(|l| x.text(l).to_string()),
            "pair_pattern" => prop
                .child_by_field_name("key")
                .map(|k| x.text(k).to_string()),
            _ => None,
        })
        .collect()
}

/// A success status: `201`, `HttpStatus.CREATED`, `StatusCodes.NO_CONTENT`.
pub(super) fn status_of(x: &Extractor<'_, '_>, node: Node<'_>) -> Option<u16> {
    let node = unwrap(node);
    let code = match node.kind() {
        "number" => x.text(node).parse::<u16>().ok()?,
        "member_expression" => {
            let name = x.text(node.child_by_field_name("property")?);
            match name {
                "OK" => 200,
                "CREATED" => 201,
                "ACCEPTED" => 202,
                "NO_CONTENT" => 204,
                _ => return None,
            }
        }
        _ => return None,
    };
    (200..300).contains(&code).then_some(code)
}

fn set_status(analysis: &mut Analysis, status: Option<u16>) {
    if analysis.status.is_none() {
        analysis.status = status;
    }
}

fn add(list: &mut Vec<String>, item: String) {
    if !item.is_empty() && !list.contains(&item) {
        list.push(item);
    }
}
