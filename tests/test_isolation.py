"""No test leaves anything behind for the next (tests/conftest.py `_isolated`).

In file order (`-p no:randomly`) the first test leaves what used to leak — a
page asked for in Chinese keeps Chinese active on the thread, an API write
keeps its throttle count — and the second finds none of it. In random order
the second may run first; it then checks the state every test starts from.
"""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext

from tests import factories as f

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        "LocMemCache" not in settings.CACHES["default"]["BACKEND"],
        reason="counts the entries of the local memory cache",
    ),
]

LEFT_BEHIND = "isolation:left-behind"


def test_an_api_write_and_a_chinese_page_leave_state_on_the_thread(client):
    client.force_login(f.buyer())
    client.post("/api/v1/disputes/", {}, content_type="application/json")
    assert len(cache._cache) == 1  # the buyer's throttle count
    cache.set(LEFT_BEHIND, 1)
    response = client.get("/disputes/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert translation.get_language() == "zh-hans"  # still active after the page
    assert gettext("Opened") == "已发起"


def test_the_next_test_starts_in_the_default_language_with_empty_caches():
    assert translation.get_language() == settings.LANGUAGE_CODE == "en"
    assert gettext("Opened") == "Opened"
    assert cache.get(LEFT_BEHIND) is None
    assert len(cache._cache) == 0
