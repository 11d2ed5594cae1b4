"""Reading exports: encodings, delimiters, mapping, validation (regulation point 8)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.moderation.roster import ColumnMapping, parse_csv, parse_mapping, validate

HEADER = "person_id,full_name,role,class,status,vk_user_id,max_user_id,parent_of,chats"


def csv_bytes(*lines: str, sep: str = ",", encoding: str = "utf-8") -> bytes:
    return "\n".join(line.replace(",", sep) for line in (HEADER, *lines)).encode(encoding)


def test_utf8_with_commas() -> None:
    table = parse_csv(csv_bytes("s1,Ученик Один,student,5А,active,101,,,"))
    assert (table.encoding, table.delimiter) == ("utf-8", ",")
    assert table.rows[0][0] == 2


def test_windows_1251_with_semicolons() -> None:
    table = parse_csv(
        csv_bytes("s1,Ученик Один,student,5А,active,101,,,", sep=";", encoding="cp1251")
    )
    assert (table.encoding, table.delimiter) == ("cp1251", ";")
    assert validate(table).rows[0].full_name == "Ученик Один"


def test_utf8_bom() -> None:
    table = parse_csv(b"\xef\xbb\xbf" + csv_bytes("s1,A,student,5А,active,,,,"))
    assert table.encoding == "utf-8-sig" and table.header[0] == "person_id"


def test_every_bad_row_is_named() -> None:
    table = parse_csv(csv_bytes(
        "s1,Один,student,,active,101,,,",
        "s2,Два,director,5А,active,102,,,",
        "p1,Родитель,parent,,active,101,,s9,",
        "s1,Снова,student,5А,active,,,,",
    ))  # fmt: skip
    result = validate(table)
    assert result.rows == ()
    found = {(p.row, p.key) for p in result.problems}
    assert found == {
        (2, "student_without_class"),
        (3, "unknown_role"),
        (4, "unknown_child"),
        (4, "duplicate_account"),
        (2, "duplicate_person"),
        (5, "duplicate_person"),
    }


def test_skip_invalid_keeps_the_rest_and_drops_dangling_links() -> None:
    table = parse_csv(csv_bytes(
        "s1,Один,student,,active,,,,",
        "p1,Родитель,parent,,active,,,s1,",
        "s2,Два,student,5А,active,,,,",
    ))  # fmt: skip
    result = validate(table, skip_invalid=True)
    assert [r.person_id for r in result.rows] == ["s2"]
    assert result.skipped == (2, 3)


def test_missing_columns() -> None:
    result = validate(parse_csv(b"name,age\nA,1\n"))
    assert [p.key for p in result.problems] == ["missing_columns"]


def test_mapping_file_maps_columns_and_values() -> None:
    mapping = parse_mapping(
        '[columns]\n"Код" = "person_id"\n"ФИО" = "full_name"\n"Категория" = "role"\n'
        '"Класс" = "class"\n[values.role]\n"Обучающийся" = "student"\n'
    )
    table = parse_csv("Код;ФИО;Категория;Класс\n7;Ученик;Обучающийся;7а\n".encode("cp1251"))
    (row,) = validate(table, mapping).rows
    assert (row.person_id, row.role, row.class_name) == ("7", "student", "7а")


def test_russian_values_are_understood_without_a_mapping() -> None:
    table = parse_csv("id;ФИО;Роль;Класс;Статус\n1;А;Ученик;5А;выбыл\n".encode())
    (row,) = validate(table, ColumnMapping()).rows
    assert (row.role, row.status) == ("student", "departed")


@given(st.binary(max_size=400))
def test_parser_never_raises(data: bytes) -> None:
    validate(parse_csv(data))
    validate(parse_csv(data), skip_invalid=True)
