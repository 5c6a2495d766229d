"""A small client for Kolada's API, version 3 (``ETABLERA_KOLADA_URL``, default the real one).

What Kolada's documentation says and this client relies on:

* KPI metadata: ``kpi/{ids}`` and ``kpi?title=…``; values:
  ``data/kpi/{kpis}/municipality/{municipalities}/year/{years}``; municipality groups:
  ``municipality_groups`` (each with its ``members``); municipalities: ``municipality``.
* Every answer is ``{"values": [...], "count": N, "next_url": ...}`` with at most 5000 rows; the
  client follows ``next_url`` until it is empty.
* A path segment takes at most 25 comma-separated ids: larger requests are split, and for
  values every combination of the split parts is asked for.
* 429 and 5xx answers are retried with exponential backoff, waiting what ``Retry-After`` says
  when it says something; timeouts and broken connections are retried the same way.

Every failure becomes a :class:`KoladaError` whose text can be shown as it is: the caller never
sees an httpx exception or a half-read answer. The client only reads; it stores nothing.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

import httpx
from django.conf import settings
from django.utils.translation import gettext as _

#: Kolada refuses more ids than this in one path segment.
MAX_IDS = 25
#: The longest wait a ``Retry-After`` may ask for; a longer one is cut to this.
MAX_RETRY_AFTER = 60.0


class KoladaError(Exception):
    """A failure to show as one clear line (the text is for the user)."""


class KoladaUnavailable(KoladaError):
    """Kolada could not be reached or kept failing (network, timeout, 429/5xx)."""


class KoladaResponseError(KoladaError):
    """Kolada answered with something that is not the documented v3 shape."""


def chunks(ids: Sequence[str], size: int = MAX_IDS) -> list[list[str]]:
    """``ids`` cut into lists of at most ``size`` (Kolada's limit per path segment)."""
    items = list(dict.fromkeys(ids))
    return [items[i : i + size] for i in range(0, len(items), size)]


def _number(raw: Any, what: str) -> Decimal | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise KoladaResponseError(_("Kolada svarade med ett värde som inte är ett tal: %s") % what)
    try:
        number = Decimal(str(raw))
    except InvalidOperation:
        raise KoladaResponseError(
            _("Kolada svarade med ett värde som inte är ett tal: %s") % what
        ) from None
    if not number.is_finite():
        raise KoladaResponseError(_("Kolada svarade med ett värde som inte är ett tal: %s") % what)
    return number


def parse_data_row(row: Any) -> dict[str, Any]:
    """One data row checked and normalised: ``{"kpi", "municipality", "year", "deleted",
    "values": [{"gender", "value", "count", "status", "deleted"}]}``.

    Raises :class:`KoladaResponseError` for anything that is not the documented shape, so a
    malformed answer is refused before anything is stored.
    """
    if not isinstance(row, dict):
        raise KoladaResponseError(_("Kolada svarade med en rad som inte är ett objekt."))
    kpi, municipality, period = row.get("kpi"), row.get("municipality"), row.get("period")
    if not isinstance(kpi, str) or not kpi:
        raise KoladaResponseError(_("Kolada svarade med en rad utan nyckeltal."))
    if not (isinstance(municipality, str) and len(municipality) == 4 and municipality.isdigit()):
        raise KoladaResponseError(
            _("Kolada svarade med en ogiltig kommunkod: %s") % str(municipality)[:20]
        )
    try:
        year = int(str(period))
    except ValueError:
        raise KoladaResponseError(
            _("Kolada svarade med en ogiltig period: %s") % str(period)[:20]
        ) from None
    if not 1900 <= year <= 2200:
        raise KoladaResponseError(_("Kolada svarade med en ogiltig period: %s") % year)
    raw_values = row.get("values")
    if not isinstance(raw_values, list):
        raise KoladaResponseError(_("Kolada svarade med en rad utan värden."))
    values = []
    for item in raw_values:
        if not isinstance(item, dict) or item.get("gender") not in ("T", "K", "M"):
            raise KoladaResponseError(_("Kolada svarade med ett värde utan giltigt kön."))
        count = item.get("count")
        if count is not None and (isinstance(count, bool) or not isinstance(count, int)):
            raise KoladaResponseError(_("Kolada svarade med ett antal som inte är ett heltal."))
        status = item.get("status")
        values.append(
            {
                "gender": item["gender"],
                "value": _number(item.get("value"), f"{kpi} {municipality} {year}"),
                "count": count,
                "status": str(status)[:40] if status not in (None, "") else "",
                "deleted": bool(item.get("isdeleted")),
            }
        )
    return {
        "kpi": kpi,
        "municipality": municipality,
        "year": year,
        "deleted": bool(row.get("isdeleted")),
        "values": values,
    }


class KoladaClient:
    """Reads Kolada's v3 API. ``transport`` and ``sleep`` are for tests."""

    def __init__(
        self,
        base_url: str | None = None,
        *,
        timeout: float = 20.0,
        attempts: int = 3,
        backoff: float = 1.0,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], Any] = time.sleep,
    ) -> None:
        self.base_url = (base_url or settings.ETABLERA_KOLADA_URL).rstrip("/") + "/"
        self.attempts = max(1, attempts)
        self.backoff = backoff
        self.sleep = sleep
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 10.0)),
            transport=transport,
            headers={"Accept": "application/json", "User-Agent": "Etablera"},
            follow_redirects=True,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> KoladaClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- transport --------------------------------------------------------------------------

    def _wait(self, attempt: int, response: httpx.Response | None) -> float:
        if response is not None:
            header = response.headers.get("Retry-After", "").strip()
            if header:
                try:
                    return min(max(float(header), 0.0), MAX_RETRY_AFTER)
                except ValueError:
                    pass  # an HTTP date: fall back to the backoff
        return self.backoff * (2**attempt)

    def get_json(self, url: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """One answer as JSON, retried on 429, 5xx, timeouts and broken connections."""
        if not url.startswith(("http://", "https://")):
            url = self.base_url + url.lstrip("/")
        last = ""
        for attempt in range(self.attempts):
            response = None
            try:
                response = self._http.get(url, params=params)
            except httpx.TimeoutException:
                last = _("Kolada svarade inte i tid.")
            except httpx.TransportError as exc:
                last = _("Kan inte nå Kolada (%(url)s): %(error)s.") % {
                    "url": self.base_url,
                    "error": exc.__class__.__name__,
                }
            else:
                if response.status_code == 429 or response.status_code >= 500:
                    last = _("Kolada svarade med HTTP %(status)s.") % {
                        "status": response.status_code
                    }
                elif response.status_code >= 400:
                    raise KoladaResponseError(
                        _("Kolada svarade med HTTP %(status)s för %(url)s.")
                        % {"status": response.status_code, "url": url}
                    )
                else:
                    try:
                        data = response.json()
                    except ValueError:
                        raise KoladaResponseError(
                            _("Kolada svarade med något som inte är JSON.")
                        ) from None
                    if not isinstance(data, dict) or not isinstance(data.get("values"), list):
                        raise KoladaResponseError(
                            _("Kolada svarade utan listan ”values”: svaret har inte v3-formen.")
                        )
                    next_url = data.get("next_url")
                    if next_url is not None and not isinstance(next_url, str):
                        raise KoladaResponseError(_("Kolada svarade med en ogiltig next_url."))
                    return data
            if attempt + 1 < self.attempts:
                self.sleep(self._wait(attempt, response))
        raise KoladaUnavailable(
            _("%(reason)s Gav upp efter %(n)s försök.") % {"reason": last, "n": self.attempts}
        )

    def paged(self, path: str, params: dict[str, Any] | None = None) -> Iterator[dict]:
        """Every row of every page, following ``next_url`` until it is empty."""
        url: str | None = path
        seen: set[str] = set()
        while url:
            data = self.get_json(url, params)
            params = None  # next_url carries its own query
            yield from data["values"]
            url = data.get("next_url") or None
            if url in seen:
                raise KoladaResponseError(_("Kolada pekade på samma sida igen (next_url)."))
            if url:
                seen.add(url)

    # --- endpoints --------------------------------------------------------------------------

    def kpis(self, ids: Iterable[str]) -> list[dict[str, Any]]:
        """Metadata of the KPIs ``ids`` (an unknown id is simply absent from the answer)."""
        rows: list[dict[str, Any]] = []
        for part in chunks(list(ids)):
            rows.extend(self.paged("kpi/" + ",".join(part)))
        for row in rows:
            if not isinstance(row, dict) or not isinstance(row.get("id"), str):
                raise KoladaResponseError(_("Kolada svarade med ett nyckeltal utan id."))
            if not isinstance(row.get("title"), str):
                raise KoladaResponseError(_("Kolada svarade med ett nyckeltal utan titel."))
        return rows

    def search_kpis(self, title: str) -> list[dict[str, Any]]:
        return [r for r in self.paged("kpi", {"title": title}) if isinstance(r, dict)]

    def data(
        self, kpis: Sequence[str], municipalities: Sequence[str], years: Sequence[int]
    ) -> Iterator[dict[str, Any]]:
        """Checked data rows (see :func:`parse_data_row`) for every combination asked for."""
        year_ids = [str(y) for y in years]
        for k, m, y in itertools.product(chunks(kpis), chunks(municipalities), chunks(year_ids)):
            path = f"data/kpi/{','.join(k)}/municipality/{','.join(m)}/year/{','.join(y)}"
            for row in self.paged(path):
                yield parse_data_row(row)

    def municipality_groups(self, title: str | None = None) -> list[dict[str, Any]]:
        """Kolada's municipality groups: ``{"id", "title", "members": [{"id", "title"}]}``."""
        params = {"title": title} if title else None
        groups = []
        for row in self.paged("municipality_groups", params):
            if not isinstance(row, dict) or "id" not in row or "title" not in row:
                raise KoladaResponseError(
                    _("Kolada svarade med en kommungrupp utan id eller namn.")
                )
            members = []
            for member in row.get("members") or []:
                if not isinstance(member, dict):
                    raise KoladaResponseError(_("Kolada svarade med en ogiltig gruppmedlem."))
                code = str(member.get("id", member.get("member_id", "")))
                name = str(member.get("title", member.get("member_title", "")))
                if len(code) == 4 and code.isdigit():
                    members.append({"id": code, "title": name})
            groups.append({"id": str(row["id"]), "title": str(row["title"]), "members": members})
        return groups
