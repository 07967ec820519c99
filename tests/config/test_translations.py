"""The Simplified Chinese catalogue is complete, compiled, and used by the pages."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.utils import translation

from disputes.choices import State

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")
KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (\".*\")$")


def po_entries(path: Path) -> list[dict[str, str]]:
    """A small .po reader: one dict per entry, keyed by msgctxt/msgid/msgstr…"""
    entries: list[dict[str, str]] = []
    entry: dict[str, str] = {}
    field = None
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            if entry:
                entries.append(entry)
            entry, field = {}, None
            continue
        if line.startswith("#"):
            if "fuzzy" in line and line.startswith("#,"):
                entry["fuzzy"] = "yes"
            continue
        keyword = KEYWORD.match(line)
        if keyword:
            field = keyword.group(1)
            entry[field] = ast.literal_eval(keyword.group(2))
        elif line.startswith('"') and field:
            entry[field] += ast.literal_eval(line)
    if entry:
        entries.append(entry)
    return entries


def translated(entry: dict[str, str]) -> str:
    return entry.get("msgstr", entry.get("msgstr[0]", ""))


def messages() -> list[dict[str, str]]:
    return [e for e in po_entries(MESSAGES / "django.po") if e.get("msgid")]


def test_state_labels_are_chinese():
    with translation.override("zh-hans"):
        assert State.NEGOTIATION.label == "协商"


def test_every_message_is_translated_and_not_fuzzy():
    entries = messages()
    assert len(entries) > 100
    untranslated = [e["msgid"] for e in entries if not translated(e)]
    fuzzy = [e["msgid"] for e in po_entries(MESSAGES / "django.po") if e.get("fuzzy")]
    assert untranslated == []
    assert fuzzy == []


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_placeholders_are_kept():
    wrong = [
        (e["msgid"], translated(e))
        for e in messages()
        if placeholders(e["msgid"]) != placeholders(translated(e))
    ]
    assert wrong == []


def test_compiled_catalogue_matches_the_po_file():
    with open(MESSAGES / "django.mo", "rb") as mo:
        catalog = gettext.GNUTranslations(mo)._catalog
    stale = []
    for e in messages():
        key = e["msgid"] if "msgctxt" not in e else f"{e['msgctxt']}\x04{e['msgid']}"
        if "msgid_plural" in e:
            key = (key, 0)
        if catalog.get(key) != translated(e):
            stale.append(e["msgid"])
    assert stale == []


@pytest.mark.django_db
def test_login_page_is_in_chinese(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert "登录" in response.content.decode()


@pytest.mark.django_db
def test_login_page_is_in_english_on_request(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Sign in" in response.content.decode()
