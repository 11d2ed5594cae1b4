"""Check digits of Russian identifiers and bank cards.

A number is reported as personal data only when its check digits agree, so a
random 11-digit number is not a SNILS (1 in 100 passes by chance) and a random
16-digit number is not a card (Luhn, plus a real card-scheme first digit).
Each function takes the digits only, as a string.
"""

from __future__ import annotations

__all__ = ["inn_valid", "luhn_valid", "snils_valid"]

_INN10 = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_A = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_B = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_SNILS_CHECKED_FROM = 1_001_998  # numbers up to 001-001-998 were issued without a check


def _weighted(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11 % 10


def inn_valid(digits: str) -> bool:
    """INN of an organisation (10 digits) or a person (12 digits, two check digits)."""
    if not digits.isdigit() or set(digits) == {"0"}:
        return False
    if len(digits) == 10:
        return _weighted(digits, _INN10) == int(digits[9])
    if len(digits) == 12:
        return _weighted(digits, _INN12_A) == int(digits[10]) and _weighted(
            digits, _INN12_B
        ) == int(digits[11])
    return False


def snils_valid(digits: str) -> bool:
    """SNILS: 9 digits and a two-digit check number (Pension Fund rule)."""
    if len(digits) != 11 or not digits.isdigit():
        return False
    number = int(digits[:9])
    if number <= _SNILS_CHECKED_FROM:
        return False
    total = sum(int(d) * (9 - i) for i, d in enumerate(digits[:9]))
    if total > 101:
        total %= 101
    check = 0 if total in (100, 101) else total
    if len(set(digits[:9])) == 1:  # 111-111-111 passes the sum but is never issued
        return False
    return check == int(digits[9:])


def luhn_valid(digits: str) -> bool:
    """A payment card: 13 to 19 digits, a card scheme's first digit, Luhn sum."""
    if not 13 <= len(digits) <= 19 or not digits.isdigit() or digits[0] not in "23456":
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0 and len(set(digits)) > 1
