//! Django and SQLAlchemy / SQLModel queries in realistic views and
//! handlers, read through one-line summaries.

use super::super::support::{facts, summaries};

#[test]
fn django_filter_chain_is_one_fact() {
    let code = r#"
from django.shortcuts import render
from .models import Order

def recent_orders(request):
    orders = Order.objects.filter(status="paid", user__email=request.user.email).exclude(total__lt=10).order_by("-created_at", "name")[:20]
    return render(request, "orders.html", {"orders": orders})
"#;
    assert_eq!(
        summaries("shop/views.py", code),
        ["Order.objects.filter -> Order: W:Order.status J:Order.user W:Order.total O:Order.created_at O:Order.name limited @recent_orders"]
    );
    let fact = &facts("shop/views.py", code)[0];
    assert!(fact.location.text.starts_with("Order.objects.filter("));
    assert!(fact.location.text.ends_with("[:20]"));
}

#[test]
fn django_lookups_q_objects_and_single_row_reads() {
    let code = r#"
from django.db.models import Q, Count, F
from django.shortcuts import get_object_or_404
from orders.models import Order, Invoice

def order_detail(request, pk):
    order = get_object_or_404(Order, pk=pk, customer=request.user)
    invoice = Invoice.objects.get(order_id=order.pk)
    overdue = Invoice.objects.filter(Q(due_at__date__lt=today) | ~Q(status__in=["paid", "void"]), customer__country="FR").exists()
    count = Order.objects.filter(created_at__year=2024).count()
    latest = Order.objects.order_by(F("shipped_at").desc(nulls_last=True)).first()
    return invoice, overdue, count, latest
"#;
    assert_eq!(
        summaries("orders/views.py", code),
        [
            "get_object_or_404 -> Order: W:Order.pk W:Order.customer limited @order_detail",
            "Invoice.objects.get -> Invoice: W:Invoice.order_id limited @order_detail",
            "Invoice.objects.filter -> Invoice: J:Invoice.customer W:Invoice.due_at W:Invoice.status limited @order_detail",
            "Order.objects.filter -> Order: W:Order.created_at limited @order_detail",
            "Order.objects.order_by -> Order: O:Order.shipped_at limited @order_detail",
        ]
    );
}

#[test]
fn django_all_is_unbounded_and_values_annotate_groups() {
    let code = r#"
from rest_framework import viewsets
from .models import Order, Product

class OrderViewSet(viewsets.ModelViewSet):
    queryset = Order.objects.select_related("user").prefetch_related("items").all()

    def get_queryset(self):
        return Order.objects.filter(user=self.request.user)

def sales_by_status(request):
    totals = Order.objects.values("status").annotate(total=Count("id")).order_by("status")
    names = Product.objects.values_list("name", flat=True)
    return totals, names
"#;
    assert_eq!(
        summaries("orders/api.py", code),
        [
            "Order.objects.select_related -> Order:",
            "Order.objects.filter -> Order: W:Order.user @get_queryset",
            "Order.objects.values -> Order: G:Order.status O:Order.status @sales_by_status",
            "Product.objects.values_list -> Product: @sales_by_status",
        ]
    );
}

#[test]
fn django_custom_manager_and_queryset_built_in_steps() {
    let code = r#"
from django.core.paginator import Paginator
from catalog.models import Product

def product_list(request):
    products = Product.published.filter(stock__gt=0)
    category = request.GET.get("category")
    if category:
        products = products.filter(category__slug=category)
    products = products.order_by("-updated_at")
    page = Paginator(products, 25).get_page(request.GET.get("page"))
    return page

def search(request):
    qs = Product.objects.all()
    if request.GET.get("q"):
        qs = qs.filter(name__icontains=request.GET["q"])
    return qs
"#;
    assert_eq!(
        summaries("catalog/views.py", code),
        [
            "Product.published.filter -> Product: W:Product.stock J:Product.category O:Product.updated_at limited @product_list",
            "Product.objects.all -> Product: W:Product.name @search",
        ]
    );
}

#[test]
fn django_queries_in_loops_and_comprehensions() {
    let code = r#"
from .models import Order, OrderItem, Customer

def invoice_lines(request):
    lines = []
    for order in Order.objects.filter(status="open"):
        items = OrderItem.objects.filter(order=order)
        lines.extend(items)
    owners = [Customer.objects.get(pk=pk) for pk in request.POST.getlist("ids")]
    names = {c.name for c in Customer.objects.filter(vip=True)}
    while True:
        if Order.objects.filter(locked=True).exists():
            break
    return lines, owners
"#;
    assert_eq!(
        summaries("billing/views.py", code),
        [
            "Order.objects.filter -> Order: W:Order.status @invoice_lines",
            "OrderItem.objects.filter -> OrderItem: W:OrderItem.order loop @invoice_lines",
            "Customer.objects.get -> Customer: W:Customer.pk limited loop @invoice_lines",
            "Customer.objects.filter -> Customer: W:Customer.vip @invoice_lines",
            "Order.objects.filter -> Order: W:Order.locked limited loop @invoice_lines",
        ]
    );
}

#[test]
fn sqlalchemy_session_query_and_select() {
    let code = r#"
from fastapi import APIRouter, Depends
from sqlalchemy import select, and_, or_
from sqlalchemy.orm import Session

from app.models import Order, User

router = APIRouter()

@router.get("/users/by-email")
def get_user(email: str, db: Session = Depends(get_db)):
    return db.query(User).filter(User.email == email, User.deleted_at.is_(None)).first()

@router.get("/orders")
async def list_orders(status: str, session: AsyncSession = Depends(get_session)):
    result = await session.execute(
        select(Order).where(Order.status == status).order_by(Order.created_at.desc()).limit(20)
    )
    return result.scalars().all()

@router.get("/orders/search")
def search_orders(q: str, db: Session = Depends(get_db)):
    stmt = (
        select(Order)
        .join(User, User.id == Order.user_id)
        .where(and_(or_(User.name.like(f"%{q}%"), User.email.in_(emails)), Order.total > 100))
        .group_by(Order.region)
    )
    return db.execute(stmt).scalars().all()

@router.get("/users/{user_id}")
async def read_user(user_id: int, session: AsyncSession = Depends(get_session)):
    user = await session.get(User, user_id)
    owner = (await session.execute(select(User).where(User.id == user_id))).scalar_one_or_none()
    return user, owner
"#;
    assert_eq!(
        summaries("app/api/orders.py", code),
        [
            "db.query(User).filter -> User: W:User.email W:User.deleted_at limited @get_user",
            "select(Order).where -> Order: W:Order.status O:Order.created_at limited @list_orders",
            "select(Order).join -> Order,User: J:User.id J:Order.user_id W:User.name W:User.email W:Order.total G:Order.region @search_orders",
            "session.get -> User: limited @read_user",
            "select(User).where -> User: W:User.id limited @read_user",
        ]
    );
}

#[test]
fn sqlmodel_and_flask_sqlalchemy() {
    let code = r#"
from sqlmodel import Session, select, col
from .models import Hero, Team

def read_heroes(session: Session, offset: int = 0):
    heroes = session.exec(select(Hero).where(col(Hero.age) >= 3).offset(offset)).all()
    strongest = session.exec(select(Hero).where(Hero.team_id == Team.id).order_by(Hero.power)).first()
    return heroes, strongest

def by_name(session: Session, name: str):
    statement = select(Hero).where(Hero.name == name)
    return session.exec(statement).one()
"#;
    assert_eq!(
        summaries("app/heroes.py", code),
        [
            "select(Hero).where -> Hero: W:Hero.age @read_heroes",
            "select(Hero).where -> Hero: W:Hero.team_id O:Hero.power limited @read_heroes",
            "select(Hero).where -> Hero: W:Hero.name limited @by_name",
        ]
    );
    let flask = r#"
from flask import Blueprint
from .models import User, Post

bp = Blueprint("users", __name__)

@bp.route("/users/<username>")
def profile(username):
    user = User.query.filter_by(username=username).first_or_404()
    posts = Post.query.filter(Post.author_id == user.id).order_by(Post.timestamp.desc()).paginate(page=1, per_page=20)
    for post in posts.items:
        Post.query.filter_by(parent_id=post.id).count()
    return user, posts
"#;
    assert_eq!(
        summaries("app/users.py", flask),
        [
            "User.query.filter_by -> User: W:User.username limited @profile",
            "Post.query.filter -> Post: W:Post.author_id O:Post.timestamp limited @profile",
            "Post.query.filter_by -> Post: W:Post.parent_id limited loop @profile",
        ]
    );
}

#[test]
fn flask_sqlalchemy_3_helpers_and_enum_values() {
    let code = r#"
from flask import Blueprint
from sqlalchemy import select
from .extensions import db
from .models import Post, User, PostStatus

bp = Blueprint("blog", __name__)

@bp.get("/u/<int:user_id>")
def user(user_id):
    user = db.get_or_404(User, user_id)
    author = db.first_or_404(select(User).where(User.username == request.args["name"]))
    page = db.paginate(select(Post).where(Post.status == PostStatus.published).order_by(Post.created.desc()))
    return user, author, page
"#;
    assert_eq!(
        summaries("blog/views.py", code),
        [
            "db.get_or_404 -> User: limited @user",
            "select(User).where -> User: W:User.username limited @user",
            "select(Post).where -> Post: W:Post.status O:Post.created limited @user",
        ]
    );
}

#[test]
fn django_writes_and_raw_sql_are_not_orm_reads() {
    let code = r#"
from .models import Order

def checkout(request):
    order = Order.objects.create(user=request.user, total=10)
    rows = Order.objects.raw("SELECT * FROM shop_order WHERE total > %s", [10])
    Order.objects.bulk_create([Order(total=1)])
    return order, rows
"#;
    assert!(summaries("shop/views.py", code).is_empty());
}

#[test]
fn sqlalchemy_filter_by_applies_to_the_joined_entity() {
    let code = r#"
from app.db import models as m

def orders_of(db, email):
    return db.query(Order).join(Customer, Order.customer_id == Customer.id).filter_by(email=email).all()
"#;
    assert_eq!(
        summaries("app/queries.py", code),
        ["db.query(Order).join -> Order,Customer: J:Order.customer_id J:Customer.id W:Customer.email @orders_of"]
    );
}

#[test]
fn lookalikes_stay_silent() {
    let code = r#"
import os
import select as selectmodule
import requests
from bs4 import BeautifulSoup
import pandas as pd

def helpers(items, config, df, sock):
    active = list(filter(None, items))
    evens = [x for x in items if x % 2 == 0]
    value = config.get("timeout")
    env = os.environ.get("DATABASE_URL")
    page = requests.get("https://example.com")
    links = BeautifulSoup(page.text, "html.parser").select("a.order")
    columns = df.filter(items=["status", "total"]).query("total > 10")
    ready = selectmodule.select([sock], [], [], 1.0)
    ordered = sorted(items, key=lambda item: item.order_by)
    cache = {}
    cache.get("orders")
    Settings.defaults.get("timeout")
    return active, evens, value, env, links, columns, ready, ordered
"#;
    assert!(summaries("app/helpers.py", code).is_empty());
}

#[test]
fn unrelated_files_are_not_parsed() {
    use crate::source::SourceFile;
    let file = SourceFile::new(
        "app/util.py".into(),
        redflag_syntax::FileKind::Python,
        "def add(a, b):\n    return a + b\n".into(),
        None,
    );
    assert!(super::collect(&file).is_empty());
    assert!(!file.was_parsed());
}
