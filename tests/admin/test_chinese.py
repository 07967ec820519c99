"""The workbench reads in Chinese everywhere: titles and breadcrumbs in words,
every column header translated, the person greeted by name, the sign-in
records off the home page, buttons only for what the reader may do, and a
page that sends a buyer at /admin/ home instead of Django's second sign-in."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.contrib import admin

from tests import factories as f

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
ENGLISH_WORD = re.compile(r"[A-Za-z]{3,}")


def get(client, url: str) -> str:
    response = client.get(url, **ZH)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def headers(body: str) -> list[str]:
    cells = re.findall(r'<th scope="col"[^>]*>(.*?)</th>', body, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells]


def crumbs(body: str) -> str:
    found = re.search(r'<div class="breadcrumbs">(.*?)</div>', body, re.S)
    assert found is not None
    text = re.sub(r"<[^>]+>", " ", found.group(1)).replace("&rsaquo;", "›")
    return " ".join(text.split())


def test_the_queue_has_a_title_and_breadcrumbs_in_words(login):
    f.case_in_state("complaint")
    body = get(login(f.agent()), "/admin/disputes/dispute/")
    assert "<h1>售后单队列</h1>" in body
    assert crumbs(body) == "工作台 › 售后单"
    assert "来修改" not in body


def test_a_case_page_is_under_the_queue_in_the_breadcrumbs(login):
    story = f.case_in_state("complaint")
    body = get(login(story.agent), f"/admin/disputes/dispute/{story.case.pk}/change/")
    assert crumbs(body) == f"工作台 › 售后单 › {story.case.number}"


def test_every_list_page_reads_in_chinese(login):
    """Title, breadcrumbs and column headers of every list a supervisor opens."""
    story = f.case_in_state("ruled")
    f.case_in_state("complaint")
    supervisor = login(story.supervisor)
    for model in admin.site._registry:
        opts = model._meta
        response = supervisor.get(f"/admin/{opts.app_label}/{opts.model_name}/", **ZH)
        if response.status_code == 403:
            continue  # not a supervisor's page (groups, tokens, task results)
        body = response.content.decode()
        title = re.search(r"<h1>(.*?)</h1>", body).group(1)
        english = [
            text
            for text in [title, crumbs(body), *headers(body)]
            if ENGLISH_WORD.search(text.replace("Webhook", ""))
        ]
        assert english == [], (opts.label, english)
        assert "来修改" not in title and "查看" not in title, (opts.label, title)


def test_a_refund_names_its_order_and_case_in_chinese(login):
    story = f.case_in_state("ruled")
    body = get(login(story.supervisor), "/admin/orders/refund/")
    assert headers(body) == ["时间", "订单", "售后单", "类型", "金额", "事由"]


def test_the_store_review_log_shows_labels_not_codes(login):
    from stores.services import store_review

    store = f.StoreFactory()
    supervisor = f.supervisor()
    store_review(store=store, actor=supervisor, action="suspend", reason="售假")
    body = get(login(supervisor), f"/admin/stores/store/{store.pk}/change/")
    log = body[body.index('id="review_log-group"') :]
    assert "暂停" in log
    assert not re.search(r"\b(active|suspended|suspend)\b", log)
    assert "审核人" in log and "actor" not in log.lower()


def test_the_queue_writes_amounts_with_thousands_separators(login):
    story = f.case_in_state("complaint", amount="12345.60", total=Decimal("20000.00"))
    body = get(login(story.agent), "/admin/disputes/dispute/")
    assert '<span class="wb-money">¥12,345.60</span>' in body


def test_the_header_greets_the_person_by_name(login):
    agent = f.agent(display_name="客服·王静")
    body = get(login(agent), "/admin/")
    assert '欢迎，<strong data-testid="user-name">客服·王静</strong>' in body
    assert agent.username.upper() not in body


def test_sign_in_records_are_off_the_home_page_and_in_the_supervisors_menu(login):
    for user, in_menu in ((f.agent(), False), (f.supervisor(), True)):
        body = get(login(user), "/admin/")
        assert "Access attempts" not in body and "app-axes" not in body
        assert "/admin/axes/" not in body.split('id="content"')[1]
        assert ('data-testid="sign-in-records"' in body) is in_menu
    records = get(login(f.supervisor()), "/admin/axes/accessattempt/")
    assert "<h1>登录尝试记录</h1>" in records
    assert "登录失败记录" in records and "登录日志" in records  # one click away


def test_a_case_history_link_opens_its_own_timeline(login):
    story = f.case_in_state("complaint")
    client = login(story.agent)
    body = get(client, f"/admin/disputes/dispute/{story.case.pk}/change/")
    assert '<a href="#timeline" class="historylink">历史</a>' in body
    response = client.get(f"/admin/disputes/dispute/{story.case.pk}/history/")
    assert response.status_code == 302
    assert response["Location"] == (
        f"/admin/disputes/dispute/{story.case.pk}/change/#timeline"
    )
    assert "此对象没有修改历史" not in body


@pytest.mark.parametrize(
    ("maker", "offered"),
    [(f.agent, True), (f.supervisor, True), (f.manager, False)],
)
def test_the_intake_button_is_only_for_who_may_open_a_case(login, maker, offered):
    client = login(maker())
    body = get(client, "/admin/")
    assert ("/admin/disputes/dispute/open-for-buyer/" in body) is offered
    page = client.get("/admin/disputes/dispute/open-for-buyer/")
    assert page.status_code == (200 if offered else 403)


@pytest.mark.parametrize("maker", [f.buyer, f.merchant])
def test_a_party_at_the_workbench_is_sent_home_in_chinese(login, maker):
    user = maker(display_name="张小梅")
    client = login(user)
    response = client.get("/admin/", **ZH)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    body = client.get(response["Location"], **ZH).content.decode()
    assert "仅限平台工作人员" in body
    assert "您当前以张小梅的身份登录" in body
    assert 'href="/accounts/home/"' in body
    assert 'name="password"' not in body  # no second sign-in form
    assert "您想使用另外一个账号登录吗" not in body


def test_anonymous_visitors_still_get_the_sign_in_form(login):
    body = login(None).get("/admin/login/", **ZH).content.decode()
    assert 'name="password"' in body and "仅限平台工作人员" not in body
