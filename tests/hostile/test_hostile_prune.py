"""--prune never wipes a store by mistake: missing or empty inputs, dry run, --yes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hostile import DOCS, TEXT

from kggraph.cli import main
from kggraph.store import CorpusStore

BASE = "https://w3id.org/kggraph/id/doc/"
NAMED = [f"{BASE}ah-tk-20242025-545", f"{BASE}ah-tk-20242025-564", f"{BASE}ah-tk-20242025-610"]


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    """A folder with four real text documents."""
    out = tmp_path / "docs"
    out.mkdir()
    for name in DOCS:
        shutil.copy(TEXT / name, out / name)
    return out


@pytest.fixture()
def store(folder: Path, tmp_path: Path) -> Path:
    path = tmp_path / "store"
    assert main(["build", str(folder), "--store", str(path), "--jobs", "1", "-q"]) == 0
    return path


def documents(path: Path) -> list[str]:
    return CorpusStore.open(path, read_only=True).documents()


@pytest.fixture()
def all_docs(store: Path) -> list[str]:
    docs = documents(store)
    assert docs[:3] == NAMED and len(docs) == 4  # the IND text has no identifier: a hash
    return docs


def test_an_empty_folder_is_refused(
    store: Path, all_docs: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["build", str(empty), "--store", str(store), "--prune", "-q"]) == 3
    err = capsys.readouterr().err
    assert f"{empty}: --prune refused: this folder holds no documents" in err
    assert documents(store) == all_docs


def test_a_missing_input_is_refused(
    store: Path,
    all_docs: list[str],
    folder: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    missing = tmp_path / "mnt" / "corpus"  # an unmounted disk looks like this
    code = main(["build", str(folder), str(missing), "--store", str(store), "--prune"])
    assert code == 3
    assert f"{missing}: --prune refused: this input does not exist" in capsys.readouterr().err
    assert documents(store) == all_docs


def test_removing_most_of_the_store_needs_yes_and_a_dry_run_shows_it(
    store: Path, all_docs: list[str], folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in sorted(folder.iterdir())[1:]:
        name.unlink()  # one document left of four: 545
    capsys.readouterr()
    assert main(["build", str(folder), "--store", str(store), "--prune", "-q"]) == 3
    err = capsys.readouterr().err
    assert "--prune would remove 3 of the store's 4 document graphs (more than 10%)" in err
    assert documents(store) == all_docs

    assert main(["build", str(folder), "--store", str(store), "--prune", "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["dry run: would build 0 file(s), skip 1"] + [
        f"would remove {d}" for d in all_docs[1:]
    ]
    assert documents(store) == all_docs

    assert main(["build", str(folder), "--store", str(store), "--prune", "--yes"]) == 0
    out = capsys.readouterr().out
    assert [line for line in out.splitlines() if line.startswith("removed ")] == [
        f"removed {d}" for d in all_docs[1:]
    ]
    assert documents(store) == all_docs[:1]


def test_one_deleted_file_is_pruned_without_questions(
    store: Path, all_docs: list[str], folder: Path
) -> None:
    (folder / "ah-tk-20242025-610.docx.txt").unlink()
    assert main(["build", str(folder), "--store", str(store), "--prune", "-q"]) == 0
    assert documents(store) == [d for d in all_docs if not d.endswith("610")]
