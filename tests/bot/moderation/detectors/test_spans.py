"""Spans point into the original text; evidence keeps personal data masked."""

from __future__ import annotations

import pytest

from bot.moderation.detectors import (
    DETECTORS,
    Finding,
    detect,
    detect_foreign_messenger,
    detect_insult,
    detect_obscene,
    detect_personal_data,
    normalize,
)


@pytest.mark.parametrize(
    ("text", "piece"),
    [
        ("ну х\u200bу\u0301й с ним", "х\u200bу\u0301й"),
        ("вот х . у . й", None),
        ("это х у й тебе", "х у й"),
        ("ХУУУУЙ!", "ХУУУУЙ"),
        ("ок, бл@#ь, ладно", "бл@#ь"),
        ("слово п-и-з-д-а тут", "п-и-з-д-а"),
    ],
)
def test_obscene_span_is_the_original_word(text: str, piece: str | None) -> None:
    found = detect_obscene(text)
    if piece is None:
        assert found == []
        return
    assert len(found) == 1
    start, end = found[0].span
    assert text[start:end] == piece


def test_phone_evidence_is_masked() -> None:
    [f] = detect_personal_data("звони +7 916 123 45 12 вечером")
    assert f.evidence == "+7 9** *** ** 12"
    assert f.kind == "phone"


@pytest.mark.parametrize(
    "text",
    ["почта ivan.petrov@mail.ru", "снилс 526-018-159 61", "паспорт 45 06 123456",
     "ул. Ленина, д. 5, кв. 12", "4276 8129 6700 0891", "инн 651505561304"],
)  # fmt: skip
def test_personal_data_never_in_clear(text: str) -> None:
    [f] = detect_personal_data(text)
    secret = text[f.span[0] : f.span[1]]
    assert f.evidence != secret
    assert "petrov" not in f.evidence and "Ленина" not in f.evidence
    assert "123456" not in f.evidence and "8129" not in f.evidence


def test_each_detector_named_and_versioned() -> None:
    findings = (
        detect_obscene("блять")
        + detect_insult("ты дебил")
        + detect_personal_data("+79161234567")
        + detect_foreign_messenger("t.me/abcde")
    )
    names = {(d.name, d.version) for d in DETECTORS}
    assert {(f.detector, f.version) for f in findings} <= names
    assert len({d.rule for d in DETECTORS}) == 5


def test_finding_rejects_unknown_rule_and_bad_confidence() -> None:
    with pytest.raises(ValueError):
        Finding("spam", "x", "1", 0.5, (0, 1), "")
    with pytest.raises(ValueError):
        Finding("obscene", "x", "1", 1.5, (0, 1), "")


def test_detect_orders_by_position() -> None:
    found = detect("блять, пиши в тг или на +79161234567, дебил")
    assert [f.span for f in found] == sorted(f.span for f in found)
    assert {f.rule for f in found} == {"obscene", "foreign_messenger", "personal_data", "insult"}


def test_normalized_views() -> None:
    norm = normalize("Х.у.Й")
    assert norm.folded == "х.у.й"
    assert norm.text == "хуй"
    assert norm.span(0, 3) == (0, 5)
