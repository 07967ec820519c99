"""Two parties' worlds side by side, and clients for every role."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import User
from disputes import services
from disputes.models import Evidence
from tests import factories as f
from tests.api.conftest import PNG

from .urlmap import Side

ROLES = ("anonymous", "buyer", "merchant", "agent", "supervisor", "manager")


@dataclass
class World:
    users: dict[str, User | None]
    mine: Side  # the objects of the signed-in buyer and merchant
    theirs: Side  # another buyer's case at another store


def _side(tag: str, state: str = "verification") -> tuple[f.Story, Side]:
    story = f.case_in_state(state)
    case = story.case
    services.message_post(dispute=case, actor=story.buyer, body=f"secret-msg-{tag}")
    evidence = services.evidence_upload(
        dispute=case,
        actor=story.buyer,
        file=SimpleUploadedFile(f"secret-file-{tag}.png", PNG),
        description=f"secret-evidence-{tag}",
    )
    values = {
        "number": case.number,
        "action": "withdraw",
        "action_name": "withdraw",
        "pk": evidence.pk,
        "evidence_id": evidence.pk,
        "order": case.order.number,
        "username": story.buyer.username,
        "code": story.rule.code,
        "version": story.rule.version,
        "store_id": case.store_id,
    }
    secrets = [case.number, case.order.number, f"secret-msg-{tag}",
               f"secret-evidence-{tag}", f"secret-file-{tag}"]  # fmt: skip
    return story, Side(values, secrets)


def build_world() -> World:
    mine, my_side = _side("mine")
    _theirs, their_side = _side("theirs")
    fresh_order = f.OrderFactory(buyer=mine.buyer, store=mine.case.store)
    my_side.values["order"] = fresh_order.number
    their_side.values["order"] = f.OrderFactory(
        buyer=_theirs.buyer, store=_theirs.case.store
    ).number
    users = {
        "anonymous": None,
        "buyer": mine.buyer,
        "merchant": mine.merchant,
        "agent": mine.agent,
        "supervisor": f.supervisor(),
        "manager": f.manager(),
    }
    assert Evidence.objects.count() == 2
    return World(users, my_side, their_side)


def client_as(user: User | None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client
