import pytest

from tests.factories import case_in_state


@pytest.fixture
def story_in():
    """Build a case driven by the services into a state: story_in("ruled")."""
    return case_in_state
