"""One imported mention, checked: the same rules for a CSV row and a webhook's JSON item.

A row is a mapping of column → text: source, url, author, text, posted_at, and optionally
classification, sku (a variant's SKU: the product) and order (an order number). Each check gives
a message the importing staff member reads beside the row's number."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from catalog.models import Product, Variant
from orders.models import Order
from shop.text import fold

from ..models import MentionClass, MentionSource

REQUIRED = ("source", "url", "author", "text", "posted_at")
OPTIONAL = ("classification", "sku", "order")
URL_MAX, AUTHOR_MAX, TEXT_MAX = 500, 150, 5000
# A clock a little ahead at the monitoring tool is not an error; a date next week is.
FUTURE_SLACK = timedelta(minutes=10)

# What monitoring tools and people write for a source, folded (lower-case, ASCII).
SOURCE_ALIASES = {
    "x": MentionSource.TWITTER,
    "x.com": MentionSource.TWITTER,
    "twitter": MentionSource.TWITTER,
    "ig": MentionSource.INSTAGRAM,
    "sikayetvar": MentionSource.COMPLAINT_SITE,
    "sikayet sitesi": MentionSource.COMPLAINT_SITE,
    "complaint site": MentionSource.COMPLAINT_SITE,
    "google": MentionSource.GOOGLE_REVIEWS,
    "google reviews": MentionSource.GOOGLE_REVIEWS,
}


@dataclass(frozen=True)
class MentionRow:
    source: str
    url: str
    author: str
    text: str
    posted_at: datetime
    classification: str = ""
    product: Product | None = None
    order: Order | None = None


@dataclass(frozen=True)
class RowError:
    row: int  # as the person sees it: a CSV's line number (the header is 1), a list's position
    message: str


def missing_columns(header: Iterable[str]) -> list[str]:
    present = {fold(name) for name in header if name}
    return [name for name in REQUIRED if name not in present]


def rows_check(
    rows: Iterable[tuple[int, Mapping[str, object]]],
) -> tuple[list[MentionRow], list[RowError]]:
    """Every row checked; the good ones, and one error per bad row. Products and orders are
    looked up in one query each."""
    raw = [(number, {fold(str(k)): _text(v) for k, v in row.items() if k}) for number, row in rows]
    skus = {row.get("sku", "") for _n, row in raw} - {""}
    numbers = {row.get("order", "").upper() for _n, row in raw} - {""}
    products = {
        variant.sku: variant.product
        for variant in Variant.objects.filter(sku__in=skus).select_related("product")
    }
    orders = {order.number: order for order in Order.objects.filter(number__in=numbers)}
    good, errors = [], []
    for number, row in raw:
        try:
            good.append(_row(row, products, orders))
        except ValidationError as error:
            errors.append(RowError(number, error.messages[0]))
    return good, errors


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _row(row: dict[str, str], products: dict, orders: dict) -> MentionRow:
    for name in REQUIRED:
        if not row.get(name):
            raise ValidationError(_("“%(column)s” is empty.") % {"column": name})
    source = _source(row["source"])
    url = row["url"]
    if len(url) > URL_MAX:
        raise ValidationError(
            _("The address is longer than %(max)d characters.") % {"max": URL_MAX}
        )
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise ValidationError(_("“%(url)s” is not a web address.") % {"url": url[:80]}) from None
    if len(row["author"]) > AUTHOR_MAX:
        raise ValidationError(
            _("The author is longer than %(max)d characters.") % {"max": AUTHOR_MAX}
        )
    if len(row["text"]) > TEXT_MAX:
        raise ValidationError(_("The text is longer than %(max)d characters.") % {"max": TEXT_MAX})
    classification = row.get("classification", "")
    if classification:
        classification = _classification(classification)
    sku, order_number = row.get("sku", ""), row.get("order", "").upper()
    if sku and sku not in products:
        raise ValidationError(_("No product has the SKU “%(sku)s”.") % {"sku": sku[:64]})
    if order_number and order_number not in orders:
        raise ValidationError(
            _("No order is numbered “%(number)s”.") % {"number": order_number[:20]}
        )
    return MentionRow(
        source=source,
        url=url,
        author=row["author"],
        text=row["text"],
        posted_at=_posted_at(row["posted_at"]),
        classification=classification,
        product=products.get(sku) if sku else None,
        order=orders.get(order_number) if order_number else None,
    )


def _source(value: str) -> str:
    folded = fold(value)
    if folded in MentionSource.values:
        return folded
    if folded in SOURCE_ALIASES:
        return SOURCE_ALIASES[folded]
    for choice in MentionSource:
        if folded in _labels(choice):
            return choice.value
    raise ValidationError(
        _("Unknown source “%(value)s”: use one of %(choices)s.")
        % {"value": value[:40], "choices": ", ".join(MentionSource.values)}
    )


def _classification(value: str) -> str:
    folded = fold(value).replace(" ", "_")
    if folded in MentionClass.values:
        return folded
    for choice in MentionClass:
        if fold(value) in _labels(choice):
            return choice.value
    raise ValidationError(
        _("Unknown classification “%(value)s”: use one of %(choices)s.")
        % {"value": value[:40], "choices": ", ".join(MentionClass.values)}
    )


def _labels(choice: object) -> set[str]:
    """A choice's label in every language the shop speaks, folded ("Şikâyet", "Complaint")."""
    labels = set()
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            labels.add(fold(str(choice.label)))
    return labels


def _posted_at(value: str) -> datetime:
    """ISO 8601 ("2027-03-08T14:05:00+03:00", "2027-03-08 14:05"); without a zone, the shop's."""
    try:
        posted = parse_datetime(value)
        if posted is None and parse_date(value) is not None:
            posted = parse_datetime(f"{value}T00:00")
    except ValueError:
        posted = None
    if posted is None:
        raise ValidationError(
            _("“%(value)s” is not a date and time (write 2027-03-08 14:05).")
            % {"value": value[:40]}
        )
    if timezone.is_naive(posted):
        posted = timezone.make_aware(posted)
    if posted > timezone.now() + FUTURE_SLACK:
        raise ValidationError(_("The mention is dated in the future."))
    return posted
