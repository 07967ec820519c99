"""Markup typed into any free-text field is shown as text on every page that
shows it, never run: each field gets its own payload, every page of every role
is read back."""

from __future__ import annotations

import re

import pytest
from django.apps import apps
from django.db import models

from .access import ACCESS, ADMIN
from .test_access_matrix import call
from .world import ROLES, build_world, client_as

pytestmark = pytest.mark.django_db

# Every CharField/TextField without choices in the domain apps is either free
# text (gets a payload) or a machine value (codes, numbers, hashes, states).
FREE_TEXT = {
    "accounts.User": [
        "first_name",
        "last_name",
        "display_name",
        "phone",
        "staff_number",
    ],
    "stores.Category": ["name"],
    "stores.Store": [
        "name",
        "status_reason",
        "return_recipient",
        "return_phone",
        "return_city",
        "return_district",
        "return_address_line",
    ],
    "stores.StoreReviewLog": ["reason"],
    "orders.OrderItem": ["product_name", "sku"],
    "orders.Refund": ["note"],
    "disputes.Dispute": [
        "description",
        "rejection_reason",
        "offer_note",
        "proposal_note",
    ],
    "disputes.PlatformRule": ["title", "text", "changes"],
    "disputes.Ruling": ["reasoning", "departure_reason"],
    "disputes.Appeal": ["reason", "reasoning", "departure_reason"],
    "disputes.QualityReview": ["comment", "contest_reason"],
    "disputes.Message": ["body"],
    "disputes.EvidenceRequest": ["what"],
    "disputes.Evidence": ["original_name", "description"],
    "disputes.PolicyVersion": ["changes"],
    "disputes.DisputeEvent": ["note"],
    "disputes.CannedReply": ["title", "body"],
    "disputes.Macro": ["name", "message", "evidence_what"],
    "disputes.ReasoningTemplate": ["title", "text"],
    "stores.GovernanceRule": ["note"],
    "stores.GovernanceAction": ["proposal_note", "decision_reason"],
    "stores.GovernanceAppeal": ["reason", "decision_reason"],
    "stores.GovernanceNotice": ["subject", "body"],
    "reports.CaseContest": ["reason", "evidence", "decision_reason"],
}
MACHINE_VALUES = {
    "accounts.User": ["password", "username", "email"],
    "stores.Category": ["code"],
    "stores.StoreReviewLog": ["action", "from_status", "to_status"],
    "orders.Order": ["number"],
    "orders.Refund": ["idempotency_key"],
    "disputes.Dispute": ["number", "intervention_requested_by", "record_head"],
    "disputes.PlatformRule": ["code"],
    "disputes.Message": ["author_role"],
    "disputes.Evidence": ["party", "content_type", "extension", "sha256", "kind"],
    # Checked against the carrier's format (and normalized) before storing;
    # a tracking service's event id is an opaque key.
    "disputes.Shipment": ["tracking_number"],
    "disputes.LogisticsEvent": ["event_key", "tracking_number"],
    "disputes.DisputeEvent": [
        "actor_role",
        "action",
        "from_state",
        "to_state",
        "prev_hash",
        "entry_hash",
    ],
    # The report rollups copy a province and a reason code per row.
    "reports.Rollup": ["region", "reason"],
    "reports.CaseContribution": ["region", "reason"],
    "stores.GovernanceNotice": ["kind"],
}
DOMAIN_APPS = ("accounts", "stores", "orders", "disputes", "reports")
RAW = re.compile(r"<i>X\d+</i>")
# Pages beyond the table's GET rows: the admin's case, store and order screens
# and the report's breakdowns, where names and notes appear.
EXTRA_PAGES = [
    "/admin/disputes/dispute/",
    "/admin/disputes/dispute/{pk}/change/",
    "/admin/stores/store/",
    "/admin/orders/order/",
    "/admin/disputes/platformrule/",
    "/admin/disputes/cannedreply/",
    "/admin/disputes/macro/",
    "/admin/disputes/reasoningtemplate/",
    "/reports/breakdown/?group_by=store",
    "/reports/breakdown/?group_by=category",
    "/reports/breakdown/?group_by=agent",
    "/reports/breakdown/?group_by=region",
    "/reports/agents/",
    "/reports/outliers/",
]


def text_fields(label: str) -> list[str]:
    model = apps.get_model(label)
    return [
        f.name
        for f in model._meta.get_fields()
        if isinstance(f, models.CharField | models.TextField) and not f.choices
    ]


def test_every_text_field_is_classified():
    unclassified = {}
    for app in DOMAIN_APPS:
        for model in apps.get_app_config(app).get_models():
            label = model._meta.label
            known = FREE_TEXT.get(label, []) + MACHINE_VALUES.get(label, [])
            missing = [name for name in text_fields(label) if name not in known]
            if missing:
                unclassified[label] = missing
    assert unclassified == {}, "Classify in tests/security/test_xss.py"


def plant_payloads() -> dict[str, str]:
    """Overwrite every free-text value with `<i>X<n></i>"'`; n -> field."""
    planted = {}
    for label, names in FREE_TEXT.items():
        model = apps.get_model(label)
        for name in names:
            n = len(planted)
            field = model._meta.get_field(name)
            payload = f"<i>X{n}</i>\"'"[: field.max_length or 100]
            model.objects.update(**{name: payload})
            planted[f"X{n}"] = f"{label}.{name}"
    return planted


def test_payloads_in_every_text_field_are_escaped_on_every_page():
    world = build_world()
    planted = plant_payloads()
    shown: set[str] = set()
    case_pk = (
        apps.get_model("disputes.Dispute")
        .objects.get(number=world.mine.values["number"])
        .pk
    )
    for role in ROLES:
        client = client_as(world.users[role])
        pages = [
            (route, access)
            for route, access in ACCESS.items()
            if access.method == "GET" and access.html and role in access.users
        ]
        responses = [call(client, route, access, world.mine) for route, access in pages]
        if role in ADMIN.users:
            responses += [client.get(p.format(pk=case_pk)) for p in EXTRA_PAGES]
        for response in responses:
            if response.status_code != 200 or getattr(response, "streaming", False):
                continue
            html = response.content.decode()
            assert not RAW.search(html), (role, response.request["PATH_INFO"])
            shown.update(re.findall(r"&lt;i&gt;(X\d+)&lt;/i&gt;", html))
    # The test sees what it should: the payloads the pages do show, escaped.
    must_show = {
        "disputes.Dispute.description",
        "disputes.Message.body",
        "stores.Store.name",
        "disputes.PlatformRule.title",
    }
    assert must_show <= {planted[x] for x in shown}
