//! Django and Django REST framework: URL-conf lists (`urlpatterns`,
//! `path`/`re_path`/`url`, `include`), DRF routers (`router.register`),
//! and the settings module (`ROOT_URLCONF`, `INSTALLED_APPS`,
//! `MIDDLEWARE`, `REST_FRAMEWORK`, django-cors-headers switches).
//!
//! Django routes answer every method unless the view says otherwise, so
//! plain `path()` routes are recorded as `ANY`; the methods and guards of a
//! view live with the view (`HandlerFact`s from `views.py`).

use redflag_syntax::tree_sitter::Node;

use super::{argument, elements, keyword, marker, positional, push_unique, string_value, Ctx};
use crate::facts::service::{
    Framework, MountFact, RouteFact, RouterDecl, ServiceFacts, Signal, SignalKind, Target,
};

/// How many wrappers (`login_required(cache_page(60)(view))`) are
/// unwrapped around a view.
const MAX_WRAPPERS: usize = 8;

/// An assignment of a URL-conf list or a setting.
pub(super) fn assignment(ctx: &Ctx<'_>, node: Node<'_>, out: &mut ServiceFacts) {
    let (Some(left), Some(right)) = (
        node.child_by_field_name("left"),
        node.child_by_field_name("right"),
    ) else {
        return;
    };
    if left.kind() != "identifier" {
        return;
    }
    let name = ctx.text(left);
    match name {
        "urlpatterns" => url_conf(ctx, name, true, node, right, out),
        _ if ctx.included_lists.contains(name) => url_conf(ctx, name, false, node, right, out),
        "ROOT_URLCONF" => root_urlconf(ctx, node, right, out),
        "INSTALLED_APPS" => installed_apps(ctx, right, out),
        "MIDDLEWARE" | "MIDDLEWARE_CLASSES" => {
            for entry in string_entries(ctx, right) {
                signal(ctx, out, SignalKind::ServiceMarker, entry.0, entry.1);
            }
        }
        "REST_FRAMEWORK" => rest_framework(ctx, right, out),
        "CORS_ALLOW_ALL_ORIGINS" | "CORS_ORIGIN_ALLOW_ALL" if ctx.text(right) == "True" => {
            signal(
                ctx,
                out,
                SignalKind::PermissiveCors,
                marker(ctx.file, node),
                node,
            );
        }
        _ => {}
    }
}

fn signal(ctx: &Ctx<'_>, out: &mut ServiceFacts, kind: SignalKind, detail: String, at: Node<'_>) {
    out.signals.push(Signal {
        kind,
        detail,
        location: ctx.file.location(at.byte_range()),
    });
}

/// The strings of a list, tuple or `[…] + […]` concatenation, with their
/// nodes.
fn string_entries<'t>(ctx: &Ctx<'_>, value: Node<'t>) -> Vec<(String, Node<'t>)> {
    let mut found = Vec::new();
    let mut stack = vec![value];
    while let Some(node) = stack.pop() {
        match node.kind() {
            "binary_operator" => {
                if let Some(right) = node.child_by_field_name("right") {
                    stack.push(right);
                }
                if let Some(left) = node.child_by_field_name("left") {
                    stack.push(left);
                }
            }
            "parenthesized_expression" => {
                if let Some(inner) = node.named_child(0) {
                    stack.push(inner);
                }
            }
            _ => {
                for entry in elements(node) {
                    if let Some(text) = string_value(ctx.file, entry) {
                        found.push((text, entry));
                    }
                }
            }
        }
    }
    found
}

/// `ROOT_URLCONF = "project.urls"`: the Django application and its root
/// URL-conf.
fn root_urlconf(ctx: &Ctx<'_>, node: Node<'_>, value: Node<'_>, out: &mut ServiceFacts) {
    let Some(module) = string_value(ctx.file, value) else {
        return;
    };
    let location = ctx.file.location(node.byte_range());
    out.routers.push(RouterDecl {
        framework: Framework::Django,
        name: "<django>".to_string(),
        default_export: false,
        is_app: true,
        prefix: String::new(),
        markers: Vec::new(),
        location: location.clone(),
    });
    out.mounts.push(MountFact {
        framework: Framework::Django,
        parent: "<django>".to_string(),
        prefix: String::new(),
        child: Target::Imported { module, name: None },
        markers: Vec::new(),
        location,
    });
}

fn installed_apps(ctx: &Ctx<'_>, value: Node<'_>, out: &mut ServiceFacts) {
    for (app, node) in string_entries(ctx, value) {
        let root = app.split('.').next().unwrap_or("");
        let kind = match root {
            "corsheaders" => SignalKind::Cors,
            "health_check" => SignalKind::HealthLibrary,
            "drf_spectacular" | "drf_yasg" | "drf_spectacular_sidecar" => {
                SignalKind::OpenApiGenerator
            }
            _ => continue,
        };
        signal(ctx, out, kind, app, node);
    }
}

/// DRF defaults that guard, throttle or page every view.
const REST_FRAMEWORK_MARKERS: &[&str] = &[
    "DEFAULT_PERMISSION_CLASSES",
    "DEFAULT_THROTTLE_CLASSES",
    "DEFAULT_AUTHENTICATION_CLASSES",
    "DEFAULT_PAGINATION_CLASS",
];

fn rest_framework(ctx: &Ctx<'_>, value: Node<'_>, out: &mut ServiceFacts) {
    if value.kind() != "dictionary" {
        return;
    }
    let mut cursor = value.walk();
    for pair in value
        .named_children(&mut cursor)
        .filter(|p| p.kind() == "pair")
    {
        let (Some(key), Some(setting)) = (
            pair.child_by_field_name("key")
                .and_then(|k| string_value(ctx.file, k)),
            pair.child_by_field_name("value"),
        ) else {
            continue;
        };
        let values: Vec<(String, Node<'_>)> = match string_value(ctx.file, setting) {
            Some(single) => vec![(single, setting)],
            None => string_entries(ctx, setting),
        };
        for (text, node) in values {
            if REST_FRAMEWORK_MARKERS.contains(&key.as_str()) {
                signal(
                    ctx,
                    out,
                    SignalKind::ServiceMarker,
                    format!("{key}={text}"),
                    node,
                );
            } else if key == "DEFAULT_VERSIONING_CLASS" {
                signal(ctx, out, SignalKind::Versioning, text, node);
            } else if key == "DEFAULT_SCHEMA_CLASS" && text.contains("drf_spectacular") {
                signal(ctx, out, SignalKind::OpenApiGenerator, text, node);
            }
        }
    }
}

/// A URL-conf list: its router (once per name), then its routes and
/// mounts. Inline `include([...])` lists become routers of their own,
/// named `<include:LINE>`.
fn url_conf(
    ctx: &Ctx<'_>,
    name: &str,
    default_export: bool,
    node: Node<'_>,
    value: Node<'_>,
    out: &mut ServiceFacts,
) {
    declare(ctx, name, default_export, node, out);
    let mut work: Vec<(String, Node<'_>)> = vec![(name.to_string(), value)];
    while let Some((router, node)) = work.pop() {
        match node.kind() {
            "binary_operator" => {
                for side in ["right", "left"] {
                    if let Some(side) = node.child_by_field_name(side) {
                        work.push((router.clone(), side));
                    }
                }
            }
            "parenthesized_expression" => {
                if let Some(inner) = node.named_child(0) {
                    work.push((router, inner));
                }
            }
            // `urlpatterns += router.urls`.
            "attribute" if ctx.text(node).ends_with(".urls") => {
                if let Some(child) = node
                    .child_by_field_name("object")
                    .and_then(|o| ctx.target(o))
                {
                    out.mounts.push(MountFact {
                        framework: Framework::Django,
                        parent: router,
                        prefix: String::new(),
                        child,
                        markers: Vec::new(),
                        location: ctx.file.location(node.byte_range()),
                    });
                }
            }
            "list" | "tuple" => {
                let mut inline: Vec<(String, Node<'_>)> = elements(node)
                    .into_iter()
                    .filter_map(|entry| pattern(ctx, &router, entry, out))
                    .collect();
                // Inline lists are read after this one, in source order.
                inline.reverse();
                work.extend(inline);
            }
            _ => {}
        }
    }
}

fn declare(
    ctx: &Ctx<'_>,
    name: &str,
    default_export: bool,
    node: Node<'_>,
    out: &mut ServiceFacts,
) {
    if out.routers.iter().any(|r| r.name == name) {
        return;
    }
    out.routers.push(RouterDecl {
        framework: Framework::Django,
        name: name.to_string(),
        default_export,
        is_app: false,
        prefix: String::new(),
        markers: Vec::new(),
        location: ctx.file.location(node.byte_range()),
    });
}

/// One `path(…)`/`re_path(…)`/`url(…)` entry. Returns an inline
/// `include([...])` list to read as its own router.
fn pattern<'t>(
    ctx: &Ctx<'_>,
    router: &str,
    entry: Node<'t>,
    out: &mut ServiceFacts,
) -> Option<(String, Node<'t>)> {
    if entry.kind() != "call" {
        return None;
    }
    if !matches!(
        ctx.callee_last(entry).as_deref(),
        Some("path" | "re_path" | "url")
    ) {
        return None;
    }
    let file = ctx.file;
    let route = argument(file, entry, 0, "route")?;
    let route = string_value(file, route).unwrap_or_else(|| marker(file, route));
    let mut view = argument(file, entry, 1, "view")?;
    let mut markers = Vec::new();
    let location = file.location(entry.byte_range());
    for _ in 0..MAX_WRAPPERS {
        match view.kind() {
            "call" => {
                let callee = ctx.callee_last(view);
                match callee.as_deref() {
                    Some("include") => {
                        let (child, inline) = include_target(ctx, view, entry)?;
                        out.mounts.push(MountFact {
                            framework: Framework::Django,
                            parent: router.to_string(),
                            prefix: route,
                            child: child.clone(),
                            markers,
                            location,
                        });
                        if let (Some(list), Target::Local(name)) = (inline, child) {
                            declare(ctx, &name, false, list, out);
                            return Some((name, list));
                        }
                        return None;
                    }
                    Some("as_view") => {
                        let object = view
                            .child_by_field_name("function")?
                            .child_by_field_name("object")?;
                        let class = ctx.path(object)?;
                        let class = class.rsplit('.').next().unwrap_or(&class).to_string();
                        // `ViewSet.as_view({"get": "list", "post": "create"})`.
                        let methods = positional(view, 0)
                            .filter(|m| m.kind() == "dictionary")
                            .map(|m| {
                                let mut cursor = m.walk();
                                let found: Vec<String> = m
                                    .named_children(&mut cursor)
                                    .filter_map(|p| p.child_by_field_name("key"))
                                    .filter_map(|k| string_value(file, k))
                                    .map(|k| k.to_ascii_uppercase())
                                    .collect();
                                found
                            })
                            .filter(|m| !m.is_empty())
                            .unwrap_or_else(|| vec!["ANY".to_string()]);
                        push_route(out, router, methods, route, Some(class), markers, location);
                        return None;
                    }
                    _ => {
                        // A wrapper: `login_required(view)`, `cache_page(60)(view)`.
                        let function = view.child_by_field_name("function")?;
                        push_unique(&mut markers, marker(file, function));
                        view = positional(view, 0)?;
                    }
                }
            }
            "attribute" if ctx.text(view).ends_with(".urls") => {
                // `admin.site.urls`, `router.urls`.
                let child = ctx.target(view.child_by_field_name("object")?)?;
                out.mounts.push(MountFact {
                    framework: Framework::Django,
                    parent: router.to_string(),
                    prefix: route,
                    child,
                    markers,
                    location,
                });
                return None;
            }
            "identifier" | "attribute" => {
                let handler = ctx.path(view).unwrap_or_else(|| marker(file, view));
                push_route(
                    out,
                    router,
                    vec!["ANY".to_string()],
                    route,
                    Some(handler),
                    markers,
                    location,
                );
                return None;
            }
            _ => return None,
        }
    }
    None
}

fn push_route(
    out: &mut ServiceFacts,
    router: &str,
    methods: Vec<String>,
    path: String,
    handler: Option<String>,
    markers: Vec<String>,
    location: crate::source::Location,
) {
    out.routes.push(RouteFact {
        framework: Framework::Django,
        router: Some(router.to_string()),
        methods,
        path,
        handler,
        markers,
        status: None,
        params: Vec::new(),
        collection_reads: Vec::new(),
        location,
    });
}

/// What `include(…)` mounts, and the inline list it holds when it holds
/// one.
fn include_target<'t>(
    ctx: &Ctx<'_>,
    include: Node<'t>,
    entry: Node<'t>,
) -> Option<(Target, Option<Node<'t>>)> {
    let mut argument = positional(include, 0)?;
    if argument.kind() == "tuple" {
        // `include(("api.urls", "api"))`, `include((router.urls, "api"))`.
        argument = *elements(argument).first()?;
    }
    if let Some(module) = string_value(ctx.file, argument) {
        return Some((Target::Imported { module, name: None }, None));
    }
    match argument.kind() {
        "list" => {
            let line = entry.start_position().row + 1;
            Some((Target::Local(format!("<include:{line}>")), Some(argument)))
        }
        "attribute" if ctx.text(argument).ends_with(".urls") => {
            Some((ctx.target(argument.child_by_field_name("object")?)?, None))
        }
        "identifier" => {
            let name = ctx.text(argument);
            if ctx.included_lists.contains(name) && ctx.file.imports().binding(name).is_none() {
                return Some((Target::Local(name.to_string()), None));
            }
            // An imported URL-conf module (`from api import urls as api_urls`).
            match ctx.file.imports().binding(name) {
                Some(binding) if binding.ends_with("urls") => Some((
                    Target::Imported {
                        module: super::module_binding(binding),
                        name: None,
                    },
                    None,
                )),
                _ => Some((ctx.target(argument)?, None)),
            }
        }
        _ => Some((ctx.target(argument)?, None)),
    }
}

/// The URL patterns a DRF router generates for `router.register(prefix,
/// ViewSet)`: the list route and the detail route, with the methods the
/// viewset answers when it is defined in this file (all of them when it is
/// not), and its same-file `@action`s.
pub(super) fn drf_register(ctx: &Ctx<'_>, router: &str, call: Node<'_>, out: &mut ServiceFacts) {
    let file = ctx.file;
    let Some(prefix) = argument(file, call, 0, "prefix") else {
        return;
    };
    let prefix = string_value(file, prefix).unwrap_or_else(|| marker(file, prefix));
    let Some(viewset) = argument(file, call, 1, "viewset").and_then(|v| ctx.path(v)) else {
        return;
    };
    let viewset = viewset.rsplit('.').next().unwrap_or(&viewset).to_string();
    let slash = if ctx.drf_routers.get(router).copied().unwrap_or(true) {
        "/"
    } else {
        ""
    };
    let shape = ctx
        .classes
        .get(&viewset)
        .map(|class| viewset_shape(ctx, *class))
        .unwrap_or_default();
    let base = if prefix.is_empty() {
        String::new()
    } else {
        format!("{prefix}/")
    };
    let detail = format!("{base}{{{}}}", shape.lookup);
    let location = file.location(call.byte_range());
    let list_path = if prefix.is_empty() {
        String::new()
    } else {
        format!("{prefix}{slash}")
    };
    for (methods, path) in [
        (shape.list, list_path),
        (shape.detail, format!("{detail}{slash}")),
    ] {
        if !methods.is_empty() {
            push_route(
                out,
                router,
                methods,
                path,
                Some(viewset.clone()),
                Vec::new(),
                location.clone(),
            );
        }
    }
    for action in shape.actions {
        let path = if action.detail {
            format!("{detail}/{}{slash}", action.url_path)
        } else {
            format!("{base}{}{slash}", action.url_path)
        };
        push_route(
            out,
            router,
            action.methods,
            path,
            Some(viewset.clone()),
            action.markers,
            location.clone(),
        );
    }
}

/// What a same-file viewset answers.
pub(super) struct ViewSetShape {
    pub(super) list: Vec<String>,
    pub(super) detail: Vec<String>,
    lookup: String,
    actions: Vec<Action>,
}

struct Action {
    detail: bool,
    url_path: String,
    methods: Vec<String>,
    markers: Vec<String>,
}

impl Default for ViewSetShape {
    /// A `ModelViewSet`: everything.
    fn default() -> Self {
        ViewSetShape {
            list: vec!["GET".into(), "POST".into()],
            detail: vec!["GET".into(), "PUT".into(), "PATCH".into(), "DELETE".into()],
            lookup: "pk".into(),
            actions: Vec::new(),
        }
    }
}

pub(super) fn viewset_shape(ctx: &Ctx<'_>, class: Node<'_>) -> ViewSetShape {
    let mut shape = ViewSetShape::default();
    let bases: Vec<String> = class
        .child_by_field_name("superclasses")
        .map(|s| {
            let mut cursor = s.walk();
            let found: Vec<String> = s
                .named_children(&mut cursor)
                .map(|b| {
                    let text = ctx.text(b);
                    text.rsplit('.').next().unwrap_or(text).to_string()
                })
                .collect();
            found
        })
        .unwrap_or_default();
    let mut defined = Vec::new();
    if let Some(body) = class.child_by_field_name("body") {
        let mut cursor = body.walk();
        for statement in body.named_children(&mut cursor) {
            match statement.kind() {
                "function_definition" => {
                    if let Some(name) = statement.child_by_field_name("name") {
                        defined.push(ctx.text(name).to_string());
                    }
                }
                "decorated_definition" => {
                    if let Some(action) = action(ctx, statement) {
                        shape.actions.push(action);
                    } else if let Some(name) = statement
                        .child_by_field_name("definition")
                        .and_then(|d| d.child_by_field_name("name"))
                    {
                        defined.push(ctx.text(name).to_string());
                    }
                }
                "expression_statement" => {
                    let Some(assignment) = statement
                        .named_child(0)
                        .filter(|a| a.kind() == "assignment")
                    else {
                        continue;
                    };
                    let is_lookup = assignment
                        .child_by_field_name("left")
                        .is_some_and(|l| ctx.text(l) == "lookup_field");
                    if let Some(field) = is_lookup
                        .then(|| assignment.child_by_field_name("right"))
                        .flatten()
                        .and_then(|r| string_value(ctx.file, r))
                    {
                        shape.lookup = field;
                    }
                }
                _ => {}
            }
        }
    }
    let has = |base: &str| bases.iter().any(|b| b == base);
    if has("ModelViewSet") {
        return shape;
    }
    if has("ReadOnlyModelViewSet") {
        shape.list = vec!["GET".into()];
        shape.detail = vec!["GET".into()];
        return shape;
    }
    let answers = |action: &str, mixin: &str| defined.iter().any(|d| d == action) || has(mixin);
    let mut list = Vec::new();
    let mut detail = Vec::new();
    if answers("list", "ListModelMixin") {
        list.push("GET".to_string());
    }
    if answers("create", "CreateModelMixin") {
        list.push("POST".to_string());
    }
    if answers("retrieve", "RetrieveModelMixin") {
        detail.push("GET".to_string());
    }
    if answers("update", "UpdateModelMixin") {
        detail.push("PUT".to_string());
    }
    if answers("partial_update", "UpdateModelMixin") {
        detail.push("PATCH".to_string());
    }
    if answers("destroy", "DestroyModelMixin") {
        detail.push("DELETE".to_string());
    }
    // A viewset built on a base class of the project's own: not knowable
    // here, so everything.
    let known_base = bases
        .iter()
        .any(|b| matches!(b.as_str(), "ViewSet" | "GenericViewSet") || b.ends_with("ModelMixin"));
    if known_base || !list.is_empty() || !detail.is_empty() {
        shape.list = list;
        shape.detail = detail;
    }
    shape
}

/// `@action(detail=True, methods=["post"], url_path="set-password")`.
fn action(ctx: &Ctx<'_>, decorated: Node<'_>) -> Option<Action> {
    let file = ctx.file;
    let mut cursor = decorated.walk();
    let decorator = decorated
        .named_children(&mut cursor)
        .filter(|c| c.kind() == "decorator")
        .filter_map(|d| d.named_child(0))
        .find(|d| d.kind() == "call" && ctx.callee_last(*d).as_deref() == Some("action"))?;
    let name = decorated
        .child_by_field_name("definition")
        .and_then(|d| d.child_by_field_name("name"))
        .map(|n| ctx.text(n).to_string())?;
    let detail = keyword(file, decorator, "detail").is_some_and(|d| ctx.text(d) == "True");
    let url_path = keyword(file, decorator, "url_path")
        .and_then(|u| string_value(file, u))
        .unwrap_or(name);
    let methods = keyword(file, decorator, "methods")
        .map(|m| super::methods_of(file, m))
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| vec!["GET".to_string()]);
    let mut markers = Vec::new();
    for key in [
        "permission_classes",
        "authentication_classes",
        "throttle_classes",
        "pagination_class",
    ] {
        if let Some(value) = keyword(file, decorator, key) {
            markers.push(format!("{key}={}", marker(file, value)));
        }
    }
    Some(Action {
        detail,
        url_path,
        methods,
        markers,
    })
}
