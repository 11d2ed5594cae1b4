"""A sync plan and its results in words, from the catalogues (regulation point 8).

The CLI and the `/выбыл` command show the same plan, so they share this.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.i18n import Texts
from bot.moderation.roster import RowProblem, SyncPlan
from bot.services.roster_removals import RemovalOutcome

__all__ = ["render_outcomes", "render_plan", "render_problem"]


def render_problem(problem: RowProblem, texts: Texts) -> str:
    """`row 7: unknown role 'директор'`: one line per problem."""
    what = texts.t(f"roster.problem.{problem.key}", **problem.values)
    return texts.t("roster.problem.row", row=problem.row, problem=what)


def render_plan(plan: SyncPlan, texts: Texts) -> list[str]:
    if plan.empty:
        return [texts.t("roster.nothing")]
    t = texts.t
    lines = [t("roster.plan_title")]
    sections = [
        (
            "departures",
            [t("roster.person", name=r.full_name, person_id=r.person_id) for r in plan.departures],
        ),
        (
            "arrivals",
            [t("roster.person", name=r.full_name, person_id=r.person_id) for r in plan.arrivals],
        ),
        (
            "class_changes",
            [
                t(
                    "roster.class_change_whole" if c.moved_with_class else "roster.class_change",
                    name=c.full_name,
                    old=c.old,
                    new=c.new,
                )
                for c in plan.class_changes
            ],
        ),
        (
            "retags",
            [
                t(
                    "roster.retag",
                    chat_id=r.chat_id,
                    old=", ".join(r.old_tags),
                    new=", ".join(r.new_tags),
                )
                for r in plan.retags
            ],
        ),
        (
            "removals",
            [
                t(
                    "roster.removal",
                    name=r.full_name,
                    chat=r.platform_chat_id,
                    reason=t(f"roster.reason_{r.reason}", because=r.because),
                )
                for r in plan.removals
            ],
        ),
    ]
    for name, items in sections:
        if items:
            lines.append(t(f"roster.{name}", count=len(items)))
            lines.extend(items)
    unchecked = sorted({r.platform_chat_id for r in plan.removals if r.chat_id in plan.unverified})
    if unchecked:
        lines.append(t("roster.unverified", chats=", ".join(unchecked)))
    return lines


def render_outcomes(outcomes: Sequence[RemovalOutcome], texts: Texts) -> list[str]:
    return [
        texts.t(
            f"roster.result_{o.status}",
            chat=o.platform_chat_id,
            user=o.user_id,
            error=o.error or "",
        )
        for o in outcomes
    ]
