"""Reads about stores that other apps ask for (the engine, the pages)."""

from __future__ import annotations

from dataclasses import dataclass

from .models import Store

# The return address's columns: what `return_address` reads (a page joining
# the store can load just these with `.only()`) and the merchant's form sets.
RETURN_ADDRESS_FIELDS = (
    "return_recipient",
    "return_phone",
    "return_province",
    "return_city",
    "return_district",
    "return_address_line",
)


@dataclass(frozen=True)
class ReturnAddress:
    """A store's return address (退货地址), complete or not at all."""

    recipient: str
    phone: str
    province: str
    city: str
    district: str
    line: str

    @property
    def one_line(self) -> str:
        """The address as a Chinese parcel label writes it, in one line."""
        place = "".join(p for p in (self.province, self.city, self.district) if p)
        return f"{place}{self.line}"

    def __str__(self) -> str:
        return f"{self.recipient} {self.phone} {self.one_line}"


def return_address(store: Store) -> ReturnAddress | None:
    """The store's return address, or None while the merchant has not set one.

    No query: it reads the fields already on `store`.
    """
    if not has_return_address(store):
        return None
    return ReturnAddress(
        recipient=store.return_recipient,
        phone=store.return_phone,
        province=store.return_province,
        city=store.return_city,
        district=store.return_district,
        line=store.return_address_line,
    )


def has_return_address(store: Store) -> bool:
    """Whether every required part of the return address is filled in."""
    return all(
        (
            store.return_recipient,
            store.return_phone,
            store.return_province,
            store.return_city,
            store.return_address_line,
        )
    )
