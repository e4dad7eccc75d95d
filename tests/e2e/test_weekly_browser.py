"""/weekly in headless Chromium: rank cards against the indicator module, red flags, the
bulletin and its copy button, the week selector, the township page, print and the PDFs."""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import urllib.request

import pypdf
import pytest
from playwright.sync_api import expect

from data_access.divisions import division_table
from data_access.indicator_values import indicator_by_division
from data_access.weekly_report import weekly_report
from layouts.bulletin import bulletin_text
from metrics.periods import parse_period
from metrics.ranking import rank
from metrics.targets import ranked_status

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
        ranked = int(ranks.notna().sum())
        shown = _cards(page, indicator_id)
        assert len(shown) == 15
        assert [int(c["rank"]) for c in shown] == sorted(int(ranks[c["code"]]) for c in shown)
        for card in shown:
            value = float(values[card["code"]])
            assert float(card["value"]) == pytest.approx(value)
            assert int(card["rank"]) == int(ranks[card["code"]])
            assert card["name"] == names[card["code"]]
            assert card["status"] == ranked_status(indicator_id, value,
                                                   int(ranks[card["code"]]), ranked)
    for flag in report.flags:
        expect(page.locator(f'.weekly-flag[data-flag="{flag.kind}"]')).to_have_attribute(
            "data-count", str(flag.count))
        expect(page.locator(f'.weekly-flag[data-flag="{flag.kind}"] .flag-count')) \
            .to_have_text(str(flag.count))

    notice = page.locator(".notice")
    expect(notice).to_contain_text("石首市农村公共服务督导周通报")
    expect(notice).to_contain_text("一、总体情况")
    expected = bulletin_text(report, "zh")
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
    assert_no_console_errors(page)
    assert_offline(page, demo_server)


def test_pdf_exports_are_stored_with_their_numbers(page, demo_server, report,
                                                   tmp_path) -> None:
    page.goto(f"{demo_server}/weekly?week={WEEK.label}")
    expect(page.locator("#weekly-ready")).to_be_attached()
    with page.expect_download(timeout=90_000) as download_info:
        page.locator("#weekly-pdf").click()
    path = tmp_path / "weekly.pdf"
    download_info.value.save_as(path)
    data = path.read_bytes()
    assert data.startswith(b"%PDF")
    text, reader = _pdf_text(data)
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    # A4 landscape: 297 x 210 mm, 842 x 595 points (chromium rounds to whole pixels).
    assert width == pytest.approx(842, abs=1.5) and height == pytest.approx(595, abs=1.5)
    for card in report.ranking("service_on_time_rate").cards:
        assert card.name in text
    assert "石首市农村公共服务督导周通报" in text
    assert "本周红色预警" in text

    # The export is listed with the week and reopens from its stored numbers.
    export_id = int(re.search(r"_(\d+)\.pdf$", download_info.value.suggested_filename).group(1))
    page.reload()
    exports = page.locator(".exports-list")
    expect(exports).to_contain_text(f"#{export_id}")
    with urllib.request.urlopen(f"{demo_server}/weekly/export/{export_id}.pdf") as response:
        assert hashlib.sha256(response.read()).hexdigest() == hashlib.sha256(data).hexdigest()
    page.goto(f"{demo_server}/weekly/export/{export_id}")
    expect(page.locator(".archive-notice")).to_contain_text(f"#{export_id}")
    shown = _cards(page, "service_on_time_rate")
    assert [c["code"] for c in shown] == [c.code for c in
                                          report.ranking("service_on_time_rate").cards]

    with urllib.request.urlopen(f"{demo_server}/weekly/{TIAOGUAN}/pdf?week={WEEK.label}",
                                timeout=90) as response:
        assert response.headers["Content-Type"] == "application/pdf"
        township_text, _ = _pdf_text(response.read())
    assert "调关镇周报" in township_text
    assert "按时办结率" in township_text


def test_a_bad_week_gets_a_clear_message(page, demo_server) -> None:
    page.goto(f"{demo_server}/weekly?week=2026-W60")
    expect(page.locator(".error")).to_contain_text("YYYY-Www")
    page.goto(f"{demo_server}/weekly/export/999999")
    expect(page.locator(".not-found")).to_be_visible()
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(f"{demo_server}/weekly/pdf?week=2027-W10")
    assert error.value.code == 400
    assert "尚未开始" in error.value.read().decode()
