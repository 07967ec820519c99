"""The managers' report page: intervention statistics with a chart and CSV."""

from __future__ import annotations

import csv
from datetime import date

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from core.dates import supported_date
from core.roles import is_staff_role

from .selectors import GROUP_BY, intervention_report

GROUP_LABELS = {
    "day": _("Day"),
    "week": _("Week"),
    "month": _("Month"),
    "store": _("Store"),
    "category": _("Store category"),
    "region": _("Region (province)"),
    "reason": _("Dispute reason"),
    "agent": _("Agent"),
}


class ReportFilterForm(forms.Form):
    group_by = forms.ChoiceField(
        label=_("Group by"),
        choices=[(g, GROUP_LABELS[g]) for g in GROUP_BY],
        required=False,
    )
    date_from = forms.DateField(
        label=_("Opened from"),
        required=False,
        validators=[supported_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=_("Opened to"),
        required=False,
        validators=[supported_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


def _csv(report: dict) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"intervention-{report['group_by']}-{date.today():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # Excel opens UTF-8 Chinese correctly with a BOM
    writer = csv.writer(response)
    writer.writerow(["key", "label", "cases", "interventions", "intervention_rate"])
    for row in report["rows"]:
        writer.writerow(
            [
                row["key"],
                row["label"],
                row["cases"],
                row["interventions"],
                row["intervention_rate"],
            ]
        )
    totals = report["totals"]
    writer.writerow(
        [
            "total",
            "",
            totals["cases"],
            totals["interventions"],
            totals["intervention_rate"],
        ]
    )
    return response


@login_required
def intervention(request: HttpRequest) -> HttpResponse:
    """Cases, interventions and the intervention rate, grouped as asked."""
    if not is_staff_role(request.user):
        raise Http404
    form = ReportFilterForm(request.GET or None, initial={"group_by": "month"})
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    report = intervention_report(
        group_by=data.get("group_by") or "month",
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )
    if request.GET.get("format") == "csv":
        return _csv(report)
    peak = max((r["cases"] for r in report["rows"]), default=0) or 1
    for row in report["rows"]:
        row["bar"] = round(100 * row["cases"] / peak)
        row["rate_pct"] = float(row["intervention_rate"]) * 100
    return render(
        request,
        "reports/intervention.html",
        {
            "form": form,
            "report": report,
            "group_label": GROUP_LABELS[report["group_by"]],
            "csv_query": request.GET.urlencode(),
        },
    )
