//! Router declarations and registration calls of FastAPI, Flask and
//! aiohttp: `FastAPI()`/`APIRouter()`/`Flask()`/`Blueprint()`/
//! `web.Application()`, `include_router`, `register_blueprint`,
//! `add_url_rule`, `add_api_route`, `app.router.add_get`, `add_routes`,
//! `add_subapp`, middleware (`add_middleware`, extensions constructed on
//! the app, `init_app`), CORS and session signals, and DRF's
//! `router.register`.

use redflag_syntax::tree_sitter::Node;

use super::views::{class_methods, same_file_handler, HandlerDetails};
use super::{
    argument, elements, keyword, marker, methods_of, positional, status_value, string_value, Ctx,
};
use crate::facts::service::{
    Framework, MiddlewareFact, MountFact, RouteFact, RouterDecl, ServiceFacts, Signal, SignalKind,
    Target,
};

/// `name = Constructor(…)` that makes a router or app.
pub(super) fn router_declaration(
    ctx: &mut Ctx<'_>,
    assignment: Node<'_>,
    name: &str,
    call: Node<'_>,
    out: &mut ServiceFacts,
) {
    let Some(resolved) = ctx.resolved_callee(call) else {
        return;
    };
    let file = ctx.file;
    let last = resolved.rsplit('.').next().unwrap_or(&resolved);
    let written = call
        .child_by_field_name("function")
        .map_or("", |f| ctx.text(f));
    let string_kwarg = |key: &str| {
        keyword(file, call, key)
            .map(|v| string_value(file, v).unwrap_or_else(|| marker(file, v)))
            .unwrap_or_default()
    };
    let (framework, is_app, prefix) = match last {
        "FastAPI" => (Framework::FastApi, true, String::new()),
        "APIRouter" => (Framework::FastApi, false, string_kwarg("prefix")),
        "Flask" | "APIFlask" | "Quart" => (Framework::Flask, true, String::new()),
        "Blueprint" | "APIBlueprint" => (Framework::Flask, false, string_kwarg("url_prefix")),
        "Application" if resolved.starts_with("aiohttp") || written == "web.Application" => {
            (Framework::Aiohttp, true, String::new())
        }
        "RouteTableDef" => (Framework::Aiohttp, false, String::new()),
        // Flask-RESTful / Flask-RESTX: a router of resources on an app or
        // blueprint.
        "Api" if resolved.starts_with("flask_restful") || resolved.starts_with("flask_restx") => {
            (Framework::Flask, false, string_kwarg("prefix"))
        }
        "DefaultRouter" | "SimpleRouter" | "ExtendedDefaultRouter" | "ExtendedSimpleRouter" => {
            let slash =
                keyword(file, call, "trailing_slash").is_none_or(|v| ctx.text(v) != "False");
            ctx.drf_routers.insert(name.to_string(), slash);
            (Framework::Django, false, String::new())
        }
        _ => return,
    };
    if ctx.routers.contains_key(name) {
        return;
    }
    ctx.routers.insert(name.to_string(), framework);
    let markers = keyword(file, call, "dependencies")
        .map(|list| {
            elements(list)
                .into_iter()
                .map(|e| marker(file, e))
                .collect()
        })
        .unwrap_or_default();
    out.routers.push(RouterDecl {
        framework,
        name: name.to_string(),
        default_export: false,
        is_app,
        prefix,
        markers,
        location: file.location(assignment.byte_range()),
    });
    match framework {
        Framework::Flask if last == "Api" => {
            let parent = argument(file, call, 0, "app").and_then(|a| ctx.path(a));
            if let Some(parent) = parent {
                out.mounts.push(MountFact {
                    framework,
                    parent,
                    prefix: String::new(),
                    child: Target::Local(name.to_string()),
                    markers: Vec::new(),
                    location: file.location(assignment.byte_range()),
                });
            }
        }
        Framework::FastApi if is_app => {
            // FastAPI serves `/openapi.json` unless told not to.
            let disabled = keyword(file, call, "openapi_url").is_some_and(|v| v.kind() == "none");
            if !disabled {
                out.signals.push(Signal {
                    kind: SignalKind::OpenApiGenerator,
                    detail: marker(file, call),
                    location: file.location(call.byte_range()),
                });
            }
            // `FastAPI(middleware=[Middleware(CORSMiddleware, …)])`.
            if let Some(list) = keyword(file, call, "middleware") {
                for entry in elements(list) {
                    let class = (entry.kind() == "call")
                        .then(|| positional(entry, 0))
                        .flatten()
                        .unwrap_or(entry);
                    asgi_middleware(ctx, name, class, entry, out);
                }
            }
        }
        Framework::Aiohttp if is_app => {
            if let Some(list) = keyword(file, call, "middlewares") {
                for entry in elements(list) {
                    out.middleware.push(MiddlewareFact {
                        framework,
                        router: name.to_string(),
                        name: marker(file, entry),
                        location: file.location(entry.byte_range()),
                    });
                }
            }
        }
        _ => {}
    }
}

/// A Starlette middleware class added to `router` (`add_middleware`, or a
/// `Middleware(…)` entry), with the CORS and session signals it gives.
/// `call` holds the class's options.
fn asgi_middleware(
    ctx: &Ctx<'_>,
    router: &str,
    class: Node<'_>,
    call: Node<'_>,
    out: &mut ServiceFacts,
) {
    let file = ctx.file;
    let name = marker(file, class);
    let last = name.rsplit('.').next().unwrap_or(&name).to_string();
    out.middleware.push(MiddlewareFact {
        framework: Framework::FastApi,
        router: router.to_string(),
        name,
        location: file.location(call.byte_range()),
    });
    let mut signal = |kind| {
        out.signals.push(Signal {
            kind,
            detail: marker(file, call),
            location: file.location(call.byte_range()),
        });
    };
    match last.as_str() {
        "CORSMiddleware" => {
            signal(SignalKind::Cors);
            let credentials =
                keyword(file, call, "allow_credentials").is_some_and(|v| ctx.text(v) == "True");
            let any_origin = keyword(file, call, "allow_origins").is_some_and(|v| {
                elements(v)
                    .iter()
                    .any(|e| string_value(file, *e).as_deref() == Some("*"))
            }) || keyword(file, call, "allow_origin_regex")
                .and_then(|v| string_value(file, v))
                .is_some_and(|r| {
                    matches!(r.trim_start_matches('^').trim_end_matches('$'), ".*" | ".+")
                });
            if credentials && any_origin {
                signal(SignalKind::PermissiveCors);
            }
        }
        "SessionMiddleware" => signal(SignalKind::CookieAuth),
        _ => {}
    }
}

/// A call that registers routes, mounts routers or applies middleware.
pub(super) fn registration(ctx: &Ctx<'_>, call: Node<'_>, out: &mut ServiceFacts) {
    let Some(function) = call.child_by_field_name("function") else {
        return;
    };
    if extension(ctx, call, function, out) {
        return;
    }
    if function.kind() != "attribute" {
        return;
    }
    let (Some(object), Some(method)) = (
        function.child_by_field_name("object"),
        function.child_by_field_name("attribute"),
    ) else {
        return;
    };
    let Some(object) = ctx.path(object) else {
        return;
    };
    let method = ctx.text(method);
    let file = ctx.file;
    // `app.router.add_get(…)` registers on `app`.
    let router = object
        .strip_suffix(".router")
        .unwrap_or(&object)
        .to_string();
    let location = file.location(call.byte_range());
    match method {
        "include_router" => {
            let Some(child) = argument(file, call, 0, "router").and_then(|c| ctx.target(c)) else {
                return;
            };
            out.mounts.push(MountFact {
                framework: Framework::FastApi,
                parent: router,
                prefix: string_kwarg(ctx, call, "prefix"),
                child,
                markers: list_markers(ctx, call, "dependencies"),
                location,
            });
        }
        "register_blueprint" => {
            let Some(child) = argument(file, call, 0, "blueprint").and_then(|c| ctx.target(c))
            else {
                return;
            };
            out.mounts.push(MountFact {
                framework: Framework::Flask,
                parent: router,
                prefix: string_kwarg(ctx, call, "url_prefix"),
                child,
                markers: Vec::new(),
                location,
            });
        }
        // `app.mount("/v1", v1_app)`; `StaticFiles(…)` and other ASGI apps
        // built in place are not routers.
        "mount" if ctx.routers.get(&router) == Some(&Framework::FastApi) => {
            let (Some(prefix), Some(child)) = (
                argument(file, call, 0, "path"),
                argument(file, call, 1, "app"),
            ) else {
                return;
            };
            if !matches!(child.kind(), "identifier" | "attribute") {
                return;
            }
            let Some(child) = ctx.target(child) else {
                return;
            };
            out.mounts.push(MountFact {
                framework: Framework::FastApi,
                parent: router,
                prefix: string_value(file, prefix).unwrap_or_else(|| marker(file, prefix)),
                child,
                markers: Vec::new(),
                location,
            });
        }
        "add_api_route" => {
            let methods = keyword(file, call, "methods")
                .map_or_else(|| vec!["GET".to_string()], |m| methods_of(file, m));
            let status = keyword(file, call, "status_code").and_then(|s| status_value(ctx.text(s)));
            let markers = list_markers(ctx, call, "dependencies");
            call_route(
                ctx,
                call,
                Framework::FastApi,
                router,
                methods,
                (0, "path"),
                (1, "endpoint"),
                status,
                markers,
                out,
            );
        }
        "add_url_rule" => {
            let view = argument(file, call, 2, "view_func");
            let class = view.and_then(|v| as_view_class(ctx, v));
            let methods = keyword(file, call, "methods").map_or_else(
                || match &class {
                    Some(class) => {
                        class_methods(ctx, class).unwrap_or_else(|| vec!["ANY".to_string()])
                    }
                    None => vec!["GET".to_string()],
                },
                |m| methods_of(file, m),
            );
            call_route(
                ctx,
                call,
                Framework::Flask,
                router,
                methods,
                (0, "rule"),
                (2, "view_func"),
                None,
                Vec::new(),
                out,
            );
        }
        "add_middleware" => {
            if let Some(class) = argument(file, call, 0, "middleware_class") {
                asgi_middleware(ctx, &router, class, call, out);
            }
        }
        "before_request" | "after_request" | "before_app_request" | "after_app_request" => {
            if let Some(hook) = positional(call, 0) {
                out.middleware.push(MiddlewareFact {
                    framework: ctx.framework_of(&router).unwrap_or(Framework::Flask),
                    router,
                    name: marker(file, hook),
                    location,
                });
            }
        }
        "init_app" => {
            let Some(app) = argument(file, call, 0, "app").and_then(|a| ctx.path(a)) else {
                return;
            };
            // A Flask-RESTful `Api()` bound later mounts its resources.
            if ctx.routers.contains_key(&object) {
                out.mounts.push(MountFact {
                    framework: Framework::Flask,
                    parent: app,
                    prefix: String::new(),
                    child: Target::Local(object),
                    markers: Vec::new(),
                    location,
                });
                return;
            }
            let name = ctx
                .constructed
                .get(&object)
                .cloned()
                .unwrap_or_else(|| object.clone());
            let framework = ctx.framework_of(&app).unwrap_or(Framework::Flask);
            if name.rsplit('.').next() == Some("LoginManager") {
                out.signals.push(Signal {
                    kind: SignalKind::CookieAuth,
                    detail: marker(file, call),
                    location: location.clone(),
                });
            }
            if name.rsplit('.').next() == Some("CORS") {
                // The options sit on the constructor, elsewhere.
                out.signals.push(Signal {
                    kind: SignalKind::Cors,
                    detail: marker(file, call),
                    location: location.clone(),
                });
            }
            out.middleware.push(MiddlewareFact {
                framework,
                router: app,
                name,
                location,
            });
        }
        m if aiohttp_registration(m).is_some()
            && (object.ends_with(".router") || ctx.hints.contains(&Framework::Aiohttp)) =>
        {
            let (methods, path, handler) = match aiohttp_registration(m) {
                Some(AiohttpRegistration::Verb(method)) => {
                    (vec![method], (0, "path"), (1, "handler"))
                }
                // `add_route(method, path, handler)`.
                Some(AiohttpRegistration::Route) => {
                    let Some(method) =
                        argument(file, call, 0, "method").and_then(|v| string_value(file, v))
                    else {
                        return;
                    };
                    let method = if method == "*" {
                        "ANY".to_string()
                    } else {
                        method.to_ascii_uppercase()
                    };
                    (vec![method], (1, "path"), (2, "handler"))
                }
                _ => (vec!["ANY".to_string()], (0, "path"), (1, "handler")),
            };
            call_route(
                ctx,
                call,
                Framework::Aiohttp,
                router,
                methods,
                path,
                handler,
                None,
                Vec::new(),
                out,
            );
        }
        "add_routes" => {
            let Some(table) = positional(call, 0) else {
                return;
            };
            if matches!(table.kind(), "list" | "tuple") {
                for entry in elements(table) {
                    route_definition(ctx, &router, entry, out);
                }
            } else if let Some(child) = ctx.target(table) {
                out.mounts.push(MountFact {
                    framework: Framework::Aiohttp,
                    parent: router,
                    prefix: String::new(),
                    child,
                    markers: Vec::new(),
                    location,
                });
            }
        }
        "add_subapp" => {
            let (Some(prefix), Some(child)) = (positional(call, 0), positional(call, 1)) else {
                return;
            };
            let Some(child) = ctx.target(child) else {
                return;
            };
            out.mounts.push(MountFact {
                framework: Framework::Aiohttp,
                parent: router,
                prefix: string_value(file, prefix).unwrap_or_else(|| marker(file, prefix)),
                child,
                markers: Vec::new(),
                location,
            });
        }
        "append" | "extend" if object.ends_with(".middlewares") => {
            let app = object.trim_end_matches(".middlewares").to_string();
            let Some(entry) = positional(call, 0) else {
                return;
            };
            let entries = if method == "extend" {
                elements(entry)
            } else {
                vec![entry]
            };
            for entry in entries {
                out.middleware.push(MiddlewareFact {
                    framework: Framework::Aiohttp,
                    router: app.clone(),
                    name: marker(file, entry),
                    location: file.location(entry.byte_range()),
                });
            }
        }
        // Flask-RESTful `api.add_resource(UserResource, "/users", "/users/<int:id>")`.
        "add_resource" if ctx.routers.get(&object) == Some(&Framework::Flask) => {
            let Some(resource) = positional(call, 0).and_then(|r| ctx.path(r)) else {
                return;
            };
            let class = resource.rsplit('.').next().unwrap_or(&resource).to_string();
            let methods = class_methods(ctx, &class).unwrap_or_else(|| vec!["ANY".to_string()]);
            let mut index = 1;
            while let Some(url) = positional(call, index) {
                index += 1;
                let Some(path) = string_value(file, url) else {
                    continue;
                };
                out.routes.push(RouteFact {
                    framework: Framework::Flask,
                    router: Some(object.clone()),
                    methods: methods.clone(),
                    path,
                    handler: Some(class.clone()),
                    markers: Vec::new(),
                    status: None,
                    params: Vec::new(),
                    collection_reads: Vec::new(),
                    location: file.location(url.byte_range()),
                });
            }
        }
        "register" if ctx.drf_routers.contains_key(&object) => {
            super::django::drf_register(ctx, &object, call, out);
        }
        _ => {}
    }
}

/// What an aiohttp `router.add_…` call registers.
enum AiohttpRegistration {
    /// `add_get`, `add_post`, …: one method.
    Verb(String),
    /// `add_route(method, path, handler)`.
    Route,
    /// `add_view(path, View)`: every method the view defines.
    View,
}

fn aiohttp_registration(method: &str) -> Option<AiohttpRegistration> {
    match method {
        "add_route" => Some(AiohttpRegistration::Route),
        "add_view" => Some(AiohttpRegistration::View),
        _ => {
            let verb = method.strip_prefix("add_")?;
            matches!(
                verb,
                "get" | "post" | "put" | "patch" | "delete" | "head" | "options"
            )
            .then(|| AiohttpRegistration::Verb(verb.to_ascii_uppercase()))
        }
    }
}

/// `web.get("/p", handler)` and friends inside `app.add_routes([…])`.
fn route_definition(ctx: &Ctx<'_>, router: &str, entry: Node<'_>, out: &mut ServiceFacts) {
    if entry.kind() != "call" {
        return;
    }
    let Some(callee) = ctx.resolved_callee(entry) else {
        return;
    };
    let Some((module, verb)) = callee.rsplit_once('.') else {
        return;
    };
    if !(module == "web" || module.starts_with("aiohttp")) {
        return;
    }
    let file = ctx.file;
    let (methods, path, handler) = match verb {
        "get" | "post" | "put" | "patch" | "delete" | "head" | "options" => {
            (vec![verb.to_ascii_uppercase()], (0, "path"), (1, "handler"))
        }
        "route" => {
            let Some(method) =
                argument(file, entry, 0, "method").and_then(|v| string_value(file, v))
            else {
                return;
            };
            let method = if method == "*" {
                "ANY".to_string()
            } else {
                method.to_ascii_uppercase()
            };
            (vec![method], (1, "path"), (2, "handler"))
        }
        "view" => (vec!["ANY".to_string()], (0, "path"), (1, "handler")),
        _ => return,
    };
    call_route(
        ctx,
        entry,
        Framework::Aiohttp,
        router.to_string(),
        methods,
        path,
        handler,
        None,
        Vec::new(),
        out,
    );
}

/// A route registered by a call, with its handler read when it is defined
/// in this file.
#[allow(clippy::too_many_arguments)]
fn call_route(
    ctx: &Ctx<'_>,
    call: Node<'_>,
    framework: Framework,
    router: String,
    mut methods: Vec<String>,
    path: (usize, &str),
    handler: (usize, &str),
    status: Option<u16>,
    mut markers: Vec<String>,
    out: &mut ServiceFacts,
) {
    let file = ctx.file;
    let Some(path) = argument(file, call, path.0, path.1) else {
        return;
    };
    let path = string_value(file, path).unwrap_or_else(|| marker(file, path));
    let handler = argument(file, call, handler.0, handler.1);
    let handler_name = handler.map(|h| as_view_class(ctx, h).unwrap_or_else(|| marker(file, h)));
    if methods == ["ANY"] {
        if let Some(defined) = handler_name
            .as_deref()
            .and_then(|class| class_methods(ctx, class))
        {
            methods = defined;
        }
    }
    let details: HandlerDetails = handler_name
        .as_deref()
        .map(|h| same_file_handler(ctx, h, framework))
        .unwrap_or_default();
    for m in details.markers {
        super::push_unique(&mut markers, m);
    }
    out.routes.push(RouteFact {
        framework,
        router: Some(router),
        methods,
        path,
        handler: handler_name,
        markers,
        status: status.or(details.status),
        params: details.params,
        collection_reads: details.reads,
        location: file.location(call.byte_range()),
    });
}

/// `UserAPI.as_view("users")` → `UserAPI`.
fn as_view_class(ctx: &Ctx<'_>, view: Node<'_>) -> Option<String> {
    if view.kind() != "call" || ctx.callee_last(view).as_deref() != Some("as_view") {
        return None;
    }
    let object = view
        .child_by_field_name("function")?
        .child_by_field_name("object")?;
    let path = ctx.path(object)?;
    Some(path.rsplit('.').next().unwrap_or(&path).to_string())
}

/// Flask and aiohttp extensions applied to an app by construction or
/// setup: `Talisman(app)`, `CORS(app, …)`, `Limiter(app=app, …)`,
/// `aiohttp_cors.setup(app)`. True when the call was one.
fn extension(ctx: &Ctx<'_>, call: Node<'_>, function: Node<'_>, out: &mut ServiceFacts) -> bool {
    let file = ctx.file;
    let Some(callee) = ctx.path(function) else {
        return false;
    };
    let last = callee.rsplit('.').next().unwrap_or(&callee);
    let constructor = last.chars().next().is_some_and(char::is_uppercase);
    if !(constructor || last == "setup") {
        return false;
    }
    let app_argument = keyword(file, call, "app").or_else(|| positional(call, 0));
    let Some(app) = app_argument.and_then(|a| ctx.path(a)) else {
        return false;
    };
    let Some(&framework) = ctx.routers.get(&app) else {
        return false;
    };
    // `Api(app)` of Flask-RESTful mounts a router, read as its declaration.
    if last == "Api" && ctx.routers.contains_key(&callee_assigned_name(ctx, call)) {
        return false;
    }
    if !matches!(framework, Framework::Flask | Framework::Aiohttp) {
        return false;
    }
    out.middleware.push(MiddlewareFact {
        framework,
        router: app,
        name: callee.clone(),
        location: file.location(call.byte_range()),
    });
    let lower = callee.to_ascii_lowercase();
    if last == "CORS" {
        flask_cors(ctx, call, out);
    } else if lower.contains("cors") {
        out.signals.push(Signal {
            kind: SignalKind::Cors,
            detail: marker(file, call),
            location: file.location(call.byte_range()),
        });
    }
    if lower.contains("session") || last == "LoginManager" {
        out.signals.push(Signal {
            kind: SignalKind::CookieAuth,
            detail: marker(file, call),
            location: file.location(call.byte_range()),
        });
    }
    true
}

/// The name a call is assigned to (`api` in `api = Api(app)`), empty when
/// it is not assigned.
fn callee_assigned_name(ctx: &Ctx<'_>, call: Node<'_>) -> String {
    call.parent()
        .filter(|p| p.kind() == "assignment")
        .and_then(|p| p.child_by_field_name("left"))
        .map(|l| ctx.text(l).to_string())
        .unwrap_or_default()
}

/// Flask-CORS `CORS(app, …)`: allows every origin unless `origins` says
/// otherwise; with `supports_credentials=True` that is any origin with
/// cookies.
fn flask_cors(ctx: &Ctx<'_>, call: Node<'_>, out: &mut ServiceFacts) {
    let file = ctx.file;
    let has_options = call
        .child_by_field_name("arguments")
        .is_some_and(|a| a.named_child_count() > 1);
    let mut signal = |kind| {
        out.signals.push(Signal {
            kind,
            detail: marker(file, call),
            location: file.location(call.byte_range()),
        });
    };
    signal(SignalKind::Cors);
    if !has_options {
        signal(SignalKind::DefaultCors);
    }
    let credentials =
        keyword(file, call, "supports_credentials").is_some_and(|v| ctx.text(v) == "True");
    let any_origin = match (
        keyword(file, call, "origins"),
        keyword(file, call, "resources"),
    ) {
        (Some(origins), _) => {
            string_value(file, origins).as_deref() == Some("*")
                || elements(origins)
                    .iter()
                    .any(|e| string_value(file, *e).as_deref() == Some("*"))
        }
        (None, Some(resources)) => {
            let text = ctx.text(resources);
            match text.find("origins") {
                Some(at) => text[at..].contains("\"*\"") || text[at..].contains("'*'"),
                None => true,
            }
        }
        (None, None) => true,
    };
    if credentials && any_origin {
        signal(SignalKind::PermissiveCors);
    }
}

/// `app.state.limiter = limiter` (slowapi), `app.wsgi_app = ProxyFix(…)`:
/// middleware set by assignment.
pub(super) fn attribute_assignment(ctx: &Ctx<'_>, node: Node<'_>, out: &mut ServiceFacts) {
    let (Some(left), Some(right)) = (
        node.child_by_field_name("left"),
        node.child_by_field_name("right"),
    ) else {
        return;
    };
    if left.kind() != "attribute" {
        return;
    }
    let Some(target) = ctx.path(left) else {
        return;
    };
    let file = ctx.file;
    let (app, name) = if let Some(app) = target.strip_suffix(".state.limiter") {
        let written = ctx.text(right);
        let name = ctx
            .constructed
            .get(written)
            .cloned()
            .unwrap_or_else(|| marker(file, right));
        (app, name)
    } else if let Some(app) = target.strip_suffix(".wsgi_app") {
        let Some(callee) = (right.kind() == "call")
            .then(|| right.child_by_field_name("function"))
            .flatten()
        else {
            return;
        };
        (app, marker(file, callee))
    } else {
        return;
    };
    let Some(framework) = ctx.framework_of(app) else {
        return;
    };
    out.middleware.push(MiddlewareFact {
        framework,
        router: app.to_string(),
        name,
        location: file.location(node.byte_range()),
    });
}

fn string_kwarg(ctx: &Ctx<'_>, call: Node<'_>, key: &str) -> String {
    keyword(ctx.file, call, key)
        .map(|v| string_value(ctx.file, v).unwrap_or_else(|| marker(ctx.file, v)))
        .unwrap_or_default()
}

fn list_markers(ctx: &Ctx<'_>, call: Node<'_>, key: &str) -> Vec<String> {
    keyword(ctx.file, call, key)
        .map(|list| {
            elements(list)
                .into_iter()
                .map(|e| marker(ctx.file, e))
                .collect()
        })
        .unwrap_or_default()
}
