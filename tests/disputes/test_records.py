"""Messages, internal notes, evidence uploads, notifications, timeline visibility."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import translation

from core.errors import ActionNotPermitted, InvalidTransition, ValidationFailed
from disputes import selectors, services
from disputes.downloads import evidence_response
from disputes.models import Evidence
from disputes.rules_pure import EVIDENCE_DESCRIPTION_MAX
from tests.factories import case_in_state, manager

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"0" * 64
FULL = "破" * EVIDENCE_DESCRIPTION_MAX  # as long as a description may be


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


class TestMessages:
    def test_internal_notes_are_hidden_from_parties(self):
        story = case_in_state("verification")
        services.message_post(dispute=story.case, actor=story.buyer, body="请处理")
        services.message_post(
            dispute=story.case, actor=story.agent, body="疑似职业索赔", internal=True
        )
        seen_by_buyer = selectors.dispute_timeline(dispute=story.case, user=story.buyer)
        seen_by_agent = selectors.dispute_timeline(dispute=story.case, user=story.agent)
        assert "internal_note" not in {e.action for e in seen_by_buyer}
        assert [e.action for e in seen_by_agent][-2:] == ["message", "internal_note"]

    def test_parties_may_not_write_internal_notes(self):
        story = case_in_state("negotiation")
        with pytest.raises(ActionNotPermitted):
            services.message_post(
                dispute=story.case, actor=story.buyer, body="x", internal=True
            )

    def test_managers_only_read(self):
        story = case_in_state("negotiation")
        with pytest.raises(ActionNotPermitted):
            services.message_post(dispute=story.case, actor=manager(), body="hi")

    def test_parties_cannot_write_on_closed_cases(self):
        story = case_in_state("closed")
        with pytest.raises(InvalidTransition):
            services.message_post(dispute=story.case, actor=story.buyer, body="hi")

    def test_empty_message_is_refused(self):
        story = case_in_state("negotiation")
        with pytest.raises(ValidationFailed):
            services.message_post(dispute=story.case, actor=story.buyer, body="  ")


class TestEvidence:
    def test_stored_under_a_random_name_with_the_sniffed_type(self):
        story = case_in_state("verification")
        evidence = services.evidence_upload(
            dispute=story.case,
            actor=story.buyer,
            file=upload("破洞照片.txt", PNG),
            description="破洞",
        )
        assert evidence.content_type == "image/png"
        assert evidence.original_name == "破洞照片.txt"
        assert "破洞" not in evidence.file.name
        assert evidence.file.name.endswith(".png")
        assert evidence.file.read() == PNG
        assert story.case.events.last().evidence == evidence

    @pytest.mark.parametrize(
        "content",
        [b"<html><script>alert(1)</script>", b"MZ\x90\x00", b"", b"GIF8"],
    )
    def test_disallowed_content_is_refused_whatever_the_name(self, content):
        story = case_in_state("verification")
        with pytest.raises(ValidationFailed):
            services.evidence_upload(
                dispute=story.case, actor=story.buyer, file=upload("photo.jpg", content)
            )
        assert not story.case.evidence.exists()

    def test_size_limit(self, settings):
        settings.EVIDENCE_MAX_BYTES = 100
        story = case_in_state("verification")
        with pytest.raises(ValidationFailed):
            services.evidence_upload(
                dispute=story.case,
                actor=story.buyer,
                file=upload("big.pdf", PDF + b"0" * 100),
            )

    @pytest.mark.parametrize(
        "description, kept",
        [
            (
                "  " + "破" * EVIDENCE_DESCRIPTION_MAX + "\n",
                "破" * EVIDENCE_DESCRIPTION_MAX,
            ),
            ("  破洞  ", "破洞"),
            ("", ""),
        ],
    )
    def test_a_description_is_kept_whole(self, description, kept):
        story = case_in_state("verification")
        evidence = services.evidence_upload(
            dispute=story.case,
            actor=story.buyer,
            file=upload("p.png", PNG),
            description=description,
        )
        evidence.refresh_from_db()
        assert evidence.description == kept

    def test_a_description_too_long_is_refused_never_cut(self):
        """The service refuses what the form and the API refuse, for any caller
        (it used to cut it at 500 characters without a word)."""
        story = case_in_state("verification")
        events = story.case.events.count()
        with (
            translation.override("zh-hans"),
            pytest.raises(ValidationFailed) as refused,
        ):
            services.evidence_upload(
                dispute=story.case,
                actor=story.buyer,
                file=upload("p.png", PNG),
                description="破" * (EVIDENCE_DESCRIPTION_MAX + 1),
            )
        assert list(refused.value.errors) == ["description"]
        assert str(refused.value) == "最多写 500 个字（现在有 501 个）。"
        assert not story.case.evidence.exists()
        assert story.case.events.count() == events

    def test_the_limit_is_the_stored_fields(self):
        field = Evidence._meta.get_field("description")
        assert field.max_length == EVIDENCE_DESCRIPTION_MAX

    def test_answers_the_open_request_for_that_party(self):
        story = case_in_state("verification")
        services.dispute_request_evidence(
            dispute=story.case, actor=story.agent, party="merchant", note="发货底单"
        )
        services.evidence_upload(
            dispute=story.case, actor=story.buyer, file=upload("a.pdf", PDF)
        )
        request = story.case.evidence_requests.get()
        assert request.status == "open"
        services.evidence_upload(
            dispute=story.case, actor=story.merchant, file=upload("b.pdf", PDF)
        )
        request.refresh_from_db()
        assert request.status == "answered"


class TestNotifications:
    def test_parties_other_than_the_actor_are_mailed_by_the_worker(self, run_tasks):
        story = case_in_state("negotiation")
        run_tasks()
        mail.outbox.clear()
        services.dispute_reject(
            dispute=story.case, actor=story.merchant, reason="商品无问题"
        )
        assert mail.outbox == []  # nothing leaves the request
        run_tasks()
        assert [m.to for m in mail.outbox] == [[story.buyer.email]]
        assert story.case.number in mail.outbox[0].subject

    def test_failed_action_sends_nothing(self, run_tasks):
        story = case_in_state("negotiation")
        run_tasks()
        mail.outbox.clear()
        with pytest.raises(InvalidTransition):
            services.dispute_accept_offer(dispute=story.case, actor=story.buyer)
        assert run_tasks() == 0
        assert mail.outbox == []

    def test_internal_notes_mail_no_party(self, run_tasks):
        story = case_in_state("verification")
        run_tasks()
        mail.outbox.clear()
        services.message_post(
            dispute=story.case, actor=story.agent, body="内部", internal=True
        )
        run_tasks()
        assert mail.outbox == []


class TestEvidenceResponse:
    def test_safe_headers_and_inline_only_for_images(self):
        story = case_in_state("verification")
        png = services.evidence_upload(
            dispute=story.case, actor=story.buyer, file=upload("a.png", PNG)
        )
        pdf = services.evidence_upload(
            dispute=story.case, actor=story.buyer, file=upload("b.pdf", PDF)
        )
        shown = evidence_response(png, inline=True)
        assert shown["Content-Disposition"].startswith("inline")
        assert shown["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in shown["Content-Security-Policy"]
        assert evidence_response(pdf, inline=True)["Content-Disposition"].startswith(
            "inline"
        )
        assert evidence_response(pdf)["Content-Disposition"].startswith("attachment")

    def test_a_missing_file_is_not_found_not_a_crash(self):
        story = case_in_state("verification")
        evidence = services.evidence_upload(
            dispute=story.case, actor=story.buyer, file=upload("a.png", PNG)
        )
        evidence.file.storage.delete(evidence.file.name)
        with pytest.raises(Http404):
            evidence_response(evidence)


def test_timeline_labels_follow_the_readers_language():
    story = case_in_state("complaint")
    event = story.case.events.get(action="request_intervention")
    with translation.override("zh-hans"):
        assert (event.from_label, event.to_label, event.role_label) == (
            "协商",
            "平台介入",
            "买家",
        )
    with translation.override("en"):
        assert (event.from_label, event.to_label) == ("Negotiation", "Complaint")
