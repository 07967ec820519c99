"""The demo's policies: business lines and regions handled differently.

- the categories' own deadlines (vocab.CATEGORIES) as policy values;
- 生鲜水果 (fresh): a damaged, quality, missing-parts or not-as-described
  claim needs an unboxing video and a photo of the express slip; a claim
  under ¥100 on an order not yet shipped is refunded at once;
- 跨境进口 (cross-border): no 七天无理由, a longer return shipping window;
- remote regions (新疆, 西藏, 青海, 内蒙古): longer shipping windows;
- 生鲜 in 新疆: the merchant has longer to answer (category + region);
- one scheduled change (upcoming, in 10 days).

Their stores have delivered orders for buyer1 (and one paid, not yet shipped,
small order for the automatic refund). Store 1 and store 2 (服饰, 美妆) keep
policies whose claims open without required evidence.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password

from accounts.models import User
from accounts.roles import assign_role
from core.roles import Role
from disputes.models import PolicyVersion
from orders.models import Order, OrderItem, OrderStatus
from stores.models import Category, Store, StoreStatus

from . import vocab

REMOTE_REGIONS = ("新疆", "西藏", "青海", "内蒙古")
FRESH_EVIDENCE = ["video", "express_slip"]
EVIDENCE_REASONS = ("damaged", "quality", "missing_parts", "not_as_described")
POLICY_CATEGORIES = [("fresh", "生鲜水果"), ("crossborder", "跨境进口")]
# name, category, region, owner username
POLICY_STORES = [
    ("鲜果时光生鲜旗舰店", "fresh", "海南", "demo_fresh_merchant1"),
    ("天山果园生鲜直营店", "fresh", "新疆", "demo_fresh_merchant2"),
    ("环球优选跨境专营店", "crossborder", "上海", "demo_crossborder_merchant"),
]
PRODUCTS = {
    "fresh": [("海南金煌芒果 5斤装", "69.90"), ("新疆阿克苏冰糖心苹果 10斤", "89.00")],
    "crossborder": [
        ("澳洲进口婴儿奶粉 900g", "259.00"),
        ("日本进口保温杯 480ml", "169.00"),
    ],
}
SINCE = datetime(2020, 1, 1, tzinfo=UTC)


def demo_entries() -> list[dict]:
    """The values by scope of the demo's policy in force."""
    entries: list[dict] = [
        {"category": code, "region": "", "values": dict(overrides)}
        for code, _name, overrides in vocab.CATEGORIES
        if overrides
    ]
    entries += [
        {
            "category": "fresh",
            "region": "",
            "values": {
                "after_sales_days": 7,
                "merchant_response_hours": 24,
                "auto_refund_unshipped_below": "100.00",
                "required_evidence": dict.fromkeys(
                    ("damaged", "quality", "missing_parts", "not_as_described"),
                    FRESH_EVIDENCE,
                ),
            },
        },
        {
            "category": "fresh",
            "region": "新疆",
            "values": {"merchant_response_hours": 36},
        },
        {
            "category": "crossborder",
            "region": "",
            "values": {"no_reason_allowed": False, "return_ship_days": 15},
        },
    ]
    entries += [
        {
            "category": "",
            "region": region,
            "values": {
                "return_ship_days": 14,
                "return_confirm_days": 10,
                "replacement_ship_hours": 96,
            },
        }
        for region in REMOTE_REGIONS
    ]
    return entries


def publish_demo_policies(now: datetime) -> tuple[PolicyVersion, PolicyVersion]:
    """The version in force (since 2020) and the scheduled one (in 10 days)."""
    latest = PolicyVersion.objects.order_by("-version").first()
    number = latest.version if latest else 0
    entries = demo_entries()
    current = PolicyVersion.objects.create(
        version=number + 1,
        effective_from=SINCE,
        published_at=SINCE - timedelta(days=7),
        changes="生鲜、跨境类目与偏远地区的规则",
        entries=entries,
    )
    upcoming = [dict(e, values=dict(e["values"])) for e in entries]
    for entry in upcoming:
        if (entry["category"], entry["region"]) == ("fresh", ""):
            entry["values"]["merchant_response_hours"] = 12
    scheduled = PolicyVersion.objects.create(
        version=number + 2,
        effective_from=(now + timedelta(days=10)).replace(
            hour=0, minute=0, second=0, microsecond=0
        ),
        published_at=now,
        changes="生鲜类目商家响应时限缩短为12小时",
        entries=upcoming,
    )
    return current, scheduled


def policy_stores(*, buyer: User, password: str, now: datetime, seq: int) -> int:
    """The fresh and cross-border stores, their owners and buyer1's orders;
    returns how many orders were made."""
    from .world import return_address_fields  # demo.world imports this module

    categories = {
        code: Category.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in POLICY_CATEGORIES
    }
    hashed = make_password(password)
    rng = random.Random(22)
    made = 0
    for index, (name, code, region, username) in enumerate(POLICY_STORES):
        owner = User.objects.create(username=username, password=hashed)
        assign_role(owner, Role.MERCHANT)
        store = Store.objects.create(
            name=name,
            owner=owner,
            category=categories[code],
            region=region,
            status=StoreStatus.ACTIVE,
            status_changed_at=now - timedelta(days=300),
            # Stream numbers past the world's stores: their own addresses.
            **return_address_fields(1000 + index, region, now - timedelta(days=300)),
        )
        for product, price in PRODUCTS[code]:
            made += 1
            placed = now - timedelta(days=rng.uniform(3, 5))
            _order(store, buyer, product, Decimal(price), placed, seq + made)
    # A small fresh order paid but not yet shipped: a claim under ¥100 is
    # refunded at once.
    made += 1
    fresh = Store.objects.get(name=POLICY_STORES[0][0])
    _order(
        fresh,
        buyer,
        "海南妃子笑荔枝 2斤装",
        Decimal("39.90"),
        now - timedelta(hours=5),
        seq + made,
        shipped=False,
    )
    return made


def _order(store, buyer, product, price, placed, seq, *, shipped=True):
    paid = placed + timedelta(minutes=10)
    shipped_at = paid + timedelta(hours=8) if shipped else None
    delivered = shipped_at + timedelta(hours=40) if shipped_at else None
    order = Order.objects.create(
        number=f"O{placed:%Y%m%d}{seq:010d}P",
        buyer=buyer,
        store=store,
        total=price,
        status=OrderStatus.DELIVERED if shipped else OrderStatus.PAID,
        placed_at=placed,
        paid_at=paid,
        shipped_at=shipped_at,
        delivered_at=delivered,
    )
    OrderItem.objects.create(
        order=order, product_name=product, sku="", quantity=1, unit_price=price
    )
    return order
