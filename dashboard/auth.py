"""Sign-in on the Flask server under Dash: sessions (Flask-Login), CSRF (Flask-WTF), login rate
limits (Flask-Limiter), security headers, and the one guard before every route.

What a request may do is decided in data_access.access (`decide`); this module only finds who
is asking (session cookie, wall token, API token, or the single sign-on proxy's header) and
answers the decision: on to the route, to the login page, 401, 403, or to the password page.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from dash import Dash
from flask import Flask, Response, redirect, request
from flask.typing import ResponseReturnValue
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, UserMixin, login_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect, generate_csrf
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.middleware.proxy_fix import ProxyFix

from callbacks.context import AppContext
from dashboard import auth_pages
from dashboard.config import Settings
from data_access import access, audit
from data_access.access import Decision, Principal
from data_access.accounts import AccountError, change_password, check_login
from data_access.credentials import (
    IDLE_TIMEOUT,
    api_principal,
    end_session,
    proxied_principal,
    session_for,
    session_principal,
    start_session,
    token_id,
)
from data_access.divisions import home_if_loaded
from data_access.duban import open_count
from data_access.paths import PROJECT_ROOT

SECRET_KEY_FILE = PROJECT_ROOT / "var" / "secret-key"
CSRF_COOKIE = "_csrf_token"  # the cookie dash-renderer sends back as X-CSRFToken
KNOWN_SESSIONS = 10_000  # live sessions remembered per process for a database outage
SECURITY_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SignedIn(UserMixin):
    """Flask-Login's user: its id is the session key, so the session row decides."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal

    def get_id(self) -> str:
        return self.principal.session_key or ""


def secret_key(settings: Settings) -> str:
    """The configured key, else one made once and kept beside the database (mode 0600), so
    that every worker and every restart signs alike."""
    if settings.secret_key:
        return settings.secret_key
    path = Path(SECRET_KEY_FILE)
    if not path.exists():
        # Written whole under another name, then linked: several workers starting at once
        # all read the one key that won, never a half-written file.
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".secret-key-{os.getpid()}-{secrets.token_hex(4)}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(48))
        with contextlib.suppress(FileExistsError):
            os.link(draft, path)
        draft.unlink()
    return path.read_text().strip()


def client_ip() -> str:
    return request.remote_addr or ""


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


@contextlib.contextmanager
def printing_cookie(server: Flask, engine: Engine, username: str | None
                    ) -> Iterator[dict[str, str] | None]:
    """A session cookie for the server's own chromium, acting as the user who asked for the
    PDF (so the printed page is theirs, scope included); the session ends after printing."""
    key = session_for(engine, username, now(), "127.0.0.1") if username else None
    if key is None:
        yield None
        return
    serializer = server.session_interface.get_signing_serializer(server)  # type: ignore
    try:
        yield {"name": server.config["SESSION_COOKIE_NAME"],
               "value": serializer.dumps({"_user_id": key, "_fresh": False})}
    finally:
        end_session(engine, key, now())


def content_security_policy(app: Dash) -> str:
    """Only our own origin; Dash's inline scripts by their hashes; inline styles (React's
    style attributes) and data:/blob: images (plotly's downloads) allowed."""
    scripts = " ".join(app.csp_hashes())
    return ("default-src 'self'; "
            f"script-src 'self' {scripts}; "
            "style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")


def _safe_next(target: str | None) -> str:
    """Only a path of this site: never an absolute URL to elsewhere."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


def _text(status: int, zh: str, en: str) -> Response:
    return Response(f"{zh}\n{en}\n", status=status, mimetype="text/plain; charset=utf-8")


def install(app: Dash, context: AppContext, settings: Settings) -> None:
    """Everything sign-in needs, on the app's Flask server. Called before any route is
    registered, so that the guard runs before every other before_request."""
    server: Flask = app.server
    engine = context.engine

    def area_title(lang: str) -> str:
        area = home_if_loaded(engine)
        return area.title_name(lang) if area else ""

    server.config.update(
        AREA_TITLE=area_title,  # the sign-in pages' title names the area (auth_pages)
        SECRET_KEY=secret_key(settings),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=settings.secure_cookies,
        SESSION_COOKIE_NAME="shishou_session",
        WTF_CSRF_TIME_LIMIT=None,  # the session's idle timeout ends it instead
        WTF_CSRF_SSL_STRICT=settings.secure_cookies,
        MAX_CONTENT_LENGTH=64 * 1024 * 1024,
    )
    if settings.proxy_count:
        server.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            server.wsgi_app, x_for=settings.proxy_count, x_proto=settings.proxy_count)
    manager = LoginManager()
    manager.init_app(server)

    known: dict[str, tuple[Principal, dt.datetime]] = {}

    @manager.user_loader
    def load(key: str) -> SignedIn | None:
        try:
            found = session_principal(engine, key, now())
        except SQLAlchemyError:
            # The database is away: a session this process saw live within the idle timeout
            # goes on (a wall screen says "database unreachable" instead of going blank).
            seen = known.get(key)
            found = seen[0] if seen and now() - seen[1] < IDLE_TIMEOUT else None
        else:
            if found is not None:
                if len(known) > KNOWN_SESSIONS:
                    known.clear()
                known[key] = (found, now())
            else:
                known.pop(key, None)
        return SignedIn(found) if found else None

    def who() -> Principal | None:
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer "):
            return api_principal(engine, header[7:].strip(), now())
        proxied = _proxy_principal()
        if proxied is not None:
            return proxied
        from flask_login import current_user
        return current_user.principal if current_user.is_authenticated else None

    def _proxy_principal() -> Principal | None:
        # The proxy itself must be the peer (not an address a client put in a header).
        peer = request.environ.get("werkzeug.proxy_fix.orig", {}).get(
            "REMOTE_ADDR", request.remote_addr)
        if not settings.auth_proxy_header or peer not in settings.auth_proxy_addresses:
            return None
        name = request.headers.get(settings.auth_proxy_header, "").strip()
        return proxied_principal(engine, name) if name else None

    def _wall_sign_in(token: str) -> ResponseReturnValue | None:
        """/wall?token=...: a live token starts the screen's own session; any other is told."""
        found = token_id(engine, "wall", token, now())
        if found is None:
            audit.record(engine, "login", at=now(), username="wall", outcome="refused",
                         ip=client_ip(), detail="wall token unknown or revoked")
            return auth_pages.message_page(403, "wall_token_invalid")
        key = start_session(engine, now(), client_ip(), token_id=found)
        login_user(SignedIn(Principal("wall", "", "wall", session_key=key)))
        audit.record(engine, "login", at=now(), username="wall", ip=client_ip(),
                     detail=f"wall token #{found}")
        rest = {k: v for k, v in request.args.items() if k != "token"}
        return redirect("/wall" + (f"?{urlencode(rest)}" if rest else ""))

    def answer(decision: Decision, principal: Principal | None) -> ResponseReturnValue | None:
        if decision.outcome == "allow":
            return None
        if decision.outcome == "login":
            return redirect("/login?" + urlencode({"next": request.full_path.rstrip("?")}))
        if decision.outcome == "unauthorized":
            return _text(401, "请先登录", "login required")
        if decision.outcome == "password":
            if request.method == "GET" and not request.path.startswith(("/api/", "/_dash")):
                return redirect("/password?" + urlencode(
                    {"next": request.full_path.rstrip("?")}))
            return _text(403, "请先修改初始密码", "change your password first")
        audit.record(engine, "forbidden", at=now(),
                     username=principal.name if principal else "", outcome="refused",
                     ip=client_ip(), detail=f"{request.method} {request.path}: {decision.reason}")
        if request.method == "GET" and not request.path.startswith(("/api/", "/_dash")):
            return auth_pages.message_page(403, "forbidden_page", auth_pages.lang_of(request))
        return _text(403, "无权访问", f"forbidden: {decision.reason}")

    @server.before_request
    def guard() -> ResponseReturnValue | None:
        if request.path == "/wall" and request.args.get("token"):
            return _wall_sign_in(request.args["token"])
        principal = who()
        access.set_principal(principal)
        body = request.get_data(cache=True) if (
            principal is not None and principal.kind == "wall"
            and request.path == access.CALLBACK_PATH) else b""
        return answer(access.decide(principal, request.path, request.method, body), principal)

    CSRFProtect(server)
    limiter = Limiter(get_remote_address, app=server, storage_uri=settings.limiter_storage,
                      default_limits=[])

    @server.errorhandler(CSRFError)
    def csrf_refused(error: CSRFError) -> ResponseReturnValue:
        if request.path == "/data/upload":  # back to the page, which says what happened
            english = "&lang=en" if request.args.get("lang") == "en" else ""
            return redirect(f"/data?error=expired{english}", code=303)
        return _text(400, "表单已过期或来源不明，请刷新页面后重试",
                     f"the form expired or came from elsewhere ({error.description})")

    @server.after_request
    def headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers.setdefault("Content-Security-Policy", content_security_policy(app))
        if settings.secure_cookies:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if access.current_principal() is not None or request.path == "/login":
            # dash-renderer reads this cookie and sends it back as X-CSRFToken.
            response.set_cookie(CSRF_COOKIE, generate_csrf(), samesite="Lax",
                                secure=settings.secure_cookies, httponly=False)
        return response

    shell = app.interpolate_index

    def interpolate_index(**parts: str) -> str:
        page = shell(**parts)
        principal = access.current_principal()
        if principal is None or principal.kind != "user":
            return page
        waiting = open_count(engine, principal.township_code) \
            if principal.is_township and principal.township_code else None
        bar = auth_pages.account_bar(principal, auth_pages.lang_of(request), waiting)
        return page.replace("<body>", "<body>" + bar, 1)

    app.interpolate_index = interpolate_index  # type: ignore[method-assign,assignment]

    @server.route("/login", methods=["GET", "POST"])
    @limiter.limit(settings.login_rate, methods=["POST"])
    def login() -> ResponseReturnValue:
        lang = auth_pages.lang_of(request)
        target = _safe_next(request.values.get("next"))
        if request.method == "GET":
            return auth_pages.login_page(lang, target)
        username = request.form.get("username", "").strip()
        result = check_login(engine, username, request.form.get("password", ""), now())
        if result.account is None:
            # One lockout event when the account locks; refused attempts while locked are
            # failed logins.
            event = "lockout" if result.newly_locked else "login"
            audit.record(engine, event, at=now(), username=username[:64], outcome="failed",
                         ip=client_ip(), detail=result.outcome)
            return auth_pages.login_page(lang, target, result.outcome, result.locked_until,
                                         status=401)
        account = result.account
        key = start_session(engine, now(), client_ip(), user_id=account.id)
        login_user(SignedIn(Principal("user", account.username, account.role,
                                      account.township_code, account.must_change_password,
                                      key)))
        audit.record(engine, "login", at=now(), username=account.username, ip=client_ip())
        if account.must_change_password:
            return redirect("/password?" + urlencode({"next": target, "lang": lang}))
        return redirect(target)

    @server.post("/logout")
    def logout() -> ResponseReturnValue:
        principal = access.current_principal()
        if principal is not None and principal.session_key:
            end_session(engine, principal.session_key, now())
            audit.record(engine, "logout", at=now(), username=principal.name, ip=client_ip())
        logout_user()
        return redirect("/login")

    @server.route("/password", methods=["GET", "POST"])
    def password() -> ResponseReturnValue:
        lang = auth_pages.lang_of(request)
        principal = access.current_principal()
        if principal is None or principal.kind != "user":
            return _text(403, "无权访问", "forbidden")
        target = _safe_next(request.values.get("next"))
        if request.method == "GET":
            return auth_pages.password_page(lang, principal, next_path=target)
        new = request.form.get("new_password", "")
        if new != request.form.get("confirm_password", ""):
            refused = "密码两次输入不一致 / the two new passwords differ"
            audit.record(engine, "password_change", at=now(), username=principal.name,
                         outcome="failed", ip=client_ip(), detail=refused)
            return auth_pages.password_page(lang, principal, refused, status=400,
                                            next_path=target)
        try:
            change_password(engine, principal.name, request.form.get("current_password", ""),
                            new, now())
        except AccountError as refused:
            audit.record(engine, "password_change", at=now(), username=principal.name,
                         outcome="failed", ip=client_ip(), detail=str(refused))
            return auth_pages.password_page(lang, principal, str(refused), status=400,
                                            next_path=target)
        audit.record(engine, "password_change", at=now(), username=principal.name,
                     ip=client_ip())
        # The old session carried "must change": a new one carries the account as it is now.
        if principal.session_key:
            end_session(engine, principal.session_key, now())
        result = check_login(engine, principal.name, new, now())
        if result.account is not None:
            key = start_session(engine, now(), client_ip(), user_id=result.account.id)
            login_user(SignedIn(Principal("user", principal.name, principal.role,
                                          principal.township_code, False, key)))
        return redirect(target)
