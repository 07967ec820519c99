"""FAST PATH: the API's JSON renderer, DRF's bytes written by orjson.

Re-implements DRF 3.18's `JSONRenderer.render` for compact UTF-8 output.
The bytes are DRF's: the same compact separators and UTF-8 text, and every
value orjson does not write the same way itself (dates and times, Decimals,
lazy translations, anything else) goes through DRF's own encoder. A request
for indented JSON, or a value orjson refuses (an integer beyond 64 bits),
is rendered by DRF's renderer as before (so is everything when the
settings ask for ASCII or spaced JSON).

Measured gain: 14 ms of CPU on a by-store report summary of 1,202 rows of
27 figures (25.5 ms with DRF's renderer, 11.3 ms with this), `bench/fastpaths.py`;
at a million cases it took that API call from 122 to 90-93 ms, under the
100 ms target (docs/performance.md, "The summary by store under 100 ms").
Under 1 ms on a page of 50 cases.

On a DRF or orjson upgrade check (tests/core/test_fastpath_versions.py stops
the suite on a new minor version until WRITTEN_FOR is raised):
- `tests/api/test_renderer.py` still passes (byte-for-byte with DRF's
  renderer on every kind of value);
- DRF's `JSONRenderer` still escapes U+2028 and U+2029, decides indentation
  in `get_indent`, and reads `ensure_ascii`, `compact` and `encoder_class`;
- orjson's options (`OPT_NON_STR_KEYS`, `OPT_PASSTHROUGH_DATETIME`,
  `OPT_PASSTHROUGH_DATACLASS`) and `JSONEncodeError` are unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from rest_framework.renderers import JSONRenderer as DRFJSONRenderer

# The framework versions this was written against and checked with.
WRITTEN_FOR: dict[str, tuple[int, ...]] = {
    "djangorestframework": (3, 18),
    "orjson": (3,),
}

_OPTIONS = (
    orjson.OPT_NON_STR_KEYS  # {1: …} as {"1": …}, like json
    | orjson.OPT_PASSTHROUGH_DATETIME  # DRF's format ("Z" for UTC)
    | orjson.OPT_PASSTHROUGH_DATACLASS  # DRF refuses them; so do we
)
_LINE_SEPARATOR = "\u2028".encode()
_PARAGRAPH_SEPARATOR = "\u2029".encode()


class JSONRenderer(DRFJSONRenderer):
    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        if data is None:
            return b""
        indent = self.get_indent(accepted_media_type or "", renderer_context or {})
        if indent or self.ensure_ascii or not self.compact:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            out = orjson.dumps(
                data, default=self.encoder_class().default, option=_OPTIONS
            )
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        # DRF escapes the two line separators JavaScript strings cannot hold.
        if _LINE_SEPARATOR in out or _PARAGRAPH_SEPARATOR in out:
            out = out.replace(_LINE_SEPARATOR, b"\\u2028")
            out = out.replace(_PARAGRAPH_SEPARATOR, b"\\u2029")
        return out
