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


# -- Every user-visible string in a template is marked for translation --------

TEMPLATES = ROOT / "templates"
# Blocks whose content is translated as a whole, or is not text at all.
SKIPPED_BLOCKS = re.compile(
    r"{%\s*blocktranslate.*?{%\s*endblocktranslate\s*%}"
    r"|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}"
    r"|{%\s*block\s+(?:bodyclass|coltype)\s*%}.*?{%\s*endblock\s*%}"
    r"|<kbd\b.*?</kbd>"  # keyboard keys are keys in every language
    r"|<code\b.*?</code>|<span class=\"code\">.*?</span>"  # and code is code
    r"|<script\b.*?</script>|<style\b.*?</style>|<!--.*?-->",
    re.S,
)
TEMPLATE_CODE = re.compile(r"{%.*?%}|{{.*?}}|{#.*?#}", re.S)
VISIBLE_ATTRS = re.compile(
    r"""\b(?:placeholder|title|alt|aria-label|data-confirm)\s*=\s*"([^"]*)\"""", re.S
)
TAG = re.compile(r"<[^>]*>", re.S)
ENTITY = re.compile(r"&[#\w]+;")
# Words a page may show untranslated: names of languages in their own script
# (the language switch), units, and codes people type.
ALLOWED = {"English", "MB", "ID", "CSV", "API", "v", "x", "h", "¥"}
OWN_SCRIPT = re.compile(r"简体中文")
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def raw_text(source: str) -> list[str]:
    """Text a reader would see that is not inside a translate tag."""
    source = SKIPPED_BLOCKS.sub(" ", source)
    attrs = [TEMPLATE_CODE.sub(" ", value) for value in VISIBLE_ATTRS.findall(source)]
    text = TAG.sub("\n", TEMPLATE_CODE.sub(" ", source))
    chunks = [
        OWN_SCRIPT.sub(" ", ENTITY.sub(" ", chunk))
        for chunk in [*text.split("\n"), *attrs]
    ]
    found = []
    for chunk in chunks:
        words = [w for w in WORD.findall(chunk) if w not in ALLOWED]
        if words or re.search(r"[\u4e00-\u9fff]", chunk):
            found.append(chunk.strip())
    return found


def template_files() -> list[Path]:
    """The project's templates and those inside its apps (e-mails too)."""
    app_templates = [ROOT / app / "templates" for app in APPS]
    folders = [TEMPLATES, *(folder for folder in app_templates if folder.exists())]
    return sorted(
        path
        for folder in folders
        for ext in ("html", "txt")
        for path in folder.rglob(f"*.{ext}")
    )


def test_the_checker_finds_raw_text():
    sample = (
        '{% load i18n %}<h1>{% translate "Case" %}</h1><p>Withdrawn</p>'
        '<input placeholder="Search">'
        "{% blocktranslate %}Fine {{ x }}{% endblocktranslate %}"
        "<span>{{ case.number }} · 协商</span>"
    )
    assert raw_text(sample) == ["Withdrawn", "· 协商", "Search"]


# Copies of third-party developer pages (DRF's browsable API, kept in step with
# its upstream template for the CSP): not pages buyers or merchants read.
DEVELOPER_PAGES = {"templates/rest_framework/api.html"}


def test_templates_mark_every_visible_string_for_translation():
    raw = {
        where: found
        for path in template_files()
        if (where := str(path.relative_to(ROOT))) not in DEVELOPER_PAGES
        and (found := raw_text(path.read_text(encoding="utf-8")))
    }
    assert raw == {}


# -- Every marked string is in the zh-hans catalogue --------------------------

# The project's own packages: every top-level folder with an apps.py, and config.
APPS = sorted({p.parent.name for p in ROOT.glob("*/apps.py")} | {"config", "core"})
GETTEXT_NAMES = {"_", "gettext", "gettext_lazy", "_lazy", "gettext_noop"}
TRANSLATE_TAG = re.compile(r"""{%\s*(?:translate|trans)\s+(["'])(.*?)\1""", re.S)
BLOCK_TAG = re.compile(
    r"{%\s*blocktrans(?:late)?\b([^%]*)%}(.*?){%\s*endblocktrans(?:late)?\s*%}", re.S
)
BLOCK_VAR = re.compile(r"{{\s*(\w+)\s*}}")
PLURAL_TAG = re.compile(r"{%\s*plural\s*%}")


def python_msgids() -> dict[str, str]:
    found = {}
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id in GETTEXT_NAMES
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    found[node.args[0].value] = (
                        f"{path.relative_to(ROOT)}:{node.lineno}"
                    )
    return found


def template_msgids() -> dict[str, str]:
    found = {}
    for path in template_files():
        source = path.read_text(encoding="utf-8")
        where = str(path.relative_to(ROOT))
        for _quote, text in TRANSLATE_TAG.findall(source):
            found[text] = where
        for options, body in BLOCK_TAG.findall(source):
            # A counted block's msgid is its singular; the plural rides with it.
            body = PLURAL_TAG.split(body)[0]
            text = body.replace("%", "%%")
            text = BLOCK_VAR.sub(lambda m: f"%({m.group(1)})s", text)
            if "trimmed" in options:
                text = " ".join(line.strip() for line in text.strip().splitlines())
            found[text] = where
    return found


def test_every_marked_string_is_in_the_catalogue():
    known = {e["msgid"] for e in messages()}
    missing = {
        msgid: where
        for msgid, where in {**python_msgids(), **template_msgids()}.items()
        if msgid not in known
    }
    assert missing == {}
