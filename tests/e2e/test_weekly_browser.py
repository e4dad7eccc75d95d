"""/weekly in headless Chromium: rank cards against the indicator module, red flags, the
bulletin and its copy button, the week selector, the township page, print and the PDFs."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import time
import unicodedata
from urllib.parse import unquote

import openpyxl
import pypdf
import pytest
from playwright.sync_api import expect

from data_access.divisions import division_table
from data_access.duban import week_summary
from data_access.indicator_values import indicator_by_division, indicator_counts
from data_access.weekly import store_export
from data_access.weekly_report import weekly_report
from layouts.bulletin import bulletin_text
from layouts.weekly import PRINT_ROWS
from metrics.periods import parse_period
from metrics.ranking import rank
from metrics.targets import meets_target, statuses_among

pytestmark = pytest.mark.browser
WEEK = parse_period("2026-W45")
TIAOGUAN = "421081105000"


@pytest.fixture(scope="module")
def report(demo_database_url, demo_engine):
    return weekly_report(demo_engine, WEEK)


def _cards(page, indicator_id: str) -> list[dict]:
    return page.locator(f'.weekly-ranking[data-indicator="{indicator_id}"] .rank-card') \
        .evaluate_all("cards => cards.map(c => ({...c.dataset, name: "
                      "c.querySelector('.rank-card-name').textContent}))")


def _pdf_text(data: bytes) -> tuple[str, pypdf.PdfReader]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    # Noto CJK maps some ideographs to Kangxi radicals in the PDF's text layer; NFKC folds them.
    return unicodedata.normalize("NFKC", "".join(p.extract_text() for p in reader.pages)), reader


def _printed(text: str) -> re.Pattern[str]:
    """A pattern for `text` as the PDF's text layer has it: NFKC-folded, without spaces, and
    with any ideograph possibly a look-alike (the font's glyph maps 民 to ⺠ and 户 to 戶, which
    NFKC does not fold): the row's codes and punctuation must be there exactly."""
    folded = unicodedata.normalize("NFKC", re.sub(r"\s+", "", text))
    return re.compile("".join("[\u2e80-\u9fff]" if "\u4e00" <= c <= "\u9fff"
                              else re.escape(c) for c in folded))


def _csrf(page) -> str:
    """The CSRF token the app gives the signed-in browser (the cookie dash-renderer sends)."""
    return next(c["value"] for c in page.context.cookies() if c["name"] == "_csrf_token")


def test_rank_cards_flags_and_bulletin_match_the_indicator_module(
        page, demo_server, demo_engine, report, assert_offline,
        assert_no_console_errors) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=demo_server)
    page.goto(f"{demo_server}/weekly")  # the default: the last complete week
    expect(page.locator("#weekly-ready")).to_have_attribute("data-week", WEEK.label)
    expect(page.locator(".page-title")).to_contain_text("2026-W45（2026-11-02 ~ 2026-11-08）")

    names = division_table(demo_engine)["short_name"]
    for indicator_id in ("service_on_time_rate", "volunteer_hours_per_1000"):
        values = indicator_by_division(demo_engine, indicator_id, WEEK, "township")
        ranks = rank(values, indicator_id)
        counts = indicator_counts(demo_engine, indicator_id, WEEK, "township")
        states = statuses_among(indicator_id, values,
                                None if counts is None else counts["denominator"])
        shown = _cards(page, indicator_id)
        assert len(shown) == 15
        assert [int(c["rank"]) for c in shown] == sorted(int(ranks[c["code"]]) for c in shown)
        for card in shown:
            value = float(values[card["code"]])
            assert float(card["value"]) == pytest.approx(value)
            assert int(card["rank"]) == int(ranks[card["code"]])
            assert card["name"] == names[card["code"]]
            assert card["status"] == states[card["code"]]
            if meets_target(indicator_id, value):
                assert card["status"] == "green"
    for flag in report.flags:
        expect(page.locator(f'.weekly-flag[data-flag="{flag.kind}"]')).to_have_attribute(
            "data-count", str(flag.count))
        expect(page.locator(f'.weekly-flag[data-flag="{flag.kind}"] .flag-count')) \
            .to_have_text(str(flag.count))

    notice = page.locator(".notice")
    expect(notice).to_contain_text("石首市农村公共服务督导周通报")
    expect(notice).to_contain_text("一、总体情况")
    # with the 督办 ledger's counts as the page shows them (other tests open items that week)
    expected = bulletin_text(report, "zh", week_summary(demo_engine, WEEK).to_dict("records"))
    best_line = next(line for line in expected.splitlines() if "（一）政务服务" in line)
    expect(notice).to_contain_text(best_line.strip())
    page.locator("#weekly-bulletin-copy").click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.strip() == expected.strip()

    # The week selector writes the URL; a township's name opens its one-page summary.
    page.locator("#weekly-week").click()
    page.get_by_role("option", name="2026-W44").click()
    expect(page).to_have_url(re.compile(r"week=2026-W44"))
    expect(page.locator("#weekly-ready")).to_have_attribute("data-week", "2026-W44")
    page.locator('.weekly-ranking[data-indicator="service_on_time_rate"] '
                 f'.rank-card[data-code="{TIAOGUAN}"] .rank-card-name').click()
    expect(page).to_have_url(re.compile(rf"/weekly/{TIAOGUAN}\?week=2026-W44"))
    expect(page.locator(".page-title")).to_contain_text("调关镇周报")
    expect(page.locator(".summary-table tbody tr")).to_have_count(len(report.rankings))
    expect(page.locator(".breadcrumb")).to_contain_text("周调度")

    page.emulate_media(media="print")
    expect(page.locator(".weekly-controls")).to_be_hidden()
    expect(page.locator(".summary-table")).to_be_visible()
    page.emulate_media(media="screen")

    # In print, each flag's rows are a plain table: all of them, or the first PRINT_ROWS and
    # the total (the grid draws only what is on screen).
    page.goto(f"{demo_server}/weekly?week={WEEK.label}")
    page.emulate_media(media="print")
    for flag in report.flags:
        panel = page.locator(f'.weekly-flag[data-flag="{flag.kind}"]')
        if not flag.count:
            continue
        expect(panel.locator(".print-table tbody tr")).to_have_count(
            min(PRINT_ROWS, flag.count))
        expect(panel.locator(".print-table")).to_be_visible()
        subjects = panel.locator(".print-table tbody tr td:nth-child(2)").all_text_contents()
        if flag.kind != "red_three_weeks":
            assert subjects == [row.subject for row in flag.rows[:PRINT_ROWS]]
        if flag.count > PRINT_ROWS:
            expect(panel).to_contain_text(f"前{PRINT_ROWS}条，共{flag.count}条")
    assert_no_console_errors(page)
    assert_offline(page, demo_server)


def test_pdf_exports_are_stored_with_their_numbers(page, demo_server, report, screenshot_dir,
                                                   tmp_path, demo_engine) -> None:
    page.goto(f"{demo_server}/weekly?week={WEEK.label}")
    expect(page.locator("#weekly-ready")).to_be_attached()
    # The export's page answers at once and follows the background job until the PDF downloads.
    with page.expect_download(timeout=90_000) as download_info:
        page.locator("#weekly-pdf").click()
        expect(page).to_have_url(re.compile(r"/weekly/export/\d+$"))
        expect(page.locator("#weekly-pdf-job")).to_be_visible()
    expect(page.locator('#weekly-pdf-job [data-state="done"] a.pdf-download')).to_be_visible()
    path = tmp_path / "weekly.pdf"
    download_info.value.save_as(path)
    data = path.read_bytes()
    (screenshot_dir / "weekly-report.pdf").write_bytes(data)
    assert data.startswith(b"%PDF")
    text, reader = _pdf_text(data)
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    # A4 landscape: 297 x 210 mm, 842 x 595 points (chromium rounds to whole pixels).
    assert width == pytest.approx(842, abs=1.5) and height == pytest.approx(595, abs=1.5)
    for card in report.ranking("service_on_time_rate").cards:
        assert card.name in text
    # The bulletin comes first; every page carries its number and the data version.
    first = unicodedata.normalize("NFKC", reader.pages[0].extract_text())
    assert "石首市农村公共服务督导周通报" in first and "一、总体情况" in first
    assert "各乡镇（街道、开发区）排名" not in first
    for number, each in enumerate(reader.pages, start=1):
        footer = unicodedata.normalize("NFKC", each.extract_text())
        assert "数据版本" in footer and f"{number} / {len(reader.pages)}" in footer
    assert "本周红色预警" in text
    # Every red-flag row is printed, or the first PRINT_ROWS and the total.
    flat = re.sub(r"\s+", "", text)
    for flag in report.flags:
        rows = [row.subject for row in flag.rows if flag.kind != "red_three_weeks"]
        for subject in rows[:PRINT_ROWS]:
            assert _printed(subject).search(flat), (flag.kind, subject)
        if len(flag.rows) > PRINT_ROWS:
            assert _printed(f"前{PRINT_ROWS}条，共{len(flag.rows)}条").search(flat)

    # The export is listed with the week and reopens from its stored numbers.
    export_id = int(re.search(r"_(\d+)\.pdf$", download_info.value.suggested_filename).group(1))
    # The audit log names who made it.
    from data_access.audit import audit_events
    made = audit_events(demo_engine, event="export_pdf")
    assert made["detail"].str.startswith(f"export #{export_id} ").any()
    assert made["username"].str.startswith("t_leader_").any()
    page.goto(f"{demo_server}/weekly?week={WEEK.label}")
    exports = page.locator(".exports-list")
    expect(exports).to_contain_text(f"#{export_id}")
    stored = page.request.get(f"{demo_server}/weekly/export/{export_id}.pdf")
    assert hashlib.sha256(stored.body()).hexdigest() == hashlib.sha256(data).hexdigest()
    page.goto(f"{demo_server}/weekly/export/{export_id}")
    expect(page.locator(".archive-notice")).to_contain_text(f"#{export_id}")
    shown = _cards(page, "service_on_time_rate")
    assert [c["code"] for c in shown] == [c.code for c in
                                          report.ranking("service_on_time_rate").cards]

    # The printed report's attachment: every flag's rows, all of them, a sheet each.
    for url in (f"{demo_server}/weekly/export/{export_id}/flags.xlsx",
                f"{demo_server}/weekly/flags.xlsx?week={WEEK.label}"):
        response = page.request.get(url)
        workbook = openpyxl.load_workbook(io.BytesIO(response.body()), read_only=True)
        # then the week's 督办 items (test_duban_follow_up.py checks their rows)
        *sheets, ledger = workbook.worksheets
        assert len(sheets) == len(report.flags) and ledger.title == "督办事项"
        for sheet, flag in zip(sheets, report.flags, strict=True):
            assert sheet.max_row - 1 == flag.count, (sheet.title, flag.kind)

    # A state change (it stores an export): a POST with the page's CSRF token, never a GET.
    fetched = page.request.get(f"{demo_server}/weekly/{TIAOGUAN}/pdf?week={WEEK.label}")
    assert fetched.headers["content-type"] != "application/pdf"
    queued = page.request.post(f"{demo_server}/weekly/{TIAOGUAN}/pdf?week={WEEK.label}",
                               headers={"X-CSRFToken": _csrf(page)}, max_redirects=0)
    assert queued.status == 303
    township_export = int(re.fullmatch(r".*/weekly/export/(\d+)", queued.headers["location"])
                          .group(1))
    status = _made(page, demo_server, township_export)
    assert status["state"] == "done", status
    response = page.request.get(f"{demo_server}/weekly/export/{township_export}.pdf")
    assert response.headers["content-type"] == "application/pdf"
    assert re.search(r"filename\*?=.*_周调度_2026-W45_\d+\.pdf",
                     unquote(response.headers["content-disposition"]))
    township_text, _ = _pdf_text(response.body())
    assert "调关镇周报" in township_text
    assert "按时办结率" in township_text

    # An English export prints the English page, its header and footer included.
    queued = page.request.post(f"{demo_server}/weekly/pdf?week={WEEK.label}&lang=en",
                               headers={"X-CSRFToken": _csrf(page)}, max_redirects=0)
    english_export = int(queued.headers["location"].split("?")[0].rsplit("/", 1)[1])
    assert _made(page, demo_server, english_export)["state"] == "done"
    english, _ = _pdf_text(page.request.get(
        f"{demo_server}/weekly/export/{english_export}.pdf").body())
    assert "Shishou oversight dashboard" in english and "督导看板" not in english


def _made(page, server: str, export_id: int, timeout_s: float = 90) -> dict:
    """The export's PDF job status once it has ended (or the last seen at the timeout)."""
    deadline = time.monotonic() + timeout_s
    while True:
        status = page.request.get(f"{server}/weekly/export/{export_id}/pdf-status").json()
        if status["state"] in ("done", "failed") or time.monotonic() > deadline:
            return status
        time.sleep(0.3)


def test_a_bad_week_gets_a_clear_message(page, demo_server) -> None:
    page.goto(f"{demo_server}/weekly?week=2026-W60")
    expect(page.locator(".error")).to_contain_text("YYYY-Www")
    page.goto(f"{demo_server}/weekly/export/999999")
    expect(page.locator(".not-found")).to_be_visible()
    response = page.request.post(f"{demo_server}/weekly/pdf?week=2027-W10",
                                 headers={"X-CSRFToken": _csrf(page)})
    assert response.status == 400
    assert "尚未开始" in response.text()
    # Without the token the POST is refused before anything is stored.
    refused = page.request.post(f"{demo_server}/weekly/pdf?week={WEEK.label}")
    assert refused.status == 400 and "表单已过期或来源不明" in refused.text()


def test_the_first_screen_fits_the_projector(page, demo_server, report, screenshot_dir,
                                             assert_no_console_errors) -> None:
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{demo_server}/weekly?week={WEEK.label}")
    expect(page.locator("#weekly-ready")).to_have_attribute("data-week", WEEK.label)
    first = page.locator("#weekly-first-screen")
    expect(first.locator(".first-tile")).to_have_count(4)
    page.screenshot(path=screenshot_dir / "weekly-first-screen-1920x1080.png")
    box = first.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 1080, box
    # the flags' counts are the report's, and each leads to its rows
    for flag in report.flags:
        tile = first.locator(f'.flag-tile[data-flag="{flag.kind}"]')
        expect(tile).to_have_attribute("data-count", str(flag.count))
        expect(tile.locator(".flag-tile-count")).to_have_text(str(flag.count))
    # the townships that need attention are those with a red card, most reasons first
    reds: dict[str, int] = {}
    for ranking in report.rankings:
        for card in ranking.cards:
            if card.status == "red":
                reds[card.code] = reds.get(card.code, 0) + 1
    expect(first.locator(".first-attention")).to_have_attribute("data-townships",
                                                                str(len(reds)))
    rows = first.locator(".attention-row")
    top = rows.first
    code = top.get_attribute("data-code")
    assert int(top.get_attribute("data-reasons")) == reds[code]
    # first the township with the most indicators red three weeks running
    streaks: dict[str, int] = {}
    for row in report.flag("red_three_weeks").rows:
        streaks[row.township_code] = streaks.get(row.township_code, 0) + 1
    assert streaks.get(code, 0) == max(streaks.values(), default=0)
    # its worklist link opens the inspections worklist of the township as of the week's Sunday
    top.get_by_role("link", name="整改清单").click()
    expect(page).to_have_url(re.compile(
        rf"/inspections/worklist\?township={code}&as_of={report.last_day}"))
    assert_no_console_errors(page)


def test_the_meeting_copy_is_marked_on_purpose(page, demo_server, demo_engine) -> None:
    week = "2026-W40"
    made = []
    for hour in (9, 15):
        report = weekly_report(demo_engine, parse_period(week))
        made.append(store_export(demo_engine, "weekly", week, None, "zh",
                                 {"report": report.to_json(), "bulletin": ""},
                                 dt.datetime(2026, 10, 6, hour, 0)))
    page.goto(f"{demo_server}/weekly?week=2026-W41")
    expect(page.locator(".comparison-note")).to_contain_text("上周未标记会议材料")
    page.goto(f"{demo_server}/weekly?week={week}")
    page.locator(f'[data-export="{made[0]}"] button').click()
    expect(page.locator(f'[data-export="{made[0]}"]')).to_have_attribute(
        "data-meeting-copy", "true")
    expect(page.locator("#weekly-mark-result")).to_contain_text(f"#{made[0]}")
    # a second mark without a reason is refused and changes nothing
    page.locator(f'[data-export="{made[1]}"] button').click()
    expect(page.locator("#weekly-mark-result")).to_contain_text("须填写原因")
    expect(page.locator(f'[data-export="{made[0]}"]')).to_have_attribute(
        "data-meeting-copy", "true")
    page.goto(f"{demo_server}/weekly?week=2026-W41")
    expect(page.locator(".comparison-note")).to_contain_text(f"#{made[0]} 2026-10-06")
