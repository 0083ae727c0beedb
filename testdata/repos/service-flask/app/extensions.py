"""Extensions created once and bound to the app in the factory."""
from flask_jwt_extended import JWTManager
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address, default_limits=["200 per hour"])
jwt = JWTManager()
