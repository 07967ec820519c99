"""Messages, evidence and platform rules: records that do not move the state."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import (
    ActionNotPermitted,
    InvalidTransition,
    NotVisible,
    ValidationFailed,
)
from core.roles import is_platform_staff
from core.uploads import upload_refusal, upload_type
from stores.scoping import can_see_dispute, party_of

from ..actions import EventKindName
from ..choices import RequestStatus
from ..models import (
    Dispute,
    Evidence,
    EvidenceRequest,
    Message,
    PlatformRule,
)
from ..models.guards import may_work_on
from ..models.policy import EVIDENCE_KINDS
from ..rules_pure import EVIDENCE_DESCRIPTION_MAX
from ._core import limit_text, lock_case, require_text
from .timeline import actor_role, timeline_write


@dataclass(frozen=True)
class EvidenceFile:
    """A file that comes with a new claim.

    `kind`: what the sender says it is (`photo`, `video`, `express_slip`);
    its content must agree. Without it the content tells photo or video
    (`express_slip`: the portal's field for the photo of the express slip).
    """

    file: UploadedFile[Any]
    note: str = ""
    express_slip: bool = False
    kind: str = ""


# The content type each declared kind needs ("image/..." or "video/...").
KIND_MEDIA = {"photo": "image/", "express_slip": "image/", "video": "video/"}


def evidence_kind(item: EvidenceFile) -> str:
    """What a claim's file counts as for the required evidence ("" for none):
    its declared kind when its content agrees, else what its content is."""
    sniffed = upload_type(item.file) if item.file is not None else None
    if sniffed is None:
        return ""
    content_type = sniffed[0]
    declared = item.kind or ("express_slip" if item.express_slip else "")
    if declared:
        media = KIND_MEDIA.get(declared)
        return declared if media and content_type.startswith(media) else ""
    if content_type.startswith("image/"):
        return "photo"
    if content_type.startswith("video/"):
        return "video"
    return ""


def claim_evidence_kinds(evidence: Sequence[EvidenceFile]) -> list[str]:
    """The kind of each file that comes with a new claim, refusing (before
    anything is stored) a file the upload checks refuse, an unknown kind, or
    a declared kind its content contradicts. Field errors under "evidence"."""
    errors: list[str] = []
    kinds: list[str] = []
    for item in evidence:
        name = getattr(item.file, "name", "") or _("file")
        refusal = upload_refusal(item.file) if item.file is not None else None
        if item.file is None or refusal:
            errors.append(f"{name}: {refusal or _('Choose a file.')}")
        elif item.kind and item.kind not in KIND_MEDIA:
            errors.append(f"{name}: {_('Choose what the file shows.')}")
        elif item.kind and not evidence_kind(item):
            errors.append(
                _("%(name)s is not %(kind)s.")
                % {"name": name, "kind": EVIDENCE_KINDS[item.kind]}
            )
        kinds.append(evidence_kind(item) if item.file is not None else "")
    if errors:
        raise ValidationFailed(errors[0], errors={"evidence": errors})
    return kinds


def _locked_case(dispute: Dispute, actor: User) -> Dispute:
    """The case row, locked before anything else is written (the one lock order
    of every case writer: case row first, then its records and the rollups)."""
    case = lock_case(dispute)
    if not can_see_dispute(actor, case):
        raise NotVisible(_("No such case."))
    return case


def _check_contributor(case: Dispute, actor: User) -> str | None:
    """Parties and platform staff may add to a case; returns the party, if any."""
    party = party_of(actor, case)
    if party is None and not is_platform_staff(actor):
        raise ActionNotPermitted(_("Your role may not add to cases."))
    if party is None and not may_work_on(case, actor):
        raise ActionNotPermitted(_("This case is assigned to another agent."))
    if party is not None and not case.is_open:
        raise InvalidTransition(_("The case is closed."))
    return party


@transaction.atomic
def message_post(
    *, dispute: Dispute, actor: User, body: str, internal: bool = False
) -> Message:
    """Add a public reply, or (staff only) an internal note, to the timeline."""
    case = _locked_case(dispute, actor)
    _check_contributor(case, actor)
    text = require_text(body, field="body", label=_("A message"))
    if len(text) > 5000:
        raise ValidationFailed(
            _("Keep messages under 5,000 characters."),
            errors={"body": [_("Too long.")]},
        )
    if internal and not is_platform_staff(actor):
        raise ActionNotPermitted(_("Only agents write internal notes."))
    message = Message.objects.create(
        dispute=case,
        author=actor,
        author_role=actor_role(actor),
        body=text,
        internal=internal,
    )
    timeline_write(
        case=case,
        action=EventKindName.INTERNAL_NOTE if internal else EventKindName.MESSAGE,
        actor=actor,
        note=text,
        internal=internal,
        message=message,
    )
    return message


def _read_upload(upload: UploadedFile[Any] | None) -> tuple[str, str, str]:
    """(sha256, content type, extension) of an accepted upload."""
    if upload is None:
        raise ValidationFailed(_("Choose a file."), errors={"file": [_("Required.")]})
    refusal = upload_refusal(upload)
    kind = upload_type(upload)
    if refusal or kind is None:
        raise ValidationFailed(
            refusal or _("File type not allowed."),
            errors={"file": [refusal or _("File type not allowed.")]},
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest(), *kind


@transaction.atomic
def evidence_upload(
    *,
    dispute: Dispute,
    actor: User,
    file: UploadedFile[Any],
    description: str = "",
    kind: str = "",
) -> Evidence:
    """Store an evidence file (type checked by content) and answer open requests."""
    case = _locked_case(dispute, actor)
    party = _check_contributor(case, actor)
    description = limit_text(
        description or "", field="description", most=EVIDENCE_DESCRIPTION_MAX
    )
    sha256, content_type, extension = _read_upload(file)
    request = None
    if party is not None:
        request = (
            EvidenceRequest.objects.select_for_update()
            .filter(dispute=case, party=party, status=RequestStatus.OPEN)
            .order_by("due_at")
            .first()
        )
    evidence = Evidence(
        dispute=case,
        uploaded_by=actor,
        party=party or actor_role(actor),
        original_name=(getattr(file, "name", "") or "upload")[-200:],
        content_type=content_type,
        extension=extension,
        size=file.size or 0,
        sha256=sha256,
        description=description,
        kind=kind,
        request=request,
    )
    evidence.file.save("upload", file, save=False)
    try:
        evidence.save()
    except Exception:
        evidence.file.delete(save=False)
        raise
    if request is not None:
        request.status = RequestStatus.ANSWERED
        request.closed_at = timezone.now()
        request.save(update_fields=["status", "closed_at"])
    timeline_write(
        case=case,
        action=EventKindName.EVIDENCE,
        actor=actor,
        note=evidence.description,
        evidence=evidence,
        evidence_request=request,
    )
    return evidence


@transaction.atomic
def rule_publish(
    *,
    actor: User | None,
    code: str,
    title: str,
    text: str,
    effective_from: datetime | None = None,
) -> PlatformRule:
    """Publish a new version of a platform rule; old versions stay as they were."""
    if actor is not None and not is_platform_staff(actor):
        raise ActionNotPermitted(_("Only platform staff publish rules."))
    code = require_text(code, field="code", label=_("A code"))
    title = require_text(title, field="title", label=_("A title"))
    text = require_text(text, field="text", label=_("The rule text"))
    # Lock the existing versions so two editors cannot take the same number.
    list(PlatformRule.objects.select_for_update().filter(code=code).values("pk"))
    latest = PlatformRule.objects.filter(code=code).aggregate(v=Max("version"))["v"]
    return PlatformRule.objects.create(
        code=code,
        version=(latest or 0) + 1,
        title=title,
        text=text,
        effective_from=effective_from or timezone.now(),
        created_by=actor,
    )
