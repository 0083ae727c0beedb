//! Datastores a file names by configuration rather than by package:
//! connection URLs (`DATABASE_URL=postgres://…`, `redis://cache:6379`,
//! `postgresql+asyncpg://…`, `jdbc:mysql://…`), Django `ENGINE` backends
//! and Prisma `datasource` providers.
//!
//! Read from code, env, YAML (compose and Kubernetes `env:`), JSON, TOML and
//! ini-style files, so a service whose driver is a generic one (SQLAlchemy,
//! sqlx, Prisma) still shows the store it talks to.

use std::sync::LazyLock;

use redflag_syntax::FileKind;
use regex::Regex;

use crate::source::SourceFile;

/// One datastore a file names, with the line that names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatastoreRef {
    /// The store, spelt as in the model's datastore vocabulary.
    pub store: &'static str,
    pub line: u32,
}

/// Connection-URL schemes (with SQLAlchemy `+driver` suffixes and JDBC
/// prefixes), Django database/cache backends and Prisma providers.
static NAMING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(?:\b(?P<scheme>postgres(?:ql)?|mysql|mariadb|rediss?|mongodb(?:\+srv)?|amqps?",
        r"|kafka|sqlite3?|memcached?|cockroachdb|mssql|sqlserver)(?:\+[a-z0-9_]+)?://",
        r"|\bdjango\.db\.backends\.(?P<django>postgresql|mysql|sqlite3|oracle)",
        r"|\bdjango\.core\.cache\.backends\.(?P<cache>redis|memcached)",
        r#"|\bprovider\s*=\s*"(?P<prisma>postgresql|mysql|sqlite|mongodb|sqlserver|cockroachdb)")"#,
    ))
    .expect("datastore pattern compiles")
});

/// Cheap words one of which a naming line must contain.
const PREFILTER: &[&str] = &["://", "django.", "provider"];

/// The store a scheme, backend or provider names.
fn store_of(name: &str) -> Option<&'static str> {
    let name = name.to_ascii_lowercase();
    let base = name.split('+').next().unwrap_or("");
    Some(match base {
        "postgres" | "postgresql" | "cockroachdb" => "postgresql",
        "mysql" | "mariadb" => "mysql",
        "redis" | "rediss" => "redis",
        "mongodb" => "mongodb",
        "amqp" | "amqps" => "rabbitmq",
        "kafka" => "kafka",
        "sqlite" | "sqlite3" => "sqlite",
        "memcache" | "memcached" => "memcached",
        "mssql" | "sqlserver" => "sqlserver",
        "oracle" => "oracle",
        _ => return None,
    })
}

/// True for the kinds whose text can configure a connection.
fn reads(file: &SourceFile) -> bool {
    match file.kind {
        FileKind::Sql | FileKind::Dockerfile => false,
        FileKind::Text => {
            let ext = file.path.rsplit('.').next().unwrap_or("");
            matches!(
                ext.to_ascii_lowercase().as_str(),
                "ini" | "cfg" | "conf" | "properties"
            )
        }
        _ => true,
    }
}

/// The datastores a file names, one entry per store (at its first line).
#[must_use]
pub fn collect(file: &SourceFile) -> Vec<DatastoreRef> {
    if !reads(file) || !PREFILTER.iter().any(|w| file.text.contains(w)) {
        return Vec::new();
    }
    let mut found: Vec<DatastoreRef> = Vec::new();
    for (index, line) in file.text.lines().enumerate() {
        if !PREFILTER.iter().any(|w| line.contains(w)) {
            continue;
        }
        for caps in NAMING.captures_iter(line) {
            let name = ["scheme", "django", "cache", "prisma"]
                .iter()
                .find_map(|group| caps.name(group))
                .map_or("", |m| m.as_str());
            if let Some(store) = store_of(name) {
                if !found.iter().any(|f| f.store == store) {
                    found.push(DatastoreRef {
                        store,
                        line: u32::try_from(index + 1).unwrap_or(u32::MAX),
                    });
                }
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stores(path: &str, kind: FileKind, text: &str) -> Vec<(&'static str, u32)> {
        let file = SourceFile::new(path.into(), kind, text.into(), None);
        collect(&file).iter().map(|d| (d.store, d.line)).collect()
    }

    #[test]
    fn test_connection_urls_name_their_store() {
        let env = "PORT=8080\nDATABASE_URL=postgres://app:pw@db:5432/app\n\
                   CACHE_URL=rediss://cache:6380/0\nBROKER=amqp://guest@mq//\n\
                   OTHER=postgresql://x/y\n";
        assert_eq!(
            stores(".env.example", FileKind::Env, env),
            [("postgresql", 2), ("redis", 3), ("rabbitmq", 4)]
        );
        let py = "engine = create_async_engine('postgresql+asyncpg://u@h/db')\n\
                  client = MongoClient('mongodb+srv://cluster0.example.net')\n";
        assert_eq!(
            stores("app/db.py", FileKind::Python, py),
            [("postgresql", 1), ("mongodb", 2)]
        );
        let compose = "services:\n  api:\n    environment:\n      \
                       SPRING_DATASOURCE_URL: jdbc:mysql://db:3306/shop\n";
        assert_eq!(
            stores("docker-compose.yml", FileKind::Yaml, compose),
            [("mysql", 4)]
        );
    }

    #[test]
    fn test_django_backends_and_prisma_providers() {
        let settings = "DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql'}}\n\
                        CACHES = {'default': {'BACKEND': 'django.core.cache.backends.redis.RedisCache'}}\n";
        assert_eq!(
            stores("shop/settings.py", FileKind::Python, settings),
            [("postgresql", 1), ("redis", 2)]
        );
        let prisma = "datasource db {\n  provider = \"mysql\"\n  url = env(\"DATABASE_URL\")\n}\n\
                      generator client {\n  provider = \"prisma-client-js\"\n}\n";
        assert_eq!(
            stores("prisma/schema.prisma", FileKind::Prisma, prisma),
            [("mysql", 2)]
        );
    }

    #[test]
    fn test_quiet_on_other_urls_and_prose() {
        let code = "fetch('https://api.example.com/users')\n\
                    const ws = 'wss://stream.example.com'\n\
                    // the postgres docs explain this\n";
        assert!(stores("src/a.ts", FileKind::TypeScript, code).is_empty());
        let readme = "Set DATABASE_URL=postgres://localhost/dev\n";
        assert!(stores("README.md", FileKind::Text, readme).is_empty());
        assert!(stores("migrations/1.sql", FileKind::Sql, readme).is_empty());
        assert_eq!(
            stores("config/app.ini", FileKind::Text, readme),
            [("postgresql", 1)]
        );
    }
}
