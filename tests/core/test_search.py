"""Search texts and query words: folded alike, phones one word however they are written."""

from __future__ import annotations

from recruit.core.search import identity_text, phone_forms, phone_key, profile_text, query_terms


def test_identity_text_folds_the_name_and_keeps_both_phone_forms() -> None:
    text = identity_text("Mădălina Ștefănescu", " Madalina.S@Example.RO", "0722 123 456")
    assert "madalina stefanescu" in text and "madalina.s@example.ro" in text
    assert "40722123456" in text.split() and "0722123456" in text.split()
    assert identity_text(None, None, None) == ""


def test_cedilla_and_comma_below_fold_to_one_word() -> None:
    assert identity_text("Ştefănescu", None, None) == identity_text("Ștefănescu", None, None)
    assert query_terms("ŞTEFĂNESCU") == query_terms("stefanescu") == ["stefanescu"]


def test_a_phone_is_one_word_however_spaced() -> None:
    for written in ("0722 123 456", "+40722123456", "+40 722 123 456", "0040 722-123-456"):
        assert query_terms(written) == ["40722123456"], written
    # A fragment keeps its digits, which both stored forms contain as written.
    assert query_terms("0722-123") == ["0722123"]
    assert query_terms("ana 0722 123 456 crm") == ["40722123456", "ana", "crm"]


def test_phone_key_and_forms() -> None:
    assert phone_key("0722 123 456") == "+40722123456"
    assert phone_key("not a phone") is None and phone_key("") is None
    assert phone_forms("+44 20 7946 0958") == ["442079460958", "02079460958"]
    assert phone_forms("12-34") == ["1234"]  # kept as written digits: still findable


def test_profile_text_has_skills_positions_and_employers_not_the_name() -> None:
    profile = {
        "name": "Ioana Ionescu",
        "skills": [{"id": "client_portfolio", "label": "portofoliu de clienți"}],
        "experience": {
            "positions": [
                {"title": "Agent vânzări", "employer": "Orange România"},
                {"title": "Casieră", "employer": "Dedeman"},
            ]
        },
    }
    text = profile_text(profile)
    assert "portofoliu de clienti" in text and "client portfolio" in text
    assert "orange romania" in text and "dedeman" in text and "casiera" in text
    assert "ionescu" not in text
    assert profile_text({}) == ""
    # A name in an employer is left out: blind review searches this text.
    own = {"name": "Ion Blandu", "experience": {"positions": [{"employer": "Blandu-Trans SRL"}]}}
    assert profile_text(own) == "srl"
    assert profile_text({**own, "name": None}, ["Ion Blandu"]) == "srl"
    assert profile_text({**own, "name": None}) == "blandu-trans srl"


def test_a_control_character_is_no_part_of_a_search() -> None:
    # PostgreSQL compares no NUL: a search for "ana\x00" failed there with a 500.
    assert query_terms("ana\x00") == ["ana"]
    assert query_terms("ana\x00pop\x1b[1m crm\u202e") == ["ana", "pop", "[1m", "crm"]
