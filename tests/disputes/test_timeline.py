"""The timeline has one writer: every entry a service writes is published once.

`disputes.services.timeline.timeline_write` creates the entry and sends
`case_event`; the lifecycle table checks it for every user action, this file
for every other writer (opening, messages, evidence, the deadline sweep,
macros) and that no other code writes or publishes an entry.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.errors import ApplicationError
from disputes import services
from disputes.choices import Channel, Party, Reason, Remedy
from disputes.models import Dispute, DisputeEvent, EvidenceRequest, Macro
from disputes.services import deadlines
from tests.factories import OrderFactory, Story, agent, case_in_state, policy_set

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def later(**delta):
    return time_machine.travel(timezone.now() + timedelta(**delta), tick=False)


def open_case(story: Story) -> None:
    order = OrderFactory()
    services.dispute_open(
        actor=order.buyer,
        order=order,
        reason=Reason.QUALITY,
        remedy=Remedy.REFUND_ONLY,
        amount=Decimal("50.00"),
        description="屏幕碎了",
    )


def open_for_buyer(story: Story) -> None:
    services.dispute_open_for_buyer(
        actor=agent(),
        order=OrderFactory(),
        reason=Reason.QUALITY,
        remedy=Remedy.REFUND_ONLY,
        amount=Decimal("50.00"),
        channel=Channel.PHONE,
        description="电话反映屏幕碎了",
    )


def message(story: Story) -> None:
    services.message_post(dispute=story.case, actor=story.buyer, body="请尽快处理")


def internal_note(story: Story) -> None:
    services.message_post(
        dispute=story.case, actor=story.agent, body="疑似重复投诉", internal=True
    )


def evidence(story: Story) -> None:
    photo = SimpleUploadedFile("a.png", PNG, content_type="image/png")
    services.evidence_upload(dispute=story.case, actor=story.buyer, file=photo)


def silent_merchant(story: Story) -> None:
    with later(hours=49):
        services.dispute_handle_silent_merchant(dispute=story.case)


def auto_refund(story: Story) -> None:
    # The case opened under a policy that refunds silent merchants.
    version = policy_set(
        story.case.store.category.code, silent_merchant_action="auto_refund"
    )
    Dispute.objects.filter(pk=story.case.pk).update(policy_version=version)
    story.case.refresh_from_db()
    silent_merchant(story)


def auto_accept(story: Story) -> None:
    # The same policy on a return claim: taken as accepted, the goods move.
    Dispute.objects.filter(pk=story.case.pk).update(remedy="return_refund")
    auto_refund(story)


def close_ruled(story: Story) -> None:
    with later(days=7, hours=1):
        services.dispute_close_ruled(dispute=story.case)


def evidence_timeout(story: Story) -> None:
    services.dispute_request_evidence(
        dispute=story.case, actor=story.agent, party=Party.MERCHANT, note="发货凭证"
    )
    request = EvidenceRequest.objects.get(dispute=story.case)
    with later(hours=73):
        assert services.evidence_request_expire(request=request)


def sla_warning(story: Story) -> None:
    deadlines.dispute_sla_warn(case=story.case)


def sla_breach(story: Story) -> None:
    deadlines.dispute_sla_breach(case=story.case)


def evidence_deadline(story: Story) -> None:
    deadlines.dispute_evidence_deadline_pass(case=story.case)


def macro(story: Story) -> None:
    steps = Macro.objects.create(
        name="介入",
        message="平台已介入",
        evidence_party="merchant",
        evidence_what="质检照片",
        start_mediation=True,
    )
    assert services.macro_run(macro=steps, dispute=story.case, actor=story.agent) == 3


# writer, the state its case starts in, the entries it writes (in order)
WRITERS: list[tuple[Callable[[Story], None], str, list[str]]] = [
    (open_case, "negotiation", ["open"]),
    (open_for_buyer, "negotiation", ["open"]),
    (message, "negotiation", ["message"]),
    (internal_note, "verification", ["internal_note"]),
    (evidence, "negotiation", ["evidence"]),
    (silent_merchant, "negotiation", ["auto_escalate"]),
    (auto_refund, "negotiation", ["auto_refund"]),
    (auto_accept, "negotiation", ["auto_accept"]),
    (close_ruled, "ruled", ["close"]),
    (evidence_timeout, "verification", ["request_evidence", "evidence_timeout"]),
    (sla_warning, "complaint", ["sla_warning"]),
    (sla_breach, "complaint", ["sla_breach"]),
    (evidence_deadline, "verification", ["evidence_deadline"]),
    (macro, "verification", ["message", "request_evidence", "start_mediation"]),
]


@pytest.mark.parametrize(
    ("write", "state", "entries"), WRITERS, ids=[w.__name__ for w, _, _ in WRITERS]
)
def test_every_entry_a_service_writes_is_published_exactly_once(
    write, state, entries, published
):
    story = case_in_state(state)
    last = DisputeEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    published.clear()
    write(story)
    written = list(DisputeEvent.objects.filter(pk__gt=last).order_by("pk"))
    assert [e.action for e in written] == entries
    assert [e.pk for e in published] == [e.pk for e in written]


def test_a_refused_write_publishes_nothing_that_stays(published):
    """A macro refused at its last step rolls back the entries it published."""
    story = case_in_state("complaint")  # start_mediation needs a taken case
    steps = Macro.objects.create(
        name="调解", message="请双方协商", start_mediation=True
    )
    before = DisputeEvent.objects.count()
    published.clear()
    with pytest.raises(ApplicationError):
        services.macro_run(macro=steps, dispute=story.case, actor=story.agent)
    assert DisputeEvent.objects.count() == before
    assert [e.action for e in published] == ["message"]  # sent in the transaction
    assert not DisputeEvent.objects.filter(pk=published[0].pk).exists()


def _writes_or_publishes(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if isinstance(func, ast.Name):
        return func.id == "DisputeEvent"
    if not isinstance(func, ast.Attribute):
        return False
    owner = func.value
    if isinstance(owner, ast.Name) and owner.id == "case_event":
        return func.attr in {"send", "send_robust"}
    return (
        isinstance(owner, ast.Attribute)
        and owner.attr == "objects"
        and isinstance(owner.value, ast.Name)
        and owner.value.id == "DisputeEvent"
        and func.attr in {"create", "bulk_create", "get_or_create"}
    )


def test_no_other_code_writes_or_publishes_a_timeline_entry():
    skip = {"migrations", ".venv", "tests", "bench"}
    writer = ROOT / "disputes" / "services" / "timeline.py"
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in ROOT.rglob("*.py")
        if not skip & set(path.relative_to(ROOT).parts) and path != writer
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if _writes_or_publishes(node)
    ]
    assert found == []
