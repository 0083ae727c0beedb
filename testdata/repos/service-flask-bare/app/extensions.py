"""Extensions created once and bound to the app in the factory."""
from flask_jwt_extended import JWTManager

jwt = JWTManager()
