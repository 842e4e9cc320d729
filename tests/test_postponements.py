"""Postponement notices (Mededelingen) whose askers and date stand only in the notice's
text (issue 14): the form the issue quotes, "Op 2 maart jl. hebben de leden X en Y
(beiden Z) schriftelijke vragen gesteld aan …", the year from the notice's own date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kggraph.extract.text import source_from_text
from kggraph.parse import parse

REAL = Path(__file__).parent / "fixtures" / "text" / "ah-tk-20242025-545.pdf.txt"


def notice(body: str) -> str:
    """ah-tk-20242025-545's own text with its header's askers and date taken out and the
    notice's paragraph replaced by ``body``."""
    text = REAL.read_text(encoding="utf-8")
    start = text.index("Vragen van het lid")
    end = text.index("Mededeling van")
    text = text[:start] + text[end:]
    para = text.index("Mededeling\n") + len("Mededeling\n")
    return text[:para] + body + "\n"


def test_askers_and_date_from_the_notice() -> None:
    body = (
        "Op 2 november jl. hebben de leden Podt en Paternotte (beiden D66) schriftelijke "
        "vragen gesteld aan de Minister van Asiel en Migratie. Deze vragen kunnen tot mijn "
        "spijt niet binnen de gebruikelijke termijn worden beantwoord."
    )
    doc = parse(source_from_text(notice(body)), identifier="ah-tk-20242025-545")
    assert doc.kind == "postponement"
    assert [(a.person.family, a.party) for a in doc.header.askers] == [
        ("Podt", "D66"),
        ("Paternotte", "D66"),
    ]
    assert doc.header.received == date(2024, 11, 14)
    assert doc.header.submitted == date(2024, 11, 2)


def test_a_date_of_last_year() -> None:
    body = "Op 20 december jl. heeft het lid Podt (D66) schriftelijke vragen gesteld."
    text = notice(body).replace("14 november 2024", "8 januari 2025")
    doc = parse(source_from_text(text), identifier="ah-tk-20242025-545")
    assert doc.header.submitted == date(2024, 12, 20)
