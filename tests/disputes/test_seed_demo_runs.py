"""`seed_demo` runs on an empty database: the DEBUG guard, progress, bulk."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Sum

from disputes import demo
from disputes.choices import Resolution, State
from disputes.models import Dispute, DisputeEvent
from orders.models import Order, Refund, RefundKind

pytestmark = pytest.mark.django_db


def test_refuses_to_run_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", cases=5, stdout=StringIO())
    assert not Dispute.objects.exists()
    call_command("seed_demo", cases=5, force=True, stdout=StringIO(), stderr=None)
    assert Dispute.objects.count() == 5


def test_large_runs_report_progress_chunk_by_chunk():
    seen = []
    result = demo.seed_demo(
        cases=30, batch_size=7, progress=lambda d, t: seen.append(d)
    )
    assert result.created and result.cases == 30
    assert seen == [7, 14, 21, 28, 30]
    assert Dispute.objects.count() == 30


def test_the_bulk_path_builds_every_state_consistently_and_only_once():
    result = demo.seed_demo(cases=60, batch_size=25, method="bulk")
    assert (result.method, result.cases) == ("bulk", 60)
    assert set(Dispute.objects.values_list("state", flat=True)) == set(State.values)
    assert set(Dispute.objects.values_list("resolution", flat=True)) - {""} == set(
        Resolution.values
    )
    for case in Dispute.objects.all():
        refunded = Refund.objects.filter(dispute=case, kind=RefundKind.REFUND)
        assert (refunded.aggregate(s=Sum("amount"))["s"] or 0) == case.refunded_amount
        last = DisputeEvent.objects.filter(dispute=case).order_by("created_at").last()
        assert last.to_state == case.state
    # The id sequences were moved past the bulk ids: the services go on from there.
    order = Order.objects.create(
        number="O-after-bulk",
        buyer_id=Order.objects.first().buyer_id,
        store_id=Order.objects.first().store_id,
        total=1,
        status="delivered",
        placed_at=Order.objects.first().placed_at,
    )
    assert order.pk > Order.objects.exclude(pk=order.pk).latest("pk").pk
    assert not demo.seed_demo(cases=60, method="bulk").created
