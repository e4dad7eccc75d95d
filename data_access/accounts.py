"""Accounts: adding, disabling, passwords (argon2) and the login check with its lockout.

The rules are those of 等保 2.0 level 2 (GB/T 22239-2019): unique accounts, passwords of at
least 8 characters from 3 of the 4 character classes, 5 failed logins lock the account for
15 minutes, a password set by an administrator is changed at first login. There is no built-in
account and no default password.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, select, update

from data_access.access import ROLES
from data_access.models import Division, User, UserSession

MIN_PASSWORD_LENGTH = 8
MIN_CHARACTER_CLASSES = 3
MAX_FAILED_LOGINS = 5
LOCKOUT = dt.timedelta(minutes=15)
USERNAME = re.compile(r"^[A-Za-z0-9_.\-]{2,64}$")
CHARACTER_CLASSES = (re.compile(r"[a-z]"), re.compile(r"[A-Z]"), re.compile(r"[0-9]"),
                     re.compile(r"[^A-Za-z0-9]"))

_hasher = PasswordHasher()
# Verified when the username is unknown, so that a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash("not-an-account-password")


class AccountError(ValueError):
    """A request the account rules refuse; the message is "中文 / English"."""


@dataclass(frozen=True)
class Account:
    id: int
    username: str
    role: str
    township_code: str | None
    must_change_password: bool


@dataclass(frozen=True)
class LoginResult:
    account: Account | None
    outcome: str  # ok / bad_credentials / locked / disabled
    locked_until: dt.datetime | None = None
    newly_locked: bool = False  # this failure locked the account


def password_problem(password: str, username: str = "") -> str | None:
    """Why a password is refused ("中文 / English"), or None when it is acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return (f"密码至少 {MIN_PASSWORD_LENGTH} 位 / a password has at least "
                f"{MIN_PASSWORD_LENGTH} characters")
    if sum(bool(c.search(password)) for c in CHARACTER_CLASSES) < MIN_CHARACTER_CLASSES:
        return ("密码须含大写字母、小写字母、数字、符号中的至少三类 / a password mixes at least "
                "three of: upper case, lower case, digits, symbols")
    if username and username.lower() in password.lower():
        return "密码不得包含用户名 / a password must not contain the username"
    return None


def generated_password() -> str:
    """A random password that meets the rules (all four character classes)."""
    while True:
        candidate = secrets.token_urlsafe(12) + "!7aZ"
        if password_problem(candidate) is None:
            return candidate


def _checked_password(password: str, username: str) -> str:
    problem = password_problem(password, username)
    if problem:
        raise AccountError(problem)
    return _hasher.hash(password)


def add_user(engine: Engine, username: str, role: str, township_code: str | None,
             password: str, now: dt.datetime) -> Account:
    """A new account whose password (set by an administrator) must be changed at first login."""
    if not USERNAME.match(username):
        raise AccountError("用户名为 2-64 位字母、数字、_ . - / a username is 2-64 letters, "
                           "digits, _ . -")
    if role not in ROLES:
        raise AccountError(f"未知角色 {role}（可选 {', '.join(ROLES)}） / unknown role {role}")
    if (role == "township") != bool(township_code):
        raise AccountError("乡镇账号须指定 --township，其他角色不指定 / a township account "
                           "needs --township, other roles none")
    with engine.begin() as connection:
        if township_code and connection.scalar(
                select(Division.code).where(Division.code == township_code,
                                            Division.level == "township")) is None:
            raise AccountError(f"未知的乡镇代码 {township_code} / unknown township code")
        if connection.scalar(select(User.id).where(User.username == username)) is not None:
            raise AccountError(f"用户名 {username} 已存在 / username {username} exists")
        hashed = _checked_password(password, username)
        keys = connection.execute(User.__table__.insert().values(
            username=username, role=role, township_code=township_code, password_hash=hashed,
            must_change_password=True, disabled=False, failed_logins=0, created_at=now,
        )).inserted_primary_key
        new_id = keys[0] if keys else 0
    return Account(int(new_id), username, role, township_code, True)


def list_users(engine: Engine) -> pd.DataFrame:
    """Every account: username, role, township_code, disabled, must_change_password,
    locked_until, created_at, password_changed_at."""
    with engine.connect() as connection:
        return pd.read_sql(select(User.username, User.role, User.township_code, User.disabled,
                                  User.must_change_password, User.locked_until,
                                  User.created_at, User.password_changed_at)
                           .order_by(User.username), connection)


def _user_id(connection: Connection, username: str) -> int:
    found = connection.scalar(select(User.id).where(User.username == username))
    if found is None:
        raise AccountError(f"没有用户 {username} / no user {username}")
    return int(found)


def disable_user(engine: Engine, username: str, now: dt.datetime) -> None:
    """Disables the account and ends its sessions at once."""
    with engine.begin() as connection:
        user_id = _user_id(connection, username)
        connection.execute(update(User).where(User.id == user_id).values(disabled=True))
        connection.execute(update(UserSession).where(UserSession.user_id == user_id,
                                                     UserSession.ended_at.is_(None))
                           .values(ended_at=now))


def reset_password(engine: Engine, username: str, password: str, now: dt.datetime) -> None:
    """An administrator's new password: unlocks, ends the sessions, must be changed at login."""
    with engine.begin() as connection:
        user_id = _user_id(connection, username)
        hashed = _checked_password(password, username)
        connection.execute(update(User).where(User.id == user_id).values(
            password_hash=hashed, must_change_password=True, failed_logins=0,
            locked_until=None))
        connection.execute(update(UserSession).where(UserSession.user_id == user_id,
                                                     UserSession.ended_at.is_(None))
                           .values(ended_at=now))


def change_password(engine: Engine, username: str, current: str, new: str,
                    now: dt.datetime) -> None:
    """The user's own change: the current password, then a new one that differs from it."""
    with engine.begin() as connection:
        user = connection.execute(select(User.__table__)
                                  .where(User.username == username)).first()
        if user is None or not _verifies(user.password_hash, current):
            raise AccountError("当前密码不正确 / the current password is wrong")
        if new == current:
            raise AccountError("新密码须与当前密码不同 / the new password must differ")
        hashed = _checked_password(new, username)
        connection.execute(update(User).where(User.username == username).values(
            password_hash=hashed, must_change_password=False, password_changed_at=now))


def _verifies(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False


def check_login(engine: Engine, username: str, password: str, now: dt.datetime) -> LoginResult:
    """Checks a login and keeps the failure count: the 5th failure in a row locks the account
    for 15 minutes; while locked even the right password is refused."""
    with engine.begin() as connection:
        user = connection.execute(select(User.__table__)
                                  .where(User.username == username)).first()
        if user is None:
            _verifies(_DUMMY_HASH, password)
            return LoginResult(None, "bad_credentials")
        if user.disabled:
            return LoginResult(None, "disabled")
        if user.locked_until is not None and user.locked_until > now:
            return LoginResult(None, "locked", user.locked_until)
        if not _verifies(user.password_hash, password):
            failures = user.failed_logins + 1  # a lock resets the count to 0
            locked = now + LOCKOUT if failures >= MAX_FAILED_LOGINS else None
            connection.execute(update(User).where(User.id == user.id).values(
                failed_logins=0 if locked else failures, locked_until=locked))
            return LoginResult(None, "locked" if locked else "bad_credentials", locked,
                               newly_locked=locked is not None)
        connection.execute(update(User).where(User.id == user.id).values(
            failed_logins=0, locked_until=None))
        return LoginResult(Account(user.id, user.username, user.role, user.township_code,
                                   user.must_change_password), "ok")
