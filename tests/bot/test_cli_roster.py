"""`etiket roster` from the command line (regulation point 8)."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli

HEADER = "person_id;full_name;role;class;status;vk_user_id;max_user_id;parent_of;chats"
GOOD = [
    "s1;Ученик Один;ученик;5А;active;101;;;",
    "s2;Ученик Два;student;5А;active;102;;;",
    "p1;Родитель;parent;;active;201;;s1 s2;",
]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"ETIKET_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}", "ETIKET_LANGUAGE": "en"}


def write(tmp_path: Path, lines: list[str], encoding: str = "cp1251") -> Path:
    path = tmp_path / "roster.csv"
    path.write_bytes("\r\n".join([HEADER, *lines]).encode(encoding))
    return path


def people(tmp_path: Path) -> int:
    with closing(sqlite3.connect(tmp_path / "cli.sqlite3")) as connection:
        return int(connection.execute("SELECT count(*) FROM people").fetchone()[0])


def test_invalid_file_writes_nothing_and_names_every_row(
    tmp_path: Path, env: dict[str, str]
) -> None:
    lines = [*GOOD, "s3;Три;director;5А;active;;;;", "s4;Четыре;student;;active;101;;;"]
    result = CliRunner().invoke(cli, ["roster", "import", str(write(tmp_path, lines))], env=env)
    assert result.exit_code == 2
    assert "row 5: unknown role 'director'" in result.stderr
    assert "row 6: a student with no class" in result.stderr
    assert "row 6: vk_user_id '101' is already given in row 2" in result.stderr
    assert not (tmp_path / "cli.sqlite3").exists() or people(tmp_path) == 0


def test_skip_invalid_imports_the_rest(tmp_path: Path, env: dict[str, str]) -> None:
    path = write(tmp_path, [*GOOD, "s3;Три;director;5А;active;;;;"])
    result = CliRunner().invoke(cli, ["roster", "import", str(path), "--skip-invalid"], env=env)
    assert result.exit_code == 0, result.output
    assert "row 5" in result.stderr and people(tmp_path) == 3


def test_windows_1251_semicolons_and_json_plan(tmp_path: Path, env: dict[str, str]) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["roster", "import", str(write(tmp_path, GOOD))], env=env)
    assert result.exit_code == 0, result.output
    assert "Imported records: 3" in result.output
    moved = [GOOD[0].replace(";active;", ";departed;"), *GOOD[1:]]
    args = ["roster", "sync", str(write(tmp_path, moved)), "--json", "--dry-run"]
    result = runner.invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)
    assert [d["person_id"] for d in plan["departures"]] == ["s1"]
    assert plan["removals"] == []  # no chats are tagged yet
    result = runner.invoke(cli, ["roster", "sync", str(write(tmp_path, moved))], env=env,
                           input="no\n")  # fmt: skip
    assert "not applied" in result.output


def test_unknown_lists_nothing_on_an_empty_database(tmp_path: Path, env: dict[str, str]) -> None:
    result = CliRunner().invoke(cli, ["roster", "unknown"], env=env)
    assert result.exit_code == 0 and "(0)" in result.output
