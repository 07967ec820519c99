"""django-fsm's optimistic lock (`ConcurrentTransitionMixin`), cheaper to load.

django-fsm remembers each loaded row's state so that `save()` updates it only
if nobody moved the state meanwhile. To do so it finds the model's state
fields on every instance it builds, by testing every field of the model: for
a case (60-odd fields) 84 µs of CPU, 17 % of an API list page of 50 cases and
their stores (issue 25, docs/performance.md). The state fields are fixed per
model: this finds them once per class. The lock itself is django-fsm's.
"""

from __future__ import annotations

from typing import Any

import django_fsm


class ConcurrentTransitionMixin(django_fsm.ConcurrentTransitionMixin):
    """django-fsm's `ConcurrentTransitionMixin`, its state fields found once."""

    @property
    def state_fields(self) -> tuple[Any, ...]:
        cls = type(self)
        found = cls.__dict__.get("_fsm_state_fields")
        if found is None:
            found = tuple(
                field
                for field in cls._meta.fields
                if isinstance(field, django_fsm.FSMFieldMixin)
            )
            cls._fsm_state_fields = found  # type: ignore[attr-defined]
        return found
