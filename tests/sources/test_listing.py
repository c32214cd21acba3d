"""Reading listing pages: each link with the date of its list item or row."""

from __future__ import annotations

import pytest

from budgetdq.sources import PageLink, read_listing

PAGE = "http://www.example.gov.cn/zwgk/yjs/index.html"


def dated(html: str) -> list[tuple[str, str | None]]:
    return [(link.text, link.published) for link in read_listing(html, PAGE)]


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        pytest.param(
            '<ul><li><a href="a.txt">甲预算</a> <span class="date">2023-02-10</span></li></ul>',
            [("甲预算", "2023-02-10")],
            id="li-with-date-span",
        ),
        pytest.param(
            '<table><tr><td><a href="a.pdf">甲预算</a></td><td>2023-02-10</td></tr>'
            '<tr><td><a href="b.pdf">乙预算</a></td><td>2024-02-08</td></tr></table>',
            [("甲预算", "2023-02-10"), ("乙预算", "2024-02-08")],
            id="table-rows",
        ),
        pytest.param(
            '<ul><li><a href="a.txt">甲预算</a>[2023/2/10]</li></ul>',
            [("甲预算", "2023/2/10")],
            id="date-in-text-as-shown",
        ),
        pytest.param(
            '<ul><li><a href="a.txt">甲预算</a><em>2023年2月10日</em></li></ul>',
            [("甲预算", "2023年2月10日")],
            id="chinese-date",
        ),
        pytest.param(
            '<ul><li><a href="a.txt">2019-01-01 更正的预算</a>'
            '<span class="pub-date">2023-02-10</span></li></ul>',
            [("2019-01-01 更正的预算", "2023-02-10")],
            id="marked-date-first",
        ),
        pytest.param(
            '<ul><li><a href="a.txt">甲预算</a><time datetime="2023-02-10">2月10日</time></li></ul>',
            [("甲预算", "2023-02-10")],
            id="time-element",
        ),
        pytest.param(
            '<p><a href="a.txt">甲预算</a> 2023-02-10</p>',
            [("甲预算", None)],
            id="outside-any-row",
        ),
        pytest.param(
            '<ul><li><a href="a.txt">甲预算</a> 2023-02-10<li><a href="b.txt">乙预算</a> 2024-02-08</ul>',
            [("甲预算", "2023-02-10"), ("乙预算", "2024-02-08")],
            id="unclosed-li",
        ),
        pytest.param(
            '<ul><li><a href="y.html">2023年</a><ul><li><a href="a.txt">甲预算</a> 2023-02-10</li>'
            '</ul></li><li><a href="b.txt">乙预算</a> 2024-02-08</li></ul>',
            [("2023年", None), ("甲预算", "2023-02-10"), ("乙预算", "2024-02-08")],
            id="nested-lists",
        ),
        pytest.param(
            '<ul><li><a href="a.txt" title="北京市朝阳区应急管理局2023年部门预算">北京市朝阳区应急…</a>'
            '</li><li><a href="b.txt" title="乙预算"><img src="pdf.png"></a></li></ul>',
            [("北京市朝阳区应急管理局2023年部门预算", None), ("乙预算", None)],
            id="title-when-cut-short-or-empty",
        ),
        pytest.param(
            '<ul><li><a href="a.txt">  甲\n\t预算 &amp; 说明 </a></li></ul>',
            [("甲 预算 & 说明", None)],
            id="whitespace-and-entities",
        ),
    ],
)
def test_links_and_their_dates(html: str, expected: list[tuple[str, str | None]]) -> None:
    assert dated(html) == expected


def test_urls_are_absolute_and_only_http() -> None:
    html = """
    <a href="a.txt">relative</a>
    <a href="/files/b.txt#page=2">absolute path</a>
    <a href="https://other.example.org/c.txt">other host</a>
    <a href="d.txt?id=1&amp;type=2">query</a>
    <a href="javascript:void(0)">script</a> <a href="mailto:x@example.gov.cn">mail</a>
    <a href="#top">top</a> <a name="anchor">no href</a>
    """

    assert read_listing(html, PAGE) == [
        PageLink("http://www.example.gov.cn/zwgk/yjs/a.txt", "relative", None),
        PageLink("http://www.example.gov.cn/files/b.txt", "absolute path", None),
        PageLink("https://other.example.org/c.txt", "other host", None),
        PageLink("http://www.example.gov.cn/zwgk/yjs/d.txt?id=1&type=2", "query", None),
    ]


def test_base_href_is_honoured() -> None:
    html = '<head><base href="/attach/2023/"></head><a href="a.txt">甲</a>'

    (link,) = read_listing(html, PAGE)

    assert link.url == "http://www.example.gov.cn/attach/2023/a.txt"
