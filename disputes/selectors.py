"""Reads shared by pages, the admin, the API and reports."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    prefetch_related_objects,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.pages import capped_count
from core.roles import PLATFORM_ROLES, is_platform_staff
from core.workcalendar import working_hours
from stores.scoping import visible_to
from stores.selectors import RETURN_ADDRESS_FIELDS, return_address

from . import sla
from .choices import (
    RETURN_REMEDIES,
    Direction,
    MerchantResponse,
    Party,
    RequestStatus,
    Resolution,
    ReturnStep,
    State,
)
from .models import (
    Appeal,
    Dispute,
    DisputeEvent,
    Evidence,
    EvidenceRequest,
    Message,
    PlatformRule,
    ReasoningTemplate,
    Ruling,
    Shipment,
)
from .policy import Policy, case_policy
from .rules_pure import Deadline, running_deadlines

HISTORY_DAYS = 90


def visible_disputes(
    user: Any, qs: QuerySet[Dispute] | None = None
) -> QuerySet[Dispute]:
    """Cases this user may see (stores.scoping's rule)."""
    return visible_to(user, Dispute.objects.all() if qs is None else qs)


def dispute_list(
    *, user: User, qs: QuerySet[Dispute] | None = None
) -> QuerySet[Dispute]:
    """Cases the user may see, with what a list row shows already joined."""
    return visible_disputes(user, qs).select_related(
        "order", "store__category", "buyer", "assigned_to"
    )


# A case row joins at most five tables; its ruling and appeal (with their rules)
# come in two small queries. PostgreSQL took longer to plan the eleven-table
# join this replaced (24 ms) than to run it (docs/performance.md).
DECISIONS = (
    Prefetch("ruling", queryset=Ruling.objects.select_related("rule")),
    Prefetch("appeal_record", queryset=Appeal.objects.select_related("rule")),
)


# What a case row reads of the tables it joins (each FSM field too: django-fsm
# reads it when the row is loaded). Fewer columns to fetch, parse and compile:
# about a third of the page query's CPU.
FEED_JOINED_COLUMNS = (
    *("order__number", "order__status", "order__buyer_id", "order__store_id"),
    *("store__name", "store__status", "store__owner_id", "store__category_id"),
    *("buyer__username", "buyer__display_name"),
    *("assigned_to__username", "assigned_to__display_name"),
)


def with_decisions(cases: list[Dispute]) -> list[Dispute]:
    """Attach each case's ruling and appeal (with their rules): two small
    queries for the cases already ruled, none for the others. A ruling is
    written by the `rule` transition, which sets `ruled_at`, and an appeal
    only follows a ruling: a case without `ruled_at` has neither (most of an
    open queue, every case of a `?state=complaint` page)."""
    ruled = [case for case in cases if case.ruled_at is not None]
    relations = [Dispute._meta.get_field(name) for name in ("ruling", "appeal_record")]
    for case in cases:
        if case.ruled_at is None:
            for relation in relations:
                relation.set_cached_value(case, None)
    if ruled:
        prefetch_related_objects(ruled, *DECISIONS)
    return cases


def dispute_feed(*, user: User) -> QuerySet[Dispute]:
    """Visible cases for the API: the list row's joins (the page's decisions
    come after it, `with_decisions`)."""
    own = [f.name for f in Dispute._meta.concrete_fields]
    return (
        visible_disputes(user)
        .select_related("order", "store", "buyer", "assigned_to")
        .only(*own, *FEED_JOINED_COLUMNS)
    )


# What the API's answer for one case reads of the tables it joins: a list
# row's columns and the store's return address. About 50 columns where the
# five whole rows had 170: a third less CPU to compile, plan and fetch the case
# query, which is most of a detail request (issue 25, docs/performance.md).
ANSWER_JOINED_COLUMNS = (
    *FEED_JOINED_COLUMNS,
    *(f"store__{name}" for name in RETURN_ADDRESS_FIELDS),
)


def dispute_answer(*, user: User, number: str) -> Dispute | None:
    """One visible case as the API answers it (GET one, and after a write):
    the columns its answer reads, its decisions; or None."""
    own = [f.name for f in Dispute._meta.concrete_fields]
    found = list(
        visible_disputes(user)
        .select_related("order", "store", "buyer", "assigned_to")
        .only(*own, *ANSWER_JOINED_COLUMNS)
        .filter(number=number)
        .order_by()[:1]
    )
    return with_decisions(found)[0] if found else None


def dispute_feed_item(*, user: User, number: str) -> Dispute | None:
    """One visible case for the API (few joins, its decisions), or None."""
    # The number is unique: no ORDER BY (first() would sort by the model's
    # ordering, and compiling that costs more CPU than the rest of the query).
    found = list(
        visible_disputes(user)
        .select_related("order", "store__owner", "buyer", "assigned_to")
        .filter(number=number)
        .order_by()[:1]
    )
    return with_decisions(found)[0] if found else None


def dispute_detail(*, user: User, number: str) -> Dispute | None:
    """One visible case with its ruling and appeal, or None."""
    return (
        dispute_list(user=user)
        .select_related(
            "ruling__rule", "appeal_record__rule", "store__owner", "opened_by"
        )
        .filter(number=number)
        .first()
    )


def dispute_timeline(*, dispute: Dispute, user: User) -> QuerySet[DisputeEvent]:
    """The timeline this user may read: parties never see internal entries."""
    events = DisputeEvent.objects.filter(dispute=dispute).select_related(
        "actor", "subject", "message", "evidence", "evidence_request"
    )
    if not is_platform_staff(user):
        events = events.filter(internal=False)
    return events.order_by("created_at", "id")


# The merchant's work queue: tabs, in the order they are shown.
MERCHANT_TABS = ("waiting", "receiving", "buyer", "platform", "closed", "all")
PLATFORM_STATES = (
    State.COMPLAINT,
    State.VERIFICATION,
    State.MEDIATION,
    State.RULED,
    State.APPEAL,
)


def waiting_for_merchant() -> Q:
    """Cases where the store must act: answer, accept a proposal, send evidence."""
    asked = EvidenceRequest.objects.filter(
        dispute=OuterRef("pk"), party=Party.MERCHANT, status=RequestStatus.OPEN
    )
    return (
        Q(state=State.NEGOTIATION, merchant_response=MerchantResponse.NONE)
        | Q(
            state=State.MEDIATION,
            proposal_amount__isnull=False,
            proposal_merchant_accepted_at__isnull=True,
        )
        | Q(Exists(asked), state__in=PLATFORM_STATES)
        # The goods: the replacement to send (the returned parcel on its way
        # has its own tab, `receiving`).
        | Q(state=State.RETURNING, return_step=ReturnStep.AWAITING_REPLACEMENT)
    )


def receiving_for_merchant() -> Q:
    """Returned goods on their way to the store (待收货): confirm or refuse."""
    return Q(state=State.RETURNING, return_step=ReturnStep.RETURN_IN_TRANSIT)


def merchant_tab_filter(tab: str) -> Q:
    waiting = waiting_for_merchant()
    return {
        "waiting": waiting,
        "receiving": receiving_for_merchant(),
        # Waiting on the buyer: the negotiation, and goods the buyer sends or
        # confirms.
        "buyer": (Q(state=State.NEGOTIATION) & ~waiting)
        | Q(
            state=State.RETURNING,
            return_step__in=[
                ReturnStep.AWAITING_RETURN,
                ReturnStep.REPLACEMENT_IN_TRANSIT,
            ],
        ),
        "platform": Q(state__in=PLATFORM_STATES) & ~waiting,
        "closed": Q(state=State.CLOSED),
        "all": Q(),
    }[tab]


def merchant_queue(*, user: User, tab: str) -> QuerySet[Dispute]:
    """A merchant's cases in one tab; open tabs sorted by the nearest deadline."""
    qs = dispute_list(user=user).filter(merchant_tab_filter(tab))
    if tab in ("closed", "all"):
        return qs.order_by("-opened_at", "-id")
    return qs.order_by(F("deadline_at").asc(nulls_last=True), "opened_at", "id")


# A tab's badge stops counting here ("999+"): a big store has tens of
# thousands of open cases, and a badge only needs to say "many".
TAB_CAP = 999


@dataclass(frozen=True)
class TabCount:
    count: int
    capped: bool = False  # more than `count` (TAB_CAP) cases


def merchant_tab_counts(*, user: User) -> dict[str, TabCount]:
    """How many cases each tab holds, each count stopping at TAB_CAP.

    One small query a tab, each reading at most TAB_CAP + 1 rows, so the
    page costs the same for a store of 50 cases and one of 120,000.
    """
    mine = visible_disputes(user)
    # The open tabs where matches are dense are read in the order of the
    # store's open-deadline index, so the count stops at the cap (the planner
    # otherwise combines every case's state index first: 156 -> 50 ms at 1M);
    # the others are left to the planner (measured: ordering them is slower).
    order = {
        "waiting": ("deadline_at",),
        "receiving": ("deadline_at",),
        "platform": ("deadline_at",),
    }
    return {
        tab: TabCount(
            *capped_count(
                mine.filter(merchant_tab_filter(tab)),
                TAB_CAP,
                order.get(tab, ()),
            )
        )
        for tab in MERCHANT_TABS
    }


def dispute_messages(*, dispute: Dispute, user: User) -> QuerySet[Message]:
    """The messages this user may read: parties never see internal notes."""
    messages = Message.objects.filter(dispute=dispute).select_related("author")
    if not is_platform_staff(user):
        messages = messages.filter(internal=False)
    return messages.order_by("created_at", "id")


def evidence_of(*, dispute: Dispute, pk: int | str) -> Evidence | None:
    """One evidence item of a case the caller already found visible, or None."""
    if not str(pk).isdigit() or len(str(pk)) > 18:
        return None
    return Evidence.objects.filter(dispute=dispute, pk=int(pk)).first()


def active_handlers() -> QuerySet[User]:
    """Active agents and supervisors: the people a case may be assigned to."""
    return (
        User.objects.filter(is_active=True, groups__name__in=list(PLATFORM_ROLES))
        .distinct()
        .order_by("username")
    )


def rules_in_force() -> QuerySet[PlatformRule]:
    """The platform rules in force now (newest effective version of each code)."""
    return PlatformRule.objects.in_force().order_by("code")


def rule_versions(*, code: str) -> list[PlatformRule]:
    """Every published version of one rule, newest first (kept forever)."""
    return list(PlatformRule.objects.filter(code=code).order_by("-version"))


def rule_changes(
    *, rule: PlatformRule, previous: PlatformRule | None
) -> list[dict[str, str]]:
    """What a version changed in the text, line by line: kept, added, removed."""
    if previous is None:
        return []
    old, new = previous.text.splitlines(), rule.text.splitlines()
    rows = []
    for line in difflib.ndiff(old, new):
        tag, text = line[:1], line[2:]
        if tag == "?":
            continue
        kind = {"+": "added", "-": "removed"}.get(tag, "same")
        rows.append({"kind": kind, "text": text})
    return rows


def _history(filter_q: Q, exclude_pk: int | None) -> dict[str, Any]:
    since = timezone.now() - timedelta(days=HISTORY_DAYS)
    qs = Dispute.objects.filter(filter_q, opened_at__gte=since)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    by_resolution = dict(
        qs.filter(state=State.CLOSED)
        .values_list("resolution")
        .annotate(n=Count("id"))
        .values_list("resolution", "n")
    )
    counts: dict[str, Any] = qs.aggregate(
        total=Count("id"),
        open=Count("id", filter=~Q(state=State.CLOSED)),
        intervened=Count("id", filter=Q(intervened_at__isnull=False)),
        merchant_liable=Count("id", filter=Q(liability="merchant")),
    )
    counts["by_resolution"] = {
        Resolution(k).label: v for k, v in by_resolution.items() if k
    }
    return counts


def buyer_history(*, dispute: Dispute) -> dict[str, Any]:
    """The buyer's cases in the last 90 days (this one excluded), counted from
    the case table: the recount the tests compare the rollups with.

    Pages read the rollups instead (`reports.selectors.buyer_history` and
    `store_history`, through `workbench.queues.party_history`): this count
    scans every recent case of the buyer (~220 ms for 39,742 cases, issue 25).
    """
    return _history(Q(buyer_id=dispute.buyer_id), dispute.pk)


PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill_placeholders(text: str, values: dict[str, str]) -> str:
    """Replace {name} with its value; unknown names and stray braces stay."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def rule_guidance(*, dispute: Dispute) -> dict[str, dict[str, Any]]:
    """Each rule in force with its text and its reasoning templates filled in
    for this case: what the agent sees beside the reasoning box."""
    order = dispute.order
    values = {
        "amount": f"¥{dispute.amount}",
        "refundable": f"¥{order.refundable}",
        "order_total": f"¥{order.total}",
        "order": order.number,
        "opened": f"{timezone.localtime(dispute.opened_at):%Y-%m-%d}",
        "delivered": (
            f"{timezone.localtime(order.delivered_at):%Y-%m-%d}"
            if order.delivered_at
            else "—"
        ),
        "store": dispute.store.name,
    }
    rules = rules_in_force().prefetch_related(
        Prefetch(
            "reasoning_templates",
            queryset=ReasoningTemplate.objects.filter(active=True),
            to_attr="active_templates",
        )
    )
    guidance = {}
    for rule in rules:
        values["rule"] = rule.title_and_version
        guidance[rule.code] = {
            "title": rule.title,
            "version": rule.version,
            "version_label": _("version %(v)s") % {"v": rule.version},
            "text": rule.text,
            "url": f"/disputes/rules/{rule.code}/v{rule.version}/",
            "templates": [
                {"title": t.title, "text": fill_placeholders(t.text, values)}
                for t in rule.active_templates
            ],
        }
    return guidance


def appeal_filed_at(dispute: Dispute) -> datetime | None:
    """When the appeal under review was filed (None unless under appeal)."""
    if dispute.state != State.APPEAL:
        return None
    # A reverse one-to-one raises an AttributeError subclass when absent.
    appeal = getattr(dispute, "appeal_record", None)
    return appeal.filed_at if appeal is not None else timezone.now()


def dispute_deadlines(
    *, dispute: Dispute, policy: Policy | None = None, now: datetime | None = None
) -> list[Deadline]:
    """Every deadline running on the case, the one that governs first
    (`rules_pure.running_deadlines`): the services store the first as the
    case's `deadline_at`, the workbench's case page lists them all."""
    policy = policy or case_policy(dispute)
    target = sla.current_target(dispute, policy)
    return running_deadlines(
        dispute,
        policy,
        appeal_filed_at=appeal_filed_at(dispute),
        target=(target.kind, target.due_at) if target else None,
        now=now or timezone.now(),
        calendar=working_hours(),
    )


# Goods (DESIGN.md "Goods as well as money").
RETURN_STEPS = (ReturnStep.AWAITING_RETURN, ReturnStep.RETURN_IN_TRANSIT)


def return_agreed(dispute: Dispute) -> bool:
    """Whether the goods of the case go back to the store now or went back:
    only then does the buyer see the store's return address."""
    if dispute.state == State.RETURNING or dispute.return_step:
        return dispute.return_step in RETURN_STEPS or (
            dispute.remedy in RETURN_REMEDIES
            and dispute.return_step == ReturnStep.AWAITING_REPLACEMENT
        )
    return False


def return_address_for(dispute: Dispute) -> Any:
    """The store's return address once a return is agreed, else None
    (`stores.selectors.return_address`: None while the store has not set one)."""
    if not return_agreed(dispute):
        return None
    return return_address(dispute.store)


def dispute_shipments(*, dispute: Dispute) -> list[Shipment]:
    """The parcels of a case (return first), each with its carrier events;
    no query for a case that never sent one."""
    if not dispute.has_parcels:
        return []
    return list(
        Shipment.objects.filter(dispute=dispute)
        .select_related("shipped_by")
        .prefetch_related("events")
        .order_by("shipped_at", "id")
    )


def dispute_claimed_items(*, dispute: Dispute) -> list[Any]:
    """The items a claim names (empty: the whole order); no query for a
    claim that names none."""
    if not dispute.names_items:
        return []
    return list(dispute.claimed_items.select_related("order_item"))


def return_shipment(dispute: Dispute) -> Shipment | None:
    return (
        Shipment.objects.filter(dispute=dispute, direction=Direction.RETURN)
        .order_by("-id")
        .first()
    )
