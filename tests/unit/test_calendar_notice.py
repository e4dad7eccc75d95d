from layouts.calendar_notice import calendar_notice

WARNING = ("2027年节假日安排尚未导入", "The holiday calendar for 2027 has not been imported")


def test_no_warning_draws_nothing() -> None:
    assert calendar_notice(None, "zh") is None


def test_the_warning_is_a_status_line_in_the_page_language() -> None:
    for lang, text in (("zh", WARNING[0]), ("en", WARNING[1])):
        notice = calendar_notice(WARNING, lang)
        assert notice is not None
        assert notice.children == text
        assert notice.className == "calendar-warning" and notice.role == "status"
