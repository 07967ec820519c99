"""CSV downloads of report tables: streamed, UTF-8 with a BOM, formula-safe."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date

from django.http import StreamingHttpResponse

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class _Echo:
    """A file-like object whose write() hands the line back (for streaming)."""

    def write(self, value: str) -> str:
        return value


def cell(value) -> object:
    """A value as a spreadsheet should see it: text never runs as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(
    name: str, header: Iterable[str], rows: Iterable[Iterable]
) -> StreamingHttpResponse:
    """Stream `rows` under `header` as `name`-YYYYMMDD.csv."""
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"  # Excel opens UTF-8 Chinese correctly with a BOM
        yield writer.writerow([cell(h) for h in header])
        for row in rows:
            yield writer.writerow([cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    filename = f"{name}-{date.today():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
