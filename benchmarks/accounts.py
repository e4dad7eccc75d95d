"""The tests' accounts (tests/fixtures/accounts.py) for the benchmark's signed-in sessions: one
account per role made in the benchmark's database, and signing in through /login's form.

The module is imported by name: it is not held to the type check (`make check` covers the
application's packages), and a plain import would make `mypy benchmarks` check it too.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from playwright.sync_api import BrowserContext


class Credentials(Protocol):
    @property
    def username(self) -> str: ...

    @property
    def password(self) -> str: ...

    @property
    def role(self) -> str: ...


def _fixtures() -> Any:
    return importlib.import_module("tests.fixtures.accounts")


def account(database_url: str, role: str = "leader") -> Credentials:
    """An account of this role in the database (made once per database and run, its first
    password already changed)."""
    credentials: Credentials = _fixtures().accounts_in(database_url)[role]
    return credentials


def csrf_token(html: str) -> str:
    """The CSRF token of a server-rendered form (the login page's)."""
    return str(_fixtures().csrf_token(html))


def sign_in(context: BrowserContext, base_url: str, credentials: Credentials) -> None:
    """Signs a browser context in through /login, as the browser tests do."""
    _fixtures().sign_in(context, base_url, credentials)
