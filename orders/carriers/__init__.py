"""Carrier adapters: how tracking updates reach us for each kind of carrier.

Every adapter reads the shop's signed JSON webhook (`CarrierAdapter.parse`); carriers without
webhooks are asked by the periodic poll task (`orders.poll_carriers`). `Carrier.adapter` names
the adapter; `adapter_for(carrier)` returns it.
"""

from .base import CarrierAdapter, TrackingUpdate, sign_body, webhook_body
from .simulated import SimulatedCarrier

ADAPTERS: dict[str, CarrierAdapter] = {
    "manual": CarrierAdapter(),
    "simulated": SimulatedCarrier(),
}


def adapter_for(carrier: object) -> CarrierAdapter:
    return ADAPTERS.get(getattr(carrier, "adapter", "manual"), ADAPTERS["manual"])


__all__ = [
    "ADAPTERS",
    "CarrierAdapter",
    "SimulatedCarrier",
    "TrackingUpdate",
    "adapter_for",
    "sign_body",
    "webhook_body",
]
