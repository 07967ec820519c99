"""The carriers a parcel of a case may travel with, and their tracking-number
formats (pure: no carrier is called from here; a tracking aggregator reports
through `POST /api/v1/logistics/events/`).

The formats are the public shapes of each carrier's waybill numbers, loose
enough to accept every real number seen in 2024–2026 and strict enough to
catch a number typed into the wrong carrier or a phone number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Carrier(models.TextChoices):
    SF = "SF", _("SF Express (顺丰)")
    ZTO = "ZTO", _("ZTO Express (中通)")
    YTO = "YTO", _("YTO Express (圆通)")
    YD = "YD", _("Yunda Express (韵达)")
    STO = "STO", _("STO Express (申通)")
    JD = "JD", _("JD Logistics (京东)")
    EMS = "EMS", _("China Post EMS (邮政)")
    JT = "JT", _("J&T Express (极兔)")


@dataclass(frozen=True)
class CarrierFormat:
    code: str
    pattern: re.Pattern[str]
    example: str


def _f(code: Carrier, pattern: str, example: str) -> tuple[str, CarrierFormat]:
    return code.value, CarrierFormat(code.value, re.compile(pattern), example)


FORMATS: dict[str, CarrierFormat] = dict(
    [
        _f(Carrier.SF, r"^SF\d{12,13}$", "SF1234567890123"),
        _f(Carrier.ZTO, r"^(7[35]|78)\d{10,13}$", "75123456789012"),
        _f(Carrier.YTO, r"^YT\d{13,15}$", "YT1234567890123"),
        _f(Carrier.YD, r"^(3[0-9]|4[0-6])\d{11,13}$", "4312345678901"),
        _f(Carrier.STO, r"^(77|88|55|66)\d{10,13}$", "773123456789012"),
        _f(Carrier.JD, r"^JD[A-Z0-9]{11,16}$", "JDVA12345678901"),
        _f(Carrier.EMS, r"^([A-Z]{2}\d{9}CN|1\d{12})$", "EA123456789CN"),
        _f(Carrier.JT, r"^JT\d{13}$", "JT1234567890123"),
    ]
)


def normalize_tracking_number(number: str) -> str:
    """A tracking number as carriers print it: no spaces or dashes, upper case."""
    return re.sub(r"[\s\-]", "", number or "").upper()


def tracking_number_valid(carrier: str, number: str) -> bool:
    """Whether `number` (normalized) has the shape of `carrier`'s waybills."""
    spec = FORMATS.get(carrier)
    return spec is not None and bool(spec.pattern.match(number))


def tracking_number_refusal(carrier: str, number: str) -> str | None:
    """Why (`carrier`, `number`) is not a waybill, or None when it may be one."""
    if carrier not in FORMATS:
        return str(_("Choose a carrier from the list."))
    if not tracking_number_valid(carrier, normalize_tracking_number(number)):
        return str(
            _("This is not a %(carrier)s tracking number (for example %(example)s).")
            % {"carrier": Carrier(carrier).label, "example": FORMATS[carrier].example}
        )
    return None


def carrier_list() -> list[dict[str, str]]:
    """Every carrier: code, name, the number's pattern and an example."""
    return [
        {
            "code": code,
            "name": str(Carrier(code).label),
            "pattern": spec.pattern.pattern,
            "example": spec.example,
        }
        for code, spec in FORMATS.items()
    ]
