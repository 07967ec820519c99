"""The workbench case page shows the goods: the step, parcels, the address."""

import pytest

from disputes import services
from tests import factories as f
from tests.portal.test_goods_pages import SF, goods_case

pytestmark = pytest.mark.django_db


def test_the_case_page_shows_the_return_step_and_the_parcels(client):
    story = goods_case()
    services.dispute_ship_return(
        dispute=story.case, actor=story.buyer, carrier="SF", tracking_number=SF
    )
    case = story.refresh()
    client.force_login(story.agent)
    body = client.get(f"/admin/disputes/dispute/{case.pk}/change/").content.decode()
    assert 'id="goods"' in body
    assert SF in body
    assert "文一西路998号" in body
    assert "data-countdown" in body


def test_a_money_only_case_has_no_goods_panel(client):
    story = f.case_in_state("verification")
    client.force_login(story.agent)
    body = client.get(
        f"/admin/disputes/dispute/{story.case.pk}/change/"
    ).content.decode()
    assert 'id="goods"' not in body


def test_the_ruling_form_offers_the_remedy(client):
    story = f.case_in_state("verification")
    client.force_login(story.agent)
    response = client.get(f"/admin/disputes/dispute/{story.case.pk}/act/rule/")
    assert response.status_code == 200
    assert 'name="remedy"' in response.content.decode()
