//! Service-wide signals: CORS configuration (and whether it lets any
//! origin in with credentials), cookie sessions, OpenAPI generators,
//! health-check libraries, and Nest `APP_GUARD` providers. Each is
//! recorded where the code wires it in, as written; what it means for the
//! service is decided later.

use redflag_syntax::tree_sitter::Node;

use super::{call_args, compact, marker_text, unwrap, Extractor};
use crate::facts::service::SignalKind;

const CORS_MODULES: &[&str] = &[
    "cors",
    "@koa/cors",
    "koa-cors",
    "kcors",
    "hono/cors",
    "@fastify/cors",
    "fastify-cors",
];
const SESSION_MODULES: &[&str] = &[
    "express-session",
    "cookie-session",
    "koa-session",
    "@fastify/session",
    "@fastify/secure-session",
    "fastify-session",
    "hono-sessions",
];
const OPENAPI_PLUGINS: &[&str] = &["@fastify/swagger", "@fastify/swagger-ui", "fastify-swagger"];
const HEALTH_MODULES: &[&str] = &[
    "@godaddy/terminus",
    "express-actuator",
    "fastify-healthcheck",
];

/// Signals a plain call gives: `cors(…)`, `session(…)`,
/// `swaggerUi.setup(…)`, `SwaggerModule.setup(…)`, `createTerminus(…)`.
pub(super) fn call<'t>(
    x: &mut Extractor<'_, 't>,
    call: Node<'t>,
    function: Node<'t>,
    args: &[Node<'t>],
) {
    let function = unwrap(function);
    let callee = compact(x.text(function));
    let module = x.module_of(function).map(str::to_string);
    let direct = function.kind() == "identifier";
    let Some(module) = module else {
        if callee == "SwaggerModule.setup" {
            x.push_signal(
                SignalKind::OpenApiGenerator,
                marker_text(x.text(call)),
                call,
            );
        }
        return;
    };
    let module = module.as_str();
    if direct && CORS_MODULES.contains(&module) {
        cors(x, call, args.first().copied());
    } else if direct && SESSION_MODULES.contains(&module) {
        x.push_signal(SignalKind::CookieAuth, marker_text(x.text(call)), call);
    } else if HEALTH_MODULES.contains(&module) {
        x.push_signal(SignalKind::HealthLibrary, marker_text(x.text(call)), call);
    } else {
        let openapi = match module {
            "swagger-ui-express" | "@nestjs/swagger" => callee.ends_with(".setup"),
            "@hono/swagger-ui" | "koa2-swagger-ui" | "swagger-jsdoc" => direct,
            _ => false,
        };
        if openapi {
            x.push_signal(
                SignalKind::OpenApiGenerator,
                marker_text(x.text(call)),
                call,
            );
        }
    }
}

/// `app.register(cors, { … })` and the other Fastify plugins that are
/// signals.
pub(super) fn fastify_plugin<'t>(
    x: &mut Extractor<'_, 't>,
    module: &str,
    call: Node<'t>,
    options: Option<Node<'t>>,
) {
    if CORS_MODULES.contains(&module) {
        cors(x, call, options);
    } else if SESSION_MODULES.contains(&module) {
        x.push_signal(SignalKind::CookieAuth, marker_text(x.text(call)), call);
    } else if OPENAPI_PLUGINS.contains(&module) {
        x.push_signal(
            SignalKind::OpenApiGenerator,
            marker_text(x.text(call)),
            call,
        );
    } else if HEALTH_MODULES.contains(&module) {
        x.push_signal(SignalKind::HealthLibrary, marker_text(x.text(call)), call);
    }
}

/// CORS with these options: always `Cors`; `DefaultCors` without options;
/// `PermissiveCors` when any origin is let in with credentials.
pub(super) fn cors<'t>(x: &mut Extractor<'_, 't>, call: Node<'t>, options: Option<Node<'t>>) {
    let detail = marker_text(x.text(call));
    x.push_signal(SignalKind::Cors, detail.clone(), call);
    let Some(options) = options else {
        x.push_signal(SignalKind::DefaultCors, detail, call);
        return;
    };
    if x.resolve_object(options).is_none() {
        // Options from elsewhere: nothing to judge.
        if unwrap(options).kind() == "true" {
            x.push_signal(SignalKind::DefaultCors, detail, call);
        }
        return;
    }
    if super::object_pairs(x.resolve_object(options).unwrap_or(options)).is_empty() {
        x.push_signal(SignalKind::DefaultCors, detail, call);
        return;
    }
    let credentials = x
        .object_value(options, "credentials")
        .is_some_and(|v| unwrap(v).kind() == "true");
    let any_origin = x
        .object_value(options, "origin")
        .is_some_and(|origin| lets_any_origin(x, origin));
    if credentials && any_origin {
        x.push_signal(SignalKind::PermissiveCors, detail, call);
    }
}

/// `'*'`, `true`, or a function that answers yes without checking
/// (`(origin, cb) => cb(null, true)`, `(origin) => origin`).
fn lets_any_origin(x: &Extractor<'_, '_>, origin: Node<'_>) -> bool {
    let origin = unwrap(origin);
    match origin.kind() {
        "true" => true,
        "string" => super::string_value(x.text(origin)).as_deref() == Some("*"),
        _ if super::is_function(origin) || origin.kind() == "method_definition" => {
            let body = origin.child_by_field_name("body").map_or("", |b| x.text(b));
            let checks = [
                "if",
                "includes",
                "indexOf",
                "test(",
                "match",
                "===",
                "==",
                "has(",
                "endsWith",
                "startsWith",
                "?",
                "allow",
            ];
            !checks.iter().any(|c| body.contains(c))
        }
        _ => false,
    }
}

/// `NestFactory.create(AppModule, { cors: … })`.
pub(super) fn nest_factory_options<'t>(x: &mut Extractor<'_, 't>, create: Node<'t>) {
    let Some(options) = call_args(create).get(1).copied() else {
        return;
    };
    let Some(value) = x.object_value(options, "cors") else {
        return;
    };
    match unwrap(value).kind() {
        "true" => {
            let detail = marker_text(x.text(create));
            x.push_signal(SignalKind::Cors, detail.clone(), create);
            x.push_signal(SignalKind::DefaultCors, detail, create);
        }
        "false" => {}
        _ => cors(x, create, Some(value)),
    }
}

/// Nest module metadata: `{ provide: APP_GUARD, useClass: ThrottlerGuard }`
/// and `imports: [TerminusModule]`.
pub(super) fn providers(x: &mut Extractor<'_, '_>) {
    for &pair in &x.nodes.pairs {
        let (Some(key), Some(value)) = (
            pair.child_by_field_name("key"),
            pair.child_by_field_name("value"),
        ) else {
            continue;
        };
        match x.text(key) {
            "provide" if x.text(value) == "APP_GUARD" => {
                let Some(object) = pair.parent() else {
                    continue;
                };
                let guard = ["useClass", "useExisting", "useFactory", "useValue"]
                    .iter()
                    .find_map(|k| x.object_value(object, k));
                if let Some(guard) = guard {
                    x.push_signal(
                        SignalKind::ServiceMarker,
                        marker_text(x.text(guard)),
                        object,
                    );
                }
            }
            "imports" if unwrap(value).kind() == "array" => {
                let value = unwrap(value);
                let mut cursor = value.walk();
                let modules: Vec<Node<'_>> = value.named_children(&mut cursor).collect();
                for module in modules {
                    if x.text(module).starts_with("TerminusModule") {
                        x.push_signal(
                            SignalKind::HealthLibrary,
                            marker_text(x.text(module)),
                            module,
                        );
                    }
                }
            }
            _ => {}
        }
    }
}
