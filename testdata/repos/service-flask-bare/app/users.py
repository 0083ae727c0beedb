"""User accounts."""
from flask import Blueprint, jsonify, request
from flask_jwt_extended import jwt_required

from .store import PROFILES, USERS

bp = Blueprint("users", __name__)


@bp.get("/")
def list_users():
    return jsonify(list(USERS.values()))


@bp.post("/")
def create_user():
    user_id = len(USERS) + 1
    USERS[user_id] = {"id": user_id, **request.get_json()}
    return jsonify(USERS[user_id])


@bp.get("/userProfiles")
@jwt_required()
def list_profiles():
    return jsonify(list(PROFILES.values()))


@bp.delete("/<int:user_id>")
@jwt_required()
def delete_user(user_id):
    USERS.pop(user_id, None)
    return ""
