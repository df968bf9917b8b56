"""The key-term lexicon: paradigms expand lemmas into the forms CVs actually use."""

from __future__ import annotations

import json

import pytest

from recruit.core.assets import models_path
from recruit.core.lexicon import inflect_en, inflect_ro, key_forms, paradigms
from recruit.core.skills import skill_catalog


def forms_of(term: str, language: str | None = "ro") -> set[str]:
    return {kf.form for kf in key_forms() if kf.term == term and kf.language == language}


@pytest.mark.parametrize(
    ("lemma", "expected"),
    [
        ("contract", {"contracte", "contractul", "contractele", "contractelor", "contractului"}),
        (
            "negociere",
            {"negocieri", "negocierea", "negocierile", "negocierilor", "negocierii"},
        ),
        ("client", {"clienți", "clientul", "clienții", "clienților", "clientului"}),
        ("vânzare", {"vânzări", "vânzările", "vânzărilor", "vânzarea", "vânzării"}),
        ("ofertă", {"oferta", "oferte", "ofertele", "ofertelor", "ofertei"}),
        ("comandă", {"comanda", "comenzi", "comenzile", "comenzii"}),
        ("telefon", {"telefoane", "telefonul", "telefoanele"}),
        ("specialist", {"specialiști", "specialiștii"}),
        ("abilitate", {"abilități", "abilitățile", "abilitatea"}),
        ("serviciu", {"servicii", "serviciile", "serviciul"}),
        ("relație", {"relații", "relațiile", "relația", "relației"}),
        ("piață", {"piața", "pieței", "piețe"}),
        ("comercial", {"comercială", "comerciali", "comerciale"}),
        ("negociat", {"negociată", "negociați", "negociate"}),
    ],
)
def test_romanian_paradigms_generate_the_inflected_forms(lemma: str, expected: set[str]) -> None:
    forms = forms_of(lemma)
    assert lemma in forms
    assert expected <= forms


def test_romanian_paradigms_do_not_invent_forms() -> None:
    assert forms_of("contract") == {
        "contract",
        "contractul",
        "contractului",
        "contracte",
        "contractele",
        "contractelor",
    }


@pytest.mark.parametrize(
    ("lemma", "rule", "expected"),
    [
        ("negotiate", "verb", ["negotiate", "negotiates", "negotiated", "negotiating"]),
        ("report", "verb", ["report", "reports", "reported", "reporting"]),
        ("company", "plural", ["company", "companies"]),
        ("business", "plural", ["business", "businesses"]),
        ("client", "plural", ["client", "clients"]),
        ("sales", "none", ["sales"]),
    ],
)
def test_english_rules(lemma: str, rule: str, expected: list[str]) -> None:
    assert inflect_en(lemma, rule) == expected


def test_a_lemma_must_end_as_its_paradigm_says() -> None:
    with pytest.raises(ValueError, match="does not end"):
        inflect_ro("contract", paradigms()["ro"]["f-re"])


def test_product_names_keep_their_capitals() -> None:
    products = {kf.form for kf in key_forms() if kf.language is None}
    assert {"Excel", "PowerPoint", "Salesforce", "HubSpot"} <= products


def test_every_entry_names_a_known_paradigm_and_skill() -> None:
    data = json.loads(models_path("lexicons", "key_terms.json").read_text(encoding="utf-8"))
    table = paradigms()
    catalog = skill_catalog()
    for language in ("ro", "en"):
        for entry in data[language]:
            assert entry["paradigm"] in table[language], entry
    for entry in data["ro"] + data["en"] + data["products"]:
        if "skill" in entry:
            assert entry["skill"] in catalog, entry
    assert {kf.skill for kf in key_forms() if kf.term == "contract"} == {"contracts"}
