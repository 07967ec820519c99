import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "state", ["complaint", "verification", "mediation", "ruled", "appeal", "closed"]
)
def test_pages_render(login, state):
    story = f.case_in_state(state)
    c = login(story.supervisor)
    for url in [
        "/admin/",
        "/admin/disputes/dispute/",
        f"/admin/disputes/dispute/{story.case.pk}/change/",
        f"/admin/stores/store/{story.case.store_id}/change/",
        "/admin/disputes/platformrule/",
        f"/admin/orders/order/{story.case.order_id}/change/",
        "/admin/accounts/user/",
    ]:
        r = c.get(url)
        assert r.status_code == 200, (url, r.status_code)
