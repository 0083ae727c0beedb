//! Service facts: what one code file says about the HTTP service it belongs
//! to — routers and apps, routes, mounts, middleware, handler markers and
//! service-wide signals.
//!
//! Extractors (one module per language family under `facts/routes/`) record
//! what the code says, as written: a route's path relative to the router it
//! is registered on, a mount's prefix and the router it mounts (a local
//! name, or a name imported from another module). Joining prefixes across
//! files, resolving imports to files and deciding what a marker means (auth,
//! rate limit, …) happen later, in the project model, where the whole
//! repository is visible and the marker vocabularies are configurable.

use crate::source::Location;

/// The web frameworks whose routes redflag reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Framework {
    Express,
    Fastify,
    NestJs,
    Koa,
    Hono,
    FastApi,
    Flask,
    Django,
    Aiohttp,
    Axum,
    ActixWeb,
    Rocket,
}

impl Framework {
    pub const ALL: [Framework; 12] = [
        Framework::Express,
        Framework::Fastify,
        Framework::NestJs,
        Framework::Koa,
        Framework::Hono,
        Framework::FastApi,
        Framework::Flask,
        Framework::Django,
        Framework::Aiohttp,
        Framework::Axum,
        Framework::ActixWeb,
        Framework::Rocket,
    ];

    /// The name users know it by.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Framework::Express => "express",
            Framework::Fastify => "fastify",
            Framework::NestJs => "nestjs",
            Framework::Koa => "koa",
            Framework::Hono => "hono",
            Framework::FastApi => "fastapi",
            Framework::Flask => "flask",
            Framework::Django => "django",
            Framework::Aiohttp => "aiohttp",
            Framework::Axum => "axum",
            Framework::ActixWeb => "actix-web",
            Framework::Rocket => "rocket",
        }
    }
}

/// What a mount attaches: a router of this file or one imported from
/// another module.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// A router, app, blueprint, scope, controller or router-building
    /// function of this file, by its local name.
    Local(String),
    /// A name from another module. `module` is written as the source wrote
    /// it (`./routes/users`, `app.routers.users`, `.views`,
    /// `crate::api::users`, `api.urls`); `name` is the exported name, `None`
    /// for a default export or the module itself (Django `include("api.urls")`).
    Imported {
        module: String,
        name: Option<String>,
    },
}

/// Something routes are registered on: an application object, a router, a
/// blueprint, a scope, a controller class, a URL-conf module, or a function
/// that builds and returns a router (Axum, Actix `configure`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouterDecl {
    pub framework: Framework,
    /// The local name routes and mounts refer to it by (`app`, `router`,
    /// `bp`, `UsersController`, `api_routes`; `urlpatterns` for Django).
    /// Routers without a name of their own (an inline `web::scope("/api")`,
    /// `HttpServer::new(|| App::new()…)`) get a synthetic one that starts
    /// with `<` and is unique in the file (`<scope:12>`, `<app:30>`).
    pub name: String,
    /// What another module gets when it imports this module's default:
    /// `module.exports = router`, `export default router`, a Fastify plugin
    /// exported as default, a Django URL-conf's `urlpatterns`.
    pub default_export: bool,
    /// The root application (`express()`, `FastAPI()`, `Flask(__name__)`,
    /// `NestFactory.create`, `App::new()`, `rocket::build()`, a Django
    /// `ROOT_URLCONF`, an Axum router served by `axum::serve`).
    pub is_app: bool,
    /// Its own prefix (`APIRouter(prefix=…)`, `Blueprint(url_prefix=…)`,
    /// `@Controller('users')`, `web::scope("/api")`, `new Hono().basePath`);
    /// empty when it has none.
    pub prefix: String,
    /// Markers declared with it (router-level `dependencies=[…]`, class
    /// decorators such as `@UseGuards(AuthGuard)`), as written.
    pub markers: Vec<String>,
    pub location: Location,
}

/// One route registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RouteFact {
    pub framework: Framework,
    /// The local name of the router it is registered on. `None` for handlers
    /// that carry their own route and are attached by name elsewhere
    /// (Actix/Rocket attribute macros: `#[get("/users")] async fn list`).
    pub router: Option<String>,
    /// Upper-case methods; `ANY` for a route that answers every method.
    pub methods: Vec<String>,
    /// The path as written, relative to its router.
    pub path: String,
    /// The handler's name when it is a named function, method or class.
    pub handler: Option<String>,
    /// Markers on the route's own chain: middleware arguments, decorators,
    /// `Depends(…)` dependencies, guards, layers, as written (callee paths
    /// such as `passport.authenticate`, `get_current_user`, `AuthGuard`).
    pub markers: Vec<String>,
    /// The success status the code sets where the framework makes it
    /// visible (`status_code=201`, `@HttpCode(204)`, `res.status(201)`).
    pub status: Option<u16>,
    /// Names of the query/path parameters the handler declares or reads
    /// (for pagination: `limit`, `page`, `cursor`, …).
    pub params: Vec<String>,
    /// What the handler's body reads from the data layer, when it is
    /// visible in the same file: `findMany`, `all`, `fetch_all`,
    /// `SELECT … ` without `LIMIT`, … (for pagination).
    pub collection_reads: Vec<String>,
    pub location: Location,
}

/// A router mounted under a prefix: `app.use('/api', router)`,
/// `include_router(r, prefix=…)`, `register_blueprint`, `path('api/',
/// include(…))`, `.nest("/api", routes())`, `.service(scope)`,
/// `.mount("/", routes![…])`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MountFact {
    pub framework: Framework,
    /// The local name of the router or app it is mounted on.
    pub parent: String,
    pub prefix: String,
    pub child: Target,
    /// Markers applied at the mount (`app.use('/admin', requireAuth,
    /// adminRouter)`, `include_router(…, dependencies=[…])`).
    pub markers: Vec<String>,
    pub location: Location,
}

/// Middleware applied to every route of a router or app: `app.use(helmet())`,
/// `app.add_middleware(…)`, `.layer(…)`, `.wrap(…)`, `app.useGlobalGuards`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MiddlewareFact {
    pub framework: Framework,
    /// The router or app it applies to.
    pub router: String,
    /// The middleware as written (`helmet`, `rateLimit`,
    /// `CORSMiddleware`, `CorsLayer::permissive`, `Logger::default`).
    pub name: String,
    pub location: Location,
}

/// Markers a handler carries where it is defined, for routes that refer to
/// it from another file (DRF ViewSets and APIViews with
/// `permission_classes`, `throttle_classes`, `pagination_class`; decorated
/// view functions; Actix/Rocket handlers with guard extractors).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandlerFact {
    pub name: String,
    pub markers: Vec<String>,
    /// For views registered elsewhere with every method (DRF router
    /// `register`): the methods the class answers on the collection and
    /// on an item, when its definition shows them.
    pub view_methods: Option<ViewMethods>,
    pub location: Location,
}

/// The methods a view class answers, on the collection and on one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewMethods {
    pub collection: Vec<String>,
    pub item: Vec<String>,
}

/// A service-wide fact that is not a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SignalKind {
    /// A prefix applied to every route (`app.setGlobalPrefix('api')`).
    GlobalPrefix,
    /// Header or media-type versioning (`enableVersioning`, DRF
    /// `DEFAULT_VERSIONING_CLASS`, an `Accept-Version` header check).
    Versioning,
    /// A marker that applies to the whole service without a router
    /// variable: Django `MIDDLEWARE` entries, DRF `REST_FRAMEWORK` defaults
    /// (`DEFAULT_PERMISSION_CLASSES` …), `APP_GUARD` providers.
    ServiceMarker,
    /// CORS configured (any way).
    Cors,
    /// CORS that lets any origin in: wildcard with credentials, reflected
    /// origins, `CORS_ALLOW_ALL_ORIGINS = True`, `CorsLayer::permissive()`,
    /// `Cors::permissive()`.
    PermissiveCors,
    /// Bare `cors()`/`enableCors()` with no options.
    DefaultCors,
    /// Sessions or cookies used for auth (`express-session`,
    /// `SessionMiddleware`, cookie-based auth).
    CookieAuth,
    /// An OpenAPI document generated from code (`@nestjs/swagger`,
    /// `drf-spectacular`, `utoipa`, FastAPI's built-in `/openapi.json`).
    OpenApiGenerator,
    /// A health-check library wired in (`@godaddy/terminus`,
    /// `health_check` app, `fastapi_health`).
    HealthLibrary,
}

impl SignalKind {
    /// Kebab-case, for reports.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            SignalKind::GlobalPrefix => "global-prefix",
            SignalKind::Versioning => "versioning",
            SignalKind::ServiceMarker => "service-marker",
            SignalKind::Cors => "cors",
            SignalKind::PermissiveCors => "permissive-cors",
            SignalKind::DefaultCors => "default-cors",
            SignalKind::CookieAuth => "cookie-auth",
            SignalKind::OpenApiGenerator => "openapi-generator",
            SignalKind::HealthLibrary => "health-library",
        }
    }
}

/// A service-wide signal with its evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signal {
    pub kind: SignalKind,
    /// What was seen, as written (the prefix for `GlobalPrefix`).
    pub detail: String,
    pub location: Location,
}

/// Everything one code file says about its service.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceFacts {
    pub routers: Vec<RouterDecl>,
    pub routes: Vec<RouteFact>,
    pub mounts: Vec<MountFact>,
    pub middleware: Vec<MiddlewareFact>,
    pub handlers: Vec<HandlerFact>,
    pub signals: Vec<Signal>,
    /// Module specifiers the file imports (`express`, `fastapi.security`,
    /// `tower_http::cors`), for the service's stack.
    pub imports: Vec<String>,
}

impl ServiceFacts {
    /// True when the file said nothing about a service.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.routers.is_empty()
            && self.routes.is_empty()
            && self.mounts.is_empty()
            && self.middleware.is_empty()
            && self.handlers.is_empty()
            && self.signals.is_empty()
            && self.imports.is_empty()
    }
}
