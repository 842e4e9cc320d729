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
