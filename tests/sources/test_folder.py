"""FolderSource over a folder holding copies of the seeds."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from budgetdq.sources import Fetched, FolderSource, Known, SourceError
from tests.sources.seeds import SEEDS


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """The seeds, a PDF, a file of another type and a subfolder."""
    folder = tmp_path / "inbox"
    (folder / "2022").mkdir(parents=True)
    for seed in SEEDS[:3]:
        shutil.copy(seed.file, folder / seed.file.name)
    shutil.copy(SEEDS[3].file, folder / "2022" / SEEDS[3].file.name)
    (folder / "预算说明.pdf").write_bytes(b"%PDF-1.4\n%budgetdq test\n")
    (folder / "notes.doc").write_bytes(b"not a document we read")
    return folder


def by_name(fetched: list[Fetched]) -> dict[str, Fetched]:
    return {Path(f.listed.url).name: f for f in fetched}


def test_every_matching_file_is_fetched(inbox: Path) -> None:
    source = FolderSource(name="inbox", path=inbox)

    results = list(source.poll(lambda url: None))

    assert [(f.listed.title, f.status, f.suffix) for f in results] == [
        (SEEDS[0].file.name, "fetched", ".txt"),
        (SEEDS[1].file.name, "fetched", ".txt"),
        (SEEDS[2].file.name, "fetched", ".txt"),
        ("预算说明.pdf", "fetched", ".pdf"),
    ]
    first = results[0]
    assert first.listed.source == "inbox"
    assert first.listed.url == str(inbox / SEEDS[0].file.name)
    assert first.content == SEEDS[0].content


def test_glob_chooses_the_files(inbox: Path) -> None:
    source = FolderSource(name="inbox", path=inbox, glob="**/*.txt")

    titles = [listed.title for listed in source.list_documents()]

    assert sorted(titles) == sorted(seed.file.name for seed in SEEDS)


def test_a_file_with_the_known_content_is_unchanged(inbox: Path) -> None:
    source = FolderSource(name="inbox", path=inbox)
    known = {
        f.listed.url: Known(hashlib.sha256(f.content or b"").hexdigest())
        for f in source.poll(lambda url: None)
    }
    changed = inbox / SEEDS[1].file.name
    changed.write_bytes(changed.read_bytes().replace(b"9,751.39", b"9,752.39"))

    second = by_name(list(source.poll(known.get)))

    assert {name: f.status for name, f in second.items()} == {
        SEEDS[0].file.name: "unchanged",
        SEEDS[1].file.name: "fetched",
        SEEDS[2].file.name: "unchanged",
        "预算说明.pdf": "unchanged",
    }
    assert second[SEEDS[1].file.name].content == changed.read_bytes()
    assert second[SEEDS[0].file.name].content is None


def test_a_file_gone_before_it_is_read_fails_alone(inbox: Path) -> None:
    polling = FolderSource(name="inbox", path=inbox).poll(lambda url: None)

    first = next(polling)  # the folder is listed before the first file is read
    (inbox / SEEDS[1].file.name).unlink()
    rest = list(polling)

    assert first.status == "fetched"
    assert [f.status for f in rest] == ["failed", "fetched", "fetched"]
    assert rest[0].error is not None and rest[0].error.startswith("cannot read the file:")


def test_a_missing_folder_is_a_source_error(tmp_path: Path) -> None:
    source = FolderSource(name="inbox", path=tmp_path / "nowhere")

    with pytest.raises(SourceError, match="no such folder") as raised:
        list(source.poll(lambda url: None))

    assert raised.value.location == str(tmp_path / "nowhere")
