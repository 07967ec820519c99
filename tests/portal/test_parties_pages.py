"""The buyer's and merchant's pages as Taobao and Kuaishou users expect them:
the step bar, whose turn it is, confirm wording, the merchant's queue, offers
withdrawn and replaced, rule versions readable forever, friendly errors."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone, translation

from disputes import selectors, services
from disputes.models import Dispute
from disputes.services import rule_publish
from tests import factories as f
from tests.api.conftest import act, client_for

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _page(client, user, url: str, **headers) -> str:
    client.force_login(user)
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content.decode()


def _offer(case: Dispute, amount: str) -> Dispute:
    return services.dispute_offer(
        dispute=case, actor=case.store.owner, amount=Decimal(amount), note=""
    )


def _reject(case: Dispute) -> Dispute:
    return services.dispute_reject(
        dispute=case, actor=case.store.owner, reason="商品无质量问题"
    )


# -- The case page: step bar, whose turn, confirm dialogs ---------------------


def test_merchant_sees_it_is_their_turn_with_the_deadline(client):
    story = f.case_in_state("negotiation")
    body = _page(client, story.merchant, story.case.get_absolute_url(), **ZH)
    assert 'class="step step-current" aria-current="step"' in body
    assert "请处理：同意退款、提出协商方案" in body
    deadline = timezone.localtime(story.case.merchant_deadline_at)
    assert f"{deadline:%Y-%m-%d %H:%M}" in body
    assert f'data-countdown="{deadline.isoformat()}"' in body


def test_buyer_sees_the_steps_in_plain_words(client):
    story = f.case_in_state("verification")
    body = _page(client, story.buyer, story.case.get_absolute_url(), **ZH)
    labels = ["协商", "平台介入", "核实", "调解", "裁定", "申诉", "已结案"]
    positions = [body.index(f'<span class="step-label">{x}</span>') for x in labels]
    assert positions == sorted(positions)
    assert "客服正在核实情况" in body


def test_confirm_dialogs_name_the_amount_and_the_consequence(client):
    story = f.case_in_state("negotiation", amount="363.00", total=Decimal("363.00"))
    body = _page(client, story.merchant, story.case.get_absolute_url(), **ZH)
    assert 'data-confirm="确认立即向买家退款 ¥363.00？本案随即结案' in body
    assert "onsubmit" not in body and "<script>" not in body


# -- Offers: a reject withdraws the open offer, a new offer replaces it -------


def test_reject_withdraws_the_open_offer_and_accept_offer_then_answers_409(client):
    story = f.case_in_state("negotiation", amount="100.00")
    case = _offer(story.case, "80.00")
    case = _reject(case)
    assert case.offer_amount is None
    response = act(client_for(story.buyer), case.number, "accept_offer")
    assert response.status_code == 409
    assert Dispute.objects.get(pk=case.pk).refunded_amount == Decimal("0.00")
    body = _page(client, story.buyer, case.get_absolute_url(), **ZH)
    assert "offer-withdrawn" in body and "已撤回" in body  # kept, marked
    assert "商家提出退款" not in body  # no longer offered to the buyer


def test_a_new_offer_replaces_the_old_one(client):
    story = f.case_in_state("negotiation", amount="100.00")
    _offer(story.case, "50.00")
    case = _offer(story.case, "70.00")
    assert case.offer_amount == Decimal("70.00")
    body = _page(client, story.buyer, case.get_absolute_url(), **ZH)
    assert body.count("offer-replaced") == 1
    assert "商家提出退款 ¥70.00" in body


def test_preset_rejection_reason_with_free_text(client):
    story = f.case_in_state("negotiation")
    client.force_login(story.merchant)
    url = f"{story.case.get_absolute_url()}actions/reject/"
    response = client.post(
        url, {"preset": "no_quality_problem", "reason": "已寄回检测报告"}, **ZH
    )
    assert response.status_code == 302
    assert story.refresh().rejection_reason == "商品不存在质量问题：已寄回检测报告"
    empty = client.post(url, {"preset": "", "reason": ""}, **ZH)
    assert empty.status_code == 400


def test_reject_and_appeal_boxes_are_not_labelled_as_the_dispute_reason(client):
    story = f.case_in_state("negotiation")
    body = _page(client, story.merchant, story.case.get_absolute_url(), **ZH)
    assert "拒绝理由" in body and "售后原因" not in body


# -- Evidence requests are answered in place ----------------------------------


def test_evidence_request_carries_its_own_upload_form(client):
    from tests.portal.conftest import png

    story = f.case_in_state("verification")
    services.dispute_request_evidence(
        dispute=story.case, actor=story.agent, party="buyer", note="请上传破损照片"
    )
    body = _page(client, story.buyer, story.case.get_absolute_url(), **ZH)
    card = body[body.index('class="card request o-request"') :]
    card = card[: card.index("</section>")]
    assert "请上传破损照片" in card and 'type="file"' in card and "10 MB" in card
    client.post(f"{story.case.get_absolute_url()}evidence/", {"file": png()})
    assert story.case.evidence_requests.get().status == "answered"


# -- Agents are seen by their staff number, never their login -----------------


def test_parties_see_agents_by_staff_number(client):
    story = f.case_in_state("complaint")
    story.agent.staff_number = "1024"
    story.agent.save(update_fields=["staff_number"])
    services.dispute_take(dispute=story.case, actor=story.agent)
    services.message_post(dispute=story.case, actor=story.agent, body="您好")
    login = story.agent.username
    body = _page(client, story.buyer, story.case.get_absolute_url(), **ZH)
    assert "客服 1024" in body and login not in body
    with translation.override("zh-hans"):
        timeline = client_for(story.merchant).get(
            f"/api/v1/disputes/{story.case.number}/timeline/", **ZH
        )
    actors = {row["actor"] for row in timeline.json()}
    assert "客服 1024" in actors and login not in str(timeline.json())


# -- The merchant's queue -----------------------------------------------------


def test_merchant_queue_opens_on_cases_waiting_nearest_deadline_first(client):
    store = f.StoreFactory()
    later = f.case_in_state("negotiation", store=store)
    sooner = f.case_in_state("negotiation", store=store)
    Dispute.objects.filter(pk=sooner.case.pk).update(
        deadline_at=timezone.now() + timedelta(hours=2)
    )
    rejected = f.case_in_state("negotiation", store=store)
    _reject(rejected.case)
    f.case_in_state("verification", store=store)
    f.case_in_state("closed", store=store)
    body = _page(client, store.owner, "/disputes/", **ZH)
    rows = body[body.index("<tbody>") :]
    assert rows.index(sooner.case.number) < rows.index(later.case.number)
    assert rejected.case.number not in rows
    tabs = body[body.index('<nav class="tabs"') :]
    tab_counts = [
        ("待处理", 2),
        ("待买家处理", 1),
        ("平台处理中", 1),
        ("已结案", 1),
        ("全部", 5),
    ]
    for label, count in tab_counts:
        assert f'{label} <span class="count">{count}</span>' in tabs
    assert "按时响应率" in body


def test_a_big_stores_tab_counts_stop_at_the_badge_cap(client, monkeypatch):
    store = f.StoreFactory()
    f.case_in_state("negotiation", store=store)
    for _ in range(3):
        f.case_in_state("closed", store=store)
    monkeypatch.setattr(selectors, "TAB_CAP", 2)
    body = _page(client, store.owner, "/disputes/?tab=closed", **ZH)
    tabs = body[body.index('<nav class="tabs"') :]
    assert '待处理 <span class="count">1</span>' in tabs  # under the cap: exact
    assert '已结案 <span class="count">2+</span>' in tabs
    assert '全部 <span class="count">2+</span>' in tabs


# -- Rules readable forever ---------------------------------------------------


def test_every_rule_version_has_a_page_with_what_changed(client):
    buyer = f.buyer()
    rule_publish(actor=None, code="fake", title="假冒商品", text="第一条\n第二条")
    rule_publish(actor=None, code="fake", title="假冒商品", text="第一条\n第三条")
    old = _page(client, buyer, "/disputes/rules/fake/v1/", **ZH)
    assert "这是历史版本" in old and 'href="/disputes/rules/fake/v2/"' in old
    new = _page(client, buyer, "/disputes/rules/fake/v2/", **ZH)
    assert 'class="diff-removed"' in new and "第二条" in new
    assert 'class="diff-added"' in new and "第三条" in new
    assert client.get("/disputes/rules/fake/v3/").status_code == 404


def test_a_ruling_links_to_the_exact_version_it_cited(client):
    story = f.case_in_state("ruled")
    rule = story.case.ruling.rule
    rule_publish(actor=None, code=rule.code, title=rule.title, text="新版本")
    body = _page(client, story.buyer, story.case.get_absolute_url(), **ZH)
    assert f'href="/disputes/rules/{rule.code}/v{rule.version}/"' in body
    assert f"[{rule.code} v" not in body  # no raw code in the timeline


# -- Errors, favicon, sign-in -------------------------------------------------


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize(
    "lang, words", [("zh-hans", "找不到这个页面"), ("en", "could not")]
)
def test_friendly_404_in_both_languages_also_with_debug_on(client, debug, lang, words):
    with override_settings(DEBUG=debug):
        response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 404
    assert words in response.content.decode()
    assert "URLconf" not in response.content.decode()


def test_api_404_stays_json_with_debug_on():
    with override_settings(DEBUG=True):
        response = client_for(f.buyer()).get("/api/v1/disputes/D0/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


def test_friendly_403_and_500_pages_render():
    from core import views

    forbidden = views.permission_denied(_request())
    assert forbidden.status_code == 403 and "403" in forbidden.content.decode()
    with translation.override("zh-hans"):
        error = views.server_error(_request())
    assert error.status_code == 500 and "系统出了点问题" in error.content.decode()


def _request():
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return request


def test_favicon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"


@pytest.mark.parametrize("debug", [False, True])
def test_demo_accounts_on_the_login_page_only_with_debug_on(client, debug):
    with override_settings(DEBUG=debug):
        body = client.get("/accounts/login/").content.decode()
    assert ("buyer1" in body) is debug
    assert ("demo-pass-2026" in body) is debug


# -- Complaints through customer service --------------------------------------


def test_an_agent_opens_a_case_for_a_buyer_from_the_admin(client):
    from disputes.models import DisputeEvent

    order = f.OrderFactory(total=Decimal("299.00"))
    agent = f.agent(staff_number="1024")
    client.force_login(agent)
    url = "/admin/disputes/dispute/open-for-buyer/"
    form = client.get(f"{url}?order={order.number}", **ZH)
    assert form.status_code == 200 and order.number in form.content.decode()
    response = client.post(
        url,
        {
            "order": order.number,
            "channel": "phone",
            "reason": "counterfeit",
            "remedy": "refund_only",
            "amount": "299.00",
            "description": "买家来电：鞋子鉴定为假货",
        },
        **ZH,
    )
    case = Dispute.objects.get(order=order)
    assert response.status_code == 302
    assert (case.buyer, case.opened_by, case.channel) == (order.buyer, agent, "phone")
    assert case.state == "negotiation" and case.merchant_deadline_at is not None
    opened = DisputeEvent.objects.get(dispute=case, action="open")
    assert (opened.actor, opened.subject) == (agent, order.buyer)
    body = _page(client, order.buyer, case.get_absolute_url(), **ZH)
    assert f"由客服代 {order.buyer} 发起" in body and "客服 1024" in body
    assert f">{agent.username}<" not in body and "电话" in body
    assert agent.username not in body, body[body.index(agent.username) - 200 :][:400]


@pytest.mark.parametrize("role", ["buyer", "merchant", "manager"])
def test_only_agents_open_cases_for_buyers(client, role):
    client.force_login(getattr(f, role)())
    response = client.get("/admin/disputes/dispute/open-for-buyer/")
    assert response.status_code in (302, 403)


def test_merchant_response_figures_count_by_hand():
    from reports.rollups import rebuild
    from reports.selectors import merchant_response_figures

    store = f.StoreFactory()
    now = timezone.now()
    for answered_after in (2, 60, None):
        case = f.case_in_state("negotiation", store=store).case
        opened = now - timedelta(days=5)
        Dispute.objects.filter(pk=case.pk).update(
            opened_at=opened,
            merchant_deadline_at=opened + timedelta(hours=48),
            merchant_responded_at=(
                opened + timedelta(hours=answered_after) if answered_after else None
            ),
        )
    old = f.case_in_state("negotiation", store=store).case  # before the window
    Dispute.objects.filter(pk=old.pk).update(opened_at=now - timedelta(days=120))
    rebuild()  # the rollups see the times written above
    figures = merchant_response_figures(stores=frozenset([store.pk]), days=90)
    assert figures == {
        "cases": 3,
        "answered": 2,
        "in_time": 1,
        # 2 h and 60 h: the median lies in the 2-3 h bucket, read as its end
        "median_hours": 3.0,
        "in_time_rate": 0.5,
    }
