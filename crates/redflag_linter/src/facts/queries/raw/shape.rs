//! What one SQL string does to which tables: read with `sqlparser` into
//! the tables it touches, the columns its `WHERE`, `JOIN … ON`, `ORDER BY`
//! and `GROUP BY` use (aliases resolved to tables) and whether it is
//! bounded.
//!
//! Application SQL carries driver placeholders the SQL grammars do not all
//! know (`%s`, `?`, `:name`, `%(name)s`); they are rewritten to `$1` first,
//! so one PostgreSQL-style parse reads them all. A string that does not
//! parse in PostgreSQL, generic or MySQL syntax gives nothing.

use sqlparser::ast::{BinaryOperator, InTarget};
use sqlparser::ast::{
    Delete, Expr, FromTable, GroupByExpr, Ident, Insert, JoinConstraint, JoinOperator, LimitClause,
    ObjectName, OrderBy, OrderByKind, Query, Select, SelectItem, SetExpr, Statement, TableFactor,
    TableObject, TableWithJoins, UnaryOperator, Update, UpdateTableFromKind,
};
use sqlparser::dialect::{Dialect, GenericDialect, MySqlDialect, PostgreSqlDialect};
use sqlparser::parser::Parser;

use crate::facts::data::{Clause, ColumnUse};

/// Longest SQL string read. Application queries are far shorter; a longer
/// string is generated data, and a left-deep chain of thousands of `AND`s
/// would cost stack to drop.
pub(crate) const MAX_SQL_BYTES: usize = 16 * 1024;

/// The shape of one query statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shape {
    /// Tables read or written, in the order first named.
    pub tables: Vec<String>,
    pub uses: Vec<ColumnUse>,
    /// `LIMIT`/`FETCH FIRST`/`TOP`, a plain `INSERT`, or a single-row
    /// aggregate (`SELECT count(*) …` without `GROUP BY`).
    pub limited: bool,
    /// A `SELECT` (or `WITH … SELECT`): returns rows rather than writing.
    pub reads: bool,
}

/// The shapes of the `SELECT`/`INSERT`/`UPDATE`/`DELETE` statements of a
/// SQL string; empty when it does not parse or holds none.
pub(crate) fn analyse(sql: &str) -> Vec<Shape> {
    if sql.len() > MAX_SQL_BYTES {
        return Vec::new();
    }
    let text = normalize_placeholders(sql);
    let dialects: [&dyn Dialect; 3] = [&PostgreSqlDialect {}, &GenericDialect {}, &MySqlDialect {}];
    let Some(statements) = dialects
        .iter()
        .find_map(|d| Parser::parse_sql(*d, &text).ok())
    else {
        return Vec::new();
    };
    statements
        .iter()
        .filter_map(|statement| {
            let mut analyser = Analyser::default();
            let limited = analyser.statement(statement)?;
            Some(Shape {
                tables: analyser.tables,
                uses: analyser.uses,
                limited,
                reads: reads_rows(statement),
            })
        })
        .collect()
}

/// True for statements that return rows: queries, not writes wrapped in
/// a `WITH`.
fn reads_rows(statement: &Statement) -> bool {
    match statement {
        Statement::Query(query) => !matches!(
            query.body.as_ref(),
            SetExpr::Insert(_) | SetExpr::Update(_) | SetExpr::Delete(_) | SetExpr::Merge(_)
        ),
        _ => false,
    }
}

/// True when a string starts like a query statement (`SELECT`, `WITH`,
/// `INSERT`, `UPDATE`, `DELETE`), after whitespace, comments and opening
/// parentheses.
pub(crate) fn looks_like_query(text: &str) -> bool {
    matches!(
        words(text).first().map(String::as_str),
        Some("select" | "with" | "insert" | "update" | "delete")
    ) && !starts_with_hole(text)
}

/// True when a (possibly built) string reads as SQL: a statement keyword
/// with its companion (`SELECT … FROM`, `INSERT INTO`, `UPDATE … SET`,
/// `DELETE FROM`, `CREATE TABLE`, …), or a string that starts with a hole
/// and goes on with a clause (`base + " WHERE id = " + id`).
pub(crate) fn mentions_sql(text: &str) -> bool {
    let words = words(text);
    let has = |word: &str| words.iter().any(|w| w == word);
    if starts_with_hole(text) {
        return has("where")
            || has("from")
            || (has("order") && has("by"))
            || has("values")
            || has("set");
    }
    match words.first().map(String::as_str) {
        Some("select") => has("from"),
        Some("with") => {
            has("as") && (has("select") || has("insert") || has("update") || has("delete"))
        }
        Some("insert" | "replace") => has("into"),
        Some("update") => has("set"),
        Some("delete") => has("from"),
        Some("create" | "drop" | "alter") => [
            "table",
            "index",
            "view",
            "schema",
            "database",
            "sequence",
            "type",
            "function",
            "trigger",
            "extension",
            "role",
            "user",
            "column",
            "constraint",
        ]
        .iter()
        .any(|w| has(w)),
        Some(
            "truncate" | "vacuum" | "analyze" | "grant" | "revoke" | "copy" | "call" | "exec"
            | "merge" | "pragma" | "lock" | "explain",
        ) => true,
        _ => false,
    }
}

/// Placeholder a hole of a built string becomes in the SQL text.
pub(crate) const HOLE: &str = "$1";

fn starts_with_hole(text: &str) -> bool {
    text.trim_start_matches(|c: char| c.is_whitespace() || c == '(')
        .starts_with(HOLE)
}

/// The first words of a text, lower-cased, outside comments and quotes.
fn words(text: &str) -> Vec<String> {
    const MAX_WORDS: usize = 400;
    let bytes = text.as_bytes();
    let mut words = Vec::new();
    let mut i = 0;
    while i < bytes.len() && words.len() < MAX_WORDS {
        let b = bytes[i];
        if b == b'-' && bytes.get(i + 1) == Some(&b'-') {
            i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
        } else if b == b'/' && bytes.get(i + 1) == Some(&b'*') {
            i = memchr::memmem::find(&bytes[i + 2..], b"*/").map_or(bytes.len(), |n| i + n + 4);
        } else if b == b'\'' {
            i = memchr::memchr(b'\'', &bytes[i + 1..]).map_or(bytes.len(), |n| i + n + 2);
        } else if b.is_ascii_alphabetic() || b == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            words.push(text[start..i].to_ascii_lowercase());
        } else {
            i += 1;
        }
    }
    words
}

/// Rewrites driver placeholders (`?`, `?1`, `%s`, `%(name)s`, `:name`,
/// `@name`, `$name`) to `$1`, and `%%` to `%`, outside quotes and comments.
pub(crate) fn normalize_placeholders(sql: &str) -> String {
    let chars: Vec<char> = sql.chars().collect();
    let mut out = String::with_capacity(sql.len() + 8);
    let is_name_start = |c: Option<&char>| c.is_some_and(|c| c.is_alphabetic() || *c == '_');
    let is_name = |c: char| c.is_alphanumeric() || c == '_';
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1);
        match c {
            '\'' | '"' | '`' => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&d| d == c)
                    .map_or(chars.len(), |n| i + n + 2);
                out.extend(&chars[i..end]);
                i = end;
            }
            '-' if next == Some(&'-') => {
                let end = chars[i..]
                    .iter()
                    .position(|&d| d == '\n')
                    .map_or(chars.len(), |n| i + n);
                out.extend(&chars[i..end]);
                i = end;
            }
            '?' if !matches!(next, Some('|' | '&')) => {
                out.push_str(HOLE);
                i += 1;
                while chars.get(i).is_some_and(char::is_ascii_digit) {
                    i += 1;
                }
            }
            '%' if next == Some(&'%') => {
                out.push('%');
                i += 2;
            }
            '%' if matches!(next, Some('s' | 'd' | 'b' | 'f')) => {
                out.push_str(HOLE);
                i += 2;
            }
            '%' if next == Some(&'(') => match chars[i..].iter().position(|&d| d == ')') {
                Some(close)
                    if chars
                        .get(i + close + 1)
                        .is_some_and(|c| c.is_ascii_alphabetic()) =>
                {
                    out.push_str(HOLE);
                    i += close + 2;
                }
                _ => {
                    out.push(c);
                    i += 1;
                }
            },
            ':' if next == Some(&':') => {
                out.push_str("::");
                i += 2;
            }
            ':' | '@' | '$' if is_name_start(next) => {
                out.push_str(HOLE);
                i += 1;
                while chars.get(i).is_some_and(|&c| is_name(c)) {
                    i += 1;
                }
            }
            ':' if next.is_some_and(char::is_ascii_digit) => {
                out.push_str(HOLE);
                i += 1;
                while chars.get(i).is_some_and(char::is_ascii_digit) {
                    i += 1;
                }
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// What a name in a `FROM` list stands for.
#[derive(Debug, Clone)]
enum Relation {
    Table(String),
    /// A CTE, derived table or table function: not a table of the schema.
    Other,
}

/// The relations one `SELECT`/`UPDATE`/`DELETE` reads, by the name
/// columns qualify them with.
#[derive(Debug, Default)]
struct Scope {
    relations: Vec<(Option<String>, Relation)>,
    /// Projection aliases, which `ORDER BY`/`GROUP BY` may name.
    outputs: Vec<String>,
}

#[derive(Default)]
struct Analyser {
    tables: Vec<String>,
    uses: Vec<ColumnUse>,
    ctes: Vec<String>,
    /// Enclosing scopes, innermost last, for correlated subqueries.
    scopes: Vec<Scope>,
}

/// A join condition to read once every relation of its scope is known.
type PendingJoin<'q> = (&'q JoinConstraint, Option<String>, Option<String>);

fn ident_name(ident: &Ident) -> String {
    if ident.quote_style.is_some() {
        ident.value.clone()
    } else {
        ident.value.to_lowercase()
    }
}

fn last_name(name: &ObjectName) -> Option<String> {
    name.0
        .last()
        .and_then(|part| part.as_ident())
        .map(ident_name)
}

fn join_constraint(operator: &JoinOperator) -> Option<&JoinConstraint> {
    match operator {
        JoinOperator::Join(c)
        | JoinOperator::Inner(c)
        | JoinOperator::Left(c)
        | JoinOperator::LeftOuter(c)
        | JoinOperator::Right(c)
        | JoinOperator::RightOuter(c)
        | JoinOperator::FullOuter(c)
        | JoinOperator::CrossJoin(c)
        | JoinOperator::Semi(c)
        | JoinOperator::LeftSemi(c)
        | JoinOperator::RightSemi(c)
        | JoinOperator::Anti(c)
        | JoinOperator::LeftAnti(c)
        | JoinOperator::RightAnti(c)
        | JoinOperator::StraightJoin(c)
        | JoinOperator::AsOf { constraint: c, .. } => Some(c),
        _ => None,
    }
}

fn unnested(mut expr: &Expr) -> &Expr {
    while let Expr::Nested(inner) = expr {
        expr = inner;
    }
    expr
}

/// True for `SELECT count(*) …`-style projections that return one row.
fn single_row(select: &Select) -> bool {
    const AGGREGATES: &[&str] = &[
        "count", "sum", "avg", "min", "max", "bool_and", "bool_or", "every",
    ];
    let ungrouped =
        matches!(&select.group_by, GroupByExpr::Expressions(exprs, _) if exprs.is_empty());
    ungrouped
        && !select.projection.is_empty()
        && select.projection.iter().all(|item| {
            let expr = match item {
                SelectItem::UnnamedExpr(expr) | SelectItem::ExprWithAlias { expr, .. } => expr,
                _ => return false,
            };
            match unnested(expr) {
                Expr::Function(function) => last_name(&function.name)
                    .is_some_and(|name| AGGREGATES.contains(&name.as_str())),
                Expr::Exists { .. } => true,
                _ => false,
            }
        })
}

impl Analyser {
    /// Reads a statement; `None` for statements that are not queries.
    fn statement(&mut self, statement: &Statement) -> Option<bool> {
        match statement {
            Statement::Query(query) => Some(self.query(query)),
            Statement::Insert(insert) => Some(self.insert(insert)),
            Statement::Update(update) => Some(self.update(update)),
            Statement::Delete(delete) => Some(self.delete(delete)),
            _ => None,
        }
    }

    fn add_table(&mut self, table: &str) {
        if !self.tables.iter().any(|t| t == table) {
            self.tables.push(table.to_string());
        }
    }

    /// Reads a query (and its CTEs and subqueries); true when bounded.
    /// Recursion follows query nesting only, which the parser bounds.
    fn query(&mut self, query: &Query) -> bool {
        if let Some(with) = &query.with {
            for cte in &with.cte_tables {
                self.ctes.push(ident_name(&cte.alias.name));
            }
            for cte in &with.cte_tables {
                self.query(&cte.query);
            }
        }
        let bounded_body = match query.body.as_ref() {
            SetExpr::Select(select) => {
                self.select(select, query.order_by.as_ref());
                select.top.is_some() || single_row(select)
            }
            body => {
                self.set_expr(body);
                false
            }
        };
        let limit = match &query.limit_clause {
            Some(LimitClause::LimitOffset { limit, .. }) => limit.is_some(),
            Some(LimitClause::OffsetCommaLimit { .. }) => true,
            None => false,
        };
        bounded_body || limit || query.fetch.is_some()
    }

    fn set_expr(&mut self, body: &SetExpr) {
        let mut stack = vec![body];
        while let Some(expr) = stack.pop() {
            match expr {
                SetExpr::Select(select) => self.select(select, None),
                SetExpr::Query(query) => {
                    self.query(query);
                }
                SetExpr::SetOperation { left, right, .. } => {
                    stack.push(right);
                    stack.push(left);
                }
                SetExpr::Insert(statement)
                | SetExpr::Update(statement)
                | SetExpr::Delete(statement) => {
                    self.statement(statement);
                }
                _ => {}
            }
        }
    }

    fn select(&mut self, select: &Select, order_by: Option<&OrderBy>) {
        let mut scope = Scope::default();
        let mut joins = Vec::new();
        for from in &select.from {
            self.relations(from, &mut scope, &mut joins);
        }
        scope.outputs = select
            .projection
            .iter()
            .filter_map(|item| match item {
                SelectItem::ExprWithAlias { alias, .. } => Some(ident_name(alias)),
                _ => None,
            })
            .collect();
        self.scopes.push(scope);
        self.joins(&joins);
        if let Some(selection) = &select.selection {
            self.condition(selection, Clause::Where);
        }
        if let GroupByExpr::Expressions(exprs, _) = &select.group_by {
            for expr in exprs {
                self.column(expr, Clause::GroupBy);
            }
        }
        if let Some(OrderBy {
            kind: OrderByKind::Expressions(items),
            ..
        }) = order_by
        {
            for item in items {
                self.column(&item.expr, Clause::OrderBy);
            }
        }
        self.scopes.pop();
    }

    fn insert(&mut self, insert: &Insert) -> bool {
        if let TableObject::TableName(name) = &insert.table {
            if let Some(table) = last_name(name) {
                self.add_table(&table);
            }
        }
        match &insert.source {
            Some(source) if !matches!(source.body.as_ref(), SetExpr::Values(_)) => {
                self.query(source)
            }
            _ => true,
        }
    }

    fn update(&mut self, update: &Update) -> bool {
        let mut scope = Scope::default();
        let mut joins = Vec::new();
        self.relations(&update.table, &mut scope, &mut joins);
        if let Some(UpdateTableFromKind::BeforeSet(from) | UpdateTableFromKind::AfterSet(from)) =
            &update.from
        {
            for table in from {
                self.relations(table, &mut scope, &mut joins);
            }
        }
        self.scopes.push(scope);
        self.joins(&joins);
        if let Some(selection) = &update.selection {
            self.condition(selection, Clause::Where);
        }
        for item in &update.order_by {
            self.column(&item.expr, Clause::OrderBy);
        }
        self.scopes.pop();
        update.limit.is_some()
    }

    fn delete(&mut self, delete: &Delete) -> bool {
        let mut scope = Scope::default();
        let mut joins = Vec::new();
        let (FromTable::WithFromKeyword(from) | FromTable::WithoutKeyword(from)) = &delete.from;
        for table in from.iter().chain(delete.using.iter().flatten()) {
            self.relations(table, &mut scope, &mut joins);
        }
        self.scopes.push(scope);
        self.joins(&joins);
        if let Some(selection) = &delete.selection {
            self.condition(selection, Clause::Where);
        }
        for item in &delete.order_by {
            self.column(&item.expr, Clause::OrderBy);
        }
        self.scopes.pop();
        delete.limit.is_some()
    }

    /// Adds the relations of one `FROM` item to `scope`, and its join
    /// conditions to `joins`.
    fn relations<'q>(
        &mut self,
        from: &'q TableWithJoins,
        scope: &mut Scope,
        joins: &mut Vec<PendingJoin<'q>>,
    ) {
        let mut previous = self.relation(&from.relation, scope, joins);
        for join in &from.joins {
            let key = self.relation(&join.relation, scope, joins);
            if let Some(constraint) = join_constraint(&join.join_operator) {
                joins.push((constraint, key.clone(), previous));
            }
            previous = key;
        }
    }

    /// Adds one relation; returns the name columns qualify it with.
    fn relation<'q>(
        &mut self,
        factor: &'q TableFactor,
        scope: &mut Scope,
        joins: &mut Vec<PendingJoin<'q>>,
    ) -> Option<String> {
        let (key, relation) = match factor {
            TableFactor::Table {
                name, alias, args, ..
            } => {
                let table = last_name(name)?;
                let is_cte = name.0.len() == 1 && self.ctes.contains(&table);
                let relation = if is_cte || args.is_some() {
                    Relation::Other
                } else {
                    self.add_table(&table);
                    Relation::Table(table.clone())
                };
                (
                    Some(alias.as_ref().map_or(table, |a| ident_name(&a.name))),
                    relation,
                )
            }
            TableFactor::Derived {
                subquery, alias, ..
            } => {
                self.query(subquery);
                (alias.as_ref().map(|a| ident_name(&a.name)), Relation::Other)
            }
            TableFactor::NestedJoin {
                table_with_joins, ..
            } => {
                self.relations(table_with_joins, scope, joins);
                return None;
            }
            _ => (None, Relation::Other),
        };
        scope.relations.push((key.clone(), relation));
        key
    }

    fn joins(&mut self, joins: &[PendingJoin<'_>]) {
        for (constraint, right, left) in joins {
            match constraint {
                JoinConstraint::On(expr) => self.condition(expr, Clause::Join),
                JoinConstraint::Using(columns) => {
                    for column in columns.iter().filter_map(last_name) {
                        for key in [right, left].into_iter().flatten() {
                            if let Some(Relation::Table(table)) = self.lookup(key).cloned() {
                                self.add_use(table, column.clone(), Clause::Join);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
    }

    /// Reads a boolean condition: columns compared to something, through
    /// `AND`/`OR`/`NOT` and parentheses; subqueries are read after it.
    fn condition(&mut self, root: &Expr, clause: Clause) {
        let mut subqueries: Vec<&Query> = Vec::new();
        let mut stack = vec![root];
        while let Some(expr) = stack.pop() {
            match expr {
                Expr::Nested(inner) => stack.push(inner),
                Expr::UnaryOp {
                    op: UnaryOperator::Not,
                    expr,
                } => stack.push(expr),
                Expr::BinaryOp {
                    left,
                    op: BinaryOperator::And | BinaryOperator::Or | BinaryOperator::Xor,
                    right,
                } => {
                    stack.push(right);
                    stack.push(left);
                }
                Expr::BinaryOp { left, op, right } if is_comparison(op) => {
                    for side in [left, right] {
                        match unnested(side) {
                            Expr::Subquery(query) => subqueries.push(query),
                            side => self.column(side, clause),
                        }
                    }
                }
                Expr::In { expr, target, .. } => {
                    self.column(expr, clause);
                    if let InTarget::Subquery(query) = target {
                        subqueries.push(query);
                    }
                }
                Expr::Between { expr, .. }
                | Expr::Like { expr, .. }
                | Expr::ILike { expr, .. }
                | Expr::SimilarTo { expr, .. }
                | Expr::RLike { expr, .. }
                | Expr::IsNull(expr)
                | Expr::IsNotNull(expr)
                | Expr::IsTrue(expr)
                | Expr::IsNotTrue(expr)
                | Expr::IsFalse(expr)
                | Expr::IsNotFalse(expr)
                | Expr::AnyOp { left: expr, .. }
                | Expr::AllOp { left: expr, .. } => self.column(expr, clause),
                Expr::IsDistinctFrom(left, right) | Expr::IsNotDistinctFrom(left, right) => {
                    self.column(left, clause);
                    self.column(right, clause);
                }
                Expr::Exists { subquery, .. } | Expr::Subquery(subquery) => {
                    subqueries.push(subquery);
                }
                _ => {}
            }
        }
        for query in subqueries {
            self.query(query);
        }
    }

    fn lookup(&self, key: &str) -> Option<&Relation> {
        self.scopes
            .iter()
            .rev()
            .find_map(|scope| {
                scope
                    .relations
                    .iter()
                    .find(|(k, _)| k.as_deref() == Some(key))
            })
            .map(|(_, relation)| relation)
    }

    /// Records a column reference on the table it resolves to; an
    /// unqualified column counts only when its scope reads one relation.
    fn column(&mut self, expr: &Expr, clause: Clause) {
        let idents: &[Ident] = match unnested(expr) {
            Expr::Identifier(ident) => std::slice::from_ref(ident),
            Expr::CompoundIdentifier(idents) => idents,
            _ => return,
        };
        let Some((column, qualifier)) = idents.split_last() else {
            return;
        };
        let column = ident_name(column);
        let relation = match qualifier.last() {
            Some(qualifier) => self.lookup(&ident_name(qualifier)),
            None => {
                let Some(scope) = self.scopes.last() else {
                    return;
                };
                let is_output = matches!(clause, Clause::OrderBy | Clause::GroupBy)
                    && scope.outputs.contains(&column);
                match scope.relations.as_slice() {
                    [(_, relation)] if !is_output => Some(relation),
                    _ => None,
                }
            }
        };
        if let Some(Relation::Table(table)) = relation {
            let table = table.clone();
            self.add_use(table, column, clause);
        }
    }

    fn add_use(&mut self, table: String, column: String, clause: Clause) {
        let found = ColumnUse {
            table,
            column,
            clause,
        };
        if !self.uses.contains(&found) {
            self.uses.push(found);
        }
    }
}

fn is_comparison(op: &BinaryOperator) -> bool {
    matches!(
        op,
        BinaryOperator::Eq
            | BinaryOperator::NotEq
            | BinaryOperator::Lt
            | BinaryOperator::LtEq
            | BinaryOperator::Gt
            | BinaryOperator::GtEq
            | BinaryOperator::Spaceship
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uses(shape: &Shape) -> Vec<String> {
        shape
            .uses
            .iter()
            .map(|u| format!("{}.{} {:?}", u.table, u.column, u.clause))
            .collect()
    }

    fn one(sql: &str) -> Shape {
        let mut shapes = analyse(sql);
        assert_eq!(shapes.len(), 1, "{sql}");
        shapes.remove(0)
    }

    #[test]
    fn aliases_resolve_joins_filters_and_sorts_to_tables() {
        let shape = one(
            "SELECT o.id, u.email FROM public.orders o JOIN users AS u ON u.id = o.user_id \
             WHERE o.status = $1 AND (o.created_at > $2 OR NOT o.archived IS NULL) ORDER BY o.created_at DESC",
        );
        assert_eq!(shape.tables, ["orders", "users"]);
        assert_eq!(
            uses(&shape),
            [
                "users.id Join",
                "orders.user_id Join",
                "orders.status Where",
                "orders.created_at Where",
                "orders.archived Where",
                "orders.created_at OrderBy",
            ]
        );
        assert!(!shape.limited);
    }

    #[test]
    fn unqualified_columns_belong_to_the_only_table_and_are_skipped_when_ambiguous() {
        let shape = one("select * from Users where lower(email) = ? and tenant_id = ? and deleted_at is null limit 1");
        assert_eq!(shape.tables, ["users"]);
        assert_eq!(
            uses(&shape),
            ["users.tenant_id Where", "users.deleted_at Where"]
        );
        assert!(shape.limited);

        let shape = one(
            "SELECT * FROM orders o, customers c WHERE status = 'paid' AND o.customer_id = c.id",
        );
        assert_eq!(
            uses(&shape),
            ["orders.customer_id Where", "customers.id Where"]
        );
    }

    #[test]
    fn group_by_order_by_and_output_aliases() {
        let shape = one(
            "SELECT customer_id, count(*) AS n FROM orders WHERE placed_at >= :since \
             GROUP BY customer_id ORDER BY n DESC, customer_id",
        );
        assert_eq!(
            uses(&shape),
            [
                "orders.placed_at Where",
                "orders.customer_id GroupBy",
                "orders.customer_id OrderBy"
            ]
        );
    }

    #[test]
    fn subqueries_and_ctes_are_read_on_their_own_tables() {
        let shape = one(
            "WITH recent AS (SELECT * FROM orders WHERE placed_at > now() - interval '7 days') \
             SELECT r.id FROM recent r WHERE r.customer_id IN (SELECT id FROM customers WHERE region = %s) \
             AND EXISTS (SELECT 1 FROM refunds f WHERE f.order_id = r.id)",
        );
        assert_eq!(shape.tables, ["orders", "customers", "refunds"]);
        assert_eq!(
            uses(&shape),
            [
                "orders.placed_at Where",
                "customers.region Where",
                "refunds.order_id Where"
            ]
        );
    }

    #[test]
    fn writes_and_limits() {
        let insert = one("INSERT INTO audit_log (actor, action) VALUES (%(actor)s, %(action)s)");
        assert_eq!(insert.tables, ["audit_log"]);
        assert!(insert.limited && !insert.reads);
        assert!(one("WITH t AS (SELECT 1) SELECT * FROM users").reads);
        assert!(!one("WITH old AS (SELECT id FROM jobs) DELETE FROM jobs WHERE id IN (SELECT id FROM old)").reads);

        let update = one("UPDATE users SET last_login = now() WHERE id = $1 RETURNING id");
        assert_eq!(uses(&update), ["users.id Where"]);
        assert!(!update.limited && !update.reads);

        let delete =
            one("DELETE FROM sessions s USING users u WHERE s.user_id = u.id AND u.disabled");
        assert_eq!(delete.tables, ["sessions", "users"]);
        assert_eq!(uses(&delete), ["sessions.user_id Where", "users.id Where"]);

        assert!(one("SELECT id FROM events ORDER BY id FETCH FIRST 10 ROWS ONLY").limited);
        assert!(one("SELECT count(*) FROM events WHERE kind = ?1").limited);
        assert!(one("SELECT * FROM `events` WHERE `kind` = ? LIMIT 5, 10").limited);
    }

    #[test]
    fn joins_using_and_quoted_names() {
        let shape = one(
            r#"SELECT * FROM "Orders" JOIN line_items USING (order_id) WHERE "Orders"."Status" = @status"#,
        );
        assert_eq!(shape.tables, ["Orders", "line_items"]);
        assert_eq!(
            uses(&shape),
            [
                "line_items.order_id Join",
                "Orders.order_id Join",
                "Orders.Status Where"
            ]
        );
    }

    #[test]
    fn placeholders_of_every_driver_parse() {
        for sql in [
            "SELECT * FROM t WHERE a = $1 AND b = $2",
            "SELECT * FROM t WHERE a = ? AND b = ?",
            "SELECT * FROM t WHERE a = %s AND b = %(name)s",
            "SELECT * FROM t WHERE a = :a AND b = :b_2",
            "SELECT * FROM t WHERE a = $a AND b = @b",
        ] {
            assert_eq!(uses(&one(sql)), ["t.a Where", "t.b Where"], "{sql}");
        }
        assert_eq!(
            uses(&one("SELECT * FROM t WHERE created::date = ?")),
            Vec::<String>::new()
        );
        assert_eq!(
            normalize_placeholders("SELECT '?', x::text, '%s' FROM t WHERE a LIKE 'x%%' || ?"),
            "SELECT '?', x::text, '%s' FROM t WHERE a LIKE 'x%%' || $1"
        );
        assert_eq!(
            normalize_placeholders("a = 100%% and b = ?"),
            "a = 100% and b = $1"
        );
    }

    #[test]
    fn non_queries_and_broken_sql_give_nothing() {
        assert!(analyse("CREATE TABLE t (id int)").is_empty());
        assert!(analyse("SELECT * FROM WHERE").is_empty());
        assert!(analyse("").is_empty());
        let long = format!("SELECT * FROM t WHERE {}", "a = 1 AND ".repeat(5000));
        assert!(analyse(&long).is_empty());
    }

    #[test]
    fn recognises_query_text() {
        assert!(looks_like_query("\n  -- fetch\n  SELECT 1"));
        assert!(looks_like_query(
            "(select * from t) union (select * from u)"
        ));
        assert!(!looks_like_query("CREATE INDEX i ON t (a)"));
        assert!(!looks_like_query("$1 WHERE id = 2"));
        assert!(mentions_sql("$1 WHERE id = $1"));
        assert!(mentions_sql("DROP TABLE $1"));
        assert!(!mentions_sql("select the best option"));
        assert!(!mentions_sql("update available"));
    }
}
