"""The demo's quality reviews: the recent weeks sampled, the older ones scored
by the supervisors (blind pairs by both), one contested by its agent, the
last week left waiting in the queue."""

from __future__ import annotations

from datetime import date, timedelta

from accounts.models import User
from core.errors import ApplicationError
from disputes.models import QualityReview
from disputes.services.quality import (
    may_review,
    review_contest,
    review_submit,
    sample_week,
    week_of,
)

WEEKS = 6  # weeks sampled, the current one left out
COMMENTS = (
    "事实核查充分，理由写得清楚。",
    "引用规则正确，但理由可以更具体地回应商家的抗辩。",
    "建议在理由中说明为何采信买家的照片。",
)


def seed_quality_reviews(today: date) -> int:
    """Sample the last `WEEKS` full weeks; score all but the last one."""
    last = week_of(today) - timedelta(days=7)
    weeks = [last - timedelta(weeks=n) for n in range(WEEKS)]
    for week in weeks:
        sample_week(week)
    supervisors = list(
        User.objects.filter(username__in=["supervisor1", "supervisor2"]).order_by(
            "username"
        )
    )
    reviews = (
        QualityReview.objects.filter(week__lt=last)
        .select_related("blind_of")
        .order_by("blind_of_id", "pk")  # first reviews before their blind seconds
    )
    done = 0
    for review in reviews:
        reviewer = next((s for s in supervisors if may_review(review, s)), None)
        if reviewer is None:
            continue
        key = review.ruling_id + (review.blind_of_id or 0)
        try:
            review_submit(
                review=review,
                actor=reviewer,
                facts_checked=key % 7 != 0,
                rule_applied=key % 11 != 0,
                reasoning_clear=key % 3 != 0,
                outcome_consistent=key % 5 != 0,
                comment=COMMENTS[key % len(COMMENTS)],
            )
        except ApplicationError:
            continue
        done += 1
    _contest_one()
    return done


def _contest_one() -> None:
    """agent1 contests one finished review with a low mark."""
    review = (
        QualityReview.objects.filter(
            agent__username="agent1",
            reviewed_at__isnull=False,
            reasoning_clear=False,
            contested_at__isnull=True,
        )
        .order_by("pk")
        .first()
    )
    if review is not None:
        review_contest(
            review=review,
            actor=review.agent,
            reason="理由中已逐条回应商家的抗辩，并引用了检测报告，请复核。",
        )
