"""What the buyer's and merchant's pages say: the step bar, whose turn it is,
confirm wording, and the timeline as a party reads it (agents by staff number).

Plain functions over a loaded case; no writes, no queries beyond what the
caller already loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from disputes.actions import ACTIONS, ActionName
from disputes.choices import (
    GOODS_REMEDIES,
    MerchantResponse,
    Party,
    Remedy,
    Resolution,
    ReturnStep,
    State,
)

S = State

# The step bar, in the platform's own words (协商 → 平台介入 → … → 结案).
STEPS = (
    (S.NEGOTIATION, gettext_lazy("Negotiation")),
    (S.COMPLAINT, gettext_lazy("Platform steps in")),
    (S.VERIFICATION, gettext_lazy("Verification")),
    (S.MEDIATION, gettext_lazy("Mediation")),
    (S.RULED, gettext_lazy("Ruling")),
    (S.APPEAL, gettext_lazy("Appeal")),
    (S.CLOSED, gettext_lazy("Closed")),
)


def step_bar(case, visited: set[str]) -> list[dict]:
    """Each step with its status: done, current, skipped or todo.

    A claim whose remedy moves goods grows the goods steps (寄回 → 运输中 →
    换货发出 → 换货运输中, as its remedy has them) between the decision and
    the close; `returning` is then current at its `return_step`."""
    order = [code for code, _label in STEPS]
    goods = goods_steps(case)
    state = S.APPEAL if case.state == S.RETURNING else case.state
    current = order.index(state)
    rows = []
    for index, (code, label) in enumerate(STEPS):
        if index == current and case.state != S.RETURNING:
            status = "done" if code == S.CLOSED else "current"
        elif index <= current:
            status = "done" if code in visited else "skipped"
        else:
            status = "todo"
        if code == S.CLOSED:
            rows.extend(_goods_rows(case, goods, visited))
        rows.append({"code": code, "label": label, "status": status})
    return rows


@dataclass
class Turn:
    """One plain sentence: whose turn it is, what they may do, by when."""

    text: str
    deadline: datetime | None = None
    mine: bool = False


def _money(value: Decimal | None) -> str:
    return "—" if value is None else f"¥{value:,.2f}"


def turn_for(
    case, party: str | None, open_requests=(), *, may_appeal: bool = False
) -> Turn:
    """What happens next on `case`, addressed to `party` (None: platform staff).

    `open_requests` are the reader's open evidence requests, nearest due first:
    answering them comes before anything else. `may_appeal`: whether the
    reader may appeal now (the caller asks the rule).
    """
    buyer = party == Party.BUYER
    merchant = party == Party.MERCHANT
    if open_requests:
        first = open_requests[0]
        if len(open_requests) == 1:
            text = _(
                "The platform asks you for evidence: %(what)s. Upload it below."
            ) % {"what": first.what}
        else:
            text = _(
                "The platform asks you for %(n)s pieces of evidence; the first "
                "is due soonest: %(what)s. Upload them below."
            ) % {"n": len(open_requests), "what": first.what}
        return Turn(text, first.due_at, True)
    if case.state == S.NEGOTIATION:
        return _negotiation_turn(case, buyer, merchant)
    if case.state == S.RULED:
        return _ruled_turn(case, may_appeal)
    if case.state == S.RETURNING:
        return goods_turn(case, party)
    return _platform_turn(case, buyer, merchant)


def idle_text(open_requests=()) -> str:
    """The "what you can do" card when no action button is offered."""
    if open_requests:
        return ngettext(
            "Answer the platform's evidence request above (%(n)s open). You can "
            "also write a message.",
            "Answer the platform's %(n)s evidence requests above. You can also "
            "write a message.",
            len(open_requests),
        ) % {"n": len(open_requests)}
    return _(
        "Nothing is waiting for you. You can still write a message or add evidence."
    )


def _negotiation_turn(case, buyer: bool, merchant: bool) -> Turn:
    response = case.merchant_response
    if response == MerchantResponse.NONE:
        if merchant:
            return Turn(
                _(
                    "Your turn: refund, make an offer or reject with a reason. "
                    "If you do not answer in time, the platform steps in."
                ),
                case.merchant_deadline_at,
                True,
            )
        return Turn(
            _(
                "Waiting for the store to answer. If it does not answer in time, "
                "the platform steps in."
            ),
            case.merchant_deadline_at,
        )
    if response == MerchantResponse.OFFERED:
        amount = _money(case.offer_amount)
        if buyer:
            return Turn(
                _(
                    "The store offers a refund of %(amount)s. Accept it, or ask the "
                    "platform to step in if you cannot agree."
                )
                % {"amount": amount},
                mine=True,
            )
        return Turn(
            _("Waiting for the buyer to answer your offer of %(amount)s.")
            % {"amount": amount}
        )
    if buyer:
        return Turn(
            _(
                "The store rejected your claim. Ask the platform to step in, or "
                "withdraw the case."
            ),
            mine=True,
        )
    return Turn(
        _(
            "You rejected the claim. The buyer may ask the platform to step in; "
            "you may still refund or make an offer."
        ),
        mine=merchant,
    )


def _platform_turn(case, buyer: bool, merchant: bool) -> Turn:
    party = Party.BUYER if buyer else Party.MERCHANT if merchant else None
    if case.state == S.COMPLAINT:
        return Turn(
            _(
                "The platform has the case. An agent will pick it up soon; you can "
                "add messages and evidence meanwhile."
            ),
            case.deadline_at,
        )
    if case.state == S.VERIFICATION:
        return Turn(
            _("An agent is checking the facts. Add any evidence that helps."),
            case.deadline_at,
        )
    if case.state == S.MEDIATION:
        return _mediation_turn(case, party)
    if case.state == S.APPEAL:
        return Turn(_("A senior reviewer is re-examining the case."))
    return Turn(
        _("The case is closed: %(how)s. Refunded: %(amount)s.")
        % {"how": case.get_resolution_display(), "amount": _money(case.refunded_amount)}
    )


def _ruled_turn(case, may_appeal: bool) -> Turn:
    if not may_appeal:
        return Turn(_("The platform ruled."), case.appeal_deadline_at)
    return Turn(
        _(
            "The platform ruled. If you disagree, you may appeal once before "
            "the deadline; otherwise the ruling becomes final."
        ),
        case.appeal_deadline_at,
        True,
    )


def _mediation_turn(case, party: str | None) -> Turn:
    if case.proposal_amount is None:
        return Turn(
            _("An agent is mediating and will propose a settlement."),
            case.deadline_at,
        )
    amount = _money(case.proposal_amount)
    buyer_yes = case.proposal_buyer_accepted_at is not None
    merchant_yes = case.proposal_merchant_accepted_at is not None
    if party is not None:
        mine = buyer_yes if party == Party.BUYER else merchant_yes
        theirs = merchant_yes if party == Party.BUYER else buyer_yes
        if not mine:
            return Turn(
                _proposal_to_answer(party, theirs) % {"amount": amount}, mine=True
            )
        return Turn(
            (
                _(
                    "You accepted the proposal of %(amount)s. Waiting for the store "
                    "to answer; once it accepts, you are refunded."
                )
                if party == Party.BUYER
                else _(
                    "You accepted the proposal of %(amount)s. Waiting for the buyer "
                    "to answer; once the buyer accepts, the refund is paid."
                )
            )
            % {"amount": amount}
        )
    if buyer_yes:
        text = _(
            "The buyer accepted the proposal of %(amount)s; waiting for the store."
        )
    elif merchant_yes:
        text = _(
            "The store accepted the proposal of %(amount)s; waiting for the buyer."
        )
    else:
        text = _("Waiting for both parties to accept the proposal of %(amount)s.")
    return Turn(text % {"amount": amount})


def _proposal_to_answer(party: str, other_accepted: bool) -> str:
    if not other_accepted:
        return _(
            "The platform proposes a settlement of %(amount)s. Accept it, or wait "
            "for the platform's ruling."
        )
    if party == Party.BUYER:
        return _(
            "The platform proposes a settlement of %(amount)s and the store has "
            "accepted it. Accept it to be refunded now, or wait for the ruling."
        )
    return _(
        "The platform proposes a settlement of %(amount)s and the buyer has "
        "accepted it. Accept it to close the case now, or wait for the ruling."
    )


def confirm_text(action: ActionName, case) -> str:
    """The confirm dialog: the amount involved and what happens next."""
    spec = ACTIONS[action]
    if spec.confirm is None:
        return _("Are you sure? This cannot be undone.")
    if not spec.confirm_amount:
        return str(spec.confirm)
    return str(spec.confirm) % {"amount": _money(getattr(case, spec.confirm_amount))}


# ---- goods as well as money: the goods steps and whose turn they are ----

R = ReturnStep

# The goods steps a remedy goes through, in order, with the step bar's words.
GOODS_STEP_LABELS = {
    R.AWAITING_RETURN: gettext_lazy("Buyer returns the goods"),
    R.RETURN_IN_TRANSIT: gettext_lazy("Return on its way"),
    R.AWAITING_REPLACEMENT: gettext_lazy("Store sends a replacement"),
    R.REPLACEMENT_IN_TRANSIT: gettext_lazy("Replacement on the way"),
}
GOODS_STEPS = {
    Remedy.RETURN_REFUND: (R.AWAITING_RETURN, R.RETURN_IN_TRANSIT),
    Remedy.EXCHANGE: tuple(R),
    Remedy.RESEND: (R.AWAITING_REPLACEMENT, R.REPLACEMENT_IN_TRANSIT),
}


def goods_steps(case) -> tuple[str, ...]:
    """The goods steps of the case's remedy (none for money-only remedies)."""
    if case.remedy not in GOODS_REMEDIES:
        return ()
    return GOODS_STEPS[Remedy(case.remedy)]


def _goods_rows(case, goods: tuple[str, ...], visited: set[str]) -> list[dict]:
    """The goods steps' rows: where the goods are now, what they passed."""
    if not goods:
        return []
    if case.state == S.RETURNING:
        here = goods.index(case.return_step) if case.return_step in goods else 0
        statuses = [
            "done" if i < here else "current" if i == here else "todo"
            for i in range(len(goods))
        ]
    elif case.state == S.CLOSED:
        if S.RETURNING not in visited or case.resolution == Resolution.RETURN_LAPSED:
            statuses = ["skipped"] * len(goods)
        else:
            statuses = ["done"] * len(goods)
    else:
        statuses = ["todo"] * len(goods)
    return [
        {"code": code, "label": GOODS_STEP_LABELS[R(code)], "status": status}
        for code, status in zip(goods, statuses, strict=True)
    ]


def goods_turn(case, party: str | None) -> Turn:
    """Whose turn it is while the goods travel, and by when."""
    buyer = party == Party.BUYER
    merchant = party == Party.MERCHANT
    due = case.step_due_at
    step = case.return_step
    held = case.held_amount
    if step == R.AWAITING_RETURN:
        if buyer:
            return Turn(
                _(
                    "The return is agreed. Send the goods to the store's return "
                    "address below and enter the tracking number before the "
                    "deadline; if you do not, the case closes without a refund."
                ),
                due,
                True,
            )
        return Turn(
            _(
                "Waiting for the buyer to send the goods back. If the buyer does "
                "not send them in time, the case closes without a refund."
            ),
            due,
        )
    if step == R.RETURN_IN_TRANSIT:
        if merchant:
            if case.remedy == Remedy.EXCHANGE:
                text = _(
                    "The buyer sent the goods back. When they arrive, confirm "
                    "receipt and send the replacement, or refuse them with a "
                    "reason and evidence. Without an answer in time, the receipt "
                    "counts as confirmed."
                )
            else:
                text = _(
                    "The buyer sent the goods back. When they arrive, confirm "
                    "receipt to refund %(amount)s, or refuse them with a reason "
                    "and evidence. Without an answer in time, the receipt counts "
                    "as confirmed and the buyer is refunded."
                ) % {"amount": _money(held)}
            return Turn(text, due, True)
        if case.remedy == Remedy.EXCHANGE:
            text = _(
                "Your parcel is on its way to the store. Once the store confirms "
                "receipt, it sends you the replacement."
            )
        else:
            text = _(
                "Your parcel is on its way to the store. You are refunded "
                "%(amount)s once the store confirms receipt, or automatically if "
                "it does not answer in time."
            ) % {"amount": _money(held)}
        return Turn(text, due, mine=False)
    if step == R.AWAITING_REPLACEMENT:
        if merchant:
            return Turn(
                _(
                    "Send the replacement and enter its tracking number before the "
                    "deadline; otherwise the platform steps in."
                ),
                due,
                True,
            )
        return Turn(_("Waiting for the store to send the replacement."), due)
    if buyer:
        return Turn(
            _(
                "The store sent the replacement. Confirm once it has arrived; "
                "without an answer in time, it counts as received."
            ),
            due,
            True,
        )
    return Turn(_("Waiting for the buyer to confirm the replacement arrived."), due)
