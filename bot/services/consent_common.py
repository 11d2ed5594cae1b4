"""What the early-unblock services share (regulation point 6, issue [5/11]).

A `BlockCase` is a stored block with its chat, the rule it cites and the chat's
policy. Every step of the flow writes an audit row in the block's chat whose reason
starts with `case:<n>`, the block's case number: that is how the apology, the
window, the objections and the outcome link to the block in the log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from adapters.base import Button, Keyboard
from bot.moderation import Actor, BlockView, ChatPolicy, Rule, is_moderator
from bot.services.base import Moderation
from bot.services.blocking import block_view
from bot.services.consent_views import latest_window, window_view
from bot.services.ledger import Ledger
from storage.models import AuditRecord, Block, Chat
from storage.repos import AuditLog, Blocks, Chats

__all__ = [
    "APOLOGIZE",
    "CONFIRM",
    "OBJECT",
    "OPEN",
    "REJECT",
    "BlockCase",
    "audit",
    "button",
    "keyboard",
    "latest_window",
    "load_case",
    "may_moderate",
    "recipients",
    "window_view",
]

# Button payload commands (VK limits a payload to 255 bytes: keep them short).
APOLOGIZE, OPEN, REJECT, OBJECT, CONFIRM = (
    "c_apologize",
    "c_open",
    "c_reject",
    "c_object",
    "c_confirm",
)


@dataclass(frozen=True, slots=True)
class BlockCase:
    block: Block
    chat: Chat
    rule: Rule
    policy: ChatPolicy

    @property
    def view(self) -> BlockView:
        return block_view(self.block)

    @property
    def chat_id(self) -> str:
        return self.chat.platform_chat_id

    @property
    def title(self) -> str:
        return self.chat.title or self.chat.platform_chat_id


async def load_case(m: Moderation, session: AsyncSession, block_id: int) -> BlockCase | None:
    block = await Blocks(session).get(block_id)
    chat = await Chats(session).get(block.chat_id) if block is not None else None
    if block is None or chat is None:
        return None
    rules, policy = m.regulation.for_chat(chat.platform, chat.platform_chat_id)
    rule = rules.get(block.rule_code) or Rule(
        code=block.rule_code, alias=block.rule_code, number=0, title=block.rule_code, text=""
    )
    return BlockCase(block, chat, rule, policy)


async def audit(
    ledger: Ledger,
    action: str,
    actor: Actor,
    case: BlockCase,
    *,
    at: datetime,
    detail: str = "",
    excerpt: str | None = None,
) -> AuditRecord:
    """An audit row of the consent flow, linked to the block's case (`case:<n>`)."""
    cited = (
        await AuditLog(ledger.session).by_case(case.chat.id, case.block.case_number)
        if case.block.case_number
        else None
    )
    return await ledger.audit.append(
        action=action,
        actor_kind=actor.kind,
        chat_id=case.chat.id,
        actor_id=actor.user_id,
        target_user_id=case.block.target_user_id,
        rule_code=case.block.rule_code,
        rule_version=cited.rule_version if cited is not None else None,
        reason=f"case:{case.block.case_number} {detail}".strip(),
        excerpt=excerpt,
        idempotency_key=f"{ledger.key}:{action}",
        created_at=at,
    )


def button(m: Moderation, text_key: str, cmd: str, style: str = "secondary", **ids: int) -> Button:
    return Button(m.formats.t(text_key), {"cmd": cmd, **ids}, style)


def keyboard(*buttons: Button) -> Keyboard:
    return Keyboard.of(list(buttons))


async def recipients(m: Moderation, case: BlockCase) -> list[str]:
    """The chat's moderators and curators, who get the flow's private notices."""
    accounts = await m.moderators.curator_accounts(m.platform, case.chat_id)
    accounts += list(await m.moderators.admins(case.chat_id))
    return [a for a in dict.fromkeys(accounts) if a != case.block.target_user_id]


async def may_moderate(m: Moderation, case: BlockCase, user_id: str) -> bool:
    return is_moderator(await m.moderators.facts(m.platform, case.chat_id, user_id))
