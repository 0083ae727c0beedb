//! OpenAPI/Swagger facts: a spec's paths and methods, servers, security
//! requirements and response codes, found by content (a top-level
//! `openapi:` or `swagger:` key) in YAML and JSON files.

use redflag_syntax::FileKind;
use serde_json::Value;

use crate::source::{Location, SourceFile};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One operation of a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecOperation {
    pub method: String,
    pub path: String,
    /// Security applies (its own `security`, or the spec's global one),
    /// and is not explicitly emptied (`security: []`).
    pub secured: bool,
    pub responses: Vec<String>,
    pub parameters: Vec<String>,
}

/// What a spec declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenApiFact {
    /// `3.1.0`, `2.0`, …
    pub version: String,
    pub title: Option<String>,
    /// Server URLs (`servers[].url`, or Swagger 2 `host` + `basePath`).
    pub servers: Vec<String>,
    pub security_schemes: Vec<String>,
    pub operations: Vec<SpecOperation>,
    /// Where the `openapi:`/`swagger:` key is.
    pub location: Location,
}

/// The spec facts of a YAML or JSON file that is an OpenAPI document.
#[must_use]
pub fn collect(file: &SourceFile) -> Option<OpenApiFact> {
    let value: Value = match file.kind {
        FileKind::Json => {
            if !file.text.contains("\"openapi\"") && !file.text.contains("\"swagger\"") {
                return None;
            }
            serde_json::from_str(&file.text).ok()?
        }
        FileKind::Yaml => {
            if !file.text.contains("openapi:") && !file.text.contains("swagger:") {
                return None;
            }
            // A spec is one document; the first one decides.
            file.yaml().ok()?;
            serde_saphyr::from_str(&file.text).ok()?
        }
        _ => return None,
    };
    let version = value
        .get("openapi")
        .or_else(|| value.get("swagger"))
        .and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })?;
    let key_at = ["openapi", "swagger"]
        .iter()
        .filter_map(|k| file.text.find(k))
        .min()
        .unwrap_or(0);
    let location = file.location(key_at..key_at + 7.min(file.text.len() - key_at));
    let mut servers: Vec<String> = value["servers"]
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|s| s["url"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if let Some(host) = value["host"].as_str() {
        servers.push(format!(
            "{host}{}",
            value["basePath"].as_str().unwrap_or("")
        ));
    } else if let Some(base) = value["basePath"].as_str() {
        servers.push(base.to_string());
    }
    let security_schemes = value["components"]["securitySchemes"]
        .as_object()
        .or_else(|| value["securityDefinitions"].as_object())
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default();
    let global_security = value["security"]
        .as_array()
        .is_some_and(|list| !list.is_empty());
    let mut operations = Vec::new();
    if let Some(paths) = value["paths"].as_object() {
        for (path, item) in paths {
            let shared_parameters = parameter_names(&item["parameters"]);
            for method in METHODS {
                let operation = &item[method];
                if !operation.is_object() {
                    continue;
                }
                let secured = match operation["security"].as_array() {
                    Some(list) => !list.is_empty(),
                    None => global_security,
                };
                let mut parameters = shared_parameters.clone();
                parameters.extend(parameter_names(&operation["parameters"]));
                operations.push(SpecOperation {
                    method: method.to_ascii_uppercase(),
                    path: path.clone(),
                    secured,
                    responses: operation["responses"]
                        .as_object()
                        .map(|o| o.keys().cloned().collect())
                        .unwrap_or_default(),
                    parameters,
                });
            }
        }
    }
    Some(OpenApiFact {
        version,
        title: value["info"]["title"].as_str().map(str::to_string),
        servers,
        security_schemes,
        operations,
        location,
    })
}

fn parameter_names(list: &Value) -> Vec<String> {
    list.as_array()
        .map(|items| {
            items
                .iter()
                .filter_map(|p| p["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(path: &str, kind: FileKind, text: &str) -> Option<OpenApiFact> {
        collect(&SourceFile::new(
            path.to_string(),
            kind,
            text.to_string(),
            None,
        ))
    }

    #[test]
    fn yaml_spec_paths_servers_and_security() {
        let spec = fact(
            "docs/openapi.yaml",
            FileKind::Yaml,
            "openapi: 3.0.3\ninfo:\n  title: Orders\nservers:\n  - url: https://api.example.com/v1\nsecurity:\n  - bearer: []\ncomponents:\n  securitySchemes:\n    bearer:\n      type: http\n      scheme: bearer\npaths:\n  /orders:\n    parameters:\n      - name: tenant\n        in: header\n    get:\n      parameters:\n        - name: limit\n          in: query\n      responses:\n        '200':\n          description: ok\n    post:\n      security: []\n      responses:\n        '201':\n          description: created\n",
        )
        .unwrap();
        assert_eq!(spec.version, "3.0.3");
        assert_eq!(spec.title.as_deref(), Some("Orders"));
        assert_eq!(spec.servers, ["https://api.example.com/v1"]);
        assert_eq!(spec.security_schemes, ["bearer"]);
        assert_eq!(spec.operations.len(), 2);
        assert_eq!(spec.operations[0].method, "GET");
        assert!(spec.operations[0].secured);
        assert_eq!(spec.operations[0].parameters, ["tenant", "limit"]);
        assert!(!spec.operations[1].secured);
        assert_eq!(spec.operations[1].responses, ["201"]);
        assert_eq!(spec.location.start.line, 1);
    }

    #[test]
    fn swagger_json_and_non_specs() {
        let spec = fact(
            "swagger.json",
            FileKind::Json,
            r#"{"swagger": "2.0", "host": "api.example.com", "basePath": "/api", "paths": {"/users": {"get": {"responses": {"200": {}}}}}}"#,
        )
        .unwrap();
        assert_eq!(spec.servers, ["api.example.com/api"]);
        assert_eq!(spec.operations[0].path, "/users");
        assert!(fact("package.json", FileKind::Json, r#"{"name": "x"}"#).is_none());
        assert!(fact("k8s.yaml", FileKind::Yaml, "kind: Service\n").is_none());
        assert!(fact("bad.yaml", FileKind::Yaml, "openapi: [\n").is_none());
    }
}
