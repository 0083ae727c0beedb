//! `unsafe-deserialization`: a request handler hands request data (a body,
//! an uploaded file) to a deserializer that can run code while it loads —
//! pickle and its relatives, the unsafe loaders of `PyYAML`, `node-serialize`,
//! js-yaml with the JavaScript types.
//!
//! Formats that only build data (`json`, `yaml.safe_load`, js-yaml 4's
//! default `load`, serde) are never reported: the danger is in formats
//! that name constructors or carry functions.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};

use crate::rule::{Diagnostic, NodeContext, Rule, RuleMeta};
use crate::semantics::paths::is_test_or_example;
use crate::semantics::sinks::{argument, callee, keyword, positional, property, sink_scope};
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(UnsafeDeserialization { meta: meta() })
}

struct UnsafeDeserialization {
    meta: RuleMeta,
}

/// Python loaders of pickle streams (or formats built on pickle): the
/// stream names callables and the loader calls them.
const PY_PICKLE: &[&str] = &[
    "pickle.loads",
    "pickle.load",
    "pickle.Unpickler",
    "_pickle.loads",
    "_pickle.load",
    "cPickle.loads",
    "cPickle.load",
    "dill.loads",
    "dill.load",
    "cloudpickle.loads",
    "cloudpickle.load",
    "joblib.load",
    "pandas.read_pickle",
    "jsonpickle.decode",
    "jsonpickle.loads",
    "marshal.loads",
    "marshal.load",
];

/// `PyYAML` loaders that only build plain data.
fn is_safe_loader(text: &str) -> bool {
    let last = text.rsplit('.').next().unwrap_or(text);
    matches!(
        last,
        "SafeLoader" | "CSafeLoader" | "BaseLoader" | "CBaseLoader" | "FullLoader" | "CFullLoader"
    )
}

/// What is wrong with a Python call, if it is a deserialization sink:
/// `(api, what happens, data argument)`.
fn python_sink<'t>(file: &SourceFile, call: Node<'t>, resolved: &str) -> Option<(String, &'static str, Node<'t>)> {
    if PY_PICKLE.contains(&resolved) {
        let what = if resolved.starts_with("marshal") {
            "marshal data can crash the interpreter and carries code objects; it is not meant for untrusted input"
        } else if resolved.starts_with("jsonpickle") {
            "jsonpickle restores `py/object` and `py/reduce` entries, which call any importable callable while it loads"
        } else {
            "a pickle names callables and the loader calls them, so the payload runs code while it loads"
        };
        let data = argument(file, call, 0, "data")
            .or_else(|| keyword(file, call, "file"))
            .or_else(|| keyword(file, call, "filepath_or_buffer"))
            .or_else(|| keyword(file, call, "string"))?;
        return Some((resolved.to_string(), what, data));
    }
    let yaml_what = "PyYAML's unsafe loader builds any Python object the document names (`!!python/object/apply:os.system`), running code while it loads";
    match resolved {
        "yaml.unsafe_load" | "yaml.unsafe_load_all" => {
            Some((resolved.to_string(), yaml_what, argument(file, call, 0, "stream")?))
        }
        "yaml.load" | "yaml.load_all" => {
            let loader = argument(file, call, 1, "Loader");
            match loader {
                Some(l) if is_safe_loader(file.text_of(l)) => None,
                Some(l) => Some((
                    format!("{resolved}(…, Loader={})", file.text_of(l)),
                    yaml_what,
                    argument(file, call, 0, "stream")?,
                )),
                None => Some((
                    resolved.to_string(),
                    "it is called without a `Loader`, which before PyYAML 5.1 means the unsafe loader: it builds any Python object the document names (`!!python/object/apply:os.system`)",
                    argument(file, call, 0, "stream")?,
                )),
            }
        }
        "numpy.load" => {
            let allow = keyword(file, call, "allow_pickle").is_some_and(|v| file.text_of(v) == "True");
            allow.then_some(())?;
            Some((
                "numpy.load(…, allow_pickle=True)".to_string(),
                "object arrays are read with pickle, which runs code while it loads",
                argument(file, call, 0, "file")?,
            ))
        }
        "torch.load" => {
            let unsafe_weights = keyword(file, call, "weights_only").is_some_and(|v| file.text_of(v) == "False");
            unsafe_weights.then_some(())?;
            Some((
                "torch.load(…, weights_only=False)".to_string(),
                "the checkpoint is read with pickle, which runs code while it loads",
                argument(file, call, 0, "f")?,
            ))
        }
        _ => None,
    }
}

const PY_HELP: &str = "accept data, not objects: parse `json.loads` (or `yaml.safe_load`) into plain values and validate them with a Pydantic model or serializer; if an upload must be a model or array file, load it with a data-only reader (`numpy.load(f, allow_pickle=False)`, `torch.load(f, weights_only=True)`, safetensors)";

fn check_python(node: Node<'_>, ctx: &mut NodeContext<'_>) {
    let file = ctx.file;
    let Some((_, resolved)) = callee(file, Language::Python, node) else {
        return;
    };
    let Some((api, what, data)) = python_sink(file, node, &resolved) else {
        return;
    };
    let Some(scope) = sink_scope(file, ctx.ancestors) else {
        return;
    };
    let Some(origin) = scope.origin(file, data) else {
        return;
    };
    ctx.report(
        Diagnostic::new(
            node.byte_range(),
            format!("`{api}` deserializes the {} {}: {what}", origin.kind.noun(), origin.describe()),
        )
        .help(PY_HELP),
    );
}

const JS_HELP: &str = "accept data, not objects: `JSON.parse` the body and validate it with a schema (zod, joi, ajv); with js-yaml 4 use the default `load` (no JavaScript types), with js-yaml 3 use `safeLoad`";

fn check_js(node: Node<'_>, ctx: &mut NodeContext<'_>, language: Language) {
    let file = ctx.file;
    let Some((_, resolved)) = callee(file, language, node) else {
        return;
    };
    let (api, what) = match resolved.as_str() {
        "node-serialize.unserialize" => (
            "node-serialize.unserialize".to_string(),
            "it revives `_$$ND_FUNC$$_` strings as functions with `eval`, and an immediately invoked one runs while it loads",
        ),
        "js-yaml.load" | "js-yaml.loadAll" | "js-yaml.default.load" | "js-yaml.default.loadAll" => {
            // js-yaml 4's `load` builds plain data; the JavaScript types
            // (`!!js/function`) come back only with js-yaml 3's full
            // schema or the `js-yaml-js-types` extension.
            let schema = positional(node, 1).and_then(|o| property(file, o, "schema"));
            let Some(schema) = schema else {
                // `safeLoad` exists only in js-yaml 3, whose `load`
                // defaults to the full schema with the JavaScript types.
                if !file.text.contains(".safeLoad(") && !file.text.contains(".safeLoadAll(") {
                    return;
                }
                report_js(
                    ctx,
                    node,
                    &format!("js-yaml {}", resolved.rsplit('.').next().unwrap_or("load")),
                    "this file uses js-yaml 3 (it calls `safeLoad`), whose `load` defaults to the full schema: `!!js/function` in the document becomes a function the code may call",
                );
                return;
            };
            let schema_text = file.text_of(schema);
            let js_types = schema_text.contains("FULL")
                || file.imports().modules().iter().any(|m| m == "js-yaml-js-types");
            if !js_types {
                return;
            }
            (
                format!("js-yaml {}(…, {{ schema: {schema_text} }})", resolved.rsplit('.').next().unwrap_or("load")),
                "its schema has the JavaScript types, so `!!js/function` in the document becomes a function the code may call",
            )
        }
        _ => return,
    };
    report_js(ctx, node, &api, what);
}

/// Reports a JS deserialization sink when its data comes from the request.
fn report_js(ctx: &mut NodeContext<'_>, node: Node<'_>, api: &str, what: &str) {
    let file = ctx.file;
    let Some(data) = positional(node, 0) else {
        return;
    };
    let Some(scope) = sink_scope(file, ctx.ancestors) else {
        return;
    };
    let Some(origin) = scope.origin(file, data) else {
        return;
    };
    ctx.report(
        Diagnostic::new(
            node.byte_range(),
            format!("`{api}` deserializes the {} {}: {what}", origin.kind.noun(), origin.describe()),
        )
        .help(JS_HELP),
    );
}

impl Rule for UnsafeDeserialization {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn applies_to(&self, path: &str) -> bool {
        !is_test_or_example(path)
    }

    fn prefilter(&self, language: Language) -> Option<Vec<Vec<String>>> {
        let words: &[&str] = match language {
            Language::Python => &["pickle", "dill", "joblib", "marshal", "yaml", "numpy", "torch", "pandas"],
            _ => &["node-serialize", "js-yaml"],
        };
        Some(vec![words.iter().map(|w| (*w).to_string()).collect()])
    }

    /// Rust's deserializers (serde formats, `bincode`, `serde_pickle`) build
    /// the types the program names and run no code: not claimed.
    fn node_kinds(&self, language: Language) -> Vec<String> {
        match language {
            Language::Python => vec!["call".to_string()],
            Language::Rust => Vec::new(),
            _ => vec!["call_expression".to_string()],
        }
    }

    fn check_node(&self, node: Node<'_>, ctx: &mut NodeContext<'_>) {
        match ctx.language() {
            Language::Python => check_python(node, ctx),
            Language::Rust => {}
            language => check_js(node, ctx, language),
        }
    }
}

const DOCS: &str = r#"
## What it does
Finds request handlers that deserialize request data — a body, a form
field, an uploaded file — with a loader that can run code. Python:
`pickle`/`cPickle`/`_pickle` `loads`/`load`/`Unpickler`, `dill`,
`cloudpickle`, `joblib.load`, `pandas.read_pickle`, `jsonpickle.decode`,
`marshal.loads`/`load`; PyYAML `unsafe_load`, `load`/`load_all` with
`Loader=yaml.Loader`/`UnsafeLoader` or without a `Loader` (`SafeLoader`,
`BaseLoader` and `FullLoader` — safe from PyYAML 5.4 on — are accepted);
`numpy.load(…, allow_pickle=True)` and `torch.load(…, weights_only=False)`.
JavaScript/TypeScript: `node-serialize` `unserialize`, and js-yaml
`load`/`loadAll` with a schema that has the JavaScript types (js-yaml 3's
`DEFAULT_FULL_SCHEMA`, or a schema extended with `js-yaml-js-types`), or
without a schema in a file that also calls js-yaml 3's `safeLoad`.

## Why it matters
Checklist TASK-3.1 and red flag RF-2 (request input used without
validation), CWE-502. These formats describe objects to build, and
building them calls code the document chooses: a pickle's `__reduce__`
returns `(os.system, ("…",))`, a YAML document says
`!!python/object/apply:os.system`, a `node-serialize` string holds an
immediately invoked function. Whoever can send the bytes runs code on the
server. `marshal` runs no code by itself, but crafted input crashes the
interpreter and yields code objects; it is documented as unsafe for
untrusted data.

## Example
```python
@app.post("/import")
def import_model():
    model = pickle.loads(request.files["model"].read())
```

## Use instead
```python
@app.post("/import")
def import_settings():
    settings = SettingsModel.model_validate(json.loads(request.files["settings"].read()))
    config = yaml.safe_load(request.data)
```
```ts
const settings = SettingsSchema.parse(JSON.parse(req.body.settings));
const config = yaml.load(req.body.config); // js-yaml 4: plain data
```

## Configuration
Select or ignore it by name, `TASK-3.1` or `RF-2`. Tests and examples are
not checked. js-yaml's `load` without a schema option is reported only in files that
also call `safeLoad` (so are on js-yaml 3, where `load` is unsafe; in js-yaml
4 it is safe). Not covered: the installed js-yaml version is not read;
`shelve.open` on a request-chosen name (a path-traversal question);
deserializers reached through a helper function or another file. Rust is
not claimed: serde formats, `bincode` and `serde_pickle` build the types
the program names and run no code; untrusted `bincode` input can still ask
for huge allocations, which `bincode::options().with_limit(…)` bounds.

A check that the value is one of an allow-list (`if cmd not in ALLOWED:
abort(400)`) is not read: a call guarded that way is reported; suppress it
with `# redflag: ignore[unsafe-deserialization] <the guard>`.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("unsafe-deserialization", "TASK-3.1")
        .red_flag("RF-2")
        .severity(Severity::Error)
        .confidence(Confidence::High)
        .summary("A request handler deserializes request data with a loader that can run code (pickle, unsafe YAML, node-serialize).")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript])
        .tags(&["security", "injection"])
        .cwe(&["CWE-502"])
        .security_severity(9.8)
        .docs(DOCS)
        .invalid_at(
            FileKind::Python,
            "app/views.py",
            r#"
            import pickle

            import pandas as pd
            import yaml
            from flask import Flask, request

            app = Flask(__name__)

            @app.post("/models")
            def upload_model():
                model = pickle.loads(request.files["model"].read())
                return {"classes": list(model.classes_)}

            @app.post("/frames")
            def upload_frame():
                frame = pd.read_pickle(request.files["frame"])
                return {"rows": len(frame)}

            @app.post("/config")
            def load_config():
                config = yaml.load(request.data, Loader=yaml.Loader)
                return {"keys": sorted(config)}
            "#,
            3,
        )
        .invalid_at(
            FileKind::Python,
            "app/api.py",
            r#"
            import base64
            import pickle

            from fastapi import FastAPI, Request, UploadFile

            app = FastAPI()

            @app.post("/session")
            async def restore_session(request: Request):
                cookie = request.cookies.get("state", "")
                state = pickle.loads(base64.b64decode(cookie))
                return {"user": state["user"]}

            @app.post("/upload")
            async def upload(file: UploadFile):
                data = await file.read()
                return {"items": len(pickle.loads(data))}
            "#,
            2,
        )
        .valid_at(
            FileKind::Python,
            "app/views.py",
            r#"
            import json
            import pickle

            import yaml
            from flask import Flask, request

            app = Flask(__name__)

            with open("model.pkl", "rb") as handle:
                MODEL = pickle.load(handle)

            @app.post("/config")
            def load_config():
                config = yaml.safe_load(request.data)
                strict = yaml.load(request.data, Loader=yaml.SafeLoader)
                settings = json.loads(request.files["settings"].read())
                cached = pickle.loads(cache.get(f"report:{request.args['id']}"))
                return {"keys": sorted(config), "strict": strict, "settings": settings, "cached": cached}
            "#,
        )
        .invalid_at(
            FileKind::JavaScript,
            "src/server.js",
            r#"
            const express = require("express");
            const serialize = require("node-serialize");
            const yaml = require("js-yaml");

            const app = express();

            app.post("/profile", (req, res) => {
              const profile = serialize.unserialize(Buffer.from(req.cookies.profile, "base64").toString());
              res.json({ name: profile.name });
            });

            app.post("/pipeline", express.text(), (req, res) => {
              const pipeline = yaml.load(req.body, { schema: yaml.DEFAULT_FULL_SCHEMA });
              res.json({ steps: pipeline.steps.length });
            });
            "#,
            2,
        )
        .valid_at(
            FileKind::TypeScript,
            "src/routes/pipeline.ts",
            r#"
            import express from "express";
            import yaml from "js-yaml";
            import { z } from "zod";

            const Pipeline = z.object({ steps: z.array(z.string()) });
            const router = express.Router();

            router.post("/pipeline", express.text(), (req, res) => {
              const pipeline = Pipeline.parse(yaml.load(req.body));
              const profile = JSON.parse(req.cookies.profile ?? "{}");
              res.json({ steps: pipeline.steps.length, name: profile.name });
            });

            export default router;
            "#,
        )
}

#[cfg(test)]
mod tests {
    use crate::engine::findings_of_rule;
    use redflag_syntax::FileKind;

    fn findings(path: &str, kind: FileKind, code: &str) -> Vec<String> {
        findings_of_rule("unsafe-deserialization", path, kind, code)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn uploaded_files_in_django_and_the_message() {
        let found = findings(
            "shop/views.py",
            FileKind::Python,
            r#"
            import pickle

            def import_cart(request):
                upload = request.FILES["cart"]
                cart = pickle.load(upload)
                return JsonResponse({"items": len(cart)})
            "#,
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with("`pickle.load` deserializes the uploaded file `request.FILES` (via `upload`)"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn other_pickle_formats_and_safe_loaders() {
        let code = r#"
            import jsonpickle
            import marshal
            import numpy as np
            import yaml

            async def restore(request):
                body = await request.read()
                state = jsonpickle.decode(body)
                code = marshal.loads(body)
                doc = yaml.unsafe_load(body)
                arr = np.load(request.files["a"], allow_pickle=True)
                safe_arr = np.load(request.files["a"])
                full = yaml.load(body, Loader=yaml.FullLoader)
                return state, code, doc, arr, safe_arr, full
        "#;
        let found = findings("app/views.py", FileKind::Python, code);
        let apis: Vec<&str> = found
            .iter()
            .map(|m| m.split('`').nth(1).unwrap_or(""))
            .collect();
        assert_eq!(
            apis,
            [
                "jsonpickle.decode",
                "marshal.loads",
                "yaml.unsafe_load",
                "numpy.load(…, allow_pickle=True)"
            ],
            "{found:#?}"
        );
    }

    #[test]
    fn js_yaml_3_load_is_unsafe_by_default() {
        let v3 = r#"
            const yaml = require("js-yaml");
            const defaults = yaml.safeLoad(fs.readFileSync("defaults.yml", "utf8"));
            app.post("/config", (req, res) => res.json(yaml.load(req.body.config)));
        "#;
        let found = findings("src/server.js", FileKind::JavaScript, v3);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].starts_with("`js-yaml load` deserializes the request body `req.body`"), "{}", found[0]);
        let v4 = r#"
            const yaml = require("js-yaml");
            app.post("/config", (req, res) => res.json(yaml.load(req.body.config)));
        "#;
        assert!(findings("src/server.js", FileKind::JavaScript, v4).is_empty());
    }

    #[test]
    fn yaml_without_a_loader_is_named_as_such() {
        let found = findings(
            "app/views.py",
            FileKind::Python,
            r#"
            import yaml

            @app.post("/c")
            def c():
                return yaml.load(request.get_data())
            "#,
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with("`yaml.load` deserializes the request body `request.get_data()`: it is called without a `Loader`"),
            "{}",
            found[0]
        );
    }
}
