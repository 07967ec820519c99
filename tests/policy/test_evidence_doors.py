"""Evidence required to open, through every door.

A 生鲜 claim for damaged goods needs an unboxing video and a photo of the
express slip. The buyer's form, the API (JSON and multipart) and the agents'
intake all ask the same service question (`case_create` →
`evidence_refusal`): with the kinds the case opens with its files (SHA-256
kept at upload); without them, or with a file that is not what it claims to
be, nothing is stored — no case, no evidence row, no file on disk.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from core.errors import ValidationFailed
from disputes import services
from disputes.models import Dispute, Evidence
from tests.factories import (
    CategoryFactory,
    OrderFactory,
    StoreFactory,
    agent,
    policy_set,
)

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64
TEXT = b"just some words, not a photo"

# What the buyer sends in each case: (the "video" slot, the "slip" slot),
# each (file name, content) or None.
SENDS = {
    "present": (("open.mp4", MP4), ("slip.png", PNG)),
    "missing": (None, ("slip.png", PNG)),
    "wrong_type": (("open.mp4", PNG), ("slip.png", PNG)),  # a photo as the video
    "not_allowed": (("open.mp4", MP4), ("slip.txt", TEXT)),
}
CLAIM = {
    "reason": "damaged",
    "remedy": "refund_only",
    "amount": "50.00",
    "description": "到货时已经坏了",
}


def _upload(sent):
    name, content = sent
    return SimpleUploadedFile(name, content)


def _stored_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p) for p in root.rglob("*") if p.is_file())


def _fresh_order():
    CategoryFactory(code="fresh", name="生鲜")
    policy_set("fresh", required_evidence={"damaged": ["video", "express_slip"]})
    return OrderFactory(store=StoreFactory(category__code="fresh"))


def _form(client, order, video, slip):
    client.force_login(order.buyer)
    data = dict(CLAIM)
    if video:
        data["files"] = [_upload(video)]
    if slip:
        data["express_slip"] = _upload(slip)
    response = client.post(f"/disputes/new/?order={order.number}", data)
    if response.status_code == 302:
        return "opened", None
    errors = response.context["form"].errors
    return "refused", sorted(errors)


def _api_multipart(client, order, video, slip):
    client.force_login(order.buyer)
    files, kinds = [], []
    for sent, kind in ((video, "video"), (slip, "express_slip")):
        if sent:
            files.append(_upload(sent))
            kinds.append(kind)
    response = client.post(
        "/api/v1/disputes/",
        {"order": order.number, **CLAIM, "evidence": files, "evidence_kind": kinds},
    )
    if response.status_code == 201:
        assert set(response.json()) >= {"number", "state", "amount"}
        return "opened", None
    assert response.status_code == 400, response.content
    return "refused", sorted(response.json()["errors"])


def _api_json(client, order, video, slip):
    """JSON carries no files: a claim that needs evidence is always refused."""
    client.force_login(order.buyer)
    response = client.post(
        "/api/v1/disputes/",
        {"order": order.number, **CLAIM},
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    return "refused", sorted(response.json()["errors"])


def _intake(client, order, video, slip):
    client.force_login(agent())
    data = {"order": order.number, "channel": "phone", **CLAIM}
    if video:
        data["evidence_video"] = _upload(video)
    if slip:
        data["evidence_express_slip"] = _upload(slip)
    response = client.post(reverse("admin:disputes_dispute_open_for_buyer"), data)
    if response.status_code == 302:
        return "opened", None
    assert response.status_code == 200
    return "refused", sorted(response.context["form"].errors)


DOORS = {
    "form": _form,
    "api_json": _api_json,
    "api_multipart": _api_multipart,
    "intake": _intake,
}

# (door, what is sent) -> opened, or refused with errors on these fields.
TABLE = [
    ("form", "present", "opened", None),
    ("form", "missing", "refused", ["files"]),
    ("form", "wrong_type", "refused", ["files"]),
    ("form", "not_allowed", "refused", ["express_slip"]),
    ("api_json", "missing", "refused", ["evidence"]),
    ("api_multipart", "present", "opened", None),
    ("api_multipart", "missing", "refused", ["evidence"]),
    ("api_multipart", "wrong_type", "refused", ["evidence"]),
    ("api_multipart", "not_allowed", "refused", ["evidence"]),
    ("intake", "present", "opened", None),
    ("intake", "missing", "refused", ["__all__"]),
    ("intake", "wrong_type", "refused", ["__all__"]),
    ("intake", "not_allowed", "refused", ["evidence_express_slip"]),
]


@pytest.mark.parametrize(("door", "sends", "result", "fields"), TABLE)
def test_every_door_asks_the_same_question(client, door, sends, result, fields):
    order = _fresh_order()
    before = _stored_files()
    video, slip = SENDS[sends]
    assert DOORS[door](client, order, video, slip) == (result, fields)
    if result == "refused":
        assert not Dispute.objects.exists()
        assert not Evidence.objects.exists()
        assert _stored_files() == before
        return
    case = Dispute.objects.get()
    rows = {e.kind: e for e in case.evidence.all()}
    assert sorted(rows) == ["express_slip", "video"]
    assert rows["video"].sha256 == hashlib.sha256(MP4).hexdigest()
    assert rows["express_slip"].sha256 == hashlib.sha256(PNG).hexdigest()
    assert rows["video"].file.read() == MP4
    assert len(_stored_files()) == len(before) + 2
    assert case.buyer_id == order.buyer_id


def test_the_refusal_names_the_missing_kinds():
    """The API's 400: the field error says what to send."""
    order = _fresh_order()
    client = Client()
    outcome = _api_multipart(client, order, None, SENDS["missing"][1])
    assert outcome == ("refused", ["evidence"])
    response = client.post(
        "/api/v1/disputes/",
        {"order": order.number, **CLAIM},
        content_type="application/json",
    )
    assert response.json()["errors"]["evidence"] == [
        "This claim needs an unboxing video, a photo of the express slip before "
        "it can be opened."
    ]


@pytest.mark.parametrize(
    ("files", "kinds", "field"),
    [
        (1, [], "evidence_kind"),  # a file without its kind
        (1, ["video", "photo"], "evidence_kind"),  # more kinds than files
        (1, ["selfie"], "evidence_kind"),  # not a kind ("evidence_kind.0")
        (6, ["photo"] * 6, "evidence"),  # more than 5 files
    ],
)
def test_multipart_shape_errors_store_nothing(client, files, kinds, field):
    order = _fresh_order()
    client.force_login(order.buyer)
    response = client.post(
        "/api/v1/disputes/",
        {
            "order": order.number,
            **CLAIM,
            "evidence": [SimpleUploadedFile(f"{i}.png", PNG) for i in range(files)],
            "evidence_kind": kinds,
        },
    )
    assert response.status_code == 400
    assert {name.split(".")[0] for name in response.json()["errors"]} == {field}
    assert not Dispute.objects.exists()


def test_multipart_without_requirements_takes_items_as_json(client):
    """A claim with no required evidence opens by multipart as by JSON; the
    claimed items come as JSON text."""
    order = OrderFactory()
    item = order.items.first()
    client.force_login(order.buyer)
    response = client.post(
        "/api/v1/disputes/",
        {
            "order": order.number,
            **CLAIM,
            "amount": str(min(item.unit_price, Decimal("10.00"))),
            "items": f'[{{"item": {item.pk}, "quantity": 1}}]',
            "evidence": [SimpleUploadedFile("p.png", PNG)],
            "evidence_kind": ["photo"],
        },
    )
    assert response.status_code == 201, response.content
    case = Dispute.objects.get()
    assert list(case.claimed_items.values_list("order_item_id", "quantity")) == [
        (item.pk, 1)
    ]
    assert list(case.evidence.values_list("kind", flat=True)) == ["photo"]


@pytest.mark.parametrize(
    ("sends", "message"),
    [
        ("wrong_type", "open.mp4 is not an unboxing video."),
        (
            "not_allowed",
            "slip.txt: Upload a JPEG, PNG, GIF or WebP image, a PDF or an MP4 video.",
        ),
    ],
)
def test_a_refused_file_is_named(client, sends, message):
    order = _fresh_order()
    client.force_login(order.buyer)
    files = [_upload(sent) for sent in SENDS[sends]]
    response = client.post(
        "/api/v1/disputes/",
        {
            "order": order.number,
            **CLAIM,
            "evidence": files,
            "evidence_kind": ["video", "express_slip"],
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["evidence"] == [message]


def test_a_multipart_retry_with_the_same_key_opens_one_case(client):
    order = _fresh_order()
    client.force_login(order.buyer)
    before = _stored_files()

    def send():
        return client.post(
            "/api/v1/disputes/",
            {
                "order": order.number,
                **CLAIM,
                "evidence": [_upload(sent) for sent in SENDS["present"]],
                "evidence_kind": ["video", "express_slip"],
            },
            HTTP_IDEMPOTENCY_KEY="open-fresh-1",
        )

    first, again = send(), send()
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["number"] == again.json()["number"]
    assert Dispute.objects.count() == 1 and Evidence.objects.count() == 2
    assert len(_stored_files()) == len(before) + 2


def test_the_intake_page_lists_the_orders_requirements(client):
    order = _fresh_order()
    client.force_login(agent())
    url = reverse("admin:disputes_dispute_open_for_buyer")
    page = client.get(f"{url}?order={order.number}", HTTP_ACCEPT_LANGUAGE="en")
    body = page.content.decode()
    assert 'data-testid="required-evidence"' in body
    assert "an unboxing video, a photo of the express slip" in body
    assert 'name="evidence_video"' in body and 'enctype="multipart/form-data"' in body
    plain = client.get(f"{url}?order={OrderFactory().number}").content.decode()
    assert 'data-testid="required-evidence"' not in plain


@pytest.mark.parametrize("items", ["nope", '{"item": 1}', '[{"item": "x"}]'])
def test_multipart_items_must_be_a_json_list_of_items(client, items):
    order = OrderFactory()
    client.force_login(order.buyer)
    response = client.post(
        "/api/v1/disputes/", {"order": order.number, **CLAIM, "items": items}
    )
    assert response.status_code == 400
    assert {n.split(".")[0] for n in response.json()["errors"]} == {"items"}
    assert not Dispute.objects.exists()


@pytest.mark.parametrize(
    ("kind", "content", "error"),
    [
        ("selfie", PNG, "slip.png: Choose what the file shows."),
        ("video", PNG, "slip.png is not an unboxing video."),
        (
            "photo",
            TEXT,
            "slip.png: Upload a JPEG, PNG, GIF or WebP image, a PDF or an MP4 video.",
        ),
    ],
)
def test_the_service_checks_each_declared_file(kind, content, error):
    """The service's own check, whatever door the file came through."""
    order = OrderFactory()
    upload = services.EvidenceFile(
        file=SimpleUploadedFile("slip.png", content), kind=kind
    )
    with translation.override("en"), pytest.raises(ValidationFailed) as refused:
        services.dispute_open(
            actor=order.buyer,
            order=order,
            reason="quality",
            remedy="refund_only",
            amount=Decimal("10.00"),
            description="有破洞",
            evidence=[upload],
        )
    assert refused.value.errors == {"evidence": [error]}
    assert not Dispute.objects.exists()
