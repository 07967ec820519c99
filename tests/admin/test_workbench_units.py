"""Small workbench helpers: countdown wording follows the reader's language."""

from django.utils import translation

from core import countdown


def test_countdown_formats_are_translated_templates():
    with translation.override("en"):
        formats = countdown.countdown_formats()
    assert formats["left"] == "{span} left"
    assert formats["hm"] == "{h}h {m}min"
    with translation.override("zh-hans"):
        chinese = countdown.countdown_formats()
    assert "{span}" in chinese["overdue"] and chinese["overdue"] != formats["overdue"]
    assert all("{" in pattern for pattern in chinese.values())
