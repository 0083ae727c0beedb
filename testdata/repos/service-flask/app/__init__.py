"""Application factory: extensions, then the blueprints under /api/v1."""
import os

from flask import Flask
from flask_talisman import Talisman

from .extensions import jwt, limiter
from .health import bp as health_bp
from .orders import bp as orders_bp
from .users import bp as users_bp


def create_app():
    app = Flask(__name__)
    app.config["JWT_SECRET_KEY"] = os.environ["JWT_SECRET_KEY"]
    Talisman(app, force_https=False)
    limiter.init_app(app)
    jwt.init_app(app)
    app.register_blueprint(health_bp)
    app.register_blueprint(users_bp, url_prefix="/api/v1/users")
    app.register_blueprint(orders_bp, url_prefix="/api/v1/orders")
    return app
