"""Accounts from the command line, API tokens, the single sign-on header, and the rules an
administrator meets (password rules, unknown township, disabled accounts)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest

from dashboard.app import create_app
from dashboard.config import Settings
from data_access.accounts import check_login, password_problem
from data_access.audit import audit_events
from tests.dbutil import fresh_database, sqlite_url
from tests.fixtures.processes import REPO_ROOT, app_env


@pytest.fixture
def database(tmp_path) -> str:
    url = sqlite_url(tmp_path)
    fresh_database(url)
    return url


def _cli(url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dashboard", *args], cwd=REPO_ROOT,
                          env=app_env(url), input=stdin, capture_output=True, text=True,
                          check=False)


@pytest.mark.parametrize(("password", "problem"), [
    ("Ab1!", "至少 8 位"), ("abcdefgh1", "至少三类"), ("ABCdefghij", "至少三类"),
    ("zhangsan-Ab1", "不得包含用户名"), ("Corr3ct-horse", None), ("密码Abc12345", None)])
def test_password_rules(password: str, problem: str | None) -> None:
    found = password_problem(password, "zhangsan")
    assert (found is None) if problem is None else (problem in found)


def test_users_from_the_command_line(database: str) -> None:
    added = _cli(database, "users", "add", "wang.wu", "--role", "township", "--township",
                 "421081105000", "--password-stdin", stdin="Start-2026-ab\n")
    assert added.returncode == 0, added.stderr
    assert "首次登录须修改密码" in added.stdout
    weak = _cli(database, "users", "add", "zhao", "--role", "leader", "--password-stdin",
                stdin="password\n")
    assert weak.returncode == 2 and "至少三类" in weak.stderr
    nowhere = _cli(database, "users", "add", "qian", "--role", "township", "--township",
                   "421081999000", "--password-stdin", stdin="Start-2026-ab\n")
    assert nowhere.returncode == 2 and "未知的乡镇代码" in nowhere.stderr
    twice = _cli(database, "users", "add", "wang.wu", "--role", "leader", "--password-stdin",
                 stdin="Start-2026-ab\n")
    assert twice.returncode == 2 and "已存在" in twice.stderr
    listed = _cli(database, "users", "list")
    assert "wang.wu" in listed.stdout and "421081105000" in listed.stdout

    from data_access.db import get_engine
    engine = get_engine(database)
    now = dt.datetime.now()
    assert check_login(engine, "wang.wu", "Start-2026-ab", now).outcome == "ok"
    assert _cli(database, "users", "reset-password", "wang.wu", "--password-stdin",
                stdin="Second-2026-cd\n").returncode == 0
    assert check_login(engine, "wang.wu", "Start-2026-ab", now).outcome == "bad_credentials"
    account = check_login(engine, "wang.wu", "Second-2026-cd", now).account
    assert account is not None and account.must_change_password
    assert _cli(database, "users", "disable", "wang.wu").returncode == 0
    assert check_login(engine, "wang.wu", "Second-2026-cd", now).outcome == "disabled"
    assert {"user_add", "user_reset", "user_disable"} <= set(audit_events(engine)["event"])


def test_api_tokens_act_as_their_user(database: str) -> None:
    assert _cli(database, "users", "add", "reader", "--role", "leader", "--password-stdin",
                stdin="Api-Client-2026\n").returncode == 0
    made = _cli(database, "api-token", "create", "reader")
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    client = create_app(Settings.from_env(database_url=database)).server.test_client()
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/indicators?period=2025").status_code == 401
    answered = client.get("/api/v1/indicators?period=2025", headers=bearer)
    assert answered.status_code == 200
    # An API token reads the API only.
    assert client.get("/weekly", headers=bearer).status_code == 403
    listed = _cli(database, "api-token", "list")
    assert "reader-api" in listed.stdout and token not in listed.stdout
    assert _cli(database, "api-token", "revoke", "reader-api").returncode == 0
    assert client.get("/api/v1/indicators?period=2025", headers=bearer).status_code == 401


def test_demo_accounts_only_on_the_default_database(database: str) -> None:
    refused = _cli(database, "demo-accounts")
    assert refused.returncode == 2 and "默认的演示数据库" in refused.stderr


def test_single_sign_on_trusts_the_header_from_the_proxy_only(database: str) -> None:
    assert _cli(database, "users", "add", "sso.user", "--role", "supervisor",
                "--password-stdin", stdin="Sso-2026-abcd\n").returncode == 0
    settings = Settings.from_env(database_url=database, auth_proxy_header="X-Remote-User",
                                 auth_proxy_addresses=("10.0.0.5",))
    client = create_app(settings).server.test_client()
    header = {"X-Remote-User": "sso.user"}
    from_proxy = client.get("/api/v1/indicators?period=2025", headers=header,
                            environ_base={"REMOTE_ADDR": "10.0.0.5"})
    assert from_proxy.status_code == 200
    elsewhere = client.get("/api/v1/indicators?period=2025", headers=header,
                           environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert elsewhere.status_code == 401
    unknown = client.get("/api/v1/indicators?period=2025",
                         headers={"X-Remote-User": "nobody"},
                         environ_base={"REMOTE_ADDR": "10.0.0.5"})
    assert unknown.status_code == 401


def test_the_secret_key_file_is_private(tmp_path, monkeypatch) -> None:
    from dashboard import auth

    monkeypatch.setattr(auth, "SECRET_KEY_FILE", tmp_path / "secret-key")
    first = auth.secret_key(Settings.from_env(database_url="sqlite://", secret_key=""))
    assert len(first) >= 48 and auth.secret_key(
        Settings.from_env(database_url="sqlite://", secret_key="")) == first
    assert os.stat(tmp_path / "secret-key").st_mode & 0o777 == 0o600


def test_the_login_route_takes_ten_attempts_a_minute(database: str) -> None:
    client = create_app(Settings.from_env(database_url=database)).server.test_client()
    statuses = []
    for _ in range(11):
        form = client.get("/login").get_data(as_text=True)
        token = form.split('name="csrf_token" value="')[1].split('"')[0]
        statuses.append(client.post("/login", data={"username": "nobody", "password": "x",
                                                   "csrf_token": token}).status_code)
    assert statuses[:10] == [401] * 10
    assert statuses[10] == 429
