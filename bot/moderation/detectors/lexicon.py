"""Compile the lexicon data files (`obscene.toml`, `insult.toml`) into regexes.

The data keeps each root readable ("ху[йяеиюё]"); this module turns it into the
pattern that survives obfuscation: every letter may repeat (`х+у+`, because the
normalized text keeps "хууй" as typed) and every letter but the first may be a
mask (`[у*]+`, for "х*й"). One alternation with a named group per root lets a
single `finditer` over a message tell which root matched.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

from bot.moderation.detectors.normalize import WORD, squeeze

__all__ = ["Root", "RootSet", "elastic", "load_data", "load_roots", "trie"]


def load_data(name: str) -> dict[str, Any]:
    """A packaged TOML data file, parsed."""
    return tomllib.loads((files(__package__) / name).read_text("utf-8"))


@dataclass(frozen=True, slots=True)
class Root:
    """One lexicon entry: a root pattern, its prefixes and how sure a match is."""

    name: str
    pattern: str
    prefixes: tuple[str, ...]
    confidence: float
    whole: bool
    core: str = ""
    anywhere: bool = False  # also inside a word ("…бляди" compounds): only never-innocent roots


def trie(words: list[str] | set[str]) -> str:
    """A regex alternation of literal `words` shaped as a trie ("н(?:а|и)").

    Python's `re` tries alternatives one by one; a trie tries one branch per
    letter, which is what keeps 80 verbs or 35 prefixes cheap at every word start.
    """
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def render(node: dict[str, Any]) -> str:
        ends = "" in node
        branches = [re.escape(ch) + render(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?"
        return body

    return render(tree)


def _atoms(pattern: str) -> list[str]:
    """Split a root pattern into letters, [classes] and regex punctuation."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "[":
            j = pattern.index("]", i)
            out.append(pattern[i : j + 1])
            i = j + 1
        elif ch == "{":
            j = pattern.index("}", i)
            out.append(pattern[i : j + 1])
            i = j + 1
        elif pattern.startswith("(?:", i):
            out.append("(?:")
            i += 3
        else:
            out.append(ch)
            i += 1
    return out


def leading(pattern: str, limit: int = 4) -> str:
    """The pattern's first plain letters and classes: "п[иеё][зс]д(?:…)" -> "п[иеё][зс]д"."""
    out: list[str] = []
    for atom in _atoms(pattern):
        if atom in ("(?:", "|", ")", "?") or atom.startswith("{") or len(out) == limit:
            break
        out.append(atom)
    return "".join(out)


def elastic(pattern: str, maskable: bool = True, scan: bool = False) -> str:
    """`ху` -> `х+(?:у+|\\*{1,3})`: letters may repeat, and be masked after the first.

    A mask run is bounded (`\\*{1,3}`), never `[у*]+`: two neighbouring `[..*]+`
    atoms over a long run of `*` would backtrack polynomially. A first letter is
    never a mask, in each alternative of a leading group too. With `scan` (for a
    search without a word-start anchor) the first letter does not repeat either,
    so that inside "хххх…" each start fails at once instead of running to the end.
    """
    out: list[str] = []
    first = True
    stack: list[bool] = []
    atoms = _atoms(pattern)
    for i, atom in enumerate(atoms):
        if atom == "(?:":
            stack.append(first)
            out.append(atom)
            continue
        if atom == "|":
            first = stack[-1] if stack else False
            out.append(atom)
            continue
        if atom == ")":
            stack.pop()
            out.append(atom)
            continue
        if atom == "?" or atom.startswith("{"):
            out.append(atom)
            continue
        body = atom[1:-1] if atom.startswith("[") else atom
        letters = f"[{body}]" if len(body) > 1 else body
        if i + 1 < len(atoms) and atoms[i + 1].startswith("{"):  # "[а-я]{0,3}" as written
            out.append(letters)
        elif maskable and not first:
            out.append(f"(?:{letters}+|\\*{{1,3}})")
        else:
            out.append(letters if scan and first else f"{letters}+")
        first = False
    return "".join(out)


class RootSet:
    """Roots compiled into one word-start regex plus their exception list."""

    def __init__(self, roots: list[Root], exceptions: list[str]) -> None:
        self.roots = {f"r{i}": root for i, root in enumerate(roots)}
        parts = []
        for group, root in self.roots.items():
            tail = f"(?![{WORD}])" if root.whole else ""
            parts.append(f"(?P<{group}>{elastic(root.pattern)}{tail})")
        # One prefix trie for all roots (each root's own list is checked after a
        # match, in `allowed`): one trie walk per word start instead of one per root.
        prefixes = {p for root in roots for p in root.prefixes if p}
        head = f"(?P<prefix>{trie(prefixes)})?" if prefixes else ""
        self.pattern = re.compile(f"(?<![{WORD}]){head}(?:{'|'.join(parts)})")
        self.bare = re.compile(f"(?:{'|'.join(parts)})")  # retried when a prefix is not the root's
        inner = [f"(?P<{g}>{elastic(r.pattern)})" for g, r in self.roots.items() if r.anywhere]
        self.inner = re.compile("|".join(inner)) if inner else None
        # No lookbehind, no prefixes: `re` scans this by first character, several
        # times faster than `pattern`; a message without any core skips `pattern`.
        cores = {
            elastic(root.core or leading(root.pattern) or root.pattern, scan=True) for root in roots
        }
        self.prefilter = re.compile("|".join(sorted(cores)))
        self.exceptions = re.compile("|".join(exceptions)) if exceptions else None
        self.word_end = re.compile(f"[{WORD}]*")

    def resolve(self, m: re.Match[str]) -> tuple[Root, int] | None:
        """The matched root and its end, if the prefix in front is one of its own.

        "ссука" first matches as prefix "с" + "сука"; "сука" takes no prefix, so
        the word is matched again from its start without one.
        """
        root = self.roots[m.lastgroup or ""]
        prefix = m.group("prefix") if "prefix" in m.re.groupindex else None
        if not prefix or prefix in root.prefixes:
            return root, m.end()
        again = self.bare.match(m.string, m.start())
        return (self.roots[again.lastgroup or ""], again.end()) if again else None

    def excepted(self, word: str) -> bool:
        """True for an innocent word the root pattern also matches ("бляха")."""
        return self.exceptions is not None and self.exceptions.match(squeeze(word)) is not None


def load_roots(name: str) -> RootSet:
    """Read `[[root]]`, `[prefixes]` and `[exceptions]` from a packaged data file."""
    data = load_data(name)
    prefixes: dict[str, list[str]] = data.get("prefixes", {})
    roots = [
        Root(
            name=entry["name"],
            pattern=entry["pattern"],
            prefixes=tuple(prefixes.get(entry.get("prefixes", ""), [""])),
            confidence=float(entry["confidence"]),
            whole=bool(entry.get("whole", False)),
            core=str(entry.get("core", "")),
            anywhere=bool(entry.get("anywhere", False)),
        )
        for entry in data["root"]
    ]
    return RootSet(roots, list(data.get("exceptions", {}).get("words", [])))
