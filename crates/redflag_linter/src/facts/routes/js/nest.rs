//! NestJS: controllers are classes whose decorators carry the routing
//! (`@Controller('users')`, `@Get(':id')`, `@UseGuards(…)`, `@HttpCode(204)`,
//! `@Query('limit')`), and `main.ts` configures the app object
//! `NestFactory.create` returns. Controllers are never mounted explicitly:
//! the project model attaches every controller of a service to its app.

use redflag_syntax::tree_sitter::Node;

use super::{
    call_args, handler, marker_text, signals, string_value, unwrap, Decl, Extractor, Receiver,
};
use crate::facts::service::{Framework, RouteFact, SignalKind};

/// Method decorators that declare a route, with the methods they answer.
fn route_decorator(name: &str) -> Option<&'static str> {
    Some(match name {
        "Get" => "GET",
        "Post" => "POST",
        "Put" => "PUT",
        "Patch" => "PATCH",
        "Delete" => "DELETE",
        "Options" => "OPTIONS",
        "Head" => "HEAD",
        "All" => "ANY",
        _ => return None,
    })
}

/// Calls on the Nest application object in `main.ts`.
pub(super) fn app_call<'t>(
    x: &mut Extractor<'_, 't>,
    receiver: &Receiver,
    method: &str,
    call: Node<'t>,
    args: &[Node<'t>],
) {
    match method {
        "use" | "useGlobalGuards" | "useGlobalInterceptors" => {
            for arg in args {
                x.push_middleware(receiver, *arg);
            }
        }
        "setGlobalPrefix" => {
            if let Some(first) = args.first() {
                let detail =
                    string_value(x.text(*first)).unwrap_or_else(|| marker_text(x.text(*first)));
                x.push_signal(SignalKind::GlobalPrefix, detail, call);
            }
        }
        "enableVersioning" => {
            x.push_signal(SignalKind::Versioning, marker_text(x.text(call)), call);
        }
        "enableCors" => signals::cors(x, call, args.first().copied()),
        _ => {}
    }
}

/// Every `@Controller` class of the file, with its routes.
pub(super) fn controllers(x: &mut Extractor<'_, '_>) {
    for &class in &x.nodes.classes {
        let decorators = class_decorators(class);
        let Some(controller) = decorators
            .iter()
            .copied()
            .find(|d| decorator_name(x, *d) == Some("Controller"))
        else {
            continue;
        };
        let Some(name) = class.child_by_field_name("name") else {
            continue;
        };
        let name = x.text(name).to_string();
        let mut prefix = String::new();
        let mut markers = Vec::new();
        if let Some(argument) = decorator_args(controller).first().copied() {
            let argument = unwrap(argument);
            match argument.kind() {
                "object" => {
                    if let Some(path) = x.object_value(argument, "path") {
                        prefix = x.paths_of(path).into_iter().next().unwrap_or_default();
                    }
                    // The controller's own API version is a marker, as
                    // written, like a method's `@Version('2')`.
                    for pair in super::object_pairs(argument) {
                        if pair
                            .child_by_field_name("key")
                            .is_some_and(|k| x.text(k) == "version")
                        {
                            markers.push(marker_text(x.text(pair)));
                        }
                    }
                }
                _ => prefix = x.paths_of(argument).into_iter().next().unwrap_or_default(),
            }
        }
        for decorator in &decorators {
            if decorator.id() != controller.id() {
                markers.push(decorator_text(x, *decorator));
            }
        }
        x.decls.push(Decl {
            name: name.clone(),
            framework: Framework::NestJs,
            is_app: false,
            prefix,
            markers,
            default_export: false,
            range: controller.byte_range(),
            candidate: false,
            used: true,
        });
        let Some(body) = class.child_by_field_name("body") else {
            continue;
        };
        let mut pending: Vec<Node<'_>> = Vec::new();
        let mut cursor = body.walk();
        let members: Vec<Node<'_>> = body.named_children(&mut cursor).collect();
        for member in members {
            match member.kind() {
                "decorator" => pending.push(member),
                "method_definition" => {
                    let mut decorators = std::mem::take(&mut pending);
                    let mut inner = member.walk();
                    decorators.extend(
                        member
                            .children_by_field_name("decorator", &mut inner)
                            .collect::<Vec<_>>(),
                    );
                    method(x, &name, member, &decorators);
                }
                "comment" => {}
                _ => pending.clear(),
            }
        }
    }
}

/// One controller method: a route when a method decorator says so.
fn method<'t>(
    x: &mut Extractor<'_, 't>,
    controller: &str,
    member: Node<'t>,
    decorators: &[Node<'t>],
) {
    let Some(route) = decorators
        .iter()
        .copied()
        .find(|d| decorator_name(x, *d).and_then(route_decorator).is_some())
    else {
        return;
    };
    let Some(verb) = decorator_name(x, route).and_then(route_decorator) else {
        return;
    };
    let paths = match decorator_args(route).first() {
        Some(argument) => x.paths_of(*argument),
        None => vec![String::new()],
    };
    let markers: Vec<String> = decorators
        .iter()
        .filter(|d| d.id() != route.id())
        .map(|d| decorator_text(x, *d))
        .collect();
    let declared_status = decorators
        .iter()
        .find(|d| decorator_name(x, **d) == Some("HttpCode"))
        .and_then(|d| decorator_args(*d).first().copied())
        .and_then(|a| handler::status_of(x, a));
    let mut analysis = handler::analyze(x, member);
    let mut params = query_params(x, member);
    for param in std::mem::take(&mut analysis.params) {
        if !params.contains(&param) {
            params.push(param);
        }
    }
    let handler = member
        .child_by_field_name("name")
        .map(|n| x.text(n).to_string());
    for path in paths {
        x.routes.push(RouteFact {
            framework: Framework::NestJs,
            router: Some(controller.to_string()),
            methods: vec![verb.to_string()],
            path,
            handler: handler.clone(),
            markers: markers.clone(),
            status: declared_status.or(analysis.status),
            params: params.clone(),
            collection_reads: analysis.collection_reads.clone(),
            location: x.file.location(route.byte_range()),
        });
    }
}

/// `@Query('limit') limit: number` → `limit`; `@Query() query: ListDto` →
/// `ListDto`.
fn query_params(x: &Extractor<'_, '_>, member: Node<'_>) -> Vec<String> {
    let Some(parameters) = member.child_by_field_name("parameters") else {
        return Vec::new();
    };
    let mut params = Vec::new();
    let mut cursor = parameters.walk();
    let list: Vec<Node<'_>> = parameters.named_children(&mut cursor).collect();
    for parameter in list {
        let mut inner = parameter.walk();
        let query = parameter
            .children(&mut inner)
            .find(|d| d.kind() == "decorator" && decorator_name(x, *d) == Some("Query"));
        let Some(query) = query else {
            continue;
        };
        let named = decorator_args(query)
            .first()
            .and_then(|a| string_value(x.text(*a)));
        let name = named.or_else(|| {
            parameter
                .child_by_field_name("type")
                .and_then(|t| t.named_child(0))
                .map(|t| x.text(t).to_string())
        });
        if let Some(name) = name {
            if !params.contains(&name) {
                params.push(name);
            }
        }
    }
    params
}

/// A class's decorators, wherever the grammar puts them (on an exporting
/// statement or the class itself).
fn class_decorators(class: Node<'_>) -> Vec<Node<'_>> {
    let mut decorators = Vec::new();
    if let Some(parent) = class.parent().filter(|p| p.kind() == "export_statement") {
        let mut cursor = parent.walk();
        decorators.extend(
            parent
                .children(&mut cursor)
                .filter(|c| c.kind() == "decorator"),
        );
    }
    let mut cursor = class.walk();
    decorators.extend(
        class
            .children(&mut cursor)
            .filter(|c| c.kind() == "decorator"),
    );
    decorators
}

/// `@UseGuards(AuthGuard)` → `UseGuards`; `@nest.Get()` → `Get`.
fn decorator_name<'a>(x: &Extractor<'a, '_>, decorator: Node<'_>) -> Option<&'a str> {
    let expression = decorator.named_child(0)?;
    let callee = if expression.kind() == "call_expression" {
        expression.child_by_field_name("function")?
    } else {
        expression
    };
    x.text(callee).rsplit('.').next()
}

fn decorator_args(decorator: Node<'_>) -> Vec<Node<'_>> {
    decorator
        .named_child(0)
        .filter(|e| e.kind() == "call_expression")
        .map(call_args)
        .unwrap_or_default()
}

/// A decorator as written, without its `@`.
fn decorator_text(x: &Extractor<'_, '_>, decorator: Node<'_>) -> String {
    decorator
        .named_child(0)
        .map_or_else(String::new, |e| marker_text(x.text(e)))
}
