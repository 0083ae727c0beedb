import subprocess
import time

import requests
from django.http import JsonResponse


async def shipping_quote(request):
    quote = requests.post(
        "https://carrier.example.com/quotes",
        json={"zip": request.GET.get("zip")},
        timeout=5,
    )
    return JsonResponse(quote.json())


async def build_info(request):
    revision = subprocess.check_output(["git", "rev-parse", "HEAD"]).decode().strip()
    return JsonResponse({"revision": revision})


def legacy_quote(request):
    time.sleep(0.1)
    quote = requests.post("https://carrier.example.com/quotes", json={}, timeout=5)
    return JsonResponse(quote.json())
