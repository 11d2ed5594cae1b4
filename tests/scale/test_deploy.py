"""The systemd units in `deploy/` start commands that exist, with settings etiket
accepts: what an operator copying them would find out the hard way otherwise."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from bot.config import load_settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNITS = sorted(DEPLOY.glob("*.service"))


def _env_file() -> dict[str, str]:
    pairs = {}
    for line in (DEPLOY / "etiket.env").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            pairs[key] = value
    return pairs


def _unit(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path)
    return parser


def test_the_units_are_there() -> None:
    names = {p.name for p in UNITS}
    assert {"etiket-receiver.service", "etiket-worker@.service", "etiket-web.service"} <= names


def test_the_environment_file_is_valid_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in _env_file().items():
        assert key.startswith("ETIKET_"), key
        monkeypatch.setenv(key, value)
    settings = load_settings(None)
    assert settings.database_url.startswith("postgresql")
    assert settings.redis_url and settings.scale.partitions >= 2


@pytest.mark.parametrize("unit", UNITS, ids=lambda p: p.name)
def test_each_unit_runs_an_etiket_command_that_exists(
    unit: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    service = _unit(unit)["Service"]
    assert service["EnvironmentFile"] == "/etc/etiket/etiket.env"
    for assignment in shlex.split(service.get("Environment", "")):
        key, _, value = assignment.partition("=")
        monkeypatch.setenv(key, value.replace("%i", "1"))
    for key, value in _env_file().items():
        monkeypatch.setenv(key, value)
    argv = shlex.split(service["ExecStart"])
    assert argv[0].endswith("/etiket")
    result = CliRunner().invoke(cli, [*argv[1:], "--help"])
    assert result.exit_code == 0, result.output
    load_settings(None)  # the unit's own Environment= lines are valid settings too
