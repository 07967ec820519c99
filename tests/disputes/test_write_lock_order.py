"""An action and a message, evidence or note on the same case at the same moment.

Every writer locks the case row first, so the two wait on each other instead
of deadlocking (before, 12 of 20 accept + message pairs answered 500). Needs
PostgreSQL (row locks); on SQLite the test is skipped and says why.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from core.errors import ApplicationError
from disputes import services
from disputes.choices import Party, RequestStatus
from disputes.models import Dispute, Evidence, EvidenceRequest, Message
from disputes.services.deadlines import evidence_request_expire
from reports import rollups
from reports.measures import case_measures
from reports.models import CaseContribution
from tests.api.conftest import client_for, url
from tests.conftest import postgres_only
from tests.factories import Story, case_in_state

pytestmark = [
    postgres_only,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

PAIRS = 10
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def at_once(*works: Callable[[], object]) -> list[str]:
    """Run each work in its own thread, released together; each one's outcome:
    'ok', the status of an application error, or the name of any other error."""
    barrier = threading.Barrier(len(works))
    outcomes = [""] * len(works)

    def run(i: int) -> None:
        try:
            barrier.wait()
            works[i]()
            outcomes[i] = "ok"
        except ApplicationError as exc:
            outcomes[i] = str(exc.status_code)
        except Exception as exc:  # a deadlock, or anything else that is a 500
            outcomes[i] = type(exc).__name__
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(works))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def photo() -> SimpleUploadedFile:
    return SimpleUploadedFile("p.png", PNG, content_type="image/png")


def assert_consistent(case: Dispute) -> None:
    """The case's rollup contribution is what the saved case says."""
    case = Dispute.objects.select_related("store").get(pk=case.pk)
    contribution = CaseContribution.objects.get(pk=case.pk)
    assert contribution.measures == case_measures(case)
    assert contribution.day == rollups.case_dims(case)["day"]


def accept(story: Story) -> Callable[[], object]:
    return lambda: services.dispute_accept(dispute=story.case, actor=story.merchant)


def test_accept_and_a_buyer_message_never_deadlock():
    stories = [case_in_state("negotiation") for _ in range(PAIRS)]
    for n, story in enumerate(stories):
        message = lambda s=story, n=n: services.message_post(  # noqa: E731
            dispute=s.case, actor=s.buyer, body=f"第{n}条"
        )
        action, posted = at_once(accept(story), message)
        # The message either came first or found the case closed (409).
        assert (action, posted) in {("ok", "ok"), ("ok", "409")}
        case = story.refresh()
        assert case.state == "closed"
        assert case.messages.count() == (posted == "ok")
        assert case.events.filter(action="message").count() == (posted == "ok")
        assert_consistent(case)


def test_accept_and_a_buyer_upload_never_deadlock():
    stories = [case_in_state("negotiation") for _ in range(PAIRS)]
    for story in stories:
        upload = lambda s=story: services.evidence_upload(  # noqa: E731
            dispute=s.case, actor=s.buyer, file=photo()
        )
        action, uploaded = at_once(accept(story), upload)
        assert (action, uploaded) in {("ok", "ok"), ("ok", "409")}
        case = story.refresh()
        assert Evidence.objects.filter(dispute=case).count() == (uploaded == "ok")
        assert_consistent(case)


def test_agent_actions_and_notes_and_uploads_never_deadlock():
    """The agent asks for evidence while writing a note, as the buyer uploads."""
    stories = [case_in_state("verification") for _ in range(PAIRS)]
    for n, story in enumerate(stories):
        ask = lambda s=story: services.dispute_request_evidence(  # noqa: E731
            dispute=s.case, actor=s.agent, party=Party.BUYER, note="请补充照片"
        )
        note = lambda s=story, n=n: services.message_post(  # noqa: E731
            dispute=s.case, actor=s.agent, body=f"备注{n}", internal=True
        )
        upload = lambda s=story: services.evidence_upload(  # noqa: E731
            dispute=s.case, actor=s.buyer, file=photo()
        )
        reply = lambda s=story: services.message_post(  # noqa: E731
            dispute=s.case, actor=s.buyer, body="已上传"
        )
        assert at_once(ask, note, upload, reply) == ["ok"] * 4
        case = story.refresh()
        assert case.state == "verification"
        assert Message.objects.filter(dispute=case).count() == 2
        assert EvidenceRequest.objects.filter(dispute=case).count() == 1
        assert Evidence.objects.filter(dispute=case).count() == 1
        assert case.events.count() == 4 + 4  # open, reject, intervene, take + four
        assert_consistent(case)


def test_a_ruling_and_the_parties_writing_never_deadlock():
    stories = [case_in_state("verification") for _ in range(PAIRS)]
    for story in stories:
        rule = lambda s=story: services.dispute_rule(  # noqa: E731
            dispute=s.case,
            actor=s.agent,
            outcome="buyer",
            liability="merchant",
            amount=s.case.amount,
            rule=s.rule,
            reasoning="证据显示商品存在质量问题",
        )
        merchant_says = lambda s=story: services.message_post(  # noqa: E731
            dispute=s.case, actor=s.merchant, body="我们不同意"
        )
        buyer_uploads = lambda s=story: services.evidence_upload(  # noqa: E731
            dispute=s.case, actor=s.buyer, file=photo()
        )
        outcomes = at_once(rule, merchant_says, buyer_uploads)
        assert outcomes == ["ok", "ok", "ok"]
        case = story.refresh()
        assert case.state == "ruled"
        assert_consistent(case)


def post_status(client, path: str, data: dict, into: list[int], at: int) -> None:
    into[at] = client.post(path, data, format="json").status_code


def test_over_the_api_accept_and_message_pairs_answer_no_500():
    """As measured: simultaneous accept + message requests on the same case."""
    stories = [case_in_state("negotiation") for _ in range(PAIRS)]
    answers = []
    for story in stories:
        number, statuses = story.case.number, [0, 0]
        accept_call = partial(
            post_status, client_for(story.merchant), url(number, "actions/accept"),
            {}, statuses, 0,
        )  # fmt: skip
        message_call = partial(
            post_status, client_for(story.buyer), url(number, "messages"),
            {"body": "在吗"}, statuses, 1,
        )  # fmt: skip
        assert at_once(accept_call, message_call) == ["ok", "ok"]
        answers.append(tuple(statuses))
    assert set(answers) <= {(200, 201), (200, 409)}


def test_an_upload_and_the_expiry_sweep_agree_on_the_request():
    """The buyer answers an overdue request as the sweep times it out: one wins."""
    stories = [case_in_state("verification") for _ in range(PAIRS)]
    for story in stories:
        services.dispute_request_evidence(
            dispute=story.case, actor=story.agent, party=Party.BUYER, note="照片"
        )
        request = EvidenceRequest.objects.get(dispute=story.case)
        EvidenceRequest.objects.filter(pk=request.pk).update(
            due_at=request.created_at.replace(year=2020)
        )
        upload = lambda s=story: services.evidence_upload(  # noqa: E731
            dispute=s.case, actor=s.buyer, file=photo()
        )
        expire = lambda r=request: evidence_request_expire(request=r)  # noqa: E731
        assert at_once(upload, expire) == ["ok", "ok"]
        request.refresh_from_db()
        evidence = Evidence.objects.get(dispute=story.case)
        if request.status == RequestStatus.ANSWERED:
            assert evidence.request_id == request.pk
        else:
            assert request.status == RequestStatus.TIMED_OUT
            assert evidence.request_id is None
        assert_consistent(story.case)
