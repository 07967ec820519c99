"""The bulk seeder writes exactly what the services write for the same script.

The same scripted cases are played twice: through the real services on a
travelling clock (`demo.replay`), then, after rolling that back, straight
into rows (`demo.bulk`). Every field of every case and every record hanging
on it must come out the same; only ids, stored file names and the random
part of a service-drawn case number may differ.
"""

import copy
from collections import Counter
from datetime import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from core.bulkrows import RowWriter
from demo import seeding as demo
from demo.bulk import TABLES, BulkCase, write_order
from demo.replay import ServiceCase
from demo.script import Dice, script_case
from demo.stories import ALL_NAMES as NAMES
from demo.stories import Showcase
from demo.world import build_world
from disputes.models import (
    Appeal,
    Dispute,
    DisputeEvent,
    Evidence,
    EvidenceRequest,
    Message,
    Ruling,
    Shipment,
)
from orders.models import Order, Refund, RefundKind

pytestmark = pytest.mark.django_db

ROUNDS = 4  # every scenario four times
COUNTERFEIT = Showcase(reason="counterfeit", outcome="buyer")  # 假一赔三
BUYER_WON = Showcase(outcome="buyer")  # appealed by the merchant


def scripts_for(world, rng):
    """Every scenario ROUNDS times: the seeder's showcases, a round of
    counterfeits won by the buyer (compensation in rulings and on appeal), a
    round of rulings for the buyer (overturns that pay the merchant back)."""
    scripts = []
    for index in range(ROUNDS * len(NAMES)):
        store, buyer_id = demo._pick(world, rng, index)
        showcase = {2: COUNTERFEIT, 3: BUYER_WON}.get(
            index // len(NAMES), demo.showcase(index)
        )
        scripts.append(
            script_case(
                world,
                rng,
                order_seq=index + 1,
                scenario=NAMES[index % len(NAMES)],
                store=store,
                buyer_id=buyer_id,
                showcase=showcase,
            )
        )
    return scripts


def by_services(world, scripts) -> dict:
    writer = RowWriter(TABLES)
    for script in scripts:
        write_order(writer, script.order)
    writer.flush()
    replay = ServiceCase(world)
    for script in scripts:
        replay.play(script, Order.objects.get(pk=script.order.order["id"]))
    return snapshot()


def by_bulk(world, scripts) -> dict:
    writer = RowWriter(TABLES)
    builder = BulkCase(world, writer, world.roles)
    for serial, script in enumerate(scripts, start=1):
        builder.build(script, serial)
    writer.flush()
    return snapshot()


def since(opened: datetime, at: datetime | None):
    return None if at is None else at - opened


def values(row, skip=(), times=(), opened=None) -> dict:
    out = {}
    for field in type(row)._meta.concrete_fields:
        name = field.attname
        if name in skip or name == "id":
            continue
        value = getattr(row, name)
        out[name] = since(opened, value) if name in times else value
    return out


PRECEDENT = ("majority_outcome", "majority_share", "departure_reason")


def snapshot() -> dict:
    """Every case as comparable data, keyed by its order number."""
    cases = {}
    for case in Dispute.objects.select_related("order").order_by("pk"):
        t0, number = case.opened_at, case.number

        def rel(model, *times, skip=("dispute_id",), t0=t0, case=case):
            rows = model.objects.filter(dispute=case).order_by("pk")
            return [values(r, skip=skip, times=times, opened=t0) for r in rows]

        events = []
        for e in DisputeEvent.objects.filter(dispute=case).order_by("pk"):
            row = values(
                e,
                # The hashes cover the case number and the absolute times, which
                # differ by design; test_demo_features verifies both chains.
                skip=(
                    "dispute_id",
                    "message_id",
                    "evidence_id",
                    "evidence_request_id",
                    "prev_hash",
                    "entry_hash",
                ),
                times=("created_at",),
                opened=t0,
            )
            row["message"] = e.message.body if e.message_id else None
            row["evidence"] = e.evidence.sha256 if e.evidence_id else None
            row["request"] = e.evidence_request.what if e.evidence_request_id else None
            events.append(row)
        refunds = rel(Refund, "created_at", skip=("dispute_id", "order_id"))
        for refund in refunds:
            refund["idempotency_key"] = refund["idempotency_key"].replace(number, "#")
        cases[case.order.number] = {
            "case": values(case, skip=("number", "order_id", "record_head")),
            "number_date": number[:7],
            "order": values(case.order, skip=("number",)),
            "events": events,
            "messages": rel(Message, "created_at"),
            "requests": rel(EvidenceRequest, "created_at", "due_at", "closed_at"),
            "evidence": [
                {**row, "request_id": row["request_id"] is not None}
                for row in rel(Evidence, "created_at", skip=("dispute_id", "file"))
            ],
            # The precedents' majority (and a departure reason) depends on every
            # other decided case at the moment of the decision: the services
            # keep it, the bulk builder does not (disputes.precedents).
            "ruling": rel(Ruling, "decided_at", skip=("dispute_id", *PRECEDENT)),
            "appeal": rel(
                Appeal, "filed_at", "decided_at", skip=("dispute_id", *PRECEDENT)
            ),
            "refunds": refunds,
            "shipments": rel(Shipment, "shipped_at", skip=("dispute_id",)),
        }
    return cases


def test_bulk_built_cases_are_indistinguishable_from_service_built_ones():
    rng = Dice(2)
    world = build_world(
        cases=60, password="x", reset=False, rng=rng, now=timezone.now()
    )
    scripts = scripts_for(world, rng)
    # The sample covers every kind of step, and a supervisor's own ruling.
    actions = {step.action for s in scripts for step in s.plan.steps}
    assert actions == {name[3:] for name in dir(BulkCase) if name.startswith("do_")}
    takes = [st.params for s in scripts for st in s.plan.steps if st.action == "take"]
    assert {"supervisor1"} <= {t["assignee"] for t in takes}
    assert {t["by"] for t in takes if t["by"] != t["assignee"]} <= {
        "supervisor1",
        "supervisor2",
    }
    assert any(t["by"] != t["assignee"] for t in takes)
    steps = [step for s in scripts for step in s.plan.steps]
    decisions = [st.params for st in steps if st.action in ("rule", "overturn")]
    assert {(d["outcome"], d.get("compensation", False)) for d in decisions} >= {
        ("buyer", True),
        ("buyer", False),
        ("merchant", False),
    }

    before = transaction.savepoint()
    served = by_services(world, copy.deepcopy(scripts))
    transaction.savepoint_rollback(before)
    assert not Dispute.objects.exists()
    built = by_bulk(world, copy.deepcopy(scripts))

    assert len(served) == len(built) == len(scripts)
    for number, case in served.items():
        for part, expected in case.items():
            assert built[number][part] == expected, (number, part)
    # The worker's steps between the scripted ones, and money of every kind.
    actions = Counter(e["action"] for c in served.values() for e in c["events"])
    assert actions["sla_warning"] and actions["sla_breach"]
    kinds = Counter(r["kind"] for c in served.values() for r in c["refunds"])
    assert set(kinds) == set(RefundKind.values)
