"""Minimal users and data for fuzzing the API (never for production data)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import assign_role
from core.roles import Role
from disputes import services
from disputes.choices import Reason, Remedy
from disputes.models import Dispute, PlatformRule
from orders.models import Order, OrderItem, OrderStatus
from stores.models import Category, Store

ROLES = {
    "fuzz_buyer": Role.BUYER,
    "fuzz_merchant": Role.MERCHANT,
    "fuzz_agent": Role.AGENT,
    "fuzz_supervisor": Role.SUPERVISOR,
}


class Command(BaseCommand):
    help = "Create fuzz_buyer, fuzz_merchant, fuzz_agent, a store, orders and cases."

    def add_arguments(self, parser):
        parser.add_argument("--password", default="fuzz-pass-2026")
        parser.add_argument("--force", action="store_true")

    def handle(self, *args, password: str, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to seed fuzz data with DEBUG off (--force).")
        with transaction.atomic():
            users = {
                name: self._user(name, role, password) for name, role in ROLES.items()
            }
            store = self._store(users["fuzz_merchant"])
            orders = [self._order(users["fuzz_buyer"], store, n) for n in range(12)]
            rule = PlatformRule.objects.filter(code="fuzz-rule").first()
            if rule is None:
                services.rule_publish(
                    actor=None,
                    code="fuzz-rule",
                    title="Fuzz rule",
                    text="Fuzzing.",
                    effective_from=timezone.now() - timedelta(days=1),
                )
        for order in orders[:4]:
            if not Dispute.objects.filter(order=order).exists():
                services.dispute_open(
                    actor=users["fuzz_buyer"],
                    order=order,
                    reason=Reason.QUALITY,
                    remedy=Remedy.REFUND_ONLY,
                    amount=Decimal("10.00"),
                    description="fuzz",
                )
        self.stdout.write(" ".join(ROLES))

    def _user(self, name: str, role: Role, password: str) -> User:
        user, _created = User.objects.get_or_create(username=name)
        user.set_password(password)
        user.save()
        assign_role(user, role)
        return user

    def _store(self, owner: User) -> Store:
        category, _ = Category.objects.get_or_create(
            code="fuzz", defaults={"name": "Fuzz"}
        )
        store = Store.objects.filter(owner=owner).first()
        if store is None:
            store = Store.objects.create(
                name="Fuzz store",
                owner=owner,
                category=category,
                region="浙江",
                status="active",
            )
        return store

    def _order(self, buyer: User, store: Store, n: int) -> Order:
        placed = timezone.now() - timedelta(days=3)
        order, created = Order.objects.get_or_create(
            number=f"FUZZ{n:04d}",
            defaults={
                "buyer": buyer,
                "store": store,
                "total": Decimal("200.00"),
                "status": OrderStatus.DELIVERED,
                "placed_at": placed,
                "paid_at": placed,
                "delivered_at": placed + timedelta(days=1),
            },
        )
        if created:
            OrderItem.objects.create(
                order=order, product_name="Fuzz item", unit_price=Decimal("200.00")
            )
        return order
