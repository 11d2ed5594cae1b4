"""Reading an e-journal export: encoding and delimiter detection (regulation point 8).

Schools export from «ЭПОС», «Электронная школа», «Сетевой город» and others, as
UTF-8 (with or without a BOM) or Windows-1251, separated by `,` or `;`. Parsing is
pure and takes bytes; `read_file` is the only function here that touches the disk.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CsvTable", "decode", "detect_delimiter", "parse_csv", "read_file"]

BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class CsvTable:
    """The header and the data rows, each with its 1-based file row number."""

    encoding: str
    delimiter: str
    header: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]


def read_file(path: Path) -> bytes:
    """The file's bytes; everything after this is pure."""
    return path.read_bytes()


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was in: UTF-8 (BOM or not), else Windows-1251.

    Windows-1251 maps almost every byte, so a file that is not UTF-8 is read as it;
    the few bytes it lacks (0x98) become U+FFFD rather than an error.
    """
    if data.startswith(BOM):
        return data[len(BOM) :].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1251", errors="replace"), "cp1251"


def detect_delimiter(text: str) -> str:
    """`;` or `,`: whichever splits the header line into more fields (Excel in Russia uses `;`)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: len(next(csv.reader([first], delimiter=d), [])) for d in (";", ",")}
    return ";" if counts[";"] > counts[","] else ","


def parse_csv(data: bytes) -> CsvTable:
    """Parse an export; never raises, whatever the bytes (a NUL or a stray quote included)."""
    text, encoding = decode(data)
    text = text.replace("\x00", "")
    delimiter = detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: tuple[str, ...] = ()
    rows: list[tuple[int, tuple[str, ...]]] = []
    try:
        for cells in reader:
            number = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if not header:
                header = tuple(c.strip() for c in cells)
                continue
            rows.append((number, tuple(c.strip() for c in cells)))
    except csv.Error:  # e.g. a field larger than the csv module's limit: stop there
        pass
    return CsvTable(encoding, delimiter, header, tuple(rows))
