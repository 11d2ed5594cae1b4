"""Check digits: valid numbers pass, one changed digit fails."""

from __future__ import annotations

import pytest

from bot.moderation.detectors.checksums import inn_valid, luhn_valid, snils_valid


@pytest.mark.parametrize("digits", ["52601815961", "08301661336", "18609139090", "99603082440"])
def test_snils_valid(digits: str) -> None:
    assert snils_valid(digits)
    assert not snils_valid(digits[:-1] + str((int(digits[-1]) + 1) % 10))


@pytest.mark.parametrize("digits", ["00100199800", "1234567890", "abcdefghijk", "11111111145"])
def test_snils_invalid(digits: str) -> None:
    assert not snils_valid(digits)


@pytest.mark.parametrize("digits", ["651505561304", "426456724205", "2640795937", "7707083893"])
def test_inn_valid(digits: str) -> None:
    assert inn_valid(digits)
    assert not inn_valid(digits[:-1] + str((int(digits[-1]) + 1) % 10))


@pytest.mark.parametrize("digits", ["000000000000", "12345", "12345678901", "x707083893"])
def test_inn_invalid(digits: str) -> None:
    assert not inn_valid(digits)


@pytest.mark.parametrize("digits", ["2200963311900685", "4276812967000891", "378286246189574"])
def test_luhn_valid(digits: str) -> None:
    assert luhn_valid(digits)
    assert not luhn_valid(digits[:-1] + str((int(digits[-1]) + 1) % 10))


@pytest.mark.parametrize("digits", ["0000000000000000", "9000000000000001", "79927398713"])
def test_luhn_needs_scheme_and_length(digits: str) -> None:
    assert not luhn_valid(digits)
