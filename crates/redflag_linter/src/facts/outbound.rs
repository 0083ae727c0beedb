//! Outbound HTTP calls to fixed hosts: a URL literal handed to an HTTP
//! client call (`requests.get("https://api.stripe.com/…")`,
//! `fetch("https://…")`, `reqwest::get("https://…")`) or set as a client's
//! base URL (`httpx.Client(base_url=…)`, `axios.create({ baseURL })`).
//!
//! The project model counts, per service, the external hosts it calls.

use redflag_syntax::tree_sitter::Node;
use redflag_syntax::Language;

use super::routes::walk;
use crate::semantics::name_path;
use crate::source::{Location, SourceFile};

/// One call to an external host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundCall {
    pub host: String,
    /// The client call as written (`requests.get`, `axios.create`).
    pub api: String,
    pub location: Location,
}

/// Words one of which a file must contain to be read.
const CLIENTS: &[&str] = &[
    "requests",
    "httpx",
    "aiohttp",
    "urllib",
    "urlopen",
    "axios",
    "fetch",
    "got",
    "undici",
    "superagent",
    "reqwest",
    "ureq",
    "hyper",
    "http.request",
    "https.request",
    "http.get",
    "https.get",
];

/// Last segments of calls that send a request or build a client.
const CALL_NAMES: &[&str] = &[
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "request",
    "fetch",
    "urlopen",
    "send",
    "stream",
    "create",
    "Client",
    "AsyncClient",
    "Session",
    "ClientSession",
    "Request",
    "got",
    "axios",
    "builder",
];

/// Argument names that set a client's base URL.
const BASE_URL_KEYS: &[&str] = &["base_url", "baseURL", "baseUrl", "prefixUrl", "url"];

/// The host of an absolute http(s) URL, when it is an external one (not
/// `localhost`, a loopback address, a bare service name or an internal
/// cluster domain).
fn external_host(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority
        .rsplit('@')
        .next()?
        .split(':')
        .next()?
        .to_ascii_lowercase();
    let internal = host.is_empty()
        || host == "localhost"
        || host.starts_with("127.")
        || host.starts_with("0.0.0.0")
        || !host.contains('.')
        || host.contains('{')
        || host.contains('$')
        || [
            ".local",
            ".internal",
            ".svc",
            ".cluster.local",
            ".test",
            ".example",
            ".invalid",
            ".localhost",
        ]
        .iter()
        .any(|suffix| host.ends_with(suffix))
        || ["example.com", "example.org", "example.net"].contains(&host.as_str());
    (!internal).then_some(host)
}

/// The text of a string literal without quotes and prefixes.
fn literal(file: &SourceFile, node: Node<'_>) -> Option<String> {
    let text = file.text_of(node);
    let start = text.find(['"', '\'', '`'])?;
    let quote = text[start..].chars().next()?;
    let inner = text[start..]
        .trim_start_matches(quote)
        .trim_end_matches(quote);
    Some(inner.to_string())
}

fn is_string(kind: &str) -> bool {
    matches!(
        kind,
        "string" | "string_literal" | "raw_string_literal" | "template_string"
    )
}

/// The call whose arguments hold `node` directly, or through a keyword
/// argument / object property naming a base URL.
fn call_of<'t>(file: &SourceFile, node: Node<'t>) -> Option<Node<'t>> {
    let mut parent = node.parent()?;
    // `"https://host/path?q=" + value`: the URL starts the concatenation.
    let mut current = node;
    while matches!(parent.kind(), "binary_expression" | "binary_operator")
        && parent.child_by_field_name("left") == Some(current)
    {
        current = parent;
        parent = parent.parent()?;
    }
    if matches!(
        parent.kind(),
        "keyword_argument" | "pair" | "field_initializer"
    ) {
        let key = parent
            .child_by_field_name("name")
            .or_else(|| parent.child_by_field_name("key"))
            .or_else(|| parent.child_by_field_name("field"))?;
        if !BASE_URL_KEYS.contains(&file.text_of(key).trim_matches(['"', '\''])) {
            return None;
        }
        parent = parent.parent()?;
        if parent.kind() == "object" {
            parent = parent.parent()?;
        }
    }
    if !matches!(parent.kind(), "argument_list" | "arguments") {
        return None;
    }
    let call = parent.parent()?;
    matches!(call.kind(), "call" | "call_expression").then_some(call)
}

/// The outbound calls to external hosts in one code file.
#[must_use]
pub fn collect(file: &SourceFile) -> Vec<OutboundCall> {
    let Some(language) = file.kind.language() else {
        return Vec::new();
    };
    let text = file.text.as_str();
    if !(text.contains("https://") || text.contains("http://"))
        || !CLIENTS.iter().any(|c| text.contains(c))
    {
        return Vec::new();
    }
    let Some(tree) = file.tree() else {
        return Vec::new();
    };
    let mut calls = Vec::new();
    walk(tree.root_node(), |node| {
        if !is_string(node.kind()) {
            return true;
        }
        let Some(host) = literal(file, node).and_then(|url| external_host(&url)) else {
            return false;
        };
        let Some(call) = call_of(file, node) else {
            return false;
        };
        let Some(api) = call
            .child_by_field_name("function")
            .and_then(|f| name_path(file, language, f))
        else {
            return false;
        };
        let last = api.rsplit(['.', ':']).next().unwrap_or(&api);
        if CALL_NAMES.contains(&last) || (language == Language::Rust && api.starts_with("reqwest"))
        {
            calls.push(OutboundCall {
                host,
                api,
                location: file.location(node.byte_range()),
            });
        }
        false
    });
    calls
}

#[cfg(test)]
mod tests {
    use super::*;
    use redflag_syntax::FileKind;

    fn hosts(path: &str, kind: FileKind, code: &str) -> Vec<(String, String)> {
        let file = SourceFile::new(path.into(), kind, code.into(), None);
        collect(&file)
            .into_iter()
            .map(|c| (c.host, c.api))
            .collect()
    }

    #[test]
    fn client_calls_and_base_urls_to_external_hosts() {
        let py = r#"
import httpx
import requests

PAYMENTS = httpx.Client(base_url="https://api.stripe.com/v1", timeout=10)

def charge(body):
    requests.post("https://hooks.slack.com/services/T000/B000", json=body, timeout=5)
    requests.get("http://localhost:8000/health")
    requests.get("http://inventory/items")
    log("see https://docs.example.com/errors")
"#;
        assert_eq!(
            hosts("app/pay.py", FileKind::Python, py),
            [
                ("api.stripe.com".to_string(), "httpx.Client".to_string()),
                ("hooks.slack.com".to_string(), "requests.post".to_string()),
            ]
        );
        let ts = r#"
import axios from "axios";
const github = axios.create({ baseURL: "https://api.github.com", timeout: 5000 });
export async function weather(city: string) {
  const res = await fetch("https://api.open-meteo.com/v1/forecast?city=" + city);
  return res.json();
}
const docs = "https://nodejs.org/api";
"#;
        assert_eq!(
            hosts("src/clients.ts", FileKind::TypeScript, ts),
            [
                ("api.github.com".to_string(), "axios.create".to_string()),
                ("api.open-meteo.com".to_string(), "fetch".to_string()),
            ]
        );
        let rs = r#"
async fn rates() -> reqwest::Result<String> {
    reqwest::get("https://api.exchangerate.host/latest").await?.text().await
}
"#;
        assert_eq!(
            hosts("src/rates.rs", FileKind::Rust, rs),
            [(
                "api.exchangerate.host".to_string(),
                "reqwest::get".to_string()
            )]
        );
    }
}
