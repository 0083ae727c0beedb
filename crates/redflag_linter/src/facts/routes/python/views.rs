//! Handlers: decorated view functions (`@app.get`, `@bp.route`,
//! `@routes.post`), what a handler's signature and body show (parameters,
//! success status, unbounded collection reads), and class-based views
//! whose markers live on the class (DRF `permission_classes`, Django
//! mixins, Flask `MethodView.decorators`).

use redflag_syntax::tree_sitter::Node;

use super::{
    argument, collapse, dependency_calls, elements, keyword, marker, methods_of, positional,
    push_unique, status_value, string_value, walk, Ctx,
};
use crate::facts::service::{
    Framework, HandlerFact, MiddlewareFact, RouteFact, ServiceFacts, ViewMethods,
};

/// HTTP methods that have a shorthand decorator or registration call.
const METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "head", "options", "trace",
];

/// Decorators that say nothing about a request: they neither make a
/// function a view nor guard one.
const NOT_VIEW_DECORATORS: &[&str] = &[
    "property",
    "staticmethod",
    "classmethod",
    "cached_property",
    "functools.cached_property",
    "lru_cache",
    "functools.lru_cache",
    "cache",
    "functools.cache",
    "wraps",
    "functools.wraps",
    "contextmanager",
    "asynccontextmanager",
    "overload",
    "abstractmethod",
    "dataclass",
    "receiver",
    "shared_task",
    "task",
    "validator",
    "field_validator",
    "model_validator",
    "root_validator",
];

/// Decorators of an app that register something other than a route or a
/// per-request hook (error handlers, lifecycle events, CLI commands).
const APP_HOOKS_IGNORED: &[&str] = &[
    "exception_handler",
    "errorhandler",
    "app_errorhandler",
    "on_event",
    "teardown_appcontext",
    "teardown_request",
    "context_processor",
    "template_filter",
    "shell_context_processor",
    "websocket",
    "websocket_route",
    "command",
    "cli",
    "lifespan",
];

/// Per-request hooks: middleware in all but name.
const REQUEST_HOOKS: &[&str] = &[
    "middleware",
    "before_request",
    "after_request",
    "before_app_request",
    "after_app_request",
];

/// A route a decorator declares.
struct RouteDecorator {
    framework: Framework,
    router: String,
    methods: Vec<String>,
    path: String,
    status: Option<u16>,
    markers: Vec<String>,
}

/// What a handler's own code shows.
#[derive(Default)]
pub(super) struct HandlerDetails {
    pub markers: Vec<String>,
    pub status: Option<u16>,
    pub params: Vec<String>,
    pub reads: Vec<String>,
}

/// A decorated function or class.
pub(super) fn decorated(ctx: &Ctx<'_>, node: Node<'_>, out: &mut ServiceFacts) {
    let Some(definition) = node.child_by_field_name("definition") else {
        return;
    };
    let mut cursor = node.walk();
    let decorators: Vec<Node<'_>> = node
        .named_children(&mut cursor)
        .filter(|c| c.kind() == "decorator")
        .filter_map(|d| d.named_child(0))
        .collect();
    if definition.kind() == "class_definition" {
        class_routes(ctx, definition, &decorators, out);
        return;
    }
    if definition.kind() != "function_definition" {
        return;
    }
    let name = definition
        .child_by_field_name("name")
        .map(|n| ctx.text(n).to_string())
        .unwrap_or_default();
    let mut routes = Vec::new();
    let mut markers = Vec::new();
    let mut hooked = false;
    for &decorator in &decorators {
        if let Some(route) = route_decorator(ctx, decorator) {
            routes.push((decorator, route));
            continue;
        }
        if let Some(router) = request_hook(ctx, decorator) {
            out.middleware.push(MiddlewareFact {
                framework: ctx.framework_of(&router).unwrap_or(Framework::FastApi),
                router,
                name: name.clone(),
                location: ctx.file.location(decorator.byte_range()),
            });
            hooked = true;
            continue;
        }
        if is_ignored_app_hook(ctx, decorator) {
            hooked = true;
            continue;
        }
        push_unique(&mut markers, marker(ctx.file, decorator));
    }
    if hooked && routes.is_empty() {
        return;
    }
    if routes.is_empty() {
        let view_markers: Vec<String> = markers
            .into_iter()
            .filter(|m| {
                let head = m.split('(').next().unwrap_or(m);
                !NOT_VIEW_DECORATORS.contains(&head) && !head.starts_with("pytest.")
            })
            .collect();
        // Function views referred to from another file are a Django
        // habit; elsewhere a decorated function is most often a helper.
        let module_level = node.parent().is_some_and(|p| p.kind() == "module");
        if module_level && !view_markers.is_empty() && ctx.hints.contains(&Framework::Django) {
            out.handlers.push(HandlerFact {
                name,
                markers: view_markers,
                view_methods: None,
                location: ctx
                    .file
                    .location(node.byte_range().start..definition_head(definition)),
            });
        }
        return;
    }
    for (decorator, route) in routes {
        let details = handler_details(ctx, definition, route.framework);
        let mut route_markers = markers.clone();
        for m in route.markers.into_iter().chain(details.markers) {
            push_unique(&mut route_markers, m);
        }
        out.routes.push(RouteFact {
            framework: route.framework,
            router: Some(route.router),
            methods: route.methods,
            path: route.path,
            handler: Some(name.clone()),
            markers: route_markers,
            status: route.status.or(details.status),
            params: details.params,
            collection_reads: details.reads,
            location: ctx.file.location(decorator.byte_range()),
        });
    }
}

/// A decorated class: routes its decorators declare (aiohttp
/// `@routes.view("/p")`) answer the methods it defines; the other
/// decorators are the view's markers.
fn class_routes(ctx: &Ctx<'_>, class: Node<'_>, decorators: &[Node<'_>], out: &mut ServiceFacts) {
    let name = class
        .child_by_field_name("name")
        .map(|n| ctx.text(n).to_string())
        .unwrap_or_default();
    let mut markers = Vec::new();
    for &decorator in decorators {
        match route_decorator(ctx, decorator) {
            Some(route) => {
                let methods = if route.methods == ["ANY"] {
                    class_methods(ctx, &name).unwrap_or(route.methods)
                } else {
                    route.methods
                };
                out.routes.push(RouteFact {
                    framework: route.framework,
                    router: Some(route.router),
                    methods,
                    path: route.path,
                    handler: Some(name.clone()),
                    markers: route.markers,
                    status: route.status,
                    params: Vec::new(),
                    collection_reads: Vec::new(),
                    location: ctx.file.location(decorator.byte_range()),
                });
            }
            None => markers.push(decorator),
        }
    }
    class_view(ctx, class, &markers, out);
}

/// The end of a definition's head (`def name(…)` / `class Name(…)`), for a
/// location that does not span the whole body.
fn definition_head(definition: Node<'_>) -> usize {
    definition
        .child_by_field_name("body")
        .map_or(definition.end_byte(), |b| b.start_byte())
        .max(definition.start_byte())
}

/// `@app.get("/p", …)`, `@bp.route("/p", methods=[…])`,
/// `@routes.post("/p")`, `@router.api_route("/p", methods=[…])`.
fn route_decorator(ctx: &Ctx<'_>, decorator: Node<'_>) -> Option<RouteDecorator> {
    if decorator.kind() != "call" {
        return None;
    }
    let function = decorator.child_by_field_name("function")?;
    if function.kind() != "attribute" {
        return None;
    }
    let object = ctx.path(function.child_by_field_name("object")?)?;
    let method = ctx.text(function.child_by_field_name("attribute")?);
    let framework = ctx.framework_of(&object)?;
    if framework == Framework::Django || !ctx.may_be_router(&object) {
        return None;
    }
    let known = ctx.routers.contains_key(&object);
    let file = ctx.file;
    let (methods, path) = match method {
        m if METHODS.contains(&m) => (
            vec![m.to_ascii_uppercase()],
            argument(file, decorator, 0, "path").or_else(|| keyword(file, decorator, "rule"))?,
        ),
        "api_route" if framework == Framework::FastApi => (
            keyword(file, decorator, "methods")
                .map_or_else(|| vec!["GET".to_string()], |m| methods_of(file, m)),
            argument(file, decorator, 0, "path")?,
        ),
        "route" if framework == Framework::Aiohttp => {
            let method = string_value(file, argument(file, decorator, 0, "method")?)?;
            let method = if method == "*" {
                "ANY".to_string()
            } else {
                method.to_ascii_uppercase()
            };
            (vec![method], argument(file, decorator, 1, "path")?)
        }
        "route" => (
            keyword(file, decorator, "methods")
                .map_or_else(|| vec!["GET".to_string()], |m| methods_of(file, m)),
            argument(file, decorator, 0, "rule")?,
        ),
        "view" if framework == Framework::Aiohttp => (
            vec!["ANY".to_string()],
            argument(file, decorator, 0, "path")?,
        ),
        _ => return None,
    };
    let path = match string_value(file, path) {
        Some(path) => path,
        None if known => marker(file, path),
        None => return None,
    };
    let markers = keyword(file, decorator, "dependencies")
        .map(|list| {
            elements(list)
                .into_iter()
                .map(|e| marker(file, e))
                .collect()
        })
        .unwrap_or_default();
    let status = keyword(file, decorator, "status_code").and_then(|s| status_value(ctx.text(s)));
    Some(RouteDecorator {
        framework,
        router: object,
        methods,
        path,
        status,
        markers,
    })
}

/// `@app.middleware("http")`, `@app.before_request`: the router it hooks.
fn request_hook(ctx: &Ctx<'_>, decorator: Node<'_>) -> Option<String> {
    let target = if decorator.kind() == "call" {
        decorator.child_by_field_name("function")?
    } else {
        decorator
    };
    if target.kind() != "attribute" {
        return None;
    }
    let object = ctx.path(target.child_by_field_name("object")?)?;
    let hook = ctx.text(target.child_by_field_name("attribute")?);
    (REQUEST_HOOKS.contains(&hook)
        && ctx.may_be_router(&object)
        && ctx.framework_of(&object).is_some())
    .then_some(object)
}

fn is_ignored_app_hook(ctx: &Ctx<'_>, decorator: Node<'_>) -> bool {
    let target = if decorator.kind() == "call" {
        decorator.child_by_field_name("function")
    } else {
        Some(decorator)
    };
    let Some(target) = target.filter(|t| t.kind() == "attribute") else {
        return false;
    };
    let Some(object) = target
        .child_by_field_name("object")
        .and_then(|o| ctx.path(o))
    else {
        return false;
    };
    let root = object.split('.').next().unwrap_or("");
    let hook = target
        .child_by_field_name("attribute")
        .map_or("", |a| ctx.text(a));
    ctx.routers.contains_key(root)
        && (APP_HOOKS_IGNORED.contains(&hook) || object.ends_with(".cli"))
}

/// What a same-file handler shows: its decorators (markers for a route
/// registered by a call), parameters, success status and collection reads.
pub(super) fn same_file_handler(ctx: &Ctx<'_>, name: &str, framework: Framework) -> HandlerDetails {
    let Some(&function) = ctx.functions.get(name) else {
        return HandlerDetails::default();
    };
    let mut details = handler_details(ctx, function, framework);
    if let Some(parent) = function
        .parent()
        .filter(|p| p.kind() == "decorated_definition")
    {
        let mut cursor = parent.walk();
        let decorators: Vec<String> = parent
            .named_children(&mut cursor)
            .filter(|c| c.kind() == "decorator")
            .filter_map(|d| d.named_child(0))
            .map(|d| marker(ctx.file, d))
            .collect();
        let mut markers = decorators;
        for m in details.markers {
            push_unique(&mut markers, m);
        }
        details.markers = markers;
    }
    details
}

/// Parameters, dependency markers, status and reads of a handler function.
fn handler_details(ctx: &Ctx<'_>, function: Node<'_>, framework: Framework) -> HandlerDetails {
    let mut details = HandlerDetails::default();
    if let Some(parameters) = function.child_by_field_name("parameters") {
        signature(ctx, parameters, framework, &mut details);
    }
    if let Some(body) = function.child_by_field_name("body") {
        body_facts(ctx, body, &mut details);
    }
    details
}

/// Parameter names that are the request plumbing, not its parameters.
const PLUMBING: &[&str] = &[
    "self",
    "cls",
    "request",
    "req",
    "response",
    "background_tasks",
];

/// Annotation words of a parameter read from the query or path.
const SCALAR_TYPES: &[&str] = &[
    "int",
    "str",
    "float",
    "bool",
    "bytes",
    "None",
    "Optional",
    "Union",
    "List",
    "list",
    "Set",
    "set",
    "Sequence",
    "tuple",
    "Tuple",
    "UUID",
    "uuid",
    "date",
    "datetime",
    "time",
    "Decimal",
    "conint",
    "constr",
    "PositiveInt",
    "NonNegativeInt",
    "Literal",
    "typing",
];

fn signature(
    ctx: &Ctx<'_>,
    parameters: Node<'_>,
    framework: Framework,
    details: &mut HandlerDetails,
) {
    let mut cursor = parameters.walk();
    for parameter in parameters.named_children(&mut cursor) {
        let (name, annotation, default) = match parameter.kind() {
            "identifier" => (Some(parameter), None, None),
            "typed_parameter" => (
                parameter
                    .named_child(0)
                    .filter(|n| n.kind() == "identifier"),
                parameter.child_by_field_name("type"),
                None,
            ),
            "default_parameter" | "typed_default_parameter" => (
                parameter.child_by_field_name("name"),
                parameter.child_by_field_name("type"),
                parameter.child_by_field_name("value"),
            ),
            _ => continue,
        };
        let Some(name) = name else {
            continue;
        };
        let name = ctx.text(name);
        let mut dependencies = Vec::new();
        for part in [annotation, default].into_iter().flatten() {
            dependencies.extend(dependency_calls(ctx, part));
        }
        if let Some(alias) =
            annotation.and_then(|a| ctx.aliases.get(collapse(ctx.text(a)).as_str()))
        {
            dependencies.extend(alias.iter().cloned());
        }
        if !dependencies.is_empty() {
            for d in dependencies {
                push_unique(&mut details.markers, d);
            }
            continue;
        }
        if PLUMBING.contains(&name) {
            continue;
        }
        let annotation_text = annotation.map_or("", |a| ctx.text(a));
        let default_callee = default
            .filter(|d| d.kind() == "call")
            .and_then(|d| ctx.callee_last(d));
        let declared = [annotation, default]
            .into_iter()
            .flatten()
            .find_map(|part| parameter_declaration(ctx, part));
        let is_param = if framework != Framework::FastApi {
            // Flask and aiohttp pass path parameters by name.
            annotation.is_none() || is_scalar(annotation_text)
        } else if declared.is_some() {
            true
        } else if default_callee.is_some() {
            false
        } else if annotation.is_some() {
            is_scalar(annotation_text)
        } else {
            default.is_none_or(|d| {
                matches!(
                    d.kind(),
                    "integer" | "float" | "string" | "none" | "true" | "false" | "unary_operator"
                )
            })
        };
        if is_param {
            // `Query(alias="page")` is what the client sends.
            let name = declared.flatten().unwrap_or_else(|| name.to_string());
            push_unique(&mut details.params, name);
        }
    }
}

/// A FastAPI `Query(…)`/`Path(…)` declaration inside a parameter's
/// annotation or default: `Some(alias)` when it renames the parameter.
fn parameter_declaration(ctx: &Ctx<'_>, node: Node<'_>) -> Option<Option<String>> {
    let mut found = None;
    walk(node, |n| {
        if found.is_some() {
            return false;
        }
        if n.kind() == "call" && matches!(ctx.callee_last(n).as_deref(), Some("Query" | "Path")) {
            found = Some(keyword(ctx.file, n, "alias").and_then(|a| string_value(ctx.file, a)));
            return false;
        }
        true
    });
    found
}

/// True for annotations of plain values (`int`, `Optional[str]`,
/// `list[int] | None`, `Literal["asc", "desc"]`).
fn is_scalar(annotation: &str) -> bool {
    if annotation.contains("Literal[") {
        return true;
    }
    annotation
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|word| !word.is_empty() && !word.chars().all(|c| c.is_ascii_digit()))
        .all(|word| SCALAR_TYPES.contains(&word))
}

/// Objects whose `.get("name")` or `["name"]` reads a query or path
/// parameter (Flask `request.args`, aiohttp `request.query`, Starlette
/// `request.query_params`, Django `request.GET`).
const PARAMETER_SOURCES: &[&str] = &[
    "args",
    "values",
    "query",
    "query_params",
    "path_params",
    "match_info",
    "GET",
];

/// Collection-reading callees whose result is every matching row unless
/// the query is bounded.
const COLLECTION_READS: &[&str] = &[
    "all",
    "fetch_all",
    "fetchall",
    "find_all",
    "findAll",
    "findMany",
    "find",
    "to_list",
];

fn body_facts(ctx: &Ctx<'_>, body: Node<'_>, details: &mut HandlerDetails) {
    let file = ctx.file;
    walk(body, |node| match node.kind() {
        "function_definition" | "class_definition" | "lambda" => false,
        "call" => {
            call_in_handler(ctx, node, details);
            true
        }
        "subscript" => {
            if let (Some(value), Some(index)) = (
                node.child_by_field_name("value"),
                node.child_by_field_name("subscript"),
            ) {
                if reads_parameters(ctx, value) {
                    if let Some(name) = string_value(file, index) {
                        push_unique(&mut details.params, name);
                    }
                }
            }
            true
        }
        "return_statement" => {
            if details.status.is_none() {
                details.status = returned_status(ctx, node);
            }
            true
        }
        "assignment" => {
            // `response.status_code = 201` / `resp.status = 201`.
            if let (Some(left), Some(right)) = (
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            ) {
                let left = ctx.text(left);
                if details.status.is_none()
                    && (left.ends_with(".status_code") || left.ends_with(".status"))
                {
                    details.status =
                        status_value(ctx.text(right)).filter(|s| (200..300).contains(s));
                }
            }
            true
        }
        _ => true,
    });
}

/// True for `request.args`, `request.query`, `request.rel_url.query`, ….
fn reads_parameters(ctx: &Ctx<'_>, object: Node<'_>) -> bool {
    if object.kind() != "attribute" {
        return false;
    }
    let attribute = object
        .child_by_field_name("attribute")
        .map_or("", |a| ctx.text(a));
    let base = object
        .child_by_field_name("object")
        .map_or("", |o| ctx.text(o));
    PARAMETER_SOURCES.contains(&attribute)
        && (base.contains("request") || base.contains("req") || base.ends_with("rel_url"))
}

fn call_in_handler(ctx: &Ctx<'_>, call: Node<'_>, details: &mut HandlerDetails) {
    let file = ctx.file;
    let Some(function) = call.child_by_field_name("function") else {
        return;
    };
    // A status passed to a response constructor anywhere in the body.
    if details.status.is_none() {
        details.status = keyword(file, call, "status_code")
            .or_else(|| keyword(file, call, "status"))
            .and_then(|s| status_value(ctx.text(s)))
            .filter(|s| (200..300).contains(s));
    }
    if function.kind() != "attribute" {
        sql_read(ctx, call, function, details);
        return;
    }
    let object = function.child_by_field_name("object");
    let method = function
        .child_by_field_name("attribute")
        .map_or("", |a| ctx.text(a));
    if matches!(method, "get" | "getlist" | "get_all" | "getone")
        && object.is_some_and(|o| reads_parameters(ctx, o))
    {
        if let Some(name) = positional(call, 0).and_then(|n| string_value(file, n)) {
            push_unique(&mut details.params, name);
        }
        return;
    }
    if COLLECTION_READS.contains(&method) && unbounded_read(ctx, call, method) {
        push_unique(&mut details.reads, marker(file, function));
        return;
    }
    sql_read(ctx, call, function, details);
}

/// Words in a read call that bound it.
const BOUNDS: &[&str] = &[
    "limit", "take", "skip", "offset", "paginate", "[:", "first(", "length=",
];

/// A read call that returns every row: no limit in the chain or the
/// arguments, not sliced.
fn unbounded_read(ctx: &Ctx<'_>, call: Node<'_>, method: &str) -> bool {
    let arguments = call.child_by_field_name("arguments");
    let argument_count = arguments.map_or(0, |a| a.named_child_count());
    let first = positional(call, 0);
    let shape_fits = match method {
        // `.all()` of SQLAlchemy, Django, Tortoise; `all(x)` is something else.
        "all" | "fetchall" => argument_count == 0,
        // Mongo `find()` / `find({…})`; `str.find("x")` is not a read.
        "find" => first.is_none_or(|f| f.kind() == "dictionary"),
        _ => true,
    };
    if !shape_fits {
        return false;
    }
    let text = ctx.text(call);
    if BOUNDS.iter().any(|b| text.contains(b)) {
        return false;
    }
    // `Model.objects.all()[:20]`, `.all()[offset:offset + limit]`.
    call.parent().is_none_or(|p| p.kind() != "subscript")
}

/// A SQL `SELECT` without `LIMIT` handed to a call.
fn sql_read(ctx: &Ctx<'_>, call: Node<'_>, function: Node<'_>, details: &mut HandlerDetails) {
    let Some(first) = positional(call, 0) else {
        return;
    };
    let Some(sql) = string_value(ctx.file, first) else {
        return;
    };
    let sql = sql.trim_start().to_ascii_uppercase();
    let bounded = ["LIMIT", "FETCH FIRST", "TOP ", "COUNT("]
        .iter()
        .any(|b| sql.contains(b));
    if sql.starts_with("SELECT") && !bounded {
        push_unique(&mut details.reads, marker(ctx.file, function));
    }
}

/// `return jsonify(x), 201`, `return web.json_response(x, status=201)`,
/// `return make_response(x, 201)`: a 2xx status.
fn returned_status(ctx: &Ctx<'_>, statement: Node<'_>) -> Option<u16> {
    let value = statement.named_child(0)?;
    let status = match value.kind() {
        "expression_list" | "tuple" => elements(value)
            .get(1)
            .and_then(|s| status_value(ctx.text(*s))),
        "call" if ctx.callee_last(value).as_deref() == Some("make_response") => {
            positional(value, 1).and_then(|s| status_value(ctx.text(s)))
        }
        _ => None,
    };
    status.filter(|s| (200..300).contains(s))
}

/// Class bases that make a class a view (DRF, Django, Flask, aiohttp).
fn is_view_base(base: &str) -> bool {
    let last = base.rsplit('.').next().unwrap_or(base);
    last.ends_with("APIView")
        || last.ends_with("ViewSet")
        || last.ends_with("View")
        || last == "Resource"
        || last == "HTTPEndpoint"
}

/// Class attributes that guard, throttle or page a class-based view.
const CLASS_MARKERS: &[&str] = &[
    "permission_classes",
    "authentication_classes",
    "throttle_classes",
    "throttle_scope",
    "pagination_class",
    "paginate_by",
    "permission_required",
    "login_url",
    "decorators",
    "method_decorators",
];

/// A class-based view: one `HandlerFact` with its markers, by class name.
pub(super) fn class_view(
    ctx: &Ctx<'_>,
    class: Node<'_>,
    decorators: &[Node<'_>],
    out: &mut ServiceFacts,
) {
    let Some(name) = class.child_by_field_name("name") else {
        return;
    };
    let bases: Vec<String> = class
        .child_by_field_name("superclasses")
        .map(|s| {
            let mut cursor = s.walk();
            let found: Vec<String> = s
                .named_children(&mut cursor)
                .filter(|b| matches!(b.kind(), "identifier" | "attribute"))
                .map(|b| ctx.text(b).to_string())
                .collect();
            found
        })
        .unwrap_or_default();
    if !bases.iter().any(|b| is_view_base(b)) {
        return;
    }
    let mut markers: Vec<String> = decorators.iter().map(|d| marker(ctx.file, *d)).collect();
    for base in &bases {
        let last = base.rsplit('.').next().unwrap_or(base);
        // Django's auth mixins guard a view; DRF's CRUD mixins only add
        // actions.
        if last.ends_with("Mixin") && !last.ends_with("ModelMixin") {
            push_unique(&mut markers, base.clone());
        }
    }
    if let Some(body) = class.child_by_field_name("body") {
        let mut cursor = body.walk();
        for statement in body.named_children(&mut cursor) {
            class_statement(ctx, statement, &mut markers);
        }
    }
    let start = class
        .parent()
        .filter(|p| p.kind() == "decorated_definition")
        .unwrap_or(class);
    // A viewset's own methods narrow the routes a router registers for it
    // in another file.
    let view_methods = bases
        .iter()
        .any(|b| b.ends_with("ViewSet"))
        .then(|| super::django::viewset_shape(ctx, class))
        .map(|shape| ViewMethods {
            collection: shape.list,
            item: shape.detail,
        });
    out.handlers.push(HandlerFact {
        name: ctx.text(name).to_string(),
        markers,
        view_methods,
        location: ctx
            .file
            .location(start.start_byte()..definition_head(class)),
    });
}

fn class_statement(ctx: &Ctx<'_>, statement: Node<'_>, markers: &mut Vec<String>) {
    match statement.kind() {
        "expression_statement" => {
            let Some(assignment) = statement
                .named_child(0)
                .filter(|a| a.kind() == "assignment")
            else {
                return;
            };
            let left = assignment
                .child_by_field_name("left")
                .map_or("", |l| ctx.text(l));
            if CLASS_MARKERS.contains(&left) {
                push_unique(markers, marker(ctx.file, assignment));
            }
        }
        // `@method_decorator(login_required) def dispatch(…)` guards every
        // method of the view.
        "decorated_definition" => {
            let is_dispatch = statement
                .child_by_field_name("definition")
                .and_then(|d| d.child_by_field_name("name"))
                .is_some_and(|n| ctx.text(n) == "dispatch");
            if is_dispatch {
                let mut cursor = statement.walk();
                for decorator in statement
                    .named_children(&mut cursor)
                    .filter(|c| c.kind() == "decorator")
                {
                    if let Some(expression) = decorator.named_child(0) {
                        push_unique(markers, marker(ctx.file, expression));
                    }
                }
            }
        }
        _ => {}
    }
}

/// The HTTP methods a same-file class-based view defines (`get`, `post`
/// …), upper-case; `None` when the class is not in this file or defines
/// none.
pub(super) fn class_methods(ctx: &Ctx<'_>, class_name: &str) -> Option<Vec<String>> {
    let class = ctx.classes.get(class_name)?;
    let body = class.child_by_field_name("body")?;
    let mut methods = Vec::new();
    let mut cursor = body.walk();
    for statement in body.named_children(&mut cursor) {
        let function = match statement.kind() {
            "decorated_definition" => statement.child_by_field_name("definition"),
            "function_definition" => Some(statement),
            _ => None,
        };
        let Some(name) = function.and_then(|f| f.child_by_field_name("name")) else {
            continue;
        };
        let name = ctx.text(name);
        if METHODS.contains(&name) {
            methods.push(name.to_ascii_uppercase());
        }
    }
    (!methods.is_empty()).then_some(methods)
}
