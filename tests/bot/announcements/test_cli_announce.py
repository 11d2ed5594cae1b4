"""`etiket announce`: add, list, preview, cancel, and one-line errors with exit code 2."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import cli
from storage import Database
from storage.migrate import upgrade
from storage.repos import Chats


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"

    async def seed() -> None:
        await upgrade(url)
        db = Database(url)
        async with db.transaction() as session:
            for ref, tag in [("2000000001", "5А-родители"), ("2000000002", "5Б-родители")]:
                chat = await Chats(session).get_or_create("vk", ref, title=tag)
                await Chats(session).set_tags(chat, [tag])
        await db.close()

    asyncio.run(seed())
    return {"ETIKET_DATABASE_URL": url, "ETIKET_PLATFORM": "vk"}


def run(env: dict[str, str], *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["announce", *args], env=env)
    return result.exit_code, result.output


def test_add_list_preview_cancel(env: dict[str, str]) -> None:
    code, out = run(
        env, "add", "--text", "Собрание", "--to", "*-родители", "--every", "mon,thu 08:00",
        "--count", "3", "--tz", "Asia/Novosibirsk", "--author", "101",
    )  # fmt: skip
    assert code == 0, out
    assert "announcement #1 active" in out
    code, out = run(env, "list")
    assert code == 0 and "#1\tactive" in out
    code, out = run(env, "preview", "1")
    assert code == 0, out
    assert out.count("08:00 +07") == 3  # count 3: three runs, not five
    assert "vk:2000000001" in out and "vk:2000000002" in out
    code, out = run(env, "preview", "--to", "5А*,7*", "--at", "2099-12-01 22:00", "--tz", "UTC")
    assert code == 0, out
    assert "2099-12-02 08:00" in out and "no chat matches 7*" in out
    assert run(env, "cancel", "1")[0] == 0
    code, out = run(env, "cancel", "1")
    assert code == 2 and "no active announcement #1" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--to", "5*", "--at", "tomorrow"], "bad date and time"),
        (["--to", "5*", "--every", "someday 08:00"], "bad day"),
        (["--to", "5*", "--at", "2099-01-01 10:00", "--every", "mon 08:00"], "exactly one"),
        (["--to", "@директора", "--at", "2099-01-01 10:00"], "unknown role"),
        (["--to", "5*", "--at", "2099-01-01 10:00", "--tz", "Mars/Base"], "unknown time zone"),
        (["--to", "5*", "--every", "mon 08:00", "--count", "0"], "at least 1"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    env: dict[str, str], args: list[str], message: str
) -> None:
    code, out = run(env, "add", "--text", "x", *args)
    assert code == 2
    assert message in out and len(out.strip().splitlines()) == 1
