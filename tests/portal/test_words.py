"""The words on the parties' pages say what happens and who acts next:
per-action messages, the rule a ruling cites, whose answer a proposal waits
for, and open evidence requests counted where the page says what to do."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from disputes import services
from tests import factories as f

from .conftest import png

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def page(user, case) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(case.get_absolute_url(), **ZH)
    assert response.status_code == 200
    return response.content.decode()


def turn_text(body: str) -> str:
    start = body.index('<p class="turn-text">') + len('<p class="turn-text">')
    return body[start : body.index("</p>", start)]


def proposed(amount: str = "60.00") -> f.Story:
    story = f.case_in_state("mediation")
    services.dispute_propose(
        dispute=story.case, actor=story.agent, amount=Decimal(amount), note="各退一步"
    )
    story.refresh()
    return story


# -- Whose answer a proposal waits for -----------------------------------------


def test_nobody_accepted_yet_both_are_asked():
    story = proposed()
    assert turn_text(page(story.buyer, story.case)) == (
        "平台提出 ¥60.00 的调解方案。请确认是否接受，或等待平台裁定。"
    )
    assert turn_text(page(story.agent, story.case)) == (
        "等待双方确认 ¥60.00 的调解方案。"
    )


@pytest.mark.parametrize(
    ("reader", "says"),
    [
        (
            "buyer",
            "您已接受 ¥60.00 的调解方案，正在等待商家确认；商家接受后即向您退款。",
        ),
        (
            "merchant",
            "平台提出 ¥60.00 的调解方案，买家已接受。"
            "您接受后即退款结案，也可以等待平台裁定。",
        ),
        ("agent", "买家已接受 ¥60.00 的调解方案，等待商家确认。"),
    ],
)
def test_after_the_buyer_accepted_the_page_says_who_still_answers(reader, says):
    story = proposed()
    services.dispute_accept_proposal(dispute=story.case, actor=story.buyer)
    story.refresh()
    user = {"buyer": story.buyer, "merchant": story.merchant, "agent": story.agent}
    body = page(user[reader], story.case)
    assert turn_text(body) == says
    assert "等待双方确认" not in body


def test_after_the_store_accepted_the_buyer_is_told_the_store_said_yes():
    story = proposed()
    services.dispute_accept_proposal(dispute=story.case, actor=story.merchant)
    story.refresh()
    assert turn_text(page(story.buyer, story.case)) == (
        "平台提出 ¥60.00 的调解方案，商家已接受。您接受后即可退款，也可以等待平台裁定。"
    )
    assert turn_text(page(story.merchant, story.case)) == (
        "您已接受 ¥60.00 的调解方案，正在等待买家确认；买家接受后即完成退款。"
    )


# -- Open evidence requests are what the party has to do -----------------------


def ask(story, party: str, what: str) -> None:
    services.dispute_request_evidence(
        dispute=story.case, actor=story.agent, party=party, note=what
    )
    story.refresh()


def idle_text(body: str) -> str:
    marker = 'data-testid="idle-text">'
    start = body.index(marker) + len(marker)
    return body[start : body.index("</p>", start)]


def test_a_merchant_with_an_open_request_is_not_told_nothing_waits():
    story = f.case_in_state("verification")
    ask(story, "merchant", "请上传发货单")
    body = page(story.merchant, story.case)
    assert turn_text(body) == "平台要求您举证：请上传发货单。请在下方上传凭证。"
    assert idle_text(body) == "请先回复上方平台的举证要求（1 项待处理）。您也可以留言。"
    assert "目前没有需要您处理的事项" not in body


def test_two_open_requests_are_counted():
    story = f.case_in_state("verification")
    ask(story, "merchant", "请上传发货单")
    ask(story, "merchant", "请上传质检报告")
    body = page(story.merchant, story.case)
    assert turn_text(body).startswith("平台要求您就 2 项内容举证")
    assert "（2 项待处理）" in idle_text(body)
    assert body.count('class="card request o-request"') == 2


def test_once_answered_nothing_waits_again():
    story = f.case_in_state("verification")
    ask(story, "merchant", "请上传发货单")
    services.evidence_upload(dispute=story.case, actor=story.merchant, file=png())
    body = page(story.merchant, story.case)
    assert idle_text(body) == "目前没有需要您处理的事项。您仍可留言或上传凭证。"


def test_asking_for_evidence_and_uploading_it_are_two_words():
    story = f.case_in_state("verification")
    ask(story, "buyer", "请上传破损照片")
    body = page(story.buyer, story.case)
    assert "<strong>已要求举证</strong>" in body  # the agent's request
    assert "平台要求您举证" in body  # the card that answers it
    assert "补充凭证" not in body


# -- The rule a decision cites, and per-action messages ------------------------


def test_the_rule_under_a_ruling_reads_as_the_rule_cited():
    story = f.case_in_state("ruled")
    body = page(story.buyer, story.case)
    ref = body[body.index('<p class="rule-ref">') :]
    ref = ref[: ref.index("</p>")]
    assert ref.startswith('<p class="rule-ref">依据规则: <a href=')
    assert story.rule.title in ref and "裁定:" not in ref


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("offer", {"amount": "50.00"}, "您的协商金额已发送给买家。"),
        ("reject", {"reason": "商品无质量问题"}, "您已拒绝该申请。"),
    ],
)
def test_a_party_reads_what_their_action_did(action, data, message):
    story = f.case_in_state("negotiation")
    client = Client()
    client.force_login(story.merchant)
    url = f"{story.case.get_absolute_url()}actions/{action}/"
    response = client.post(url, {"version": story.case.version, **data}, **ZH)
    assert response.status_code == 302
    shown = [str(m) for m in response.wsgi_request._messages]
    assert shown == [message]


def test_accepting_a_proposal_says_what_happens_next():
    story = proposed()
    client = Client()
    client.force_login(story.buyer)
    url = f"{story.case.get_absolute_url()}actions/accept_proposal/"
    response = client.post(url, {"version": story.case.version}, **ZH)
    shown = [str(m) for m in response.wsgi_request._messages]
    assert shown == ["您已接受调解方案。双方都接受后即退款并结案。"]
