"""Every figure's definition in words a manager reads (numerator, denominator)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .measures import BUCKET_EDGES

FIGURE_LABELS = {
    "orders": _("Orders placed"),
    "cases": _("Cases opened"),
    "interventions": _("Platform interventions"),
    "rulings": _("Rulings"),
    "appeals": _("Appeals"),
    "overturns": _("Overturned on appeal"),
    "dispute_rate": _("Dispute rate"),
    "intervention_rate": _("Intervention rate"),
    "self_settlement_rate": _("Settled between the parties"),
    "post_intervention_settlement_rate": _("Settled after intervention"),
    "merchant_liability_rate": _("Merchant at fault"),
    "interventions_per_1000_orders": _("Interventions per 1,000 orders"),
    "buyer_win_rate": _("Buyer-win rate"),
    "appeal_rate": _("Appeal rate"),
    "overturn_rate": _("Overturn rate"),
    "pickup_sla_compliance": _("Picked up in time"),
    "ruling_sla_compliance": _("Decided in time"),
    "hours_to_first_response_p50": _("Merchant's first answer, median (h)"),
    "hours_to_first_response_p90": _("Merchant's first answer, 90th percentile (h)"),
    "hours_to_pickup_p50": _("Complaint to pick-up, median (h)"),
    "hours_to_pickup_p90": _("Complaint to pick-up, 90th percentile (h)"),
    "hours_to_ruling_p50": _("Pick-up to ruling, median (h)"),
    "hours_to_ruling_p90": _("Pick-up to ruling, 90th percentile (h)"),
    "hours_to_close_p50": _("Opening to closing, median (h)"),
    "hours_to_close_p90": _("Opening to closing, 90th percentile (h)"),
}

DEFINITIONS = {
    "window": _(
        "A case counts in the day, week or month it was opened (China time), "
        "whatever happened to it later. Orders count on the day they were placed."
    ),
    "orders": _("Orders placed with the chosen stores in the period."),
    "cases": _("After-sales cases buyers opened in the period."),
    "interventions": _(
        "Of those cases, the ones the platform was asked to step into: a party "
        "asked for it, or the merchant did not answer in time."
    ),
    "rulings": _("Of those cases, the ones the platform ruled on."),
    "appeals": _("Of the rulings, the ones a party appealed."),
    "overturns": _("Of the appeals, the ones where the ruling was changed."),
    "dispute_rate": _("Cases opened divided by orders placed."),
    "intervention_rate": _("Cases the platform stepped into divided by cases opened."),
    "self_settlement_rate": _(
        "Cases the buyer and merchant settled themselves (agreed, or the buyer "
        "withdrew) before any intervention, divided by cases opened. A return "
        "or exchange agreed counts from the day it is agreed, while the goods "
        "travel."
    ),
    "post_intervention_settlement_rate": _(
        "Cases settled after the platform stepped in (both accepted its "
        "proposal, the merchant agreed to the claim, or the buyer withdrew), "
        "divided by cases it stepped into. Returned goods refused and sent to "
        "the platform count as one intervention."
    ),
    "merchant_liability_rate": _(
        "Rulings that found the merchant at fault divided by orders placed. A "
        "ruling changed on appeal counts as its new outcome."
    ),
    "interventions_per_1000_orders": _(
        "Cases the platform stepped into for every 1,000 orders placed."
    ),
    "buyer_win_rate": _(
        "Rulings for the buyer divided by all rulings, counting the outcome "
        "after any appeal."
    ),
    "appeal_rate": _("Appealed rulings divided by all rulings."),
    "overturn_rate": _("Appeals that changed the ruling divided by all appeals."),
    "pickup_sla_compliance": _(
        "Of the complaints an agent has picked up or that ran past the pick-up "
        "target, the share picked up in time. Complaints still waiting inside "
        "the target are not counted yet."
    ),
    "ruling_sla_compliance": _(
        "Of the picked-up cases the agent has concluded (ruled, mediated or "
        "withdrawn) or that ran past the ruling target, the share concluded in "
        "time. Cases still inside the target are not counted yet."
    ),
    "hours_to_first_response": _(
        "Hours from the buyer opening the case to the merchant's first answer "
        "(accept, offer or reject); cases with no answer are left out."
    ),
    "hours_to_pickup": _(
        "Hours from the platform being asked to step in to an agent picking "
        "the case up."
    ),
    "hours_to_ruling": _("Hours from an agent picking the case up to the ruling."),
    "hours_to_close": _(
        "Hours from opening to closing, for closed cases; a return or exchange "
        "closes when its goods are back, so the time includes the goods' trip."
    ),
    "percentiles": _(
        "Median: half of the cases took less. 90th percentile: nine in ten "
        "took less. Times are counted in buckets (%(buckets)s hours and more), "
        "so a figure is accurate to within one bucket."
    ),
    "no_value": _("A dash means there is nothing to divide by yet."),
}


def definitions() -> dict[str, str]:
    """The definitions in the active language."""
    out = {name: str(text) for name, text in DEFINITIONS.items()}
    out["percentiles"] %= {"buckets": bucket_edges_text()}
    return out


def bucket_edges_text() -> str:
    return ", ".join(str(e) for e in BUCKET_EDGES)


EXTRA_TITLES = {
    "window": _("Period"),
    "hours_to_first_response": _("Merchant's first answer"),
    "hours_to_pickup": _("Complaint to pick-up"),
    "hours_to_ruling": _("Pick-up to ruling"),
    "hours_to_close": _("Opening to closing"),
    "percentiles": _("Medians and percentiles"),
    "no_value": _("A dash"),
}


def definition_items() -> list[tuple[str, str]]:
    """(title, definition) pairs for a page, in the active language."""
    texts = definitions()
    return [
        (str(FIGURE_LABELS.get(name) or EXTRA_TITLES[name]), texts[name])
        for name in DEFINITIONS
    ]
