//! `table-without-primary-key`: a table that ends the migrations (or is
//! declared by a model) with no primary key.

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::project::ProjectModel;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleMeta};

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(TableWithoutPrimaryKey { meta: meta() })
}

struct TableWithoutPrimaryKey {
    meta: RuleMeta,
}

impl Rule for TableWithoutPrimaryKey {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn is_project_rule(&self) -> bool {
        true
    }

    fn check_project(&self, model: &ProjectModel, ctx: &mut ProjectContext<'_>) {
        for table in model.data.schema.tables.values() {
            if !table.created || table.primary_key.is_some() {
                continue;
            }
            let Some(location) = table.defined_at.clone() else {
                continue;
            };
            let source = table.source.map_or("migration", |s| s.name());
            let unique = table
                .uniques
                .first()
                .map(|(_, key)| format!(" (it has a unique key on `{}`, which is not one)", key.join(", ")))
                .unwrap_or_default();
            ctx.report(ProjectDiagnostic {
                location: Some(location),
                message: format!(
                    "table `{}` has no primary key after the last {source}{unique}: rows cannot be addressed one by one, duplicates creep in, ORMs and logical replication need one",
                    table.name
                ),
                help: Some(format!(
                    "give `{}` a primary key in a new migration: a surrogate `id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY`, or `PRIMARY KEY (…)` over the columns that identify a row",
                    table.name
                )),
                severity: None,
                confidence: None,
            });
        }
    }
}

const DOCS: &str = r#"
## What it does
Builds the schema from every migration and model the repository has (SQL
migrations, Alembic, Django, knex, Sequelize, TypeORM, SQLAlchemy, Prisma,
Diesel) and reports each table that has no primary key at the end: not
declared inline, not at table level, not added later by `ALTER TABLE`, or
dropped and never replaced. Temporary tables are not part of the schema. It
reports where the table is defined.

## Why it matters
Checklist TASK-2.1 (proper constraints, indexes and foreign keys). Without a
primary key a row has no identity: updates and deletes by row are ambiguous,
duplicates go unnoticed, most ORMs cannot map the table, and PostgreSQL
logical replication cannot replicate its updates and deletes.

## Example
```sql
CREATE TABLE audit_events (
  occurred_at TIMESTAMPTZ NOT NULL,
  actor_id BIGINT NOT NULL,
  action TEXT NOT NULL
);
```

## Use instead
```sql
CREATE TABLE audit_events (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  occurred_at TIMESTAMPTZ NOT NULL,
  actor_id BIGINT NOT NULL,
  action TEXT NOT NULL
);
```
A join table can use its pair of foreign keys: `PRIMARY KEY (user_id, group_id)`.

## Configuration
No options. Tables that must stay keyless (an append-only staging table fed
by `COPY`) take a suppression comment with a reason on their definition.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("table-without-primary-key", "TASK-2.1")
        .severity(Severity::Warning)
        .confidence(Confidence::High)
        .summary("A table has no primary key after the last migration.")
        .kinds(&[
            FileKind::Sql,
            FileKind::Python,
            FileKind::JavaScript,
            FileKind::TypeScript,
            FileKind::Prisma,
        ])
        .tags(&["database", "correctness"])
        .docs(DOCS)
        .invalid(
            FileKind::Sql,
            r#"
            CREATE TABLE audit_events (
              occurred_at TIMESTAMPTZ NOT NULL,
              actor_id BIGINT NOT NULL,
              action TEXT NOT NULL
            );
            CREATE TABLE tags (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE);
            "#,
            1,
        )
        .invalid_at(
            FileKind::Sql,
            "migrations/0002_drop_pk.sql",
            "ALTER TABLE tags DROP CONSTRAINT tags_pkey;\n",
            1,
        )
        .with_file(
            "migrations/0001_tags.sql",
            FileKind::Sql,
            "CREATE TABLE tags (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE);\n",
        )
        .valid(
            FileKind::Sql,
            r#"
            CREATE TABLE memberships (
              user_id BIGINT NOT NULL REFERENCES users (id),
              group_id BIGINT NOT NULL REFERENCES groups (id),
              PRIMARY KEY (user_id, group_id)
            );
            CREATE TABLE events (occurred_at TIMESTAMPTZ, kind TEXT);
            ALTER TABLE events ADD COLUMN id BIGSERIAL;
            ALTER TABLE events ADD PRIMARY KEY (id);
            CREATE TEMPORARY TABLE import_rows (line TEXT);
            "#,
        )
}
