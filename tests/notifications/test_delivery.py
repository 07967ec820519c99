"""From a timeline entry to notifications and mail, through the real worker."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from disputes import services
from notifications import tasks
from notifications.models import Notification
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def negotiation(run_tasks, settings):
    """A case waiting for the merchant, its opening already told."""
    settings.SITE_URL = "https://disputes.example.cn"
    story = f.case_in_state("negotiation")
    run_tasks()
    mail.outbox.clear()
    return story


def reject(story):
    services.dispute_reject(dispute=story.case, actor=story.merchant, reason="无")


def test_nothing_leaves_the_request_the_worker_delivers(negotiation, run_tasks):
    reject(negotiation)
    assert Notification.objects.filter(recipient=negotiation.buyer).count() == 0
    assert mail.outbox == []
    assert run_tasks() == 2  # the fan-out, then the buyer's mail
    note = Notification.objects.get(recipient=negotiation.buyer)
    assert (note.kind, note.case, note.read_at) == ("reject", negotiation.case, None)
    assert note.emailed_at is not None
    assert [m.to for m in mail.outbox] == [[negotiation.buyer.email]]


def test_mail_is_in_the_recipients_language_with_an_absolute_link(
    negotiation, run_tasks
):
    reject(negotiation)
    run_tasks()
    message = mail.outbox[0]
    number = negotiation.case.number
    assert message.subject == f"售后单 {number}：商家已拒绝"
    url = f"https://disputes.example.cn/disputes/{number}/"
    assert url in message.body
    html, kind = message.alternatives[0]
    assert kind == "text/html"
    assert f'href="{url}"' in html
    assert "https://disputes.example.cn/notifications/settings/" in message.body
    assert "reject" not in message.subject + message.body  # no raw action code


def test_an_english_reader_gets_english(negotiation, run_tasks):
    negotiation.buyer.language = "en"
    negotiation.buyer.save(update_fields=["language"])
    reject(negotiation)
    run_tasks()
    number = negotiation.case.number
    assert mail.outbox[0].subject == f"Case {number}: Merchant rejected"
    assert "Open the case" in mail.outbox[0].body


def test_agents_get_the_workbench_link(run_tasks, settings):
    settings.SITE_URL = "https://disputes.example.cn"
    story = f.case_in_state("verification")
    run_tasks()
    mail.outbox.clear()
    services.message_post(dispute=story.case, actor=story.buyer, body="在吗")
    run_tasks()
    to_agent = next(m for m in mail.outbox if m.to == [story.agent.email])
    path = f"/admin/disputes/dispute/{story.case.pk}/change/"
    assert f"https://disputes.example.cn{path}" in to_agent.body


def test_opting_out_stops_news_but_not_decisions(negotiation, run_tasks):
    buyer = negotiation.buyer
    buyer.email_updates = False
    buyer.save(update_fields=["email_updates"])
    services.message_post(
        dispute=negotiation.case, actor=negotiation.merchant, body="您好"
    )
    reject(negotiation)
    run_tasks()
    assert Notification.objects.filter(recipient=buyer).count() == 2  # both in-page
    assert len(mail.outbox) == 1
    assert "商家已拒绝" in mail.outbox[0].subject


def test_running_a_fan_out_twice_tells_each_person_once(negotiation, run_tasks):
    reject(negotiation)
    event = negotiation.case.events.order_by("-id").first()
    tasks.notify_case_event.enqueue(event.pk, None)  # a duplicate, as after a crash
    run_tasks()
    assert Notification.objects.filter(recipient=negotiation.buyer).count() == 1
    assert len(mail.outbox) == 1


def test_a_failing_mail_server_is_retried_with_back_off(negotiation, run_tasks):
    reject(negotiation)
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send",
        side_effect=ConnectionRefusedError("smtp down"),
    ):
        run_tasks()
    first = DBTaskResult.objects.get(
        task_path="notifications.tasks.mail_notification", status="FAILED"
    )
    assert "ConnectionRefusedError" in first.traceback
    retry = DBTaskResult.objects.get(
        task_path="notifications.tasks.mail_notification", status="READY"
    )
    assert retry.args_kwargs["kwargs"] == {"attempt": 2}
    wait = retry.run_after - timezone.now()
    assert timedelta(seconds=50) < wait <= timedelta(seconds=60)
    assert Notification.objects.get(recipient=negotiation.buyer).emailed_at is None
    assert run_tasks() == 0  # not due yet
    with time_machine.travel(timezone.now() + timedelta(minutes=2)):
        assert run_tasks() == 1
    assert [m.to for m in mail.outbox] == [[negotiation.buyer.email]]


def test_after_the_last_attempt_the_failure_stays_for_the_admin(negotiation, run_tasks):
    reject(negotiation)
    with mock.patch(
        "django.core.mail.EmailMultiAlternatives.send", side_effect=OSError("down")
    ):
        run_tasks()
        for minutes in (2, 5, 10, 20, 40):
            with time_machine.travel(timezone.now() + timedelta(minutes=minutes * 3)):
                run_tasks()
    attempts = DBTaskResult.objects.filter(
        task_path="notifications.tasks.mail_notification",
        args_kwargs__args=[Notification.objects.get(recipient=negotiation.buyer).pk],
    )
    assert sorted(a.args_kwargs["kwargs"].get("attempt", 1) for a in attempts) == [
        1, 2, 3, 4, 5, 6,
    ]  # fmt: skip
    assert set(attempts.values_list("status", flat=True)) == {"FAILED"}
    assert mail.outbox == []
