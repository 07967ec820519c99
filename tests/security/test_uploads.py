"""Hostile uploads are refused, or kept and handed back so they cannot run."""

from __future__ import annotations

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from core.uploads import image_dimensions, safe_download_name
from disputes.models import Evidence
from tests import factories as f
from tests.api.conftest import PNG, client_for, url

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
POLYGLOT = PNG + b"<html><script>alert(document.cookie)</script></html>"
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120 + b"This program cannot be run"
HTML = b"<!DOCTYPE html><html><body onload=alert(1)></body></html>"


def png_of(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
    )


@pytest.fixture
def story():
    return f.case_in_state("verification")


def upload(story, name: str, content: bytes):
    return client_for(story.buyer).post(
        url(story.case.number, "evidence"),
        {"file": SimpleUploadedFile(name, content), "description": name},
        format="multipart",
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("drawing.svg", SVG),
        ("photo.png", SVG),
        ("photo.jpg", EXE),
        ("setup.exe", EXE),
        ("page.html", HTML),
        ("bomb.png", png_of(100_000, 100_000)),
        ("wide.png", png_of(60_000, 10)),
    ],
)
def test_dangerous_files_are_refused(story, name, content):
    response = upload(story, name, content)
    assert response.status_code == 400
    assert not Evidence.objects.exists()


def test_an_oversized_file_is_refused(story, settings):
    settings.EVIDENCE_MAX_BYTES = 1024
    assert upload(story, "big.png", PNG + b"\x00" * 2048).status_code == 400


def test_a_body_over_the_request_cap_is_413(story, settings):
    settings.MAX_REQUEST_BODY_BYTES = 1024
    assert upload(story, "big.png", PNG + b"\x00" * 2048).status_code == 413


def test_a_normal_sized_image_is_accepted(story):
    assert upload(story, "ok.png", png_of(1200, 800)).status_code == 201


def test_a_png_html_polyglot_named_html_is_served_as_a_png_attachment(story):
    created = upload(story, "report.html", POLYGLOT)
    assert created.status_code == 201
    evidence = Evidence.objects.get()
    assert evidence.content_type == "image/png"
    for response in (
        client_for(story.buyer).get(created.json()["download_url"]),
        portal(story.buyer).get(
            f"/disputes/{story.case.number}/evidence/{evidence.pk}/"
        ),
    ):
        assert response.status_code == 200
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment")
        assert 'filename="report.png"' in disposition
        assert ".html" not in disposition
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]


def portal(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_only_images_and_pdfs_are_ever_inline(story):
    upload(story, "report.html", POLYGLOT)
    evidence = Evidence.objects.get()
    shown = portal(story.buyer).get(
        f"/disputes/{story.case.number}/evidence/{evidence.pk}/?inline=1"
    )
    assert shown["Content-Disposition"].startswith("inline")
    assert "sandbox" in shown["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("original", "extension", "offered"),
    [
        ("report.html", ".png", "report.png"),
        ("photo.jpg.exe", ".jpg", "photo.jpg"),
        ("../../etc/passwd", ".pdf", "passwd.pdf"),
        ("C:\\Users\\a\\发票.PDF", ".pdf", "发票.pdf"),
        ('a"b;c\r\n.png', ".png", "a_b_c.png"),
        ("", ".mp4", "evidence.mp4"),
        (".htaccess", ".png", "evidence.png"),
    ],
)
def test_download_names_take_the_sniffed_extension(original, extension, offered):
    assert safe_download_name(original, extension) == offered


def test_image_dimensions_are_read_from_headers():
    assert image_dimensions(png_of(640, 480)) == (640, 480)
    assert image_dimensions(b"GIF89a" + struct.pack("<HH", 30, 20)) == (30, 20)
    assert image_dimensions(b"%PDF-1.7") is None
