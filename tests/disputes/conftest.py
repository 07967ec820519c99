import pytest

from disputes.signals import case_event
from tests.factories import case_in_state


@pytest.fixture
def story_in():
    """Build a case driven by the services into a state: story_in("ruled")."""
    return case_in_state


@pytest.fixture
def published():
    """The timeline entries published (`case_event`) while the test runs."""
    sent = []

    def record(sender, *, dispute, event, **kwargs):
        assert dispute.pk == event.dispute_id
        sent.append(event)

    case_event.connect(record, dispatch_uid="tests-published")
    yield sent
    case_event.disconnect(dispatch_uid="tests-published")
