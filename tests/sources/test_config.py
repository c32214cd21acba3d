"""Sources from TOML: the default, the documented example, and errors that name file and key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from budgetdq.settings import ConfigError
from budgetdq.sources import SOURCE_TYPES, FolderSource, HttpSource, load_sources

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "deploy" / "sources.toml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_without_a_file_the_sample_site_folder_is_the_source(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)

    (source,) = load_sources(None)

    assert source == FolderSource(
        name="samples", path=Path("examples/site"), glob=["*.txt", "*.pdf"]
    )
    assert len(list(source.poll(lambda url: None))) == 4


def test_a_settings_file_without_sources_means_the_sample_site(tmp_path: Path) -> None:
    path = write(tmp_path, 'slack_channel = "C0BUDGETDQ"\n')

    (source,) = load_sources(path)

    assert source == FolderSource(name="samples", path=Path("examples/site"))


def test_the_deploy_example_loads() -> None:
    http, folder = load_sources(EXAMPLE)

    assert isinstance(http, HttpSource) and isinstance(folder, FolderSource)
    assert (http.name, http.link_text, http.page_template, http.delay) == (
        "chaoyang",
        "预算",
        "index_{page}.html",
        2.0,
    )
    assert http.retries == 3  # left out: the default
    assert (folder.name, folder.path, folder.glob) == (
        "inbox",
        Path("/srv/budgetdq/inbox"),
        ["*.txt", "*.pdf"],
    )


@pytest.mark.parametrize("kind", sorted(SOURCE_TYPES))
def test_every_option_is_described_and_in_the_deploy_example(kind: str) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    for option, field in SOURCE_TYPES[kind].model_fields.items():
        assert field.description, f"{kind} option {option} has no description"
        assert re.search(rf"^#? ?{option} = ", text, re.MULTILINE), (
            f"{kind} option {option} is not in {EXAMPLE.name}"
        )


def test_options_left_out_take_their_defaults(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        slack_channel = "C0BUDGETDQ"   # settings may share the file

        [[sources]]
        name = "site"
        type = "http"
        url = "https://www.example.gov.cn/yjs/index.html"

        [[sources]]
        name = "drop"
        type = "folder"
        path = "inbox"
        glob = "*.txt"
        """,
    )

    site, drop = load_sources(path)

    assert site == HttpSource(name="site", url="https://www.example.gov.cn/yjs/index.html")
    assert (site.max_bytes, site.delay, site.link_href) == (20_000_000, 1.0, r"\.(txt|pdf)$")
    assert drop == FolderSource(name="drop", path=Path("inbox"), glob=["*.txt"])


HTTP = '[[sources]]\nname = "site"\ntype = "http"\nurl = "https://www.example.gov.cn/"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            '[[sources]]\nname = "site"\ntype = "http"\n',
            "sources[0].url (source 'site'): Field required",
            id="missing-url",
        ),
        pytest.param(
            HTTP + "retires = 5\n",
            "sources[0].retires (source 'site'): unknown option (the options of type 'http': "
            "name, type, url, link_href,",
            id="unknown-option",
        ),
        pytest.param(
            HTTP + "link_href = '(txt|pdf'\n",
            "sources[0].link_href (source 'site'): not a regular expression: '(txt|pdf'",
            id="bad-regex",
        ),
        pytest.param(
            HTTP + 'page_template = "index.html"\n',
            "sources[0].page_template (source 'site'): page template without {page}",
            id="template-without-page",
        ),
        pytest.param(
            HTTP + "timeout = 0\n",
            "sources[0].timeout (source 'site'): Input should be greater than 0",
            id="bad-number",
        ),
        pytest.param(
            '[[sources]]\nname = "site"\ntype = "ftp"\n',
            'sources[0].type (source \'site\'): give type = "http" or "folder"',
            id="unknown-type",
        ),
        pytest.param(
            '[[sources]]\nname = "site"\nurl = "https://www.example.gov.cn/"\n',
            'sources[0].type (source \'site\'): give type = "http" or "folder"',
            id="missing-type",
        ),
        pytest.param(
            HTTP + '[[sources]]\ntype = "folder"\npath = "x"\n',
            "sources[1].name: Field required",
            id="missing-name",
        ),
        pytest.param(
            HTTP + '[[sources]]\nname = "site"\ntype = "folder"\npath = "x"\n',
            "sources[1].name: 'site' is already the name of sources[0]",
            id="duplicate-name",
        ),
        pytest.param(
            HTTP.replace("https://www.example.gov.cn/", "www.example.gov.cn/yjs"),
            "sources[0].url (source 'site'): not an absolute http(s) URL",
            id="relative-url",
        ),
        pytest.param(
            "sources = []\n",
            "sources: empty; add a [[sources]] table per source (see deploy/sources.toml)",
            id="empty-sources",
        ),
        pytest.param(
            'sources = ["chaoyang"]\n',
            "sources: write each source as a [[sources]] table",
            id="not-tables",
        ),
        pytest.param("[[sources]\n", "cannot read the sources file", id="not-toml"),
    ],
)
def test_errors_name_the_file_and_the_key(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)

    with pytest.raises(ConfigError) as raised:
        load_sources(path)

    assert str(raised.value).startswith(f"{path}: ")
    assert message in str(raised.value)


def test_every_problem_of_a_file_is_reported_at_once(tmp_path: Path) -> None:
    path = write(tmp_path, HTTP + "retries = -1\ndelay = -1\n")

    with pytest.raises(ConfigError) as raised:
        load_sources(path)

    assert "sources[0].retries (source 'site')" in str(raised.value)
    assert "sources[0].delay (source 'site')" in str(raised.value)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nowhere\.toml: cannot read the sources file"):
        load_sources(tmp_path / "nowhere.toml")
