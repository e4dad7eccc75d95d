"""Sessions and tokens: random keys handed out once, kept only as their SHA-256.

A browser's session key sits in the signed session cookie; each request finds its row, ends it
after the idle timeout, and reads the account as it is now (a disabled account or a reset
password ends its sessions at once). Wall and API tokens are long random strings: SHA-256 is
enough for them (they cannot be guessed from a dictionary) and lets a request find its row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import pandas as pd
from sqlalchemy import Engine, select, update

from data_access.access import Principal
from data_access.accounts import AccountError
from data_access.models import AccessToken, User, UserSession

IDLE_TIMEOUT = dt.timedelta(minutes=30)
# last_seen_at is written at most this often: a wall's or a busy page's callbacks would
# otherwise write a row on every request.
TOUCH_EVERY = dt.timedelta(seconds=60)
TOKEN_KINDS = ("wall", "api")


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start_session(engine: Engine, now: dt.datetime, ip: str, user_id: int | None = None,
                  token_id: int | None = None) -> str:
    key = secrets.token_urlsafe(32)
    with engine.begin() as connection:
        connection.execute(UserSession.__table__.insert().values(
            key_hash=_digest(key), user_id=user_id, token_id=token_id, created_at=now,
            last_seen_at=now, ip=ip[:64]))
    return key


def session_for(engine: Engine, username: str, now: dt.datetime, ip: str) -> str | None:
    """A new session of an active user (the server's own chromium printing as that user)."""
    with engine.connect() as connection:
        user_id = connection.scalar(select(User.id).where(User.username == username,
                                                          User.disabled.is_(False)))
    return None if user_id is None else start_session(engine, now, ip, user_id=user_id)


def end_session(engine: Engine, key: str, now: dt.datetime) -> None:
    with engine.begin() as connection:
        connection.execute(update(UserSession).where(UserSession.key_hash == _digest(key),
                                                     UserSession.ended_at.is_(None))
                           .values(ended_at=now))


def session_principal(engine: Engine, key: str, now: dt.datetime,
                      idle: dt.timedelta = IDLE_TIMEOUT) -> Principal | None:
    """The principal of a live session, or None (unknown, ended, idle too long, disabled).
    A user's session idle for `idle` ends; a wall screen's does not (it refreshes itself)."""
    with engine.connect() as connection:
        row = connection.execute(
            select(UserSession.id, UserSession.last_seen_at, UserSession.ended_at,
                   UserSession.token_id, User.username, User.role, User.township_code,
                   User.disabled, User.must_change_password, AccessToken.name,
                   AccessToken.revoked_at)
            .outerjoin(User, User.id == UserSession.user_id)
            .outerjoin(AccessToken, AccessToken.id == UserSession.token_id)
            .where(UserSession.key_hash == _digest(key))).first()
    if row is None or row.ended_at is not None:
        return None
    if row.token_id is not None:
        principal = Principal("wall", row.name, "wall", session_key=key,
                              revoked=row.revoked_at is not None)
    else:
        if row.disabled or now - row.last_seen_at > idle:
            end_session(engine, key, now)
            return None
        principal = Principal("user", row.username, row.role, row.township_code,
                              row.must_change_password, key)
    if now - row.last_seen_at >= TOUCH_EVERY:
        with engine.begin() as connection:
            connection.execute(update(UserSession).where(UserSession.id == row.id)
                               .values(last_seen_at=now))
    return principal


def create_token(engine: Engine, kind: str, name: str, now: dt.datetime,
                 username: str | None = None) -> str:
    """A new token, returned once: only its digest is kept. API tokens act as `username`."""
    if kind not in TOKEN_KINDS:
        raise AccountError(f"未知的令牌类型 {kind} / unknown token kind")
    if not name or len(name) > 64:
        raise AccountError("令牌名称 1-64 个字符 / a token's name has 1-64 characters")
    token = secrets.token_urlsafe(32)
    with engine.begin() as connection:
        user_id = None
        if username is not None:
            user_id = connection.scalar(select(User.id).where(User.username == username,
                                                               User.disabled.is_(False)))
            if user_id is None:
                raise AccountError(f"没有可用的用户 {username} / no active user {username}")
        if connection.scalar(select(AccessToken.id).where(AccessToken.kind == kind,
                                                           AccessToken.name == name)):
            raise AccountError(f"令牌 {name} 已存在 / token {name} exists")
        connection.execute(AccessToken.__table__.insert().values(
            kind=kind, name=name, token_hash=_digest(token), user_id=user_id, created_at=now))
    return token


def list_tokens(engine: Engine, kind: str) -> pd.DataFrame:
    """name, username (API tokens), created_at, last_used_at, revoked_at."""
    with engine.connect() as connection:
        return pd.read_sql(select(AccessToken.name, User.username, AccessToken.created_at,
                                  AccessToken.last_used_at, AccessToken.revoked_at)
                           .outerjoin(User, User.id == AccessToken.user_id)
                           .where(AccessToken.kind == kind).order_by(AccessToken.name),
                           connection)


def revoke_token(engine: Engine, kind: str, name: str, now: dt.datetime) -> None:
    with engine.begin() as connection:
        done = connection.execute(update(AccessToken).where(
            AccessToken.kind == kind, AccessToken.name == name,
            AccessToken.revoked_at.is_(None)).values(revoked_at=now)).rowcount
    if not done:
        raise AccountError(f"没有有效的令牌 {name} / no live token {name}")


def token_id(engine: Engine, kind: str, token: str, now: dt.datetime) -> int | None:
    """The id of a live token of this kind, or None; records its use."""
    with engine.begin() as connection:
        found = connection.scalar(select(AccessToken.id).where(
            AccessToken.kind == kind, AccessToken.token_hash == _digest(token),
            AccessToken.revoked_at.is_(None)))
        if found is not None:
            connection.execute(update(AccessToken).where(AccessToken.id == found)
                               .values(last_used_at=now))
    return found


def proxied_principal(engine: Engine, username: str) -> Principal | None:
    """The active account a trusted single sign-on proxy names (no session of our own)."""
    with engine.connect() as connection:
        user = connection.execute(select(User.username, User.role, User.township_code)
                                  .where(User.username == username,
                                         User.disabled.is_(False))).first()
    return Principal("user", user.username, user.role, user.township_code) if user else None


def api_principal(engine: Engine, token: str, now: dt.datetime) -> Principal | None:
    """An API client acting as its token's user, while both are live."""
    found = token_id(engine, "api", token, now)
    if found is None:
        return None
    with engine.connect() as connection:
        user = connection.execute(select(User.username, User.role, User.township_code,
                                         User.disabled)
                                  .join(AccessToken, AccessToken.user_id == User.id)
                                  .where(AccessToken.id == found)).first()
    if user is None or user.disabled:
        return None
    return Principal("api", user.username, user.role, user.township_code)
