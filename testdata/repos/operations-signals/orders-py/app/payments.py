import os

import structlog

log = structlog.get_logger()
PAYMENTS_API_KEY = os.environ["PAYMENTS_API_KEY"]


def charge(order):
    print(f"charging {order.get('total')}")  # expect: print-in-service-code
    log.debug("payments.call", api_key=PAYMENTS_API_KEY)  # expect: secret-logged
    log.debug("payments.call", api_key_set=bool(PAYMENTS_API_KEY), key_prefix=PAYMENTS_API_KEY[:4])
    return {"status": "charged"}
