//! `in-memory-session-store`: sessions kept in one process's memory
//! (express-session's default `MemoryStore`, Flask-Session `filesystem`/
//! `null`, Django cache sessions on `LocMemCache`, `tower-sessions`'
//! `MemoryStore`), lost on restart and invisible to the other replicas.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};

use crate::rule::{Diagnostic, NodeContext, Rule, RuleMeta};
use crate::semantics::paths::is_test_or_example;
use crate::semantics::{callee_path, rust_in_test_code};

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(InMemorySessionStore { meta: meta() })
}

struct InMemorySessionStore {
    meta: RuleMeta,
}

const LOST: &str = "sessions live in one process's memory: they are lost on every restart or deploy and not shared across replicas, so a user is logged out whenever the load balancer picks another instance";

/// Words in a file path (or a config class name) that mark development or
/// test settings, where an in-memory store is the sensible choice.
const NON_PRODUCTION: &[&str] = &["dev", "local", "test", "debug", "sample", "example"];

fn is_non_production(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    NON_PRODUCTION.iter().any(|w| lower.contains(w))
}

/// The file name of a path, without its directories.
fn file_stem(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// The value of a Python or JS string literal node, quotes and prefixes
/// stripped; `None` for anything else (f-strings with interpolations too).
fn string_value<'a>(text: &'a str, kind: &str) -> Option<&'a str> {
    if kind != "string" {
        return None;
    }
    let start = text.find(['"', '\''])?;
    let body = &text[start..];
    let quote = body.chars().next()?;
    let trimmed = body.trim_start_matches(quote).trim_end_matches(quote);
    (!trimmed.contains('{')).then_some(trimmed)
}

const DJANGO_CACHE_SESSIONS: &str = "django.contrib.sessions.backends.cache";

impl InMemorySessionStore {
    fn check_python(node: Node<'_>, ctx: &mut NodeContext<'_>) {
        let file = ctx.file;
        let (Some(left), Some(right)) = (node.child_by_field_name("left"), node.child_by_field_name("right")) else {
            return;
        };
        let name = match left.kind() {
            "identifier" => file.text_of(left),
            // `app.config["SESSION_TYPE"] = "filesystem"`
            "subscript" => {
                let Some(key) = left.child_by_field_name("subscript") else {
                    return;
                };
                match string_value(file.text_of(key), key.kind()) {
                    Some(key) => key,
                    None => return,
                }
            }
            _ => return,
        };
        let path = file.path.as_str();
        // Django's own defaults module is not a deployment's settings.
        if file_stem(path) == "global_settings.py" {
            return;
        }
        if is_non_production(file_stem(path)) || Self::in_non_production_class(ctx) {
            return;
        }
        match name {
            "SESSION_TYPE" => {
                let Some(value) = string_value(file.text_of(right), right.kind()) else {
                    return;
                };
                if matches!(value, "filesystem" | "null") {
                    let what = if value == "null" {
                        "Flask-Session `SESSION_TYPE = \"null\"` falls back to Flask's signed-cookie sessions without server state and warns on every request"
                    } else {
                        "Flask-Session `SESSION_TYPE = \"filesystem\"` keeps sessions in files on this instance's disk"
                    };
                    let diagnostic = Diagnostic::new(node.byte_range(), format!("{what}: {LOST}")).help(
                        "use a shared store: `SESSION_TYPE = \"redis\"` with `SESSION_REDIS = redis.from_url(os.environ[\"REDIS_URL\"])`, or `\"sqlalchemy\"` on the application database",
                    );
                    ctx.report(diagnostic);
                }
            }
            "SESSION_ENGINE" if left.kind() == "identifier" => {
                if string_value(file.text_of(right), right.kind()) != Some(DJANGO_CACHE_SESSIONS) {
                    return;
                }
                let text = file.text.as_str();
                let locmem = text.contains("LocMemCache") || text.contains("backends.locmem");
                // Without `CACHES` Django's default cache is `LocMemCache`,
                // unless the file imports its settings from a base module.
                let default_cache = !text.contains("CACHES") && !text.contains("import *");
                if locmem || default_cache {
                    let how = if locmem {
                        "with a `LocMemCache` cache"
                    } else {
                        "and no `CACHES` setting (Django's default cache is `LocMemCache`)"
                    };
                    let diagnostic = Diagnostic::new(
                        node.byte_range(),
                        format!("Django cache sessions (`SESSION_ENGINE = \"{DJANGO_CACHE_SESSIONS}\"`) {how}: {LOST}"),
                    )
                    .help("point `CACHES[\"default\"]` at Redis (`django.core.cache.backends.redis.RedisCache`) or use `django.contrib.sessions.backends.db` / `cached_db`");
                    ctx.report(diagnostic);
                }
            }
            "CACHES" if left.kind() == "identifier" && right.kind() == "dictionary" => {
                let Some(range) = Self::locmem_default(ctx, right) else {
                    return;
                };
                // Reported once, on `SESSION_ENGINE`, when sessions use it.
                if file.text.as_str().contains(DJANGO_CACHE_SESSIONS) && !file.text.as_str().contains("cached_db") {
                    return;
                }
                if !file.text.as_str().contains("SESSION") && !file_stem(path).contains("settings") && !path.contains("settings/")
                {
                    return;
                }
                let diagnostic = Diagnostic::new(
                    range,
                    "the default cache is `LocMemCache` in production settings: cached data and any cache-backed sessions live in one process's memory, lost on restart and not shared across replicas or workers",
                )
                .help("use a shared cache backend: `django.core.cache.backends.redis.RedisCache` (or django-redis) with `LOCATION` from the environment")
                .with_confidence(Confidence::Medium);
                ctx.report(diagnostic);
            }
            _ => {}
        }
    }

    /// The `"BACKEND": "...LocMemCache"` value of a `CACHES` dict's
    /// `"default"` entry.
    fn locmem_default(ctx: &NodeContext<'_>, dict: Node<'_>) -> Option<std::ops::Range<usize>> {
        let file = ctx.file;
        let mut cursor = dict.walk();
        for pair in dict.named_children(&mut cursor).filter(|c| c.kind() == "pair") {
            let key = pair.child_by_field_name("key")?;
            if string_value(file.text_of(key), key.kind()) != Some("default") {
                continue;
            }
            let value = pair.child_by_field_name("value")?;
            if value.kind() != "dictionary" {
                return None;
            }
            let mut inner = value.walk();
            for entry in value.named_children(&mut inner).filter(|c| c.kind() == "pair") {
                let (Some(k), Some(v)) = (entry.child_by_field_name("key"), entry.child_by_field_name("value")) else {
                    continue;
                };
                if string_value(file.text_of(k), k.kind()) == Some("BACKEND") {
                    let backend = string_value(file.text_of(v), v.kind())?;
                    return (backend.ends_with("LocMemCache") || backend.ends_with("backends.locmem"))
                        .then(|| entry.byte_range());
                }
            }
        }
        None
    }

    /// `class DevelopmentConfig(Config): SESSION_TYPE = "filesystem"`.
    fn in_non_production_class(ctx: &NodeContext<'_>) -> bool {
        ctx.ancestors.iter().any(|a| {
            a.kind() == "class_definition"
                && a.child_by_field_name("name")
                    .is_some_and(|n| is_non_production(ctx.file.text_of(n)))
        })
    }

    fn check_js(node: Node<'_>, ctx: &mut NodeContext<'_>, language: Language) {
        let file = ctx.file;
        let Some(callee) = callee_path(file, language, node) else {
            return;
        };
        let resolved = file.imports().resolve(&callee);
        if !(resolved == "express-session" || resolved == "express-session.default") {
            return;
        }
        let Some(args) = node.child_by_field_name("arguments") else {
            return;
        };
        let mut cursor = args.walk();
        let first = args.named_children(&mut cursor).next();
        // Options built elsewhere (`session(sessionOptions)`) may carry a store.
        let options = match first {
            Some(o) if o.kind() == "object" => Some(o),
            None => None,
            Some(_) => return,
        };
        if let Some(options) = options {
            let mut inner = options.walk();
            let has_store = options.named_children(&mut inner).any(|p| match p.kind() {
                "pair" => p
                    .child_by_field_name("key")
                    .is_some_and(|k| file.text_of(k).trim_matches(['"', '\'']) == "store"),
                "shorthand_property_identifier" => file.text_of(p) == "store",
                // `...options` may bring one.
                "spread_element" => true,
                _ => false,
            });
            if has_store {
                return;
            }
        }
        let diagnostic = Diagnostic::new(
            node.byte_range(),
            format!("`express-session` without a `store` uses its default `MemoryStore`, which never evicts expired sessions (memory grows) and whose {LOST}"),
        )
        .help("pass a shared store: `store: new RedisStore({ client: redisClient })` (connect-redis), `connect-pg-simple` or `connect-mongo`");
        ctx.report(diagnostic);
    }

    fn check_rust(node: Node<'_>, ctx: &mut NodeContext<'_>) {
        let file = ctx.file;
        let Some(callee) = callee_path(file, Language::Rust, node) else {
            return;
        };
        if !(callee.ends_with("MemoryStore::default") || callee.ends_with("MemoryStore::new")) {
            return;
        }
        let resolved = file.imports().resolve(&callee);
        let known = ["tower_sessions", "tower_sessions_memory_store", "async_session", "axum_sessions"]
            .iter()
            .any(|krate| resolved.starts_with(&format!("{krate}::")));
        if !known || rust_in_test_code(file, ctx.ancestors) {
            return;
        }
        let diagnostic = Diagnostic::new(
            node.byte_range(),
            format!("`{resolved}` keeps sessions in a map inside this process: {LOST}"),
        )
        .help("use a shared store: `tower_sessions_redis_store::RedisStore` or `tower_sessions_sqlx_store::PostgresStore` (actix-session's `RedisSessionStore`, or the client-side `CookieSessionStore`, work too)");
        ctx.report(diagnostic);
    }
}

impl Rule for InMemorySessionStore {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn applies_to(&self, path: &str) -> bool {
        !is_test_or_example(path)
    }

    fn prefilter(&self, language: Language) -> Option<Vec<Vec<String>>> {
        let words: &[&str] = match language {
            Language::Python => &["SESSION_TYPE", "SESSION_ENGINE", "LocMemCache", "locmem"],
            Language::Rust => &["MemoryStore"],
            _ => &["express-session"],
        };
        Some(vec![words.iter().map(|w| (*w).to_string()).collect()])
    }

    fn node_kinds(&self, language: Language) -> Vec<String> {
        let kind = match language {
            Language::Python => "assignment",
            _ => "call_expression",
        };
        vec![kind.to_string()]
    }

    fn check_node(&self, node: Node<'_>, ctx: &mut NodeContext<'_>) {
        match ctx.language() {
            Language::Python => Self::check_python(node, ctx),
            Language::Rust => Self::check_rust(node, ctx),
            language => Self::check_js(node, ctx, language),
        }
    }
}

const DOCS: &str = r#"
## What it does
Finds session stores that keep sessions in one process's memory or disk:
`express-session` called without a `store` option (its default `MemoryStore`);
Flask-Session `SESSION_TYPE = "filesystem"` or `"null"` (also
`app.config["SESSION_TYPE"] = ...`); Django
`SESSION_ENGINE = "django.contrib.sessions.backends.cache"` when the cache is
`LocMemCache` (or not configured in that file, Django's default being
`LocMemCache`), and a `CACHES` default backend of `LocMemCache` in production
settings; `tower_sessions::MemoryStore::default()` (and the older
`async_session`/`axum_sessions` `MemoryStore`).

## Why it matters
Checklist SCOPE-3.4 (stateless services) and red flag RF-3 (state kept in a
single process). In-memory sessions disappear on every deploy or crash and
are not seen by the other replicas: users are logged out at random as soon
as the service scales past one instance. express-session's `MemoryStore`
also never evicts expired sessions, so it leaks memory.

## Example
```js
const session = require("express-session");
app.use(session({ secret: process.env.SESSION_SECRET, resave: false }));
```

## Use instead
```js
const { RedisStore } = require("connect-redis");
app.use(session({ store: new RedisStore({ client: redis }), secret: process.env.SESSION_SECRET }));
```
Flask: `SESSION_TYPE = "redis"`; Django: `db`/`cached_db` sessions or a Redis
cache; Rust: `tower-sessions-redis-store` or `tower-sessions-sqlx-store`.
actix-session's `CookieSessionStore` keeps sessions client-side and is fine.

## Configuration
Select or ignore it by name, `SCOPE-3.4` or `RF-3`. Files and config classes
whose names mark them as development, local or test settings (`settings/dev.py`,
`local_settings.py`, `class TestingConfig`) are not checked, nor are tests and
examples. `session(options)` with options built elsewhere, or spread from
another object, is assumed to carry a store. A `CACHES` setting inherited
through `from .base import *` is not followed.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("in-memory-session-store", "SCOPE-3.4")
        .red_flag("RF-3")
        .severity(Severity::Warning)
        .confidence(Confidence::High)
        .summary("Sessions are stored in one process's memory (default MemoryStore, filesystem, LocMemCache): lost on restart and not shared across replicas.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Rust])
        .docs(DOCS)
        .invalid(
            FileKind::JavaScript,
            r#"
            const express = require("express");
            const session = require("express-session");

            const app = express();
            app.use(
              session({
                secret: process.env.SESSION_SECRET,
                resave: false,
                saveUninitialized: false,
                cookie: { secure: true, maxAge: 86400000 },
              })
            );
            "#,
            1,
        )
        .valid(
            FileKind::JavaScript,
            r#"
            const express = require("express");
            const session = require("express-session");
            const { RedisStore } = require("connect-redis");
            const { createClient } = require("redis");

            const redisClient = createClient({ url: process.env.REDIS_URL });
            redisClient.connect().catch(console.error);

            const app = express();
            app.use(
              session({
                store: new RedisStore({ client: redisClient, prefix: "sess:" }),
                secret: process.env.SESSION_SECRET,
                resave: false,
                saveUninitialized: false,
              })
            );
            "#,
        )
        .invalid(
            FileKind::TypeScript,
            r#"
            import express from "express";
            import session from "express-session";

            export const app = express();
            app.use(session({ secret: process.env.SESSION_SECRET!, resave: false, saveUninitialized: true }));
            "#,
            1,
        )
        .valid(
            FileKind::TypeScript,
            r#"
            import express from "express";
            import session from "express-session";
            import connectPgSimple from "connect-pg-simple";
            import { pool } from "./db";

            const PgStore = connectPgSimple(session);
            const store = new PgStore({ pool, tableName: "user_sessions" });

            export const app = express();
            app.use(session({ store, secret: process.env.SESSION_SECRET!, resave: false, saveUninitialized: false }));
            "#,
        )
        .invalid_at(
            FileKind::Python,
            "app/config.py",
            r#"
            import os

            class Config:
                SECRET_KEY = os.environ["SECRET_KEY"]
                SESSION_PERMANENT = False

            class ProductionConfig(Config):
                SESSION_TYPE = "filesystem"
                SESSION_FILE_DIR = "/var/lib/app/sessions"

            class DevelopmentConfig(Config):
                SESSION_TYPE = "filesystem"
            "#,
            1,
        )
        .valid_at(
            FileKind::Python,
            "app/config.py",
            r#"
            import os
            import redis

            class ProductionConfig:
                SECRET_KEY = os.environ["SECRET_KEY"]
                SESSION_TYPE = "redis"
                SESSION_REDIS = redis.from_url(os.environ["REDIS_URL"])

            class TestingConfig:
                SESSION_TYPE = "null"
            "#,
        )
        .invalid_at(
            FileKind::Python,
            "mysite/settings/production.py",
            r#"
            import os

            DEBUG = False
            ALLOWED_HOSTS = os.environ["ALLOWED_HOSTS"].split(",")

            CACHES = {
                "default": {
                    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                    "LOCATION": "unique-snowflake",
                }
            }
            SESSION_ENGINE = "django.contrib.sessions.backends.cache"
            "#,
            1,
        )
        .invalid_at(
            FileKind::Python,
            "mysite/settings.py",
            r#"
            SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
            CACHES = {
                "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            }
            "#,
            1,
        )
        .valid_at(
            FileKind::Python,
            "mysite/settings/production.py",
            r#"
            import os

            CACHES = {
                "default": {
                    "BACKEND": "django.core.cache.backends.redis.RedisCache",
                    "LOCATION": os.environ["REDIS_URL"],
                }
            }
            SESSION_ENGINE = "django.contrib.sessions.backends.cache"
            "#,
        )
        .valid_at(
            FileKind::Python,
            "mysite/settings/local.py",
            r#"
            CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
            SESSION_ENGINE = "django.contrib.sessions.backends.cache"
            "#,
        )
        .invalid(
            FileKind::Rust,
            r#"
            use axum::{routing::get, Router};
            use tower_sessions::{Expiry, MemoryStore, SessionManagerLayer};

            pub fn app() -> Router {
                let session_store = MemoryStore::default();
                let layer = SessionManagerLayer::new(session_store)
                    .with_secure(true)
                    .with_expiry(Expiry::OnInactivity(time::Duration::hours(1)));
                Router::new().route("/", get(index)).layer(layer)
            }
            "#,
            1,
        )
        .valid(
            FileKind::Rust,
            r#"
            use axum::{routing::get, Router};
            use fred::prelude::*;
            use tower_sessions::SessionManagerLayer;
            use tower_sessions_redis_store::RedisStore;

            pub async fn app(pool: Pool) -> Router {
                let session_store = RedisStore::new(pool);
                let layer = SessionManagerLayer::new(session_store).with_secure(true);
                Router::new().route("/", get(index)).layer(layer)
            }

            #[cfg(test)]
            mod tests {
                use tower_sessions::MemoryStore;

                fn test_layer() {
                    let _ = tower_sessions::SessionManagerLayer::new(MemoryStore::default());
                }
            }
            "#,
        )
        .valid(
            FileKind::Rust,
            r#"
            use actix_session::{storage::CookieSessionStore, SessionMiddleware};
            use actix_web::{cookie::Key, App};

            fn session_middleware(key: Key) -> SessionMiddleware<CookieSessionStore> {
                SessionMiddleware::new(CookieSessionStore::default(), key)
            }
            "#,
        )
}
