"""An HTTP client signed in as the browser signs in: /login's form with its CSRF token, the
session cookie kept, callbacks sent with the CSRF header dash-renderer sends. Standard library
only; one instance per thread."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from http.cookiejar import CookieJar
from typing import TYPE_CHECKING

from benchmarks.accounts import csrf_token
from benchmarks.settings import DASH_UPDATE_PATH

if TYPE_CHECKING:
    from email.message import Message

    from benchmarks.accounts import Credentials

CSRF_COOKIE = "_csrf_token"  # dashboard/auth.py: dash-renderer sends it back as X-CSRFToken
# What a page answers in place of its content: not found, outside the viewer's scope, a period
# it cannot show (callbacks/router.py, layouts/controls.py). As Dash serialises class names.
PAGE_PROBLEMS = (b'"not-found"', b'"error forbidden"', b'"error period-error"',
                 b'"className":"error"', b'"className": "error"')


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    headers: Message | None
    elapsed_ms: float  # from sending the request until the whole body was read

    @property
    def ok(self) -> bool:
        return self.status == 200

    def header(self, name: str) -> str:
        return (self.headers.get(name) if self.headers is not None else None) or ""


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects are answers to look at (/login's 302, the PDF form's 303), not to follow."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def page_problem(answer: Answer) -> str | None:
    """Why a router-callback answer is not the page asked for, or None when it is."""
    if answer.status != 200:
        return f"HTTP {answer.status}"
    if b'"page-title"' not in answer.body:
        return "no page title in the answer"
    for marker in PAGE_PROBLEMS:
        if marker in answer.body:
            return f"the page says {marker.decode()}"
    return None


class HttpSession:
    """Cookies kept between requests; a new TCP connection per request, as the other steps."""

    def __init__(self, base_url: str, timeout: float = 30.0,
                 headers: dict[str, str] | None = None) -> None:
        self.base_url = base_url
        self.timeout = timeout
        self.headers = headers or {}
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _KeepRedirects())

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.cookies if c.name == name), "")

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Answer:
        request = urllib.request.Request(self.base_url + path, data=body, method=method,
                                         headers={**self.headers, **(headers or {})})
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return Answer(response.status, response.read(), response.headers,
                              (time.perf_counter() - started) * 1000.0)
        except urllib.error.HTTPError as error:  # 3xx (not followed), 4xx, 5xx
            return Answer(error.code, error.read(), error.headers,
                          (time.perf_counter() - started) * 1000.0)

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict[str, str]) -> Answer:
        """A form POST with the CSRF header (Flask-WTF takes the header as well as the field)."""
        return self.request("POST", path, urllib.parse.urlencode(fields).encode(),
                            {"Content-Type": "application/x-www-form-urlencoded",
                             "X-CSRFToken": self.cookie(CSRF_COOKIE)})

    def callback(self, payload: bytes) -> Answer:
        """POST /_dash-update-component as dash-renderer posts it."""
        return self.request("POST", DASH_UPDATE_PATH, payload,
                            {"Content-Type": "application/json",
                             "X-CSRFToken": self.cookie(CSRF_COOKIE)})


def signed_in(base_url: str, credentials: Credentials, timeout: float = 30.0) -> HttpSession:
    """A session signed in through /login's form; raises RuntimeError when that fails."""
    session = HttpSession(base_url, timeout)
    form = session.get("/login")
    if form.status != 200:
        raise RuntimeError(f"GET /login answered {form.status}")
    answer = session.request("POST", "/login", urllib.parse.urlencode({
        "username": credentials.username, "password": credentials.password,
        "csrf_token": csrf_token(form.body.decode()), "next": "/"}).encode(),
        {"Content-Type": "application/x-www-form-urlencoded"})
    if answer.status != 302:
        raise RuntimeError(f"sign-in as {credentials.role} answered {answer.status}: "
                           f"{answer.body[:200]!r}")
    return session


def api_session(base_url: str, database_url: str, credentials: Credentials,
                timeout: float = 30.0) -> HttpSession:
    """A client of /api/v1 as the API is meant to be used: a bearer token acting as the
    account (made here; `python -m dashboard api-token` makes them for real clients)."""
    from data_access.credentials import create_token
    from data_access.db import get_engine

    token = create_token(get_engine(database_url), "api", f"bench-{secrets.token_hex(4)}",
                         dt.datetime.now().replace(microsecond=0), username=credentials.username)
    return HttpSession(base_url, timeout, {"Authorization": f"Bearer {token}"})


def json_body(answer: Answer) -> object:
    try:
        return json.loads(answer.body)
    except ValueError:
        return None
