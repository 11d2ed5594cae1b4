"""The shipped schema extracts and error texts match the official schema copy.

Skipped where shared/reference/vk is not present (set ETIKET_VK_REFERENCE to
point elsewhere); regenerate with `python -m tests.emulator.regen_schema`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from adapters.emulator.vk.errors import ERROR_TEXTS
from tests.emulator.regen_schema import (
    DEFAULT_REFERENCE,
    METHODS_OUT,
    SCHEMA_OUT,
    schema_closure,
    trimmed_methods,
)

REFERENCE = Path(os.environ.get("ETIKET_VK_REFERENCE", DEFAULT_REFERENCE))
needs_reference = pytest.mark.skipif(
    not (REFERENCE / "methods.json").exists(), reason="shared/reference/vk not available"
)


@needs_reference
def test_extracts_are_current() -> None:
    methods = trimmed_methods(REFERENCE)
    assert json.loads(METHODS_OUT.read_text()) == methods
    assert json.loads(SCHEMA_OUT.read_text()) == schema_closure(REFERENCE, methods)


@needs_reference
def test_error_texts_match_errors_json() -> None:
    errors = json.loads((REFERENCE / "errors.json").read_text())["errors"]
    by_code = {e["code"]: e["description"] for e in errors.values()}
    assert {code: by_code[code] for code in ERROR_TEXTS} == ERROR_TEXTS
