//! `template-injection`: a request handler compiles a server-side template
//! whose source is built from request data (Jinja2, Django, Mako, Tornado;
//! EJS, Pug, Handlebars, Nunjucks, lodash, doT, Eta; Tera, Handlebars,
//! `MiniJinja`).
//!
//! Request values belong in the template's context: rendering a fixed
//! template with them (`render_template_string("Hello {{ name }}",
//! name=name)`) is the fix and is never reported. Only the argument that
//! holds the template source is read.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};

use crate::rule::{Diagnostic, NodeContext, Rule, RuleMeta};
use crate::semantics::paths::is_test_or_example;
use crate::semantics::rust_in_test_code;
use crate::semantics::sinks::{argument, callee, method_name, positional, receiver, sink_scope};
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(TemplateInjection { meta: meta() })
}

struct TemplateInjection {
    meta: RuleMeta,
}

/// A template-compiling call: what it is called in messages, what a
/// client's template can do there, and the argument with the source.
struct Sink<'t> {
    api: String,
    consequence: &'static str,
    source: Node<'t>,
}

const JINJA: &str = "Jinja2 expressions the client writes run on the server and reach Python internals (`{{ cycler.__init__.__globals__.os.popen('id').read() }}`)";
const PY_CODE: &str = "the template language embeds Python (`${__import__('os').popen('id').read()}`), so the client's text runs as code";
const DJANGO: &str = "the client's tags and variables read whatever the context and the loaded tag libraries expose (`{% debug %}`, related objects, settings)";
const JS_CODE: &str = "the template compiles to a JavaScript function, so the client's text runs as code on the server";
const JS_SANDBOX: &str = "template expressions reach object constructors (`constructor.constructor('return process')()`), which has repeatedly led to code execution";
const TERA: &str = "the client's template reads every value in the context and calls Tera's functions (`get_env(name=\"DATABASE_URL\")` reads the service's environment)";
const RUST_ENGINE: &str = "the client's template reads every value in the context and calls every helper and function registered with the engine";

/// Modules whose import makes `.from_string(…)` a template environment's.
const PY_TEMPLATE_MODULES: &[&str] = &["jinja2", "flask", "quart", "django", "starlette", "fastapi"];

fn python_sink<'t>(file: &SourceFile, call: Node<'t>) -> Option<Sink<'t>> {
    let (_, resolved) = callee(file, Language::Python, call).unwrap_or_default();
    let found: Option<(&str, &'static str, Option<Node<'t>>)> = match resolved.as_str() {
        "flask.render_template_string" | "quart.render_template_string" => Some((
            "render_template_string",
            JINJA,
            argument(file, call, 0, "source"),
        )),
        "jinja2.Template" | "jinja2.environment.Template" => {
            Some(("jinja2.Template", JINJA, argument(file, call, 0, "source")))
        }
        "django.template.Template" | "django.template.base.Template" => Some((
            "django.template.Template",
            DJANGO,
            argument(file, call, 0, "template_string"),
        )),
        "mako.template.Template" => Some((
            "mako.template.Template",
            PY_CODE,
            argument(file, call, 0, "text"),
        )),
        "tornado.template.Template" => Some((
            "tornado.template.Template",
            PY_CODE,
            argument(file, call, 0, "template_string"),
        )),
        _ => None,
    };
    if let Some((api, consequence, source)) = found {
        return Some(Sink {
            api: api.to_string(),
            consequence,
            source: source?,
        });
    }
    // `env.from_string(…)`, `app.jinja_env.from_string(…)`,
    // `engines["django"].from_string(…)`.
    if method_name(file, call) != Some("from_string") {
        return None;
    }
    let modules = file.imports().modules();
    let module = modules.iter().find_map(|m| {
        let head = m.split('.').next().unwrap_or(m);
        PY_TEMPLATE_MODULES.contains(&head).then_some(head)
    })?;
    // A sandboxed Jinja2 environment is the fix for user-written
    // templates: `sandbox = SandboxedEnvironment(...)`.
    let sandboxed = receiver(call).is_some_and(|r| {
        let name = file.text_of(r);
        file.text.lines().any(|line| {
            line.trim_start()
                .strip_prefix(name)
                .and_then(|rest| rest.trim_start().strip_prefix('='))
                .is_some_and(|value| value.contains("SandboxedEnvironment("))
        })
    });
    if sandboxed {
        return None;
    }
    let (api, consequence) = if module == "django" {
        ("Engine.from_string", DJANGO)
    } else {
        ("Environment.from_string", JINJA)
    };
    Some(Sink {
        api: api.to_string(),
        consequence,
        source: argument(file, call, 0, "source")
            .or_else(|| argument(file, call, 0, "template_code"))?,
    })
}

fn js_sink<'t>(file: &SourceFile, language: Language, call: Node<'t>) -> Option<Sink<'t>> {
    let (_, resolved) = callee(file, language, call).unwrap_or_default();
    let found: Option<(&'static str, usize)> = match resolved.as_str() {
        "ejs.render" | "ejs.compile" | "pug.render" | "pug.compile" | "jade.render"
        | "jade.compile" | "lodash.template" | "lodash/template" | "lodash-es.template"
        | "underscore.template" | "dot.template" | "dot.compile" => Some((JS_CODE, 0)),
        "handlebars.compile" | "handlebars.precompile" | "nunjucks.renderString"
        | "nunjucks.compile" | "nunjucks.Template" => Some((JS_SANDBOX, 0)),
        _ => None,
    };
    if let Some((consequence, index)) = found {
        return Some(Sink {
            api: resolved.replace("lodash/template", "lodash.template"),
            consequence,
            source: positional(call, index)?,
        });
    }
    // `env.renderString(…)` on a Nunjucks environment, `eta.renderString(…)`.
    if method_name(file, call) != Some("renderString") {
        return None;
    }
    let modules = file.imports().modules();
    let (api, consequence) = if modules.iter().any(|m| m == "nunjucks") {
        ("nunjucks Environment.renderString", JS_SANDBOX)
    } else if modules.iter().any(|m| m == "eta") {
        ("Eta.renderString", JS_CODE)
    } else {
        return None;
    };
    Some(Sink {
        api: api.to_string(),
        consequence,
        source: positional(call, 0)?,
    })
}

fn rust_sink<'t>(file: &SourceFile, call: Node<'t>) -> Option<Sink<'t>> {
    let (written, _) = callee(file, Language::Rust, call).unwrap_or_default();
    if written.ends_with("Tera::one_off") {
        return Some(Sink {
            api: "Tera::one_off".to_string(),
            consequence: TERA,
            source: positional(call, 0)?,
        });
    }
    let method = method_name(file, call)?;
    let modules = file.imports().modules();
    let uses = |name: &str| {
        modules
            .iter()
            .any(|m| m.split("::").next() == Some(name))
    };
    let (api, index) = match method {
        "render_str" if uses("tera") => ("Tera::render_str", 0),
        "add_raw_template" if uses("tera") => ("Tera::add_raw_template", 1),
        "render_template" if uses("handlebars") => ("Handlebars::render_template", 0),
        "register_template_string" if uses("handlebars") => {
            ("Handlebars::register_template_string", 1)
        }
        "render_str" if uses("minijinja") => ("minijinja Environment::render_str", 0),
        "template_from_str" if uses("minijinja") => ("minijinja Environment::template_from_str", 0),
        "add_template" | "add_template_owned" if uses("minijinja") => {
            ("minijinja Environment::add_template", 1)
        }
        "render_named_str" if uses("minijinja") => ("minijinja Environment::render_named_str", 1),
        _ => return None,
    };
    Some(Sink {
        api: api.to_string(),
        consequence: if api.starts_with("Tera") { TERA } else { RUST_ENGINE },
        source: positional(call, index)?,
    })
}

impl Rule for TemplateInjection {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn applies_to(&self, path: &str) -> bool {
        !is_test_or_example(path)
    }

    fn prefilter(&self, language: Language) -> Option<Vec<Vec<String>>> {
        let words: &[&str] = match language {
            Language::Python => &["render_template_string", "Template", "from_string"],
            Language::Rust => &["tera", "Tera", "handlebars", "minijinja"],
            _ => &[
                "ejs",
                "pug",
                "jade",
                "handlebars",
                "nunjucks",
                "lodash",
                "underscore",
                "dot",
                "eta",
            ],
        };
        Some(vec![words.iter().map(|w| (*w).to_string()).collect()])
    }

    fn node_kinds(&self, language: Language) -> Vec<String> {
        match language {
            Language::Python => vec!["call".to_string()],
            Language::Rust => vec!["call_expression".to_string()],
            _ => vec!["call_expression".to_string(), "new_expression".to_string()],
        }
    }

    fn check_node(&self, node: Node<'_>, ctx: &mut NodeContext<'_>) {
        let file = ctx.file;
        let language = ctx.language();
        let sink = match language {
            Language::Python => python_sink(file, node),
            Language::Rust => rust_sink(file, node),
            _ => js_sink(file, language, node),
        };
        let Some(sink) = sink else {
            return;
        };
        if language == Language::Rust && rust_in_test_code(file, ctx.ancestors) {
            return;
        }
        let Some(scope) = sink_scope(file, ctx.ancestors) else {
            return;
        };
        let Some(origin) = scope.origin(file, sink.source) else {
            return;
        };
        let help = match language {
            Language::Python => "keep the template fixed and pass request values as context: `render_template_string(\"Hello {{ name }}\", name=name)` or `render_template(\"page.html\", name=name)`; autoescaping then treats them as text. If users must write templates, render them in `jinja2.sandbox.SandboxedEnvironment` with a minimal context",
            Language::Rust => "keep templates fixed (files loaded at start-up, or Askama's compile-time templates) and put request values in the context: `tera.render(\"page.html\", &Context::from_serialize(&page)?)`",
            _ => "keep the template fixed (a file in `views/` or a constant) and pass request values as data: `res.render(\"page\", { name })`, `ejs.render(PAGE, { name })`, `compiledTemplate({ name })`",
        };
        ctx.report(
            Diagnostic::new(
                node.byte_range(),
                format!(
                    "`{}` compiles a template built from the {} {}: {}",
                    sink.api,
                    origin.kind.noun(),
                    origin.describe(),
                    sink.consequence
                ),
            )
            .help(help),
        );
    }
}

const DOCS: &str = r#"
## What it does
Finds request handlers that compile a server-side template whose source is
built from request data. Python: Flask/Quart `render_template_string`,
`jinja2.Template`, `Environment.from_string` (also `app.jinja_env`),
Django `Template` and `engines[…].from_string`, Mako and Tornado
`Template`. JavaScript/TypeScript: `ejs.render`/`compile`, `pug`/`jade`
`render`/`compile`, `Handlebars.compile`/`precompile`, Nunjucks
`renderString`/`compile`/`new Template` and an environment's
`renderString`, lodash/underscore `template`, doT `template`/`compile`, Eta
`renderString`. Rust: `Tera::one_off`, Tera `render_str`/`add_raw_template`,
handlebars `render_template`/`register_template_string`, MiniJinja
`render_str`/`template_from_str`/`add_template`/`render_named_str`.

Only the argument holding the template source is read: request values in
the context are how templates are meant to be used.

## Why it matters
Checklist TASK-3.1 and red flag RF-2 (request input used without
validation), CWE-1336 (server-side template injection). A template is a
program: Jinja2 expressions walk from any object to `os.popen`, Mako and
Tornado embed Python, EJS/Pug/lodash/doT compile to JavaScript functions,
Handlebars and Nunjucks have repeatedly been escaped through object
constructors. In Rust engines the client's template can still read every
context value and call the engine's functions (Tera `get_env`).

## Example
```python
@app.get("/greet")
def greet():
    name = request.args.get("name", "guest")
    return render_template_string(f"<h1>Hello {name}!</h1>")
```

## Use instead
```python
@app.get("/greet")
def greet():
    return render_template_string("<h1>Hello {{ name }}!</h1>", name=request.args.get("name", "guest"))
```
```ts
res.render("greet", { name: req.query.name });
```
```rust
tera.render("greet.html", &Context::from_serialize(&Greeting { name })?)
```
If users must write templates (e-mail designers, report builders), render
them in a sandbox (`jinja2.sandbox.SandboxedEnvironment`) with a minimal
context, and review the engine's escape history.

## Configuration
Select or ignore it by name, `TASK-3.1` or `RF-2`. Tests and examples are
not checked. Not covered: template sources reaching the sink through a
helper function, another file or a database row (stored templates);
logic-less engines (Mustache), which only read the context; template
*names* chosen by the request (`render_template(request.args["page"])`),
a path question; Askama and other compile-time templates, which cannot be
injected.

A check that the value is one of an allow-list (`if cmd not in ALLOWED:
abort(400)`) is not read: a call guarded that way is reported; suppress it
with `# redflag: ignore[template-injection] <the guard>`.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("template-injection", "TASK-3.1")
        .red_flag("RF-2")
        .severity(Severity::Error)
        .confidence(Confidence::High)
        .summary("A request handler compiles a server-side template whose source is built from request data.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Rust])
        .tags(&["security", "injection"])
        .cwe(&["CWE-1336"])
        .security_severity(9.0)
        .docs(DOCS)
        .invalid_at(
            FileKind::Python,
            "app/views.py",
            r#"
            from flask import Flask, render_template_string, request
            from jinja2 import Environment

            app = Flask(__name__)
            emails = Environment(autoescape=True)

            @app.get("/greet")
            def greet():
                name = request.args.get("name", "guest")
                return render_template_string(f"<h1>Hello {name}!</h1>")

            @app.post("/emails/preview")
            def preview_email():
                body = request.get_json()
                template = emails.from_string(body["template"])
                return template.render(user={"name": "Ada"})
            "#,
            2,
        )
        .invalid_at(
            FileKind::Python,
            "shop/views.py",
            r#"
            from django.http import HttpResponse
            from django.template import Context, Template

            def banner(request):
                text = request.GET.get("text", "")
                template = Template("<div class='banner'>" + text + "</div>")
                return HttpResponse(template.render(Context({"user": request.user})))
            "#,
            1,
        )
        .valid_at(
            FileKind::Python,
            "app/views.py",
            r#"
            from flask import Flask, render_template, render_template_string, request

            app = Flask(__name__)
            GREETING = "<h1>Hello {{ name }}!</h1>"

            @app.get("/greet")
            def greet():
                name = request.args.get("name", "guest")
                return render_template_string(GREETING, name=name)

            @app.get("/profile")
            def profile():
                return render_template("profile.html", name=request.args.get("name"))

            @app.get("/inline")
            def inline():
                return render_template_string("<p>{{ q }}</p>", q=request.args["q"])
            "#,
        )
        .invalid_at(
            FileKind::JavaScript,
            "src/server.js",
            r#"
            const express = require("express");
            const ejs = require("ejs");
            const pug = require("pug");
            const Handlebars = require("handlebars");
            const _ = require("lodash");

            const app = express();

            app.get("/greet", (req, res) => {
              res.send(ejs.render(`<h1>Hello ${req.query.name}</h1>`));
            });

            app.post("/cards", (req, res) => {
              const { layout, title } = req.body;
              const card = pug.compile(layout);
              const heading = Handlebars.compile("<h2>" + title + "</h2>");
              const footer = _.template(req.body.footer);
              res.send(card({}) + heading({}) + footer({}));
            });
            "#,
            4,
        )
        .valid_at(
            FileKind::TypeScript,
            "src/routes/greet.ts",
            r#"
            import express from "express";
            import ejs from "ejs";
            import Handlebars from "handlebars";

            const router = express.Router();
            const heading = Handlebars.compile("<h2>{{title}}</h2>");
            const GREETING = "<h1>Hello <%= name %></h1>";

            router.get("/greet", (req, res) => {
              res.send(ejs.render(GREETING, { name: req.query.name }));
            });

            router.get("/cards", (req, res) => {
              res.send(heading({ title: req.query.title }));
            });

            router.get("/page", (req, res) => {
              res.render("page", { name: req.query.name });
            });

            export default router;
            "#,
        )
        .invalid_at(
            FileKind::Rust,
            "src/handlers.rs",
            r#"
            use std::collections::HashMap;

            use axum::extract::{Json, Query};
            use axum::response::Html;
            use serde::Deserialize;
            use tera::{Context, Tera};

            #[derive(Deserialize)]
            pub struct Preview {
                template: String,
            }

            pub async fn greet(Query(params): Query<HashMap<String, String>>) -> Html<String> {
                let name = params.get("name").cloned().unwrap_or_default();
                let page = format!("<h1>Hello {name}!</h1>");
                Html(Tera::one_off(&page, &Context::new(), true).unwrap_or_default())
            }

            pub async fn preview(Json(body): Json<Preview>) -> Html<String> {
                let mut tera = Tera::default();
                Html(tera.render_str(&body.template, &Context::new()).unwrap_or_default())
            }
            "#,
            2,
        )
        .valid_at(
            FileKind::Rust,
            "src/handlers.rs",
            r#"
            use std::collections::HashMap;

            use axum::extract::Query;
            use axum::response::Html;
            use tera::{Context, Tera};

            const GREETING: &str = "<h1>Hello {{ name }}!</h1>";

            pub async fn greet(Query(params): Query<HashMap<String, String>>) -> Html<String> {
                let mut context = Context::new();
                context.insert("name", params.get("name").map_or("guest", String::as_str));
                Html(Tera::one_off(GREETING, &context, true).unwrap_or_default())
            }
            "#,
        )
}

#[cfg(test)]
mod tests {
    use crate::engine::findings_of_rule;
    use redflag_syntax::FileKind;

    fn findings(path: &str, kind: FileKind, code: &str) -> Vec<String> {
        findings_of_rule("template-injection", path, kind, code)
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn message_names_the_engine_and_the_source() {
        let found = findings(
            "app/views.py",
            FileKind::Python,
            r#"
            from flask import render_template_string, request

            @app.get("/greet")
            def greet():
                name = request.args.get("name", "guest")
                return render_template_string("<h1>Hello " + name + "</h1>")
            "#,
        );
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(
            found[0].starts_with(
                "`render_template_string` compiles a template built from the query string `request.args` (via `name`): Jinja2 expressions"
            ),
            "{}",
            found[0]
        );
    }

    #[test]
    fn string_template_and_unrelated_from_string_are_quiet() {
        let code = r#"
            from string import Template

            @app.get("/greet")
            def greet():
                name = request.args.get("name", "guest")
                color = Color.from_string(request.args["color"])
                return Template("Hello $name").substitute(name=name)
        "#;
        assert!(findings("app/views.py", FileKind::Python, code).is_empty());
    }

    #[test]
    fn minijinja_and_sandboxed_jinja() {
        let rust = r#"
            use axum::extract::Form;
            use minijinja::Environment;

            pub async fn preview(Form(form): Form<Preview>) -> String {
                let mut env = Environment::new();
                env.add_template_owned("page", form.body.clone()).ok();
                env.render_str("<p>{{ title }}</p>", minijinja::context! { title => form.title }).unwrap_or_default()
            }
        "#;
        let found = findings("src/preview.rs", FileKind::Rust, rust);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].starts_with("`minijinja Environment::add_template` compiles"), "{}", found[0]);
        let python = r#"
            from jinja2.sandbox import SandboxedEnvironment
            from flask import request

            sandbox = SandboxedEnvironment(autoescape=True)

            @app.post("/preview")
            def preview():
                return sandbox.from_string(request.form["template"]).render(user="Ada")
        "#;
        assert!(findings("app/views.py", FileKind::Python, python).is_empty());
    }

    #[test]
    fn nunjucks_environment_and_handlebars_rust() {
        let js = r#"
            import nunjucks from "nunjucks";
            const env = new nunjucks.Environment();
            app.post("/preview", (req, res) => res.send(env.renderString(req.body.tpl, {})));
        "#;
        assert_eq!(findings("src/app.js", FileKind::JavaScript, js).len(), 1);
        let rust = r#"
            use handlebars::Handlebars;
            use axum::extract::Json;

            pub async fn preview(Json(body): Json<Body>) -> String {
                let hbs = Handlebars::new();
                hbs.render_template(&body.template, &body.data).unwrap_or_default()
            }
        "#;
        assert_eq!(findings("src/preview.rs", FileKind::Rust, rust).len(), 1);
    }
}
