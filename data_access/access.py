"""Who is asking, and what they may see: the one place every request's access is decided.

The guard (dashboard/auth.py) puts the request's Principal here before any route or callback
runs; `decide` says whether the request may go on. Data functions then ask `row_township` or
`scope_frame` for the rows a viewer may see, and `require_division` before a division's page:
a township officer sees every township's aggregates and rankings (the weekly 通报 goes to all
townships) but only their own township's rows and villages.

Outside a request (the command line, background jobs, tests of the data layer) nobody is
asking on anyone's behalf and nothing is limited.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import pandas as pd
from flask import g, has_request_context
from sqlalchemy import ColumnElement
from sqlalchemy.orm import InstrumentedAttribute

from data_access.divisions import ancestor_code

ROLES = ("leader", "supervisor", "township", "admin")

# Answered without an account: the login page, static files, the health probe.
OPEN_PATHS = re.compile(r"^/(login$|assets/|_dash-component-suites/|_favicon\.ico|favicon\.ico"
                        r"|api/v1/health$)")
# What Dash's page shell fetches before any callback: needed by every page, the wall included.
DASH_SHELL = re.compile(r"^/(_dash-layout|_dash-dependencies|_reload-hash)$")
CALLBACK_PATH = "/_dash-update-component"
# While an admin-set password stands, only changing it or leaving.
PASSWORD_PATHS = re.compile(r"^/(password|logout)$")
ADMIN_PATHS = re.compile(r"^/admin(/|$)")
# A wall screen's callbacks: the router (which draws only the wall for it) and the wall's own
# refreshes. Outputs are matched on their component id.
WALL_OUTPUT = re.compile(r"^(page|wall-[\w-]+)\.")


@dataclass(frozen=True)
class Principal:
    """Who a request acts for: a signed-in user, a wall screen (its token) or an API client
    (its token, acting as its user)."""

    kind: str  # user / wall / api
    name: str  # the username, or the wall token's name
    role: str  # leader / supervisor / township / admin / wall
    township_code: str | None = None
    must_change_password: bool = False
    session_key: str | None = None
    revoked: bool = False  # a wall screen whose token was revoked: it shows why, nothing else

    @property
    def is_township(self) -> bool:
        return self.role == "township"


class Forbidden(Exception):
    """Outside the viewer's scope. Message: "中文 / English"."""


@dataclass(frozen=True)
class Decision:
    outcome: str  # allow / login (send to the login page) / unauthorized / forbidden / password
    reason: str = ""


ALLOW = Decision("allow")


def decide(principal: Principal | None, path: str, method: str, body: bytes = b"") -> Decision:
    """Whether a request may reach its route. Pages (GETs a browser navigates to) without an
    account go to the login page; everything else without one is refused as 401."""
    if OPEN_PATHS.match(path):
        return ALLOW
    if principal is None:
        page = method == "GET" and not path.startswith(("/api/", "/_dash"))
        return Decision("login" if page else "unauthorized", "login required")
    if principal.kind == "api":
        return ALLOW if path.startswith("/api/") else Decision("forbidden", "API token")
    if principal.kind == "wall":
        return _wall_decision(path, body)
    if path.startswith("/api/") and principal.kind != "api" and method != "GET":
        return Decision("forbidden", "API is read-only")
    if principal.must_change_password and not PASSWORD_PATHS.match(path):
        return Decision("password", "password must be changed")
    if ADMIN_PATHS.match(path) and principal.role != "admin":
        return Decision("forbidden", "administrators only")
    return ALLOW


def _wall_decision(path: str, body: bytes) -> Decision:
    if path in ("/wall", "/logout") or DASH_SHELL.match(path):
        return ALLOW
    if path == CALLBACK_PATH:
        try:
            output = str(json.loads(body or b"{}").get("output", ""))
        except ValueError:
            return Decision("forbidden", "malformed callback")
        outputs = [o for o in output.strip(".").split("...") if o]
        if outputs and all(WALL_OUTPUT.match(o) for o in outputs):
            return ALLOW
    return Decision("forbidden", "a wall token reads the wall only")


# --- the current request's viewer ------------------------------------------------------------

def set_principal(principal: Principal | None) -> None:
    g.principal = principal


def current_principal() -> Principal | None:
    """The request's principal; None outside a request and for anonymous requests."""
    return g.get("principal") if has_request_context() else None


def _limited_to() -> str | None:
    principal = current_principal()
    if principal is not None and principal.is_township:
        return principal.township_code or NO_TOWNSHIP  # a township account without one
    if has_request_context() and principal is None:
        return NO_TOWNSHIP  # an anonymous request that reached data (the login page) sees none
    return None


NO_TOWNSHIP = "-"  # matches no township: what a viewer gets of another township's rows


def row_township(requested: str | None = None) -> str | None:
    """The township that rows must be limited to: what was asked for (None: all), within the
    viewer's own township for a township officer (another township's: nothing)."""
    own = _limited_to()
    if own is None:
        return requested
    return own if requested in (None, own) else NO_TOWNSHIP


def township_is(column: ColumnElement[str] | InstrumentedAttribute[str]
                ) -> list[ColumnElement[bool]]:
    """SQL conditions limiting rows to the viewer's township (none for a county-wide viewer)."""
    own = _limited_to()
    return [] if own is None else [column == own]


def row_visible(township_code: str | None) -> bool:
    """Whether the viewer may see a row of this township listed."""
    own = _limited_to()
    return own is None or township_code == own


def scope_frame(frame: pd.DataFrame, column: str = "township_code") -> pd.DataFrame:
    """Rows read for aggregates, cut to what the viewer may see listed."""
    own = _limited_to()
    return frame if own is None else frame[frame[column] == own]


def has_role(roles: tuple[str, ...]) -> bool:
    """Whether the viewer acts in one of these roles (outside a request: yes)."""
    principal = current_principal()
    return not has_request_context() or (principal is not None and principal.role in roles)


def require_role(roles: tuple[str, ...]) -> None:
    """A state change only some roles make (outside a request: the command line may)."""
    if not has_role(roles):
        raise Forbidden("当前账号无此权限 / this account may not do that")


def require_division(code: str) -> None:
    """Before a township's or village's own page: a township officer's own only (a village
    lies in the township its code begins with)."""
    own = _limited_to()
    if own is not None and ancestor_code(code, "township") != own:
        raise Forbidden("只能查看本乡镇及其村（社区） / your own township and its villages only")


def require_page(pathname: str) -> None:
    """A wall screen's session draws the wall and nothing else, whatever a crafted callback
    asks the router for."""
    principal = current_principal()
    if principal is not None and principal.kind == "wall" and pathname != "/wall":
        raise Forbidden("大屏令牌只能查看大屏 / a wall token reads the wall only")


def form_token() -> str:
    """The CSRF token a page's POST form carries (Flask-WTF's, bound to the session)."""
    from flask_wtf.csrf import generate_csrf

    return generate_csrf() if has_request_context() else ""


def scope_key() -> str:
    """What a rendered page's rows depend on besides its URL: part of a page cache's key."""
    return _limited_to() or ""
