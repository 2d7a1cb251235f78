"""A tiny cookie-keeping HTTP client for the console tests (no redirects followed)."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003
        return None


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    set_cookies: list[str]
    body: str

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Browser:
    base: str
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, form: dict | list | None = None,
                body: dict | None = None, headers: dict | None = None) -> Reply:
        data, sent = None, dict(headers or {})
        if form is not None:
            data = urllib.parse.urlencode(form, doseq=True).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            sent["Content-Type"] = "application/json"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=sent)
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=30) as reply:
                status, raw, text = reply.status, reply.headers, reply.read().decode()
        except urllib.error.HTTPError as error:
            status, raw, text = error.code, error.headers, error.read().decode()
        set_cookies = raw.get_all("Set-Cookie") or []
        for line in set_cookies:
            jar = SimpleCookie()
            jar.load(line)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return Reply(status, {k.lower(): v for k, v in raw.items()}, set_cookies, text)

    def get(self, path: str, **kw) -> Reply:  # noqa: ANN003
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw) -> Reply:  # noqa: ANN003
        return self.request("POST", path, **kw)

    def sign_in(self, name: str, password: str) -> Reply:
        page = self.get("/signin")
        pre = re.search(r'name="csrf" value="([^"]+)"', page.body).group(1)
        return self.post("/signin", form={"csrf": pre, "name": name, "password": password})

    def csrf(self) -> str:
        page = self.get("/call")
        return re.search(r'<meta name="csrf" content="([^"]+)"', page.body).group(1)
