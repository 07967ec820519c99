"""Retention: records are kept three years after close; only then purged."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from core.errors import InvalidTransition
from disputes import services
from disputes.models import Dispute, DisputeEvent, Evidence, Message
from disputes.services.retention import case_record_purge, retention_cutoff
from tests.factories import case_in_state

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _closed(days_ago_beyond_retention: float):
    """A closed case whose close lies `days` before (negative: after) the cutoff."""
    story = case_in_state("verification")
    evidence = services.evidence_upload(
        dispute=story.case,
        actor=story.buyer,
        file=SimpleUploadedFile("p.png", PNG, content_type="image/png"),
        description="破损照片",
    )
    services.message_post(dispute=story.case, actor=story.buyer, body="张三 138xxxx")
    cutoff = retention_cutoff(timezone.now(), 3)
    Dispute.objects.filter(pk=story.case.pk).update(
        state="closed",
        closed_at=cutoff - timedelta(days=days_ago_beyond_retention),
    )
    return story, evidence


def _untouched(story, evidence) -> bool:
    case = Dispute.objects.get(pk=story.case.pk)
    ev = Evidence.objects.get(pk=evidence.pk)
    return (
        case.record_purged_at is None
        and case.description == "衣服有破洞"
        and ev.original_name == "p.png"
        and ev.file.storage.exists(ev.file.name)
        and Message.objects.filter(dispute=case, body="张三 138xxxx").exists()
    )


@pytest.mark.parametrize(
    "days_beyond,purged",
    [(-1, False), (-0.01, False), (0.01, True), (400, True)],
    ids=["a day inside", "minutes inside", "minutes past", "a year past"],
)
def test_purge_only_after_three_years(days_beyond, purged):
    story, evidence = _closed(days_beyond)
    call_command("purge_case_records")
    assert _untouched(story, evidence) is not purged


def test_an_open_case_is_never_purged_however_old():
    story, evidence = _closed(400)
    Dispute.objects.filter(pk=story.case.pk).update(state="verification")
    call_command("purge_case_records")
    assert _untouched(story, evidence)
    with pytest.raises(InvalidTransition):
        case_record_purge(dispute=story.case)


def test_the_service_refuses_a_case_inside_retention():
    story, evidence = _closed(-30)
    with pytest.raises(InvalidTransition):
        case_record_purge(dispute=story.case)
    assert _untouched(story, evidence)


def test_a_dry_run_changes_nothing(capsys):
    story, evidence = _closed(10)
    call_command("purge_case_records", "--dry-run")
    assert f"would purge {story.case.number}" in capsys.readouterr().out
    assert _untouched(story, evidence)


def test_purging_erases_texts_and_files_and_keeps_the_facts():
    story, evidence = _closed(10)
    name = evidence.file.name
    call_command("purge_case_records")
    case = Dispute.objects.get(pk=story.case.pk)
    ev = Evidence.objects.get(pk=evidence.pk)
    assert case.record_purged_at is not None and case.description == ""
    assert not ev.file and ev.original_name == "" and not ev.file.storage.exists(name)
    assert ev.sha256 and ev.size  # the hash and size stay
    assert not DisputeEvent.objects.filter(dispute=case).exclude(note="").exists()
    assert case.amount == story.case.amount and case.state == "closed"
    call_command("verify_case_chain")  # a purged case is skipped, not broken


@pytest.mark.parametrize("years", [0, 2])
def test_a_retention_under_three_years_is_refused(settings, years):
    settings.RECORD_RETENTION_YEARS = years
    story, evidence = _closed(10)
    with pytest.raises(CommandError, match="at least 3 years"):
        call_command("purge_case_records")
    assert _untouched(story, evidence)


def test_a_longer_retention_keeps_more(settings):
    settings.RECORD_RETENTION_YEARS = 5
    story, evidence = _closed(400)  # closed 4 years ago
    call_command("purge_case_records")
    assert _untouched(story, evidence)
