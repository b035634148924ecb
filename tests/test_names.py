import pytest

from geo.places.names import MAX_NAME_CHARS, fold, is_latin, name_key, slug


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Sea of Japan", "sea of japan"),
        ("the Sea of Japan", "sea of japan"),
        ("SEA OF JAPAN", "sea of japan"),
        ("Sea-of-Japan", "sea of japan"),
        ("Côte d'Ivoire", "cote divoire"),
        ("Côte d’Ivoire", "cote divoire"),
        ("U.S.", "u s"),
        ("  Kyiv  ", "kyiv"),
        ("São Paulo", "sao paulo"),
        ("Łódź", "lodz"),
        ("Straße", "strasse"),
        ("El Salvador", "el salvador"),
        ("La Paz", "la paz"),
        ("The", "the"),
        ("", ""),
        ("!!!", ""),
        ("x" * (MAX_NAME_CHARS + 1), ""),
    ],
)
def test_name_key_folds_case_accents_punctuation_and_article(name: str, key: str) -> None:
    assert name_key(name) == key


def test_fold_keeps_other_scripts() -> None:
    assert fold("東京") == "東京"
    assert fold("Ålesund") == "Alesund"


@pytest.mark.parametrize(
    ("text", "latin"), [("Wien", True), ("Bécs", True), ("Вена", False), ("維也納", False)]
)
def test_is_latin(text: str, latin: bool) -> None:
    assert is_latin(text) is latin


def test_slug() -> None:
    assert slug("Gulf of Anadyr'") == "gulf-of-anadyr"
    assert slug("Bahía de Campeche") == "bahia-de-campeche"


def test_the_hyphenated_form_of_a_two_part_name() -> None:
    from geo.places.names import hyphenated_pair

    assert hyphenated_pair("sistan and baluchestan") == "sistan baluchestan"
    assert hyphenated_pair("bosnia and herzegovina") == "bosnia herzegovina"
    assert hyphenated_pair("saint kitts and nevis") is None  # not two one-word parts
    assert hyphenated_pair("kharkiv") is None
