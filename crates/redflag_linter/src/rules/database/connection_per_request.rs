//! `connection-per-request`: a database connection, pool or client created
//! inside a request handler (or a helper a handler calls), so that every
//! request pays the connection handshake and load turns into a connection
//! storm; and SQLAlchemy engines that turn pooling off with `NullPool`.
//!
//! The rule reads a file from its root: whether a function is a handler can
//! depend on a registration further down (`router.get("/", list_users)`,
//! `Depends(get_db)`), and a helper is only known to run per request once
//! the handler that calls it has been seen.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use redflag_diagnostics::{Confidence, Severity};
use redflag_syntax::tree_sitter::Node;
use redflag_syntax::{FileKind, Language};

use crate::rule::{Diagnostic, NodeContext, Rule, RuleMeta};
use crate::semantics::handlers::{function_name, is_function, Handler, HandlerIndex, HelperCalls};
use crate::semantics::paths::is_test_or_example;
use crate::semantics::{callee_path, compact, name_path, rust_in_test_code};
use crate::source::SourceFile;

pub(crate) fn rule() -> Box<dyn Rule> {
    Box::new(ConnectionPerRequest { meta: meta() })
}

struct ConnectionPerRequest {
    meta: RuleMeta,
}

/// What a call creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opens {
    /// One database connection.
    Connection,
    /// A pool (or an engine/ORM instance that owns one).
    Pool,
    /// A client that manages its own connections, named for the message.
    Client(&'static str),
}

/// Which advice fits the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Advice {
    PySql,
    PyRedis,
    PyMongo,
    JsSql,
    Prisma,
    JsMongo,
    JsRedis,
    JsOrm,
    RustSql,
    RustRedis,
    RustMongo,
}

impl Advice {
    fn help(self) -> &'static str {
        match self {
            Advice::PySql => "create the engine or pool once at start-up and share it: a module-level `engine = create_engine(url, pool_size=10)` with `SessionLocal = sessionmaker(engine)`, or `asyncpg.create_pool(...)` / `psycopg_pool.AsyncConnectionPool` opened in the FastAPI `lifespan` and kept on `app.state`; handlers then borrow a connection (`async with pool.acquire() as conn`)",
            Advice::PyRedis => "create one `redis.Redis` / `redis.asyncio.Redis` client at start-up (it keeps a connection pool) and share it, e.g. on `app.state` from the FastAPI `lifespan`",
            Advice::PyMongo => "create one `MongoClient` / `AsyncIOMotorClient` at start-up (it pools connections) and share it",
            Advice::JsSql => "create one pool at module scope or start-up (`const pool = new Pool()`, `mysql.createPool(...)`) and call `pool.query(...)` in handlers; check out a client (`await pool.connect()` … `client.release()`) only for transactions",
            Advice::Prisma => "create `PrismaClient` once in its own module and import it everywhere; in Next.js development cache it on `globalThis` (`globalThis.prisma ??= new PrismaClient()`)",
            Advice::JsMongo => "connect once at start-up (`await mongoose.connect(uri)` before `app.listen`, or one shared `MongoClient`) and reuse the connection",
            Advice::JsRedis => "create and connect one client at start-up and share it",
            Advice::JsOrm => "create the instance (it owns a connection pool) once at start-up and import it where it is needed",
            Advice::RustSql => "build one pool at start-up (`PgPoolOptions::new().connect(..)` in `main`, or Diesel with an `r2d2`/`deadpool`/`bb8` pool) and hand it to handlers through Axum `State` or actix-web `web::Data`; borrow a connection with `pool.acquire()` / `pool.get()`",
            Advice::RustRedis => "create one `redis::Client` (or a `ConnectionManager` / `deadpool-redis` pool) at start-up and share it through `State` / `web::Data`",
            Advice::RustMongo => "create one `mongodb::Client` at start-up (it pools connections) and share it through `State` / `web::Data`",
        }
    }
}

/// A call that creates a connection, pool or client.
#[derive(Debug, Clone)]
struct Candidate {
    /// The call as shown in the message.
    call: String,
    opens: Opens,
    advice: Advice,
    /// `poolclass=NullPool`, where it is written.
    null_pool: Option<Range<usize>>,
    prisma: bool,
}

fn python_candidate(resolved: &str) -> Option<(Opens, Advice)> {
    let sql = |opens| Some((opens, Advice::PySql));
    match resolved {
        "psycopg.connect"
        | "psycopg.Connection.connect"
        | "psycopg.AsyncConnection.connect"
        | "psycopg2.connect"
        | "asyncpg.connect"
        | "pymysql.connect"
        | "pymysql.Connect"
        | "MySQLdb.connect"
        | "mysql.connector.connect"
        | "mariadb.connect"
        | "aiomysql.connect"
        | "aiopg.connect"
        | "pyodbc.connect"
        | "oracledb.connect"
        | "oracledb.connect_async"
        | "cx_Oracle.connect"
        | "pymssql.connect" => sql(Opens::Connection),
        "asyncpg.create_pool"
        | "aiomysql.create_pool"
        | "aiopg.create_pool"
        | "oracledb.create_pool"
        | "psycopg_pool.ConnectionPool"
        | "psycopg_pool.AsyncConnectionPool"
        | "psycopg2.pool.SimpleConnectionPool"
        | "psycopg2.pool.ThreadedConnectionPool"
        | "mysql.connector.pooling.MySQLConnectionPool"
        | "sqlalchemy.create_engine"
        | "sqlalchemy.engine.create_engine"
        | "sqlalchemy.ext.asyncio.create_async_engine"
        | "sqlmodel.create_engine"
        | "databases.Database" => sql(Opens::Pool),
        "redis.Redis"
        | "redis.StrictRedis"
        | "redis.from_url"
        | "redis.Redis.from_url"
        | "redis.client.Redis"
        | "redis.asyncio.Redis"
        | "redis.asyncio.from_url"
        | "redis.asyncio.Redis.from_url"
        | "redis.asyncio.client.Redis"
        | "aioredis.from_url"
        | "aioredis.Redis"
        | "aioredis.create_redis_pool" => Some((Opens::Client("Redis client"), Advice::PyRedis)),
        "pymongo.MongoClient"
        | "pymongo.mongo_client.MongoClient"
        | "motor.motor_asyncio.AsyncIOMotorClient" => {
            Some((Opens::Client("MongoDB client"), Advice::PyMongo))
        }
        _ => None,
    }
}

fn js_candidate(resolved: &str, is_new: bool) -> Option<(Opens, Advice)> {
    let (module, name) = resolved.rsplit_once('.').unwrap_or((resolved, ""));
    let mysql = matches!(module, "mysql" | "mysql2" | "mysql2/promise");
    let redis = Some((Opens::Client("Redis client"), Advice::JsRedis));
    if is_new {
        return match (module, name) {
            (_, "PrismaClient") | ("PrismaClient", "") => {
                Some((Opens::Client("Prisma client, with its own connection pool,"), Advice::Prisma))
            }
            ("pg", "Client") => Some((Opens::Connection, Advice::JsSql)),
            ("pg", "Pool") => Some((Opens::Pool, Advice::JsSql)),
            ("mongodb", "MongoClient") => Some((Opens::Client("MongoDB client"), Advice::JsMongo)),
            ("ioredis", "" | "Redis" | "default" | "Cluster") => redis,
            ("sequelize", "Sequelize") | ("typeorm", "DataSource") => Some((Opens::Pool, Advice::JsOrm)),
            _ => None,
        };
    }
    match (module, name) {
        (_, "createConnection") if mysql => Some((Opens::Connection, Advice::JsSql)),
        (_, "createPool" | "createPoolCluster") if mysql => Some((Opens::Pool, Advice::JsSql)),
        ("mongoose", "connect" | "createConnection") | ("mongodb.MongoClient", "connect") => {
            Some((Opens::Client("MongoDB connection"), Advice::JsMongo))
        }
        ("redis", "createClient" | "createCluster") => redis,
        ("typeorm", "createConnection") | ("knex" | "postgres", "") | ("knex", "knex") => {
            Some((Opens::Pool, Advice::JsOrm))
        }
        _ => None,
    }
}

/// Removes turbofish and generic arguments: `Pool::<Postgres>::connect` →
/// `Pool::connect`.
fn strip_generics(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0usize;
    for c in path.chars() {
        match c {
            '<' => depth += 1,
            '>' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.replace("::::", "::")
}

fn rust_candidate(resolved: &str, generic: bool) -> Option<(Opens, Advice)> {
    let sql = |opens| Some((opens, Advice::RustSql));
    match resolved {
        "tokio_postgres::connect" | "postgres::Client::connect" => return sql(Opens::Connection),
        "sea_orm::Database::connect" => return sql(Opens::Pool),
        "redis::Client::open" => return Some((Opens::Client("Redis client"), Advice::RustRedis)),
        "mongodb::Client::with_uri_str" | "mongodb::Client::with_options" => {
            return Some((Opens::Client("MongoDB client"), Advice::RustMongo))
        }
        _ => {}
    }
    let mut segments = resolved.rsplit("::");
    let method = segments.next()?;
    let ty = segments.next()?;
    let connect = matches!(method, "connect" | "connect_with");
    let lazy = matches!(method, "connect_lazy" | "connect_lazy_with");
    match ty {
        "PgConnection" | "MysqlConnection" | "AsyncPgConnection" | "AsyncMysqlConnection"
            if method == "establish" =>
        {
            sql(Opens::Connection)
        }
        "PgConnection" | "MySqlConnection" | "AnyConnection" if connect => sql(Opens::Connection),
        "PgPool" | "MySqlPool" | "AnyPool" if connect || lazy => sql(Opens::Pool),
        "Pool" if (connect || lazy) && (generic || resolved.starts_with("sqlx")) => sql(Opens::Pool),
        _ => None,
    }
}

/// Longest builder chain followed back to `PgPoolOptions::new()`.
const MAX_CHAIN: usize = 32;
/// Parents climbed from a candidate to judge the position it sits in.
const MAX_CLIMB: usize = 32;

/// Function names of start-up code: a client made there is made once.
const STARTUP_PREFIXES: &[&str] = &[
    "main",
    "bootstrap",
    "start",
    "init",
    "setup",
    "create_app",
    "createapp",
    "createserver",
    "lifespan",
    "seed",
    "connect",
    "onmoduleinit",
    "onapplicationbootstrap",
    "constructor",
    "migrate",
];

fn is_startup_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let lower = lower.trim_start_matches('_');
    STARTUP_PREFIXES.iter().any(|p| lower.starts_with(p))
}

/// Paths of command-line scripts.
fn is_script(path: &str) -> bool {
    let mut components: Vec<&str> = path.split('/').collect();
    let name = components.pop().unwrap_or("");
    name == "manage.py" || components.iter().any(|c| matches!(*c, "scripts" | "script" | "bin"))
}

/// Alembic and migration code, where `NullPool` is the idiom.
fn is_migration(path: &str) -> bool {
    let mut components: Vec<&str> = path.split('/').collect();
    let name = components.pop().unwrap_or("");
    name == "env.py"
        || components
            .iter()
            .any(|c| matches!(*c, "alembic" | "migrations" | "migration" | "versions"))
}

/// A function being walked through.
struct Frame<'t> {
    node: Node<'t>,
    /// Its index in the ancestor stack once its children are visited.
    depth: usize,
    handler: Option<Handler<'t>>,
    /// The innermost frame (this one or an outer one) that is a handler.
    nearest_handler: Option<usize>,
}

/// A candidate in a plain function, judged once the file is read.
struct Pending {
    function: String,
    candidate: Candidate,
    range: Range<usize>,
    /// A generator that looks like a FastAPI dependency (`get_db` with
    /// `yield`).
    yield_dependency: bool,
}

/// One file's analysis.
struct Analysis<'f, 't> {
    file: &'f SourceFile,
    language: Language,
    index: HandlerIndex,
    frames: Vec<Frame<'t>>,
    /// The `if __name__ == "__main__":` block being walked through.
    main_guard: Option<usize>,
    /// Calls by plain name from handlers and helpers.
    calls: HelperCalls,
    /// Names called from inside some function, outside a singleton position.
    per_call: HashSet<String>,
    /// Names called anywhere.
    called: HashSet<String>,
    pending: Vec<Pending>,
    out: Vec<Diagnostic>,
}

/// Every finding of the rule in a file.
fn analyse(file: &SourceFile) -> Vec<Diagnostic> {
    let (Some(language), Some(tree)) = (file.kind.language(), file.tree()) else {
        return Vec::new();
    };
    let mut analysis = Analysis {
        file,
        language,
        index: HandlerIndex::new(file),
        frames: Vec::new(),
        main_guard: None,
        calls: HelperCalls::default(),
        per_call: HashSet::new(),
        called: HashSet::new(),
        pending: Vec::new(),
        out: Vec::new(),
    };
    crate::semantics::visit(tree.root_node(), &mut analysis);
    analysis.finish();
    analysis.out
}

impl<'t> crate::semantics::TreeVisitor<'t> for Analysis<'_, 't> {
    fn enter(&mut self, node: Node<'t>, ancestors: &[Node<'t>]) {
        self.enter_node(node, ancestors);
    }

    fn leave(&mut self, node: Node<'t>) {
        self.leave_node(node);
    }
}

impl<'t> Analysis<'_, 't> {
    fn enter_node(&mut self, node: Node<'t>, ancestors: &[Node<'t>]) {
        let kind = node.kind();
        if is_function(self.language, kind) {
            let handler = self.index.handler(self.file, node, ancestors);
            let nearest_handler = if handler.is_some() {
                Some(self.frames.len())
            } else {
                self.frames.last().and_then(|f| f.nearest_handler)
            };
            self.frames.push(Frame {
                node,
                depth: ancestors.len(),
                handler,
                nearest_handler,
            });
            return;
        }
        match (self.language, kind) {
            (Language::Python, "if_statement")
                if self.main_guard.is_none()
                    && ancestors.last().is_some_and(|p| p.kind() == "module")
                    && is_main_guard(self.file, node) =>
            {
                self.main_guard = Some(node.id());
            }
            (_, "call" | "call_expression") => self.call(node, ancestors, false),
            (_, "new_expression") => self.call(node, ancestors, true),
            _ => {}
        }
    }

    fn leave_node(&mut self, node: Node<'t>) {
        if self.frames.last().is_some_and(|f| f.node.id() == node.id()) {
            self.frames.pop();
        }
        if self.main_guard == Some(node.id()) {
            self.main_guard = None;
        }
    }

    fn nearest_handler(&self) -> Option<&Handler<'t>> {
        let index = self.frames.last()?.nearest_handler?;
        self.frames.get(index)?.handler.as_ref()
    }

    fn call(&mut self, node: Node<'t>, ancestors: &[Node<'t>], is_new: bool) {
        self.record_plain_call(node, ancestors, is_new);
        let Some(candidate) = self.candidate(node, is_new) else {
            return;
        };
        if self.main_guard.is_some() {
            return;
        }
        if self.language == Language::Rust && rust_in_test_code(self.file, ancestors) {
            return;
        }
        if self.singleton(node, ancestors) {
            return;
        }
        let range = node.byte_range();
        if let Some(handler) = self.nearest_handler() {
            let place = format!("in {}", handler.describe());
            self.out.push(
                Diagnostic::new(range, per_request_message(&candidate, &place))
                    .help(candidate.advice.help())
                    .with_confidence(Confidence::High),
            );
            return;
        }
        if let Some(kwarg) = candidate.null_pool.clone() {
            if !is_migration(&self.file.path) {
                self.out.push(
                    Diagnostic::new(
                        kwarg,
                        format!(
                            "`{}(..., poolclass=NullPool)` turns connection pooling off: every session opens and closes its own database connection, a TCP, TLS and authentication handshake per request, and bursts of traffic open as many connections as there are requests",
                            candidate.call.rsplit('.').next().unwrap_or(&candidate.call)
                        ),
                    )
                    .help("keep SQLAlchemy's default `QueuePool` and size it (`pool_size`, `max_overflow`, `pool_pre_ping=True`); `NullPool` is right behind an external pooler such as PgBouncer or RDS Proxy, or in a serverless function: suppress the finding there with that reason")
                    .with_confidence(Confidence::Medium),
                );
            }
            return;
        }
        let Some(frame) = self.frames.last() else {
            return;
        };
        let function = frame.node;
        let outer = &ancestors[..frame.depth.min(ancestors.len())];
        let name = function_name(self.file, function, outer);
        if plain_function(self.language, function, outer) {
            if let Some(name) = name {
                let yield_dependency = self.language == Language::Python
                    && looks_like_yield_dependency(function, outer, &name);
                self.pending.push(Pending {
                    function: name,
                    candidate,
                    range,
                    yield_dependency,
                });
            }
            return;
        }
        // A method: only a Prisma client is judged here, and not in
        // constructors or lifecycle hooks (Nest services are built once).
        // Anonymous callbacks outside handlers (`app.listen(…, () => …)`,
        // `process.on(…)`) are left alone: nothing says they run per request.
        if candidate.prisma && function.kind() == "method_definition" {
            if let Some(name) = name.filter(|n| !is_startup_name(n)) {
                self.out.push(prisma_in_function(range, &candidate, &format!("`{name}`")));
            }
        }
    }

    /// Names called without a receiver (`get_conn()`, `getClient()`,
    /// `db::establish_connection()`), where they are called from.
    fn record_plain_call(&mut self, node: Node<'t>, ancestors: &[Node<'t>], is_new: bool) {
        if is_new {
            return;
        }
        let Some(function) = node.child_by_field_name("function") else {
            return;
        };
        let name = match (self.language, function.kind()) {
            (_, "identifier") => self.file.text_of(function).to_string(),
            (Language::Rust, "scoped_identifier") => {
                let text = self.file.text_of(function);
                text.rsplit("::").next().unwrap_or(text).trim().to_string()
            }
            _ => return,
        };
        if self.frames.is_empty() {
            self.called.insert(name);
            return;
        }
        if let Some(handler) = self.nearest_handler() {
            let described = handler.describe();
            self.calls.handler_calls(described, &name);
        } else if let Some(frame) = self.frames.last() {
            let outer = &ancestors[..frame.depth.min(ancestors.len())];
            if let Some(caller) = function_name(self.file, frame.node, outer) {
                self.calls.helper_calls(&caller, &name);
            }
        }
        if !self.singleton(node, ancestors) {
            self.per_call.insert(name.clone());
        }
        self.called.insert(name);
    }

    fn candidate(&self, node: Node<'t>, is_new: bool) -> Option<Candidate> {
        let file = self.file;
        match self.language {
            Language::Python => {
                let callee = callee_path(file, Language::Python, node)?;
                let resolved = file.imports().resolve(&callee);
                let (opens, advice) = python_candidate(&resolved)?;
                let arguments = node.child_by_field_name("arguments")?;
                let mut null_pool = None;
                let mut cursor = arguments.walk();
                for (position, arg) in arguments.named_children(&mut cursor).enumerate() {
                    if arg.kind() == "keyword_argument" {
                        let key = arg.child_by_field_name("name").map(|n| file.text_of(n));
                        let value = arg.child_by_field_name("value").map_or("", |v| file.text_of(v));
                        match key {
                            // A client on a shared pool opens nothing itself.
                            Some("connection_pool") => return None,
                            Some("poolclass") if value.ends_with("NullPool") => null_pool = Some(arg.byte_range()),
                            _ => {}
                        }
                    } else if position == 0
                        && arg.kind() == "string"
                        && file.text_of(arg).trim_start_matches(['r', 'f', '"', '\'']).starts_with("sqlite")
                    {
                        // SQLite is a file: there is no handshake to save.
                        return None;
                    }
                }
                Some(Candidate {
                    call: resolved,
                    opens,
                    advice,
                    null_pool,
                    prisma: false,
                })
            }
            Language::Rust => self.rust_candidate(node),
            language => {
                let target = if is_new {
                    node.child_by_field_name("constructor")?
                } else {
                    node.child_by_field_name("function")?
                };
                let written = name_path(file, language, target)?;
                let resolved = file.imports().resolve(&written);
                let (opens, advice) = js_candidate(&resolved, is_new)?;
                Some(Candidate {
                    call: if is_new {
                        format!("new {written}()")
                    } else {
                        written
                    },
                    opens,
                    advice,
                    null_pool: None,
                    prisma: advice == Advice::Prisma,
                })
            }
        }
    }

    fn rust_candidate(&self, node: Node<'t>) -> Option<Candidate> {
        let file = self.file;
        let function = node.child_by_field_name("function")?;
        let candidate = |call: String, (opens, advice): (Opens, Advice)| Candidate {
            call,
            opens,
            advice,
            null_pool: None,
            prisma: false,
        };
        if function.kind() == "field_expression" {
            // `PgPoolOptions::new().max_connections(5).connect(&url)`.
            let method = file.text_of(function.child_by_field_name("field")?);
            if !matches!(method, "connect" | "connect_with" | "connect_lazy" | "connect_lazy_with") {
                return None;
            }
            let mut receiver = function.child_by_field_name("value");
            for _ in 0..MAX_CHAIN {
                let current = receiver.filter(|r| r.kind() == "call_expression")?;
                let inner = current.child_by_field_name("function")?;
                if inner.kind() == "field_expression" {
                    receiver = inner.child_by_field_name("value");
                    continue;
                }
                let root = strip_generics(&callee_path(file, Language::Rust, current)?);
                let root = file.imports().resolve(&root);
                let options = root
                    .strip_suffix("::new")
                    .is_some_and(|ty| ty.ends_with("PgPoolOptions") || ty.ends_with("MySqlPoolOptions") || ty.ends_with("PoolOptions"));
                if !options || root.contains("Sqlite") {
                    return None;
                }
                let ty = root.rsplit("::").nth(1).unwrap_or("PoolOptions");
                return Some(candidate(format!("{ty}::new()…{method}(..)"), (Opens::Pool, Advice::RustSql)));
            }
            return None;
        }
        let written = callee_path(file, Language::Rust, node)?;
        let generic = written.contains('<');
        let plain = strip_generics(&written);
        let resolved = file.imports().resolve(&plain);
        let found = rust_candidate(&resolved, generic)?;
        Some(candidate(written, found))
    }

    /// True when the call fills a cache once instead of running per call:
    /// `globalThis.prisma ??= new PrismaClient()`, `if (!client) client = …`,
    /// a Python `global` or class attribute, `OnceCell::get_or_init`.
    fn singleton(&self, node: Node<'t>, ancestors: &[Node<'t>]) -> bool {
        let file = self.file;
        let frame = self.frames.last();
        if let Some(frame) = frame {
            let outer = &ancestors[..frame.depth.min(ancestors.len())];
            if cached_function(file, self.language, outer) {
                return true;
            }
        }
        let floor = frame.map_or(0, |f| f.depth + 1);
        // Climb through wrappers to the position the value lands in.
        let mut child = node;
        let mut position = ancestors.len();
        while position > floor && ancestors.len() - position < MAX_CLIMB {
            let parent = ancestors[position - 1];
            // Promise chains: `mongoose.connect(uri).then(...)`.
            let chained = self.language.is_js_family()
                && position >= floor + 2
                && parent.kind() == "member_expression"
                && parent.child_by_field_name("object").is_some_and(|o| o.id() == child.id())
                && ancestors[position - 2].kind() == "call_expression";
            if chained {
                child = ancestors[position - 2];
                position -= 2;
                continue;
            }
            let wrapper = matches!(
                parent.kind(),
                "await" | "await_expression" | "parenthesized_expression" | "as_expression" | "satisfies_expression" | "non_null_expression"
            );
            if !wrapper {
                break;
            }
            child = parent;
            position -= 1;
        }
        let Some(&parent) = position.checked_sub(1).and_then(|p| ancestors.get(p)) else {
            return false;
        };
        if position <= floor {
            return false;
        }
        let is_right = parent
            .child_by_field_name("right")
            .is_some_and(|r| r.id() == child.id());
        match (self.language, parent.kind()) {
            (Language::Python, "assignment") if is_right => {
                let Some(left) = parent.child_by_field_name("left") else {
                    return false;
                };
                match left.kind() {
                    "identifier" => frame.is_some_and(|f| declares_global(file, f.node, file.text_of(left))),
                    "attribute" => left.child_by_field_name("object").is_some_and(|o| {
                        let object = file.text_of(o);
                        object == "cls" || object.starts_with(|c: char| c.is_ascii_uppercase())
                    }),
                    _ => false,
                }
            }
            (Language::Python | Language::Rust, _) => false,
            (_, "binary_expression") if is_right => parent
                .child_by_field_name("operator")
                .is_some_and(|o| matches!(file.text_of(o), "??" | "||")),
            (_, "augmented_assignment_expression") => parent
                .child_by_field_name("operator")
                .is_some_and(|o| matches!(file.text_of(o), "??=" | "||=")),
            (_, "ternary_expression") => true,
            (_, "assignment_expression") if is_right => {
                let Some(left) = parent.child_by_field_name("left") else {
                    return false;
                };
                let target = compact(file.text_of(left));
                let global = left.kind() == "member_expression"
                    && left.child_by_field_name("object").is_some_and(|o| {
                        let object = file.text_of(o).to_ascii_lowercase();
                        object.contains("global") || object == "window"
                    });
                global || guarded_by(file, &ancestors[floor..position], &target)
            }
            _ => false,
        }
    }

    fn finish(&mut self) {
        let reached = if self.pending.is_empty() {
            HashMap::new()
        } else {
            self.calls.reached()
        };
        for pending in std::mem::take(&mut self.pending) {
            let Pending {
                function,
                candidate,
                range,
                yield_dependency,
            } = pending;
            if let Some(how) = reached.get(&function) {
                let place = format!("in `{function}`, {how},");
                self.out.push(
                    Diagnostic::new(range, per_request_message(&candidate, &place))
                        .help(candidate.advice.help())
                        .with_confidence(Confidence::Medium),
                );
                continue;
            }
            if candidate.prisma
                && !is_startup_name(&function)
                && (self.per_call.contains(&function) || !self.called.contains(&function))
            {
                self.out.push(prisma_in_function(range, &candidate, &format!("`{function}`")));
                continue;
            }
            if yield_dependency {
                let what = match candidate.opens {
                    Opens::Connection => "a new database connection".to_string(),
                    Opens::Pool => "a new connection pool".to_string(),
                    Opens::Client(noun) => format!("a new {}", noun.trim_end_matches(',')),
                };
                self.out.push(
                    Diagnostic::new(
                        range,
                        format!(
                            "`{}` opens {what} each time `{function}` runs: as a FastAPI dependency (`Depends({function})`) that is every request, each paying a TCP, TLS and authentication handshake, and under load the connections exhaust the server's `max_connections`",
                            candidate.call
                        ),
                    )
                    .help(candidate.advice.help())
                    .with_confidence(Confidence::Medium),
                );
            }
        }
    }
}

fn per_request_message(candidate: &Candidate, place: &str) -> String {
    let call = &candidate.call;
    match candidate.opens {
        Opens::Connection => format!(
            "`{call}` opens a new database connection {place} on every request: each one costs a TCP, TLS and authentication handshake, and under load the connections pile up until the server's `max_connections` is exhausted"
        ),
        Opens::Pool => format!(
            "`{call}` creates a whole connection pool {place} on every request: its connections are opened per request and never reused, so each request pays the handshakes and load exhausts the server's `max_connections`"
        ),
        Opens::Client(noun) => format!(
            "`{call}` creates a new {noun} {place} on every request: each one opens its own connections (TCP, TLS and authentication handshakes), and under load they pile up until the server refuses more"
        ),
    }
}

fn prisma_in_function(range: Range<usize>, candidate: &Candidate, function: &str) -> Diagnostic {
    Diagnostic::new(
        range,
        format!(
            "`{}` in {function} creates a new Prisma client, with its own connection pool, each time it runs: called per request, every call opens fresh connections and under load they exhaust the database's `max_connections`",
            candidate.call
        ),
    )
    .help(Advice::Prisma.help())
    .with_confidence(Confidence::Medium)
}

/// `if __name__ == "__main__":`.
fn is_main_guard(file: &SourceFile, statement: Node<'_>) -> bool {
    statement
        .child_by_field_name("condition")
        .is_some_and(|c| {
            let text = compact(file.text_of(c)).replace('\'', "\"");
            text == "__name__==\"__main__\"" || text == "\"__main__\"==__name__"
        })
}

/// A function defined at module level (Python `def`, a JS function or
/// `const f = () => …`, a Rust `fn` outside `impl`/`trait`).
fn plain_function(language: Language, function: Node<'_>, ancestors: &[Node<'_>]) -> bool {
    let allowed: &[&str] = match (language, function.kind()) {
        (Language::Python, "function_definition") => &["module", "decorated_definition"],
        (Language::Rust, "function_item") => &["source_file", "mod_item", "declaration_list"],
        (Language::Python | Language::Rust, _) => return false,
        (_, "function_declaration" | "arrow_function" | "function_expression" | "function") => &[
            "program",
            "export_statement",
            "lexical_declaration",
            "variable_declaration",
            "variable_declarator",
        ],
        _ => return false,
    };
    ancestors.iter().all(|a| allowed.contains(&a.kind()))
}

/// A function whose result is cached: `@lru_cache`/`@cache`, a closure
/// handed to `OnceCell::get_or_init`, React `cache(…)`, `memoize(…)`.
fn cached_function(file: &SourceFile, language: Language, ancestors: &[Node<'_>]) -> bool {
    let Some(&parent) = ancestors.last() else {
        return false;
    };
    if language == Language::Python {
        if parent.kind() != "decorated_definition" {
            return false;
        }
        let mut cursor = parent.walk();
        let found = parent
            .named_children(&mut cursor)
            .filter(|d| d.kind() == "decorator")
            .any(|d| {
                let text = file.text_of(d);
                text.contains("cache") || text.contains("once")
            });
        return found;
    }
    if parent.kind() != "arguments" {
        return false;
    }
    let Some(call) = ancestors.len().checked_sub(2).map(|i| ancestors[i]) else {
        return false;
    };
    let Some(callee) = call.child_by_field_name("function") else {
        return false;
    };
    let text = match callee.kind() {
        "field_expression" => callee.child_by_field_name("field").map_or("", |f| file.text_of(f)),
        "member_expression" => callee.child_by_field_name("property").map_or("", |f| file.text_of(f)),
        _ => file.text_of(callee),
    };
    let last = text.rsplit(['.', ':']).next().unwrap_or(text);
    matches!(
        last,
        "get_or_init" | "get_or_try_init" | "get_or_insert_with" | "call_once" | "cache" | "memoize" | "once" | "singleton"
    ) || (last == "new" && (text.contains("Lazy") || text.contains("OnceLock")))
}

/// True when a Python function declares `global name` / `nonlocal name`.
fn declares_global(file: &SourceFile, function: Node<'_>, name: &str) -> bool {
    let Some(body) = function.child_by_field_name("body") else {
        return false;
    };
    let mut cursor = body.walk();
    let found = body
        .named_children(&mut cursor)
        .filter(|s| matches!(s.kind(), "global_statement" | "nonlocal_statement"))
        .any(|s| {
            let mut inner = s.walk();
            let declared = s.named_children(&mut inner).any(|n| file.text_of(n) == name);
            declared
        });
    found
}

/// True when an `if` between the function and the assignment tests the
/// assigned target (`if (!prisma) prisma = new PrismaClient()`).
fn guarded_by(file: &SourceFile, between: &[Node<'_>], target: &str) -> bool {
    if target.is_empty() {
        return false;
    }
    between.iter().rev().take(MAX_CLIMB).any(|n| {
        n.kind() == "if_statement"
            && n
                .child_by_field_name("condition")
                .is_some_and(|c| compact(file.text_of(c)).contains(target))
    })
}

/// An undecorated module-level generator named like a FastAPI dependency
/// (`get_db`, `get_connection`, `redis_client`).
fn looks_like_yield_dependency(function: Node<'_>, ancestors: &[Node<'_>], name: &str) -> bool {
    let named = name.starts_with("get_")
        || ["_db", "_conn", "_connection", "_session", "_client"]
            .iter()
            .any(|s| name.ends_with(s));
    if !named {
        return false;
    }
    // Decorated generators are context managers, fixtures, …
    if ancestors.last().is_some_and(|p| p.kind() == "decorated_definition") {
        return false;
    }
    let Some(body) = function.child_by_field_name("body") else {
        return false;
    };
    let mut found = false;
    let mut seen = 0usize;
    crate::facts::routes::walk(body, |node| {
        seen += 1;
        if found || seen > 20_000 {
            return false;
        }
        match node.kind() {
            "yield" => {
                found = true;
                false
            }
            "function_definition" | "lambda" | "class_definition" => false,
            _ => true,
        }
    });
    found
}

impl Rule for ConnectionPerRequest {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    /// Tests, examples and command-line scripts open connections on purpose.
    fn applies_to(&self, path: &str) -> bool {
        !is_test_or_example(path) && !is_script(path)
    }

    /// Only files that name a database library can create a client of one.
    fn prefilter(&self, language: Language) -> Option<Vec<Vec<String>>> {
        // Candidates only match through the file's imports, so the words
        // are the modules as imported (a quoted JS specifier, SQLAlchemy's
        // engine factories rather than every file that mentions it).
        let words: &[&str] = match language {
            Language::Python => &[
                "psycopg",
                "asyncpg",
                "pymysql",
                "MySQLdb",
                "mysql.connector",
                "mariadb",
                "aiomysql",
                "aiopg",
                "pyodbc",
                "oracledb",
                "cx_Oracle",
                "pymssql",
                "create_engine",
                "create_async_engine",
                "import databases",
                "from databases",
                "redis",
                "pymongo",
                "motor_asyncio",
            ],
            Language::Rust => &[
                "establish",
                "Connection::connect",
                "Pool::connect",
                "Pool::<",
                "PoolOptions",
                "tokio_postgres",
                "postgres::",
                "redis",
                "mongodb",
                "Database::connect",
            ],
            _ => &[
                "PrismaClient",
                "'pg'",
                "\"pg\"",
                "'mysql",
                "\"mysql",
                "'mongodb'",
                "\"mongodb\"",
                "mongoose",
                "ioredis",
                "'redis'",
                "\"redis\"",
                "'sequelize'",
                "\"sequelize\"",
                "'typeorm'",
                "\"typeorm\"",
                "'knex'",
                "\"knex\"",
                "'postgres'",
                "\"postgres\"",
            ],
        };
        Some(vec![words.iter().map(|w| (*w).to_string()).collect()])
    }

    /// The file is read from its root (see the module docs).
    fn node_kinds(&self, language: Language) -> Vec<String> {
        let root = match language {
            Language::Python => "module",
            Language::Rust => "source_file",
            _ => "program",
        };
        vec![root.to_string()]
    }

    fn check_node(&self, _root: Node<'_>, ctx: &mut NodeContext<'_>) {
        if !ctx.ancestors.is_empty() {
            return;
        }
        for diagnostic in analyse(ctx.file) {
            ctx.report(diagnostic);
        }
    }
}

const DOCS: &str = r#"
## What it does
Finds database connections, pools and clients created per request instead of
once at start-up:
- **Python**: `psycopg.connect`, `psycopg2.connect`, `asyncpg.connect`,
  `pymysql.connect`, `mysql.connector.connect`, `aiomysql`/`aiopg`, pools
  (`asyncpg.create_pool`, `psycopg_pool.ConnectionPool`), SQLAlchemy
  `create_engine`/`create_async_engine`, `redis.Redis`/`redis.from_url`,
  `MongoClient`/`AsyncIOMotorClient` inside a request handler;
- **JavaScript/TypeScript**: `new Client()`/`new Pool()` from `pg`,
  `mysql.createConnection`/`createPool`, `new PrismaClient()`,
  `new MongoClient()`, `mongoose.connect`, `new Redis()` (ioredis),
  `createClient()` (redis), `new Sequelize`, `new DataSource`, `knex(...)`,
  `postgres(...)` inside a handler;
- **Rust**: Diesel `PgConnection::establish`/`MysqlConnection::establish`,
  sqlx `PgConnection::connect`, `PgPool::connect`,
  `PgPoolOptions::new()…connect(..)`, `tokio_postgres::connect`,
  `postgres::Client::connect`, `redis::Client::open`, `mongodb::Client`,
  SeaORM `Database::connect` inside a handler.

A handler is a function the framework calls per request: route decorators
(`@app.get`, `@router.post`, `@app.route`, `@bp.route`, `@api_view`),
`@app.middleware("http")`/`before_request` hooks, FastAPI dependencies named
in `Depends(...)`, Django/DRF view methods and function views in `views.py`,
aiohttp/Starlette `async def h(request)`; callbacks handed to
`app.get/post/…/use` and `router.*`, functions registered by name, Fastify
hooks and `handler:` options, `(req, res)` functions, NestJS `@Get`/`@Post`
methods, Next.js `route.ts` exports (`GET`, `POST`, …), `pages/api` default
exports and server actions (`"use server"`); Rust functions with
`#[get(..)]`-style attributes, registered with `get(handler)`/`.to(handler)`,
or `async fn`s taking extractors (`State`, `Json`, `Path`, `Query`,
`web::Data`, …). A plain function of the same file that a handler calls is
reported too, naming that handler.

Outside handlers only two things are reported: an SQLAlchemy engine with
`poolclass=NullPool` (pooling switched off for the whole service), and
`new PrismaClient()` in a module-level function or a class method that is
not start-up code (`main`, `bootstrap`, `seed…`, constructors,
`onModuleInit`) and does not cache the client (`globalThis.prisma ??= …`,
`if (!prisma) prisma = …`, `cache(…)`), unless the file only calls it to
fill such a cache (`globalForPrisma.prisma ?? createPrismaClient()`).

## Why it matters
Checklist TASK-2.4 (connection pooling configured for production load).
Opening a connection costs a TCP handshake, usually TLS, and authentication —
often more than the query it serves. Per request, that latency is paid every
time, and under load the service opens as many connections as it has
requests in flight: the database hits `max_connections`, refuses the rest,
and spends its memory on connection processes. A pool created per request is
worse still: it opens several connections and throws them away.

## Example
```python
@router.get("/users/{user_id}")
async def get_user(user_id: int):
    conn = await asyncpg.connect(DATABASE_URL)
    try:
        return await conn.fetchrow("SELECT * FROM users WHERE id = $1", user_id)
    finally:
        await conn.close()
```

## Use instead
```python
@asynccontextmanager
async def lifespan(app: FastAPI):
    app.state.pool = await asyncpg.create_pool(DATABASE_URL, min_size=2, max_size=10)
    yield
    await app.state.pool.close()

@router.get("/users/{user_id}")
async def get_user(user_id: int, request: Request):
    async with request.app.state.pool.acquire() as conn:
        return await conn.fetchrow("SELECT * FROM users WHERE id = $1", user_id)
```
Likewise a module-level `engine = create_engine(url, pool_size=10)` with
`SessionLocal = sessionmaker(engine)`, a module-level `const pool = new Pool()`,
one exported `PrismaClient`, or a `PgPool` built in `main` and shared through
Axum `State` / actix-web `web::Data`.

## Configuration
Select or ignore it by name or `TASK-2.4`. Tests, examples, scripts
(`scripts/`, `bin/`, `manage.py`, code under `if __name__ == "__main__":`) and
start-up code (module scope, `main`, `lifespan`, `create_app`, `bootstrap`,
`onModuleInit`, constructors) are not reported; SQLite (`sqlite3`,
`aiosqlite`, `sqlite://` engines, Diesel `SqliteConnection`) is a file and is
skipped, as is a Redis client built on a shared `connection_pool`. `NullPool`
is accepted in Alembic (`env.py`, `alembic/`) and `migrations/`; it is also
the right choice behind PgBouncer or RDS Proxy and in serverless functions,
which this rule cannot see: suppress the finding there with that reason.
Helpers are followed through any number of same-file calls by plain name
(`handler` → `load_items` → `connection`); a helper used by
handlers in other files is not reported. A generator named like a dependency
(`get_db`, `get_connection`) that opens a connection and `yield`s is reported
at medium confidence even when its `Depends(...)` is in another file.
"#;

fn meta() -> RuleMeta {
    RuleMeta::new("connection-per-request", "TASK-2.4")
        .severity(Severity::Warning)
        .confidence(Confidence::High)
        .summary("A database connection, pool or client is created per request (inside a handler) instead of once at start-up, or pooling is switched off with NullPool.")
        .kinds(&[FileKind::Python, FileKind::JavaScript, FileKind::TypeScript, FileKind::Tsx, FileKind::Rust])
        .tags(&["performance", "database"])
        .docs(DOCS)
        .invalid(
            FileKind::Python,
            r#"
            import asyncpg
            import psycopg2
            import redis
            from fastapi import APIRouter, Depends
            from sqlalchemy import create_engine

            router = APIRouter()

            def get_conn():
                conn = psycopg2.connect(DATABASE_URL)
                try:
                    yield conn
                finally:
                    conn.close()

            @router.get("/users/{user_id}")
            async def get_user(user_id: int):
                conn = await asyncpg.connect(DATABASE_URL)
                try:
                    return await conn.fetchrow("SELECT * FROM users WHERE id = $1", user_id)
                finally:
                    await conn.close()

            @router.get("/orders")
            def list_orders(conn=Depends(get_conn)):
                engine = create_engine(settings.database_url)
                cache = redis.Redis(host="cache", port=6379)
                with engine.connect() as c:
                    return c.execute(text("SELECT * FROM orders LIMIT 50")).all()
            "#,
            4,
        )
        .valid(
            FileKind::Python,
            r#"
            from contextlib import asynccontextmanager

            import asyncpg
            from fastapi import Depends, FastAPI, Request
            from sqlalchemy import create_engine
            from sqlalchemy.orm import sessionmaker

            engine = create_engine(settings.database_url, pool_size=10, max_overflow=20, pool_pre_ping=True)
            SessionLocal = sessionmaker(bind=engine, autoflush=False)

            def get_db():
                db = SessionLocal()
                try:
                    yield db
                finally:
                    db.close()

            @asynccontextmanager
            async def lifespan(app: FastAPI):
                app.state.pool = await asyncpg.create_pool(settings.database_url, min_size=2, max_size=10)
                yield
                await app.state.pool.close()

            app = FastAPI(lifespan=lifespan)

            @app.get("/users/{user_id}")
            async def get_user(user_id: int, request: Request):
                async with request.app.state.pool.acquire() as conn:
                    return await conn.fetchrow("SELECT * FROM users WHERE id = $1", user_id)

            @app.get("/orders")
            def list_orders(db=Depends(get_db)):
                return db.query(Order).limit(50).all()
            "#,
        )
        .invalid(
            FileKind::Python,
            r#"
            import psycopg2
            from flask import Flask, g, jsonify

            app = Flask(__name__)

            def get_db():
                if "db" not in g:
                    g.db = psycopg2.connect(app.config["DATABASE_URL"])
                return g.db

            @app.route("/products")
            def products():
                cur = get_db().cursor()
                cur.execute("SELECT id, name FROM products LIMIT 100")
                return jsonify(cur.fetchall())
            "#,
            1,
        )
        .invalid_at(
            FileKind::Python,
            "app/db.py",
            r#"
            from sqlalchemy import create_engine
            from sqlalchemy.orm import sessionmaker
            from sqlalchemy.pool import NullPool

            engine = create_engine(settings.database_url, poolclass=NullPool)
            SessionLocal = sessionmaker(bind=engine)
            "#,
            1,
        )
        .valid_at(
            FileKind::Python,
            "alembic/env.py",
            r#"
            from alembic import context
            from sqlalchemy import engine_from_config, create_engine, pool
            from sqlalchemy.pool import NullPool

            def run_migrations_online():
                connectable = create_engine(config.get_main_option("sqlalchemy.url"), poolclass=NullPool)
                with connectable.connect() as connection:
                    context.configure(connection=connection, target_metadata=target_metadata)
                    with context.begin_transaction():
                        context.run_migrations()
            "#,
        )
        .valid_at(
            FileKind::Python,
            "app/reports/export.py",
            r#"
            import psycopg2
            from sqlalchemy import create_engine
            from sqlalchemy.pool import NullPool

            def export_rows(dsn, path):
                conn = psycopg2.connect(dsn)
                with conn.cursor() as cur, open(path, "w") as out:
                    cur.copy_expert("COPY orders TO STDOUT WITH CSV HEADER", out)

            if __name__ == "__main__":
                engine = create_engine(sys.argv[1], poolclass=NullPool)
                export_rows(sys.argv[1], sys.argv[2])
            "#,
        )
        .invalid(
            FileKind::TypeScript,
            r#"
            import express from "express";
            import { Client } from "pg";
            import { PrismaClient } from "@prisma/client";

            const router = express.Router();

            router.get("/users/:id", async (req, res) => {
              const client = new Client({ connectionString: process.env.DATABASE_URL });
              await client.connect();
              const { rows } = await client.query("SELECT * FROM users WHERE id = $1", [req.params.id]);
              await client.end();
              res.json(rows[0]);
            });

            export async function listPosts(req: express.Request, res: express.Response) {
              const prisma = new PrismaClient();
              res.json(await prisma.post.findMany({ take: 20 }));
            }

            export function getPrisma() {
              return new PrismaClient();
            }
            "#,
            3,
        )
        .valid(
            FileKind::TypeScript,
            r#"
            import express from "express";
            import { Pool } from "pg";
            import { PrismaClient } from "@prisma/client";

            const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });

            const createPrismaClient = () => new PrismaClient({ log: ["error"] });
            const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };
            export const prisma = globalForPrisma.prisma ?? createPrismaClient();
            if (process.env.NODE_ENV !== "production") globalForPrisma.prisma = prisma;

            const router = express.Router();

            router.get("/users/:id", async (req, res) => {
              const { rows } = await pool.query("SELECT * FROM users WHERE id = $1", [req.params.id]);
              res.json(rows[0]);
            });

            async function main() {
              const seeder = new PrismaClient();
              await seeder.$connect();
            }
            "#,
        )
        .invalid_at(
            FileKind::TypeScript,
            "app/api/orders/route.ts",
            r#"
            import mysql from "mysql2/promise";
            import { NextResponse } from "next/server";

            export async function GET(request: Request) {
              const connection = await mysql.createConnection(process.env.DATABASE_URL!);
              const [rows] = await connection.query("SELECT * FROM orders LIMIT 20");
              await connection.end();
              return NextResponse.json(rows);
            }
            "#,
            1,
        )
        .invalid(
            FileKind::Rust,
            r#"
            use axum::{extract::{Path, State}, Json};
            use diesel::prelude::*;
            use sqlx::postgres::PgPoolOptions;

            pub fn establish_connection() -> PgConnection {
                let url = std::env::var("DATABASE_URL").expect("DATABASE_URL");
                PgConnection::establish(&url).expect("connect")
            }

            #[get("/posts")]
            fn list_posts() -> Json<Vec<Post>> {
                let conn = &mut establish_connection();
                Json(posts::table.limit(20).load(conn).unwrap())
            }

            async fn get_user(Path(id): Path<i64>) -> Json<User> {
                let pool = PgPoolOptions::new().max_connections(5).connect(&CONFIG.url).await.unwrap();
                let user = sqlx::query_as("SELECT * FROM users WHERE id = $1").bind(id).fetch_one(&pool).await.unwrap();
                Json(user)
            }
            "#,
            2,
        )
        .valid(
            FileKind::Rust,
            r#"
            use axum::{extract::{Path, State}, routing::get, Json, Router};
            use sqlx::{postgres::PgPoolOptions, PgPool};

            async fn get_user(State(pool): State<PgPool>, Path(id): Path<i64>) -> Json<User> {
                let user = sqlx::query_as("SELECT * FROM users WHERE id = $1").bind(id).fetch_one(&pool).await.unwrap();
                Json(user)
            }

            async fn list_posts(State(pool): State<DbPool>) -> Json<Vec<Post>> {
                let mut conn = pool.get().await.unwrap();
                Json(load_posts(&mut conn).await)
            }

            #[tokio::main]
            async fn main() {
                let pool = PgPoolOptions::new().max_connections(10).connect(&std::env::var("DATABASE_URL").unwrap()).await.unwrap();
                let app = Router::new().route("/users/:id", get(get_user)).with_state(pool);
                let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await.unwrap();
                axum::serve(listener, app).await.unwrap();
            }
            "#,
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn findings(path: &str, code: &str) -> Vec<String> {
        let kind = redflag_syntax::classify(std::path::Path::new(path)).expect("a code file path");
        let file = SourceFile::new(path.to_string(), kind, crate::rule::unindent(code), None);
        analyse(&file)
            .into_iter()
            .map(|d| format!("{} | {}", file.slice(d.range.clone()), d.message))
            .collect()
    }

    #[test]
    fn a_helper_no_handler_calls_stays_quiet() {
        let code = r#"
            import psycopg2
            from flask import Flask

            app = Flask(__name__)

            def nightly_export(dsn):
                conn = psycopg2.connect(dsn)
                return conn

            @app.get("/health")
            def health():
                return {"ok": True}
        "#;
        assert!(findings("app/tasks.py", code).is_empty());
    }

    #[test]
    fn a_helper_a_handler_calls_names_the_handler() {
        let code = r#"
            import pymysql
            from flask import Blueprint

            bp = Blueprint("shop", __name__)

            def connection():
                return pymysql.connect(host="db", user="shop", password=PASSWORD, database="shop")

            @bp.route("/items")
            def items():
                with connection().cursor() as cur:
                    cur.execute("SELECT * FROM items LIMIT 20")
                    return cur.fetchall()
        "#;
        let found = findings("shop/routes.py", code);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("in `connection`, which route handler `items` calls,"), "{found:?}");
    }

    #[test]
    fn a_helper_of_a_helper_names_the_chain() {
        let code = r#"
            import pymysql
            from flask import Blueprint

            bp = Blueprint("shop", __name__)

            def connection():
                return pymysql.connect(host="db", user="shop", password=PASSWORD, database="shop")

            def load_items():
                with connection().cursor() as cur:
                    cur.execute("SELECT * FROM items LIMIT 20")
                    return cur.fetchall()

            @bp.route("/items")
            def items():
                return {"items": load_items()}
        "#;
        let found = findings("shop/routes.py", code);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("in `connection`, which `load_items` calls, which route handler `items` calls,"),
            "{found:?}"
        );
    }

    #[test]
    fn scripts_and_main_guards_stay_quiet() {
        let code = r#"
            import psycopg2
            from sqlalchemy import create_engine
            from sqlalchemy.pool import NullPool

            if __name__ == "__main__":
                engine = create_engine(os.environ["DATABASE_URL"], poolclass=NullPool)
                conn = psycopg2.connect(os.environ["DATABASE_URL"])
        "#;
        assert!(findings("app/backfill.py", code).is_empty());
        let view = "import psycopg2\n\ndef index(request):\n    return psycopg2.connect(DSN)\n";
        assert_eq!(findings("shop/views.py", view).len(), 1);
        let rule = rule();
        assert!(!rule.applies_to("scripts/load_fixtures.py"));
        assert!(!rule.applies_to("manage.py"));
        assert!(!rule.applies_to("tests/test_api.py"));
        assert!(!rule.applies_to("src/bin/import_users.rs"));
        assert!(rule.applies_to("app/api.py"));
    }

    #[test]
    fn alembic_and_migrations_may_use_null_pool() {
        let code = "from sqlalchemy import create_engine\nfrom sqlalchemy.pool import NullPool\n\nengine = create_engine(URL, poolclass=NullPool)\n";
        assert!(findings("alembic/env.py", code).is_empty());
        assert!(findings("migrations/env.py", code).is_empty());
        let found = findings("app/database.py", code);
        assert_eq!(found.len(), 1);
        assert!(
            found[0].starts_with("poolclass=NullPool | `create_engine(..., poolclass=NullPool)` turns connection pooling off"),
            "{found:?}"
        );
    }

    #[test]
    fn sqlite_and_shared_redis_pools_are_skipped() {
        let code = r#"
            import sqlite3
            import redis
            from fastapi import FastAPI
            from sqlalchemy import create_engine

            app = FastAPI()
            pool = redis.ConnectionPool(host="cache")

            @app.get("/a")
            def a():
                db = sqlite3.connect("app.db")
                engine = create_engine("sqlite:///app.db")
                r = redis.Redis(connection_pool=pool)
                return r.get("a")
        "#;
        assert!(findings("app/main.py", code).is_empty());
    }

    #[test]
    fn python_views_dependencies_and_hooks() {
        let code = r#"
            import redis.asyncio as aioredis
            from motor.motor_asyncio import AsyncIOMotorClient
            from rest_framework.views import APIView
            from fastapi import Depends

            async def get_cache():
                client = aioredis.from_url(REDIS_URL)
                yield client

            @app.middleware("http")
            async def audit(request, call_next):
                mongo = AsyncIOMotorClient(MONGO_URL)
                return await call_next(request)

            class OrderList(APIView):
                def get(self, request):
                    conn = psycopg.connect(DSN)
                    return Response([])

            @app.get("/x")
            async def x(cache=Depends(get_cache)):
                return await cache.get("x")
        "#;
        let found = findings("app/api.py", code);
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(found[0].contains("FastAPI dependency `get_cache`"));
        assert!(found[1].contains("request middleware `audit`"));
        assert!(found[2].contains("view `OrderList.get`"));
    }

    #[test]
    fn python_singletons_and_cached_factories_stay_quiet() {
        let code = r#"
            from functools import lru_cache
            import asyncpg
            from sqlalchemy import create_engine

            _pool = None

            @lru_cache
            def get_engine():
                return create_engine(settings.database_url)

            @app.get("/a")
            async def a():
                global _pool
                if _pool is None:
                    _pool = await asyncpg.create_pool(DSN)
                engine = get_engine()
                async with _pool.acquire() as conn:
                    return await conn.fetch("SELECT 1")
        "#;
        assert!(findings("app/api.py", code).is_empty(), "{:?}", findings("app/api.py", code));
    }

    #[test]
    fn yield_dependency_in_its_own_module() {
        let code = r#"
            import psycopg
            from contextlib import contextmanager

            def get_connection():
                with psycopg.connect(settings.dsn) as conn:
                    yield conn

            @contextmanager
            def transaction():
                conn = psycopg.connect(settings.dsn)
                yield conn

            def open_admin_connection():
                return psycopg.connect(settings.admin_dsn)
        "#;
        let found = findings("app/db.py", code);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].contains("each time `get_connection` runs"), "{found:?}");
    }

    #[test]
    fn prisma_singletons_and_factories() {
        let code = r#"
            import { PrismaClient } from "@prisma/client";

            let prisma: PrismaClient | undefined;

            export function getPrisma() {
              if (!prisma) {
                prisma = new PrismaClient();
              }
              return prisma;
            }

            export const db = globalThis.__db || new PrismaClient();

            export class UserRepository {
              private readonly client = new PrismaClient();

              constructor() {
                this.other = new PrismaClient();
              }

              findClient() {
                return new PrismaClient();
              }
            }

            export async function seedDatabase() {
              const client = new PrismaClient();
              await client.user.create({ data: { email: "a@b.c" } });
            }

            function freshClient() {
              return new PrismaClient();
            }

            export async function countUsers() {
              return freshClient().user.count();
            }

            process.on("SIGHUP", async () => {
              const reloaded = new PrismaClient();
              await reloaded.$connect();
            });
        "#;
        let found = findings("src/lib/db.ts", code);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].contains("in `findClient`"), "{found:?}");
        assert!(found[1].contains("in `freshClient`"), "{found:?}");
    }

    #[test]
    fn js_handlers_across_frameworks() {
        let code = r#"
            import Fastify from "fastify";
            import Redis from "ioredis";
            import mongoose from "mongoose";
            import { MongoClient } from "mongodb";
            import { createClient } from "redis";
            import { Controller, Get } from "@nestjs/common";

            const fastify = Fastify();
            const shared = new Redis(process.env.REDIS_URL);

            fastify.get("/a", async (request, reply) => {
              const redis = new Redis(process.env.REDIS_URL);
              return redis.get("a");
            });

            fastify.addHook("preHandler", async (request, reply) => {
              await mongoose.connect(process.env.MONGO_URL);
            });

            @Controller("b")
            export class BController {
              @Get()
              async list() {
                const client = new MongoClient(process.env.MONGO_URL);
                return client.db().collection("b").find().limit(10).toArray();
              }
            }

            async function start() {
              const cache = createClient({ url: process.env.REDIS_URL });
              await cache.connect();
              await fastify.listen({ port: 3000 });
            }
        "#;
        let found = findings("src/server.ts", code);
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(found[0].starts_with("new Redis(process.env.REDIS_URL) | `new Redis()` creates a new Redis client in route handler `fastify.get(\"/a\", …)`"), "{found:?}");
        assert!(found[1].contains("request middleware `fastify.addHook(\"preHandler\", …)`"));
        assert!(found[2].contains("route handler `BController.list`"));
    }

    #[test]
    fn next_cached_mongoose_connection_stays_quiet() {
        let code = r#"
            import mongoose from "mongoose";

            let cached = global.mongoose || { conn: null, promise: null };

            export default async function dbConnect() {
              if (cached.conn) return cached.conn;
              if (!cached.promise) {
                cached.promise = mongoose.connect(process.env.MONGODB_URI!).then((m) => m);
              }
              cached.conn = await cached.promise;
              return cached.conn;
            }
        "#;
        assert!(findings("lib/dbConnect.ts", code).is_empty());
        let handler = r#"
            import { Pool } from "pg";

            export default async function handler(req, res) {
              const pool = new Pool();
              res.json((await pool.query("SELECT now()")).rows);
            }
        "#;
        let found = findings("pages/api/time.js", handler);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("creates a whole connection pool in route handler `handler`"));
    }

    #[test]
    fn rust_handlers_helpers_and_pools() {
        let code = r#"
            use actix_web::{get, web, HttpResponse};
            use once_cell::sync::OnceCell;
            use sqlx::PgPool;

            static POOL: OnceCell<PgPool> = OnceCell::new();

            #[get("/a")]
            async fn a() -> HttpResponse {
                let client = redis::Client::open("redis://cache/").unwrap();
                let (pg, conn) = tokio_postgres::connect(&CONFIG.url, tokio_postgres::NoTls).await.unwrap();
                HttpResponse::Ok().finish()
            }

            async fn b(data: web::Data<AppState>) -> HttpResponse {
                let pool = sqlx::Pool::<sqlx::Postgres>::connect(&data.url).await.unwrap();
                let lite = SqliteConnection::establish("app.db").unwrap();
                HttpResponse::Ok().finish()
            }

            fn shared_pool() -> &'static PgPool {
                POOL.get_or_init(|| PgPool::connect_lazy(&CONFIG.url).unwrap())
            }

            async fn c(State(state): State<AppState>) -> String {
                let pool = shared_pool();
                String::new()
            }

            #[cfg(test)]
            mod tests {
                #[tokio::test]
                async fn connects(State(s): State<S>) {
                    let pool = PgPool::connect(&url).await.unwrap();
                }
            }
        "#;
        let found = findings("src/api.rs", code);
        assert_eq!(found.len(), 3, "{found:#?}");
        assert!(found[0].starts_with("redis::Client::open(\"redis://cache/\") | `redis::Client::open` creates a new Redis client in route handler `a`"));
        assert!(found[1].contains("`tokio_postgres::connect` opens a new database connection"));
        assert!(found[2].contains("`sqlx::Pool::<sqlx::Postgres>::connect` creates a whole connection pool in route handler `b`"));
    }

    #[test]
    fn express_controllers_and_wrapped_handlers() {
        let code = r#"
            const { Pool, Client } = require("pg");
            const asyncHandler = require("express-async-handler");

            class ReportController {
              async show(req, res) {
                const pool = new Pool({ max: 5 });
                res.json((await pool.query("SELECT * FROM reports WHERE id = $1", [req.params.id])).rows);
              }

              formatRow(row) {
                return new Client();
              }
            }

            exports.exportCsv = asyncHandler(async (req, res) => {
              const client = new Client();
              await client.connect();
              res.send("ok");
            });
        "#;
        let found = findings("src/controllers/reports.js", code);
        assert_eq!(found.len(), 2, "{found:#?}");
        assert!(found[0].contains("route handler `ReportController.show`"), "{found:?}");
        assert!(found[1].starts_with("new Client() | `new Client()` opens a new database connection in route handler `exports.exportCsv`"), "{found:?}");
    }

    #[test]
    fn hostile_nesting_does_not_overflow() {
        let depth = 20_000;
        let code = format!(
            "import psycopg2\n@app.get('/x')\ndef h():\n    return {}psycopg2.connect(DSN){}\n",
            "(".repeat(depth),
            ")".repeat(depth)
        );
        let file = SourceFile::new("app/x.py".into(), FileKind::Python, code, None);
        let found = analyse(&file);
        assert_eq!(found.len(), 1, "{found:?}");
    }
}
