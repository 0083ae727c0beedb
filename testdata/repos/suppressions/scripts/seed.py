import time

import requests


async def seed():
    for page in range(3):
        requests.post("http://localhost:8000/v1/items", json={"page": page}, timeout=5)
        time.sleep(0.1)
