//! `query-in-loop`: a query run once per row of another query (N+1).

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::FileKind;

use crate::facts::data::QueryFact;
use crate::project::ProjectModel;
use crate::rule::{ProjectContext, ProjectDiagnostic, Rule, RuleMeta};

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(QueryInLoop { meta: meta() })
}

struct QueryInLoop {
    meta: RuleMeta,
}

/// List reads: a page of rows is still many rows to loop over (unlike
/// `get`/`findUnique`/`first`, which the facts also mark limited).
const LIST_METHODS: &[&str] = &[
    "findMany",
    "findAll",
    "findAndCount",
    "findBy",
    "find",
    "filter",
    "filter_by",
    "exclude",
    "all",
    "order_by",
    "where",
    "select",
    "load",
];

fn reads_a_list(query: &QueryFact) -> bool {
    query
        .api
        .rsplit(['.', ':'])
        .next()
        .is_some_and(|method| LIST_METHODS.contains(&method))
}

/// The read, earlier in the same function and outside any loop, whose
/// rows the loop around `query` most likely walks.
fn outer_read<'a>(queries: &'a [QueryFact], query: &QueryFact) -> Option<&'a QueryFact> {
    let function = query.function.as_ref()?;
    queries
        .iter()
        .rev()
        .find(|q| {
            q.function.as_ref() == Some(function)
                && !q.in_loop
                && q.reads
                && (!q.limited || reads_a_list(q))
                && q.location.range.start < query.location.range.start
        })
}

impl Rule for QueryInLoop {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn is_project_rule(&self) -> bool {
        true
    }

    fn check_project(&self, model: &ProjectModel, ctx: &mut ProjectContext<'_>) {
        for facts in &model.files {
            for query in facts.queries.iter().filter(|q| q.in_loop) {
                let Some(outer) = outer_read(&facts.queries, query) else {
                    continue;
                };
                ctx.report(ProjectDiagnostic {
                    location: Some(query.location.clone()),
                    message: format!(
                        "`{}` runs inside a loop, once per row of `{}` (line {}): N+1 queries, one database round trip per row, growing with the data",
                        query.api, outer.api, outer.location.start.line
                    ),
                    help: Some(
                        "fetch the related rows with the first query (Django `select_related`/`prefetch_related`, SQLAlchemy `selectinload`/`joinedload`, Prisma `include`, TypeORM `relations`, Sequelize `include`, Diesel `belonging_to`) or in one batch (`WHERE id = ANY($1)`, `IN (…)`) before the loop"
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
Reports a query or ORM call that runs inside a loop body when the same
function read rows with another query before the loop — the shape of the
N+1 problem: one query for the list, then one more per item. Raw SQL and
ORM calls (Django, SQLAlchemy/SQLModel, Prisma, TypeORM, Sequelize,
Mongoose, Diesel, SeaORM) in Python, JavaScript/TypeScript and Rust count,
in `for`/`while`/`loop` bodies and `forEach`/`map` callbacks.

Lazy relation access (`order.user.email` on a Django model in a loop) runs
queries without a visible call and is not detected.

## Why it matters
Checklist TASK-2.2 (no N+1 queries). A page of 50 orders becomes 51 round
trips; with 5,000 rows it is 5,001, each paying network latency and
planner overhead. It hides in development, where tables are small.

## Example
```python
orders = Order.objects.filter(status="paid")
for order in orders:
    items = OrderItem.objects.filter(order_id=order.id)
```

## Use instead
```python
orders = Order.objects.filter(status="paid").prefetch_related("items")
for order in orders:
    items = order.items.all()
```

## Configuration
No options.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("query-in-loop", "TASK-2.2")
        .severity(Severity::Warning)
        .confidence(Confidence::Medium)
        .summary("A query runs once per row of another query (N+1).")
        .kinds(&[
            FileKind::Python,
            FileKind::JavaScript,
            FileKind::TypeScript,
            FileKind::Rust,
        ])
        .tags(&["performance", "database"])
        .docs(DOCS)
        .invalid(
            FileKind::TypeScript,
            r#"
            import { PrismaClient } from "@prisma/client";

            const prisma = new PrismaClient();

            export async function invoiceTotals(shopId: number) {
              const orders = await prisma.order.findMany({ where: { shopId }, take: 100 });
              const totals: number[] = [];
              for (const order of orders) {
                const items = await prisma.orderItem.findMany({ where: { orderId: order.id } });
                totals.push(items.reduce((sum, item) => sum + item.price, 0));
              }
              return totals;
            }
            "#,
            1,
        )
        .invalid(
            FileKind::Python,
            r#"
            from shop.models import Order, OrderItem


            def order_summaries(shop_id):
                summaries = []
                for order in Order.objects.filter(shop_id=shop_id, status="paid"):
                    items = OrderItem.objects.filter(order_id=order.id)
                    summaries.append((order.number, sum(i.price for i in items)))
                return summaries
            "#,
            1,
        )
        .valid(
            FileKind::TypeScript,
            r#"
            import { PrismaClient } from "@prisma/client";

            const prisma = new PrismaClient();

            export async function invoiceTotals(shopId: number) {
              const orders = await prisma.order.findMany({ where: { shopId }, include: { items: true } });
              return orders.map((order) => order.items.reduce((sum, item) => sum + item.price, 0));
            }

            export async function restock(skus: string[]) {
              for (const sku of skus) {
                await prisma.product.update({ where: { sku }, data: { stock: { increment: 10 } } });
              }
            }
            "#,
        )
}
