"""Phone normalisation: one canonical digit string however the number was typed."""
import pytest

from tickets.phones import normalize_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+86 138-0013-8000", "13800138000"),
        ("0086 13800138000", "13800138000"),
        ("8613800138000", "13800138000"),
        ("138 0013 8000", "13800138000"),
        ("13800138000", "13800138000"),
        ("(010) 6552-1234", "01065521234"),
        ("010-65521234", "01065521234"),
        ("  021 5555 1234 ", "02155551234"),
    ],
)
def test_normalises_to_canonical_digits(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize("raw", ["", None, "   ", "---", "n/a"])
def test_empty_or_digitless_input_gives_empty_string(raw):
    assert normalize_phone(raw) == ""


def test_every_spelling_of_one_mobile_is_the_same_number():
    spellings = ["+86 138-0013-8000", "0086 13800138000", "138 0013 8000", "+86(138)00138000", "13800138000"]
    assert {normalize_phone(s) for s in spellings} == {"13800138000"}


def test_short_numbers_starting_with_86_are_not_mangled():
    # An 8-digit local number that happens to start with 86 is not a country code.
    assert normalize_phone("8655 1234") == "86551234"


@pytest.mark.parametrize("typed", ["+86 10 6552 1234", "0086 10 6552 1234", "(010) 6552-1234", "010-65521234"])
def test_a_landline_is_one_number_however_written(typed):
    assert normalize_phone(typed) == "01065521234"


@pytest.mark.parametrize("typed,expected", [("+86 138 0013", "1380013"), ("+86 21 58", "02158"), ("+86 1", "1")])
def test_partly_typed_international_numbers_match_stored_prefixes(typed, expected):
    assert normalize_phone(typed) == expected
