"""A store's return address: service, selector, the merchant's page, workbench."""

import pytest
from django.urls import reverse

from core.errors import ActionNotPermitted, ValidationFailed
from stores.models import Store
from stores.selectors import return_address
from stores.services import store_return_address_set
from tests import factories as f

pytestmark = pytest.mark.django_db

GOOD = {
    "return_recipient": "王小明",
    "return_phone": "138 0013 8000",
    "return_province": "浙江",
    "return_city": "杭州市",
    "return_district": "余杭区",
    "return_address_line": "文一西路 969 号 3 号楼售后部",
}


def test_selector_is_none_until_complete():
    store = f.StoreFactory()
    assert return_address(store) is None
    store.return_recipient = "王小明"
    assert return_address(store) is None


def test_owner_sets_it_and_the_selector_reads_it():
    store = f.StoreFactory()
    store_return_address_set(store=store, actor=store.owner, **GOOD)
    store = Store.objects.get(pk=store.pk)
    address = return_address(store)
    assert address is not None
    assert address.phone == "13800138000"  # spaces dropped
    assert address.one_line == "浙江杭州市余杭区文一西路 969 号 3 号楼售后部"
    assert str(address) == "王小明 13800138000 " + address.one_line
    assert store.return_address_updated_at is not None


def test_staff_member_and_agent_may_set_it_others_not():
    store = f.StoreFactory()
    clerk = f.merchant()
    store.staff.add(clerk)
    store_return_address_set(store=store, actor=clerk, **GOOD)
    store_return_address_set(store=store, actor=f.agent(), **GOOD)
    for outsider in (f.StoreFactory().owner, f.buyer(), f.manager()):
        with pytest.raises(ActionNotPermitted):
            store_return_address_set(store=store, actor=outsider, **GOOD)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("return_recipient", ""),
        ("return_phone", "12345"),
        ("return_phone", ""),
        ("return_province", "火星"),
        ("return_city", " "),
        ("return_address_line", ""),
    ],
)
def test_bad_values_are_refused_and_nothing_changes(field, value):
    store = f.StoreFactory()
    with pytest.raises(ValidationFailed) as caught:
        store_return_address_set(
            store=store, actor=store.owner, **{**GOOD, field: value}
        )
    assert list(caught.value.errors) == [field]
    assert return_address(Store.objects.get(pk=store.pk)) is None


@pytest.mark.parametrize(
    "phone", ["13800138000", "0571-88888888", "010 1234 5678", "400-820-8820"]
)
def test_phones_accepted(phone):
    store = f.StoreFactory()
    store_return_address_set(
        store=store, actor=store.owner, **{**GOOD, "return_phone": phone}
    )


def test_district_is_optional():
    store = f.StoreFactory()
    store_return_address_set(
        store=store, actor=store.owner, **{**GOOD, "return_district": ""}
    )
    assert return_address(Store.objects.get(pk=store.pk)).one_line.startswith(
        "浙江杭州市文一"
    )


# ---- the merchant's page ----


def test_merchant_edits_own_store_page(client):
    store = f.StoreFactory()
    client.force_login(store.owner)
    url = reverse("stores:return_address", args=[store.pk])
    assert url == f"/stores/{store.pk}/return-address/"
    assert client.get(url).status_code == 200
    response = client.post(url, GOOD)
    assert response.status_code == 302
    assert response["Location"] == "/stores/"
    assert return_address(Store.objects.get(pk=store.pk)).recipient == "王小明"
    listing = client.get("/stores/")
    assert "文一西路" in listing.content.decode()


def test_page_shows_field_errors_and_keeps_values(client):
    store = f.StoreFactory()
    client.force_login(store.owner)
    response = client.post(
        f"/stores/{store.pk}/return-address/", {**GOOD, "return_phone": "12"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "has-error" in body
    assert "王小明" in body
    assert return_address(Store.objects.get(pk=store.pk)) is None


@pytest.mark.parametrize("who", ["other_merchant", "buyer", "agent", "anonymous"])
def test_others_cannot_reach_the_page(client, who):
    store = f.StoreFactory()
    user = {
        "other_merchant": f.StoreFactory().owner,
        "buyer": f.buyer(),
        "agent": f.agent(),
        "anonymous": None,
    }[who]
    if user:
        client.force_login(user)
    url = f"/stores/{store.pk}/return-address/"
    response = client.post(url, GOOD)
    assert response.status_code in (302, 404)
    if user:
        assert response.status_code == 404
    assert return_address(Store.objects.get(pk=store.pk)) is None


def test_store_list_queries(client, django_assert_max_num_queries):
    owner = f.merchant()
    for _ in range(3):
        f.StoreFactory(owner=owner)
    client.force_login(owner)
    with django_assert_max_num_queries(8):
        assert client.get("/stores/").status_code == 200


# ---- the workbench ----


def test_agent_edits_it_in_the_workbench(client):
    store = f.StoreFactory()
    client.force_login(f.agent())
    url = reverse("admin:stores_store_change", args=[store.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "return_recipient" in page.content.decode()
    inline = {
        "review_log-TOTAL_FORMS": "0",
        "review_log-INITIAL_FORMS": "0",
        "review_log-MIN_NUM_FORMS": "0",
        "review_log-MAX_NUM_FORMS": "1000",
    }
    bad = client.post(url, {**GOOD, **inline, "return_phone": "1"})
    assert bad.status_code == 200  # the form again, with the error
    assert return_address(Store.objects.get(pk=store.pk)) is None
    ok = client.post(url, {**GOOD, **inline, "_continue": "1"})
    assert ok.status_code == 302
    assert return_address(Store.objects.get(pk=store.pk)).city == "杭州市"
