"""A page of the archive that prints several Aanhangsel items becomes one document per item
(issue 14): sgd0000123314 (Tweede Kamer, 1984–1985) holds items 221 (Van Es, P.S.P.) and
222 (Ter Veld, P.v.d.A.), each with its own answer."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kggraph.cli import main
from kggraph.corpus import CorpusBuild
from kggraph.errors import InputError
from kggraph.pipeline import process_file, process_items
from kggraph.progress import Progress
from kggraph.store import CorpusStore

PAGE = Path(__file__).parent / "fixtures" / "ocr" / "sgd0000123314.ocr.txt"
IDS = ["ah-tk-19841985-221", "ah-tk-19841985-222"]


def test_each_item_is_a_document_with_its_own_identifier() -> None:
    results = process_items(PAGE)
    assert [r.identifier for r in results] == IDS
    first, second = (r.document.clean.text for r in results)
    assert "Van Es (P.S.P.)" in first and "Ter Veld" not in first
    assert second.startswith("222\nVragen van het lid Ter Veld (P.v.d.A.)")
    assert "Van Es" not in second
    assert all(r.report is not None and r.report.conforms for r in results)


def test_process_file_refuses_a_page_of_several_items() -> None:
    with pytest.raises(InputError, match=r"holds 2 Aanhangsel items \(ah-tk-19841985-221, "):
        process_file(PAGE)


def test_build_writes_every_item(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "page.trig"
    assert main(["build", str(PAGE), "-o", str(out)]) == 0
    printed = capsys.readouterr().out
    assert [line.split(":")[0] for line in printed.splitlines()[:2]] == IDS
    assert "built 2 document(s)" in printed


def test_store_build_keeps_and_skips_every_item(tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(PAGE, folder / PAGE.name)
    store = CorpusStore.open(tmp_path / "store")
    first = CorpusBuild(store, jobs=1).run([folder], Progress(0, enabled=False))
    assert (first.built_count, first.total) == (2, 2)
    again = CorpusBuild(store, jobs=1, prune=True).run([folder], Progress(0, enabled=False))
    assert (again.built_count, again.skipped_count, again.removed_count) == (0, 2, 0)
    assert sorted(d.rsplit("/", 1)[-1] for d in store.hashes()) == IDS
