"""Shop views (Django): banners and cart imports."""
import subprocess

import dill
from django.http import HttpResponse, JsonResponse
from django.template import Context, Template, engines


def banner(request):
    text = request.GET.get("text", "")
    template = Template("<div class='banner'>" + text + "</div>")  # expect: template-injection
    fixed = engines["django"].from_string("<div class='banner'>{{ text }}</div>")
    page = template.render(Context({"user": request.user})) + fixed.render({"text": text})
    return HttpResponse(page)


def import_cart(request):
    cart = dill.load(request.FILES["cart"])  # expect: unsafe-deserialization
    return JsonResponse({"items": len(cart)})


def export_orders(request, fmt):
    out = subprocess.check_output("export-orders --format " + fmt, shell=True)  # expect: command-injection
    return HttpResponse(out)


def export_order(request, pk):
    # `pk` comes from an `<int:pk>` converter: a number, not text.
    out = subprocess.check_output(f"export-orders --id {pk}", shell=True)
    return HttpResponse(out)
