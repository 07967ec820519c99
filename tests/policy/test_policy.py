"""Policy versions: resolution by level, versions in time, required evidence,
terms kept to the end of a case, small claims refunded at once."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.errors import ValidationFailed
from disputes import services
from disputes.choices import Resolution, State
from disputes.models import Dispute, Evidence, PolicyVersion
from disputes.models.policy import VALUES, platform_defaults
from disputes.policy import case_policy, order_policy, policy_in_force, resolve
from disputes.services.policies import policy_publish
from orders.models import OrderStatus
from tests.factories import (
    CategoryFactory,
    OrderFactory,
    StoreFactory,
    agent,
    policy_set,
    supervisor,
)

pytestmark = pytest.mark.django_db
D = Decimal
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
MP4 = b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64

# One value per name that differs from the default, per level.
SAMPLES = {
    "int": (11, 12, 13, 14),
    "bool": (False, True, False, True),
    "money": ("1.50", "2.50", "3.50", "4.50"),
    "choice": ("auto_refund", "complaint", "auto_refund", "complaint"),
    "evidence": (
        {"damaged": ["photo"]},
        {"damaged": ["video"]},
        {"damaged": ["express_slip"]},
        {"damaged": ["photo", "video"]},
    ),
}
LEVELS = ["platform", "region", "category", "category_region"]
SCOPES = {
    "platform": ("", ""),
    "region": ("", "新疆"),
    "category": ("fresh", ""),
    "category_region": ("fresh", "新疆"),
}


def _expected(name: str, raw):
    kind = VALUES[name][0]
    if kind == "money":
        return D(raw)
    if kind == "evidence":
        return {r: tuple(k) for r, k in raw.items()}
    return raw


@pytest.mark.parametrize("name", sorted(VALUES))
@pytest.mark.parametrize("deepest", range(4))
def test_resolution_table(name, deepest):
    """Each value set at the levels up to `deepest`: the most specific wins,
    and its source names that level and the version; other scopes fall back."""
    samples = SAMPLES[VALUES[name][0]]
    entries = [
        {
            "category": SCOPES[level][0],
            "region": SCOPES[level][1],
            "values": {name: samples[i]},
        }
        for i, level in enumerate(LEVELS[: deepest + 1])
    ]
    version = PolicyVersion.objects.create(
        version=7, effective_from=timezone.now(), entries=entries
    )
    policy = resolve(version, "fresh", "新疆")
    assert getattr(policy, name) == _expected(name, samples[deepest])
    assert (policy.sources[name].level, policy.sources[name].version) == (
        LEVELS[deepest],
        7,
    )
    # Another category in another region sees only the platform entry.
    other = resolve(version, "apparel", "浙江")
    assert getattr(other, name) == _expected(name, samples[0])
    assert other.sources[name].level == "platform"
    # No version at all: the platform default from settings.
    bare = resolve(None, "fresh", "新疆")
    assert getattr(bare, name) == platform_defaults()[name] or (
        name == "required_evidence" and bare.required_evidence == {}
    )
    assert bare.sources[name].version is None


def test_versions_before_and_after_their_effective_date():
    now = timezone.now()
    policy_set("fresh", at=now - timedelta(days=30), after_sales_days=7)
    policy_set("fresh", at=now + timedelta(days=8), after_sales_days=5)
    before = policy_in_force("fresh", "浙江", now)
    after = policy_in_force("fresh", "浙江", now + timedelta(days=9))
    assert (before.after_sales_days, after.after_sales_days) == (7, 5)
    assert after.version == before.version + 1


@pytest.mark.parametrize(
    ("days", "ok"), [(0, False), (6, False), (7, True), (30, True)]
)
def test_a_change_takes_effect_at_least_seven_days_after_publication(days, ok):
    effective = timezone.now() + timedelta(days=days, minutes=1 if ok else 0)
    entries = [{"category": "fresh", "region": "", "values": {"evidence_hours": 24}}]
    if ok:
        version = policy_publish(
            actor=supervisor(), entries=entries, effective_from=effective
        )
        assert version.effective_from == effective
    else:
        with pytest.raises(ValidationFailed) as refused:
            policy_publish(
                actor=supervisor(), entries=entries, effective_from=effective
            )
        assert "effective_from" in refused.value.errors
        assert "7" in refused.value.message


def test_publish_refuses_unknown_or_wrong_values():
    with pytest.raises(ValidationFailed) as refused:
        policy_publish(
            actor=supervisor(),
            entries=[{"category": "", "region": "", "values": {"nope": 1}}],
            effective_from=timezone.now() + timedelta(days=8),
        )
    assert refused.value.errors["entries"] == ["unknown value nope"]


def _fresh_order(**kw):
    CategoryFactory(code="fresh", name="生鲜")
    policy_set("fresh", required_evidence={"damaged": ["video", "express_slip"]})
    store = StoreFactory(category__code="fresh")
    return OrderFactory(store=store, **kw)


def _open(order, evidence=(), **kw):
    return services.dispute_open(
        actor=order.buyer,
        order=order,
        reason="damaged",
        remedy="refund_only",
        amount=D("50.00"),
        description="到货时已经坏了",
        evidence=evidence,
        **kw,
    )


def _video():
    return services.EvidenceFile(file=SimpleUploadedFile("open.mp4", MP4))


def _slip():
    return services.EvidenceFile(
        file=SimpleUploadedFile("slip.png", PNG), express_slip=True
    )


@pytest.mark.parametrize(
    "given", [[], ["video"], ["slip"], ["photo_as_video"]], ids=str
)
def test_the_service_refuses_a_claim_missing_required_evidence(given):
    order = _fresh_order()
    files = {
        "video": _video,
        "slip": _slip,
        "photo_as_video": lambda: services.EvidenceFile(
            file=SimpleUploadedFile("a.png", PNG)
        ),
    }
    with pytest.raises(ValidationFailed) as refused:
        _open(order, [files[g]() for g in given])
    assert "evidence" in refused.value.errors
    assert not Dispute.objects.exists()
    assert not Evidence.objects.exists()


def test_a_claim_with_the_required_evidence_opens_with_its_files():
    order = _fresh_order()
    case = _open(order, [_video(), _slip()])
    assert sorted(case.evidence.values_list("kind", flat=True)) == [
        "express_slip",
        "video",
    ]
    assert case_policy(case).evidence_for("damaged") == ("video", "express_slip")


def test_other_reasons_and_categories_need_nothing():
    order = _fresh_order()
    case = services.dispute_open(
        actor=order.buyer,
        order=order,
        reason="not_received",
        remedy="refund_only",
        amount=D("10.00"),
    )
    assert case.state == State.NEGOTIATION
    plain = OrderFactory()
    assert _open(plain).state == State.NEGOTIATION


def test_the_agents_intake_refuses_it_too():
    order = _fresh_order()
    with pytest.raises(ValidationFailed) as refused:
        services.dispute_open_for_buyer(
            actor=agent(),
            order=order,
            reason="damaged",
            remedy="refund_only",
            amount=D("50.00"),
            channel="phone",
            description="电话投诉",
        )
    assert "evidence" in refused.value.errors
    assert not Dispute.objects.exists()


def test_the_portal_form_refuses_it_and_shows_the_requirement(client):
    order = _fresh_order()
    client.force_login(order.buyer)
    page = client.get(f"/disputes/new/?order={order.number}")
    assert 'data-testid="required-evidence"' in page.content.decode()
    data = {
        "reason": "damaged",
        "remedy": "refund_only",
        "amount": "50.00",
        "description": "坏了",
        "files": [SimpleUploadedFile("a.png", PNG, content_type="image/png")],
    }
    response = client.post(f"/disputes/new/?order={order.number}", data)
    assert response.status_code == 200
    assert response.context["form"].errors["files"]
    assert not Dispute.objects.exists() and not Evidence.objects.exists()
    data["files"] = [SimpleUploadedFile("v.mp4", MP4, content_type="video/mp4")]
    data["express_slip"] = SimpleUploadedFile("s.png", PNG, content_type="image/png")
    response = client.post(f"/disputes/new/?order={order.number}", data)
    assert response.status_code == 302
    assert Dispute.objects.get().evidence.count() == 2


def test_the_api_refuses_it_with_a_field_error(client):
    order = _fresh_order()
    client.force_login(order.buyer)
    response = client.post(
        "/api/v1/disputes/",
        {
            "order": order.number,
            "reason": "damaged",
            "remedy": "refund_only",
            "amount": "50.00",
            "description": "坏了",
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "evidence" in response.json()["errors"]
    assert not Dispute.objects.exists()


def test_a_case_keeps_its_terms_when_the_policy_changes_mid_case():
    order = OrderFactory()
    code = order.store.category.code
    policy_set(code, merchant_response_hours=24, appeal_days=10)
    case = _open(order)
    assert case.merchant_deadline_at == case.opened_at + timedelta(hours=24)
    with time_machine.travel(timezone.now() + timedelta(days=1), tick=False):
        policy_set(code, merchant_response_hours=6, appeal_days=3)
        later_order = OrderFactory(store=order.store, buyer=order.buyer)
        newer = _open(later_order)
        kept = Dispute.objects.get(pk=case.pk)
        assert (
            case_policy(kept).merchant_response_hours,
            case_policy(kept).appeal_days,
        ) == (24, 10)
        assert case_policy(newer).appeal_days == 3
        assert order_policy(order).merchant_response_hours == 6
        assert newer.policy_version.version == kept.policy_version.version + 1


@pytest.mark.parametrize(
    ("amount", "status", "closed"),
    [
        (D("99.99"), OrderStatus.PAID, True),
        (D("100.00"), OrderStatus.PAID, False),
        (D("20.00"), OrderStatus.SHIPPED, False),
    ],
)
def test_small_claims_on_unshipped_orders_are_refunded_at_once(amount, status, closed):
    policy_set("", auto_refund_unshipped_below="100.00")
    shipped = status != OrderStatus.PAID
    order = OrderFactory(
        status=status,
        delivered_at=None,
        shipped_at=timezone.now() if shipped else None,
    )
    case = services.dispute_open(
        actor=order.buyer,
        order=order,
        reason="not_received",
        remedy="refund_only",
        amount=amount,
    )
    case.refresh_from_db()
    if closed:
        assert (case.state, case.resolution) == (State.CLOSED, Resolution.AUTO_REFUNDED)
        assert case.refunded_amount == amount
        assert list(case.events.values_list("action", flat=True)) == [
            "open",
            "auto_refund",
        ]
        assert "100.00" in case.events.last().note
    else:
        assert case.state == State.NEGOTIATION


def test_the_api_answers_each_value_with_its_level_and_version(client):
    CategoryFactory(code="fresh", name="生鲜")
    policy_set("", "新疆", return_ship_days=15)
    version = policy_set("fresh", required_evidence={"damaged": ["video"]})
    upcoming = policy_set(
        "fresh", at=timezone.now() + timedelta(days=9), after_sales_days=5
    )
    client.force_login(OrderFactory().buyer)
    body = client.get("/api/v1/policy/?category=fresh&region=新疆").json()
    values = {v["name"]: v for v in body["values"]}
    assert set(values) == set(VALUES)
    assert body["version"] == version.version
    assert values["return_ship_days"] | {"label": ""} == {
        "name": "return_ship_days",
        "label": "",
        "value": 15,
        "level": "region",
        "version": version.version,
    }
    assert values["required_evidence"]["value"] == {"damaged": ["video"]}
    assert values["required_evidence"]["level"] == "category"
    assert values["after_sales_days"]["level"] == "platform"
    assert values["auto_refund_unshipped_below"]["value"] is None
    assert [u["version"] for u in body["upcoming"]] == [upcoming.version]
    bad = client.get("/api/v1/policy/?category=nope&region=火星")
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"category", "region"}


def test_the_rules_page_lists_policies_by_line_and_region_and_the_upcoming_one(
    client,
):
    CategoryFactory(code="fresh", name="生鲜")
    policy_set("", "西藏", return_ship_days=14)
    policy_set("fresh", required_evidence={"damaged": ["video", "express_slip"]})
    policy_set("fresh", at=timezone.now() + timedelta(days=10), after_sales_days=5)
    client.force_login(OrderFactory().buyer)
    page = client.get("/disputes/rules/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert 'data-testid="policy-upcoming"' in text
    assert "西藏" in text and "生鲜" in text
    assert "required_evidence" not in text and "express_slip" not in text


def test_the_workbench_refuses_a_version_sooner_than_seven_days(client):
    client.force_login(supervisor())
    page = client.get("/admin/disputes/policyversion/add/")
    assert page.status_code == 200
    soon = timezone.localtime() + timedelta(days=3)
    response = client.post(
        "/admin/disputes/policyversion/add/",
        {
            "effective_from_0": soon.strftime("%Y-%m-%d"),
            "effective_from_1": soon.strftime("%H:%M:%S"),
            "changes": "",
            "entries": "[]",
        },
    )
    assert response.status_code == 200
    assert "effective_from" in response.context["adminform"].form.errors
    later = timezone.localtime() + timedelta(days=8)
    response = client.post(
        "/admin/disputes/policyversion/add/",
        {
            "effective_from_0": later.strftime("%Y-%m-%d"),
            "effective_from_1": later.strftime("%H:%M:%S"),
            "changes": "新疆退货寄回时限延长",
            "entries": json.dumps(
                [{"category": "", "region": "新疆", "values": {"return_ship_days": 14}}]
            ),
        },
    )
    assert response.status_code == 302
    assert (
        PolicyVersion.objects.order_by("-version").first().changes
        == "新疆退货寄回时限延长"
    )


def test_both_parties_and_the_workbench_see_the_case_terms(client):
    order = _fresh_order()
    case = _open(order, [_video(), _slip()])
    for user in (order.buyer, order.store.owner):
        client.force_login(user)
        text = client.get(case.get_absolute_url()).content.decode()
        assert 'data-testid="case-terms"' in text
    client.force_login(agent())
    text = client.get(f"/admin/disputes/dispute/{case.pk}/change/").content.decode()
    assert 'data-testid="case-terms"' in text


def test_managers_filter_reports_by_policy_version(client):
    from reports.filters import ReportFilterForm
    from tests.factories import manager

    today = timezone.localdate()
    first = policy_set("", at=timezone.now() - timedelta(days=20), evidence_hours=48)
    second = policy_set("", at=timezone.now() - timedelta(days=5), evidence_hours=24)
    user = manager()
    form = ReportFilterForm({"policy_version": str(first.version)}, user=user)
    assert form.is_valid(), form.errors
    query = form.query()
    assert (query.date_from, query.date_to) == (
        today - timedelta(days=20),
        today - timedelta(days=6),
    )
    form = ReportFilterForm({"policy_version": str(second.version)}, user=user)
    assert form.is_valid()
    assert (form.query().date_from, form.query().date_to) == (
        today - timedelta(days=5),
        None,
    )
    client.force_login(user)
    response = client.get(f"/reports/?policy_version={second.version}")
    assert response.status_code == 200
