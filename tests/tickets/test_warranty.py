"""Warranty and DOA rules (SPEC §2, §6): pure date arithmetic, no database."""
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tickets.choices import WarrantyStatus
from tickets.warranty import add_months, assess, is_doa, warranty_status


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),  # clamped to the shorter month
        (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year keeps the 29th
        (date(2028, 2, 29), 12, date(2029, 2, 28)),  # 29 Feb + 1 year lands on 28 Feb
        (date(2028, 2, 29), 48, date(2032, 2, 29)),  # ...or on 29 Feb four years on
        (date(2026, 12, 15), 1, date(2027, 1, 15)),  # December rolls into January
        (date(2026, 11, 30), 3, date(2027, 2, 28)),
        (date(2026, 3, 31), 1, date(2026, 4, 30)),
        (date(2026, 5, 10), 0, date(2026, 5, 10)),
        (date(2026, 1, 15), 24, date(2028, 1, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),  # backwards across a short month
        (date(2026, 1, 10), -1, date(2025, 12, 10)),  # backwards across the year
    ],
)
def test_add_months_edge_cases(day, months, expected):
    assert add_months(day, months) == expected


PURCHASE = date(2025, 3, 10)  # 12 months of warranty: last covered day is 2026-03-09


def status(today, *, purchase=PURCHASE, months=12, verified=True):
    return warranty_status(purchase_date=purchase, warranty_months=months, proof_verified=verified, today=today)


def test_without_purchase_date_the_warranty_is_unverified():
    assert status(date(2026, 1, 1), purchase=None) == WarrantyStatus.UNVERIFIED
    assert status(date(2026, 1, 1), purchase=None, verified=False) == WarrantyStatus.UNVERIFIED


def test_inside_warranty_with_verified_proof_is_in_warranty():
    assert status(date(2025, 9, 1)) == WarrantyStatus.IN_WARRANTY


def test_inside_warranty_without_verified_proof_is_unverified():
    assert status(date(2025, 9, 1), verified=False) == WarrantyStatus.UNVERIFIED


def test_last_day_of_warranty_is_still_covered():
    assert status(date(2026, 3, 9)) == WarrantyStatus.IN_WARRANTY


def test_day_after_the_warranty_ends_is_out_of_warranty():
    assert status(date(2026, 3, 10)) == WarrantyStatus.OUT_OF_WARRANTY


def test_past_warranty_is_out_of_warranty_even_without_proof():
    assert status(date(2027, 1, 1), verified=False) == WarrantyStatus.OUT_OF_WARRANTY


def test_purchase_day_itself_is_covered():
    assert status(PURCHASE) == WarrantyStatus.IN_WARRANTY


def test_warranty_from_31_january_ends_with_february():
    # 31 Jan + 1 month is clamped to 28 Feb; the last covered day is the day before.
    assert status(date(2026, 2, 27), purchase=date(2026, 1, 31), months=1) == WarrantyStatus.IN_WARRANTY
    assert status(date(2026, 2, 28), purchase=date(2026, 1, 31), months=1) == WarrantyStatus.OUT_OF_WARRANTY


@pytest.mark.parametrize(
    ("days_after_purchase", "expected"),
    [(0, True), (1, True), (14, True), (15, True), (16, False), (400, False), (-1, False)],
)
def test_doa_window_boundaries(days_after_purchase, expected):
    failure = PURCHASE + timedelta(days=days_after_purchase)
    assert is_doa(purchase_date=PURCHASE, doa_days=15, failure_date=failure) is expected


def test_doa_needs_a_purchase_date():
    assert is_doa(purchase_date=None, doa_days=15, failure_date=date(2026, 1, 1)) is False


def test_doa_window_follows_the_model():
    failure = PURCHASE + timedelta(days=20)
    assert is_doa(purchase_date=PURCHASE, doa_days=30, failure_date=failure) is True
    assert is_doa(purchase_date=PURCHASE, doa_days=7, failure_date=failure) is False


def verdict(today, *, purchase=PURCHASE, verified=True):
    return assess(purchase_date=purchase, warranty_months=12, doa_days=15, proof_verified=verified, today=today)


def test_assess_out_of_warranty_charges_a_fee():
    result = verdict(date(2026, 6, 1))
    assert result.status == WarrantyStatus.OUT_OF_WARRANTY
    assert result.fee_applies is True
    assert result.is_doa is False
    assert result.warranty_ends == date(2026, 3, 9)


def test_assess_in_warranty_and_doa_charges_nothing():
    result = verdict(PURCHASE + timedelta(days=3))
    assert result.status == WarrantyStatus.IN_WARRANTY
    assert result.fee_applies is False
    assert result.is_doa is True


def test_assess_unverified_does_not_announce_a_fee_yet():
    result = verdict(date(2025, 9, 1), verified=False)
    assert result.status == WarrantyStatus.UNVERIFIED
    assert result.fee_applies is False


def test_assess_without_purchase_date_has_no_end_date():
    result = verdict(date(2025, 9, 1), purchase=None)
    assert result.status == WarrantyStatus.UNVERIFIED
    assert result.warranty_ends is None
    assert result.is_doa is False
    assert result.fee_applies is False


dates = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


@given(day=dates, months=st.integers(min_value=0, max_value=120), extra=st.integers(min_value=0, max_value=120))
def test_add_months_is_monotone_in_months(day, months, extra):
    assert add_months(day, months) <= add_months(day, months + extra)


@given(first=dates, second=dates, months=st.integers(min_value=0, max_value=120))
def test_add_months_is_monotone_in_the_start_date(first, second, months):
    early, late = sorted((first, second))
    assert add_months(early, months) <= add_months(late, months)


@given(day=dates, months=st.integers(min_value=0, max_value=120))
def test_add_months_lands_in_the_right_month_and_never_later_in_it(day, months):
    result = add_months(day, months)
    assert (result.year * 12 + result.month) - (day.year * 12 + day.month) == months
    assert result.day <= day.day


@given(
    purchase=dates,
    months=st.integers(min_value=1, max_value=60),
    verified=st.booleans(),
    offset=st.integers(min_value=0, max_value=4000),
)
def test_in_warranty_is_never_returned_after_the_end_date(purchase, months, verified, offset):
    result = assess(purchase_date=purchase, warranty_months=months, doa_days=15, proof_verified=verified,
                    today=purchase + timedelta(days=offset))
    today = purchase + timedelta(days=offset)
    if today > result.warranty_ends:
        assert result.status == WarrantyStatus.OUT_OF_WARRANTY
        assert result.fee_applies is True
    else:
        expected = WarrantyStatus.IN_WARRANTY if verified else WarrantyStatus.UNVERIFIED
        assert result.status == expected
        assert result.fee_applies is False
