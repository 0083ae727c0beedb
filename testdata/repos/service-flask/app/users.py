"""User accounts."""
from flask import Blueprint, jsonify, request
from flask_jwt_extended import jwt_required

from .extensions import limiter
from .store import USERS, page

bp = Blueprint("users", __name__)


@bp.get("/")
def list_users():
    page_number = request.args.get("page", 1, type=int)
    per_page = min(request.args.get("per_page", 20, type=int), 100)
    return jsonify(page(USERS, page_number, per_page))


@bp.get("/<int:user_id>")
def get_user(user_id):
    return jsonify(USERS[user_id])


@bp.post("/")
@jwt_required()
@limiter.limit("10 per minute")
def create_user():
    user_id = len(USERS) + 1
    USERS[user_id] = {"id": user_id, **request.get_json()}
    return jsonify(USERS[user_id]), 201


@bp.delete("/<int:user_id>")
@jwt_required()
def delete_user(user_id):
    USERS.pop(user_id, None)
    return "", 204
