import logging

from flask import Flask, request

logging.basicConfig(level=logging.INFO)  # expect: unstructured-logging
logger = logging.getLogger(__name__)


def create_app():
    app = Flask(__name__)  # expect: no-metrics-exported, no-request-correlation-id

    @app.post("/v1/invoices")
    def create_invoice():
        logger.info("invoice for %s", request.json.get("customer"))
        logger.info("password reset email sent to %s", request.json.get("email"))
        return {"status": "created"}, 201

    print("billing app created")
    return app
