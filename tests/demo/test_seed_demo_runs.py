"""`seed_demo` runs on an empty database: the DEBUG guard, progress, bulk."""

import contextlib
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from demo import seeding as demo
from demo.goods import CASES as GOODS_SHOWCASE
from disputes.choices import Resolution, State
from disputes.models import Dispute, DisputeEvent
from orders.models import Order, OrderItem, Refund, RefundKind
from reports.models import CaseContribution

pytestmark = pytest.mark.django_db

# The goods showcase (demo/goods.py) opens its cases on top of the drawn ones.
SHOWCASE = len(GOODS_SHOWCASE)


def test_refuses_to_run_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", cases=5, stdout=StringIO())
    assert not Dispute.objects.exists()
    call_command("seed_demo", cases=5, force=True, stdout=StringIO(), stderr=None)
    assert Dispute.objects.count() == 5 + SHOWCASE


def test_the_services_report_progress_case_by_case():
    seen = []
    result = demo.seed_demo(
        cases=12, batch_size=7, progress=lambda d, t: seen.append((d, t))
    )
    assert (result.created, result.method, result.cases) == (True, "services", 12)
    assert seen == [(n, 12) for n in range(13)]
    assert Dispute.objects.count() == 12 + SHOWCASE


def test_bulk_reports_progress_chunk_by_chunk():
    seen = []
    result = demo.seed_demo(
        cases=30, batch_size=7, method="bulk", progress=lambda d, t: seen.append(d)
    )
    assert result.created and result.cases == 30
    assert seen == [0, 7, 14, 21, 28, 30]
    assert Dispute.objects.count() == 30 + SHOWCASE


def test_the_command_prints_a_progress_line_for_each_tenth_off_a_terminal():
    err = StringIO()
    call_command("seed_demo", cases=20, force=True, stdout=StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert [line.split()[1] for line in lines] == [
        f"{n}/20" for n in (0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20)
    ]
    assert lines[-1].startswith("[" + "#" * 30 + "] 20/20 cases ")


def test_no_progress_keeps_stderr_quiet():
    err = StringIO()
    quiet = {"force": True, "no_progress": True, "stdout": StringIO()}
    call_command("seed_demo", cases=3, stderr=err, **quiet)
    assert Dispute.objects.count() == 3 + SHOWCASE
    assert err.getvalue() == ""


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


def fingerprint() -> dict:
    """The bulk rows, with the people and stores by name (their ids may differ)."""
    return {
        "cases": list(
            Dispute.objects.order_by("pk").values_list(
                "pk", "number", "order_id", "buyer__username", "store__name",
                "state", "resolution", "amount", "refunded_amount", "opened_at",
                "deadline_at", "assigned_to__username", "version",
            )
        ),
        "events": list(
            DisputeEvent.objects.order_by("pk").values_list(
                "pk", "dispute_id", "action", "actor__username", "to_state",
                "created_at", "message_id", "evidence_id", "evidence_request_id",
                "amount", "note",
            )
        ),
        "orders": list(
            Order.objects.order_by("pk").values_list(
                "pk", "number", "buyer__username", "store__name", "total",
                "status", "placed_at",
            )
        ),
        "items": list(
            OrderItem.objects.order_by("pk").values_list(
                "pk", "order_id", "product_name", "quantity", "unit_price"
            )
        ),
        "refunds": list(
            Refund.objects.order_by("pk").values_list(
                "pk", "order_id", "dispute_id", "amount", "idempotency_key"
            )
        ),
        "contributions": list(
            CaseContribution.objects.order_by("pk").values_list(
                "pk", "day", "reason", "measures"
            )
        ),
    }  # fmt: skip


class Rollback(Exception):
    pass


several_builders = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="several builders only on PostgreSQL"
)


def sequences() -> list[tuple[str, int | None]]:
    """Every sequence's position (PostgreSQL does not roll them back)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT schemaname || '.' || sequencename, last_value FROM pg_sequences"
        )
        return cursor.fetchall()


def restore(positions: list[tuple[str, int | None]]) -> None:
    with connection.cursor() as cursor:
        for name, last in positions:
            if last is None:
                cursor.execute("SELECT setval(%s, 1, false)", [name])
            else:
                cursor.execute("SELECT setval(%s, %s, true)", [name, last])


@several_builders
def test_the_same_seed_builds_the_same_rows_whatever_the_number_of_builders():
    # The goods showcase opens its cases through the services after the bulk
    # rows: their ids come from the sequences, put back after the rollback.
    before = sequences()
    with time_machine.travel(timezone.now(), tick=False):
        with contextlib.suppress(Rollback), transaction.atomic():
            demo.seed_demo(cases=70, batch_size=20, method="bulk", jobs=1)
            alone = fingerprint()
            raise Rollback
        restore(before)
        demo.seed_demo(cases=70, batch_size=20, method="bulk", jobs=2)
    together = fingerprint()
    assert len(together["cases"]) == 70 + SHOWCASE
    assert showcase_masked(together, drawn=70) == showcase_masked(alone, drawn=70)


def showcase_masked(rows: dict, *, drawn: int) -> dict:
    """The fingerprint with the showcase's case numbers masked: the showcase
    opens its cases through the services, which draw a number at random."""
    numbers = {case[1] for case in rows["cases"] if case[0] > drawn}

    def mask(value):
        if isinstance(value, str):
            for number in numbers:
                value = value.replace(number, "#")
        return value

    return {
        key: [tuple(mask(v) for v in row) for row in values]
        for key, values in rows.items()
    }


@several_builders
def test_a_failing_builder_process_stops_the_seeding_and_leaves_nothing(
    monkeypatch,
):
    def broken(self, builder, chunk):
        raise ValueError(f"chunk {chunk} is broken")

    monkeypatch.setattr(demo.Seeder, "_build", broken)
    with pytest.raises(RuntimeError, match=r"chunk [01] is broken"):
        demo.seed_demo(cases=70, batch_size=20, method="bulk", jobs=2)
    assert not Dispute.objects.exists() and not Order.objects.exists()
