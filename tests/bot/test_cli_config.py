"""The configuration as a user meets it: `etiket config check` and friends."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings


def etiket(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("ETIKET_")}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=60,
        check=False,
    )


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "etiket.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_typo_in_a_key_is_one_line_and_exit_2(tmp_path: Path) -> None:
    path = write(tmp_path, '[vk]\ntoken = "x"\nwiat = 25\n')
    result = etiket("config", "check", str(path))
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "vk.wiat" in lines[0] and "unknown key" in lines[0]
    assert "Traceback" not in result.stderr


def test_a_bad_database_url_names_the_key_and_what_is_expected(tmp_path: Path) -> None:
    path = write(tmp_path, 'database_url = "mysql://nowhere"\n')
    result = etiket("config", "check", str(path))
    assert result.returncode == 2
    line = result.stderr.strip()
    assert "\n" not in line
    assert "database_url" in line and "postgresql://" in line and "mysql://nowhere" in line


def test_a_bad_value_from_the_environment_is_reported_the_same_way(tmp_path: Path) -> None:
    path = write(tmp_path, 'platform = "vk"\n')
    result = etiket("config", "check", str(path), env={"ETIKET_REDIS_URL": "localhost:6379"})
    assert result.returncode == 2
    assert "redis_url" in result.stderr and "redis://" in result.stderr


def test_a_good_file_passes_and_env_overrides_it(tmp_path: Path) -> None:
    path = write(tmp_path, 'platform = "max"\n[max]\nrate = 10\n')
    url = "postgresql://postgres@127.0.0.1:5432/test"
    result = etiket("config", "check", str(path), env={"ETIKET_DATABASE_URL": url})
    assert result.returncode == 0, result.stderr
    assert "platform max" in result.stdout and "postgresql+asyncpg://" in result.stdout


def test_missing_and_broken_files(tmp_path: Path) -> None:
    missing = etiket("config", "check", str(tmp_path / "nope.toml"))
    assert missing.returncode == 2 and "no such configuration file" in missing.stderr
    broken = etiket("config", "check", str(write(tmp_path, "platform = \n")))
    assert broken.returncode == 2 and "not valid TOML" in broken.stderr


def test_version() -> None:
    result = etiket("--version")
    assert result.returncode == 0 and result.stdout.startswith("etiket, version")


def test_nested_environment_keys_and_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ETIKET_VK__TOKEN", "secret-token")
    monkeypatch.setenv("ETIKET_VK__WAIT", "10")
    settings = load_settings()
    assert settings.vk.wait == 10
    assert settings.secret(settings.vk.token) == "secret-token"
    assert "secret-token" not in str(settings.summary())
    monkeypatch.setenv("ETIKET_PLATFORM", "telegram")
    with pytest.raises(ConfigError, match="platform"):
        load_settings()
