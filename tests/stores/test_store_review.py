"""The store review lifecycle: pending → active ⇄ suspended; → delisted."""

import pytest

from core.errors import ActionNotPermitted, InvalidTransition, ValidationFailed
from stores.models import Store, StoreReviewLog
from stores.services import store_review
from tests.factories import StoreFactory, agent, buyer, supervisor

pytestmark = pytest.mark.django_db

TABLE = [
    ("pending", "approve", "active"),
    ("pending", "suspend", 409),
    ("pending", "reinstate", 409),
    ("pending", "delist", 409),
    ("active", "approve", 409),
    ("active", "suspend", "suspended"),
    ("active", "reinstate", 409),
    ("active", "delist", "delisted"),
    ("suspended", "approve", 409),
    ("suspended", "suspend", 409),
    ("suspended", "reinstate", "active"),
    ("suspended", "delist", "delisted"),
    ("delisted", "approve", 409),
    ("delisted", "suspend", 409),
    ("delisted", "reinstate", 409),
    ("delisted", "delist", 409),
]


@pytest.mark.parametrize(("status", "action", "result"), TABLE)
def test_review_table(status, action, result):
    store = StoreFactory(status=status)
    actor = agent()
    if isinstance(result, int):
        with pytest.raises(InvalidTransition):
            store_review(store=store, actor=actor, action=action, reason="核查")
        assert Store.objects.get().status == status
        assert not StoreReviewLog.objects.exists()
    else:
        store_review(store=store, actor=actor, action=action, reason="核查")
        assert Store.objects.get().status == result
        log = StoreReviewLog.objects.get()
        assert (log.from_status, log.to_status, log.actor) == (status, result, actor)


def test_reason_is_required():
    store = StoreFactory(status="active")
    with pytest.raises(ValidationFailed):
        store_review(store=store, actor=supervisor(), action="suspend", reason=" ")
    assert Store.objects.get().status == "active"


def test_only_platform_staff_review():
    store = StoreFactory(status="pending")
    with pytest.raises(ActionNotPermitted):
        store_review(store=store, actor=buyer(), action="approve", reason="ok")
