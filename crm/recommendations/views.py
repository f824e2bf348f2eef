"""'Recommended for you' and 'recently viewed': a personal htmx fragment, never cached.

The home and account pages load it with hx-trigger="load" (without JavaScript they simply lack
it). Browsing is used only with marketing consent; without it a signed-in customer still gets
recommendations from their purchases, and a visitor with nothing to go on gets an empty 204.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ..tracking.cookies import cookie_choices, visitor_id
from . import selectors

SHOWN = 8  # cards in each row of the fragment


@never_cache
@require_GET
def for_you(request: HttpRequest) -> HttpResponse:
    user = request.user if request.user.is_authenticated else None
    browsing = cookie_choices(request).marketing
    visitor = visitor_id(request) if browsing and user is None else ""
    recent = (
        selectors.recently_viewed(user=user, visitor_id=visitor, limit=SHOWN)
        if browsing and (user is not None or visitor)
        else []
    )
    picks = selectors.recommendations_for(
        user=user,
        visitor_id=visitor,
        use_views=browsing,
        exclude=[product.pk for product in recent],
        limit=SHOWN,
    )
    if not recent and not picks:
        return HttpResponse(status=204)  # htmx leaves the slot empty
    return render(request, "crm/recommendations/_for_you.html", {"picks": picks, "recent": recent})
