"""`etiket user add`: dashboard accounts for administrators and curators.

A curator sees the chats they are linked to: `--chat` (our chat id or
`platform:platform_chat_id`), `--class` (a chat tag such as 5А), or `--person` (a
roster person, whose curated chats follow the roster).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from pathlib import Path

import click
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli.common import config_option, fail, settings_or_exit

__all__ = ["Links", "add_user", "user"]


@click.group()
def user() -> None:
    """Dashboard accounts."""


@dataclass(frozen=True)
class Links:
    """What a new account is linked to, as given on the command line."""

    name: str | None
    school: int | None
    person: str | None
    chats: tuple[str, ...]
    classes: tuple[str, ...]


async def _chat_id(session: AsyncSession, ref: str) -> int | None:
    from storage.models import Chat

    if ref.isdigit():
        return await session.scalar(select(Chat.id).where(Chat.id == int(ref)))
    platform, _, platform_id = ref.partition(":")
    stmt = select(Chat.id).where(Chat.platform == platform, Chat.platform_chat_id == platform_id)
    return await session.scalar(stmt)


async def add_user(url: str, username: str, password: str, role: str, links: Links) -> str | None:
    """Create the account; returns an error message, or None when it was created."""
    from argon2 import PasswordHasher

    from storage import Database
    from storage.repos import DashboardUsers

    db = Database(url)
    try:
        async with db.transaction() as session:
            users = DashboardUsers(session)
            if await users.by_username(username) is not None:
                return f"user {username!r} already exists"
            chat_ids = []
            for ref in links.chats:
                chat_id = await _chat_id(session, ref)
                if chat_id is None:
                    return f"no chat {ref!r}"
                chat_ids.append(chat_id)
            await users.add(
                username=username,
                password_hash=PasswordHasher().hash(password),
                role=role,
                display_name=links.name or "",
                school_id=links.school,
                person_id=links.person,
                chat_ids=chat_ids,
                class_tags=links.classes,
            )
    finally:
        await db.close()
    return None


@user.command("add")
@config_option
@click.argument("username")
@click.option("--role", type=click.Choice(["administrator", "curator"]), required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              envvar="ETIKET_USER_PASSWORD")  # fmt: skip
@click.option("--name", default=None, help="Display name.")
@click.option("--school", type=int, default=None, help="School id (administrators of one school).")
@click.option("--person", default=None, help="Roster person id of the curator.")
@click.option("--chat", "chats", multiple=True, help="Chat: our id or platform:chat_id.")
@click.option("--class", "classes", multiple=True, help="Class chat tag, e.g. 5А.")
def add(
    config_path: Path | None,
    username: str,
    role: str,
    password: str,
    name: str | None,
    school: int | None,
    person: str | None,
    chats: tuple[str, ...],
    classes: tuple[str, ...],
) -> None:
    """Create a dashboard account."""
    if len(password) < 10:
        fail("the password must be at least 10 characters long", code=2)
    if role == "curator" and not (chats or classes or person):
        fail("a curator needs --chat, --class or --person: otherwise they see nothing", code=2)
    settings = settings_or_exit(config_path)
    links = Links(name=name, school=school, person=person, chats=chats, classes=classes)
    error = asyncio.run(add_user(settings.database_url, username, password, role, links))
    if error:
        fail(error)
    click.echo(f"{role} {username} created")
