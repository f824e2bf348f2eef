"""The address book under My account: list, add or edit, delete."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import selectors, services
from ..forms import AddressForm
from ..models import Address


@login_required
def address_list(request: HttpRequest) -> HttpResponse:
    addresses = selectors.addresses_of(user=request.user)
    return render(request, "orders/address_list.html", {"addresses": addresses})


@login_required
def address_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    address = selectors.address_of(user=request.user, pk=pk) if pk else Address(user=request.user)
    form = AddressForm(request.POST or None, instance=address)
    if request.method == "POST" and form.is_valid():
        services.address_save(
            address=form.instance,
            default_shipping=form.cleaned_data["default_shipping"],
            default_billing=form.cleaned_data["default_billing"],
        )
        messages.success(request, _("The address has been saved."))
        return redirect("orders:address_list")
    return render(request, "orders/address_form.html", {"form": form, "address": address})


@login_required
@require_POST
def address_delete(request: HttpRequest, pk: int) -> HttpResponse:
    services.address_delete(address=selectors.address_of(user=request.user, pk=pk))
    messages.success(request, _("The address has been deleted."))
    return redirect("orders:address_list")
