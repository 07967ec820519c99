"""The one writer of the timeline: an entry, published to the rest of the platform.

Every service that adds to a case's timeline (an action through
`case_action`, opening a case, a message, evidence, a deadline acting) calls
`timeline_write`, and nothing else creates a `DisputeEvent` or sends
`case_event`. It also seals each entry into the case's hash chain
(`disputes.record_chain`) under the case's row lock.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from accounts.models import User
from core.roles import role_of

from ..actions import SYSTEM, EntryName
from ..models import Dispute, DisputeEvent, Evidence, EvidenceRequest, Message
from ..record_chain import GENESIS, EntryContent
from ..signals import case_event


def actor_role(actor: User | None) -> str:
    """The value of `DisputeEvent.actor_role` for this actor."""
    if actor is None:
        return SYSTEM
    role = role_of(actor)
    return role.value if role else ""


def timeline_write(
    *,
    case: Dispute,
    action: EntryName,
    actor: User | None,
    from_state: str | None = None,
    note: str = "",
    amount: Decimal | None = None,
    internal: bool = False,
    message: Message | None = None,
    evidence: Evidence | None = None,
    evidence_request: EvidenceRequest | None = None,
    subject_id: int | None = None,
) -> DisputeEvent:
    """Write one entry on `case`'s timeline and publish it, in one transaction.

    The entry ends in the case's current state and starts in `from_state`
    (default: the same state; "" for the entry that opens the case); `actor`
    None is the system. `case_event` is sent in the writing transaction, so
    the report rollups change with the case; its receivers that reach
    outside (notifications, webhooks) queue their tasks with
    `core.tasks.enqueue_on_commit`, so nothing leaves before the commit and
    nothing leaves after a rollback.

    The entry is numbered and chained to the case's head read under the
    case's row lock (taken here too, whoever the caller is), so two writers
    queue and the chain cannot fork.
    """
    with transaction.atomic(savepoint=False):
        length, head = (
            Dispute.objects.select_for_update(of=("self",))
            .filter(pk=case.pk)
            .values_list("record_length", "record_head")
            .get()
        )
        event = DisputeEvent(
            dispute=case,
            actor=actor,
            actor_role=actor_role(actor),
            action=action.value,
            from_state=case.state if from_state is None else from_state,
            to_state=case.state,
            note=note,
            amount=amount,
            internal=internal,
            message=message,
            evidence=evidence,
            evidence_request=evidence_request,
            subject_id=subject_id,
            seq=length + 1,
            prev_hash=head or GENESIS,
        )
        event.entry_hash = entry_content(event, case.number).digest(event.prev_hash)
        event.save(force_insert=True)
        Dispute.objects.filter(pk=case.pk).update(
            record_length=length + 1, record_head=event.entry_hash
        )
        case.record_length, case.record_head = length + 1, event.entry_hash
        case_event.send(sender=Dispute, dispute=case, event=event)
    return event


def entry_content(event: DisputeEvent, number: str) -> EntryContent:
    """What `event`'s hash covers (its evidence loaded, or given when written)."""
    evidence = event.evidence if event.evidence_id else None
    return EntryContent(
        case=number,
        seq=event.seq or 0,
        actor_id=event.actor_id,
        actor_role=event.actor_role,
        action=event.action,
        from_state=event.from_state,
        to_state=event.to_state,
        created_at=event.created_at,
        note=event.note,
        amount=event.amount,
        internal=event.internal,
        subject_id=event.subject_id,
        evidence_sha256=evidence.sha256 if evidence else "",
    )
