"""Reads Open Referral UK services from a JSON file or an ORUK API base URL (cached on disk)."""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from bot.directory.config import PROJECT_ROOT
from bot.directory.errors import DirectoryError

MAX_BYTES = 50_000_000
MAX_PAGES = 200
MAX_SERVICES = 20_000
PER_PAGE = 100
TIMEOUT_S = 15
DEFAULT_CACHE_DIR = PROJECT_ROOT / "data" / "local" / "oruk_cache"
Fetch = Callable[[str], bytes]


def _decode(raw: bytes, where: str) -> Any:
    if len(raw) > MAX_BYTES:
        raise DirectoryError(f"{where}: too big to be a directory")
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise DirectoryError(f"{where}: not valid JSON") from exc


def services_in(document: Any, where: str) -> list[Any]:
    """The service records in a list, a paged response ('contents') or a single service."""
    if isinstance(document, list):
        items = document
    elif isinstance(document, dict) and isinstance(document.get("contents"), list):
        items = document["contents"]
    elif isinstance(document, dict) and "id" in document and "name" in document:
        items = [document]
    else:
        raise DirectoryError(f"{where}: expected a list of services or a paged ORUK response")
    if len(items) > MAX_SERVICES:
        raise DirectoryError(f"{where}: more than {MAX_SERVICES} services")
    return items


def read_file(path: Path) -> list[Any]:
    """Services from an ORUK JSON file."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise DirectoryError(f"{path.name}: too big to be a directory")
        raw = path.read_bytes()
    except OSError as exc:
        raise DirectoryError(f"{path.name}: cannot read it ({exc.__class__.__name__})") from exc
    return services_in(_decode(raw, path.name), path.name)


def http_fetch(url: str) -> bytes:
    """GET a URL and return at most MAX_BYTES + 1 bytes."""
    request = urllib.request.Request(url, headers={"Accept": "application/json",
                                                   "User-Agent": "Wayfinder directory loader"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310
        return response.read(MAX_BYTES + 1)


def _is_full(item: Any) -> bool:
    return isinstance(item, dict) and any(
        key in item for key in ("service_at_locations", "attributes", "schedules", "contacts"))


def fetch_api(base_url: str, fetch: Fetch = http_fetch) -> list[Any]:
    """Every service from an ORUK API: pages of /services, then /services/{id} when not nested."""
    base = base_url.rstrip("/")
    services: list[Any] = []
    page, total_pages = 1, 1
    while page <= min(total_pages, MAX_PAGES):
        url = f"{base}/services?page={page}&per_page={PER_PAGE}"
        document = _decode(fetch(url), "the directory API")
        items = services_in(document, "the directory API")
        for item in items:
            if _is_full(item) or not isinstance(item, dict) or not isinstance(item.get("id"), str):
                services.append(item)
                continue
            ident = urllib.parse.quote(item["id"], safe="")
            services.append(_decode(fetch(f"{base}/services/{ident}"), "the directory API"))
        if len(services) > MAX_SERVICES:
            raise DirectoryError(f"the directory API: more than {MAX_SERVICES} services")
        pages = document.get("total_pages") if isinstance(document, dict) else None
        total_pages = pages if isinstance(pages, int) and pages > 0 else 1
        if not items or (isinstance(document, dict) and document.get("last_page") is True):
            break
        page += 1
    return services


def _cache_path(cache_dir: Path, base_url: str) -> Path:
    digest = hashlib.sha256(base_url.rstrip("/").encode("utf-8")).hexdigest()[:20]
    return cache_dir / f"oruk-{digest}.json"


def _read_cache(path: Path) -> tuple[datetime, list[Any]] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        fetched = datetime.fromisoformat(data["fetched_at"])
        return fetched, list(data["services"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_cache(path: Path, base_url: str, services: list[Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"source": base_url, "fetched_at": datetime.now(timezone.utc).isoformat(),
               "services": services}
    handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(payload, out)
    os.replace(tmp, path)


def load_api(base_url: str, cache_dir: Path | None = None, max_age: timedelta = timedelta(hours=24),
             fetch: Fetch = http_fetch) -> tuple[list[Any], str]:
    """Services from the API, or from the disk cache when it is fresh or the API is down.

    Returns the services and a note: 'fresh', 'cached' or 'stale cache'.
    """
    parsed = urllib.parse.urlparse(base_url)
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise DirectoryError("the directory address must start with http:// or https://")
    path = _cache_path(cache_dir or DEFAULT_CACHE_DIR, base_url)
    cached = _read_cache(path)
    now = datetime.now(timezone.utc)
    if cached and now - cached[0] < max_age:
        return cached[1], "cached"
    try:
        services = fetch_api(base_url, fetch)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        if cached:
            return cached[1], "stale cache"
        if isinstance(exc, DirectoryError):
            raise
        raise DirectoryError("could not reach the directory API, and there is no saved copy") \
            from exc
    _write_cache(path, base_url, services)
    return services, "fresh"
