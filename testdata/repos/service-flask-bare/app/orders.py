"""Orders."""
from flask import Blueprint, jsonify, request
from flask_jwt_extended import jwt_required

from .store import ORDERS

bp = Blueprint("orders", __name__)


@bp.route("/", methods=["GET"])
@jwt_required()
def list_orders():
    return jsonify(list(ORDERS.values()))


@bp.route("/", methods=["POST"])
@jwt_required()
def create_order():
    order_id = len(ORDERS) + 1
    ORDERS[order_id] = {"id": order_id, **request.get_json()}
    return jsonify(ORDERS[order_id])
