"""Title and employer as real resumes write them (issue 13, point 6), and the lines that are
no position at all."""

from __future__ import annotations

import datetime

import pytest

from recruit.core.extraction import _title_and_employer, extract_profile

DOC_DATE = datetime.date(2024, 6, 15)


def _positions(text: str) -> list[tuple[str | None, str | None, str | None, str | None]]:
    profile = extract_profile(text, doc_date=DOC_DATE)
    return [(p.title, p.employer, p.start, p.end) for p in profile.experience.positions]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # Title Company City , State, all on the date line.
        (
            "Experience\nSales Associate Company Name City , State 02/2016 - 05/2019\n",
            [("Sales Associate", "Company Name", "2016-02", "2019-05")],
        ),
        # The title on the line after the dates, then the employer and its city.
        (
            "Experience\n01/2016 to 05/2019\nBusiness Banking Specialist Bank Name City\n",
            [("Business Banking Specialist", "Bank Name City", "2016-01", "2019-05")],
        ),
        (
            "Experience\n01/2016 to 05/2019\nPersonal Banker First Bank Springfield, IL\n",
            [("Personal Banker", "First Bank", "2016-01", "2019-05")],
        ),
        (
            "Experience\n02/2016 - 05/2019 Account Manager at Orange Romania\n",
            [("Account Manager", "Orange Romania", "2016-02", "2019-05")],
        ),  # fmt: skip
        # Company - Title above a line of place and dates.
        (
            "Work History\nCompany Name - Sales Associate\nCity , State 02/2020 - 05/2022\n"
            "Engaged with customers\n",
            [("Sales Associate", "Company Name", "2020-02", "2022-05")],
        ),
        # Title, employer, place and dates, each on a line of its own.
        (
            "Work History\nBranch Manager Vice President\nCompany Name\nCity , State\n"
            "April 2007 to June 2011\nSupervised branch operations.\nLead Teller\n"
            "First Bank\nSpringfield, IL\nJune 1999 to April 2007\nBalanced the vault.\n",
            [
                ("Branch Manager Vice President", "Company Name", "2007-04", "2011-06"),
                ("Lead Teller", "First Bank", "1999-06", "2007-04"),
            ],
        ),
        # Company | place Title dates.
        (
            "Experience\nCompany Name | City , State Parts Salesman 02/2002 - 08/2010\n",
            [("Parts Salesman", "Company Name", "2002-02", "2010-08")],
        ),
        (
            "Experience\nOrange Romania | Account Manager | 2019 - 2021\n"
            "Vodafone | Sales Agent | 2016 - 2019\n",
            [
                ("Account Manager", "Orange Romania", "2019-01", "2021-12"),
                ("Sales Agent", "Vodafone", "2016-01", "2019-12"),
            ],
        ),
        # Dates above "Title Employer - place": the title ends at its occupation's noun, in
        # any trade (an examiner, a coach, a cook), not at the first title word it holds.
        (
            "Experience\n12/2007 to current\nBank Examiner Company Name - City , State\n"
            "Examined loan files.\n08/2013 to current\nAssistant Basketball Coach Company Name"
            " - City , State\nTrained the team.\n05/2012 to 09/2012\nDishwasher/Cook Company "
            "Name - City , State\nPrepared meals.\n01/2011 to 05/2011\nInternship Company Name"
            " - City , State\nFiled records.\n",
            [
                ("Bank Examiner", "Company Name", "2007-12", "2024-06"),
                ("Assistant Basketball Coach", "Company Name", "2013-08", "2024-06"),
                ("Dishwasher/Cook", "Company Name", "2012-05", "2012-09"),
                ("Internship", "Company Name", "2011-01", "2011-05"),
            ],
        ),
        (
            "Experiența profesională\n2015 - 2019\nBucătar Restaurant Name SRL\n"
            "2012 - 2015\nAntrenor fitness Sala Name SRL\n",
            [
                ("Bucătar", "Restaurant Name SRL", "2015-01", "2019-12"),
                ("Antrenor fitness", "Sala Name SRL", "2012-01", "2015-12"),
            ],
        ),
        # Months after a short title open an entry however long the line runs on.
        (
            "Experience\nFloor Construction Worker (all round) , 06/2015 to 11/2016 Company "
            "Name City , State\nCleaned the site.\nSales Merchandiser 05/2013 to 05/2015 "
            "Company Name City , State placed marketing materials in stores and planned "
            "displays with the managers\n",
            [
                ("Floor Construction Worker (all round)", "Company Name", "2015-06", "2016-11"),
                ("Sales Merchandiser", "Company Name", "2013-05", "2015-05"),
            ],
        ),
        # A title the lexicon does not know, alone above dates that name the employer.
        (
            "Experience\nWebmaster\nJuly 2009 to November 2012 Company Name City , State\n",
            [("Webmaster", "Company Name", "2009-07", "2012-11")],
        ),
        # Old Europass labels, Romanian and English.
        (
            "Experiența profesională\nPerioada 2019 - 2021\nFuncția sau postul ocupat Manager de "
            "cont\nNumele și adresa angajatorului Orange România, București\n",
            [("Manager de cont", "Orange România", "2019-01", "2021-12")],
        ),
        (
            "Work experience\nDates 2019 - 2021\nOccupation or position held Account Manager\n"
            "Name and address of employer Orange Romania, Bucharest\n",
            [("Account Manager", "Orange Romania", "2019-01", "2021-12")],
        ),
    ],
)
def test_title_and_employer(text: str, want: list[tuple[str, str, str, str]]) -> None:
    assert _positions(text) == want


def test_a_project_entry_s_sub_headings_and_numbered_items_are_no_positions() -> None:
    text = (
        "Experience\nJan 2019 - Jun 2024\nProject Manager, Accenture\n"
        "Client Description: a large retail bank\nRoles and responsibilities\n"
        "1. Managed the delivery team of 12\n2. 2018 - 2019 migration of the CRM\n"
    )
    assert _positions(text) == [("Project Manager", "Accenture", "2019-01", "2024-06")]


def test_sub_headings_are_never_title_or_employer() -> None:
    text = "Experience\n2019 - 2021\nClient Description\nRoles and responsibilities\n"
    assert _positions(text) == [(None, None, "2019-01", "2021-12")]


def test_numbered_entries_are_still_entries() -> None:
    text = (
        "Professional Experience\n1. 2015 - 2017 Sales Agent, Altex\n"
        "2. 2017 - 2019 Store Manager, Flanco\n"
    )
    assert _positions(text) == [
        ("Sales Agent", "Altex", "2015-01", "2017-12"),
        ("Store Manager", "Flanco", "2017-01", "2019-12"),
    ]


def test_an_employer_alone_is_no_title() -> None:
    text = "Experience\nJune 2012 to May 2014 Company Name City , State\n• Generated accounts\n"
    assert _positions(text) == [(None, "Company Name", "2012-06", "2014-05")]


def test_a_wrapped_skill_is_no_heading() -> None:
    text = (
        "Experience\n2019 - 2021 Sales Agent, Altex\nListening\nskills\n2016 - 2019 Cashier, Lidl\n"
    )
    assert [p[0] for p in _positions(text)] == ["Sales Agent", "Cashier"]


def test_a_rank_before_a_comma_and_a_field_of_work_is_one_title() -> None:
    assert _title_and_employer(["Director", "Business Development"]) == (
        "Director, Business Development",
        None,
    )
    assert _title_and_employer(["Director", "Business Development", "Company Name"]) == (
        "Director, Business Development",
        "Company Name",
    )
    # An employer after the comma stays the employer.
    assert _title_and_employer(["Director", "Company Name"]) == ("Director", "Company Name")
    assert _title_and_employer(["Sales Manager", "Company Name"]) == (
        "Sales Manager",
        "Company Name",
    )
    # Wherever the pair stands on the entry's line, and with a rank's abbreviation.
    assert _title_and_employer(["Company Name", "SVP", "Regional Sales Director"]) == (
        "SVP, Regional Sales Director",
        "Company Name",
    )
    text = "Experience\nCompany Name September 2014 to May 2019 Director, Business Development\n"
    assert _positions(text) == [
        ("Director, Business Development", "Company Name", "2014-09", "2019-05")
    ]


def test_a_field_of_work_with_an_employer_word_still_joins_its_rank() -> None:
    # "Group" names employers ("Orange Group"), yet "Group Account Manager" is a title: as many
    # title words as employer words after a rank's comma keep the title whole.
    assert _title_and_employer(["Company Name", "VP", "Group Account Manager"]) == (
        "VP, Group Account Manager",
        "Company Name",
    )
    text = "Experience\nCompany Name March 2015 to June 2018 AVP, Group Account Manager\n"
    assert _positions(text) == [
        ("AVP, Group Account Manager", "Company Name", "2015-03", "2018-06")
    ]
    # An employer after the comma, with its employer word and no title word, stays one.
    assert _title_and_employer(["Manager", "Orange Group"]) == ("Manager", "Orange Group")
    assert _title_and_employer(["Director", "Raiffeisen Bank"]) == ("Director", "Raiffeisen Bank")


def test_a_hyphened_compound_counts_the_words_it_joins() -> None:
    # "Manager-Consumer" is a title word and a field; "Co-Founder" a founder.
    assert _title_and_employer(
        ["Company Name", "VP", "District Manager-Consumer Lending Group"]
    ) == (
        "VP, District Manager-Consumer Lending Group",
        "Company Name",
    )
    text = "Experience\n2016 - 2020\nCo-Founder Company Name City , State\n"
    assert _positions(text) == [("Co-Founder", "Company Name", "2016-01", "2020-12")]


def test_a_job_with_one_date_lasted_that_month() -> None:
    text = (
        "Experience\nSales\nJanuary 2014 Company Name City , State\nInformed customers.\n"
        "Warehouse Clerk\nMarch 2012 Northern Depot\nLoaded the vans.\n"
    )
    assert _positions(text) == [
        ("Sales", "Company Name", "2014-01", "2014-01"),
        ("Warehouse Clerk", "Northern Depot", "2012-03", "2012-03"),
    ]
    # A dated sentence in a job's duties is no job; a range on the line wins over its start.
    text = "Experience\nSales Agent, 2016 - 2019\nSeptember 2017 promoted to the key accounts.\n"
    assert _positions(text) == [("Sales Agent", None, "2016-01", "2019-12")]


def test_duties_run_on_after_the_place_of_the_entry() -> None:
    text = (
        "Experience\n03/2016 to 05/2019\nSales Coordinator Company Name City , State Able to "
        "operate material handling equipment and match paint colors when asked by customers.\n"
        "02/2008 to 02/2016\nMaintenance Chief Company Name City , State\nManaged 9 people.\n"
    )
    assert _positions(text) == [
        ("Sales Coordinator", "Company Name", "2016-03", "2019-05"),
        ("Maintenance Chief", "Company Name", "2008-02", "2016-02"),
    ]


def test_a_part_named_like_an_employer_is_not_the_title_beside_one_that_is_not() -> None:
    # A title the lexicon does not know still beats a part that reads as an employer.
    assert _title_and_employer(["Company Name", "Airman/Cryptologic Linguist"]) == (
        "Airman/Cryptologic Linguist",
        "Company Name",
    )
    assert _title_and_employer(["Banca Transilvania SA", "Casier"]) == (
        "Casier",
        "Banca Transilvania SA",
    )


def test_a_bullet_dash_before_a_title_is_no_part_of_it() -> None:
    text = "Experience\nLexisNexis May 2012 to July 2015 - Territory Manager\n"
    assert _positions(text) == [("Territory Manager", "LexisNexis", "2012-05", "2015-07")]


def test_a_comma_inside_parentheses_parts_nothing() -> None:
    text = "Experience\n2016 - 2019 Area Sales Manager (Cluj, Bihor), Orange Romania\n"
    assert _positions(text) == [
        ("Area Sales Manager (Cluj, Bihor)", "Orange Romania", "2016-01", "2019-12")
    ]


@pytest.mark.parametrize(
    "duty",
    [
        "• Grew the deposit book by half and\ndoubled card sales from 2016 to 2018.",
        "• Trained the new tellers of the region while posted\nin Iasi in 2019-2020.",
    ],
)
def test_years_closing_a_sentence_of_duties_are_no_entry(duty: str) -> None:
    text = f"Experience\nJan 2015 - Jun 2021\nPersonal Banker, Banca Transilvania\n{duty}\n"
    assert _positions(text) == [("Personal Banker", "Banca Transilvania", "2015-01", "2021-06")]


def test_an_entry_line_ending_in_its_years_is_still_an_entry() -> None:
    text = "Experience\nPersonal Banker, Banca Transilvania 2015 - 2021\n"
    assert _positions(text) == [("Personal Banker", "Banca Transilvania", "2015-01", "2021-12")]


def test_months_inside_a_long_duty_open_no_entry() -> None:
    text = (
        "Experience\nStore Manager, 01/2016 - 12/2020 Company Name\nGrew the store's card "
        "sales from 01/2017 to 06/2018 by training every cashier to offer the card at the "
        "register\n"
    )
    assert _positions(text) == [("Store Manager", "Company Name", "2016-01", "2020-12")]
