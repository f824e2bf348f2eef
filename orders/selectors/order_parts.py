"""Parts of the order's page read in the order's own queries (joins and subqueries, no more
queries): the product names now beside the copies bought, and each payment attempt's outcome."""

from django.conf import settings
from django.db.models import CharField, F, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language

from payments.models import Payment, PaymentEvent

from ..models import OrderLine


def order_lines_with_current_names() -> QuerySet[OrderLine]:
    """Order lines with `current_name`: their product's name now in the active language
    (falling back as the catalog does), joined in the same query."""
    active = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    languages = dict.fromkeys((active, *settings.MODELTRANSLATION_FALLBACK_LANGUAGES))
    names = [NullIf(F(f"product__name_{code}"), Value("")) for code in languages]
    return OrderLine.objects.annotate(
        current_name=Coalesce(*names, Value(""), output_field=CharField())
    )


def order_payments_with_outcomes() -> QuerySet[Payment]:
    """An order's payment attempts with `decline`: the provider's message on the attempt's
    newest failure ledger row, as staff see it ("" without one), in the same query."""
    failure = PaymentEvent.objects.filter(
        payment=OuterRef("pk"), kind=PaymentEvent.Kind.FAILURE
    ).order_by("-pk")
    return Payment.objects.annotate(
        decline=Coalesce(
            Subquery(failure.values("message")[:1]), Value(""), output_field=CharField()
        )
    )
