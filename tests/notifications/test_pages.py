"""The header count, /notifications/, "new" on case lists, e-mail settings."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from disputes import services
from notifications.models import CaseSeen, Notification
from tests import factories as f

pytestmark = pytest.mark.django_db


def header_count(page) -> int | None:
    found = re.search(r'data-testid="unread-count">(\d+)<', page.content.decode())
    return int(found.group(1)) if found else None


def kinds(user) -> list[str]:
    return list(
        Notification.objects.filter(recipient=user)
        .order_by("-created_at", "-id")
        .values_list("kind", flat=True)
    )


class TestHeader:
    def test_every_signed_in_page_shows_the_unread_count(self, client, told):
        assert kinds(told.buyer) == ["message", "start_mediation", "take", "reject"]
        client.force_login(told.buyer)
        for url in ["/disputes/", "/orders/", "/disputes/rules/", "/notifications/"]:
            assert header_count(client.get(url)) == 4, url

    def test_the_workbench_header_shows_it_too(self, client, told):
        client.force_login(told.agent)
        assert kinds(told.agent) == ["message"]
        assert header_count(client.get("/admin/")) == 1
        assert header_count(client.get("/admin/disputes/dispute/")) == 1

    def test_no_count_when_all_is_read(self, client):
        client.force_login(f.buyer())
        page = client.get("/disputes/")
        assert header_count(page) is None
        assert 'href="/notifications/"' in page.content.decode()

    def test_signed_out_pages_show_no_link(self, client):
        assert "/notifications/" not in client.get("/accounts/login/").content.decode()


class TestList:
    def test_newest_first_with_links_to_the_case(self, client, told):
        client.force_login(told.buyer)
        body = client.get("/notifications/").content.decode()
        labels = ["Message", "Mediation started", "Taken", "Merchant rejected"]
        positions = [body.index(f"{told.case.number} · {label}") for label in labels]
        assert positions == sorted(positions)
        assert f'href="/disputes/{told.case.number}/"' in body
        assert "可以协商" in body

    def test_only_ones_own(self, client, told):
        client.force_login(f.buyer())
        body = client.get("/notifications/").content.decode()
        assert told.case.number not in body

    def test_agents_are_sent_to_the_workbench(self, client, told):
        client.force_login(told.agent)
        body = client.get("/notifications/").content.decode()
        assert f'href="/admin/disputes/dispute/{told.case.pk}/change/"' in body

    def test_mark_one_read(self, client, told):
        client.force_login(told.buyer)
        newest = Notification.objects.filter(recipient=told.buyer).first()
        page = client.post("/notifications/read/", {"ids": [newest.pk]}, follow=True)
        assert header_count(page) == 3
        newest.refresh_from_db()
        assert newest.read_at is not None
        unread = client.get("/notifications/?unread=1").content.decode()
        assert "Message" not in unread and "Taken" in unread

    def test_mark_all_read(self, client, told):
        client.force_login(told.buyer)
        page = client.post(
            "/notifications/read/", {"all": "1", "next": "/disputes/"}, follow=True
        )
        assert page.redirect_chain[-1][0] == "/disputes/"
        assert header_count(page) is None
        assert not Notification.objects.filter(
            read_at__isnull=True, recipient=told.buyer
        )

    def test_other_peoples_notifications_stay_unread(self, client, told):
        theirs = Notification.objects.filter(recipient=told.merchant).first()
        client.force_login(told.buyer)
        client.post("/notifications/read/", {"ids": [theirs.pk]})
        theirs.refresh_from_db()
        assert theirs.read_at is None

    @pytest.mark.parametrize("data", [{}, {"ids": ["x"]}, {"all": ""}])
    def test_bad_input_changes_nothing(self, client, told, data):
        client.force_login(told.buyer)
        page = client.post("/notifications/read/", data, follow=True)
        assert "Choose the notifications" in page.content.decode()
        assert header_count(page) == 4

    def test_an_outside_next_address_is_not_followed(self, client, told):
        client.force_login(told.buyer)
        page = client.post(
            "/notifications/read/", {"all": "1", "next": "https://evil.example/"}
        )
        assert page["Location"] == "/notifications/"

    def test_signed_out_users_sign_in_first(self, client):
        page = client.get("/notifications/")
        assert page.status_code == 302 and "/accounts/login/" in page["Location"]
        assert client.post("/notifications/read/", {"all": "1"}).status_code == 302

    def test_the_list_costs_the_same_at_any_length(self, client, told, run_tasks):
        client.force_login(told.buyer)
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get("/notifications/").status_code == 200
            counts.append(len(ctx))
            for i in range(15):
                services.message_post(
                    dispute=told.case, actor=told.merchant, body=f"{i}"
                )
            run_tasks()
        assert counts[0] == counts[1], counts


class TestSeen:
    def test_opening_the_case_reads_its_notifications(self, client, told):
        client.force_login(told.buyer)
        page = client.get(told.case.get_absolute_url())
        assert header_count(page) is None
        assert CaseSeen.objects.filter(user=told.buyer, case=told.case).exists()

    def test_the_case_list_marks_activity_since_the_last_visit(self, client, told):
        client.force_login(told.buyer)
        assert "new-dot" in client.get("/disputes/").content.decode()
        client.get(told.case.get_absolute_url())
        assert "new-dot" not in client.get("/disputes/").content.decode()
        services.message_post(dispute=told.case, actor=told.buyer, body="我自己说的")
        assert "new-dot" not in client.get("/disputes/").content.decode()
        services.message_post(dispute=told.case, actor=told.merchant, body="商家回复")
        assert "new-dot" in client.get("/disputes/").content.decode()

    def test_internal_notes_are_not_news_to_parties(self, client, told):
        client.force_login(told.buyer)
        client.get(told.case.get_absolute_url())
        services.message_post(
            dispute=told.case, actor=told.agent, body="内部", internal=True
        )
        assert "new-dot" not in client.get("/disputes/").content.decode()

    def test_the_workbench_queue_marks_it_and_the_case_page_clears_it(
        self, client, told
    ):
        client.force_login(told.agent)
        queue = "/admin/disputes/dispute/"
        assert 'class="wb-new"' in client.get(queue).content.decode()
        client.get(f"/admin/disputes/dispute/{told.case.pk}/change/")
        assert 'class="wb-new"' not in client.get(queue).content.decode()
        assert header_count(client.get(queue)) is None

    def test_the_queue_count_does_not_compute_new_marks(self, client, told):
        client.force_login(told.agent)
        with CaptureQueriesContext(connection) as ctx:
            client.get("/admin/disputes/dispute/")
        counts = [
            q["sql"]
            for q in ctx.captured_queries
            if q["sql"].startswith("SELECT COUNT(")
        ]
        assert counts and not any("notifications_caseseen" in q for q in counts)


class TestSettings:
    def test_language_and_opt_out_are_saved(self, client):
        buyer = f.buyer()
        assert (buyer.language, buyer.email_updates) == ("zh-hans", True)
        client.force_login(buyer)
        assert client.get("/notifications/settings/").status_code == 200
        page = client.post(
            "/notifications/settings/", {"language": "en"}, follow=True
        )  # an unticked box is "no"
        assert "Your preferences are saved." in page.content.decode()
        buyer.refresh_from_db()
        assert (buyer.language, buyer.email_updates) == ("en", False)

    def test_an_unknown_language_is_refused(self, client):
        buyer = f.buyer()
        client.force_login(buyer)
        page = client.post("/notifications/settings/", {"language": "xx"})
        assert page.status_code == 200 and "has-error" in page.content.decode()
        buyer.refresh_from_db()
        assert buyer.language == "zh-hans"


def test_the_user_admin_shows_the_preferences(client):
    admin = f.UserFactory(is_staff=True, is_superuser=True)
    buyer = f.buyer()
    client.force_login(admin)
    page = client.get(f"/admin/accounts/user/{buyer.pk}/change/")
    assert page.status_code == 200
    assert 'name="language"' in page.content.decode()
    assert 'name="email_updates"' in page.content.decode()
