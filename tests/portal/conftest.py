"""Fixtures for the buyer and merchant pages: one case and people around it."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from disputes import services
from tests import factories as f

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n" + b"0" * 64


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def exe(name: str = "evil.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, b"MZ\x90\x00 not an image", content_type="image/png"
    )


@dataclass
class World:
    story: f.Story
    fresh_order: object
    evidence: object
    users: dict


@pytest.fixture
def world(db) -> World:
    """A negotiation case with a buyer's photo, a fresh order, and one of each role."""
    story = f.case_in_state("negotiation")
    evidence = services.evidence_upload(
        dispute=story.case, actor=story.buyer, file=png(), description="破洞"
    )
    fresh = f.OrderFactory(buyer=story.buyer, store=story.case.store)
    users = {
        "anonymous": None,
        "buyer": story.buyer,
        "other_buyer": f.buyer(),
        "merchant": story.merchant,
        "other_merchant": f.StoreFactory().owner,
        "agent": story.agent,
        "supervisor": story.supervisor,
        "manager": f.manager(),
    }
    return World(story, fresh, evidence, users)


@pytest.fixture
def login(client):
    """Sign the test client in as a user (None stays anonymous)."""

    def _login(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return _login
