"""The demo world around the cases: accounts, categories, stores, rules, files."""

from __future__ import annotations

import hashlib
import io
import random
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection

from accounts.demo import KNOWN_ACCOUNTS
from accounts.models import User
from accounts.roles import assign_role
from core.bulkrows import RowWriter
from core.roles import Role, role_of
from disputes.models import (
    CannedReply,
    Macro,
    PlatformRule,
    ReasoningTemplate,
)
from disputes.policy import policy_for, resolve
from stores.models import PROVINCES, Category, Store, StoreReviewLog, StoreStatus

from . import vocab
from .policies import publish_demo_policies
from .script import StoreInfo, World

BATCH = 2000
DEMO_EMAIL = "{username}@demo.example.com"
MAIN_PROVINCES = [
    "浙江",
    "广东",
    "江苏",
    "上海",
    "北京",
    "山东",
    "福建",
    "四川",
    "湖北",
    "河南",
    "湖南",
    "辽宁",
    "黑龙江",
    "云南",
    "重庆",
]


@contextmanager
def explicit_timestamps() -> Iterator[None]:
    """Let the world's bulk inserts keep historical times in auto_now_add fields.

    Stores and rules are backdated to when they "happened"; Django would
    otherwise stamp them with the moment of the insert. (Case rows get their
    times from the travelling clock or from the bulk builder.)
    """
    fields = [
        Store._meta.get_field("created_at"),
        PlatformRule._meta.get_field("created_at"),
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


@contextmanager
def roomy_sqlite_cache(megabytes: int = 64) -> Iterator[None]:
    """Give SQLite a larger page cache while one big transaction is written.

    With the default 2 MB cache a long transaction spills pages to disk over
    and over and seeding slows down as the database grows.
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = cursor.fetchone()[0]
        cursor.execute(f"PRAGMA cache_size = -{megabytes * 1024}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


def chinese_name(rng: random.Random) -> str:
    return rng.choice(vocab.SURNAMES) + rng.choice(vocab.GIVEN)


def ensure_accounts(hashed: str, *, reset: bool) -> dict[str, User]:
    """The well-known accounts and the extra staff; passwords set once (or reset)."""
    people = [(u, r, n) for u, r, n in KNOWN_ACCOUNTS]
    people += [(u, "agent", n) for u, n in vocab.EXTRA_AGENTS]
    users = {}
    for number, (username, role, display) in enumerate(people):
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "email": DEMO_EMAIL.format(username=username),
                "display_name": display,
                "password": hashed,
                "phone": f"138{number:08d}",
                # Parties see platform staff by their staff number (客服 1024).
                "staff_number": (
                    str(1024 + number) if role in ("agent", "supervisor") else ""
                ),
            },
        )
        if reset and not created:
            user.password = hashed
            user.save(update_fields=["password"])
        assign_role(user, Role(role))
        users[username] = user
    return users


def set_passwords(password: str) -> int:
    """Give every well-known account `password`; returns how many were changed."""
    names = [u for u, _r, _n in KNOWN_ACCOUNTS]
    return User.objects.filter(username__in=names).update(
        password=make_password(password)
    )


def bulk_users(
    prefix: str, count: int, role: Role, hashed: str, rng: random.Random, now
) -> list[int]:
    """Create `count` users of one role (plain rows, COPY on PostgreSQL)."""
    group = Group.objects.get(name=role.value)
    through = User.groups.through
    writer = RowWriter([User, through])
    ids: list[int] = []
    for start in range(0, count, BATCH):
        for n in range(start + 1, min(start + BATCH, count) + 1):
            username = f"{prefix}{n:06d}"
            user_id = writer.add(
                User,
                {
                    "username": username,
                    "email": DEMO_EMAIL.format(username=username),
                    "display_name": chinese_name(rng),
                    "password": hashed,
                    "date_joined": now - timedelta(days=rng.uniform(130, 900)),
                },
            )
            writer.add(through, {"user_id": user_id, "group_id": group.pk})
            ids.append(user_id)
        writer.flush()
    writer.finish()
    return ids


def ensure_categories() -> dict[str, Category]:
    categories = {}
    for code, name, overrides in vocab.CATEGORIES:
        categories[code], _created = Category.objects.get_or_create(
            code=code, defaults={"name": name, **overrides}
        )
    return categories


def store_name(rng: random.Random, category: str, taken: set[str]) -> str:
    for _attempt in range(20):
        name = (
            rng.choice(vocab.STORE_PREFIX)
            + rng.choice(vocab.STORE_CORE[category])
            + rng.choice(vocab.STORE_SUFFIX)
        )
        if name not in taken:
            break
    else:
        name = f"{name}{len(taken)}"
    taken.add(name)
    return name


def create_stores(
    users: dict[str, User],
    categories: dict[str, Category],
    per_category: int,
    hashed: str,
    rng: random.Random,
    now: datetime,
) -> list[StoreInfo]:
    """Store 1 and 2 for merchant1 and merchant2, then `per_category` more each."""
    owners = [users["merchant1"].pk, users["merchant2"].pk]
    plan = [(name, code, region) for name, code, region in vocab.KNOWN_STORES]
    taken = {name for name, _c, _r in plan}
    for code, _name, _o in vocab.CATEGORIES:
        for _n in range(per_category):
            region = rng.choice(MAIN_PROVINCES if rng.random() < 0.85 else PROVINCES)
            plan.append((store_name(rng, code, taken), code, region))
    owners += bulk_users(
        "demo_merchant_", len(plan) - 2, Role.MERCHANT, hashed, rng, now
    )
    stores = []
    for index, (owner_id, (name, code, region)) in enumerate(
        zip(owners, plan, strict=True)
    ):
        opened = now - timedelta(days=rng.uniform(200, 1000))
        stores.append(
            Store(
                name=name,
                owner_id=owner_id,
                category=categories[code],
                region=region,
                status=StoreStatus.ACTIVE,
                status_changed_at=opened,
                created_at=opened,
                **return_address_fields(index, region, opened),
            )
        )
    # The demo stores are inserted one by one so store 1 and 2 get the lowest ids.
    for store in stores[:2]:
        store.save()
    Store.objects.bulk_create(stores[2:], batch_size=BATCH)
    _suspend_one(stores[-1], users["supervisor1"])
    return [
        StoreInfo(s.pk, s.category.code, s.owner_id, s.category_id, s.region)
        for s in stores
    ]


def return_address_fields(index: int, region: str, at: datetime) -> dict:
    """A store's return address: the demo stores' own, a plausible one elsewhere.

    Its own random stream, so the rest of the demo world draws what it drew
    before return addresses existed."""
    rng = random.Random(f"return-address-{index}")
    if index < len(vocab.KNOWN_RETURN_ADDRESSES):
        recipient, phone, province, city, district, line = vocab.KNOWN_RETURN_ADDRESSES[
            index
        ]
    else:
        province = region
        city, district = vocab.RETURN_CITIES.get(region, (f"{region}市", ""))
        recipient = chinese_name(rng)
        phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
        line = f"{rng.choice(vocab.RETURN_STREETS)}{rng.randint(1, 999)}号 售后仓"
    return {
        "return_recipient": recipient,
        "return_phone": phone,
        "return_province": province,
        "return_city": city,
        "return_district": district,
        "return_address_line": line,
        "return_address_updated_at": at,
    }


def _suspend_one(store: Store, actor: User) -> None:
    """One store under sanction, so the review history has an entry."""
    reason = "近30天平台介入率远高于类目平均，且存在售假投诉，暂停经营整改。"
    Store.objects.filter(pk=store.pk).update(
        status=StoreStatus.SUSPENDED, status_reason=reason
    )
    StoreReviewLog.objects.create(
        store=store,
        actor=actor,
        action="suspend",
        from_status=StoreStatus.ACTIVE,
        to_status=StoreStatus.SUSPENDED,
        reason=reason,
    )


def publish_rules(author: User, now: datetime) -> dict[str, list[PlatformRule]]:
    """Every rule version; a newer version takes effect later, the old one stays."""
    rows = []
    for code, versions in vocab.RULES:
        for version, (title, text, days_ago, *money) in enumerate(versions, start=1):
            effective = now - timedelta(days=days_ago)
            multiple, minimum = [Decimal(m) for m in money] if money else [None, None]
            rows.append(
                PlatformRule(
                    code=code,
                    version=version,
                    title=title,
                    text=text,
                    effective_from=effective,
                    compensation_multiple=multiple,
                    compensation_minimum=minimum,
                    created_by=author,
                    created_at=effective - timedelta(days=7),
                )
            )
    PlatformRule.objects.bulk_create(rows)
    rules: dict[str, list[PlatformRule]] = {}
    for rule in PlatformRule.objects.filter(code__in=[c for c, _v in vocab.RULES]):
        rules.setdefault(rule.code, []).append(rule)
    return rules


def agents_tools(author: User, rules: dict[str, list[PlatformRule]]) -> None:
    """The agents' macros, canned replies and a reasoning template for each side
    under every rule version: what supervisors keep for the workbench."""
    macros = []
    for name, message, internal, party, what, hours, mediate in vocab.MACROS:
        macro = Macro(
            name=name,
            message=message,
            message_internal=internal,
            evidence_party=party,
            evidence_what=what,
            evidence_hours=hours,
            start_mediation=mediate,
            created_by=author,
        )
        macro.full_clean()
        macros.append(macro)
    Macro.objects.bulk_create(macros, ignore_conflicts=True)  # kept when there
    CannedReply.objects.bulk_create(
        CannedReply(reason=reason, title=title, body=body)
        for reason, title, body in vocab.CANNED_REPLIES
    )
    ReasoningTemplate.objects.bulk_create(
        ReasoningTemplate(rule=rule, title=title, text=text)
        for versions in rules.values()
        for rule in versions
        for title, text in vocab.REASONING_TEMPLATES
    )


def _sample_file(name: str) -> bytes:
    if name.endswith(".pdf"):
        return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    from PIL import Image

    colors = {"1": (200, 80, 80), "2": (80, 140, 200), "3": (230, 200, 120)}
    buffer = io.BytesIO()
    color = colors.get(name[-5], (150, 150, 150))
    Image.new("RGB", (320, 240), color).save(buffer, format="PNG")
    return buffer.getvalue()


def evidence_files() -> list[dict]:
    """The sample files on the media storage (`vocab.EVIDENCE_FILES`), as rows."""
    files = []
    for _kind, name, original, content_type, extension in vocab.EVIDENCE_FILES:
        if default_storage.exists(name):
            with default_storage.open(name) as stored:
                data = stored.read()
        else:
            data = _sample_file(name)
            default_storage.save(name, ContentFile(data))
        files.append(
            {
                "file": name,
                "original_name": original,
                "content_type": content_type,
                "extension": extension,
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    return files


def build_world(
    *, cases: int, password: str, reset: bool, rng: random.Random, now: datetime
) -> World:
    """Everything the cases need, created in the caller's transaction."""
    # One hash for every demo user: hashing is slow and they share the password.
    hashed = make_password(password)
    with explicit_timestamps():
        users = ensure_accounts(hashed, reset=reset)
        categories = ensure_categories()
        policy_version, _scheduled = publish_demo_policies(now)
        per_category = max(2, min(cases // 1500, 200))
        stores = create_stores(users, categories, per_category, hashed, rng, now)
        buyers = bulk_users(
            "demo_buyer_",
            max(40, min(cases // 4, 200_000)),
            Role.BUYER,
            hashed,
            rng,
            now,
        )
        rules = publish_rules(users["supervisor1"], now)
    agents_tools(users["supervisor1"], rules)
    staff = [*vocab.AGENTS, *vocab.SUPERVISORS]
    return World(
        now=now,
        stores=stores,
        buyers=buyers,
        known={name: user.pk for name, user in users.items()},
        roles={users[name].pk: _role_code(users[name]) for name in staff},
        policies={code: policy_for(c) for code, c in categories.items()},
        rules=rules,
        files=evidence_files(),
        policy_version_id=policy_version.pk,
        terms={
            (s.category, s.region): resolve(policy_version, s.category, s.region)
            for s in stores
        },
    )


def _role_code(user: User) -> str:
    """A staff account's role code (every demo staff account has one)."""
    role = role_of(user)
    if role is None:
        raise ValueError(f"{user.username} has no role")
    return role.value
