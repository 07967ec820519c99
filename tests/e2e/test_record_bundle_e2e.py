"""The case record bundle in a real Chromium: the link on the case page (zh-hans,
phone and desktop) downloads a ZIP whose manifest matches its files.
Screenshots: test-results/screenshots/record-bundle-*.png.
"""

from __future__ import annotations

import hashlib
import json
import os
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from disputes import services
from tests import factories as f

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 256


@pytest.mark.parametrize("width", [375, 1280])
def test_the_buyer_downloads_the_case_record(live_server, new_page, shot, width):
    story = f.case_in_state("verification")
    services.evidence_upload(
        dispute=story.case,
        actor=story.buyer,
        file=SimpleUploadedFile("照片.png", PNG, content_type="image/png"),
    )
    page = new_page(locale="zh-CN", width=width, height=800)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", story.buyer.username)
    page.fill("#id_password", f.PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/disputes/")
    page.goto(f"{live_server.url}/disputes/{story.case.number}/")
    link = page.get_by_test_id("bundle-link")
    assert link.inner_text() == "下载案件记录（ZIP）"
    assert link.is_visible()
    shot(page, f"record-bundle-{width}")
    with page.expect_download() as waiting:
        link.click()
    download = waiting.value
    assert download.suggested_filename == f"{story.case.number}-record.zip"
    with zipfile.ZipFile(download.path()) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        for row in manifest["files"]:
            assert (
                hashlib.sha256(archive.read(row["name"])).hexdigest() == row["sha256"]
            )
        assert "案件记录" in archive.read("record.html").decode()
