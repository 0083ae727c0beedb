//! `migration-without-down`: a migration that cannot be rolled back, in a
//! tool that supports rolling back.

use std::collections::BTreeSet;

use redflag_diagnostics::{Confidence, Position, Severity};
use redflag_syntax::FileKind;

use crate::facts::data::DownFact;
use crate::facts::sql::MigrationRole;
use crate::project::ProjectModel;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleMeta};
use crate::source::Location;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(MigrationWithoutDown { meta: meta() })
}

struct MigrationWithoutDown {
    meta: RuleMeta,
}

/// The first line of a file, for findings about the file as a whole.
fn file_start(path: &str) -> Location {
    let start = Position { line: 1, column: 1 };
    Location {
        path: path.to_string(),
        range: 0..0,
        start,
        end: start,
        text: String::new(),
    }
}

/// The directory part of a path (`""` at the root).
fn dir_of(path: &str) -> &str {
    path.rfind('/').map_or("", |at| &path[..at])
}

impl Rule for MigrationWithoutDown {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn is_project_rule(&self) -> bool {
        true
    }

    fn check_project(&self, model: &ProjectModel, ctx: &mut ProjectContext<'_>) {
        let sql_files: BTreeSet<&str> = model
            .files
            .iter()
            .filter(|f| f.sql.is_some())
            .map(|f| f.path.as_str())
            .collect();
        for facts in &model.files {
            if let Some(sql) = &facts.sql {
                if sql.role == MigrationRole::Fixture {
                    continue;
                }
                let path = facts.path.as_str();
                let name = path.rsplit('/').next().unwrap_or(path);
                let dir = dir_of(path);
                let sibling = |file: &str| {
                    if dir.is_empty() {
                        file.to_string()
                    } else {
                        format!("{dir}/{file}")
                    }
                };
                // sqlx reversible migrations: `<version>_<name>.up.sql`
                // beside `<version>_<name>.down.sql`.
                if let Some(stem) = name.strip_suffix(".up.sql") {
                    let down = sibling(&format!("{stem}.down.sql"));
                    if !sql_files.contains(down.as_str()) {
                        report(
                            ctx,
                            file_start(path),
                            format!("reversible migration `{name}` has no `{stem}.down.sql` beside it"),
                            "sqlx (and golang-migrate)",
                        );
                    }
                }
                // Diesel: a directory with `up.sql` and `down.sql`.
                if name == "up.sql" && !sql_files.contains(sibling("down.sql").as_str()) {
                    report(
                        ctx,
                        file_start(path),
                        "migration directory has `up.sql` and no `down.sql`".to_string(),
                        "Diesel",
                    );
                }
                if name == "down.sql" && sql.statement_count == 0 {
                    report(
                        ctx,
                        file_start(path),
                        "`down.sql` holds no statement: the migration cannot be reverted".to_string(),
                        "Diesel",
                    );
                }
                if sql.dbmate_down == Some(false) {
                    report(
                        ctx,
                        file_start(path),
                        format!("`{name}` has an empty or missing `-- migrate:down` section"),
                        "dbmate",
                    );
                }
            }
            if let Some(schema) = &facts.schema {
                if let Some(DownFact::Missing { location, what }) = &schema.down {
                    report(ctx, location.clone(), what.clone(), schema.source.name());
                }
            }
        }
    }
}

fn report(ctx: &mut ProjectContext<'_>, location: Location, what: String, tool: &str) {
    ctx.report(ProjectDiagnostic {
        location: Some(location),
        message: format!(
            "{what}: {tool} can roll migrations back, but this one has no way back, so a bad deploy cannot be undone with the tool"
        ),
        help: Some(
            "write the down step (drop what the up step creates, restore what it changes); if the change truly cannot be undone, make the down step fail loudly with a reason"
                .to_string(),
        ),
        severity: None,
        confidence: None,
    });
}

const DOCS: &str = r#"
## What it does
Reports migrations that cannot be reverted, only in tools that can revert:
- sqlx reversible migrations: `<version>_<name>.up.sql` without the
  `.down.sql` beside it;
- Diesel: a migration directory whose `down.sql` is missing or holds no
  statement (the generated placeholder comment is not a statement);
- dbmate: a file with `-- migrate:up` and an empty or missing
  `-- migrate:down` section;
- Alembic: a `downgrade()` that only `pass`es;
- Django: `RunPython` without `reverse_code`, `RunSQL` without `reverse_sql`
  (Django reverses its schema operations by itself);
- knex, Sequelize and TypeORM migrations whose `down` has an empty body.

Forward-only tools are never reported: Flyway `V1__*.sql`, plain sqlx
`<version>_<name>.sql`, Prisma Migrate. golang-migrate's
`.up.sql`/`.down.sql` pairs are checked like sqlx's.

## Why it matters
Checklist TASK-2.3 (migrations versioned and reversible). When a release
goes wrong, rolling the schema back with the migration tool is the quick way
out; a migration with no down step turns that into hand-written SQL under
pressure.

## Example
```python
def upgrade():
    op.add_column("orders", sa.Column("coupon_code", sa.String(32)))


def downgrade():
    pass
```

## Use instead
```python
def downgrade():
    op.drop_column("orders", "coupon_code")
```

## Configuration
No options. A migration that is deliberately irreversible takes a
suppression comment with the reason.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("migration-without-down", "TASK-2.3")
        .severity(Severity::Warning)
        .confidence(Confidence::High)
        .summary("A migration in a tool that supports rollback has no working down step.")
        .kinds(&[
            FileKind::Sql,
            FileKind::Python,
            FileKind::JavaScript,
            FileKind::TypeScript,
        ])
        .tags(&["database", "migrations"])
        .docs(DOCS)
        .invalid_at(
            FileKind::Sql,
            "migrations/20240301120000_add_coupons.up.sql",
            "ALTER TABLE orders ADD COLUMN coupon_code TEXT;\n",
            1,
        )
        .valid_at(
            FileKind::Sql,
            "migrations/20240301120000_add_coupons.up.sql",
            "ALTER TABLE orders ADD COLUMN coupon_code TEXT;\n",
        )
        .with_file(
            "migrations/20240301120000_add_coupons.down.sql",
            FileKind::Sql,
            "ALTER TABLE orders DROP COLUMN coupon_code;\n",
        )
        .invalid_at(
            FileKind::Sql,
            "migrations/2024-03-01-120000_add_coupons/down.sql",
            "-- This file should undo anything in `up.sql`\n",
            1,
        )
        .with_file(
            "migrations/2024-03-01-120000_add_coupons/up.sql",
            FileKind::Sql,
            "ALTER TABLE orders ADD COLUMN coupon_code TEXT;\n",
        )
        .invalid_at(
            FileKind::Sql,
            "db/migrations/20240301120000_add_coupons.sql",
            "-- migrate:up\nALTER TABLE orders ADD COLUMN coupon_code TEXT;\n\n-- migrate:down\n\n",
            1,
        )
        .valid_at(
            FileKind::Sql,
            "db/migration/V3__add_coupons.sql",
            "ALTER TABLE orders ADD COLUMN coupon_code TEXT;\n",
        )
        .valid_at(
            FileKind::Sql,
            "migrations/20240301120000_add_coupons.sql",
            "ALTER TABLE orders ADD COLUMN coupon_code TEXT;\n",
        )
}
