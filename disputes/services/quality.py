"""Quality review of rulings: the weekly sample, the scorecard, a contest.

`sample_week` queues, for one week, at least 5 % of each agent's rulings
(`rules_pure.sample_size`, drawn by `rules_pure.sample_key`), every ruling
overturned on appeal that week, and a blind second review of about one
sampled review in five. It is idempotent: a rerun for the same week adds
only what is missing (`manage.py sample_quality_reviews`, the task
`disputes.tasks.quality_sample_week`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import ActionNotPermitted, InvalidTransition, ValidationFailed
from core.roles import Role, role_of

from ..choices import Decision
from ..models import Appeal, QualityReview, ReviewReason, Ruling
from ..rules_pure import reviewed_twice, sample_key, sample_size
from ._core import require_text


def week_of(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def last_full_week(now: datetime | None = None) -> date:
    """The Monday of the week before the current one (local time)."""
    today = timezone.localdate(now or timezone.now())
    return week_of(today) - timedelta(days=7)


def _window(week: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(week, time.min))
    return start, start + timedelta(days=7)


@dataclass(frozen=True)
class Sampled:
    sampled: int  # new weekly-sample reviews
    overturned: int  # new reviews of overturned rulings
    seconds: int  # new blind second reviews


def sample_week(week: date) -> Sampled:
    """Queue the week's reviews (`week`: any day of it); idempotent."""
    week = week_of(week)
    start, end = _window(week)
    label = week.isoformat()
    by_agent: dict[int, list[int]] = defaultdict(list)
    rulings = Ruling.objects.filter(decided_at__gte=start, decided_at__lt=end)
    for pk, agent in rulings.values_list("pk", "decided_by_id"):
        by_agent[agent].append(pk)
    overturned = Appeal.objects.filter(
        decision=Decision.OVERTURNED, decided_at__gte=start, decided_at__lt=end
    ).values_list("dispute__ruling__pk", "dispute__ruling__decided_by_id")
    counts = {"sampled": 0, "overturned": 0, "seconds": 0}
    with transaction.atomic():
        for agent, ids in by_agent.items():
            drawn = sorted(ids, key=lambda pk: sample_key(label, pk))
            for pk in drawn[: sample_size(len(ids))]:
                counts["sampled"] += _queue(pk, agent, week, ReviewReason.SAMPLE)
        for pk, agent in overturned:
            counts["overturned"] += _queue(pk, agent, week, ReviewReason.OVERTURNED)
        firsts = QualityReview.objects.filter(
            week=week, why=ReviewReason.SAMPLE, blind_of__isnull=True
        )
        for first in firsts:
            if reviewed_twice(label, first.pk):
                _, made = QualityReview.objects.get_or_create(
                    blind_of=first,
                    defaults={
                        "ruling_id": first.ruling_id,
                        "agent_id": first.agent_id,
                        "week": week,
                        "why": ReviewReason.SECOND,
                    },
                )
                counts["seconds"] += made
    return Sampled(**counts)


def _queue(ruling_id: int, agent_id: int, week: date, why: str) -> int:
    _, made = QualityReview.objects.get_or_create(
        ruling_id=ruling_id,
        why=why,
        blind_of=None,
        defaults={"agent_id": agent_id, "week": week},
    )
    return int(made)


def _reviewers_of(review: QualityReview) -> set[int]:
    """Who reviewed the other half of a blind pair (read now, not cached)."""
    pair = QualityReview.objects.filter(
        Q(pk=review.blind_of_id) | Q(blind_of_id=review.pk), reviewer__isnull=False
    )
    return set(pair.values_list("reviewer_id", flat=True))


def may_review(review: QualityReview, user: User) -> bool:
    return (
        role_of(user) == Role.SUPERVISOR
        and user.pk != review.agent_id
        and user.pk not in _reviewers_of(review)
    )


def review_submit(
    *,
    review: QualityReview,
    actor: User,
    facts_checked: bool,
    rule_applied: bool,
    reasoning_clear: bool,
    outcome_consistent: bool,
    comment: str = "",
) -> QualityReview:
    """A supervisor scores a ruling; never their own, never both halves of a
    blind pair, and once."""
    if not may_review(review, actor):
        raise ActionNotPermitted(
            _("Another supervisor reviews this ruling (not its agent, not twice).")
        )
    with transaction.atomic():
        locked = QualityReview.objects.select_for_update().get(pk=review.pk)
        if locked.reviewed_at is not None:
            raise InvalidTransition(_("This ruling was already reviewed."))
        locked.reviewer = actor
        locked.facts_checked = facts_checked
        locked.rule_applied = rule_applied
        locked.reasoning_clear = reasoning_clear
        locked.outcome_consistent = outcome_consistent
        locked.comment = comment.strip()
        locked.reviewed_at = timezone.now()
        locked.save()
    return locked


def review_contest(*, review: QualityReview, actor: User, reason: str) -> QualityReview:
    """The agent who ruled contests a finished review, once, in writing."""
    if actor.pk != review.agent_id:
        raise ActionNotPermitted(_("Only the agent who ruled may contest a review."))
    text = require_text(reason, field="contest_reason", label=_("Your reason"))
    with transaction.atomic():
        locked = QualityReview.objects.select_for_update().get(pk=review.pk)
        if locked.reviewed_at is None:
            raise InvalidTransition(_("The review is not finished yet."))
        if locked.contested_at is not None:
            raise ValidationFailed(_("You already contested this review."))
        locked.contest_reason = text
        locked.contested_at = timezone.now()
        locked.save(update_fields=["contest_reason", "contested_at"])
    return locked
