"""Skills in context (issue 13 point 2): where a CV names a skill decides what it earns."""

from __future__ import annotations

import dataclasses

import pytest

from recruit.core.criteria.skill import (
    IN_MATCHING_JOB,
    IN_OLD_JOB,
    IN_OTHER_JOB,
    IN_SKILLS,
    IN_SUMMARY,
    NO_CONTEXT,
)
from recruit.core.domains import find_domain_words, near
from recruit.core.pipeline import analyse
from recruit.core.profile import Cue, Evidence, Experience, Position, Profile, Region, Skill
from recruit.core.roles import parse_requirements
from recruit.core.scoring import CriterionScore, load_role, score
from tests.cvgen import CvDocument, Section, render_pdf

TEXT = (
    "Summary: reliable and friendly\n"  # 0..30, summary
    "Skills: reports, loans\n"  # 31..53, skills
    "Bank Teller, City Bank 2018-2020\n"  # 54..86, experience (position 1)
    "Prepared reports daily\n"
    "Executive Chef, Diner 2020-2024\n"  # position 2
    "Prepared reports daily\n"
)


def at(word: str, nth: int = 0) -> Evidence:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(word, start + 1)
    return Evidence(1, start, start + len(word), word)


def placed(*mentions: Evidence, cues: bool = True) -> Profile:
    teller, chef = TEXT.index("Bank Teller"), TEXT.index("Executive Chef")
    return Profile(
        skills=(Skill("reporting", "reports", len(mentions), mentions),),
        experience=Experience(
            positions=(
                Position(
                    "Bank Teller",
                    "City Bank",
                    "2018-01",
                    "2020-01",
                    False,
                    False,
                    (Evidence(1, teller, teller + 11, "Bank Teller"),),
                ),
                Position(
                    "Executive Chef",
                    "Diner",
                    "2020-01",
                    "2024-01",
                    False,
                    False,
                    (Evidence(1, chef, chef + 14, "Executive Chef"),),
                ),
            )
        ),
        regions=(
            Region("summary", 0, 30),
            Region("skills", 31, 53),
            Region("experience", 54, len(TEXT)),
        ),
        cues=find_domain_words(TEXT) if cues else (),
    )


def scored(profile: Profile, **criterion: object) -> CriterionScore:
    """Score `profile` by one criterion of weight 5 with these fields."""
    requirements = parse_requirements(
        {"id": "t", "criteria": [{"id": "r", "weight": 5, **criterion}]}
    )
    (result,) = score(profile, requirements).criteria
    return result


def points(profile: Profile, **params: object) -> tuple[float, tuple[str, ...]]:
    result = scored(profile, type="skill", skills=["reporting"], **params)
    return result.points, result.evidence


def test_a_skill_earns_full_points_in_the_duties_of_a_matching_job_only() -> None:
    in_bank, in_kitchen = at("reports", 1), at("reports", 2)
    assert points(placed(in_bank), families=["banking"]) == (
        10,
        (f"{IN_MATCHING_JOB} ('Bank Teller'): 'reports' (page 1)",),
    )
    value, (line,) = points(placed(in_kitchen), families=["banking"])
    assert (value, line.startswith(f"{IN_OTHER_JOB} ('Executive Chef')")) == (5, True)
    # No families: any job's duties count in full.
    assert points(placed(in_kitchen))[0] == 10
    # The best mention wins, wherever it is listed.
    assert points(placed(in_kitchen, in_bank), families=["banking"])[0] == 10


def test_a_matching_job_that_ended_long_before_the_latest_is_background() -> None:
    # The teller's job ended in 2020-01, 48 months before the chef's latest month.
    in_bank = at("reports", 1)
    assert points(placed(in_bank), families=["banking"], stale_after=60)[0] == 10
    value, (line,) = points(placed(in_bank), families=["banking"], stale_after=36)
    assert (value, line.startswith(f"{IN_OLD_JOB} ('Bank Teller')")) == (5, True)
    # Not counted as another job's either: the job is its own context.
    assert (
        points(placed(in_bank), families=["banking"], context=["banking"], stale_after=36)[0] == 5
    )
    # A job still held is never background, however long ago it started.
    profile = placed(in_bank)
    teller, chef = profile.experience.positions
    held = dataclasses.replace(teller, end=None, current=True)
    profile = dataclasses.replace(profile, experience=Experience(positions=(held, chef)))
    assert points(profile, families=["banking"], stale_after=36)[0] == 10


def test_domain_words_of_a_job_that_ended_long_before_the_latest_do_not_count() -> None:
    def banking_words(stale_after: int) -> tuple[float, str]:
        result = scored(
            placed(), type="domain_words", domains=["banking"], target=2, stale_after=stale_after
        )
        return result.points, str(result.explanation)

    # "Bank Teller, City Bank": two words, in a job that ended 48 months before the latest.
    assert banking_words(0)[0] == banking_words(60)[0] == 10
    value, explanation = banking_words(36)
    assert value == 0
    assert explanation.endswith("none from jobs that ended over 36 months before the latest")


def test_a_skill_in_a_skills_list_or_summary_earns_the_partial_points() -> None:
    value, (line,) = points(placed(at("reports")), families=["banking"], partial=3)
    assert (value, line.startswith(IN_SKILLS)) == (3, True)
    summary = Evidence(1, 9, 17, "reliable")
    value, (line,) = points(placed(summary), families=["banking"], partial=2.5)
    assert (value, line.startswith(IN_SUMMARY)) == (2.5, True)


def test_a_generic_duty_counts_outside_a_matching_job_only_near_the_domain() -> None:
    # "reports" in the skills list stands next to "loans": a banking word.
    value, (line,) = points(placed(at("reports")), families=["banking"], context=["banking"])
    assert (value, line.startswith(IN_SKILLS)) == (5, True)
    # In the chef's duties no banking word is close: not counted, and it says so.
    value, (line,) = points(placed(at("reports", 2)), families=["banking"], context=["banking"])
    assert (value, line.startswith(NO_CONTEXT)) == (0, True)
    # Inside a matching job the job is the context.
    assert points(placed(at("reports", 1)), families=["banking"], context=["sales"])[0] == 10


def test_a_profile_read_before_regions_were_recorded_scores_as_before() -> None:
    old = Profile(skills=(Skill("reporting", "reports", 1, (at("reports", 2),)),))
    assert points(old, families=["banking"], context=["banking"]) == (
        10,
        ("'reports' (page 1)",),
    )


def test_domain_words_are_found_folded_and_near_only_within_the_window() -> None:
    text = "Consilier BĂNCII: credite și depozite bancare; vânzări" + " " * 200 + "client"
    cues = find_domain_words(text)
    assert [(c.domain, text[c.start : c.end]) for c in cues] == [
        ("banking", "BĂNCII"),
        ("banking", "credite"),
        ("banking", "depozite bancare"),
        ("sales", "vânzări"),
        ("sales", "client"),
    ]
    end = len(text)
    assert near(cues, ["sales"], end - 6, end) == Cue("sales", 1, end - 6, end, "client")
    assert near(cues, ["banking"], end - 6, end) is None
    assert near(cues, ["sales"], 0, 9, high=30) is None  # "vânzări" is past the section
    # A chef's banquet is no bank, a warehouse ("depozit") no deposit.
    assert find_domain_words("banchete, gestionar depozit, checking inventory") == ()


def test_domain_words_count_in_jobs_and_summary_not_in_skills_or_education() -> None:
    text = "Teller at a bank branch\nSkills: loans\nEducation: Banking and Finance\n"
    profile = Profile(
        regions=(
            Region("experience", 0, 23),
            Region("skills", 24, 37),
            Region("education", 38, len(text)),
        ),
        cues=find_domain_words(text),
    )
    result = scored(profile, type="domain_words", domains=["banking"], target=4)
    assert (result.points, result.passed) == (7.5, True)  # teller, bank, branch: 3 of 4
    assert result.evidence == ("3 words of Banking and credit: 'teller', 'bank', 'branch'",)
    assert [s.text for s in result.spans] == ["Teller", "bank", "branch"]


def _cv(headline: str, title: str, employer: str, duties: list[str], skills: str) -> bytes:
    return render_pdf(
        CvDocument(
            header=["Alex Morgan", headline, "alex.morgan@example.com"],
            main=[
                Section("Summary", ["Dependable professional with ten years of experience."]),
                Section(
                    "Work experience",
                    [f"Jan 2016 – Dec 2023\t{title} — {employer}, Springfield"]
                    + [f"• {d}" for d in duties],
                ),
                Section("Skills", [skills]),
            ],
        ),
        "single",
    )


@pytest.mark.slow
def test_a_teller_and_a_chef_on_the_bank_role_from_real_pdfs() -> None:
    teller = analyse(
        _cv(
            "Bank Teller",
            "Bank Teller",
            "First Savings",
            [
                "Prepared daily reports and balanced the cash drawer",
                "Advised customers on loans, credit cards and savings accounts",
            ],
            "Microsoft Excel, cash handling",
        ),
        "teller.pdf",
    ).profile
    chef = analyse(
        _cv(
            "Executive Chef",
            "Executive Chef",
            "Green Table Restaurant",
            [
                "Advised clients on menu selection for weddings and events",
                "Prepared weekly food cost reports for the owner",
            ],
            "Menu planning, consulting, inventory",
        ),
        "chef.pdf",
    ).profile
    assert teller is not None and chef is not None
    role = load_role("bank-account-manager")
    by_id = {
        name: {c.id: c for c in score(p, role).criteria} for name, p in (("t", teller), ("c", chef))
    }
    reports = by_id["t"]["documents_reports"]
    assert reports.points == 5  # reports, no documents: one of two
    assert reports.evidence[0].startswith(f"{IN_MATCHING_JOB} ('Bank Teller')")
    assert by_id["t"]["banking_products"].points == 10
    for cid in ("advising", "documents_reports"):
        criterion = by_id["c"][cid]
        assert (criterion.points, criterion.passed) == (0, False), cid
        assert all(line.startswith(NO_CONTEXT) for line in criterion.evidence), cid
    assert score(teller, role).total > score(chef, role).total + 30


def words(text: str) -> list[str]:
    """Return the domain words the CV text gives, as written."""
    return [c.text for c in find_domain_words(text)]


def test_weak_banking_words_count_only_beside_another_banking_word() -> None:
    assert words("Branch Logistics Manager for a regional warehouse") == []
    assert words("Accepted cash and credit card payments at the register") == []
    assert words("Earned 12 college credits in accounting") == []
    assert words("Filed bankruptcy petitions and prepared depositions") == []
    assert words("Bank Branch Manager") == ["Bank", "Branch"]
    assert words("Processed loans and credit card applications") == ["loans", "credit card"]
    # The window is about one line: a branch far from any banking word does not count.
    assert words("Opened the bank account." + " " * 200 + "Ran the branch.") == ["bank"]


def test_an_office_s_own_bookkeeping_with_its_bank_is_no_banking_work() -> None:
    assert words("Balanced monthly bank statements and credit card accounts") == []
    assert words("Reconciled bank accounts; prepared bank reconciliations") == []
    assert words("Reconcilierea extraselor bancare și reconcilieri bancare lunare") == []
    assert words("Counted the cash drawers and made the bank deposits; daily deposits") == []
    # A bank's own work still counts, beside the bookkeeping.
    assert words("Reconciled bank statements. Approved consumer loans at the bank") == [
        "loans",
        "bank",
    ]
