"""The role matrix: every workbench page, every role -> HTTP status."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from disputes import services
from disputes.models import CannedReply
from tests import factories as f

from .conftest import ROLE_MAKERS

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

# page -> expected status for: anonymous, buyer, merchant, agent, supervisor, manager
OUT = 302  # not signed in or not staff: sent to the admin login
MATRIX = {
    "index":             (OUT, OUT, OUT, 200, 200, 200),
    "case_list":         (OUT, OUT, OUT, 200, 200, 200),
    "case_page":         (OUT, OUT, OUT, 200, 200, 200),
    "take_form":         (OUT, OUT, OUT, 200, 200, 403),
    "assign_form":       (OUT, OUT, OUT, 302, 200, 403),  # agent: refused -> message
    "evidence":          (OUT, OUT, OUT, 200, 200, 200),
    "store_list":        (OUT, OUT, OUT, 200, 200, 200),
    "store_page":        (OUT, OUT, OUT, 200, 200, 200),
    "store_review_form": (OUT, OUT, OUT, 200, 200, 403),
    "rule_list":         (OUT, OUT, OUT, 200, 200, 200),
    "rule_add":          (OUT, OUT, OUT, 200, 200, 403),
    "rule_page":         (OUT, OUT, OUT, 200, 200, 200),
    "canned_list":       (OUT, OUT, OUT, 200, 200, 200),
    "canned_add":        (OUT, OUT, OUT, 200, 200, 403),
    "order_list":        (OUT, OUT, OUT, 200, 200, 200),
    "order_page":        (OUT, OUT, OUT, 200, 200, 200),
    "refund_list":       (OUT, OUT, OUT, 200, 200, 200),
    "user_list":         (OUT, OUT, OUT, 200, 200, 200),
    "ruling_list":       (OUT, OUT, OUT, 200, 200, 200),
    "appeal_list":       (OUT, OUT, OUT, 200, 200, 200),
    "case_delete":       (OUT, OUT, OUT, 403, 403, 403),
    "rule_delete":       (OUT, OUT, OUT, 403, 403, 403),
    "refund_add":        (OUT, OUT, OUT, 403, 403, 403),
}  # fmt: skip
ROLES = ("anonymous", "buyer", "merchant", "agent", "supervisor", "manager")


@pytest.fixture
def world():
    complaint = f.case_in_state("complaint")
    ruled = f.case_in_state("ruled")
    mediation = f.case_in_state("mediation")
    evidence = services.evidence_upload(
        dispute=complaint.case, actor=complaint.buyer,
        file=SimpleUploadedFile("a.png", PNG, "image/png"),
    )  # fmt: skip
    refund = ruled.case.refunds.first()
    canned = CannedReply.objects.create(title="hi", body="hello")
    case = complaint.case
    store = case.store
    return {
        "index": "/admin/",
        "case_list": "/admin/disputes/dispute/",
        "case_page": f"/admin/disputes/dispute/{case.pk}/change/",
        "take_form": f"/admin/disputes/dispute/{case.pk}/act/take/",
        "assign_form": f"/admin/disputes/dispute/{mediation.case.pk}/act/assign/",
        "evidence": f"/admin/disputes/dispute/evidence/{evidence.pk}/",
        "store_list": "/admin/stores/store/",
        "store_page": f"/admin/stores/store/{store.pk}/change/",
        "store_review_form": f"/admin/stores/store/{store.pk}/review/suspend/",
        "rule_list": "/admin/disputes/platformrule/",
        "rule_add": "/admin/disputes/platformrule/add/",
        "rule_page": f"/admin/disputes/platformrule/{complaint.rule.pk}/change/",
        "canned_list": "/admin/disputes/cannedreply/",
        "canned_add": "/admin/disputes/cannedreply/add/",
        "order_list": "/admin/orders/order/",
        "order_page": f"/admin/orders/order/{case.order_id}/change/",
        "refund_list": f"/admin/orders/refund/?id={refund.pk}",
        "user_list": "/admin/accounts/user/",
        "ruling_list": "/admin/disputes/ruling/",
        "appeal_list": "/admin/disputes/appeal/",
        "case_delete": f"/admin/disputes/dispute/{case.pk}/delete/",
        "rule_delete": f"/admin/disputes/platformrule/{complaint.rule.pk}/delete/",
        "refund_add": "/admin/orders/refund/add/",
        "canned": canned,
    }


@pytest.mark.parametrize("role_index,role", list(enumerate(ROLES)))
def test_role_matrix(world, login, role_index, role):
    user = None if role == "anonymous" else ROLE_MAKERS[role]()
    client = login(user)
    got = {page: client.get(world[page]).status_code for page in MATRIX}
    want = {page: statuses[role_index] for page, statuses in MATRIX.items()}
    assert got == want


def test_a_buyer_made_staff_by_mistake_still_sees_nothing(world, login):
    user = f.buyer()
    user.is_staff = True
    user.save()
    client = login(user)
    assert client.get(world["case_list"]).status_code == 403
    assert client.get(world["case_page"]).status_code in (403, 404)
    assert client.get(world["evidence"]).status_code == 404
    index = client.get("/admin/")
    assert b"wb-card" not in index.content


def test_buyers_and_merchants_are_not_staff():
    assert not f.buyer().is_staff
    assert not f.merchant().is_staff
    assert f.agent().is_staff
