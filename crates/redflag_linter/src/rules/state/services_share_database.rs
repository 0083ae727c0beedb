//! `services-share-database`: two services of the deployment point at the
//! same database.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;
use regex::Regex;

use crate::facts::deploy::{EnvValue, VolumeMount};
use crate::project::vocabulary::datastore_of;
use crate::project::ProjectModel;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleMeta};
use crate::source::Location;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(ServicesShareDatabase { meta: meta() })
}

struct ServicesShareDatabase {
    meta: RuleMeta,
}

/// A database connection URL: scheme, optional user, host, port, database.
static DATABASE_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:jdbc:)?(?P<scheme>postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|sqlserver|mssql)",
        r"(?:\+[a-z0-9_]+)?://(?:(?P<user>[^:@/\s]*)(?::[^@/\s]*)?@)?(?P<host>[^:/?,\s]+)",
        r"(?::(?P<port>\d+))?(?:/(?P<db>[^?\s]*))?",
    ))
    .expect("database URL pattern compiles")
});

/// The database a URL names (`postgresql://db:5432/orders`), or `None`
/// for other values, templated values and read-only users or replicas,
/// which share data safely.
fn database_of(value: &str) -> Option<String> {
    if value.contains("${") || value.contains("{{") {
        return None;
    }
    let caps = DATABASE_URL.captures(value.trim())?;
    let user = caps.name("user").map_or("", |m| m.as_str()).to_ascii_lowercase();
    let host = caps["host"].to_ascii_lowercase();
    let reads_only = ["read", "replica", "ro_", "_ro", "report"]
        .iter()
        .any(|w| user.contains(w) || host.contains(w));
    if reads_only {
        return None;
    }
    let scheme = match &caps["scheme"] {
        "postgres" | "postgresql" => "postgresql",
        "mariadb" => "mysql",
        "mongodb+srv" => "mongodb",
        other => other,
    };
    let db = caps.name("db").map_or("", |m| m.as_str());
    let port = caps.name("port").map_or("", |m| m.as_str());
    Some(format!("{scheme}://{host}:{port}/{db}"))
}

/// Environment names that hold a database connection URL, for values set
/// from a Secret or ConfigMap (`valueFrom`), whose text is not visible.
fn is_database_url_key(key: &str) -> bool {
    let key = key.to_ascii_uppercase();
    let ends = ["DATABASE_URL", "DATABASE_URI", "DB_URL", "DB_URI", "DATABASE_DSN", "DB_DSN", "MONGO_URI", "MONGODB_URI", "MONGO_URL", "POSTGRES_URL", "MYSQL_URL"];
    ends.iter().any(|e| key == *e || key.ends_with(&format!("_{e}")))
}

/// A named volume that holds a database (`db-data`, `sqlite`, a mount at
/// `/app/db`), by its name or where it is mounted.
fn is_database_volume(volume: &VolumeMount) -> bool {
    let words = |text: &str| {
        text.to_ascii_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| matches!(w, "db" | "database" | "databases" | "sqlite" | "sqlite3" | "pgdata" | "mysql" | "postgres" | "mongo"))
    };
    words(&volume.source) || words(&volume.target) || [".db", ".sqlite", ".sqlite3"].iter().any(|e| volume.target.ends_with(e))
}

/// One service's use of a database.
struct Use {
    service: String,
    location: Location,
}

impl Rule for ServicesShareDatabase {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn is_project_rule(&self) -> bool {
        true
    }

    fn check_project(&self, model: &ProjectModel, ctx: &mut ProjectContext<'_>) {
        // Per deployment file (one compose project, one manifest set), the
        // app services by the database they write to.
        let mut by_database: BTreeMap<(String, String), Vec<Use>> = BTreeMap::new();
        let mut record = |scope: &str,
                          service: &str,
                          image: &str,
                          env: &[EnvValue],
                          refs: &[EnvValue],
                          volumes: &[VolumeMount]| {
            if datastore_of(image).is_some() {
                return;
            }
            let urls = env.iter().filter_map(|v| Some((database_of(&v.value)?, &v.location)));
            // The same Secret key read as a database URL by two workloads.
            let secrets = refs
                .iter()
                .filter(|v| is_database_url_key(&v.key))
                .map(|v| (format!("the database URL in {}", v.value), &v.location));
            // The same named volume holding a database file, mounted
            // read-write by two services.
            let shared_files = volumes
                .iter()
                .filter(|v| v.is_named() && !v.read_only && is_database_volume(v))
                .map(|v| (format!("the database files on volume `{}`", v.source), &v.location));
            for (database, location) in urls.chain(secrets).chain(shared_files) {
                let uses = by_database.entry((scope.to_string(), database)).or_default();
                if !uses.iter().any(|u| u.service == service) {
                    uses.push(Use {
                        service: service.to_string(),
                        location: location.clone(),
                    });
                }
            }
        };
        for facts in &model.files {
            let Some(deploy) = &facts.deploy else {
                continue;
            };
            for compose in &deploy.compose {
                record(
                    &facts.path,
                    &compose.name,
                    compose.image.as_deref().unwrap_or(""),
                    &compose.environment,
                    &[],
                    &compose.volumes,
                );
            }
            for workload in &deploy.workloads {
                for container in &workload.containers {
                    // Manifests of one cluster live in several files.
                    record(
                        "kubernetes",
                        &workload.name,
                        &container.image,
                        &container.env,
                        &container.env_refs,
                        &[],
                    );
                }
            }
        }
        for ((_, database), uses) in by_database {
            let [first, rest @ ..] = uses.as_slice() else {
                continue;
            };
            for other in rest {
                ctx.report(ProjectDiagnostic {
                    location: Some(other.location.clone()),
                    message: format!(
                        "`{}` connects to the same database as `{}` ({}, at {}:{}): two services writing one schema are coupled through it — neither can change a table, scale or fail alone",
                        other.service,
                        first.service,
                        database,
                        first.location.path,
                        first.location.start.line
                    ),
                    help: Some(
                        "give each service its own database (or schema and user) and share data through an API or events; a reporting reader should connect with a read-only user or to a replica"
                            .to_string(),
                    ),
                    severity: None,
                    confidence: None,
                });
            }
        }
    }
}

const DOCS: &str = r#"
## What it does
Reads the connection URLs that docker-compose `environment:` blocks and
Kubernetes container `env:` lists give application services (images that
are not themselves a database) and reports when two services of the same
compose file, or of the same cluster's manifests, point at the same
database (scheme, host, port and database name). Templated values
(`${DATABASE_URL}`), read-only users and replicas (a user or host naming
`read`, `replica`, `ro`, `report`) are not counted.

## Why it matters
Checklist SCOPE-3.4 and red flag RF-3 (shared mutable state between
services). A database written by two services is an interface nobody
versions: a migration for one breaks the other, both must deploy together,
and load or locks from one take the other down.

## Example
```yaml
services:
  orders:
    build: ./orders
    environment:
      DATABASE_URL: postgresql://app:app@db:5432/shop
  billing:
    build: ./billing
    environment:
      DATABASE_URL: postgresql://app:app@db:5432/shop
```

## Use instead
```yaml
  orders:
    environment:
      DATABASE_URL: postgresql://orders:orders@db:5432/orders
  billing:
    environment:
      DATABASE_URL: postgresql://billing:billing@db:5432/billing
```

## Configuration
No options. Also counted: two Kubernetes workloads reading a database URL
variable (`DATABASE_URL`, `*_DB_URL`, `MONGODB_URI`, …) from the same Secret
or ConfigMap key (`valueFrom.secretKeyRef`), and two compose services
mounting the same named volume read-write when it holds a database (its name
or mount point says `db`, `database`, `sqlite`, `pgdata`, or the target is a
`.db`/`.sqlite3` file). Bind mounts of host paths (`.:/app`), read-only
mounts (`:ro`) and other volumes (media, uploads) are not counted. Not seen:
URLs assembled in code from several variables, and Helm values.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("services-share-database", "SCOPE-3.4")
        .red_flag("RF-3")
        .severity(Severity::Note)
        .confidence(Confidence::Medium)
        .summary("Two services of the deployment connect to the same database.")
        .kinds(&[FileKind::Yaml])
        .tags(&["architecture", "database"])
        .docs(DOCS)
        .invalid_at(
            FileKind::Yaml,
            "docker-compose.yml",
            r#"
            services:
              db:
                image: postgres:16
                environment:
                  POSTGRES_PASSWORD: example
              orders:
                build: ./orders
                environment:
                  DATABASE_URL: postgresql://app:app@db:5432/shop
              billing:
                build: ./billing
                environment:
                  - DATABASE_URL=postgresql+asyncpg://app:app@db:5432/shop
              reports:
                build: ./reports
                environment:
                  DATABASE_URL: postgresql://report_reader:pw@db:5432/shop
            "#,
            1,
        )
        .valid_at(
            FileKind::Yaml,
            "docker-compose.yml",
            r#"
            services:
              db:
                image: postgres:16
              orders:
                build: ./orders
                environment:
                  DATABASE_URL: postgresql://orders:orders@db:5432/orders
              billing:
                build: ./billing
                environment:
                  DATABASE_URL: postgresql://billing:billing@db:5432/billing
                  CACHE_URL: redis://cache:6379/0
              worker:
                build: ./orders
                environment:
                  DATABASE_URL: ${ORDERS_DATABASE_URL}
            "#,
        )
        .invalid_at(
            FileKind::Yaml,
            "k8s/orders.yaml",
            r#"
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: orders
            spec:
              template:
                spec:
                  containers:
                    - name: orders
                      image: acme/orders:1.4
                      env:
                        - name: DATABASE_URL
                          value: postgresql://svc:pw@pg.internal:5432/commerce
            "#,
            1,
        )
        .with_file(
            "k8s/billing.yaml",
            FileKind::Yaml,
            r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: billing
spec:
  template:
    spec:
      containers:
        - name: billing
          image: acme/billing:2.0
          env:
            - name: DB_URL
              value: postgresql://svc:pw@pg.internal:5432/commerce
"#,
        )
        .invalid_at(
            FileKind::Yaml,
            "deploy/orders.yaml",
            r#"
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: orders
            spec:
              template:
                spec:
                  containers:
                    - name: orders
                      image: acme/orders:1.4
                      env:
                        - name: DATABASE_URL
                          valueFrom:
                            secretKeyRef:
                              name: commerce-db
                              key: url
            "#,
            1,
        )
        .with_file(
            "deploy/billing.yaml",
            FileKind::Yaml,
            r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: billing
spec:
  template:
    spec:
      containers:
        - name: billing
          image: acme/billing:2.0
          env:
            - name: BILLING_DATABASE_URL
              valueFrom:
                secretKeyRef:
                  name: commerce-db
                  key: url
            - name: STRIPE_KEY
              valueFrom:
                secretKeyRef:
                  name: stripe
                  key: api-key
"#,
        )
        .invalid_at(
            FileKind::Yaml,
            "compose.yaml",
            r#"
            services:
              api:
                build: .
                volumes:
                  - sqlite-data:/app/data
                  - .:/app
              worker:
                build: .
                command: python -m app.worker
                volumes:
                  - type: volume
                    source: sqlite-data
                    target: /app/data
            volumes:
              sqlite-data:
            "#,
            1,
        )
        .valid_at(
            FileKind::Yaml,
            "compose.yaml",
            r#"
            services:
              db:
                image: postgres:16
                volumes:
                  - pgdata:/var/lib/postgresql/data
              api:
                build: .
                volumes:
                  - .:/app
                  - media:/app/media
                  - sqlite-data:/app/data:ro
              worker:
                build: .
                volumes:
                  - .:/app
                  - media:/app/media
                  - sqlite-data:/app/data
            volumes:
              pgdata:
              media:
              sqlite-data:
            "#,
        )
}

#[cfg(test)]
mod tests {
    use super::database_of;

    #[test]
    fn urls_name_databases_and_readers_do_not_count() {
        assert_eq!(
            database_of("postgresql+psycopg://app:pw@db:5432/shop").as_deref(),
            Some("postgresql://db:5432/shop")
        );
        assert_eq!(
            database_of("jdbc:mysql://mysql.internal/billing").as_deref(),
            Some("mysql://mysql.internal:/billing")
        );
        assert_eq!(database_of("postgres://report_reader:pw@db/shop"), None);
        assert_eq!(database_of("postgres://app@replica.db/shop"), None);
        assert_eq!(database_of("${DATABASE_URL}"), None);
        assert_eq!(database_of("redis://cache:6379/0"), None);
        assert_eq!(database_of("https://api.example.com"), None);
    }
}
