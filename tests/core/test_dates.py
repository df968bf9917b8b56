"""Date ranges as CVs write them, and months worked."""

from __future__ import annotations

import datetime

import pytest

from recruit.core import dates
from recruit.core.dates import find_date_ranges, month_str, months_between, total_months

DOC_DATE = datetime.date(2024, 6, 15)


@pytest.mark.parametrize(
    ("text", "start", "end", "current"),
    [
        ("03/2019 - prezent", "2019-03", "2024-06", True),
        ("2018 – 2021", "2018-01", "2021-12", False),
        ("Ian 2018 - Mar 2021", "2018-01", "2021-03", False),
        ("ianuarie 2018 – martie 2021", "2018-01", "2021-03", False),
        ("01.2018-03.2021", "2018-01", "2021-03", False),
        ("15.01.2018 - 31.03.2021", "2018-01", "2021-03", False),
        ("Jan 2018 – Present", "2018-01", "2024-06", True),
        ("since 2019", "2019-01", "2024-06", True),
        ("2019-now", "2019-01", "2024-06", True),
        ("03/2019 – în prezent", "2019-03", "2024-06", True),
        ("februarie 2020 - până în prezent", "2020-02", "2024-06", True),
        ("Sept. 2016 - Iunie 2017", "2016-09", "2017-06", False),
        ("Mai 2019 – current", "2019-05", "2024-06", True),
        ("2017-03 – 2019-11", "2017-03", "2019-11", False),
        ("din martie 2021", "2021-03", "2024-06", True),
        ("feb. 2015 — dec. 2016", "2015-02", "2016-12", False),
        ("June 2014 to August 2016", "2014-06", "2016-08", False),
        ("Team Leader 02/2015 to 02/2017 Company Name City", "2015-02", "2017-02", False),
        ("decembrie 2019 - noiembrie 2021", "2019-12", "2021-11", False),
        ("octombrie 2020 – now", "2020-10", "2024-06", True),
        ("Consultant , 08/2013 01/2016 Company Name", "2013-08", "2016-01", False),
        ("Consultant , 02/2016 Current Company Name", "2016-02", "2024-06", True),
        ("Team Lead 03/2019 till date", "2019-03", "2024-06", True),
        ("2015 ‒ 2017", "2015-01", "2017-12", False),
        # Real Romanian CVs and both Europass generations (issue 14).
        ("2010–prezent", "2010-01", "2024-06", True),
        ("din 2019", "2019-01", "2024-06", True),
        ("06.2019 – 03.2021", "2019-06", "2021-03", False),
        ("Iunie 2019 - Martie 2021", "2019-06", "2021-03", False),
        ("2019 - în prezent", "2019-01", "2024-06", True),
        ("2023 – CURRENT", "2023-01", "2024-06", True),
        ("sept. '18 – azi", "2018-09", "2024-06", True),
        ("Sept ’18 – Mar ’21", "2018-09", "2021-03", False),
        ("2019 – ÎN CURS", "2019-01", "2024-06", True),
        ("2019 – IN CURS", "2019-01", "2024-06", True),
        ("01/09/2019 – PREZENT", "2019-09", "2024-06", True),
        ("15/03/2021 – CURRENT", "2021-03", "2024-06", True),
        ("Martie 2019 - până azi", "2019-03", "2024-06", True),
        ("octombrie 2019 – în curs", "2019-10", "2024-06", True),
    ],
)
def test_each_date_format(text: str, start: str, end: str, current: bool) -> None:
    (found,) = find_date_ranges(text, DOC_DATE)
    assert (month_str(found.start), month_str(found.end), found.current) == (start, end, current)


def test_present_resolves_to_the_document_date() -> None:
    (found,) = find_date_ranges("03/2019 - present", datetime.date(2021, 2, 1))
    assert month_str(found.end) == "2021-02"


@pytest.mark.parametrize(
    "text",
    [
        "Tel. 0722 123 456",
        "2,000 clients",
        "18% in 2023",
        "Strada Unirii 2019",
        "1/2 time",
        "2010 2014 results",
        "03/2011 2013 awards",
        "sept. '18 clients",
        "Rock '18 festival",
    ],
)
def test_numbers_that_are_not_ranges(text: str) -> None:
    assert find_date_ranges(text, DOC_DATE) == []


def test_two_ranges_on_a_line_in_order() -> None:
    found = find_date_ranges("2010 - 2012 and 2014 - 2016", DOC_DATE)
    assert [month_str(r.start) for r in found] == ["2010-01", "2014-01"]


def test_months_include_both_ends() -> None:
    assert months_between((2019, 3), (2019, 3)) == 1
    assert months_between((2018, 1), (2021, 3)) == 39


def test_overlapping_jobs_count_once() -> None:
    # Jan 2018 - Dec 2019 and Jun 2019 - Jun 2020 overlap for 7 months.
    assert total_months([((2018, 1), (2019, 12)), ((2019, 6), (2020, 6))]) == 30
    assert total_months([((2018, 1), (2018, 12)), ((2018, 3), (2018, 4))]) == 12
    assert total_months([]) == 0


@pytest.mark.parametrize(
    ("text", "doc_date", "start", "end", "current", "months"),
    [
        # Found by the fuzzer: the end used to be clipped to the document's date (2000-01),
        # before the start. An explicit end is kept as written; months stop at the document.
        ("IAN2001 MAR2001", datetime.date(2000, 1, 1), "2001-01", "2001-03", False, 0),
        ("03/2019 - 12/2026", DOC_DATE, "2019-03", "2026-12", False, 64),
        ("2023 - 2025", DOC_DATE, "2023-01", "2025-12", False, 18),
        # "present" is the document's month, or the start when the job starts after it.
        ("05/2025 - prezent", DOC_DATE, "2025-05", "2025-05", True, 0),
        ("03/2019 - prezent", DOC_DATE, "2019-03", "2024-06", True, 64),
    ],
)
def test_ranges_past_the_document_date_never_end_before_they_start(
    text: str, doc_date: datetime.date, start: str, end: str, current: bool, months: int
) -> None:
    (found,) = find_date_ranges(text, doc_date)
    assert (month_str(found.start), month_str(found.end), found.current) == (start, end, current)
    assert found.start <= found.end
    until = (doc_date.year, doc_date.month)
    assert total_months([(found.start, found.end)], until) == months


def test_months_stop_at_the_document_date_and_are_never_negative() -> None:
    assert total_months([((2024, 1), (2030, 12))], (2024, 6)) == 6
    assert total_months([((2025, 1), (2025, 3))], (2024, 6)) == 0
    assert total_months([((2025, 1), (2024, 3))]) == 0  # start after end: nothing, not less
    assert total_months([((2024, 1), (2030, 12)), ((2025, 1), (2025, 3))], (2024, 6)) == 6


def test_a_lone_month_opens_a_line_and_is_no_range() -> None:
    today = datetime.date(2024, 6, 1)
    found = dates.lone_month("January 2014 Company Name", today)
    assert found is not None
    assert (found.start, found.end, found.current) == ((2014, 1), (2014, 1), False)
    assert dates.lone_month("03/2012 Northern Depot", today).start == (2012, 3)  # type: ignore[union-attr]
    assert dates.lone_month("Ian. 2019 Altex", today).start == (2019, 1)  # type: ignore[union-attr]
    assert dates.lone_month("January 2014 - March 2015 Company", today) is None  # a range
    assert dates.lone_month("2014 Company Name", today) is None  # a bare year says too little
    assert dates.lone_month("Company Name January 2014", today) is None
    assert dates.lone_month("July 2030 Company", today) is None  # after the document's date
