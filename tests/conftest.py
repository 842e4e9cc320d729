"""Shared fixtures: paths to the real documents copied into tests/fixtures/."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
TEXT = FIXTURES / "text"
PDF = FIXTURES / "pdf"
IND = TEXT / "kamervragen-2022-ind-erkend-referenten.txt"
IND_ID = "kamervragen-2022-ind-erkend-referenten"


@pytest.fixture(scope="session")
def ind_result():  # type: ignore[no-untyped-def]
    """The 2022 IND document, built and validated once per test session."""
    from kggraph.pipeline import process_file

    return process_file(IND, identifier=IND_ID)


@pytest.fixture(scope="session")
def fixture_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The 80 real fixture documents (texts and official PDFs) in an on-disk corpus store."""
    from kg_serve import build_store

    return build_store(tmp_path_factory.mktemp("serve") / "store", TEXT, PDF)


@pytest.fixture(scope="session")
def served(fixture_store: Path, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """``kggraph serve --store`` over the fixture store, with a 4-second query time limit."""
    from kg_serve import Served

    server = Served(
        ["--store", str(fixture_store), "--timeout", "4"],
        tmp_path_factory.mktemp("serve-log") / "serve.log",
    )
    try:
        yield server
    finally:
        server.close()
