import logging
import traceback

from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse

from .services import build_invoice_pdf, place_order

logger = logging.getLogger(__name__)


def invoice(request, order_id):
    try:
        return HttpResponse(build_invoice_pdf(order_id), content_type="application/pdf")
    except Exception:
        return HttpResponse(traceback.format_exc(), status=500)  # expect: error-details-leaked


def checkout(request):
    try:
        return JsonResponse(place_order(request.user, request.POST), status=201)
    except ValidationError as e:
        return JsonResponse({"error": e.messages}, status=400)
    except Exception:
        logger.exception("checkout failed")
        return JsonResponse({"error": "Internal server error"}, status=500)
