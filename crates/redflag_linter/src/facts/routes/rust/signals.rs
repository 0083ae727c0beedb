//! Service-wide signals of a Rust file: CORS configuration (and whether it
//! lets any origin in), session middleware, generated `OpenAPI` documents.

use std::collections::HashSet;

use redflag_syntax::tree_sitter::Node;

use super::{callee, last_segment, marker_text, owner_segment, unroll, walk};
use crate::facts::service::{ServiceFacts, Signal, SignalKind};
use crate::source::SourceFile;

/// Types whose constructors configure CORS.
const CORS_TYPES: &[&str] = &["CorsLayer", "Cors", "CorsOptions"];

/// Session and cookie-identity middleware.
const SESSION_TYPES: &[&str] = &[
    "SessionMiddleware",
    "SessionManagerLayer",
    "SessionLayer",
    "CookieSession",
    "IdentityMiddleware",
];

/// Calls that serve or build a generated `OpenAPI` document.
const OPENAPI_CALLS: &[&str] = &[
    "SwaggerUi::new",
    "RapiDoc::new",
    "Redoc::with_url",
    "Scalar::with_url",
    "ApiRouter::new",
];

/// Records the file's signals.
pub(super) fn collect(file: &SourceFile, out: &mut ServiceFacts) {
    let Some(tree) = file.tree() else {
        return;
    };
    // Inner links of a chain already read from its outermost call, which
    // comes first in source order. (Asking a node for its parent walks
    // down from the root, too slow for long chains.)
    let mut links = HashSet::new();
    walk(tree.root_node(), |node| {
        match node.kind() {
            "call_expression" if !links.contains(&node.id()) => {
                call_signals(file, node, &mut links, out);
            }
            "struct_expression" => struct_signals(file, node, out),
            "attribute_item" => attribute_signals(file, node, out),
            "macro_invocation" => {
                let name = node
                    .child_by_field_name("macro")
                    .map_or("", |m| last_segment(file.text_of(m)));
                if name == "openapi_get_routes" {
                    push(file, out, SignalKind::OpenApiGenerator, node);
                }
            }
            _ => {}
        }
        true
    });
}

fn push(file: &SourceFile, out: &mut ServiceFacts, kind: SignalKind, node: Node<'_>) {
    let detail = marker_text(file.text_of(node));
    if out
        .signals
        .iter()
        .any(|s| s.kind == kind && s.detail == detail)
    {
        return;
    }
    out.signals.push(Signal {
        kind,
        detail,
        location: file.location(node.byte_range()),
    });
}

fn call_signals(
    file: &SourceFile,
    node: Node<'_>,
    links: &mut HashSet<usize>,
    out: &mut ServiceFacts,
) {
    let chain = unroll(file, node);
    links.extend(chain.links.iter().map(|l| l.call.id()));
    if !chain.links.is_empty() {
        links.insert(chain.root.id());
    }
    let Some(root) = callee(file, chain.root) else {
        return;
    };
    let owner = owner_segment(&root);
    let tail = format!("{owner}::{}", last_segment(&root));
    if CORS_TYPES.contains(&owner) {
        push(file, out, SignalKind::Cors, node);
        let mut wildcard = false;
        let mut credentials = false;
        let mut mirror = false;
        for link in &chain.links {
            let argument = link.arg(0).map_or("", |a| file.text_of(a));
            match link.name {
                "allow_origin" => {
                    wildcard |= argument.contains("Any")
                        || argument.contains("any()")
                        || argument.trim() == "\"*\"";
                    mirror |= argument.contains("mirror_request");
                }
                "allow_any_origin" | "send_wildcard" => wildcard = true,
                "allow_credentials" => credentials |= argument.trim() == "true",
                "supports_credentials" => credentials = true,
                _ => {}
            }
        }
        let permissive_constructor =
            matches!(last_segment(&root), "permissive" | "very_permissive");
        if permissive_constructor || mirror || (wildcard && credentials) {
            push(file, out, SignalKind::PermissiveCors, node);
        }
    } else if SESSION_TYPES.contains(&owner) {
        push(file, out, SignalKind::CookieAuth, node);
    } else if OPENAPI_CALLS.contains(&tail.as_str()) {
        push(file, out, SignalKind::OpenApiGenerator, chain.root);
    }
    if chain.links.iter().any(|l| l.name == "wrap_api") {
        push(file, out, SignalKind::OpenApiGenerator, node);
    }
}

/// Rocket's `CorsOptions { allowed_origins: AllowedOrigins::all(), … }`.
fn struct_signals(file: &SourceFile, node: Node<'_>, out: &mut ServiceFacts) {
    let name = node
        .child_by_field_name("name")
        .map_or("", |n| last_segment(file.text_of(n)));
    if name != "CorsOptions" {
        return;
    }
    push(file, out, SignalKind::Cors, node);
    let text = super::compact(file.text_of(node));
    if text.contains("AllowedOrigins::all()") && text.contains("allow_credentials:true") {
        push(file, out, SignalKind::PermissiveCors, node);
    }
}

/// `#[derive(OpenApi)]` (utoipa), `#[openapi]` (`rocket_okapi`).
fn attribute_signals(file: &SourceFile, node: Node<'_>, out: &mut ServiceFacts) {
    let Some(attribute) = node.named_child(0) else {
        return;
    };
    let Some(path) = attribute.named_child(0) else {
        return;
    };
    let path = file.text_of(path);
    let derives_openapi = path == "derive"
        && attribute.child_by_field_name("arguments").is_some_and(|a| {
            file.text_of(a)
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(|word| word == "OpenApi")
        });
    // rocket_okapi's `#[openapi]` marks a handler; utoipa's
    // `#[openapi(…)]` sits on the struct that derives `OpenApi`.
    let okapi_handler = path == "openapi" && next_item_is_function(node);
    if derives_openapi || okapi_handler {
        push(file, out, SignalKind::OpenApiGenerator, attribute);
    }
}

/// True when the item an attribute belongs to is a function.
fn next_item_is_function(attribute: Node<'_>) -> bool {
    let mut next = attribute.next_named_sibling();
    while let Some(sibling) = next {
        match sibling.kind() {
            "attribute_item" | "line_comment" | "block_comment" => {}
            kind => return kind == "function_item",
        }
        next = sibling.next_named_sibling();
    }
    false
}
