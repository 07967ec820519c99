"""The contract: (endpoint, role) -> status, and one error shape for every error."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests import factories as f

from .conftest import PNG, act, client_for, url

pytestmark = pytest.mark.django_db

ROLES = ["buyer", "merchant", "stranger_buyer", "stranger_merchant", "agent",
         "supervisor", "manager", "anonymous"]  # fmt: skip


def user_for(role: str, story):
    return {
        "buyer": lambda: story.buyer,
        "merchant": lambda: story.merchant,
        "stranger_buyer": f.buyer,
        "stranger_merchant": lambda: f.StoreFactory().owner,
        "agent": lambda: story.agent,
        "supervisor": lambda: story.supervisor,
        "manager": f.manager,
        "anonymous": lambda: None,
    }[role]()


def assert_error(response, status: int, code: str | None = None):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"message", "code", "errors"}, body
    assert isinstance(body["message"], str) and body["message"]
    if code:
        assert body["code"] == code


DETAIL = {"buyer": 200, "merchant": 200, "stranger_buyer": 404,
          "stranger_merchant": 404, "agent": 200, "supervisor": 200,
          "manager": 200, "anonymous": 401}  # fmt: skip


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("tail", ["", "messages", "evidence", "timeline"])
def test_case_reads_by_role(role, tail):
    story = f.case_in_state("negotiation")
    r = client_for(user_for(role, story)).get(url(story.case.number, tail))
    assert r.status_code == DETAIL[role]
    if r.status_code != 200:
        assert_error(r, DETAIL[role])


@pytest.mark.parametrize("role", ROLES)
def test_case_list_is_scoped(role):
    story = f.case_in_state("negotiation")
    f.case_in_state("negotiation")
    r = client_for(user_for(role, story)).get("/api/v1/disputes/")
    if role == "anonymous":
        return assert_error(r, 401, "not_authenticated")
    numbers = [c["number"] for c in r.json()["results"]]
    expected = {"buyer": 1, "merchant": 1, "stranger_buyer": 0, "stranger_merchant": 0}
    assert len(numbers) == expected.get(role, 2)


# (role, action) in negotiation after a rejection -> status
ACTION_MATRIX = [
    ("buyer", "request_intervention", {}, 200),
    ("merchant", "request_intervention", {}, 200),
    ("stranger_buyer", "request_intervention", {}, 404),
    ("stranger_merchant", "withdraw", {}, 404),
    ("agent", "withdraw", {}, 403),
    ("manager", "take", {}, 403),
    ("merchant", "withdraw", {}, 403),
    ("buyer", "accept", {}, 403),
    ("agent", "take", {}, 409),
    ("buyer", "appeal", {"reason": "x"}, 409),
    ("buyer", "accept_offer", {}, 409),
    ("merchant", "offer", {"amount": "500.00", "note": "x"}, 400),
    ("merchant", "offer", {"amount": "abc"}, 400),
    ("merchant", "offer", {}, 400),
    ("merchant", "reject", {"reason": ""}, 400),
    ("buyer", "no_such_action", {}, 404),
    ("anonymous", "withdraw", {}, 401),
]


@pytest.mark.parametrize(("role", "action", "data", "status"), ACTION_MATRIX)
def test_action_status_codes(role, action, data, status):
    story = f.case_in_state("negotiation")
    f.services.dispute_reject(dispute=story.case, actor=story.merchant, reason="否")
    r = act(client_for(user_for(role, story)), story.case.number, action, **data)
    assert r.status_code == status, r.content
    if status != 200:
        assert_error(r, status)


def test_bad_fields_name_the_field():
    story = f.case_in_state("negotiation")
    r = act(client_for(story.merchant), story.case.number, "offer", amount="abc")
    assert_error(r, 400, "invalid")
    assert "amount" in r.json()["errors"]
    r = act(client_for(story.merchant), story.case.number, "reject")
    assert r.json()["errors"] == {"reason": ["This field is required."]}


def test_rule_needs_a_rule_in_force():
    story = f.case_in_state("mediation")
    r = act(client_for(story.agent), story.case.number, "rule", outcome="merchant",
            liability="none", rule="nope", reasoning="x")  # fmt: skip
    assert_error(r, 400)
    assert "rule" in r.json()["errors"]


def test_only_the_assigned_agent_mediates():
    story = f.case_in_state("verification")
    r = act(client_for(f.agent()), story.case.number, "start_mediation")
    assert_error(r, 403, "permission_denied")


def test_stale_version_is_a_conflict():
    story = f.case_in_state("negotiation")
    r = act(client_for(story.merchant), story.case.number, "reject", reason="否",
            version=story.case.version + 5)  # fmt: skip
    assert_error(r, 409, "conflict")


def test_open_case_status_codes():
    order = f.OrderFactory()
    data = {"order": order.number, "reason": "quality", "remedy": "refund_only",
            "amount": "10.00", "description": "衣服有破洞"}  # fmt: skip
    post = lambda user, **kw: client_for(user).post(  # noqa: E731
        "/api/v1/disputes/", {**data, **kw}, format="json"
    )
    assert_error(post(order.store.owner), 403)
    assert_error(post(f.buyer()), 404)
    assert_error(post(order.buyer, amount="9999.00"), 400)
    assert_error(post(order.buyer, reason="bogus"), 400)
    assert_error(post(order.buyer, description=" "), 400, "invalid")
    assert post(order.buyer).status_code == 201
    assert_error(post(order.buyer), 409, "invalid_state")
    assert_error(post(None), 401)


def test_unknown_case_and_malformed_json():
    story = f.case_in_state("negotiation")
    client = client_for(story.buyer)
    assert_error(client.get(url("D-nope")), 404, "not_found")
    r = client.post(
        url(story.case.number, "messages"), "{bad json",
        content_type="application/json",
    )  # fmt: skip
    assert_error(r, 400, "parse_error")


def test_errors_speak_the_users_language():
    r = client_for(None).get("/api/v1/disputes/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert_error(r, 401)
    assert r.json()["message"] == "身份认证信息未提供。"
    r = client_for(None).get("/api/v1/disputes/", HTTP_ACCEPT_LANGUAGE="en")
    assert r.json()["message"] == "Authentication credentials were not provided."


def test_domain_errors_speak_the_users_language_too():
    story = f.case_in_state("negotiation")
    client = client_for(story.buyer)
    path = url(story.case.number, "actions/accept_offer")
    zh = client.post(path, {}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    en = client.post(path, {}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert zh.status_code == en.status_code == 409
    assert en.json()["message"] == "There is no offer to accept."
    assert zh.json()["message"] not in ("", en.json()["message"])
    assert all(ord(c) < 128 for c in en.json()["message"])
    assert any("\u4e00" <= c <= "\u9fff" for c in zh.json()["message"])


def test_evidence_upload_and_scoped_download():
    story = f.case_in_state("verification")
    number = story.case.number
    upload = SimpleUploadedFile("照片.png", PNG, content_type="image/png")
    r = client_for(story.buyer).post(
        url(number, "evidence"), {"file": upload, "description": "破洞"},
        format="multipart",
    )  # fmt: skip
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["content_type"] == "image/png"
    assert "/media/" not in body["download_url"]
    download = client_for(story.merchant).get(body["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG
    assert client_for(f.buyer()).get(body["download_url"]).status_code == 404
    listing = client_for(story.agent).get(url(number, "evidence")).json()
    assert [e["id"] for e in listing] == [body["id"]]


def test_evidence_rejects_a_bad_file_type():
    story = f.case_in_state("verification")
    upload = SimpleUploadedFile("x.exe", b"MZ\x90\x00" * 10)
    r = client_for(story.buyer).post(
        url(story.case.number, "evidence"), {"file": upload}, format="multipart"
    )
    assert_error(r, 400)
    assert "file" in r.json()["errors"]
    r = client_for(story.buyer).post(
        url(story.case.number, "evidence"), {}, format="multipart"
    )
    assert_error(r, 400)


def test_rules_in_force_for_everyone_signed_in():
    f.PlatformRuleFactory(code="r1", version=1)
    f.PlatformRuleFactory(code="r1", version=2, title="新版")
    r = client_for(f.buyer()).get("/api/v1/rules/")
    assert [(x["code"], x["version"]) for x in r.json()] == [("r1", 2)]
    assert_error(client_for(None).get("/api/v1/rules/"), 401)


def test_token_endpoint():
    user = f.buyer()
    r = client_for(None).post(
        "/api/v1/auth/token/", {"username": user.username, "password": f.PASSWORD},
        format="json",
    )  # fmt: skip
    assert r.status_code == 200 and r.json()["token"]
    bad = client_for(None).post(
        "/api/v1/auth/token/", {"username": user.username, "password": "x"},
        format="json",
    )  # fmt: skip
    assert_error(bad, 400)


def test_session_auth_works_too(client):
    user = f.buyer()
    client.force_login(user)
    assert client.get("/api/v1/disputes/").status_code == 200


def test_throttled_writes_answer_429(settings):
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "message": "2/hour"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": rates}  # fmt: skip
    story = f.case_in_state("negotiation")
    client = client_for(story.buyer)
    path = url(story.case.number, "messages")
    for _ in range(2):
        assert client.post(path, {"body": "hi"}, format="json").status_code == 201
    r = client.post(path, {"body": "hi"}, format="json")
    assert_error(r, 429, "throttled")
    assert int(r["Retry-After"]) > 0
    assert client.get(path).status_code == 200  # reads are not throttled
    other = client_for(story.merchant).post(path, {"body": "hi"}, format="json")
    assert other.status_code == 201  # per user


def test_schema_and_offline_docs(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn" not in docs.content.lower()


@pytest.mark.parametrize(
    "data",
    [{"body": 0}, {"body": "hi", "internal": 1}, {"body": "hi", "internal": "true"}],
)
def test_json_types_are_strict(data):
    story = f.case_in_state("negotiation")
    r = client_for(story.buyer).post(
        url(story.case.number, "messages"), data, format="json"
    )
    assert_error(r, 400)


def test_money_must_be_a_decimal_string():
    story = f.case_in_state("negotiation")
    r = act(client_for(story.merchant), story.case.number, "offer", amount=50)
    assert_error(r, 400)
    assert "amount" in r.json()["errors"]
