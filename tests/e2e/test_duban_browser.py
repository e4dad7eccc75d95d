"""The 督办 ledger in the browser, as the meeting uses it: a leader opens an item from a red
card on the weekly report, the township officer answers with an attachment, the supervisor
sends it back once and then closes it, and the weekly report counts it."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.fixtures.accounts import sign_in
from tests.fixtures.chromium import CONTEXT_OPTIONS

WEEK = "2026-W45"
OPENED_WEEK = "2026-W46"  # the week of DEMO_AS_OF, the demo server's today
TIAOGUAN = "421081105000"


def _page_as(chromium_browser, demo_server, credentials):
    context = chromium_browser.new_context(**CONTEXT_OPTIONS)
    sign_in(context, demo_server, credentials)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    return page


def _step(page, action: str, text: str = "") -> None:
    if text:
        page.fill("#duban-step-text", text)
    page.locator(f'button[id*="{action}"]').click()
    note = page.locator("#duban-step-result .duban-done")
    expect(note).to_be_visible()
    # The item below is redrawn in its new state, without a reload.
    expect(page.locator("#duban-detail .duban-facts-list")).to_have_attribute(
        "data-state", note.get_attribute("data-state"))


def test_a_red_card_is_followed_up_to_closing(chromium_browser, demo_server, demo_accounts,
                                              demo_database_url, tmp_path) -> None:
    leader = _page_as(chromium_browser, demo_server, demo_accounts["leader"])
    leader.goto(f"{demo_server}/weekly?week={WEEK}")
    expect(leader.locator("#weekly-ready")).to_be_attached()
    row = leader.locator(f'.attention-row[data-code="{TIAOGUAN}"]')
    if row.count() == 0:  # 调关镇 not on the first screen this week: its township page's link
        leader.goto(f"{demo_server}/duban?township={TIAOGUAN}&week={WEEK}&source=card"
                    "&indicator=service_on_time_rate&figure=99.7%25")
    else:
        row.locator(".duban-open-link").click()
    form = leader.locator(".duban-new")
    expect(form).to_contain_text("调关镇")
    expect(form).to_contain_text(WEEK)
    request = leader.locator("#duban-request")
    expect(request).not_to_have_value("")  # a suggested request, to edit
    request.fill("请说明按时办结率排名靠后的原因，提出整改措施。")
    leader.locator("#duban-create").click()
    done = leader.locator("#duban-create-result .duban-done")
    expect(done).to_contain_text("已交办")
    item_id = int(re.search(r"#(\d+)", done.inner_text()).group(1))
    # The list below now holds it, and the button is spent.
    expect(leader.locator("#duban-list")).to_contain_text("按时办结率")
    expect(leader.locator("#duban-create")).to_be_disabled()

    # The township officer sees it waiting (the badge), answers with an attachment.
    officer = _page_as(chromium_browser, demo_server, demo_accounts["township"])
    officer.goto(f"{demo_server}/duban")
    expect(officer.locator(".account-bar .duban-badge")).to_contain_text("待办督办")
    officer.goto(f"{demo_server}/duban/{item_id}")
    expect(officer.locator(".duban-request")).to_contain_text("按时办结率")
    attachment = tmp_path / "整改说明.pdf"
    attachment.write_bytes(b"%PDF-1.4\n% rectification note\n")
    officer.locator("#duban-upload input[type=file]").set_input_files(str(attachment))
    _step(officer, "answer", "已召开专题会，补派窗口人员，下周起按日通报。")
    # The leader's own steps are not the officer's: no accept button for them.
    officer.goto(f"{demo_server}/duban/{item_id}")
    expect(officer.locator('button[id*="close"]')).to_have_count(0)

    # The supervisor sends it back once, then accepts the second answer.
    supervisor = _page_as(chromium_browser, demo_server, demo_accounts["supervisor"])
    supervisor.goto(f"{demo_server}/duban/{item_id}")
    expect(supervisor.locator(".duban-facts-list")).to_have_attribute("data-state", "answered")
    expect(supervisor.locator(".duban-attachment")).to_contain_text("整改说明.pdf")
    download = supervisor.request.get(
        demo_server + supervisor.locator(".duban-attachment").get_attribute("href"))
    assert download.body().startswith(b"%PDF")
    _step(supervisor, "return", "请补充具体时限和责任人。")
    officer.goto(f"{demo_server}/duban/{item_id}")
    expect(officer.locator(".duban-facts-list")).to_have_attribute("data-state", "returned")
    _step(officer, "answer", "责任人：分管副镇长；11月20日前完成。")
    supervisor.goto(f"{demo_server}/duban/{item_id}")
    _step(supervisor, "close")
    supervisor.goto(f"{demo_server}/duban/{item_id}")
    facts = supervisor.locator(".duban-facts-list")
    expect(facts).to_have_attribute("data-state", "closed")
    steps = supervisor.locator(".duban-step")
    expect(steps).to_have_count(5)  # opened, answered, sent back, answered, closed

    # The week it was opened in (the server's pinned today, DEMO_AS_OF: 2026-W46) counts it
    # as opened and closed on time, for 调关镇.
    leader.goto(f"{demo_server}/weekly?week={OPENED_WEEK}")
    expect(leader.locator("#weekly-ready")).to_be_attached()
    section = leader.locator(".duban-week")
    expect(section).to_contain_text("督办事项办理情况")
    mine = section.locator(f'tr[data-code="{TIAOGUAN}"] td')
    assert int(mine.nth(0).inner_text()) >= 1  # opened
    assert int(mine.nth(1).inner_text()) >= 1  # closed on time
    # An item left past its due day shows on the wall.
    import datetime as dt

    from data_access.db import get_engine
    from data_access.duban import open_item
    # due 2026-11-09, before the demo's today
    open_item(get_engine(demo_database_url), TIAOGUAN, "请报送整改台账", OPENED_WEEK,
              dt.datetime(2026, 11, 2, 9, 0), subject="整改台账")
    leader.goto(f"{demo_server}/wall?rotate=3600&refresh=60")
    overdue = leader.locator(".wall-duban")
    expect(overdue).to_be_attached()
    assert int(overdue.get_attribute("data-count")) >= 1
    for page in (leader, officer, supervisor):
        assert not page.errors, page.errors
        page.context.close()


def test_a_worklist_row_is_followed_up(chromium_browser, demo_server, demo_accounts,
                                       demo_database_url) -> None:
    """A supervisor opens an item from a row of 调关镇's worklist: the form names the row, its
    deadline and the week, and the saved item keeps where it came from."""
    supervisor = _page_as(chromium_browser, demo_server, demo_accounts["supervisor"])
    supervisor.goto(f"{demo_server}/inspections/worklist?township={TIAOGUAN}")
    grid = supervisor.locator('[data-table="worklist"]')
    link = grid.locator('.ag-pinned-right-cols-container [col-id="action-duban_href"] a').first
    expect(link).to_have_text("督办")
    index = link.locator("xpath=ancestor::div[@row-index]").get_attribute("row-index")
    row = grid.locator(f'.ag-center-cols-container [row-index="{index}"]')
    subject = row.locator('[col-id="subject"]').inner_text()
    task = row.locator('[col-id="task_code"]').inner_text()
    due = row.locator('[col-id="due"]').inner_text()
    link.click()
    expect(supervisor).to_have_url(re.compile(r"/duban\?.*source=worklist"))
    form = supervisor.locator(".duban-new")
    for shown in ("调关镇", OPENED_WEEK, f"{subject}（{task}）", f"期限 {due}"):
        expect(form).to_contain_text(shown)
    expect(supervisor.locator("#duban-request")).to_have_value(re.compile(re.escape(subject)))
    supervisor.locator("#duban-create").click()
    done = supervisor.locator("#duban-create-result .duban-done")
    expect(done).to_contain_text("已交办")
    item_id = int(re.search(r"#(\d+)", done.inner_text()).group(1))
    expect(supervisor.locator("#duban-list")).to_contain_text(f"{subject}（{task}）")
    supervisor.goto(f"{demo_server}/duban/{item_id}")
    facts = supervisor.locator(".duban-facts-list")
    expect(facts).to_contain_text(f"{subject}（{task}）")
    expect(facts).to_contain_text(f"期限 {due}")

    from data_access.db import get_engine
    from data_access.duban import items_by_id
    item = items_by_id(get_engine(demo_database_url), item_id)
    assert item is not None and item["township_code"] == TIAOGUAN
    assert item["source"] == "worklist" and item["week"] == OPENED_WEEK
    assert item["indicator_id"] in ("overdue_rectifications", "inspection_rectification_rate",
                                    "inspection_disclosure_on_time_rate",
                                    "inspection_completion_rate")

    # The township officer's worklist lists the same rows without the link.
    officer = _page_as(chromium_browser, demo_server, demo_accounts["township"])
    officer.goto(f"{demo_server}/inspections/worklist")
    expect(officer.locator('[data-table="worklist"] .ag-row').first).to_be_visible()
    expect(officer.locator('[col-id="action-duban_href"]')).to_have_count(0)
    for page in (supervisor, officer):
        assert not page.errors, page.errors
        page.context.close()
