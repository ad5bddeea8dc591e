"""Phone normalisation: one canonical digit string per number so search finds it
however it was typed ("+86 138-0013-8000", "0086 13800138000", "138 0013 8000")."""
import re

_NON_DIGITS = re.compile(r"\D+")


def normalize_phone(raw):
    """Digits only, in the national form: a country code (+86 / 0086, or 86 before a
    full mobile number) is dropped, and a landline given internationally gets its
    trunk 0 back, so "+86 10 6552 1234" and "(010) 6552-1234" are the same number.
    Works on numbers still being typed too (the search box)."""
    raw = (raw or "").strip()
    digits = _NON_DIGITS.sub("", raw)
    international = False
    if digits.startswith("0086"):
        digits, international = digits[4:], True
    elif raw.startswith("+86"):
        digits, international = digits[2:], True
    elif digits.startswith("86") and len(digits) == 13:
        digits, international = digits[2:], True
    if international and digits and not _is_mobile_prefix(digits) and not digits.startswith("0"):
        digits = "0" + digits
    return digits


def _is_mobile_prefix(digits):
    """Mainland mobiles start 13-19; landline area codes (10, 2x, 3xx-9xx) never do."""
    return digits[0] == "1" and (len(digits) == 1 or digits[1] in "3456789")
