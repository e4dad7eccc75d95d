"""Accounts in the browser, as a newcomer and an attacker meet them: the login page, the
first-login password change, sign-out, lockout after 5 failures, the 30-minute idle timeout,
a wall token's screen and its revocation, the audit log, and the security headers."""

from __future__ import annotations

import datetime as dt
import re
import secrets

import pytest
from playwright.sync_api import expect
from sqlalchemy import select, update

from data_access.accounts import add_user, change_password
from data_access.audit import audit_events
from data_access.credentials import revoke_token
from data_access.models import User, UserSession
from tests.fixtures.accounts import Credentials, sign_in, wall_address


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


@pytest.fixture
def anonymous(chromium_browser, demo_server):
    """A browser context nobody signed in to."""
    from tests.fixtures.chromium import CONTEXT_OPTIONS

    context = chromium_browser.new_context(**CONTEXT_OPTIONS)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.console_errors = errors
    yield page
    context.close()


@pytest.fixture
def new_account(demo_engine):
    """An account as an administrator makes it: a password set for the user to change."""
    name = f"officer_{secrets.token_hex(3)}"
    password = f"Set-By-Admin-{secrets.token_hex(3)}"
    add_user(demo_engine, name, "township", "421081105000", password, _now())
    return name, password


def _log_in(page, base: str, username: str, password: str) -> None:
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")


def _change_password(page, current: str, new: str) -> None:
    page.fill("#current_password", current)
    page.fill("#new_password", new)
    page.fill("#confirm_password", new)
    page.click("button[type=submit]")


def test_first_login_changes_the_password_then_signs_out(anonymous, demo_server, demo_engine,
                                                          new_account) -> None:
    page = anonymous
    name, password = new_account
    page.goto(f"{demo_server}/weekly")
    expect(page).to_have_url(f"{demo_server}/login?next=%2Fweekly")
    expect(page.locator("h2")).to_have_text("登录")
    expect(page).to_have_title("登录 · 石首督导看板")  # the area's name, as on every page
    _log_in(page, demo_server, name, password)
    # The admin-set password must go before anything else is shown.
    expect(page).to_have_url(f"{demo_server}/password?next=%2Fweekly&lang=zh")
    expect(page.locator(".auth-card")).to_contain_text("首次登录须修改")
    page.goto(f"{demo_server}/services")
    expect(page).to_have_url(f"{demo_server}/password?next=%2Fservices")

    _change_password(page, password, "short1")
    expect(page.locator(".error")).to_contain_text("密码至少 8 位")
    _change_password(page, password, f"Own-Choice-{secrets.token_hex(3)}")
    # Then on to the page asked for.
    expect(page).to_have_url(f"{demo_server}/services")
    expect(page.locator(".account-bar")).to_contain_text(name)
    expect(page.locator(".account-bar")).to_contain_text("乡镇")
    expect(page.locator(".kpi-card").first).to_be_visible()

    page.click(".logout-form button")
    expect(page).to_have_url(f"{demo_server}/login")
    page.goto(f"{demo_server}/weekly")
    expect(page).to_have_url(f"{demo_server}/login?next=%2Fweekly")
    events = audit_events(demo_engine, username=name)
    assert {"login", "password_change", "logout"} <= set(events["event"])
    # The refused weak password was answered 400 (the browser logs it); nothing else went wrong.
    unexpected = [e for e in page.console_errors if "status of 400" not in e]
    assert not unexpected, unexpected


def test_five_failures_lock_the_account(anonymous, demo_server, demo_engine,
                                        new_account) -> None:
    page = anonymous
    name, password = new_account
    page.goto(f"{demo_server}/login")
    for _ in range(4):
        _log_in(page, demo_server, name, "Wrong-Password-1")
        expect(page.locator(".error")).to_have_text("用户名或密码不正确")
    _log_in(page, demo_server, name, "Wrong-Password-1")
    expect(page.locator(".error")).to_contain_text("账号已锁定至")
    # Locked: even the right password is refused for 15 minutes.
    _log_in(page, demo_server, name, password)
    expect(page.locator(".error")).to_contain_text("账号已锁定至")
    with demo_engine.connect() as connection:
        locked_until = connection.scalar(select(User.locked_until).where(User.username == name))
    assert dt.timedelta(minutes=14) < locked_until - _now() <= dt.timedelta(minutes=15)
    events = audit_events(demo_engine, username=name)
    assert (events["event"] == "lockout").sum() == 1  # once, when the account locked
    assert (events["outcome"] == "failed").sum() == 6


@pytest.fixture
def own_leader(demo_engine) -> Credentials:
    """A leader account of the test's own, its first password already changed: the sessions
    it looks at are this test's alone (other tests and clients sign the shared leader in)."""
    name = f"idle_{secrets.token_hex(3)}"
    first, own = f"Aa1!{secrets.token_hex(6)}", f"Bb2#{secrets.token_hex(6)}"
    add_user(demo_engine, name, "leader", None, first, _now())
    change_password(demo_engine, name, first, own, _now())
    return Credentials(name, own, "leader")


def test_a_session_idle_for_30_minutes_ends(anonymous, demo_server, demo_engine,
                                            own_leader) -> None:
    page = anonymous
    sign_in(page.context, demo_server, own_leader)
    page.goto(f"{demo_server}/economy")
    expect(page.locator(".kpi-card").first).to_be_visible()
    # Off the page first: its own requests, refused once the session ends, would navigate
    # it to /login and abort the goto below.
    page.goto("about:blank")
    # As if the last request were 31 minutes ago.
    with demo_engine.begin() as connection:
        users = select(User.id).where(User.username == own_leader.username).scalar_subquery()
        connection.execute(update(UserSession).where(UserSession.user_id == users,
                                                     UserSession.ended_at.is_(None))
                           .values(last_seen_at=_now() - dt.timedelta(minutes=31)))
    page.goto(f"{demo_server}/economy")
    expect(page).to_have_url(f"{demo_server}/login?next=%2Feconomy")
    with demo_engine.connect() as connection:
        ended = connection.scalars(select(UserSession.ended_at).join(
            User, User.id == UserSession.user_id).where(User.username == own_leader.username)
        ).all()
    assert ended and all(e is not None for e in ended)


def test_a_wall_token_reads_the_wall_only_until_revoked(anonymous, demo_server, demo_engine,
                                                        demo_database_url) -> None:
    page = anonymous
    page.set_viewport_size({"width": 1920, "height": 1080})
    address = wall_address(demo_database_url, demo_server, "refresh=2&rotate=3600")
    page.goto(address)
    expect(page).to_have_url(f"{demo_server}/wall?refresh=2&rotate=3600")  # token off the URL
    expect(page.locator('.wall-panel[data-panel="map"] .scattergeo text')).to_have_count(15)
    expect(page.locator(".account-bar")).to_have_count(0)
    # The screen's session reads nothing else.
    other = page.context.request.get(f"{demo_server}/weekly")
    assert other.status == 403
    api = page.context.request.get(f"{demo_server}/api/v1/indicators?period=2025")
    assert api.status == 403

    name = address.split("token=")[0]  # the token's name is in the database, not the URL
    with demo_engine.connect() as connection:
        from data_access.models import AccessToken
        token_name = connection.scalar(select(AccessToken.name).where(
            AccessToken.kind == "wall").order_by(AccessToken.id.desc()).limit(1))
    assert name and token_name
    revoke_token(demo_engine, "wall", token_name, _now())
    banner = page.locator(".wall-banner")
    expect(banner).to_be_visible(timeout=10_000)
    expect(banner.locator(".wall-banner-main")).to_contain_text("访问令牌已被撤销")
    # A revoked token's address opens nothing.
    fresh = page.context.browser.new_context()
    try:
        revoked = fresh.new_page()
        revoked.goto(address)
        expect(revoked.locator("h2")).to_contain_text("大屏令牌无效或已撤销")
    finally:
        fresh.close()


def test_the_audit_log_is_for_administrators(page, demo_server, demo_database_url,
                                             demo_accounts, chromium_browser) -> None:
    # The leader (signed in by the fixture) is refused the page.
    refused = page.request.get(f"{demo_server}/admin/audit")
    assert refused.status == 403
    context = chromium_browser.new_context()
    try:
        admin = context.new_page()
        from tests.fixtures.accounts import sign_in
        sign_in(context, demo_server, demo_accounts["admin"])
        admin.goto(f"{demo_server}/admin/audit")
        expect(admin.locator(".account-bar")).to_contain_text("审计日志")
        grid = admin.locator('[data-table="audit-log"]')
        expect(grid).to_be_visible()
        expect(grid.locator('.ag-center-cols-container [col-id="event"]').first
               ).to_be_visible()
        events = set(grid.locator('.ag-center-cols-container [col-id="event"]')
                     .all_text_contents())
        assert "登录" in events  # the events in words, not codes
    finally:
        context.close()


def test_every_response_carries_the_security_headers(page, demo_server) -> None:
    for path in ("/", "/login", "/api/v1/health", "/assets/style.css"):
        response = page.request.get(f"{demo_server}{path}")
        headers = response.headers
        assert headers["x-frame-options"] == "DENY", path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "same-origin", path
        policy = headers["content-security-policy"]
        assert "default-src 'self'" in policy and "http" not in policy, path
    cookies = {c["name"]: c for c in page.context.cookies()}
    session = cookies["shishou_session"]
    assert session["httpOnly"] and session["sameSite"] == "Lax"


def test_a_township_officer_sees_every_ranking_and_only_their_rows(chromium_browser, demo_server,
                                                                   demo_accounts) -> None:
    from tests.fixtures.accounts import sign_in
    from tests.fixtures.chromium import CONTEXT_OPTIONS

    context = chromium_browser.new_context(**CONTEXT_OPTIONS)
    try:
        sign_in(context, demo_server, demo_accounts["township"])
        page = context.new_page()
        # The weekly rankings name all 15 townships: aggregates are for everyone.
        page.goto(f"{demo_server}/weekly?week=2026-W45")
        expect(page.locator("#weekly-ready")).to_be_attached()
        expect(page.locator(".account-bar")).to_contain_text("乡镇")
        expect(page.locator(".weekly-report")).to_contain_text("绣林街道")
        # The worklist lists 调关镇's open items only.
        page.goto(f"{demo_server}/inspections/worklist")
        towns = page.locator('[data-table="worklist"] .ag-center-cols-container '
                             '[col-id="township"]')
        expect(towns.first).to_be_visible()
        assert set(towns.all_text_contents()) == {"调关镇"}
        # Another township's page and village are refused, and say why.
        for path in ("/township/421081001000", "/village/421081001001"):
            page.goto(f"{demo_server}{path}")
            expect(page.locator(".forbidden")).to_contain_text("只能查看本乡镇")
        page.goto(f"{demo_server}/township/421081105000")
        expect(page.locator(".kpi-card").first).to_be_visible()
    finally:
        context.close()


def test_a_page_left_open_after_its_session_ended_goes_to_login(anonymous, demo_server,
                                                                demo_engine,
                                                                new_account) -> None:
    page = anonymous
    name, password = new_account
    page.goto(f"{demo_server}/login?next=%2Feconomy")
    _log_in(page, demo_server, name, password)
    _change_password(page, password, f"Own-Choice-{secrets.token_hex(3)}")
    expect(page).to_have_url(f"{demo_server}/economy")
    expect(page.locator(".kpi-card").first).to_be_visible()
    # The page's own callbacks done: one still in flight would be refused too, and lead to
    # the login page before the click.
    page.wait_for_load_state("networkidle")
    # Signed out elsewhere (the session ends on the server); this tab still shows the page.
    with demo_engine.begin() as connection:
        users = select(User.id).where(User.username == name).scalar_subquery()
        connection.execute(update(UserSession).where(UserSession.user_id == users)
                           .values(ended_at=_now()))
    # Clicked in the page (the click starts a callback that the server refuses with 401).
    # (after evaluate returns: the navigation it starts would end evaluate's page)
    page.evaluate("() => setTimeout(() => "
                  "document.querySelector('a.nav-link[href=\"/volunteers\"]').click(), 0)")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fvolunteers"))
