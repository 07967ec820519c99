"""The case record proves itself: hashes at upload, the chain, verify_case_chain."""

from __future__ import annotations

import hashlib
import itertools
import threading
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, connections

from disputes import services
from disputes.models import Dispute, DisputeEvent, Evidence
from disputes.record_chain import GENESIS
from disputes.services.chain import cases_seal
from tests.conftest import postgres_only
from tests.factories import case_in_state

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _case_with_file():
    story = case_in_state("verification")
    services.message_post(dispute=story.case, actor=story.buyer, body="请尽快处理")
    evidence = services.evidence_upload(
        dispute=story.case,
        actor=story.buyer,
        file=SimpleUploadedFile("照片.png", PNG, content_type="image/png"),
        description="破损照片",
    )
    services.message_post(
        dispute=story.case, actor=story.agent, body="核实中", internal=True
    )
    return story, evidence


def _verify(*args):
    """(exit code, stderr text) of verify_case_chain."""
    try:
        call_command("verify_case_chain", *args)
    except CommandError as exc:
        return exc.returncode, str(exc)
    return 0, ""


def _broken(capsys, *args):
    code, _message = _verify(*args)
    return code, capsys.readouterr().err


def test_an_upload_stores_the_sha256_of_its_bytes():
    _story, evidence = _case_with_file()
    assert evidence.sha256 == hashlib.sha256(PNG).hexdigest()


def test_entries_are_numbered_and_chained_from_genesis():
    story, _evidence = _case_with_file()
    entries = list(DisputeEvent.objects.filter(dispute=story.case).order_by("seq"))
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0].prev_hash == GENESIS
    for before, after in itertools.pairwise(entries):
        assert after.prev_hash == before.entry_hash
    case = Dispute.objects.get(pk=story.case.pk)
    assert (case.record_length, case.record_head) == (
        len(entries),
        entries[-1].entry_hash,
    )


def test_an_intact_record_verifies(capsys):
    story, _evidence = _case_with_file()
    assert _broken(capsys, story.case.number) == (0, "")
    assert _broken(capsys) == (0, "")


@pytest.mark.parametrize(
    "change",
    [
        {"note": "改过的留言"},
        {"amount": "1.00"},
        {"actor_role": "agent"},
        {"created_at_shift": True},
        {"internal": True},
    ],
)
def test_a_changed_entry_is_named(capsys, change):
    story, _evidence = _case_with_file()
    entry = DisputeEvent.objects.get(dispute=story.case, action="message")
    if change.pop("created_at_shift", False):
        change["created_at"] = entry.created_at - timedelta(seconds=1)
    DisputeEvent.objects.filter(pk=entry.pk).update(**change)
    code, err = _broken(capsys, story.case.number)
    assert code == 1
    assert f"entry #{entry.seq} (id {entry.pk}): entry content changed" in err


def test_a_deleted_entry_is_named(capsys):
    story, _evidence = _case_with_file()
    entry = DisputeEvent.objects.get(dispute=story.case, action="message")
    DisputeEvent.objects.filter(pk=entry.pk).delete()
    code, err = _broken(capsys, story.case.number)
    assert code == 1
    assert f"entry #{entry.seq} is missing (deleted)" in err


def test_deleting_the_newest_entry_is_caught_by_the_head(capsys):
    story, _evidence = _case_with_file()
    last = DisputeEvent.objects.filter(dispute=story.case).order_by("-seq").first()
    DisputeEvent.objects.filter(pk=last.pk).delete()
    code, err = _broken(capsys, story.case.number)
    assert code == 1
    assert "later entries deleted" in err


def test_reordered_entries_are_caught(capsys):
    story, _evidence = _case_with_file()
    first, second = DisputeEvent.objects.filter(dispute=story.case).order_by("seq")[1:3]
    DisputeEvent.objects.filter(pk=first.pk).update(seq=None)
    DisputeEvent.objects.filter(pk=second.pk).update(seq=first.seq)
    DisputeEvent.objects.filter(pk=first.pk).update(seq=second.seq)
    code, err = _broken(capsys, story.case.number)
    assert code == 1
    assert f"entry #{first.seq} (id {second.pk})" in err


def test_a_changed_file_is_named(capsys):
    story, evidence = _case_with_file()
    with evidence.file.open("wb") as handle:
        handle.write(PNG + b"tampered")
    entry = DisputeEvent.objects.get(evidence=evidence)
    code, err = _broken(capsys, story.case.number)
    assert code == 1
    assert f"entry #{entry.seq} (id {entry.pk}): file" in err and "changed" in err
    assert _broken(capsys, story.case.number, "--skip-files") == (0, "")


def test_a_changed_file_hash_breaks_the_entry(capsys):
    story, evidence = _case_with_file()
    Evidence.objects.filter(pk=evidence.pk).update(sha256="0" * 64)
    code, err = _broken(capsys, story.case.number, "--skip-files")
    assert code == 1 and "entry content changed" in err


def test_all_cases_names_only_the_broken_one(capsys):
    good, _e = _case_with_file()
    bad, _e2 = _case_with_file()
    DisputeEvent.objects.filter(dispute=bad.case, seq=1).update(note="x")
    code, err = _broken(capsys)
    assert code == 1
    assert bad.case.number in err and good.case.number not in err


def test_an_unknown_case_is_an_error():
    with pytest.raises(CommandError):
        call_command("verify_case_chain", "D-NOPE")


def test_sealing_chains_entries_written_before_the_chain(capsys):
    story, _evidence = _case_with_file()
    DisputeEvent.objects.filter(dispute=story.case).update(
        seq=None, prev_hash="", entry_hash=""
    )
    Dispute.objects.filter(pk=story.case.pk).update(record_length=0, record_head="")
    assert _broken(capsys, story.case.number)[0] == 1
    assert cases_seal(Dispute, DisputeEvent) == 1
    assert _broken(capsys, story.case.number) == (0, "")
    assert cases_seal(Dispute, DisputeEvent) == 0  # sealed cases are left alone


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain(capsys):
    story = case_in_state("verification")
    barrier, errors = threading.Barrier(4), []

    def write(n: int) -> None:
        try:
            barrier.wait()
            for i in range(5):
                services.message_post(
                    dispute=story.case, actor=story.buyer, body=f"消息 {n}-{i}"
                )
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    seqs = list(
        DisputeEvent.objects.filter(dispute=story.case)
        .order_by("seq")
        .values_list("seq", flat=True)
    )
    assert seqs == list(range(1, len(seqs) + 1))
    assert _broken(capsys, story.case.number) == (0, "")
    assert connection.vendor == "postgresql"
