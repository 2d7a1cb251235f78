"""Loading a directory: files, the ORUK API on a loopback server, the disk cache, and bad input."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from bot.directory import Directory, DirectoryError, loader
from bot.directory.sample_builder import TARGET

SAMPLE = json.loads(TARGET.read_text(encoding="utf-8"))["contents"]
SUMMARY_KEYS = ("id", "name", "description", "url", "email", "status", "assured_date",
                "organization")


class FakeOruk:
    """A tiny ORUK API: paged /services with summaries, full records at /services/{id}."""

    def __init__(self, services: list[dict]) -> None:
        self.services = services
        self.requests: list[str] = []
        self.garbage = False
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's name
                fake.requests.append(self.path)
                url = urlparse(self.path)
                if fake.garbage:
                    return self._send(200, b"<html>not json</html>")
                if url.path == "/api/services":
                    query = parse_qs(url.query)
                    page, size = int(query["page"][0]), 25
                    chunk = fake.services[(page - 1) * size: page * size]
                    pages = -(-len(fake.services) // size)
                    body = {"total_items": len(fake.services), "total_pages": pages,
                            "page_number": page, "size": size, "first_page": page == 1,
                            "last_page": page >= pages, "empty": not chunk,
                            "contents": [{k: s[k] for k in SUMMARY_KEYS if k in s} for s in chunk]}
                    return self._send(200, json.dumps(body).encode())
                ident = url.path.rsplit("/", 1)[-1]
                match = [s for s in fake.services if s["id"] == ident]
                if url.path.startswith("/api/services/") and match:
                    return self._send(200, json.dumps(match[0]).encode())
                return self._send(404, b"{}")

            def _send(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}/api"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def api() -> Iterator[FakeOruk]:
    fake = FakeOruk(SAMPLE)
    fake.thread.start()
    yield fake
    fake.stop()


def test_loads_from_an_oruk_api_and_caches(api: FakeOruk, tmp_path: Path) -> None:
    directory = Directory.load(api.base, cache_dir=tmp_path)
    assert len(directory) == len(SAMPLE) and directory.load_note == "fresh"
    pages = [p for p in api.requests if "?page=" in p]
    page_count = -(-len(SAMPLE) // 25)  # the fake API serves 25 a page
    assert len(pages) == page_count and len(api.requests) == page_count + len(SAMPLE)
    lunch = directory.search(need_areas="nutrition", tier="community", postcode_district="NM6")
    assert lunch[0].name == "Riverside Lunch Club"
    assert len(list(tmp_path.glob("oruk-*.json"))) == 1

    before = len(api.requests)
    again = Directory.load(api.base, cache_dir=tmp_path)
    assert again.load_note == "cached" and len(api.requests) == before
    assert [e.listing.id for e in again.entries] == [e.listing.id for e in directory.entries]


def test_stale_cache_is_used_when_the_api_is_down(api: FakeOruk, tmp_path: Path) -> None:
    Directory.load(api.base, cache_dir=tmp_path)
    api.stop()
    later = Directory.load(api.base, cache_dir=tmp_path, max_age=timedelta(0))
    assert later.load_note == "stale cache" and len(later) == len(SAMPLE)


def test_api_down_without_a_cache_is_a_clean_error(api: FakeOruk, tmp_path: Path) -> None:
    api.stop()
    with pytest.raises(DirectoryError, match="could not reach the directory API"):
        Directory.load(api.base, cache_dir=tmp_path)


def test_api_returning_garbage_is_a_clean_error(api: FakeOruk, tmp_path: Path) -> None:
    api.garbage = True
    with pytest.raises(DirectoryError, match="not valid JSON"):
        Directory.load(api.base, cache_dir=tmp_path)
    assert list(tmp_path.glob("oruk-*.json")) == []


def test_refreshes_when_the_cache_is_old(api: FakeOruk, tmp_path: Path) -> None:
    Directory.load(api.base, cache_dir=tmp_path)
    api.services = SAMPLE[:10]
    fresh = Directory.load(api.base, cache_dir=tmp_path, max_age=timedelta(0))
    assert fresh.load_note == "fresh" and len(fresh) == 10


@pytest.mark.parametrize("address", ["ftp://127.0.0.1/api", "http://", "file:///etc/passwd"])
def test_only_web_addresses_are_fetched(address: str, tmp_path: Path) -> None:
    with pytest.raises(DirectoryError):
        loader.load_api(address, tmp_path)


def _write(tmp_path: Path, content: bytes | str) -> Path:
    path = tmp_path / "directory.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


@pytest.mark.parametrize("content, message", [
    (b"", "not valid JSON"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not valid JSON"),
    ("{\"services\": 3}", "expected a list of services"),
    ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
    ("[]", "no usable services"),
    ("[1, \"two\", null]", "no usable services"),
    ("\u202e[]", "not valid JSON"),
    ("[{\"id\": \"\u202e\U0001f4a5\", \"name\": \"\ufeffx\", \"status\": \"active\"}]",
     "no usable services"),
])
def test_bad_files_are_refused_cleanly(tmp_path: Path, content, message) -> None:  # noqa: ANN001
    with pytest.raises(DirectoryError, match=message):
        Directory.load(_write(tmp_path, content))


def test_missing_and_huge_files_are_refused(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    with pytest.raises(DirectoryError, match="cannot read"):
        Directory.load(tmp_path / "none.json")
    monkeypatch.setattr(loader, "MAX_BYTES", 1000)
    with pytest.raises(DirectoryError, match="too big"):
        Directory.load(_write(tmp_path, json.dumps(SAMPLE[:3])))


def test_invalid_records_are_skipped_and_reported(tmp_path: Path) -> None:
    records = copy.deepcopy(SAMPLE[:5])
    records[1]["status"] = "open-ish"
    records[2]["id"] = "not-a-uuid"
    del records[3]["name"]
    records.append(copy.deepcopy(records[0]))
    directory = Directory.load(_write(tmp_path, json.dumps(records)))
    assert len(directory) == 2
    problems = " ".join(directory.problems)
    assert "'open-ish' is not one of" in problems and "'not-a-uuid' is not a 'uuid'" in problems
    assert "'name' is a required property" in problems and "used twice" in problems
    with pytest.raises(DirectoryError, match="status"):
        Directory.load(_write(tmp_path, json.dumps(records)), strict=True)


def test_a_single_service_and_a_plain_list_both_load(tmp_path: Path) -> None:
    one = Directory.load(_write(tmp_path, json.dumps(SAMPLE[0])))
    assert len(one) == 1
    many = Directory.load(_write(tmp_path, json.dumps(SAMPLE[:4])))
    assert len(many) == 4


def test_unknown_taxonomy_terms_are_ignored_not_guessed(tmp_path: Path) -> None:
    record = copy.deepcopy(SAMPLE[0])
    for attribute in record["attributes"]:
        attribute["taxonomy_term"]["term"] = "something-else"
        attribute["taxonomy_term"]["name"] = "Something else"
        attribute["taxonomy_term"]["id"] = "0b4c9a55-7e4f-4b8e-9d2c-3f1a2b3c4d5e"
    directory = Directory.load(_write(tmp_path, json.dumps([record, SAMPLE[1]])))
    assert [o.name for o in directory.search(limit=10)] == [SAMPLE[1]["name"]]


def test_odd_but_schema_valid_values_do_not_crash(tmp_path: Path) -> None:
    record = copy.deepcopy(next(s for s in SAMPLE if s["name"] == "Eastfield Lunch Club"))
    record["name"] = "Caf\u00e9 \U0001f31f  Club\u202e"
    record["description"] = "x" * 5000
    record["assured_date"] = "yesterday"
    record["schedules"][0].update(opens_at="25:99", closes_at="noonish", byday="XX,??")
    record["cost_options"][0]["amount"] = -5
    location = record["service_at_locations"][0]["location"]
    location.update(latitude=999, longitude=-999)
    location["addresses"][0]["postal_code"] = "\U0001f4ee"
    directory = Directory.load(_write(tmp_path, json.dumps([record])))
    option = directory.search(need_areas="nutrition", postcode_district="NM2")[0]
    assert option.name == "Caf\u00e9 \U0001f31f Club\u202e"
    assert len(option.summary) <= 161 and option.summary.endswith("\u2026")
    assert option.distance_km is None and option.last_checked_note is None
    assert option.open_now is None and option.opening_text == "Ask them when they are open"
    assert option.cost_text == "Ask them about the cost" and not option.is_free


def test_a_council_swaps_in_its_own_directory_by_setting_one_variable(
        tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    from bot.directory import search

    path = _write(tmp_path, json.dumps(SAMPLE[:7]))
    monkeypatch.setenv("WAYFINDER_DIRECTORY", str(path))
    search.default.cache_clear()
    try:
        assert len(search.default()) == 7
    finally:
        search.default.cache_clear()
    monkeypatch.delenv("WAYFINDER_DIRECTORY")
    assert len(search.default()) == len(SAMPLE)
