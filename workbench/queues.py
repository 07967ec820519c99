"""Reads for the agents' workbench: queue filters, home counts, time left."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.countdown import DUE_SOON
from core.pages import capped_count
from core.roles import is_platform_staff, is_staff_role
from disputes import selectors, sla
from disputes.choices import OPEN_STATES, DeadlineKind, Party, State
from disputes.models import Dispute, DisputeEvent
from reports.selectors import (
    buyer_history,
    store_history,
)
from stores.governance import in_trouble, priority_reason, trouble_rule
from stores.models import Store, StoreStatus

# An agent target is "due soon" from 80 % of its working time on
# (disputes.sla, the same rule as the warning); a parties' deadline in its
# last four hours (core.countdown.DUE_SOON).
AGENT_TARGETS = (DeadlineKind.PICKUP, DeadlineKind.RULING)


def open_cases(qs: QuerySet[Dispute] | None = None) -> QuerySet[Dispute]:
    """Cases that are not closed (an IN on the state index, never a NOT)."""
    qs = Dispute.objects.all() if qs is None else qs
    return qs.filter(state__in=OPEN_STATES)


def unassigned_complaints(qs: QuerySet[Dispute] | None = None) -> QuerySet[Dispute]:
    """Complaints nobody has picked up yet."""
    qs = Dispute.objects.all() if qs is None else qs
    return qs.filter(state=State.COMPLAINT, assigned_to__isnull=True)


def assigned_to(user: User, qs: QuerySet[Dispute] | None = None) -> QuerySet[Dispute]:
    qs = Dispute.objects.all() if qs is None else qs
    return qs.filter(assigned_to=user)


def overdue(
    qs: QuerySet[Dispute] | None = None, *, now: datetime | None = None
) -> QuerySet[Dispute]:
    """Open cases whose current deadline has passed."""
    return open_cases(qs).filter(deadline_at__lt=now or timezone.now())


def due_soon(
    qs: QuerySet[Dispute] | None = None, *, now: datetime | None = None
) -> QuerySet[Dispute]:
    """Open cases past 80 % of their agent target (working hours), or whose
    parties' deadline falls within the next four hours."""
    now = now or timezone.now()
    party_deadline_soon = Q(deadline_at__gte=now, deadline_at__lt=now + DUE_SOON) & ~Q(
        deadline_kind__in=AGENT_TARGETS
    )
    return open_cases(qs).filter(sla.due_soon(now) | party_deadline_soon)


def target_warned(case: Dispute, now: datetime | None = None) -> bool:
    """The case is past the warning point of its current agent target."""
    return case.sla_warn_at is not None and case.sla_warn_at <= (now or timezone.now())


def priority_queue(qs: QuerySet[Dispute] | None = None) -> QuerySet[Dispute]:
    """Cases in the platform's priority queue (opened on a restricted store)."""
    qs = Dispute.objects.all() if qs is None else qs
    return qs.filter(priority_queue=True)


def appeals_waiting(qs: QuerySet[Dispute] | None = None) -> QuerySet[Dispute]:
    qs = Dispute.objects.all() if qs is None else qs
    return qs.filter(state=State.APPEAL)


@dataclass(frozen=True)
class HomeCount:
    key: str
    label: str
    count: int
    query: str
    tone: str = ""
    capped: bool = False  # more than `count` (COUNT_CAP) cases


CHANGELIST = "/admin/disputes/dispute/"


def home_counts(user: User) -> list[HomeCount]:
    """The workbench home figures, each with the changelist query it links to."""
    if not is_staff_role(user):
        return []
    now = timezone.now()
    mine = assigned_to(user)
    rows = [
        (
            "unassigned",
            gettext_lazy("Complaints waiting for pick-up"),
            unassigned_complaints(),
            "?state=complaint&assigned=unassigned",
            "info",
        ),
        (
            "mine",
            gettext_lazy("My open cases"),
            open_cases(mine),
            "?state=open&assigned=me",
            "",
        ),
        (
            "due_soon",
            gettext_lazy("My cases due soon"),
            due_soon(mine, now=now),
            "?due=soon&assigned=me",
            "warn",
        ),
        (
            "overdue",
            gettext_lazy("Overdue cases"),
            overdue(now=now),
            "?due=overdue",
            "danger",
        ),
        (
            "appeals",
            gettext_lazy("Appeals waiting for a supervisor"),
            appeals_waiting(),
            "?state=appeal",
            "appeal",
        ),
    ]
    counts = []
    for key, label, qs, query, tone in rows:
        count, capped = capped_count(qs)
        counts.append(
            HomeCount(key, str(label), count, CHANGELIST + query, tone, capped)
        )
    return counts


def recent_activity(user: User, limit: int = 10) -> list[DisputeEvent]:
    """The user's own latest timeline entries, newest first."""
    return list(
        DisputeEvent.objects.filter(actor=user)
        .select_related("dispute")
        .order_by("-created_at", "-id")[:limit]
    )


def queue_filter(
    qs: QuerySet[Dispute], *, assigned: str | None, user: User
) -> QuerySet[Dispute]:
    """Filter a case queryset by 'me' or 'unassigned'."""
    if assigned == "me":
        return qs.filter(assigned_to=user)
    if assigned == "unassigned":
        return qs.filter(assigned_to__isnull=True)
    return qs


def search_cases(qs: QuerySet[Dispute], term: str) -> QuerySet[Dispute]:
    """Find cases by the shape of the term, using indexes only.

    D + digits: a case number; O + digits: an order number; anything else: a
    buyer's username or a store's name (exact, or a store-name prefix).
    """
    from stores.models import Store

    term = term.strip()
    if not term:
        return qs
    upper = term.upper()
    if upper[:1] == "D" and upper[1:].isdigit():
        return qs.filter(number=upper)
    if upper[:1] == "O" and upper[1:].isdigit():
        return qs.filter(order__number=upper)
    buyers = list(User.objects.filter(username=term).values_list("pk", flat=True))
    stores = list(
        Store.objects.filter(Q(name=term) | Q(name__startswith=term)).values_list(
            "pk", flat=True
        )[:50]
    )
    return qs.filter(Q(buyer_id__in=buyers) | Q(store_id__in=stores))


def stores_pending_count(user: User) -> int | None:
    """Stores waiting for review, for agents and supervisors (None for others)."""
    if not is_platform_staff(user):
        return None
    pending: int = Store.objects.filter(status=StoreStatus.PENDING).count()
    return pending


# The queue's priority: what makes a case more urgent than its deadline says.
PRIORITY_BANDS = ((Decimal("1000"), 2), (Decimal("300"), 1))  # claimed ¥ → points
REPEAT_CLAIMANT_CASES = 3  # the buyer's cases in the last 90 days, this one included
PRIORITY_DAYS = 90


@dataclass(frozen=True)
class Priority:
    level: int  # 1 (highest) to 3
    reasons: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"P{self.level}"


def with_priority_facts(qs: QuerySet[Dispute]) -> QuerySet[Dispute]:
    """Annotate each case with what its priority needs (one subquery a row).

    `buyer_nth_recent_at`: when the buyer opened their REPEAT_CLAIMANT_CASES-th
    most recent case of the last PRIORITY_DAYS days, None if they have fewer.
    It reads at most that many entries of the (buyer, opened_at) index, where
    counting every recent case read thousands for a busy buyer.
    """
    since = timezone.now() - timedelta(days=PRIORITY_DAYS)
    recent = (
        Dispute.objects.filter(buyer=OuterRef("buyer"), opened_at__gte=since)
        .order_by("-opened_at")
        .values("opened_at")
    )
    nth = REPEAT_CLAIMANT_CASES
    return qs.annotate(buyer_nth_recent_at=Subquery(recent[nth - 1 : nth]))


def repeat_claimant(case: Dispute) -> bool:
    """The buyer opened REPEAT_CLAIMANT_CASES or more cases in PRIORITY_DAYS."""
    return getattr(case, "buyer_nth_recent_at", None) is not None


def priority(case: Dispute) -> Priority:
    """P1–P3 from the amount band, a repeat claimant and a party's escalation;
    a case in the priority queue (a restricted store's) is P1 whatever else."""
    points, reasons = 0, []
    if case.priority_queue:
        points += 3
        reasons.append(priority_reason(case.priority_tier))
    for floor, band_points in PRIORITY_BANDS:
        if case.amount >= floor:
            points += band_points
            reasons.append(str(_("claim of ¥%(floor)s or more") % {"floor": floor}))
            break
    if repeat_claimant(case):
        points += 1
        reasons.append(str(_("repeat claimant")))
    if case.intervention_requested_by in (Party.BUYER, Party.MERCHANT):
        points += 1
        reasons.append(str(_("escalated by a party")))
    level = 1 if points >= 3 else 2 if points >= 1 else 3
    return Priority(level=level, reasons=tuple(reasons))


def party_history(*, dispute: Dispute) -> dict[str, dict[str, Any]]:
    """The buyer's and the store's cases in the last 90 days (this one excluded),
    each with its flag: a repeat claimant (the priority rule: this case
    included) and a repeat offender (the outliers report's rule, with its
    wording for the badge's title).

    A store or a buyer may have many thousands of cases: both come from the
    report rollups (the store's cuboids, the buyer's days), never from a count
    of the case table (issue 25).
    """
    buyer = buyer_history(dispute=dispute, days=selectors.HISTORY_DAYS)
    buyer["repeat"] = buyer["total"] + 1 >= REPEAT_CLAIMANT_CASES
    store = store_history(dispute=dispute, days=selectors.HISTORY_DAYS)
    # The flag (屡次违规) reads the governance tier: one definition of a
    # store in trouble (stores.governance.in_trouble).
    store["repeat"] = in_trouble(dispute.store.tier)
    store["repeat_rule"] = trouble_rule(dispute.store.tier)
    return {"buyer": buyer, "store": store}
