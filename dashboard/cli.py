"""Command line: python -m dashboard <command>."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from dashboard import cli_accounts, cli_backup, cli_jobs, cli_rollups
from dashboard.config import Settings
from data_access import audit, jobs
from data_access.boundaries import LEVELS, import_boundaries
from data_access.db import get_engine, has_schema, upgrade_to_head
from data_access.divisions import divisions_frame
from data_access.importing.domains import DOMAINS
from data_access.importing.problems import ImportRejected
from data_access.importing.runner import import_file
from data_access.importing.template import write_template
from data_access.importing.templates import REFERENCE_TEMPLATES, TEMPLATES

T = TypeVar("T")


def _domain_list() -> str:
    return "\n".join(f"  {d.id:<22} {d.zh} / {d.en}" for d in DOMAINS.values())


def _reference_list() -> str:
    return "\n".join(f"  {d.id:<22} {d.zh} / {d.en}" for d in REFERENCE_TEMPLATES.values())


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard",
                                     description="督导看板 / oversight dashboard")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("init-db",
                        help="create or upgrade the database (Alembic); a county's divisions "
                             "are imported with the divisions template")
    demo = commands.add_parser("demo-data", help="generate the demo data and import it")
    demo.add_argument("--as-of", type=dt.date.fromisoformat, default=None,
                      help="last day of the demo data, YYYY-MM-DD (default: yesterday, the "
                           "last day that has ended, so that no record lies in the future)")
    demo.add_argument("--keep-files", type=Path, default=None,
                      help="write the generated templates to this folder and keep them")
    demo.add_argument("--synthetic-counties", type=int, default=0, metavar="N",
                      help="for benchmarks: a made-up prefecture of N made-up counties (合成01县 "
                           "...), each a copy of the demo county's records under its own codes "
                           "(data_access/demo/synthetic.py)")
    load = commands.add_parser("import", help="import a filled-in template (.xlsx or .csv)")
    load.add_argument("file", type=Path)
    load.add_argument("--domain", choices=sorted(TEMPLATES), default=None,
                      help="which template (detected from the sheet name or headers if omitted)")
    boundaries = commands.add_parser(
        "import-boundaries", help="import official township or village boundaries (GeoJSON)")
    boundaries.add_argument("file", type=Path, help="GeoJSON FeatureCollection in WGS84")
    boundaries.add_argument("--level", choices=LEVELS, required=True,
                            help="township: every township of a county in one file; village: "
                                 "villages and communities (a township's map needs all of its "
                                 "own)")
    template = commands.add_parser(
        "template", help="write an empty template",
        epilog="domains:\n" + _domain_list()
               + "\n\nreference templates (no domain):\n" + _reference_list(),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    template.add_argument("domain", choices=sorted(TEMPLATES), metavar="DOMAIN",
                          help="one of the templates listed below")
    template.add_argument("--output", type=Path, default=None,
                          help="file to write (.xlsx or .csv; default DOMAIN.xlsx)")
    drawing = commands.add_parser(
        "draw", help="draw a task's objects and inspectors from its published seed (双随机)",
        description="Draws reproducibly from the seed and the task's directory (see "
                    "metrics/draw.py) and records it; --verify only re-computes and compares.")
    drawing.add_argument("--task", required=True, help="task code (任务编号)")
    drawing.add_argument("--seed", required=True, help="the published random seed")
    drawing.add_argument("--verify", action="store_true",
                         help="re-compute the recorded draw and compare; change nothing")
    commands.add_parser(
        "calendar", help="list the years the holiday calendar covers (library and imported)",
        description="Years whose holidays and make-up working days (调休) are known: the "
                    "chinesecalendar library's and those imported with the holiday_calendar "
                    "template; warns when this year, or from December on next year, is not "
                    "covered (exit code 1).")
    cli_accounts.add_commands(commands)
    cli_backup.add_commands(commands)
    cli_jobs.add_commands(commands)
    cli_rollups.add_commands(commands)
    serve = commands.add_parser(
        "serve", help="Flask's development server, with --debug only (to serve: gunicorn, "
                      "as `make run` does)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8050)
    serve.add_argument("--debug", action="store_true", help="required: debugging only")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    jobs.configure(settings.redis_url)  # a job's progress goes where the web hosts read it
    handler = {"init-db": _init_db, "demo-data": _demo_data, "import": _import,
               "import-boundaries": _import_boundaries, "template": _template,
               "draw": _draw, "calendar": _calendar, "serve": _serve,
               **cli_accounts.HANDLERS, **cli_backup.HANDLERS,
               **cli_jobs.HANDLERS, **cli_rollups.HANDLERS}[args.command]
    return handler(settings, args)


def _init_db(settings: Settings, _args: argparse.Namespace) -> int:
    upgrade_to_head(settings.database_url)
    count = len(divisions_frame(get_engine(settings.database_url)))
    print(f"数据库已就绪，区划 {count} 个 / database ready, {count} divisions")
    if not count:
        print("下一步：导入本县（市、区）的区划代码：python -m dashboard template divisions，"
              "填写后 python -m dashboard import divisions.xlsx（或运行 demo-data 载入演示数据）\n"
              "next: import the county's divisions: python -m dashboard template divisions, "
              "fill it in, then python -m dashboard import divisions.xlsx (or run demo-data for "
              "the demo)")
    return 0


def _demo_data(settings: Settings, args: argparse.Namespace) -> int:
    from data_access.demo import build_demo, real_imports

    today = dt.date.today()
    as_of = args.as_of or today - dt.timedelta(days=1)
    if as_of >= today:
        print(f"--as-of {as_of} 须早于今天（已结束的一天） / must be a day that has ended "
              f"(before {today})", file=sys.stderr)
        return 2
    engine = get_engine(settings.database_url)
    # Demo rows would overwrite real rows with the same keys and mix with the rest.
    imported = real_imports(engine)
    if imported:
        latest = imported[-1]
        seen = f"{latest.file_name} ({latest.domain}, {latest.imported_at:%Y-%m-%d %H:%M})"
        print(f"拒绝载入演示数据：该数据库已有 {len(imported)} 次真实导入（最近一次 {seen}），"
              f"演示数据会与真实数据混在一起，未做任何修改。要演示，请另建一个空数据库（例如另一个 "
              f"SQLite 文件），把 DATABASE_URL 指向它，再运行 demo-data。\n"
              f"demo data refused: this database holds real imports ({len(imported)}, latest "
              f"{seen}) and the demo would mix with them; nothing was changed. For a demo, start "
              f"over with a new empty database (another SQLite file, say): point DATABASE_URL "
              f"at it and run demo-data there.", file=sys.stderr)
        return 2
    upgrade_to_head(settings.database_url)
    with tempfile.TemporaryDirectory() as scratch:
        folder = args.keep_files or Path(scratch)
        if args.synthetic_counties:
            from data_access.demo.synthetic import build_synthetic

            reports = _rejected_or(lambda: build_synthetic(engine, as_of, folder,
                                                           args.synthetic_counties))
        else:
            reports = _rejected_or(lambda: build_demo(engine, as_of, folder))
        if reports is None:
            return 2
    for report in reports:
        print(f"{report.domain:<22} {report.rows_in_file:>9,} 行/rows  {report.file_name}")
    return 0


def _rejected_or(load: Callable[[], T]) -> T | None:
    """Runs an import; on rejection lists every problem on stderr and returns None."""
    try:
        return load()
    except ImportRejected as rejected:
        _print_problems(rejected)
        return None


def _import(settings: Settings, args: argparse.Namespace) -> int:
    engine = get_engine(settings.database_url)
    # What it replaced is kept, so that an import from the browser before it can still be
    # undone when this one wrote other rows (data_access/uploads.py undo_upload).
    report = _rejected_or(lambda: import_file(engine, args.file, args.domain,
                                              keep_changes=True))
    at = dt.datetime.now().replace(microsecond=0)
    if report is None:
        audit.record(engine, "import", at=at, username="(cli)", outcome="failed",
                     detail=str(args.file.name))
        return 2
    audit.record(engine, "import", at=at, username="(cli)",
                 detail=f"{report.file_name} {report.domain}: {report.rows_inserted} new, "
                        f"{report.rows_updated} updated")
    print(f"已导入 / imported {report.file_name} ({report.domain}): {report.rows_in_file} 行/rows, "
          f"新增/new {report.rows_inserted}, 更新/updated {report.rows_updated}, "
          f"SHA-256 {report.sha256}")
    return 0


def _import_boundaries(settings: Settings, args: argparse.Namespace) -> int:
    engine = get_engine(settings.database_url)
    summary = _rejected_or(lambda: import_boundaries(engine, args.file, args.level))
    if summary is None:
        return 2
    print(f"已导入边界 / imported boundaries {summary.file_name} ({summary.level}): "
          f"{summary.features} 个要素/features, 新增/new {summary.inserted}, "
          f"更新/updated {summary.updated}, SHA-256 {summary.sha256}")
    return 0


def _print_problems(rejected: ImportRejected) -> None:
    print(f"导入被拒绝，未写入任何数据 / import rejected, nothing was written "
          f"({len(rejected.problems)} 个问题/problems):", file=sys.stderr)
    for problem in rejected.problems:
        print(f"  {problem}", file=sys.stderr)


def _template(settings: Settings, args: argparse.Namespace) -> int:
    output = args.output or Path(f"{args.domain}.xlsx")
    engine = get_engine(settings.database_url)
    # Without a database the template still has its instructions, only no division list.
    write_template(TEMPLATES[args.domain], output, engine if has_schema(engine) else None)
    print(f"模板已写入 / template written: {output}")
    return 0


def _draw(settings: Settings, args: argparse.Namespace) -> int:
    from data_access.draw import store_draw, verify_draw
    from metrics.draw import DrawError

    engine = get_engine(settings.database_url)
    try:
        if args.verify:
            check = verify_draw(engine, args.task, args.seed)
        else:
            result = store_draw(engine, args.task, args.seed, dt.datetime.now())
    except DrawError as error:
        print(f"抽取未执行 / draw not made: {error}", file=sys.stderr)
        return 2
    if args.verify:
        result = check.draw
    sizes = "  ".join(f"{risk}: {result.class_drawn[risk]}/{result.class_sizes[risk]}"
                      for risk in result.class_sizes)
    print(f"任务/task {args.task}  种子/seed {result.seed}\n"
          f"名录哈希/directory SHA-256 {result.directory_hash}\n"
          f"抽中/drawn {len(result.objects)}  ({sizes})")
    for drawn in result.objects:
        print(f"  {drawn.code}  {drawn.risk_class}  {'、'.join(drawn.inspectors)}")
    if not args.verify:
        print("已记录 / recorded")
        return 0
    same = check.hash_matches and check.draw_matches
    print(f"名录哈希{'一致' if check.hash_matches else '不一致'} / directory hash "
          f"{'matches' if check.hash_matches else 'differs'} (recorded {check.stored_hash or '—'})")
    print(f"抽取结果{'一致' if check.draw_matches else '不一致'} / draw "
          f"{'matches the record' if check.draw_matches else 'differs from the record'}")
    return 0 if same else 1


def _year_ranges(years: tuple[int, ...]) -> str:
    """2004-2027 for consecutive years, commas between runs."""
    runs: list[list[int]] = []
    for year in years:
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def _calendar(settings: Settings, _args: argparse.Namespace) -> int:
    from data_access.calendar import calendar_status, imported_years
    from metrics.workdays import library_years

    engine = get_engine(settings.database_url)
    if not has_schema(engine):
        print("数据库未初始化，请先运行 init-db / the database is not set up: run init-db first",
              file=sys.stderr)
        return 2
    today = settings.today or dt.date.today()
    status = calendar_status(engine, today)
    library = library_years()
    print("节假日安排覆盖的年份 / years the holiday calendar covers:")
    print(f"  {library.start}-{library.stop - 1}  chinesecalendar 库 / library")
    for year in imported_years(engine):
        print(f"  {year.year}       县导入 / imported: 休 {year.holidays} 天/days, "
              f"班 {year.workdays} 天/days  ({'；'.join(year.sources)})")
    print(f"合计 / in all: {_year_ranges(status.covered_years)}")
    if status.warning:
        print(f"注意 / warning: {status.warning[0]}\n  {status.warning[1]}")
        return 1
    return 0


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    if not args.debug:
        print("开发服务器仅用于调试（--debug）；正式运行请用 gunicorn：make run / "
              "the development server is for debugging only (--debug); serve with gunicorn: "
              "make run", file=sys.stderr)
        return 2
    from dashboard.app import create_app

    app = create_app(settings)
    app.run(host=args.host, port=args.port, debug=args.debug,
            dev_tools_disable_version_check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
