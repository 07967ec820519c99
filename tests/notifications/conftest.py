"""A case with a few notifications for its buyer, made by the real worker."""

from __future__ import annotations

import pytest

from disputes import services
from tests import factories as f


@pytest.fixture
def told(run_tasks):
    """A mediation case: its buyer has heard of take, mediation and a message."""
    story = f.case_in_state("verification")
    services.dispute_start_mediation(dispute=story.case, actor=story.agent)
    services.message_post(dispute=story.case, actor=story.merchant, body="可以协商")
    run_tasks()
    return story
