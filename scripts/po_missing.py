"""Print the messages the code uses that the zh-hans catalogue lacks.

    .venv/bin/python scripts/po_missing.py            # the missing entries, as .po
    .venv/bin/python scripts/po_missing.py --unused   # entries nothing uses any more

`makemessages` runs on a copy of the tree, so the committed catalogue keeps its
order: translate the printed entries and append them to
locale/zh_Hans/LC_MESSAGES/django.po, then `manage.py compilemessages`.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# makemessages for the Chinese catalogue, without source locations (they churn).
MAKEMESSAGES = ["-l", "zh_Hans", "--no-location", "-v0"]
KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (\".*\")$")


def entries(path: Path) -> list[dict[str, str]]:
    found, entry, field = [], {}, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line:
            if entry.get("msgid"):
                found.append(entry)
            entry, field = {}, None
        elif line.startswith("#,"):
            entry["flags"] = line
        elif match := KEYWORD.match(line):
            field = match.group(1)
            entry[field] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and field:
            entry[field] += ast.literal_eval(line)
    return found


def key(entry: dict[str, str]) -> tuple[str, str]:
    return entry.get("msgctxt", ""), entry["msgid"]


def quote(text: str) -> str:
    return (
        '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'
    )


def extract() -> list[dict[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        files = subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        for name in files:
            if name.startswith("locale/") or not (ROOT / name).is_file():
                continue
            target = Path(tmp) / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target)
        (Path(tmp) / "locale").mkdir()
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", *MAKEMESSAGES],
            cwd=tmp,
            check=True,
        )
        return entries(Path(tmp) / "locale/zh_Hans/LC_MESSAGES/django.po")


def main() -> int:
    have = {key(e) for e in entries(CATALOGUE)}
    used = extract()
    if "--unused" in sys.argv:
        wanted = {key(e) for e in used}
        for ctxt, msgid in sorted(have - wanted):
            print(f"{ctxt + ' | ' if ctxt else ''}{msgid}")
        return 0
    for e in used:
        if key(e) in have:
            continue
        if "python-format" in e.get("flags", ""):
            print("#, python-format")
        if "msgctxt" in e:
            print(f"msgctxt {quote(e['msgctxt'])}")
        print(f"msgid {quote(e['msgid'])}")
        if "msgid_plural" in e:
            print(f"msgid_plural {quote(e['msgid_plural'])}")
            print('msgstr[0] ""\n')
        else:
            print('msgstr ""\n')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
