"""factory-boy factories for every model, and `case_in_state` for whole stories.

`case_in_state(state)` drives the real services to reach a state, so the case
has the timeline, refunds, ruling and appeal a real one would have.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from accounts.models import User
from accounts.roles import assign_role
from core.roles import Role
from disputes import services
from disputes.choices import Party, Reason, Remedy
from disputes.models import (
    Dispute,
    DisputeEvent,
    Message,
    PlatformRule,
    PolicyVersion,
)
from disputes.policy import OVERRIDABLE
from orders.models import Order, OrderItem, OrderStatus
from reports.rollups import case_refresh
from stores.models import Category, Store

PASSWORD = "test-pass-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            assign_role(self, Role(extracted))
        if create:
            self.save()


def buyer(**kw) -> User:
    return UserFactory(role=Role.BUYER, **kw)


def merchant(**kw) -> User:
    return UserFactory(role=Role.MERCHANT, **kw)


def agent(**kw) -> User:
    return UserFactory(role=Role.AGENT, **kw)


def supervisor(**kw) -> User:
    return UserFactory(role=Role.SUPERVISOR, **kw)


def manager(**kw) -> User:
    return UserFactory(role=Role.MANAGER, **kw)


def policy_set(
    category: str = "", region: str = "", *, at=None, **values
) -> PolicyVersion:
    """A new policy version (in force since `at`, a second ago by default) that
    keeps every scope of the one in force and sets `values` for one scope.

    Tests only: it skips the 7-day notice `policy_publish` enforces.
    """
    now = timezone.now()
    current = PolicyVersion.objects.in_force(now)
    entries = [dict(e) for e in (current.entries if current else [])]
    for entry in entries:
        if (entry.get("category") or "", entry.get("region") or "") == (
            category,
            region,
        ):
            entry["values"] = {**entry["values"], **values}
            break
    else:
        entries.append({"category": category, "region": region, "values": values})
    latest = PolicyVersion.objects.order_by("-version").first()
    return PolicyVersion.objects.create(
        version=(latest.version if latest else 0) + 1,
        effective_from=at or now - timedelta(seconds=1),
        published_at=now,
        entries=entries,
    )


class CategoryFactory(factory.django.DjangoModelFactory):
    """A business line; deadline fields given here become its policy values
    (a new policy version in force now), as they would be published."""

    class Meta:
        model = Category
        django_get_or_create = ("code",)

    code = "apparel"
    name = "服饰"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        category = super()._create(model_class, *args, **kwargs)
        values = {
            name: kwargs[name]
            for name in OVERRIDABLE
            if kwargs.get(name) not in (None, "")
        }
        if values:
            policy_set(category.code, **values)
        return category


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store

    name = factory.Sequence(lambda n: f"小店{n}")
    owner = factory.LazyFunction(merchant)
    category = factory.SubFactory(CategoryFactory)
    region = "浙江"
    status = "active"


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"O{20260000000 + n}")
    buyer = factory.LazyFunction(buyer)
    store = factory.SubFactory(StoreFactory)
    total = Decimal("200.00")
    status = OrderStatus.DELIVERED
    placed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=5))
    paid_at = factory.LazyAttribute(lambda o: o.placed_at)
    shipped_at = factory.LazyAttribute(lambda o: o.placed_at + timedelta(days=1))
    delivered_at = factory.LazyAttribute(lambda o: o.placed_at + timedelta(days=3))
    item = factory.RelatedFactory(
        "tests.factories.OrderItemFactory",
        factory_related_name="order",
        unit_price=factory.SelfAttribute("..total"),
    )


class OrderItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderItem

    order = factory.SubFactory(OrderFactory, item=None)
    product_name = "纯棉T恤"
    quantity = 1
    unit_price = Decimal("200.00")


class PlatformRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlatformRule

    code = factory.Sequence(lambda n: f"rule-{n}")
    version = 1
    title = "商品质量问题处理规则"
    text = "商品存在质量问题的，买家可申请退款。"
    effective_from = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))


class DisputeFactory(factory.django.DjangoModelFactory):
    """A raw negotiation case with no history: for selectors and lists."""

    class Meta:
        model = Dispute

    number = factory.Sequence(lambda n: f"D26{n:010d}")
    order = factory.SubFactory(OrderFactory)
    buyer = factory.SelfAttribute("order.buyer")
    store = factory.SelfAttribute("order.store")
    reason = Reason.QUALITY
    remedy = Remedy.REFUND_ONLY
    amount = Decimal("100.00")
    merchant_deadline_at = factory.LazyFunction(
        lambda: timezone.now() + timedelta(hours=48)
    )

    @factory.post_generation
    def report_rollups(obj, create, extracted, **kwargs):
        """Count the raw case in the report rollups, as its first event would."""
        if create:
            case_refresh(dispute_id=obj.pk)


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    dispute = factory.SubFactory(DisputeFactory)
    author = factory.SelfAttribute("dispute.buyer")
    author_role = "buyer"
    body = "请尽快处理"


class DisputeEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DisputeEvent

    dispute = factory.SubFactory(DisputeFactory)
    actor_role = "system"
    action = "open"
    to_state = "negotiation"


# Each state and the steps that reach it from an opened case.
PATHS: dict[str, list[str]] = {
    "negotiation": [],
    "complaint": ["reject", "request_intervention"],
    "verification": ["reject", "request_intervention", "take"],
    "mediation": ["reject", "request_intervention", "take", "start_mediation"],
    "ruled": ["reject", "request_intervention", "take", "rule"],
    "appeal": ["reject", "request_intervention", "take", "rule", "appeal"],
    "closed": ["accept"],
}


class Story:
    """The people around one case and a handle on it."""

    def __init__(
        self, case: Dispute, agent: User, supervisor: User, rule: PlatformRule
    ):
        self.case = case
        self.agent = agent
        self.supervisor = supervisor
        self.rule = rule

    @property
    def buyer(self) -> User:
        return self.case.buyer

    @property
    def merchant(self) -> User:
        return self.case.store.owner

    def refresh(self) -> Dispute:
        self.case = Dispute.objects.get(pk=self.case.pk)
        return self.case


def case_in_state(
    state: str,
    *,
    amount: str | Decimal = "100.00",
    outcome: str = "buyer",
    order=None,
    remedy: str = Remedy.REFUND_ONLY,
    **order_kw,
) -> Story:
    """Open a case and drive it through the services into `state`."""
    order = order or OrderFactory(**order_kw)
    the_agent, the_supervisor = agent(), supervisor()
    rule = PlatformRuleFactory()
    case = services.dispute_open(
        actor=order.buyer,
        order=order,
        reason=Reason.QUALITY,
        remedy=remedy,
        amount=Decimal(amount),
        description="衣服有破洞",
    )
    story = Story(case, the_agent, the_supervisor, rule)
    for step in PATHS[state]:
        story.case = _step(story, step, outcome)
    story.refresh()
    return story


def _step(story: Story, step: str, outcome: str) -> Dispute:
    case = story.case
    merchant_user = story.merchant
    if step == "reject":
        return services.dispute_reject(
            dispute=case, actor=merchant_user, reason="无质量问题"
        )
    if step == "accept":
        return services.dispute_accept(dispute=case, actor=merchant_user)
    if step == "request_intervention":
        return services.dispute_request_intervention(dispute=case, actor=story.buyer)
    if step == "take":
        return services.dispute_take(dispute=case, actor=story.agent)
    if step == "start_mediation":
        return services.dispute_start_mediation(dispute=case, actor=story.agent)
    if step == "rule":
        return services.dispute_rule(
            dispute=case,
            actor=story.agent,
            outcome=outcome,
            liability="merchant" if outcome == "buyer" else "none",
            amount=case.amount if outcome == "buyer" else None,
            rule=story.rule,
            reasoning="证据显示商品存在质量问题",
        )
    if step == "appeal":
        appellant = merchant_user if outcome == "buyer" else story.buyer
        return services.dispute_appeal(dispute=case, actor=appellant, reason="新证据")
    raise ValueError(step)


__all__ = ["PASSWORD", "Party", "case_in_state"]
