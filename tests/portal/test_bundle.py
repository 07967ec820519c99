"""The case bundle at /disputes/<number>/bundle/: contents, hashes, access, queries."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disputes import services
from tests import factories as f

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 4096
PDF = b"%PDF-1.4\n" + b"0" * 64
SECRET = "疑似职业索赔，内部核查"


def _upload(name, data, kind):
    return SimpleUploadedFile(name, data, content_type=kind)


@pytest.fixture
def story():
    story = f.case_in_state("verification")
    case = story.case
    services.message_post(dispute=case, actor=story.buyer, body="收到的杯子碎了")
    services.evidence_upload(
        dispute=case, actor=story.buyer, file=_upload("杯子.png", PNG, "image/png")
    )
    services.evidence_upload(
        dispute=case, actor=story.merchant, file=_upload("发货单.pdf", PDF, "x")
    )
    services.message_post(dispute=case, actor=story.agent, body=SECRET, internal=True)
    return story


def _bundle(client, user, number):
    client.force_login(user)
    response = client.get(f"/disputes/{number}/bundle/")
    if response.status_code != 200:
        return response.status_code, None
    assert response.streaming
    assert response["Content-Type"] == "application/zip"
    assert f"{number}-record.zip" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    return 200, zipfile.ZipFile(io.BytesIO(data))


def test_the_manifest_matches_every_file_in_the_zip(client, story):
    _status, archive = _bundle(client, story.buyer, story.case.number)
    manifest = json.loads(archive.read("manifest.json"))
    listed = {row["name"]: row["sha256"] for row in manifest["files"]}
    members = set(archive.namelist()) - {"manifest.json", "SHA256SUMS"}
    assert set(listed) == members
    for name in members:
        assert hashlib.sha256(archive.read(name)).hexdigest() == listed[name]
    sums = archive.read("SHA256SUMS").decode().splitlines()
    assert sorted(sums) == sorted(f"{d}  {n}" for n, d in listed.items())
    assert archive.testzip() is None


def test_files_keep_their_original_bytes_and_upload_hashes(client, story):
    _status, archive = _bundle(client, story.buyer, story.case.number)
    files = sorted(n for n in archive.namelist() if n.startswith("files/"))
    assert [n.rsplit("-", 1)[1] for n in files] == ["杯子.png", "发货单.pdf"]
    assert archive.read(files[0]) == PNG and archive.read(files[1]) == PDF
    manifest = json.loads(archive.read("manifest.json"))
    for row in manifest["files"]:
        if row["name"].startswith("files/"):
            assert row["sha256"] == row["sha256_at_upload"]


def test_the_chain_head_is_in_the_timeline_and_manifest(client, story):
    _status, archive = _bundle(client, story.agent, story.case.number)
    case = type(story.case).objects.get(pk=story.case.pk)
    timeline = json.loads(archive.read("timeline.json"))
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["chain"] == {"length": case.record_length, "head": case.record_head}
    assert timeline["case"]["chain"] == manifest["chain"]
    assert timeline["entries"][-1]["entry_hash"] == case.record_head  # staff: all
    assert [e["seq"] for e in timeline["entries"]] == list(
        range(1, case.record_length + 1)
    )


@pytest.mark.parametrize("who", ["buyer", "merchant"])
def test_a_party_bundle_never_holds_internal_notes(client, story, who):
    _status, archive = _bundle(client, getattr(story, who), story.case.number)
    for name in archive.namelist():
        assert SECRET not in archive.read(name).decode("utf-8", "replace")
    entries = json.loads(archive.read("timeline.json"))["entries"]
    assert "internal_note" not in {e["action"] for e in entries}
    assert all("internal" not in e for e in entries)


def test_staff_bundle_holds_the_internal_note(client, story):
    _status, archive = _bundle(client, story.agent, story.case.number)
    assert SECRET in archive.read("timeline.json").decode()


def test_the_printable_page_speaks_the_reader_language(client, story):
    client.cookies["django_language"] = "zh-hans"
    _status, archive = _bundle(client, story.buyer, story.case.number)
    page = archive.read("record.html").decode()
    assert "案件记录" in page and "verification" not in page
    assert story.case.get_reason_display() not in ("", story.case.reason)


@pytest.mark.parametrize(
    "who,status",
    [
        ("buyer", 200),
        ("merchant", 200),
        ("agent", 200),
        ("other_buyer", 404),
        ("other_merchant", 404),
    ],
)
def test_only_the_parties_and_staff_get_the_bundle(client, story, who, status):
    users = {
        "buyer": story.buyer,
        "merchant": story.merchant,
        "agent": story.agent,
        "other_buyer": f.buyer(),
        "other_merchant": f.StoreFactory().owner,
    }
    assert _bundle(client, users[who], story.case.number)[0] == status


def test_signed_out_goes_to_sign_in(client, story):
    response = client.get(f"/disputes/{story.case.number}/bundle/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def _count(client, number) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(f"/disputes/{number}/bundle/")
        b"".join(response.streaming_content)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["buyer", "agent"])
def test_bundle_queries_do_not_grow_with_the_timeline(client, story, who):
    user = getattr(story, who)
    client.force_login(user)
    before = _count(client, story.case.number)
    for i in range(6):
        services.message_post(dispute=story.case, actor=story.buyer, body=f"补充{i}")
        services.evidence_upload(
            dispute=story.case,
            actor=story.buyer,
            file=_upload(f"p{i}.png", PNG, "image/png"),
        )
    assert _count(client, story.case.number) == before
    # session, user, groups (role), the case with its order, store and
    # people, the visible timeline with its files: 5 whatever its length.
    assert before == 5, before


def test_the_case_pages_link_to_the_bundle(client, story):
    client.force_login(story.buyer)
    page = client.get(f"/disputes/{story.case.number}/").content.decode()
    assert f'href="/disputes/{story.case.number}/bundle/"' in page
    client.force_login(story.agent)
    page = client.get(
        f"/admin/disputes/dispute/{story.case.pk}/change/"
    ).content.decode()
    assert f'href="/disputes/{story.case.number}/bundle/"' in page
