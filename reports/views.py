"""The report pages for managers (and agents) and a merchant's store figures.

Every page reads its figures from `reports.selectors` / `reports.analysis`,
shows its filters in the URL, answers 400 with the form's errors for an
unknown value, and offers its table as CSV (`?format=csv`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from core.roles import Role, is_staff_role, role_of
from disputes.models import Dispute
from stores.models import Store
from stores.scoping import store_ids_for

from . import charts
from .analysis import (
    MIN_CASES,
    STORE_FIGURES,
    agent_consistency,
    store_against_category,
    store_outliers,
)
from .definitions import (
    FIGURE_LABELS,
    bucket_edges_text,
    definition_items,
    definitions,
)
from .exports import csv_response
from .filters import GROUP_LABELS, QualityFilterForm, ReportFilterForm
from .measures import local_day, platform_tz
from .quality import QUALITY_DEFINITIONS, default_window, quality_by_agent
from .selectors import FIGURES, PERIODS, repeat_offender_rule, summary, totals

HEADLINE = (
    "intervention_rate",
    "dispute_rate",
    "interventions_per_1000_orders",
    "self_settlement_rate",
    "post_intervention_settlement_rate",
    "merchant_liability_rate",
    "buyer_win_rate",
    "appeal_rate",
    "overturn_rate",
    "pickup_sla_compliance",
    "ruling_sla_compliance",
)
FUNNEL = ("orders", "cases", "interventions", "rulings", "appeals", "overturns")
SERVICE = (
    "interventions",
    "pickup_sla_compliance",
    "ruling_sla_compliance",
    "hours_to_first_response_p50",
    "hours_to_first_response_p90",
    "hours_to_pickup_p50",
    "hours_to_pickup_p90",
    "hours_to_ruling_p50",
    "hours_to_ruling_p90",
    "hours_to_close_p50",
    "hours_to_close_p90",
)


def _staff_only(request: HttpRequest) -> None:
    if not is_staff_role(request.user):
        raise Http404


def _form(request: HttpRequest, default_group: str) -> ReportFilterForm:
    data = request.GET.copy()
    data.pop("format", None)
    data.pop("table", None)
    data.setdefault("group_by", default_group)
    user = cast(User, request.user)  # every report view is @login_required
    return ReportFilterForm(data, user=user, default_group=default_group)


def _invalid(request, template: str, form, **context) -> HttpResponse:
    return render(request, template, {"form": form, **context}, status=400)


def _base(request: HttpRequest, form, page: str) -> dict:
    query = request.GET.copy()
    query.pop("format", None)
    query.pop("table", None)
    return {
        "form": form,
        "page": page,
        "query_string": query.urlencode(),
        "definitions": definitions(),
        "definition_items": definition_items(),
        "bucket_edges": bucket_edges_text(),
    }


def _table_csv(name: str, report: dict, columns: tuple[str, ...], group: str):
    header = [str(GROUP_LABELS[group]), *(str(FIGURE_LABELS[c]) for c in columns)]
    rows = (
        [row["label"] if row["label"] is not None else "", *(row[c] for c in columns)]
        for row in [*report["rows"], report["totals"]]
    )
    return csv_response(name, header, rows)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """The funnel, the headline rates against the previous period, the trend."""
    _staff_only(request)
    form = _form(request, "month")
    template = "reports/overview.html"
    if not form.is_valid():
        return _invalid(request, template, form, page="overview")
    query = form.query()
    if query.group_by not in PERIODS:
        query = replace(query, group_by="month")
    report = summary(query)
    if request.GET.get("format") == "csv":
        return _table_csv("overview", report, FIGURES, query.group_by)
    now = report["totals"]
    previous = query.previous()
    before = totals(previous) if previous else None
    cards = [
        {
            "name": name,
            "value": now[name],
            "change": _change(now[name], before[name] if before else None),
            "is_rate": name != "interventions_per_1000_orders",
        }
        for name in HEADLINE
    ]
    context = _base(request, form, "overview")
    context.update(
        report=report,
        group_label=GROUP_LABELS[query.group_by],
        cards=cards,
        previous=previous,
        funnel=charts.funnel([(n, now[n]) for n in FUNNEL]),
        trend=charts.columns(report["rows"], "intervention_rate"),
    )
    return render(request, template, context)


PAGE_ROWS = 100


def _shown(report: dict) -> tuple[list[dict], bool]:
    """The rows a page shows: every period, or the 100 values with most cases
    (the CSV has them all)."""
    rows = report["rows"]
    if report["group_by"] in PERIODS or len(rows) <= PAGE_ROWS:
        return rows, False
    return sorted(rows, key=lambda r: -r["cases"])[:PAGE_ROWS], True


def _change(value, before) -> float | None:
    if value is None or before is None:
        return None
    return round(value - before, 4)


BREAKDOWN_COLUMNS = tuple(FIGURES)


@login_required
def breakdown(request: HttpRequest) -> HttpResponse:
    """Every figure by period or by category, region, reason, store or agent."""
    _staff_only(request)
    form = _form(request, "category")
    template = "reports/breakdown.html"
    if not form.is_valid():
        return _invalid(request, template, form, page="breakdown")
    query = form.query()
    report = summary(query)
    if request.GET.get("format") == "csv":
        return _table_csv(
            f"breakdown-{query.group_by}", report, FIGURES, query.group_by
        )
    context = _base(request, form, "breakdown")
    is_period = query.group_by in PERIODS
    rows, truncated = _shown(report)
    context.update(
        report=report,
        rows=rows,
        truncated=truncated,
        group_label=GROUP_LABELS[query.group_by],
        columns=FIGURES,
        chart=(
            charts.columns(rows, "intervention_rate")
            if is_period
            else charts.bars(rows, "intervention_rate")
        ),
        is_period=is_period,
    )
    return render(request, template, context)


@login_required
def service(request: HttpRequest) -> HttpResponse:
    """Service-level compliance and the four times, by period or dimension."""
    _staff_only(request)
    form = _form(request, "month")
    template = "reports/service.html"
    if not form.is_valid():
        return _invalid(request, template, form, page="service")
    query = form.query()
    report = summary(query)
    if request.GET.get("format") == "csv":
        return _table_csv(f"service-{query.group_by}", report, SERVICE, query.group_by)
    context = _base(request, form, "service")
    is_period = query.group_by in PERIODS
    chart = charts.columns if is_period else charts.bars
    rows, truncated = _shown(report)
    context.update(
        report=report,
        rows=rows,
        truncated=truncated,
        group_label=GROUP_LABELS[query.group_by],
        columns=SERVICE,
        pickup_chart=chart(rows, "pickup_sla_compliance"),
        ruling_chart=chart(rows, "ruling_sla_compliance"),
        is_period=is_period,
    )
    return render(request, template, context)


# The CSV files of the comparison pages: (header, the row's key), in order.
OUTLIER_CSV = (
    (gettext_lazy("Store"),                                   "store"),
    (gettext_lazy("Store category"),                          "category"),
    (gettext_lazy("Region (province)"),                       "region"),
    (gettext_lazy("Cases opened"),                            "cases"),
    (gettext_lazy("Platform interventions"),                  "interventions"),
    (gettext_lazy("Intervention rate"),                       "intervention_rate"),
    (gettext_lazy("Lowest likely rate"),                      "low"),
    (gettext_lazy("Highest likely rate"),                     "high"),
    (gettext_lazy("Category's rate"),                         "category_rate"),
    (gettext_lazy("Interventions above the category's rate"), "excess"),
    (gettext_lazy("Repeat offender"),                         "repeat_offender"),
)  # fmt: skip
REPEAT_OFFENDER_CSV = (
    (gettext_lazy("Store"),                                   "store"),
    (gettext_lazy("Store category"),                          "category"),
    (gettext_lazy("Region (province)"),                       "region"),
    (gettext_lazy("Merchant-at-fault rulings, last 90 days"), "merchant_liable"),
)  # fmt: skip
TEAM = gettext_lazy("Team, same reasons")
AGENT_CSV = (
    (gettext_lazy("Agent"),                "name"),
    (gettext_lazy("Cases opened"),         "cases"),
    (gettext_lazy("Rulings"),              "rulings"),
    (gettext_lazy("Appeals"),              "appeals"),
    (gettext_lazy("Buyer-win rate"),       "buyer_win_rate"),
    (TEAM,                                 "team_buyer_win_rate"),
    (gettext_lazy("Overturn rate"),        "overturn_rate"),
    (TEAM,                                 "team_overturn_rate"),
    (gettext_lazy("Pick-up, median (h)"),  "pickup_p50"),
    (TEAM,                                 "team_pickup_p50"),
    (gettext_lazy("Ruling, median (h)"),   "ruling_p50"),
    (TEAM,                                 "team_ruling_p50"),
    (gettext_lazy("Buyer-win rate: lowest likely"),  "buyer_win_low"),
    (gettext_lazy("Buyer-win rate: highest likely"), "buyer_win_high"),
    (gettext_lazy("Buyer-win rate differs clearly"), "buyer_win_differs"),
    (gettext_lazy("Overturn rate: lowest likely"),   "overturn_low"),
    (gettext_lazy("Overturn rate: highest likely"),  "overturn_high"),
    (gettext_lazy("Overturn rate differs clearly"),  "overturn_differs"),
)  # fmt: skip
MEDIAN = gettext_lazy("Category median")
STORE_CSV = (
    (gettext_lazy("Month"), "month"),
    (gettext_lazy("Orders placed"), "orders"),
    (gettext_lazy("Cases opened"), "cases"),
    *(
        column
        for name in STORE_FIGURES
        for column in ((FIGURE_LABELS[name], name), (MEDIAN, f"median_{name}"))
    ),
)


def _columns_csv(
    name: str, columns: Sequence[tuple[Promise, str]], rows: list[dict]
) -> HttpResponseBase:
    """A CSV file of `rows` with `columns` ((header, key), …); a yes-or-no
    answer is written in words (translated now: the file streams later)."""
    header = [str(label) for label, _key in columns]
    keys = [key for _label, key in columns]
    words = {True: _("Yes"), False: _("No")}

    def cell(value: object) -> object:
        return words[value] if isinstance(value, bool) else value

    return csv_response(name, header, ([cell(row[k]) for k in keys] for row in rows))


@login_required
def outliers(request: HttpRequest) -> HttpResponseBase:
    """Stores whose intervention rate is far above their category's."""
    _staff_only(request)
    form = _form(request, "store")
    template = "reports/outliers.html"
    if not form.is_valid():
        return _invalid(request, template, form, page="outliers")
    result = store_outliers(form.query())
    if request.GET.get("format") == "csv":
        if request.GET.get("table") == "repeat_offenders":
            offenders = result["repeat_offenders"]
            return _columns_csv("repeat-offenders", REPEAT_OFFENDER_CSV, offenders)
        return _columns_csv("outliers", OUTLIER_CSV, result["rows"])
    context = _base(request, form, "outliers")
    truncated = len(result["rows"]) > PAGE_ROWS
    result["rows"] = result["rows"][:PAGE_ROWS]
    offenders_truncated = len(result["repeat_offenders"]) > PAGE_ROWS
    result["repeat_offenders"] = result["repeat_offenders"][:PAGE_ROWS]
    context.update(
        result=result,
        min_cases=MIN_CASES,
        truncated=truncated,
        offenders_truncated=offenders_truncated,
        repeat_offender_rule=repeat_offender_rule(),
    )
    return render(request, template, context)


@login_required
def agents(request: HttpRequest) -> HttpResponseBase:
    """Each agent against the team for the same reasons: consistency."""
    _staff_only(request)
    form = _form(request, "agent")
    template = "reports/agents.html"
    if not form.is_valid():
        return _invalid(request, template, form, page="agents")
    result = agent_consistency(form.query(), named=True)
    if request.GET.get("format") == "csv":
        return _columns_csv("agents", AGENT_CSV, result["rows"])
    context = _base(request, form, "agents")
    context.update(result=result, chart=charts.gaps(result["rows"]))
    return render(request, template, context)


@login_required
def store(request: HttpRequest) -> HttpResponse:
    """A merchant's own store by month against the median store of its category."""
    role = role_of(request.user)
    if role == Role.MERCHANT:
        allowed = Store.objects.filter(pk__in=store_ids_for(request.user))
    elif is_staff_role(request.user):
        allowed = Store.objects.all()
    else:
        raise Http404
    stores = list(allowed.select_related("category").order_by("pk")[:200])
    chosen = request.GET.get("store") or (str(stores[0].pk) if stores else "")
    current = next((s for s in stores if str(s.pk) == chosen), None)
    if current is None and chosen:
        current = allowed.select_related("category").filter(pk=_int(chosen)).first()
    if current is None:
        if stores or chosen:
            return render(
                request,
                "reports/store.html",
                {"error": _("No such store.")},
                status=400,
            )
        raise Http404
    today = local_day(timezone.now())
    result = store_against_category(store=current, today=today)
    month = request.GET.get("month", "")
    cases = _month_cases(current, result, month)
    if request.GET.get("format") == "csv":
        return _store_csv(current, result)
    return render(
        request,
        "reports/store.html",
        {
            "store": current,
            "stores": stores,
            "result": result,
            "month": month,
            "cases": cases,
            "definitions": definitions(),
            "definition_items": definition_items(),
            "bucket_edges": bucket_edges_text(),
            "chart": charts.columns(_month_rows(result), "intervention_rate"),
        },
    )


def _month_rows(result: dict) -> list[dict]:
    return [
        {
            "key": f"{r['month']:%Y-%m}",
            "label": f"{r['month']:%Y-%m}",
            "intervention_rate": r["intervention_rate"],
        }
        for r in result["rows"]
    ]


def _int(value: str) -> int:
    return int(value) if value.isdigit() and len(value) < 10 else 0


def _month_cases(store: Store, result: dict, month: str) -> list | None:
    """The cases opened at the store in one month of the table, newest first."""
    chosen = next((r for r in result["rows"] if f"{r['month']:%Y-%m}" == month), None)
    if chosen is None:
        return None
    start = datetime.combine(chosen["month"], time.min, platform_tz())
    end = datetime.combine(
        (chosen["month"] + timedelta(days=32)).replace(day=1), time.min, platform_tz()
    )
    return list(
        Dispute.objects.filter(store=store, opened_at__gte=start, opened_at__lt=end)
        .order_by("-opened_at")
        .only("number", "opened_at", "reason", "state", "resolution", "intervened_at")[
            :200
        ]
    )


def _store_csv(store: Store, result: dict):
    rows = [
        {
            **r,
            "month": f"{r['month']:%Y-%m}",
            **{f"median_{name}": r["median"][name] for name in STORE_FIGURES},
        }
        for r in result["rows"]
    ]
    return _columns_csv(f"store-{store.pk}", STORE_CSV, rows)


def _managers_and_supervisors(request: HttpRequest) -> None:
    user = request.user
    if not (
        getattr(user, "is_superuser", False)
        or role_of(user) in (Role.MANAGER, Role.SUPERVISOR)
    ):
        raise Http404


QUALITY_CSV = (
    (gettext_lazy("Agent"), "name"),
    (gettext_lazy("Rulings"), "rulings"),
    (gettext_lazy("Departures"), "departed"),
    (gettext_lazy("Departure rate"), "departure_rate"),
    (gettext_lazy("Reviews"), "reviews"),
    (gettext_lazy("QA score"), "qa_rate"),
    (gettext_lazy("Appeals"), "appeals"),
    (gettext_lazy("Overturned on appeal"), "overturned"),
    (gettext_lazy("Overturn rate"), "overturn_rate"),
)


def _quality_csv_row(row: dict) -> dict:
    def rate(value: float | None) -> object:
        return "" if value is None else round(value, 4)

    return {
        "name": row["name"],
        "rulings": row["rulings"],
        "departed": row["departure"]["part"],
        "departure_rate": rate(row["departure"]["rate"]),
        "reviews": row["reviews"],
        "qa_rate": rate(row["qa"]["rate"]),
        "appeals": row["appeals"],
        "overturned": row["overturn"]["part"],
        "overturn_rate": rate(row["overturn"]["rate"]),
    }


@login_required
def quality(request: HttpRequest) -> HttpResponseBase:
    """Per agent: departure rate, QA score, overturn rate, with intervals."""
    _managers_and_supervisors(request)
    data = request.GET.copy()
    data.pop("format", None)
    if not data.get("date_from") and not data.get("date_to"):
        start, end = default_window(timezone.localdate())
        data["date_from"], data["date_to"] = start.isoformat(), end.isoformat()
    user = cast(User, request.user)
    form = QualityFilterForm(data, user=user)
    template = "reports/quality.html"
    if not form.is_valid():
        return _invalid(request, template, form, page="quality")
    result = quality_by_agent(form.query())
    if request.GET.get("format") == "csv":
        rows = [_quality_csv_row(r) for r in [*result["rows"], result["totals"]]]
        return _columns_csv("quality", QUALITY_CSV, rows)
    context = _base(request, form, "quality")
    context.update(result=result, definition_items=QUALITY_DEFINITIONS)
    return render(request, template, context)
