"""The goods part of the case page: where to send the goods, the parcels on
their way, the items claimed (DESIGN.md "Goods as well as money").

The buyer sees the store's return address only once a return is agreed (the
case is `returning` with goods coming back, or a return parcel exists); the
store and platform staff always see it.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from disputes.choices import (
    GOODS_REMEDIES,
    RETURN_REMEDIES,
    Direction,
    ParcelStatus,
    Party,
    State,
)
from orders.carriers import FORMATS, Carrier
from stores.selectors import return_address

PARCEL_STATUS_WORDS = {
    "shipped": gettext_lazy("Sent, waiting for the carrier's scan"),
    ParcelStatus.IN_TRANSIT: gettext_lazy("On its way"),
    ParcelStatus.DELIVERED: gettext_lazy("Delivered"),
}


def _parcel(shipment) -> dict:
    status: str
    if shipment.delivered_at:
        status = ParcelStatus.DELIVERED
    elif shipment.in_transit_at:
        status = ParcelStatus.IN_TRANSIT
    else:
        status = "shipped"
    return {
        "direction": shipment.direction,
        "direction_label": shipment.get_direction_display(),
        "carrier_label": Carrier(shipment.carrier).label
        if shipment.carrier in Carrier.values
        else shipment.carrier,
        "tracking_number": shipment.tracking_number,
        "shipped_at": shipment.shipped_at,
        "in_transit_at": shipment.in_transit_at,
        "delivered_at": shipment.delivered_at,
        "status": str(status),
        "status_label": PARCEL_STATUS_WORDS[status],
    }


def goods_context(case, party: str | None, visited: set[str]) -> dict:
    """What the case page shows about the goods; no query for a money-only case."""
    moves_goods = case.remedy in GOODS_REMEDIES
    in_goods_leg = case.state == State.RETURNING or State.RETURNING in visited
    parcels = []
    if moves_goods and in_goods_leg and case.has_parcels:
        parcels = [_parcel(s) for s in case.shipments.all()]
    comes_back = case.remedy in RETURN_REMEDIES
    agreed = in_goods_leg and comes_back
    has_return_parcel = any(p["direction"] == Direction.RETURN for p in parcels)
    if party == Party.BUYER:
        show_address = comes_back and (
            (case.state == State.RETURNING and agreed) or has_return_parcel
        )
    else:
        show_address = comes_back and (agreed or party is None)
    address = return_address(case.store) if show_address else None
    return {
        "goods": {
            "moves_goods": moves_goods,
            "in_leg": in_goods_leg,
            "parcels": parcels,
            "show_address": show_address,
            "address": address,
            "step_label": case.get_return_step_display() if case.return_step else "",
            "due_at": case.step_due_at if case.state == State.RETURNING else None,
            "held_amount": case.held_amount,
        },
        "carrier_examples": [
            (Carrier(code).label, spec.example) for code, spec in FORMATS.items()
        ],
    }
