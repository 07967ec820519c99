"""Keep the rollups exact in the transaction that changes a case or an order."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save, pre_save

from disputes.signals import case_event, cases_bulk_built, cases_bulk_loaded
from orders.models import Order

from . import rollups
from .models import CaseContribution

_PLACED_BEFORE = "_report_rollup_placed"


def on_case_event(sender, dispute, event, **kwargs) -> None:
    rollups.case_refresh(dispute_id=dispute.pk)


def on_bulk_built(sender, cases, **kwargs) -> tuple:
    """Each bulk-built case's contribution, written with the case."""
    rows = [{"dispute_id": c.id, **rollups.case_contribution(c)} for c in cases]
    return CaseContribution, rows


def on_bulk_load(sender, derived: bool = False, **kwargs) -> None:
    rollups.rebuild(contributions_current=derived)


def before_order_save(sender, instance: Order, update_fields=None, **kwargs) -> None:
    """Remember where an existing order counted, if the save may move it."""
    if instance.pk is None or kwargs.get("raw"):
        return
    if update_fields is not None and not {"placed_at", "store", "store_id"} & set(
        update_fields
    ):
        return
    old = Order.objects.filter(pk=instance.pk).select_related("store").first()
    setattr(instance, _PLACED_BEFORE, rollups.order_dims(old) if old else None)


def after_order_save(sender, instance: Order, created: bool, **kwargs) -> None:
    if kwargs.get("raw"):
        return
    old = instance.__dict__.pop(_PLACED_BEFORE, None)
    if not created and old is None:
        return
    new = rollups.order_dims(instance)
    if old == new:
        return
    if old is not None:
        rollups.order_count(old, -1, instance.pk)
    rollups.order_count(new, +1, instance.pk)


def after_order_delete(sender, instance: Order, **kwargs) -> None:
    rollups.order_count(rollups.order_dims(instance), -1, instance.pk)


def connect() -> None:
    case_event.connect(on_case_event, dispatch_uid="reports.rollups")
    cases_bulk_built.connect(on_bulk_built, dispatch_uid="reports.rollups.built")
    cases_bulk_loaded.connect(on_bulk_load, dispatch_uid="reports.rollups.bulk")
    pre_save.connect(before_order_save, sender=Order, dispatch_uid="reports.o1")
    post_save.connect(after_order_save, sender=Order, dispatch_uid="reports.o2")
    post_delete.connect(after_order_delete, sender=Order, dispatch_uid="reports.o3")
