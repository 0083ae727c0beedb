from flask import Blueprint, abort, jsonify, request
from marshmallow import Schema, ValidationError, fields
from pydantic import BaseModel, Field, ValidationError as PydanticError

from .extensions import db
from .models import Product, Review

bp = Blueprint("catalog", __name__)


class ReviewSchema(Schema):
    rating = fields.Integer(required=True, validate=lambda r: 1 <= r <= 5)
    body = fields.String(required=True)


class ProductIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    price_cents: int = Field(ge=0)


# Bad: form fields stored as they came.
@bp.route("/products/<int:product_id>/reviews", methods=["POST"])
def add_review(product_id):
    review = Review(product_id=product_id, rating=request.form["rating"], body=request.form["body"])  # expect: unvalidated-request-body
    db.session.add(review)
    db.session.commit()
    return jsonify(id=review.id), 201


# Fix: a Marshmallow schema loads and checks the fields.
@bp.route("/v2/products/<int:product_id>/reviews", methods=["POST"])
def add_review_v2(product_id):
    try:
        data = ReviewSchema().load(request.get_json())
    except ValidationError as err:
        return jsonify(err.messages), 400
    review = Review(product_id=product_id, **data)
    db.session.add(review)
    db.session.commit()
    return jsonify(id=review.id), 201


# Bad: the whole JSON body becomes the row.
@bp.route("/products", methods=["POST"])
def create_product():
    data = request.get_json()
    product = Product(**data)  # expect: mass-assignment
    db.session.add(product)
    db.session.commit()
    return jsonify(id=product.id), 201


# Bad: every key of the body is copied onto the row.
@bp.route("/products/<int:product_id>", methods=["PATCH"])
def update_product(product_id):
    product = Product.query.get_or_404(product_id)
    for key, value in request.json.items():
        setattr(product, key, value)  # expect: mass-assignment
    db.session.commit()
    return jsonify(id=product.id)


# Fix: a Pydantic input model, and only its fields are written.
@bp.route("/v2/products", methods=["POST"])
def create_product_v2():
    try:
        payload = ProductIn.model_validate(request.get_json())
    except PydanticError as err:
        return jsonify(err.errors()), 400
    product = Product(**payload.model_dump())
    db.session.add(product)
    db.session.commit()
    return jsonify(id=product.id), 201


# Quiet: a query parameter converted where it is read.
@bp.route("/products")
def list_products():
    page = request.args.get("page", 1, type=int)
    return jsonify([p.to_dict() for p in Product.query.paginate(page=page, per_page=20).items])
