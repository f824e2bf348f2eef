"""Provider callbacks: the Stripe webhook (outside the language-prefixed URLs, CSRF-exempt)."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import services
from .methods.card.webhooks import InvalidWebhook


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """Verify, store once, answer at once; the event is applied by a task after commit."""
    try:
        services.stripe_event_receive(
            payload=request.body, signature=request.headers.get("Stripe-Signature", "")
        )
    except InvalidWebhook:
        return HttpResponse(status=400)
    return HttpResponse(status=200)
