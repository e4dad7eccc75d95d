"""Command line for accounts and tokens: users, wall-token, api-token.

Passwords are never arguments (they would stay in the shell's history and the process list):
typed at a prompt, or read from standard input with --password-stdin.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import sys
from collections.abc import Callable

from dashboard.config import Settings
from data_access import audit
from data_access.access import ROLES
from data_access.accounts import (
    AccountError,
    add_user,
    disable_user,
    generated_password,
    list_users,
    reset_password,
)
from data_access.credentials import create_token, list_tokens, revoke_token
from data_access.db import get_engine
from data_access.paths import PROJECT_ROOT, default_database_url

Handler = Callable[[Settings, argparse.Namespace], int]
DEMO_ACCOUNTS_FILE = PROJECT_ROOT / "var" / "demo-accounts.txt"
# One account per role; the township officer's is 调关镇's.
DEMO_ROLES = (("leader", None), ("supervisor", None), ("township", "421081105000"),
              ("admin", None))


def add_commands(commands: argparse._SubParsersAction) -> None:
    users = commands.add_parser("users", help="accounts: add, list, disable, reset-password")
    actions = users.add_subparsers(dest="action", required=True)
    adding = actions.add_parser("add", help="add an account (its password is changed at first "
                                            "login)")
    adding.add_argument("username")
    adding.add_argument("--role", choices=ROLES, required=True)
    adding.add_argument("--township", default=None, help="township code (role township)")
    adding.add_argument("--password-stdin", action="store_true",
                        help="read the password from standard input instead of a prompt")
    actions.add_parser("list", help="list the accounts")
    disabling = actions.add_parser("disable", help="disable an account and end its sessions")
    disabling.add_argument("username")
    resetting = actions.add_parser("reset-password",
                                   help="set a new password, to be changed at next login")
    resetting.add_argument("username")
    resetting.add_argument("--password-stdin", action="store_true")

    commands.add_parser(
        "demo-accounts",
        help="the demo's accounts, one per role, with random passwords (default database only)",
        description="Once per demo database: adds demo_leader, demo_supervisor, "
                    "demo_township (调关镇) and demo_admin with random passwords, prints them "
                    "and writes them to var/demo-accounts.txt (mode 0600). Each password is "
                    "changed at first login. Refused on any database but the default SQLite "
                    "file.")
    for kind, what in (("wall", "a wall screen's read-only address"),
                       ("api", "an API client's bearer token, acting as its user")):
        parser = commands.add_parser(f"{kind}-token", help=f"{what}: create, list, revoke")
        verbs = parser.add_subparsers(dest="action", required=True)
        create = verbs.add_parser("create")
        if kind == "wall":
            create.add_argument("--name", required=True, help="where the screen hangs")
            create.add_argument("--base-url", default="http://127.0.0.1:8050",
                                help="the dashboard's address as the screen reaches it")
        else:
            create.add_argument("username")
            create.add_argument("--name", default=None, help="default: USERNAME-api")
        verbs.add_parser("list")
        revoke = verbs.add_parser("revoke")
        revoke.add_argument("name")


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("密码 / password: ")
    if first != getpass.getpass("再次输入 / again: "):
        raise AccountError("两次输入不一致 / the two entries differ")
    return first


def _refused(action: Callable[[], int]) -> int:
    try:
        return action()
    except AccountError as refused:
        print(refused, file=sys.stderr)
        return 2


def _users(settings: Settings, args: argparse.Namespace) -> int:
    engine = get_engine(settings.database_url)

    def run() -> int:
        if args.action == "add":
            account = add_user(engine, args.username, args.role, args.township,
                               _password(args), _now())
            audit.record(engine, "user_add", at=_now(), username="(cli)",
                         detail=f"{account.username} {account.role} {account.township_code or ''}")
            print(f"已添加 {account.username}（{account.role}），首次登录须修改密码 / added; "
                  "the password must be changed at first login")
        elif args.action == "list":
            print(list_users(engine).to_string(index=False))
        elif args.action == "disable":
            disable_user(engine, args.username, _now())
            audit.record(engine, "user_disable", at=_now(), username="(cli)",
                         detail=args.username)
            print(f"已停用 {args.username} / disabled")
        else:
            reset_password(engine, args.username, _password(args), _now())
            audit.record(engine, "user_reset", at=_now(), username="(cli)",
                         detail=args.username)
            print(f"已重置 {args.username} 的密码，下次登录须修改 / reset; to be changed at "
                  "next login")
        return 0
    return _refused(run)


def _tokens(kind: str) -> Handler:
    def handler(settings: Settings, args: argparse.Namespace) -> int:
        engine = get_engine(settings.database_url)

        def run() -> int:
            if args.action == "create":
                name = args.name or (f"{args.username}-api" if kind == "api" else "")
                token = create_token(engine, kind, name, _now(),
                                     args.username if kind == "api" else None)
                audit.record(engine, "token_create", at=_now(), username="(cli)",
                             detail=f"{kind} {name}")
                if kind == "wall":
                    print(f"{args.base_url.rstrip('/')}/wall?token={token}")
                else:
                    print(token)
                print("只显示这一次，请妥善保存 / shown this once only", file=sys.stderr)
            elif args.action == "list":
                print(list_tokens(engine, kind).to_string(index=False))
            else:
                revoke_token(engine, kind, args.name, _now())
                audit.record(engine, "token_revoke", at=_now(), username="(cli)",
                             detail=f"{kind} {args.name}")
                print(f"已撤销 {args.name} / revoked")
            return 0
        return _refused(run)
    return handler


def _demo_accounts(settings: Settings, _args: argparse.Namespace) -> int:
    if settings.database_url != default_database_url():
        print("演示账号只建在默认的演示数据库（var/dashboard.sqlite3）上；"
              "其他数据库请用 users add / demo accounts go into the default demo database "
              "only; elsewhere use `users add`",
              file=sys.stderr)
        return 2
    if DEMO_ACCOUNTS_FILE.exists():
        print(f"演示账号见 / demo accounts are in {DEMO_ACCOUNTS_FILE.relative_to(PROJECT_ROOT)}")
        return 0
    engine = get_engine(settings.database_url)
    lines = ["# 石首督导看板 演示账号 / demo accounts (首次登录须修改密码 / change at first login)"]
    for role, township in DEMO_ROLES:
        name = f"demo_{role}"
        password = generated_password()
        add_user(engine, name, role, township, password, _now())
        audit.record(engine, "user_add", at=_now(), username="(cli)", detail=f"{name} {role}")
        lines.append(f"{name:<18} {password:<22} {role}{' ' + township if township else ''}")
    DEMO_ACCOUNTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(DEMO_ACCOUNTS_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"已写入 / written to {DEMO_ACCOUNTS_FILE.relative_to(PROJECT_ROOT)} (0600)")
    return 0


HANDLERS: dict[str, Handler] = {"users": _users, "wall-token": _tokens("wall"),
                                "api-token": _tokens("api"), "demo-accounts": _demo_accounts}
