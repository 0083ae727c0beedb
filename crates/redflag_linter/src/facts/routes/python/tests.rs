//! Route facts of FastAPI, Flask, Django/DRF and aiohttp snippets, each
//! asserted in full (locations aside, which a few tests check on their
//! own).

use super::super::facts_of;
use crate::facts::service::{ServiceFacts, SignalKind, Target};

/// `router METHODS path handler [markers] status [params] [reads]`.
fn routes(facts: &ServiceFacts) -> Vec<String> {
    facts
        .routes
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {} {:?} {} {:?} {:?}",
                r.router.as_deref().unwrap_or("-"),
                r.methods.join(","),
                r.path,
                r.handler.as_deref().unwrap_or("-"),
                r.markers,
                r.status.map_or("-".to_string(), |s| s.to_string()),
                r.params,
                r.collection_reads,
            )
        })
        .collect()
}

/// `name framework app|router default? prefix [markers]`.
fn routers(facts: &ServiceFacts) -> Vec<String> {
    facts
        .routers
        .iter()
        .map(|r| {
            format!(
                "{} {} {}{} '{}' {:?}",
                r.name,
                r.framework.name(),
                if r.is_app { "app" } else { "router" },
                if r.default_export { " default" } else { "" },
                r.prefix,
                r.markers
            )
        })
        .collect()
}

fn target(child: &Target) -> String {
    match child {
        Target::Local(name) => format!("local {name}"),
        Target::Imported { module, name } => {
            format!("import {module} {}", name.as_deref().unwrap_or("-"))
        }
    }
}

/// `parent 'prefix' target [markers]`.
fn mounts(facts: &ServiceFacts) -> Vec<String> {
    facts
        .mounts
        .iter()
        .map(|m| {
            format!(
                "{} '{}' {} {:?}",
                m.parent,
                m.prefix,
                target(&m.child),
                m.markers
            )
        })
        .collect()
}

fn middleware(facts: &ServiceFacts) -> Vec<String> {
    facts
        .middleware
        .iter()
        .map(|m| format!("{} {}", m.router, m.name))
        .collect()
}

fn handlers(facts: &ServiceFacts) -> Vec<String> {
    facts
        .handlers
        .iter()
        .map(|h| format!("{} {:?}", h.name, h.markers))
        .collect()
}

fn signals(facts: &ServiceFacts) -> Vec<String> {
    facts
        .signals
        .iter()
        .map(|s| format!("{:?} {}", s.kind, s.detail))
        .collect()
}

/// True when the file contributed nothing but its imports.
fn said_nothing(facts: &ServiceFacts) -> bool {
    facts.routers.is_empty()
        && facts.routes.is_empty()
        && facts.mounts.is_empty()
        && facts.middleware.is_empty()
        && facts.handlers.is_empty()
        && facts.signals.is_empty()
}

// ---------------------------------------------------------------- FastAPI

const FASTAPI_MAIN: &str = r#"from fastapi import FastAPI, Depends
from fastapi.middleware.cors import CORSMiddleware
from starlette.middleware.sessions import SessionMiddleware
from slowapi import Limiter
from slowapi.middleware import SlowAPIMiddleware
from fastapi.staticfiles import StaticFiles

from app.routers import users
from . import orders
from .admin import router as admin_router
from .deps import verify_api_key

limiter = Limiter(key_func=get_remote_address)
app = FastAPI(title="Shop", dependencies=[Depends(verify_api_key)])
app.state.limiter = limiter
app.add_middleware(SlowAPIMiddleware)
app.add_middleware(
    CORSMiddleware,
    allow_origins=["*"],
    allow_credentials=True,
)
app.add_middleware(SessionMiddleware, secret_key=settings.session_secret)

app.include_router(users.router, prefix="/api/v1/users", dependencies=[Depends(get_current_user)])
app.include_router(orders.router, prefix="/api/v1")
app.include_router(admin_router)
app.mount("/static", StaticFiles(directory="static"), name="static")


@app.middleware("http")
async def add_security_headers(request, call_next):
    response = await call_next(request)
    response.headers["X-Frame-Options"] = "DENY"
    return response


@app.get("/healthz")
async def healthz():
    return {"status": "ok"}
"#;

#[test]
fn fastapi_app_mounts_middleware_and_signals() {
    let facts = facts_of("app/main.py", FASTAPI_MAIN);
    assert_eq!(
        routers(&facts),
        ["app fastapi app '' [\"Depends(verify_api_key)\"]"]
    );
    assert_eq!(
        mounts(&facts),
        [
            "app '/api/v1/users' import app.routers.users router [\"Depends(get_current_user)\"]",
            "app '/api/v1' import .orders router []",
            "app '' import .admin router []",
        ]
    );
    assert_eq!(
        middleware(&facts),
        [
            "app Limiter",
            "app SlowAPIMiddleware",
            "app CORSMiddleware",
            "app SessionMiddleware",
            "app add_security_headers",
        ]
    );
    assert_eq!(
        signals(&facts),
        [
            "OpenApiGenerator FastAPI(title=\"Shop\", dependencies=[Depends(verify_api_key)])",
            "Cors app.add_middleware( CORSMiddleware, allow_origins=[\"*\"], allow_credentials=True, )",
            "PermissiveCors app.add_middleware( CORSMiddleware, allow_origins=[\"*\"], allow_credentials=True, )",
            "CookieAuth app.add_middleware(SessionMiddleware, secret_key=settings.session_secret)",
        ]
    );
    // The static mount is neither a route nor a router mount.
    assert_eq!(routes(&facts), ["app GET /healthz healthz [] - [] []"]);
    let health = &facts.routes[0].location;
    assert_eq!((health.start.line, health.start.column), (37, 2));
    assert!(facts.imports.contains(&"app.routers".to_string()));
}

const FASTAPI_ROUTER: &str = r#"from typing import Annotated, Optional
from fastapi import APIRouter, Depends, Query, Security, status
from sqlalchemy.orm import Session

from app.deps import get_current_user, get_db
from app.limits import limiter

router = APIRouter(prefix="/users", tags=["users"], dependencies=[Depends(get_db)])
CurrentUser = Annotated[User, Depends(get_current_user)]


@router.get("/")
def list_users(
    db: Session = Depends(get_db),
    limit: int = 20,
    page: Optional[int] = None,
    q: str | None = Query(None, max_length=50),
):
    return db.query(User).offset(page * limit).limit(limit).all()


@router.get("/all")
def dump_users(db: Annotated[Session, Depends(get_db)]):
    return db.query(User).all()


@router.post("/", status_code=status.HTTP_201_CREATED, dependencies=[Depends(require_admin)])
@limiter.limit("5/minute")
async def create_user(payload: UserIn, user: CurrentUser):
    return await crud.create(payload)


@router.put("/{user_id}", status_code=200)
async def replace_user(user_id: int, payload: UserIn, user=Security(get_current_user, scopes=["users:write"])):
    return payload


@router.api_route("/{user_id}", methods=["PATCH", "delete"])
async def change_user(user_id: int, user: Annotated[User, Depends(get_current_user)]):
    return None
"#;

#[test]
fn fastapi_router_routes_with_markers_status_and_params() {
    let facts = facts_of("app/routers/users.py", FASTAPI_ROUTER);
    assert_eq!(
        routers(&facts),
        ["router fastapi router '/users' [\"Depends(get_db)\"]"]
    );
    assert_eq!(
        routes(&facts),
        [
            "router GET / list_users [\"Depends(get_db)\"] - [\"limit\", \"page\", \"q\"] []",
            "router GET /all dump_users [\"Depends(get_db)\"] - [] [\"db.query(User).all\"]",
            "router POST / create_user [\"limiter.limit(\\\"5/minute\\\")\", \"Depends(require_admin)\", \"Depends(get_current_user)\"] 201 [] []",
            "router PUT /{user_id} replace_user [\"Security(get_current_user, scopes=[\\\"users:write\\\"])\"] 200 [\"user_id\"] []",
            "router PATCH,DELETE /{user_id} change_user [\"Depends(get_current_user)\"] - [\"user_id\"] []",
        ]
    );
    assert!(facts.signals.is_empty(), "APIRouter is not the app");
}

#[test]
fn fastapi_openapi_can_be_switched_off() {
    let facts = facts_of(
        "main.py",
        "import fastapi\napp = fastapi.FastAPI(openapi_url=None)\n",
    );
    assert_eq!(routers(&facts), ["app fastapi app '' []"]);
    assert!(facts.signals.is_empty());
}

#[test]
fn fastapi_routes_by_call_and_middleware_list() {
    let facts = facts_of(
        "main.py",
        r#"from fastapi import FastAPI
from fastapi.middleware import Middleware
from fastapi.middleware.cors import CORSMiddleware
from fastapi_health import health

def ping(limit: int = 10):
    return rows.fetch_all()

app = FastAPI(middleware=[Middleware(CORSMiddleware, allow_origin_regex=".*", allow_credentials=True)])
app.add_api_route("/ping", ping, methods=["GET"])
app.add_api_route("/health", health([is_db_up]))
app.mount("/v2", v2_app)
"#,
    );
    assert_eq!(
        routes(&facts),
        [
            "app GET /ping ping [] - [\"limit\"] [\"rows.fetch_all\"]",
            "app GET /health health([is_db_up]) [] - [] []",
        ]
    );
    assert_eq!(middleware(&facts), ["app CORSMiddleware"]);
    assert_eq!(mounts(&facts), ["app '/v2' local v2_app []"]);
    let kinds: Vec<SignalKind> = facts.signals.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds,
        [
            SignalKind::OpenApiGenerator,
            SignalKind::Cors,
            SignalKind::PermissiveCors,
            SignalKind::HealthLibrary,
        ]
    );
}

#[test]
fn cors_with_listed_origins_is_not_permissive() {
    let facts = facts_of(
        "main.py",
        r#"from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
app = FastAPI(openapi_url=None)
app.add_middleware(CORSMiddleware, allow_origins=["https://shop.example"], allow_credentials=True)
"#,
    );
    assert_eq!(
        signals(&facts),
        ["Cors app.add_middleware(CORSMiddleware, allow_origins=[\"https://shop.example\"], allow_credentials=True)"]
    );
}

// ------------------------------------------------------------------ Flask

const FLASK_APP: &str = r#"from flask import Flask
from flask_cors import CORS
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_talisman import Talisman
from werkzeug.middleware.proxy_fix import ProxyFix

from .extensions import login_manager
from .users import bp as users_bp
from . import orders


def create_app():
    app = Flask(__name__)
    Talisman(app, content_security_policy=None)
    CORS(app, supports_credentials=True)
    Limiter(get_remote_address, app=app, default_limits=["100/hour"])
    login_manager.init_app(app)
    app.wsgi_app = ProxyFix(app.wsgi_app)
    app.register_blueprint(users_bp, url_prefix="/api/v1/users")
    app.register_blueprint(orders.bp, url_prefix="/api/v1/orders")

    @app.before_request
    def load_user():
        pass

    @app.errorhandler(404)
    def not_found(error):
        return {"error": "not found"}, 404

    @app.route("/healthz")
    def healthz():
        return {"status": "ok"}

    return app
"#;

#[test]
fn flask_app_extensions_blueprints_and_hooks() {
    let facts = facts_of("app/__init__.py", FLASK_APP);
    assert_eq!(routers(&facts), ["app flask app '' []"]);
    assert_eq!(
        mounts(&facts),
        [
            "app '/api/v1/users' import .users bp []",
            "app '/api/v1/orders' import .orders bp []",
        ]
    );
    assert_eq!(
        middleware(&facts),
        [
            "app Talisman",
            "app CORS",
            "app Limiter",
            "app login_manager",
            "app ProxyFix",
            "app load_user",
        ]
    );
    assert_eq!(
        signals(&facts),
        [
            "Cors CORS(app, supports_credentials=True)",
            "PermissiveCors CORS(app, supports_credentials=True)",
        ]
    );
    assert_eq!(routes(&facts), ["app GET /healthz healthz [] - [] []"]);
    assert!(facts.handlers.is_empty());
}

#[test]
fn flask_bare_cors_is_default_cors() {
    let facts = facts_of(
        "app.py",
        "from flask import Flask\nfrom flask_cors import CORS\napp = Flask(__name__)\nCORS(app)\n",
    );
    assert_eq!(signals(&facts), ["Cors CORS(app)", "DefaultCors CORS(app)"]);
    assert_eq!(middleware(&facts), ["app CORS"]);
}

const FLASK_BLUEPRINT: &str = r#"from flask import Blueprint, jsonify, request
from flask.views import MethodView
from flask_jwt_extended import jwt_required
from flask_login import login_required

from .extensions import limiter

bp = Blueprint("users", __name__, url_prefix="/users")


@bp.route("/", methods=["GET", "POST"])
@login_required
def users():
    page = request.args.get("page", 1, type=int)
    per_page = request.args["per_page"]
    return jsonify(User.query.paginate(page=page, per_page=per_page))


@bp.get("/export")
def export():
    return jsonify([u.to_dict() for u in User.query.all()])


@bp.post("/")
@jwt_required()
@limiter.limit("5/minute")
def create_user():
    user = User(**request.get_json())
    return jsonify(user.to_dict()), 201


@bp.route("/<int:user_id>")
def get_user(user_id):
    return jsonify(User.query.get_or_404(user_id).to_dict())


class UserAPI(MethodView):
    decorators = [login_required]

    def get(self, user_id):
        return {}

    def delete(self, user_id):
        return "", 204


def search():
    rows = db.session.execute("SELECT * FROM users WHERE name LIKE :q", {"q": request.args.get("q")})
    return jsonify(rows)


bp.add_url_rule("/<int:user_id>/profile", view_func=UserAPI.as_view("user_profile"))
bp.add_url_rule("/search", "search", search)
"#;

#[test]
fn flask_blueprint_routes() {
    let facts = facts_of("app/users.py", FLASK_BLUEPRINT);
    assert_eq!(routers(&facts), ["bp flask router '/users' []"]);
    assert_eq!(
        routes(&facts),
        [
            "bp GET,POST / users [\"login_required\"] - [\"page\", \"per_page\"] []",
            "bp GET /export export [] - [] [\"User.query.all\"]",
            "bp POST / create_user [\"jwt_required()\", \"limiter.limit(\\\"5/minute\\\")\"] 201 [] []",
            "bp GET /<int:user_id> get_user [] - [\"user_id\"] []",
            "bp GET,DELETE /<int:user_id>/profile UserAPI [] - [] []",
            "bp GET /search search [] - [\"q\"] [\"db.session.execute\"]",
        ]
    );
    assert_eq!(
        handlers(&facts),
        ["UserAPI [\"decorators = [login_required]\"]"]
    );
}

#[test]
fn flask_restful_resources() {
    let facts = facts_of(
        "app/api.py",
        r#"from flask import Blueprint
from flask_restful import Api, Resource
from flask_login import login_required

bp = Blueprint("api", __name__, url_prefix="/api/v1")
api = Api(bp)
admin_api = Api(prefix="/admin")


class UserResource(Resource):
    method_decorators = [login_required]

    def get(self, user_id=None):
        return {}

    def post(self):
        return {}, 201


api.add_resource(UserResource, "/users", "/users/<int:user_id>")
admin_api.add_resource(resources.AuditLog, "/audit")
admin_api.init_app(app)
"#,
    );
    assert_eq!(
        routers(&facts),
        [
            "bp flask router '/api/v1' []",
            "api flask router '' []",
            "admin_api flask router '/admin' []",
        ]
    );
    assert_eq!(
        mounts(&facts),
        ["bp '' local api []", "app '' local admin_api []"]
    );
    assert_eq!(
        routes(&facts),
        [
            "api GET,POST /users UserResource [] - [] []",
            "api GET,POST /users/<int:user_id> UserResource [] - [] []",
            "admin_api ANY /audit AuditLog [] - [] []",
        ]
    );
    assert!(facts.middleware.is_empty(), "{:?}", middleware(&facts));
    assert_eq!(
        handlers(&facts),
        ["UserResource [\"method_decorators = [login_required]\"]"]
    );
}

// ----------------------------------------------------------------- Django

const DJANGO_URLS: &str = r#"from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from rest_framework.routers import DefaultRouter

from . import views
from .views import OrderViewSet

router = DefaultRouter()
router.register(r"users", views.UserViewSet, basename="user")
router.register("orders", OrderViewSet)
admin.site.register(Order)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include(router.urls)),
    path("billing/", include("billing.urls")),
    path("profile/", login_required(views.profile), name="profile"),
    path("reports/<int:pk>/", views.ReportView.as_view(), name="report"),
    re_path(r"^legacy/(?P<slug>[-\w]+)/$", views.legacy),
    path("v2/", include([
        path("status/", views.status),
    ])),
]
urlpatterns += [path("about/", views.AboutView.as_view())]
"#;

#[test]
fn django_urlpatterns_and_drf_router() {
    let facts = facts_of("shop/urls.py", DJANGO_URLS);
    assert_eq!(
        routers(&facts),
        [
            "router django router '' []",
            "urlpatterns django router default '' []",
            "<include:21> django router '' []",
        ]
    );
    assert_eq!(
        routes(&facts),
        [
            "router GET,POST users/ UserViewSet [] - [] []",
            "router GET,PUT,PATCH,DELETE users/{pk}/ UserViewSet [] - [] []",
            "router GET,POST orders/ OrderViewSet [] - [] []",
            "router GET,PUT,PATCH,DELETE orders/{pk}/ OrderViewSet [] - [] []",
            "urlpatterns ANY profile/ views.profile [\"login_required\"] - [] []",
            "urlpatterns ANY reports/<int:pk>/ ReportView [] - [] []",
            "urlpatterns ANY ^legacy/(?P<slug>[-\\w]+)/$ views.legacy [] - [] []",
            "<include:21> ANY status/ views.status [] - [] []",
            "urlpatterns ANY about/ AboutView [] - [] []",
        ]
    );
    assert_eq!(
        mounts(&facts),
        [
            "urlpatterns 'admin/' import django.contrib.admin site []",
            "urlpatterns 'api/' local router []",
            "urlpatterns 'billing/' import billing.urls - []",
            "urlpatterns 'v2/' local <include:21> []",
        ]
    );
}

#[test]
fn django_local_pattern_lists_tuples_and_router_urls() {
    let facts = facts_of(
        "project/urls.py",
        r#"from django.urls import include, path
from rest_framework import routers
from api import urls as api_urls
from .views import health, ItemViewSet

extra_patterns = [
    path("reports/", health),
]
router = routers.DefaultRouter()
router.register("items", ItemViewSet)

urlpatterns = [
    path("extra/", include(extra_patterns)),
    path("billing/", include(("billing.urls", "billing"), namespace="billing")),
    path("api/", include(api_urls)),
]
urlpatterns += router.urls
"#,
    );
    assert_eq!(
        routers(&facts),
        [
            "router django router '' []",
            "extra_patterns django router '' []",
            "urlpatterns django router default '' []",
        ]
    );
    assert_eq!(
        mounts(&facts),
        [
            "urlpatterns 'extra/' local extra_patterns []",
            "urlpatterns 'billing/' import billing.urls - []",
            "urlpatterns 'api/' import api.urls - []",
            "urlpatterns '' local router []",
        ]
    );
    assert_eq!(
        routes(&facts),
        [
            "extra_patterns ANY reports/ health [] - [] []",
            "router GET,POST items/ ItemViewSet [] - [] []",
            "router GET,PUT,PATCH,DELETE items/{pk}/ ItemViewSet [] - [] []",
        ]
    );
}

#[test]
fn drf_viewsets_in_the_same_file_answer_what_they_define() {
    let facts = facts_of(
        "api/urls.py",
        r#"from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAdminUser
from rest_framework.routers import SimpleRouter

class ProductViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"

class TagViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    @action(detail=False, methods=["post"], url_path="bulk-delete", permission_classes=[IsAdminUser])
    def bulk_delete(self, request):
        pass

router = SimpleRouter(trailing_slash=False)
router.register("products", ProductViewSet)
router.register("tags", TagViewSet)
urlpatterns = router.urls
"#,
    );
    assert_eq!(
        routes(&facts),
        [
            "router GET products ProductViewSet [] - [] []",
            "router GET products/{slug} ProductViewSet [] - [] []",
            "router GET,POST tags TagViewSet [] - [] []",
            "router POST tags/bulk-delete TagViewSet [\"permission_classes=[IsAdminUser]\"] - [] []",
        ]
    );
    assert_eq!(mounts(&facts), ["urlpatterns '' local router []"]);
    assert_eq!(handlers(&facts), ["ProductViewSet []", "TagViewSet []"]);
}

const DJANGO_VIEWS: &str = r#"from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.views.generic import ListView
from rest_framework import generics, viewsets
from rest_framework.decorators import api_view, permission_classes, throttle_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.throttling import UserRateThrottle
from rest_framework.views import APIView


class UserViewSet(viewsets.ModelViewSet):
    queryset = User.objects.all()
    serializer_class = UserSerializer
    permission_classes = [IsAuthenticated]
    throttle_classes = [UserRateThrottle]
    pagination_class = StandardPagination


class ReportView(APIView):
    authentication_classes = (TokenAuthentication,)

    def get(self, request, pk):
        return Response({})


class OrderList(LoginRequiredMixin, ListView):
    model = Order
    paginate_by = 25


class Serializer:
    permission_classes = [IsAuthenticated]


@api_view(["GET", "POST"])
@permission_classes([IsAuthenticated])
@throttle_classes([UserRateThrottle])
def profile(request):
    return Response({})


@login_required
def legacy(request, slug):
    return render(request, "legacy.html")


def status(request):
    return JsonResponse({"ok": True})


@property
def helper(self):
    return 1
"#;

#[test]
fn django_and_drf_views_carry_their_markers() {
    let facts = facts_of("shop/views.py", DJANGO_VIEWS);
    assert_eq!(
        handlers(&facts),
        [
            "UserViewSet [\"permission_classes = [IsAuthenticated]\", \"throttle_classes = [UserRateThrottle]\", \"pagination_class = StandardPagination\"]",
            "ReportView [\"authentication_classes = (TokenAuthentication,)\"]",
            "OrderList [\"LoginRequiredMixin\", \"paginate_by = 25\"]",
            "profile [\"api_view([\\\"GET\\\", \\\"POST\\\"])\", \"permission_classes([IsAuthenticated])\", \"throttle_classes([UserRateThrottle])\"]",
            "legacy [\"login_required\"]",
        ]
    );
    assert!(facts.routes.is_empty());
    assert!(facts.routers.is_empty());
}

const DJANGO_SETTINGS: &str = r#"import os

ROOT_URLCONF = "shop.urls"
INSTALLED_APPS = [
    "django.contrib.admin",
    "rest_framework",
    "corsheaders",
    "health_check",
    "health_check.db",
    "drf_spectacular",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
]
if DEBUG:
    MIDDLEWARE += ["debug_toolbar.middleware.DebugToolbarMiddleware"]
REST_FRAMEWORK = {
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": (
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ),
    "DEFAULT_THROTTLE_RATES": {"anon": "100/day"},
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "DEFAULT_VERSIONING_CLASS": "rest_framework.versioning.URLPathVersioning",
}
CORS_ALLOW_ALL_ORIGINS = True
CORS_ORIGIN_ALLOW_ALL = os.environ.get("CORS_ALL") == "1"
"#;

#[test]
fn django_settings_signals() {
    let facts = facts_of("shop/settings.py", DJANGO_SETTINGS);
    assert_eq!(routers(&facts), ["<django> django app '' []"]);
    assert_eq!(mounts(&facts), ["<django> '' import shop.urls - []"]);
    assert_eq!(
        signals(&facts),
        [
            "Cors corsheaders",
            "HealthLibrary health_check",
            "HealthLibrary health_check.db",
            "OpenApiGenerator drf_spectacular",
            "ServiceMarker django.middleware.security.SecurityMiddleware",
            "ServiceMarker corsheaders.middleware.CorsMiddleware",
            "ServiceMarker debug_toolbar.middleware.DebugToolbarMiddleware",
            "ServiceMarker DEFAULT_PERMISSION_CLASSES=rest_framework.permissions.IsAuthenticated",
            "ServiceMarker DEFAULT_THROTTLE_CLASSES=rest_framework.throttling.AnonRateThrottle",
            "ServiceMarker DEFAULT_THROTTLE_CLASSES=rest_framework.throttling.UserRateThrottle",
            "ServiceMarker DEFAULT_PAGINATION_CLASS=rest_framework.pagination.LimitOffsetPagination",
            "Versioning rest_framework.versioning.URLPathVersioning",
            "PermissiveCors CORS_ALLOW_ALL_ORIGINS = True",
        ]
    );
}

// ---------------------------------------------------------------- aiohttp

const AIOHTTP_APP: &str = r#"import aiohttp_cors
from aiohttp import web

from .admin import admin_app
from .middlewares import auth_middleware, error_middleware
from .views import routes as view_routes

routes = web.RouteTableDef()


@routes.get("/items")
async def list_items(request):
    limit = int(request.query.get("limit", 50))
    rows = await request.app["db"].fetch("SELECT * FROM items")
    return web.json_response(rows)


@routes.post("/items")
@require_login
async def create_item(request):
    return web.json_response({}, status=201)


@routes.view("/items/{id}")
class ItemView(web.View):
    async def get(self):
        return web.json_response({})


async def health(request):
    return web.Response(text="ok")


async def user(request):
    user_id = request.match_info["id"]
    return web.json_response({"id": user_id})


def make_app():
    app = web.Application(middlewares=[error_middleware, auth_middleware])
    app.middlewares.append(security_headers)
    app.router.add_get("/healthz", health)
    app.router.add_route("GET", "/users/{id}", user)
    app.add_routes([web.get("/ping", health), web.post("/users", user), web.view("/items/{id}/tags", TagView)])
    app.add_routes(routes)
    app.add_routes(view_routes)
    app.add_subapp("/admin/", admin_app)
    aiohttp_cors.setup(app, defaults={})
    return app
"#;

#[test]
fn aiohttp_routes_tables_and_subapps() {
    let facts = facts_of("service/app.py", AIOHTTP_APP);
    assert_eq!(
        routers(&facts),
        ["routes aiohttp router '' []", "app aiohttp app '' []"]
    );
    assert_eq!(
        routes(&facts),
        [
            "routes GET /items list_items [] - [\"limit\"] [\"request.app[\\\"db\\\"].fetch\"]",
            "routes POST /items create_item [\"require_login\"] 201 [] []",
            "routes GET /items/{id} ItemView [] - [] []",
            "app GET /healthz health [] - [] []",
            "app GET /users/{id} user [] - [\"id\"] []",
            "app GET /ping health [] - [] []",
            "app POST /users user [] - [\"id\"] []",
            "app ANY /items/{id}/tags TagView [] - [] []",
        ]
    );
    assert_eq!(
        mounts(&facts),
        [
            "app '' local routes []",
            "app '' import .views routes []",
            "app '/admin/' import .admin admin_app []",
        ]
    );
    assert_eq!(
        middleware(&facts),
        [
            "app error_middleware",
            "app auth_middleware",
            "app security_headers",
            "app aiohttp_cors.setup",
        ]
    );
    assert_eq!(
        signals(&facts),
        ["Cors aiohttp_cors.setup(app, defaults={})"]
    );
    assert_eq!(handlers(&facts), ["ItemView []"]);
}

#[test]
fn a_mounted_sub_app_is_not_the_root_app() {
    let facts = facts_of(
        "app/main.py",
        r#"from aiohttp import web

def create_app():
    app = web.Application()
    api = web.Application()
    app.add_subapp("/api/v1", api)
    return app
"#,
    );
    assert_eq!(
        routers(&facts),
        ["app aiohttp app '' []", "api aiohttp router '' []"]
    );
    assert_eq!(mounts(&facts), ["app '/api/v1' local api []"]);
}

#[test]
fn fastapi_query_aliases_name_the_parameter() {
    let facts = facts_of(
        "app/items.py",
        r#"from typing import Annotated
from fastapi import APIRouter, Query
router = APIRouter()

@router.get("/items")
async def list_items(page_number: Annotated[int, Query(alias="page", ge=1)] = 1, size: int = Query(20, alias="per_page")):
    return []
"#,
    );
    assert_eq!(
        routes(&facts),
        ["router GET /items list_items [] - [\"page\", \"per_page\"] []"]
    );
}

// -------------------------------------------------------------- negatives

#[test]
fn http_clients_and_lookups_are_not_routes() {
    let facts = facts_of(
        "app/client.py",
        r#"import os
import httpx
import requests
from fastapi import FastAPI, Request

app = FastAPI()
settings = {"a": 1}

async def proxy(request: Request, session):
    requests.get("/x")
    httpx.get("/users")
    await session.get(url)
    settings.get("key")
    os.environ.get("PORT")
    request.args.get("limit")
    mapping.get("/x")
    async with httpx.AsyncClient() as client:
        await client.get("/users")
"#,
    );
    assert!(facts.routes.is_empty(), "{:?}", routes(&facts));
    assert!(facts.mounts.is_empty());
    assert!(facts.middleware.is_empty());
}

#[test]
fn a_test_client_file_reads_its_fake_app_but_not_its_calls() {
    let facts = facts_of(
        "tests/test_users.py",
        r#"from fastapi import FastAPI
from fastapi.testclient import TestClient

app = FastAPI()

@app.get("/fake")
def fake():
    return {}

client = TestClient(app)

def test_fake():
    assert client.get("/fake").status_code == 200
    client.post("/fake", json={})
"#,
    );
    assert_eq!(routes(&facts), ["app GET /fake fake [] - [] []"]);
}

#[test]
fn decorators_of_clients_and_mocks_are_not_routes() {
    let facts = facts_of(
        "tests/test_api.py",
        r#"import respx
from flask import Flask

@respx.get("https://api.example/users")
def test_users():
    pass

@pytest.fixture
def client():
    return app.test_client()
"#,
    );
    assert!(facts.routes.is_empty(), "{:?}", routes(&facts));
    assert!(facts.handlers.is_empty(), "{:?}", handlers(&facts));
}

#[test]
fn files_without_framework_imports_say_nothing() {
    let facts = facts_of(
        "tools/fetch.py",
        "# uses flask conventions\nimport requests\nrequests.get('/x')\n",
    );
    assert!(said_nothing(&facts), "{facts:?}");
}

#[test]
fn hostile_nesting_does_not_overflow() {
    let depth = 50_000;
    let mut text = String::from("from flask import Flask\napp = Flask(__name__)\n@app.route('/deep')\ndef deep():\n    return ");
    text.push_str(&"[".repeat(depth));
    text.push_str(&"]".repeat(depth));
    text.push_str("\nurlpatterns = ");
    text.push_str(&"(".repeat(depth));
    text.push('1');
    text.push_str(&")".repeat(depth));
    text.push_str("\n@app.get(");
    text.push_str(&"(".repeat(depth));
    text.push_str("'/x'");
    text.push_str(&")".repeat(depth));
    text.push_str(")\ndef x():\n    return 1\n");
    let facts = facts_of("app.py", &text);
    // Reading it neither panics nor overflows the stack, and the routes
    // around the nesting are still found.
    assert_eq!(
        routes(&facts),
        ["app GET /deep deep [] - [] []", "app GET /x x [] - [] []"]
    );
}
