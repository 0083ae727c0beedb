//! Diesel and SeaORM queries in realistic Axum and Actix handlers, read
//! through one-line summaries.

use super::super::support::{facts, summaries};

#[test]
fn diesel_chains_from_schema_tables() {
    let code = r#"
use axum::{extract::{Path, State}, Json};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;

use crate::schema::{posts, users};

pub async fn user_by_email(State(pool): State<Pool>, Json(body): Json<Login>) -> Result<Json<User>, AppError> {
    let mut conn = pool.get().await?;
    let user = users::table
        .filter(users::email.eq(&body.email).and(users::deleted_at.is_null()))
        .select(User::as_select())
        .first(&mut conn)
        .await?;
    Ok(Json(user))
}

pub async fn feed(State(pool): State<Pool>) -> Result<Json<Vec<(Post, User)>>, AppError> {
    let mut conn = pool.get().await?;
    let rows = posts::table
        .inner_join(users::table.on(posts::author_id.eq(users::id)))
        .filter(posts::published.eq(true))
        .filter(lower(users::name).like(pattern))
        .order((posts::created_at.desc(), posts::id))
        .limit(50)
        .load::<(Post, User)>(&mut conn)
        .await?;
    Ok(Json(rows))
}

pub async fn by_id(Path(id): Path<i32>, State(pool): State<Pool>) -> Result<Json<Post>, AppError> {
    let mut conn = pool.get().await?;
    Ok(Json(posts::table.find(id).get_result(&mut conn).await?))
}

pub async fn everything(State(pool): State<Pool>) -> Result<Json<Vec<Post>>, AppError> {
    let mut conn = pool.get().await?;
    Ok(Json(posts::table.order_by(posts::title).load(&mut conn).await?))
}
"#;
    assert_eq!(
        summaries("src/handlers/users.rs", code),
        [
            "users::table.filter -> users: W:users.email W:users.deleted_at limited @user_by_email",
            "posts::table.inner_join -> posts,users: J:posts.author_id J:users.id W:posts.published W:users.name O:posts.created_at O:posts.id limited @feed",
            "posts::table.find -> posts: limited @by_id",
            "posts::table.order_by -> posts: O:posts.title @everything",
        ]
    );
    let fact = &facts("src/handlers/users.rs", code)[0];
    assert!(fact.location.text.starts_with("users::table"));
    assert!(fact.location.text.ends_with(".first(&mut conn)"));
}

#[test]
fn diesel_dsl_imports_boxed_queries_and_loops() {
    let code = r#"
use diesel::prelude::*;
use crate::schema::orders::dsl::*;

pub fn open_orders(conn: &mut PgConnection, wanted: Option<String>) -> QueryResult<Vec<Order>> {
    let mut query = orders.into_boxed();
    if let Some(s) = wanted {
        query = query.filter(status.eq(s));
    }
    query.order(created_at.desc()).load::<Order>(conn)
}

pub fn totals(conn: &mut PgConnection, customers: &[i32]) -> QueryResult<Vec<i64>> {
    let mut out = Vec::new();
    for customer in customers {
        let n: i64 = orders.filter(customer_id.eq(customer)).count().get_result(conn)?;
        out.push(n);
    }
    diesel::update(orders.filter(id.eq_any(stale_ids))).set(archived.eq(true)).execute(conn)?;
    Ok(out)
}
"#;
    assert_eq!(
        summaries("src/orders.rs", code),
        [
            "orders.into_boxed -> orders: W:orders.status O:orders.created_at @open_orders",
            "orders.filter -> orders: W:orders.customer_id limited loop @totals",
            "orders.filter -> orders: W:orders.id @totals",
        ]
    );
}

#[test]
fn sea_orm_entities_columns_and_single_rows() {
    let code = r#"
use axum::extract::{Query, State};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

use entity::order::{self, Entity as Order};
use entity::prelude::Customer;

pub async fn list_orders(State(db): State<DatabaseConnection>, Query(q): Query<Params>) -> Json<Vec<order::Model>> {
    let orders = Order::find()
        .filter(order::Column::Status.eq(q.status))
        .filter(Condition::any().add(order::Column::Total.gte(100)).add(order::Column::CustomerId.is_in(q.ids)))
        .order_by_desc(order::Column::CreatedAt)
        .limit(20)
        .all(&db)
        .await
        .unwrap();
    Json(orders)
}

pub async fn customer(State(db): State<DatabaseConnection>, Path(id): Path<i32>) -> Json<Option<customer::Model>> {
    let found = Customer::find_by_id(id).one(&db).await.unwrap();
    let by_email = customer::Entity::find().filter(customer::Column::Email.eq(email)).one(&db).await.unwrap();
    let everyone = Customer::find().all(&db).await.unwrap();
    Json(found)
}
"#;
    assert_eq!(
        summaries("src/routes/orders.rs", code),
        [
            "Order::find -> order: W:order.status W:order.total W:order.customer_id O:order.created_at limited @list_orders",
            "Customer::find_by_id -> customer: limited @customer",
            "customer::Entity::find -> customer: W:customer.email limited @customer",
            "Customer::find -> customer: @customer",
        ]
    );
}

#[test]
fn lookalikes_stay_silent() {
    let code = r#"
use diesel::prelude::*;
use std::collections::HashMap;

pub fn helpers(users: Vec<User>, cache: HashMap<String, User>, orders: &[Order]) -> Option<User> {
    let active: Vec<&User> = users.iter().filter(|u| u.active).collect();
    let first = users.first();
    let cached = cache.get("admin");
    let big = orders.iter().filter(|o| o.total > 100).count();
    let sorted = users.clone().into_iter().find(|u| u.name.eq("root"));
    let now = chrono::Utc::now();
    let item = Item::find(&mut conn, 3);
    None
}
"#;
    assert!(
        summaries("src/helpers.rs", code).is_empty(),
        "{:?}",
        summaries("src/helpers.rs", code)
    );
}

#[test]
fn unrelated_files_are_not_parsed() {
    use crate::source::SourceFile;
    let file = SourceFile::new(
        "src/math.rs".into(),
        redflag_syntax::FileKind::Rust,
        "pub fn add(a: i32, b: i32) -> i32 { a + b }\n".into(),
        None,
    );
    assert!(super::collect(&file).is_empty());
    assert!(!file.was_parsed());
}

#[test]
fn writes_are_not_reads() {
    let code = r#"
use diesel::prelude::*;
use crate::schema::orders::dsl::*;

pub fn archive(conn: &mut PgConnection, stale_ids: &[i32]) -> QueryResult<usize> {
    let open = orders.filter(status.eq("open")).load::<Order>(conn)?;
    diesel::update(orders.filter(id.eq_any(stale_ids))).set(archived.eq(true)).execute(conn)
}
"#;
    let found = facts("src/orders.rs", code);
    let reads: Vec<bool> = found.iter().map(|f| f.reads).collect();
    assert_eq!(reads, [true, false], "{found:#?}");
}
