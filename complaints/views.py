"""The customer's side of the desk: the complaint form (signed in, or a guest with the order
number and email), "My complaints", a ticket's page with its public conversation and a reply
box, and the guest's signed link. Another customer's ticket is a 404."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from crm.chat.session import chat_named_in
from crm.help.selectors import articles_for_complaint
from orders import selectors as order_selectors
from orders.cart_session import guest_orders, signed_in_user
from orders.views.access import guest_order_lookup

from . import selectors, services
from .attachment_views import with_photos
from .exceptions import ComplaintError
from .forms import ComplaintForm, ReplyForm
from .lifecycle import customer_may_reopen, reopen_until
from .links import ticket_link_token, ticket_token_read, ticket_url
from .satisfaction.links import survey_link_token
from .satisfaction.selectors import survey_pending
from .services.attachments import complaint_customer_message_with_photos, complaint_open_with_photos
from .services.follow_ups import complaint_chat_attach
from .states import Channel, TicketStatus


def _visible_order(request: HttpRequest, number: str):
    """The order, when this visitor may already see it (their own, or placed in this browser)."""
    if not number:
        return None
    try:
        return order_selectors.order_for_viewer(
            number=number.strip().upper(),
            user=signed_in_user(request),
            guest_numbers=guest_orders(request),
        )
    except Http404:
        return None


def _line_choices(order) -> list[tuple[str, str]]:
    if order is None:
        return []
    return [
        (
            str(line.pk),
            f"{line.product_name}{f' ({line.variant_name})' if line.variant_name else ''}",
        )
        for line in order.lines.all()
    ]


@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    number = (request.POST.get("order_number") or request.GET.get("order") or "").strip()
    order = _visible_order(request, number)
    initial = {"order_number": number}
    # From the assistant's "Tell us about a problem" (out of hours): the visitor's own chat,
    # attached to the complaint when it is sent.
    chat = chat_named_in(request)
    if request.GET.get("line"):
        initial["lines"] = [request.GET["line"]]
    if request.GET.get("category"):
        initial["category"] = request.GET["category"]
    form = ComplaintForm(
        request.POST or None,
        request.FILES or None,
        signed_in=user is not None,
        line_choices=_line_choices(order),
        initial=initial,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        error = ""
        if data["order_number"] and order is None:
            order, error, status = _guest_order(request, data["order_number"], data.get("email"))
        if not error:
            try:
                ticket = complaint_open_with_photos(
                    photos=data.get("photos") or [],
                    channel=Channel.WEB,
                    category=data["category"],
                    description=data["description"],
                    desired_outcome=data["desired_outcome"],
                    customer=user,
                    contact_name=data.get("name", ""),
                    contact_email=data.get("email", ""),
                    contact_phone=data.get("phone", ""),
                    language=get_language() or settings.LANGUAGE_CODE,
                    order=order,
                    order_lines=[
                        line for line in (order.lines.all() if order else [])
                        if str(line.pk) in data.get("lines", [])
                    ],
                )  # fmt: skip
            except ComplaintError as refused:
                error, status = str(refused), 400
        if not error:
            if chat is not None:
                complaint_chat_attach(ticket=ticket, conversation=chat)
            link = ticket_url(ticket=ticket, absolute=True)
            services.complaint_received_send(ticket=ticket, url=link)
            messages.success(
                request,
                _("Thank you. Your complaint %(number)s has reached us.")
                % {"number": ticket.number},
            )
            if user is not None and ticket.customer_id == user.pk:
                return HttpResponseRedirect(reverse("complaints:detail", args=[ticket.number]))
            return HttpResponseRedirect(ticket_url(ticket=ticket))
        form.add_error(None, error)
    elif request.method == "POST":
        status = 400
    # Help articles for the chosen category, before the form is sent (crm.help).
    help_articles = articles_for_complaint(topic=str(form["category"].value() or ""))
    context = {"form": form, "order": order, "help_articles": help_articles, "chat": chat}
    return render(request, "complaints/new.html", context, status=status)


def _guest_order(request: HttpRequest, number: str, email: str | None):
    """The order a guest names by number and email (rate-limited like guest tracking)."""
    return guest_order_lookup(request, number=number, email=email or "", scope="complaint-tries")


@login_required
def my_complaints(request: HttpRequest) -> HttpResponse:
    tickets = selectors.customer_tickets(customer=request.user)
    return render(request, "complaints/list.html", {"tickets": tickets})


@login_required
@require_http_methods(["GET", "POST"])
def complaint_detail(request: HttpRequest, number: str) -> HttpResponse:
    ticket = selectors.ticket_for_customer(number=number, customer=request.user)
    return _ticket_page(request, ticket)


@require_http_methods(["GET", "POST"])
def complaint_guest(request: HttpRequest, token: str) -> HttpResponse:
    raw = ticket_token_read(token)
    if raw is None:
        raise Http404
    ticket = selectors.ticket_by_token(token=raw)
    return _ticket_page(request, ticket)


def _ticket_page(request: HttpRequest, ticket) -> HttpResponse:
    form = ReplyForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                complaint_customer_message_with_photos(
                    ticket=ticket,
                    body=form.cleaned_data["body"],
                    by=signed_in_user(request),
                    photos=form.cleaned_data["photos"],
                )
            except ComplaintError as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, _("Your message has reached us."))
                return HttpResponseRedirect(request.path)
        status = 400
    may_reopen = customer_may_reopen(ticket)
    context = {
        "ticket": ticket,
        "conversation": with_photos(
            selectors.public_conversation(ticket=ticket), ticket=ticket, base=request.path
        ),
        "form": form,
        "may_reopen": may_reopen,
        "reopen_until": reopen_until(ticket) if may_reopen else None,
        # Resolved longer ago than the reopen period: the ticket takes nothing more.
        "takes_messages": ticket.status != "closed" and (ticket.status != "resolved" or may_reopen),
        "reopen_url": _reopen_url(request, ticket),
        "survey_url": _survey_url(ticket),
    }
    return render(request, "complaints/detail.html", context, status=status)


def _survey_url(ticket) -> str:
    """The satisfaction survey still waiting for this customer's answer, if any."""
    if ticket.status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        return ""
    survey = survey_pending(ticket.pk)
    return reverse("complaints:survey", args=[survey_link_token(survey)]) if survey else ""


def _reopen_url(request: HttpRequest, ticket) -> str:
    if request.resolver_match and request.resolver_match.url_name == "guest":
        return reverse("complaints:guest_reopen", args=[ticket_link_token(ticket)])
    return reverse("complaints:reopen", args=[ticket.number])


@login_required
@require_http_methods(["POST"])
def complaint_reopen(request: HttpRequest, number: str) -> HttpResponse:
    ticket = selectors.ticket_for_customer(number=number, customer=request.user)
    return _reopen(request, ticket, reverse("complaints:detail", args=[ticket.number]))


@require_http_methods(["POST"])
def complaint_guest_reopen(request: HttpRequest, token: str) -> HttpResponse:
    raw = ticket_token_read(token)
    if raw is None:
        raise Http404
    ticket = selectors.ticket_by_token(token=raw)
    return _reopen(request, ticket, ticket_url(ticket=ticket, language=get_language()))


def _reopen(request: HttpRequest, ticket, back: str) -> HttpResponse:
    """The customer's "Reopen" button: within the period, the ticket is taken up again; after
    it (or when not resolved) a message says why and nothing changes."""
    try:
        services.complaint_customer_reopen(ticket=ticket, by=signed_in_user(request))
    except ComplaintError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Your complaint is open again. We will get back to you."))
    return HttpResponseRedirect(back)
