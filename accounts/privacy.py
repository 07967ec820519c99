"""How a buyer's name reads to others: merchants see 张** (as Taobao shows
buyers to sellers), the buyer and platform staff the name itself.

`buyer_name_for` is the one rule; every channel a merchant receives asks it:
the parties' pages, the case API and webhooks through `disputes.disclosure`
(which re-exports it), mail, and the orders API here below the case engine.
"""

from __future__ import annotations

from core.roles import is_staff_role

# Two-character surnames keep both characters (欧阳娜娜 → 欧阳**).
COMPOUND_SURNAMES = (
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容",
    "长孙", "宇文", "司徒", "夏侯", "轩辕", "令狐", "钟离", "端木", "独孤",
    "南宫", "西门", "澹台", "申屠", "太史", "闻人", "万俟", "百里", "呼延",
)  # fmt: skip
MASK = "**"


def masked_name(name: str) -> str:
    """张小梅 → 张**, 欧阳娜娜 → 欧阳**, Alice Wang → A**: the surname (for a
    latin name its first letter), then two asterisks whatever the length."""
    name = name.strip()
    if not name:
        return MASK
    for surname in COMPOUND_SURNAMES:
        if name.startswith(surname) and len(name) > len(surname):
            return surname + MASK
    return name[0] + MASK


def reads_buyer_in_full(buyer, reader) -> bool:
    """The buyer themselves and platform staff read the name; nobody else."""
    if reader is None or not getattr(reader, "is_authenticated", False):
        return False
    return reader.pk == buyer.pk or is_staff_role(reader)


def buyer_name_for(buyer, reader, *, login: bool = False) -> str:
    """The buyer as `reader` may read them: in full (the display name, or the
    login where an API names users by login) or masked for merchants (张**)."""
    if reads_buyer_in_full(buyer, reader):
        return buyer.username if login else str(buyer)
    return masked_name(str(buyer))
