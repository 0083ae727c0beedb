"""Application factory."""
import os

from flask import Flask

from .extensions import jwt
from .orders import bp as orders_bp
from .users import bp as users_bp


def create_app():
    app = Flask(__name__)
    app.config["JWT_SECRET_KEY"] = os.environ["JWT_SECRET_KEY"]
    jwt.init_app(app)
    app.register_blueprint(users_bp, url_prefix="/users")
    app.register_blueprint(orders_bp, url_prefix="/orders")
    return app
