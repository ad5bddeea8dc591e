"""Warranty and DOA rules (SPEC §2, §6). Pure: dates in, verdict out; no database."""
import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from .choices import WarrantyStatus


def add_months(day, months):
    """The same day `months` later, clamped to the month's end (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class WarrantyVerdict:
    status: str
    is_doa: bool
    warranty_ends: date | None
    fee_applies: bool


def warranty_status(*, purchase_date, warranty_months, proof_verified, today):
    """in_warranty needs a verified proof and a purchase date inside the warranty;
    a purchase date already past the warranty is out_of_warranty whatever the proof;
    anything else is unverified until the proof is checked."""
    if purchase_date is None:
        return WarrantyStatus.UNVERIFIED
    if today > add_months(purchase_date, warranty_months) - timedelta(days=1):
        return WarrantyStatus.OUT_OF_WARRANTY
    return WarrantyStatus.IN_WARRANTY if proof_verified else WarrantyStatus.UNVERIFIED


def is_doa(*, purchase_date, doa_days, failure_date):
    """Dead on arrival: the failure is reported within the DOA window from purchase."""
    if purchase_date is None or failure_date < purchase_date:
        return False
    return (failure_date - purchase_date).days <= doa_days


def assess(*, purchase_date, warranty_months, doa_days, proof_verified, today):
    """Everything the intake form tells the customer about warranty, DOA and fees."""
    status = warranty_status(
        purchase_date=purchase_date, warranty_months=warranty_months,
        proof_verified=proof_verified, today=today,
    )
    return WarrantyVerdict(
        status=status,
        is_doa=is_doa(purchase_date=purchase_date, doa_days=doa_days, failure_date=today),
        warranty_ends=add_months(purchase_date, warranty_months) - timedelta(days=1) if purchase_date else None,
        fee_applies=status == WarrantyStatus.OUT_OF_WARRANTY,
    )


def assess_unit(unit, *, today):
    model = unit.model
    return assess(
        purchase_date=unit.purchase_date, warranty_months=model.warranty_months,
        doa_days=model.doa_days, proof_verified=unit.proof_verified, today=today,
    )
