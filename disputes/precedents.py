"""Precedents: the decided cases most like a case, and their majority.

The agent sees them on the ruling and overturn forms (the workbench), the
API serves them at `GET /api/v1/disputes/{number}/precedents/` (staff), and
the ruling and overturn services ask `precedents_for` whether a decision
departs from a clear majority (`rules_pure.majority`, `rules_pure.departs`).

Which cases: decided ones (ruled, under appeal, or closed after a ruling),
never the case itself. How close: `rules_pure.precedent_rank` — same reason
and category first, then the claimed share of the order, evidence present or
not, the merchant's answer and the description's text similarity (PostgreSQL:
pg_trgm `similarity()`; SQLite: the share of character pairs the two texts
have in common).

The query stays small at a million cases: it reads bounded pools — the most
recently ruled cases of the same reason in the same category, (PostgreSQL)
the best text matches among a window of those, and only when those are too
few the same reason in other categories and other reasons (`POOL_SQL`) —
ranks those one or two hundred rows in Python and keeps the first `LIMIT`.
The majority counts the shown precedents of the same reason only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Exists, FloatField, Func, OuterRef, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Left

from stores.models import Store

from .choices import Decision, Liability, Outcome
from .models import Appeal, Dispute, Evidence, PlatformRule
from .rules_pure import (
    CaseFacts,
    Majority,
    majority,
    precedent_rank,
    precedent_similarity,
)

LIMIT = 10  # precedents shown
POOL = 100  # most recent decided cases read per pool
# PostgreSQL's text pool: the TEXT_POOL best text matches among the WINDOW
# most recently ruled cases of the same reason and category (`POOL_SQL`). A
# bounded window, not the GIN index's `%` match: at a million cases whose
# descriptions repeat (the demo's vocabulary) `%` finds hundreds of thousands
# of rows and took 0.2–2 s a call (docs/consistency.md). 0 turns it off.
TEXT_POOL = 50
WINDOW = 500
TEXT_CHARS = 500  # description characters compared


class Similarity(Func):
    """pg_trgm's similarity(a, b): 0..1."""

    function = "SIMILARITY"
    output_field = FloatField()


@dataclass(frozen=True)
class Precedent:
    """One decided case shown as a precedent."""

    pk: int
    number: str
    outcome: str  # the final outcome (an overturn replaces the ruling's)
    liability: str
    rule: str  # the cited rule's code
    rule_title: str
    rule_version: int
    similarity: Decimal  # 0..1 (`rules_pure.precedent_similarity`)
    same_reason: bool
    overturned: bool

    @property
    def outcome_label(self) -> str:
        return str(Outcome(self.outcome).label) if self.outcome else ""

    @property
    def liability_label(self) -> str:
        return str(Liability(self.liability).label) if self.liability else ""


@dataclass(frozen=True)
class Precedents:
    precedents: list[Precedent]
    majority: Majority | None


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


def pairs_similarity(a: str, b: str) -> float:
    """SQLite's simpler match: shared character pairs / all pairs (Jaccard),
    which works on Chinese text as on English."""

    def pairs(text: str) -> set[str]:
        text = " ".join(text.lower().split())[:TEXT_CHARS]
        return {text[i : i + 2] for i in range(len(text) - 1)}

    left, right = pairs(a), pairs(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def _share(amount: Decimal, total: Decimal | None) -> Decimal:
    if not total:
        return Decimal(1)
    return min((amount / total).quantize(Decimal("0.001")), Decimal(1))


def _facts(case: Dispute, *, has_evidence: bool) -> CaseFacts:
    return CaseFacts(
        reason=case.reason,
        category_id=case.store.category_id,
        share=_share(case.amount, case.order.total),
        has_evidence=has_evidence,
        merchant_response=case.merchant_response,
    )


def _pool_ids(case: Dispute) -> set[int]:
    """SQLite: the candidates' ids, pool by pool (no text pool)."""
    decided = Dispute.objects.filter(ruled_at__isnull=False).exclude(pk=case.pk)
    same_reason = decided.filter(reason=case.reason)
    category = case.store.category_id
    recent = "-ruled_at"
    pools = [
        same_reason.filter(store__category_id=category).order_by(recent),
        same_reason.exclude(store__category_id=category).order_by(recent),
    ]
    ids: set[int] = set()
    for pool in pools:
        ids |= set(pool.values_list("pk", flat=True)[:POOL])
    others = decided.exclude(reason=case.reason).order_by(recent)
    for rest in (others.filter(store__category_id=category), others):
        if len(ids) >= LIMIT:
            break
        # Too few of the same reason: the rest, of the same category first.
        ids |= set(rest.values_list("pk", flat=True)[:LIMIT])
    return ids


# PostgreSQL: every pool in one statement, each read from a partial index on
# the decided cases that carries the store and the id (index-only scans
# filtered by an array of the category's stores, read once in the statement;
# a join to the stores instead made PostgreSQL fetch every scanned row):
#   recent  - the POOL most recently ruled of the same reason and category;
#   text    - of the WINDOW most recently ruled of the same reason and
#             category, the TEXT_POOL whose descriptions are most like this
#             one (pg_trgm similarity(), computed once per distinct text: the
#             window's descriptions are the only rows read from the table);
#   others  - the POOL most recent of the same reason in other categories,
#             read only when the category has fewer than LIMIT (the ranking
#             puts every case of the same reason and category first);
#   rest    - the LIMIT most recent of other reasons, in the same category
#             and in any, read only when the reason has fewer than LIMIT.
POOL_SQL = """
WITH stores AS MATERIALIZED (
    SELECT ARRAY(SELECT id FROM {stores} WHERE category_id = %(category)s) AS ids
), window_ids AS MATERIALIZED (
    SELECT d.id, d.ruled_at FROM {table} d
    WHERE d.ruled_at IS NOT NULL AND d.reason = %(reason)s AND d.id <> %(me)s
      AND d.store_id = ANY((SELECT ids FROM stores)::bigint[])
    ORDER BY d.ruled_at DESC LIMIT %(window)s
), texts AS MATERIALIZED (
    SELECT w.id, w.ruled_at, LEFT(d.description, %(chars)s) AS text
    FROM window_ids w JOIN {table} d ON d.id = w.id
    WHERE %(text_pool)s > 0
), scores AS (
    SELECT text, SIMILARITY(text, %(text)s) AS score
    FROM (SELECT DISTINCT text FROM texts) distinct_texts
), others AS MATERIALIZED (
    SELECT d.id FROM {table} d
    WHERE (SELECT COUNT(*) FROM window_ids) < %(limit)s
      AND d.ruled_at IS NOT NULL AND d.reason = %(reason)s AND d.id <> %(me)s
      AND NOT d.store_id = ANY((SELECT ids FROM stores)::bigint[])
    ORDER BY d.ruled_at DESC LIMIT %(pool)s
), found AS (
    SELECT (SELECT COUNT(*) FROM window_ids) + (SELECT COUNT(*) FROM others) AS n
)
(SELECT id FROM window_ids ORDER BY ruled_at DESC LIMIT %(pool)s)
UNION
(SELECT t.id FROM texts t JOIN scores s ON s.text = t.text
 ORDER BY s.score DESC, t.ruled_at DESC LIMIT %(text_pool)s)
UNION
(SELECT id FROM others)
UNION
(SELECT d.id FROM {table} d
 WHERE (SELECT n FROM found) < %(limit)s
   AND d.ruled_at IS NOT NULL AND d.reason <> %(reason)s AND d.id <> %(me)s
   AND d.store_id = ANY((SELECT ids FROM stores)::bigint[])
 ORDER BY d.ruled_at DESC LIMIT %(limit)s)
UNION
(SELECT d.id FROM {table} d
 WHERE (SELECT n FROM found) < %(limit)s
   AND d.ruled_at IS NOT NULL AND d.reason <> %(reason)s AND d.id <> %(me)s
 ORDER BY d.ruled_at DESC LIMIT %(limit)s)
"""


def _pool_sql(case: Dispute) -> RawSQL:
    """PostgreSQL: the candidates' ids as one subquery (`POOL_SQL`)."""
    text = case.description[:TEXT_CHARS]
    params = {
        "reason": case.reason,
        "me": case.pk,
        "category": case.store.category_id,
        "window": WINDOW,
        "chars": TEXT_CHARS,
        "text_pool": TEXT_POOL if text.strip() else 0,
        "text": text,
        "pool": POOL,
        "limit": LIMIT,
    }
    # Named in the text, positional in the statement (the subquery's
    # parameters join the outer query's).
    sql = POOL_SQL.format(table=Dispute._meta.db_table, stores=Store._meta.db_table)
    names = re.findall(r"%\((\w+)\)s", sql)
    return RawSQL(re.sub(r"%\(\w+\)s", "%s", sql), [params[n] for n in names])


# What the ranking reads of each candidate (one query); the appeal and the
# cited rule are read for the shown few only (two small queries: fewer
# joins keep the candidates' query quick to plan, about 9 ms less at a
# million cases).
ROW_FIELDS = (
    "pk",
    "number",
    "reason",
    "amount",
    "merchant_response",
    "outcome",
    "liability",
    "ruled_at",
    "order__total",
    "store__category_id",
    "ruling__outcome",
    "ruling__liability",
    "ruling__rule_id",
    "has_evidence",
)


def precedents_for(case: Dispute, *, limit: int = LIMIT) -> Precedents:
    """The `limit` decided cases most like `case`, closest first, and the
    clear majority of those of the same reason (or None)."""
    me = _facts(case, has_evidence=Evidence.objects.filter(dispute=case).exists())
    if on_postgres():
        candidates: RawSQL | set[int] = _pool_sql(case)
    else:
        candidates = _pool_ids(case)
        if not candidates:
            return Precedents([], None)
    text = case.description[:TEXT_CHARS]
    rows = (
        Dispute.objects.filter(pk__in=candidates, ruling__isnull=False)
        .order_by()
        .annotate(has_evidence=Exists(Evidence.objects.filter(dispute=OuterRef("pk"))))
    )
    if on_postgres():
        rows = rows.annotate(
            text=Similarity(Left("description", TEXT_CHARS), Value(text))
        )
        values = rows.values(*ROW_FIELDS, "text")
    else:
        values = rows.values(*ROW_FIELDS, "description")
    ranked = []
    for row in values:
        similar = (
            float(row["text"] or 0.0)
            if "text" in row
            else pairs_similarity(text, row["description"])
        )
        other = CaseFacts(
            reason=row["reason"],
            category_id=row["store__category_id"],
            share=_share(row["amount"], row["order__total"]),
            has_evidence=row["has_evidence"],
            merchant_response=row["merchant_response"],
            text=similar,
        )
        ranked.append((precedent_rank(me, other), row["ruled_at"], row))
    ranked.sort(key=lambda item: (item[0], item[1]), reverse=True)
    top = ranked[:limit]
    appeals = {
        a["dispute_id"]: a
        for a in Appeal.objects.filter(dispute_id__in=[r["pk"] for _, _, r in top])
        .order_by()
        .values("dispute_id", "decision", "rule_id")
    }
    cited = {r["ruling__rule_id"] for _, _, r in top}
    cited |= {a["rule_id"] for a in appeals.values()}
    rules = PlatformRule.objects.only("code", "title", "version").in_bulk(
        cited - {None}
    )
    shown = [
        _precedent(row, rank, appeals.get(row["pk"]), rules) for rank, _, row in top
    ]
    found = majority([p.outcome for p in shown if p.same_reason and p.outcome])
    return Precedents(shown, found)


def _precedent(
    row: dict[str, Any],
    rank: tuple[int, Decimal],
    appeal: Mapping[str, Any] | None,
    rules: dict[int, PlatformRule],
) -> Precedent:
    overturned = appeal is not None and appeal["decision"] == Decision.OVERTURNED
    rule = rules[row["ruling__rule_id"]]
    if overturned and appeal is not None and appeal["rule_id"] in rules:
        rule = rules[appeal["rule_id"]]
    return Precedent(
        pk=row["pk"],
        number=row["number"],
        outcome=row["outcome"] or row["ruling__outcome"],
        liability=row["liability"] or row["ruling__liability"],
        rule=rule.code,
        rule_title=rule.title,
        rule_version=rule.version,
        similarity=precedent_similarity(rank),
        same_reason=rank[0] >= 2,
        overturned=overturned,
    )
