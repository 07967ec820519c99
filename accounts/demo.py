"""The demo's named accounts and their password.

`seed_demo` (the `demo` app) creates them; the sign-in page lists them when
DEBUG is on. They live here, below both, so neither reaches up for them.
"""

DEFAULT_PASSWORD = "demo-pass-2026"

# Username, role, display name.
KNOWN_ACCOUNTS: list[tuple[str, str, str]] = [
    ("buyer1", "buyer", "张小梅"),
    ("buyer2", "buyer", "李晓东"),
    ("merchant1", "merchant", "周老板（潮流前线）"),
    ("merchant2", "merchant", "陈店长（花漾美妆）"),
    ("agent1", "agent", "客服·王静"),
    ("agent2", "agent", "客服·刘洋"),
    ("supervisor1", "supervisor", "主管·赵敏"),
    ("supervisor2", "supervisor", "主管·郑军"),
    ("manager1", "manager", "运营经理·孙强"),
]
