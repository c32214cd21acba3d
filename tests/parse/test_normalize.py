"""Decoding and line normalisation: the same document in any encoding reads identically."""

from __future__ import annotations

from budgetdq.parse.document import read_document
from budgetdq.parse.normalize import decode, normalize_lines
from tests.conftest import SEEDS, seed_document


def _comparable(data: bytes) -> list[tuple[str, list[tuple[object, ...]]]]:
    document = read_document(data)
    return [
        (t.kind, [tuple(v for k, v in row.items() if k not in ("doc_id",)) for row in t.rows])
        for t in document.tables
    ]


def test_gbk_bom_and_crlf_read_identically() -> None:
    original = SEEDS["001"].read_bytes()
    text = original.decode("utf-8")
    variants = {
        "gbk": text.encode("gb18030"),
        "bom": b"\xef\xbb\xbf" + original,
        "crlf": text.replace("\n", "\r\n").encode("utf-8"),
    }
    expected = _comparable(original)
    for name, data in variants.items():
        assert _comparable(data) == expected, name
        assert read_document(data).facts.to_dict() == seed_document("001").facts.to_dict(), name


def test_decode_reports_the_encoding() -> None:
    assert decode("收支总表".encode("gbk")).encoding == "gb18030"
    assert decode(b"\xef\xbb\xbfabc").encoding == "utf-8-sig"


def test_markup_operators_and_full_width_are_normalised() -> None:
    lines = normalize_lines("<b>合 计</b>\t<p>≥</p>\n$\\geq$\t＝\u3000９０％\n--\t---\t--")
    assert lines[0].cells == ("合 计", "≥")
    assert lines[1].cells == ("≥", "= 90%")
    assert lines[2].rule and lines[2].blank
    assert [line.no for line in lines] == [1, 2, 3]


def test_undecodable_bytes_become_a_finding_not_an_exception() -> None:
    document = read_document(b"\xff\xfe\x00\x81\x30\x81" * 10 + b"\x80\xff")
    assert document.tables == []
    assert [f.check for f in document.findings] == ["undecodable"]


def test_a_text_without_tables_is_reported() -> None:
    document = read_document("这不是预算公开文件\n第二行".encode())
    assert "no_tables" in [f.check for f in document.findings]
    assert len(document.coverage.unparsed) == 2
