"""Thin Celery tasks of the orders app; each is safe to run twice."""

from celery import shared_task
from django.utils import timezone

from . import selectors, services


@shared_task(name="orders.expire_unpaid_orders")
def expire_unpaid_orders() -> int:
    """Cancel orders whose payment did not arrive in time, releasing their stock."""
    now = timezone.now()
    return sum(
        services.order_expire(order_id=order_id, now=now)
        for order_id in selectors.overdue_order_ids(now=now)
    )


@shared_task(name="orders.remind_unpaid_orders")
def remind_unpaid_orders() -> int:
    """Send "complete your payment" to orders paid in the browser that will expire soon."""
    return sum(
        services.order_payment_remind(order_id=order_id)
        for order_id in selectors.order_ids_to_remind(now=timezone.now())
    )


@shared_task(name="orders.watch_promises")
def watch_promises() -> int:
    """Tell the customers of orders that will miss their delivery promise (once each)."""
    now = timezone.now()
    ids = list(
        selectors.orders_to_check_against_promise(now=now).values_list("pk", flat=True)[:1000]
    )
    return sum(services.order_lateness_check(order_id=order_id, now=now) for order_id in ids)


@shared_task(name="orders.refresh_promise_pages")
def refresh_promise_pages() -> bool:
    """Move the product pages' delivery promise on past a cut-off or midnight."""
    return services.promise_pages_refresh()


@shared_task(name="orders.delete_stale_carts")
def delete_stale_carts() -> int:
    return services.cart_delete_stale()


@shared_task(name="orders.poll_carriers")
def poll_carriers() -> int:
    """Ask carriers without webhooks (the simulated one) about open parcels; apply webhook
    reports whose task never ran."""
    return services.carriers_poll()


@shared_task(name="orders.apply_carrier_update")
def apply_carrier_update(update_id: int) -> bool:
    """Apply a carrier's stored webhook report to its parcel (once, however often it runs)."""
    return services.carrier_update_apply(update_id=update_id)


@shared_task(name="orders.rollup_units_sold")
def rollup_units_sold() -> int:
    """Roll units sold per product up from paid or delivered orders ("best selling")."""
    return services.units_sold_rollup()
