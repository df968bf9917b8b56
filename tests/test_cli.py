"""The command-line contract of ARCHITECTURE.md, end to end on generated PDFs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests import cvgen
from tests.cvgen import CvDocument, Section

ROLE_FIT = {
    "account-manager": [
        "Negociere și încheierea contractelor cu clienții, oferte comerciale personalizate",
        "Gestionarea portofoliului de clienți și prospectarea clienților noi",
        "CRM Salesforce, Microsoft Excel, comunicare și rezistență la stres",
    ],
    "bank-account-manager": [
        "Îndeplinirea planului de vânzări, procesarea comenzilor și oferte comerciale",
        "Consilierea clienților privind credite, carduri și depozite",
        "Întocmirea documentelor și rapoartelor, monitorizarea contractelor",
    ],
    "telecom-retail-manager": [
        "Consilierea clienților privind abonamente, portări, telefoane și accesorii",
        "Încasări la casa de marcat, inventar și menținerea ordinii în magazin",
        "Răbdare și comunicare cu clienții",
    ],
    "corporate-account-manager": [
        "Prospectarea companiilor, întâlniri cu clienții, prezentări și oferte",
        "Participarea la expoziții și evenimente, negocierea contractelor",
        "Corespondență de afaceri, raportare lunară, relații pe termen lung cu clienții",
    ],
    "customer-service-manager": [
        "Căutarea clienților noi, întâlniri, negociere și consilierea clienților",
        "Preluarea apelurilor și e-mailurilor, evidența clienților, contracte",
        "Operare PC, sociabilitate, limba engleză",
    ],
}


def _fit_cv(role: str) -> CvDocument:
    return CvDocument(
        header=["Ioana Mărgărit", "Manager de cont", "Telefon: 0722 123 456"],
        main=[
            Section(
                "Experiență profesională",
                [
                    "ian. 2016 – prezent\tAccount Manager — Alfa Distribuție SRL, București",
                    *(f"• {line}" for line in ROLE_FIT[role]),
                    "mar. 2012 – dec. 2015\tAgent vânzări — Beta Comerț SRL, Ploiești",
                    "• Vânzări directe către clienți și negocierea contractelor",
                ],
            ),
            Section(
                "Educație și formare",
                ["2008 – 2011\tLicență în Științe Economice — Universitatea din București"],
            ),
        ],
        side=[
            Section("Limbi străine", ["Engleză — C1", "Franceză — B1"]),
            Section("Permis de conducere", ["Categoria B, mașină proprie"]),
        ],
    )


CHEF = CvDocument(
    header=["Radu Bucătaru", "Bucătar șef", "Telefon: 0733 456 789"],
    main=[
        Section(
            "Experiență profesională",
            [
                "2014 – 2023\tBucătar șef — Restaurant La Ceaun, Sibiu",
                "• Pregătirea meniurilor, coordonarea bucătăriei și a aprovizionării cu carne",
                "• Gătit tradițional românesc, patiserie și deserturi",
            ],
        ),
        Section("Educație și formare", ["2008 – 2011\tȘcoala profesională de bucătari, Sibiu"]),
    ],
)


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", "from recruit.cli import main; main()", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
        env=env,
    )


def _lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("cvs")
    files = {
        "ro.pdf": cvgen.render_pdf(cvgen.sample_cvs()["ro"], "sidebar_left", file_order="rows"),
        "en.pdf": cvgen.render_pdf(cvgen.sample_cvs()["en"], "two_column"),
        "ro.docx": cvgen.render_docx(cvgen.sample_cvs()["ro_plain"]),
        "encrypted.pdf": cvgen.encrypted_pdf(),
        "truncated.pdf": cvgen.truncated_pdf(),
        "photo.pdf": cvgen.gif_bytes(),
        "scan.pdf": cvgen.image_only_pdf(),
        "cv.odt": cvgen.odt_bytes(),
        "chef.pdf": cvgen.render_pdf(CHEF, "single"),
    }
    for role in ROLE_FIT:
        files[f"fit-{role}.pdf"] = cvgen.render_pdf(_fit_cv(role), "europass")
    paths = {}
    for name, data in files.items():
        paths[name] = folder / name
        paths[name].write_bytes(data)
    return paths


@pytest.mark.slow
def test_parse_prints_one_object_per_file_in_input_order(corpus: dict[str, Path]) -> None:
    names = [
        "ro.pdf",
        "encrypted.pdf",
        "en.pdf",
        "truncated.pdf",
        "photo.pdf",
        "scan.pdf",
        "cv.odt",
        "ro.docx",
    ]
    result = _run("parse", "--jobs", "2", *(str(corpus[n]) for n in names))
    assert result.returncode == 0, result.stderr[-3000:]
    records = _lines(result.stdout)
    assert [Path(r["file"]).name for r in records] == names
    by = {Path(r["file"]).name: r for r in records}
    ro = by["ro.pdf"]
    assert ro["status"] == "ok" and ro["language"] == "ro" and ro["pages"] >= 1
    assert ro["name"] == "Ana-Maria Popescu"
    assert "+40722123456" in ro["phones"] and "ana.popescu@example.ro" in ro["emails"]
    assert {"negotiation", "salesforce"} <= {s["id"] for s in ro["skills"]}
    assert ro["education"]["highest"] == "bachelor"
    assert {"code": "en", "level": "C1", "skill_levels": {}} in ro["languages"]
    assert ro["driving_licence"] == ["B"]
    assert ro["experience"]["positions"][0]["current"] is True
    assert by["en.pdf"]["language"] == "en" and by["en.pdf"]["status"] == "ok"
    assert by["ro.docx"]["status"] == "ok" and by["ro.docx"]["language"] == "ro"
    expected = {
        "encrypted.pdf": ("error", "encrypted"),
        "truncated.pdf": ("error", "corrupt"),
        "photo.pdf": ("error", "not_a_pdf"),
        "cv.odt": ("error", "unsupported_type"),
    }
    # A scan is read by OCR where Tesseract is installed (its header lines are small and
    # blurry: a person checks them), and kept for a person where it is not.
    scan = by["scan.pdf"]
    assert scan["status"] == "needs_review", scan
    assert scan["error"]["code"] in ("ocr_low_confidence", "no_text_layer")
    assert (scan["ocr_confidence"] is None) == (scan["error"]["code"] == "no_text_layer")
    assert by["ro.pdf"]["ocr_confidence"] is None
    for name, (status, code) in expected.items():
        assert (by[name]["status"], by[name]["error"]["code"]) == (status, code), name
        assert by[name]["error"]["message"] and by[name]["sha256"]
        assert by[name]["skills"] == [] and by[name]["name"] is None


# ARCHITECTURE.md's `parse` object: scripts rely on these keys; fields are only ever added.
CONTRACT = {
    "file", "status", "error", "sha256", "pages", "language", "name", "emails", "phones",
    "links", "skills", "experience", "education", "languages", "driving_licence", "typos",
}  # fmt: skip
CEFR_ORDER = ["listening", "reading", "spoken_interaction", "spoken_production", "writing"]


def _volunteer_cv() -> CvDocument:
    return CvDocument(
        header=["Ioana Marin", "Consilier clienți", "Telefon: 0722 123 456"],
        main=[
            Section(
                "Experiență profesională",
                ["ian. 2019 – dec. 2023\tConsilier clienți — Banca Comercială Română, Iași"],
            ),
            Section(
                "Voluntariat",
                [
                    "sept. 2015 – iun. 2017\tVoluntar — Crucea Roșie Română, Iași",
                    "• Strângere de fonduri și organizarea evenimentelor",
                ],
            ),
            Section(
                "Educație și formare",
                ["2015 – 2018\tLicență în Științe Economice — Universitatea Alexandru Ioan Cuza"],
            ),
        ],
    )


@pytest.mark.slow
def test_parse_gives_what_the_extractor_reads_now_as_added_fields(
    corpus: dict[str, Path], tmp_path: Path
) -> None:
    """Per-skill CEFR levels, studies under way, volunteering apart, and how a file was read."""
    from tests.core.test_europass_layouts import ENGLISH_RO, ROMANIAN
    from tests.core.test_europass_xml import ATTACHMENT, EUROPASS, _page_of

    files = {
        "europass.pdf": cvgen.render_europass(ROMANIAN, "2013"),
        "volunteer.pdf": cvgen.render_pdf(_volunteer_cv(), "single"),
    }
    with_xml = EUROPASS.is_dir()  # ../shared/data/europass: the editor's own example XML
    if with_xml:
        xml = (EUROPASS / "Europass_CV_V3.1.0_Example.xml").read_bytes()
        page = cvgen.render_pdf(_page_of(xml), "europass")
        files["xml.pdf"] = cvgen.attach_files(page, [(ATTACHMENT, xml)])
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    paths = [str(tmp_path / n) for n in files] + [
        str(corpus[n]) for n in ("scan.pdf", "encrypted.pdf")
    ]
    result = _run("parse", "--jobs", "1", *paths)
    assert result.returncode == 0, result.stderr[-3000:]
    by = {Path(r["file"]).name: r for r in _lines(result.stdout)}
    for record in by.values():
        assert set(record) >= CONTRACT and "read" in record
        assert {"total_months", "sales_months", "positions"} <= set(record["experience"])
        assert {"highest", "entries"} <= set(record["education"])

    grid = by["europass.pdf"]
    english = next(lang for lang in grid["languages"] if lang["code"] == "en")
    assert english["level"] == "B2"  # the median of the grid, as before
    assert english["skill_levels"] == ENGLISH_RO
    assert list(english["skill_levels"]) == CEFR_ORDER  # in the grid's order
    education = grid["education"]
    assert (education["highest"], education["in_progress"]) == ("bachelor", "master")
    assert [(e["level"], e["in_progress"]) for e in education["entries"]] == [
        ("master", True),
        ("bachelor", False),
    ]
    assert grid["read"] == {
        "media_type": "application/pdf",
        "ocr": False,
        "europass_xml": False,
        "unmapped_glyphs": 0,
        "replaced_characters": 0,
    }

    volunteer = by["volunteer.pdf"]["experience"]
    assert [p["title"] for p in volunteer["positions"]] == ["Consilier clienți"]
    assert volunteer["total_months"] == 60  # 2019-01 .. 2023-12: volunteering adds nothing
    assert [(p["title"], p["start"], p["end"]) for p in volunteer["volunteering"]] == [
        ("Voluntar", "2015-09", "2017-06")
    ]
    assert volunteer["volunteer_months"] == 22
    assert set(volunteer["volunteering"][0]) == set(volunteer["positions"][0])

    if with_xml:
        assert by["xml.pdf"]["read"]["europass_xml"] is True
    # A file with nothing read has the new fields too, empty: null, [], {} or false.
    for name in ("scan.pdf", "encrypted.pdf"):
        record = by[name]
        assert record["experience"]["volunteering"] == []
        assert record["experience"]["volunteer_months"] == 0
        assert record["education"]["in_progress"] is None
        assert record["read"]["europass_xml"] is False
    assert by["encrypted.pdf"]["read"]["ocr"] is False
    # A scan is read by OCR where ocrmypdf is installed (the record says which happened).
    assert isinstance(by["scan.pdf"]["read"]["ocr"], bool)
    assert by["scan.pdf"]["read"]["media_type"] == "application/pdf"


@pytest.mark.slow
def test_parse_is_deterministic_and_text_is_comma_below(corpus: dict[str, Path]) -> None:
    first = _run("parse", "--text", "--jobs", "1", str(corpus["ro.pdf"]))
    second = _run("parse", "--text", "--jobs", "1", str(corpus["ro.pdf"]))
    assert first.returncode == 0 and first.stdout == second.stdout
    text = _lines(first.stdout)[0]["text"]
    assert "ș" in text and "ț" in text and not set("şţŞŢ") & set(text)


def test_parse_usage_error_exits_2(tmp_path: Path) -> None:
    result = _run("parse", str(tmp_path / "missing.pdf"))
    assert result.returncode == 2 and result.stdout == ""


@pytest.mark.slow
def test_typos_contract(tmp_path: Path) -> None:
    doc = CvDocument(
        header=["Maria Ionescu"],
        main=[
            Section(
                "Experiență profesională",
                [
                    "2019 – prezent\tAgent vânzări — Gama SRL",
                    "• Negocierea contarctelor cu clienții și urmărirea vânzărilor",
                ],
            )
        ],
    )
    path = tmp_path / "typo.pdf"
    path.write_bytes(cvgen.render_pdf(doc, "single"))
    result = _run("typos", str(path))
    assert result.returncode == 0, result.stderr[-2000:]
    (record,) = _lines(result.stdout)
    assert set(record) >= {"file", "typos", "missing_diacritics"}
    assert [t["found"] for t in record["typos"]] == ["contarctelor"]
    assert record["typos"][0]["suggestion"] == "contractelor"


@pytest.mark.slow
def test_rank_puts_a_fitting_candidate_above_a_chef_for_every_role(
    corpus: dict[str, Path],
) -> None:
    roles = _run("roles").stdout.split()
    assert sorted(roles) == sorted(ROLE_FIT)
    for role in roles:
        files = [str(corpus["chef.pdf"]), str(corpus["photo.pdf"]), str(corpus[f"fit-{role}.pdf"])]
        result = _run("rank", "--role", role, "--jobs", "1", *files)
        assert result.returncode == 0, result.stderr[-2000:]
        records = _lines(result.stdout)
        assert [Path(r["file"]).name for r in records] == [
            f"fit-{role}.pdf",
            "chef.pdf",
            "photo.pdf",
        ], role
        fit, chef, unread = records
        assert fit["rank"] == 1 and fit["score"] > chef["score"] + 20, (role, fit, chef)
        assert all({"id", "weight", "points", "evidence"} <= set(c) for c in fit["criteria"])
        # Scores print with one decimal, as people read them (they printed with 14).
        numbers = re.findall(r'"(?:score|points)": (-?[\d.]+)', result.stdout)
        assert numbers and all(len(n.partition(".")[2]) <= 1 for n in numbers), numbers
        assert unread["rank"] is None and unread["error"]["code"] == "not_a_pdf"


def test_rank_with_a_bad_weights_file_is_a_usage_error(tmp_path: Path) -> None:
    bad = tmp_path / "weights.json"
    bad.write_text('{"id": "x", "label": "x", "criteria": []}')
    cv = tmp_path / "cv.pdf"
    cv.write_bytes(b"%PDF-1.4")
    result = _run("rank", "--role", "account-manager", "--weights", str(bad), str(cv))
    assert result.returncode == 2 and result.stdout == ""
    assert "criteri" in result.stderr


# --- start-up: a one-shot command loads what it needs and nothing else (issue 16) -------------

LOADED = """
import sys
from recruit.cli import main
from recruit.core import readahead
from recruit.core.reading import sandbox
readahead.core_to_spare = lambda: True  # as on a machine with an idle core, whatever its load
main(sys.argv[1:], standalone_mode=False)
heavy = ("flask", "sqlalchemy", "wordfreq", "spacy", "numpy", "pdfplumber")
print("LOADED=" + ",".join(sorted(m for m in heavy if m in sys.modules)), file=sys.stderr)
hosts = sum(len(pool.idle) for pool in sandbox._POOLS)
print(f"READER_CHILDREN={hosts}", file=sys.stderr)
"""


def _loaded(*args: str) -> tuple[set[str], int, str]:
    run = subprocess.run(
        [sys.executable, "-c", LOADED, *args], capture_output=True, text=True, timeout=600
    )
    assert run.returncode == 0, run.stderr[-2000:]
    lines = dict(line.split("=", 1) for line in run.stderr.splitlines() if "=" in line)
    return set(filter(None, lines["LOADED"].split(","))), int(lines["READER_CHILDREN"]), run.stdout


def test_roles_loads_neither_flask_nor_the_database_nor_numpy() -> None:
    loaded, children, out = _loaded("roles")
    assert "account-manager" in out.split()
    assert loaded == set()


def test_parse_of_one_file_reads_it_in_a_fork_without_flask(tmp_path: Path) -> None:
    cv = tmp_path / "en.pdf"
    cv.write_bytes(cvgen.render_pdf(cvgen.sample_cvs()["en"], "two_column"))
    _loaded("parse", str(cv))  # the first start may build the on-disk cache
    loaded, children, out = _loaded("parse", str(cv))
    [record] = _lines(out)
    assert record["status"] == "ok" and record["skills"]
    # No Flask or database, no wordfreq (its tables come from the cache), no reader child:
    # the file was read by a fork made before spaCy's import (pdfplumber is loaded there only).
    assert loaded == {"spacy", "numpy"}
    assert children == 0


def test_spacy_is_imported_without_its_command_line() -> None:
    code = (
        "import sys, recruit.core.nlp, spacy\n"
        "print('spacy.cli' in sys.modules, 'requests' in sys.modules)\n"
        "print(spacy.info()['spacy_version'] == spacy.__version__)\n"
        "from spacy.cli.info import info_model\n"
        "print(callable(info_model))"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    # spaCy's own `info` and the rest of its command line still work when asked for.
    assert run.stdout.split() == ["False", "False", "True", "True"]


def test_parse_of_two_files_reads_them_in_reader_children(tmp_path: Path) -> None:
    paths = []
    for name in ("en", "ro"):
        paths.append(tmp_path / f"{name}.pdf")
        paths[-1].write_bytes(cvgen.render_pdf(cvgen.sample_cvs()[name], "single"))
    loaded, children, out = _loaded("parse", "--jobs", "1", *map(str, paths))
    assert [r["status"] for r in _lines(out)] == ["ok", "ok"]
    assert children == 1


PAGES = ("recruit.web.api", "recruit.web.recruiter", "recruit.web.security", "flask_smorest")
COMMAND_APP = f"""
import sys
from recruit.cli import main
main(sys.argv[1:], standalone_mode=False)
print("PAGES=" + ",".join(m for m in {PAGES!r} if m in sys.modules), file=sys.stderr)
"""


def test_instance_commands_other_than_serve_start_without_the_web_pages(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RECRUIT_")}
    env.update(
        RECRUIT_DATABASE_URL=f"sqlite:///{tmp_path / 'cli.db'}",
        RECRUIT_INSTANCE_PATH=str(tmp_path / "instance"),
        RECRUIT_UPLOAD_DIR=str(tmp_path / "uploads"),
        RECRUIT_SECRET_KEY="cli-test",
    )
    for args, wanted in ((["db", "upgrade"], ""), (["opening", "list"], ""), (["routes"], None)):
        run = subprocess.run(
            [sys.executable, "-c", COMMAND_APP, *args],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
        )
        assert run.returncode == 0, run.stderr[-2000:]
        [pages] = [line for line in run.stderr.splitlines() if line.startswith("PAGES=")]
        if wanted is None:  # Flask's own commands get the whole app: `routes` lists the pages
            assert "recruit.web.api" in pages and "/openings" in run.stdout
        else:
            assert pages == "PAGES=" + wanted


def test_the_app_of_a_command_has_the_instance_without_the_pages(tmp_path: Path) -> None:
    from recruit.web.app import create_app

    env = {
        "RECRUIT_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "RECRUIT_UPLOAD_DIR": str(tmp_path / "uploads"),
        "RECRUIT_SECRET_KEY": "cli-test",
    }
    config = {"INSTANCE_PATH": tmp_path / "instance", "ENV": env}
    lean, whole = create_app(config, web=False), create_app(config)
    for key in ("recruit.sessions", "recruit.storage", "recruit.mailer"):
        assert key in lean.extensions
    assert lean.blueprints == {} and "recruiter" in whole.blueprints
    for app in (lean, whole):
        app.extensions["recruit.engine"].dispose()


def test_python_m_recruit_cli_runs_the_instance_commands_too() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "recruit.cli", "--help"], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr[-2000:]
    for command in ("parse", "roles", "serve", "worker", "import", "opening"):
        assert re.search(rf"^\s+{command}\s", run.stdout, re.M), command


def test_import_reads_ahead_the_one_folder_it_was_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import recruit.cli as cli
    from recruit.core import readahead

    monkeypatch.setattr(readahead, "core_to_spare", lambda: True)
    folder = tmp_path / "cvs"
    folder.mkdir()
    (folder / "cv.pdf").write_bytes(cvgen.render_pdf(cvgen.sample_cvs()["ro"], "single"))
    other = tmp_path / "other"
    other.mkdir()
    started = []
    for args, reads in (
        (["--opening", "1", str(folder)], True),
        ([str(folder), "--opening", "1"], True),
        (["--opening", "1", "--no-wait", str(folder)], True),  # for the workers to take
        (["--opening", "1", str(folder), str(other)], False),  # not an import click accepts
        (["--opening", "1", str(tmp_path / "cvs.zip")], False),
    ):
        cli._read_ahead(args)
        ahead = cli.take_read_ahead(folder)
        assert (ahead is not None) == reads, args
        if ahead is not None:
            started.append(ahead.stop())
    cli._read_ahead(["--help"])
    assert cli.take_read_ahead(folder) is None

    def unreadable(root: Path) -> list[tuple[str, Path]]:
        raise PermissionError(root)

    monkeypatch.setattr("recruit.core.folders.folder_files", unreadable)
    cli._read_ahead(["--opening", "1", str(folder)])  # no read-ahead, and no error before click
    assert cli.take_read_ahead(folder) is None
    monkeypatch.undo()
    monkeypatch.setattr(readahead, "core_to_spare", lambda: True)
    # A folder named like the opening's id is no source; a guess the command does not take
    # is stopped when it takes its own.
    (tmp_path / "7").mkdir()
    (tmp_path / "7" / "cv.pdf").write_bytes((folder / "cv.pdf").read_bytes())
    monkeypatch.chdir(tmp_path)
    cli._read_ahead(["--opening", "7", "cvs"])
    ahead = cli.take_read_ahead(folder)
    assert ahead is not None
    started.append(ahead.stop())
    cli._read_ahead(["--opening", "1", "7"])
    guess = cli._READ_AHEAD[os.path.realpath("7")]
    assert guess._pid  # reading
    assert cli.take_read_ahead(tmp_path / "cvs.zip") is None
    assert not cli._READ_AHEAD and guess.stop() == {}  # stopped already
    assert len(started) == 4 and all(len(readings) <= 1 for readings in started)


def test_import_exits_at_once_with_its_code_and_summary(tmp_path: Path) -> None:
    from tests.scale.cvs import worker_env, write

    folder = tmp_path / "cvs"
    write(folder, 2)
    env = worker_env(tmp_path, f"sqlite:///{tmp_path / 'recruit.db'}")

    def recruit(*args: str) -> subprocess.CompletedProcess[str]:
        return _run(*args, env=env)

    assert recruit("db", "upgrade").returncode == 0
    missing = recruit("import", "--opening", "999", str(folder))
    assert missing.returncode == 2 and "no opening 999" in missing.stderr
    created = recruit("opening", "create", "--title", "Sales", "--role", "account-manager")
    assert created.returncode == 0, created.stderr
    opening = json.loads(created.stdout)["id"]
    done = recruit("import", "--opening", str(opening), str(folder))
    assert done.returncode == 0, done.stderr
    assert "read: 2" in done.stdout and "not read yet: 0" in done.stdout
