"""The optimistic state lock (`core.fastpath_fsm.ConcurrentTransitionMixin`): a row
whose state someone else moved after it was loaded is not saved over it; the
state fields are found once per model and are exactly the FSM fields."""

from __future__ import annotations

import django_fsm
import pytest
from django.db import transaction

from disputes.models import Dispute
from stores.models import Store
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("model", "make", "field", "moved_to", "edit"),
    [
        (Dispute, f.DisputeFactory, "state", "closed", "description"),
        (Store, f.StoreFactory, "status", "suspended", "name"),
    ],
)
def test_a_stale_row_is_not_saved_over_a_moved_state(
    model, make, field, moved_to, edit
):
    row = make()
    stale = model.objects.get(pk=row.pk)
    fresh = model.objects.get(pk=row.pk)
    model.objects.filter(pk=row.pk).update(**{field: moved_to})  # another process
    setattr(stale, edit, "改")
    with pytest.raises(django_fsm.ConcurrentTransition), transaction.atomic():
        stale.save()
    fresh.refresh_from_db()
    setattr(fresh, edit, "改")
    fresh.save()  # loaded after the move: saved
    assert getattr(model.objects.get(pk=row.pk), edit) == "改"


@pytest.mark.parametrize(
    ("model", "names"), [(Dispute, ["state"]), (Store, ["status"])]
)
def test_the_state_fields_are_the_fsm_fields(model, names):
    row = model()
    assert [field.name for field in row.state_fields] == names
    assert row.state_fields is model().state_fields  # found once
