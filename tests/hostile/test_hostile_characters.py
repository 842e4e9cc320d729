"""Characters that UTF-8 cannot carry are repaired one by one, each with a named finding
(issue 13, point 7). Before: one bad byte made a whole text file decode as Windows-1252
("2024–2025" became "2024â€“2025"), and a lone surrogate from a PDF font or a file name
ended the whole ``.nt`` batch with a UnicodeEncodeError."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hostile import NORMAL, PDF, ratio
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from kggraph.cli import main
from kggraph.extract.characters import MAX_NAMED
from kggraph.pipeline import process_file
from kggraph.rdf import KGO

REPAIRED = KGO.CharacterRepairedFinding
TEXT = NORMAL.read_text(encoding="utf-8")


def comments(graph: Graph) -> list[str]:
    return sorted(str(graph.value(f, RDFS.comment)) for f in graph.subjects(RDF.type, REPAIRED))


def test_one_bad_byte_is_repaired_alone(tmp_path: Path) -> None:
    data = TEXT.encode("utf-8")
    at = data.index(b"Herkent u") + len(b"Herkent")
    path = tmp_path / NORMAL.name
    path.write_bytes(data[:at] + b"\xff" + data[at:])
    bad, normal = process_file(path), process_file(NORMAL)
    text = bad.document.source.text
    assert text == TEXT[: len(data[:at].decode())] + "ÿ" + TEXT[len(data[:at].decode()) :]
    assert text.count("2024–2025") == TEXT.count("2024–2025") == 10
    assert "â€“" not in text
    [finding] = [f for f in bad.document.findings if f.code == "character-repaired"]
    assert finding.message == "byte 0xFF is not UTF-8: read as Windows-1252 «ÿ»"
    assert finding.span is not None and text[finding.span.start] == "ÿ"
    assert len(bad.document.questions) == len(normal.document.questions) == 25
    assert comments(bad.graph) == ["byte 0xFF is not UTF-8: read as Windows-1252 «ÿ»"]
    assert bad.report is not None and bad.report.conforms


def test_a_windows_1252_file_is_read_whole_with_one_finding(tmp_path: Path) -> None:
    path = tmp_path / NORMAL.name
    path.write_bytes(TEXT.encode("cp1252"))
    result = process_file(path)
    assert result.document.source.text == TEXT
    assert comments(result.graph) == [
        "the file is not UTF-8: its 56 non-ASCII byte(s) read as Windows-1252"
    ]


def test_bytes_windows_1252_leaves_undefined_become_replacement_characters(
    tmp_path: Path,
) -> None:
    path = tmp_path / NORMAL.name
    path.write_bytes(TEXT.encode("utf-8").replace(b"Vraag 3\n", b"Vraag 3\n\x81\x9d", 1))
    result = process_file(path)
    assert result.document.source.text.count("\ufffd") == 2
    assert comments(result.graph) == [
        "byte 0x81 is not UTF-8: read as Windows-1252 «\ufffd»",
        "byte 0x9D is not UTF-8: read as Windows-1252 «\ufffd»",
    ]


def test_many_bad_bytes_are_counted_not_named_one_by_one_in_linear_time(
    tmp_path: Path,
) -> None:
    data = TEXT.encode("utf-8")
    at = data.index(b"Vraag 2\n")
    path = tmp_path / NORMAL.name
    path.write_bytes(data[:at] + b"a\xe9 " * 30_000 + data[at:])
    result = process_file(path)
    found = comments(result.graph)
    assert len(found) == MAX_NAMED + 1
    assert f"{30_000 - MAX_NAMED} more bytes that are not UTF-8 repaired likewise" in found
    assert ratio(lambda: process_file(path), lambda: process_file(NORMAL)) < 10


def surrogate_pdf(path: Path) -> Path:
    """A real Aanhangsel PDF whose fonts map the code of "z" to the lone surrogate U+D835
    (a ToUnicode map as a broken font ships it; pypdf hands it over as it is)."""
    cmap = (
        b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        b"/CMapName /Surrogate def /CMapType 2 def\n"
        b"1 begincodespacerange <00> <FF> endcodespacerange\n"
        b"1 beginbfchar <7A> <D835> endbfchar\n"
        b"endcmap CMapName currentdict /CMapResource defineresource pop end end\n"
    )
    writer = PdfWriter(clone_from=PDF / "ah-tk-20232024-1999.pdf")
    for page in writer.pages:
        for font in page["/Resources"]["/Font"].values():  # type: ignore[index]
            stream = DecodedStreamObject()
            stream.set_data(cmap)
            font.get_object()[NameObject("/ToUnicode")] = writer._add_object(stream)
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def test_lone_surrogates_from_a_pdf_font_are_repaired_and_nt_output_is_written(
    tmp_path: Path,
) -> None:
    pdf = surrogate_pdf(tmp_path / "ah-tk-20232024-1999.pdf")
    out = tmp_path / "out.nq"
    assert main(["build", str(pdf), str(NORMAL), "-o", str(out), "-q"]) == 0
    ds = Dataset()
    ds.parse(out, format="nquads")
    graphs = {str(g.identifier).rsplit("/", 1)[-1]: g for g in ds.graphs() if len(g)}
    assert sorted(graphs) == ["ah-tk-20232024-1999", "ah-tk-20242025-564"]
    assert (
        comments(graphs["ah-tk-20232024-1999"]) == ["lone surrogate U+D835 replaced by U+FFFD"] * 9
    )
    assert comments(graphs["ah-tk-20242025-564"]) == []
    text = process_file(pdf).document.source.text
    plain = process_file(PDF / "ah-tk-20232024-1999.pdf").document.source.text
    assert text.count("\ufffd") == 9
    assert text == plain.replace("z", "\ufffd")  # no silent "?"
    nt = tmp_path / "out.nt"
    assert main(["build", str(pdf), "-o", str(nt), "-q"]) == 0
    assert nt.read_text(encoding="utf-8").count('"lone surrogate U+D835 replaced by U+FFFD"') == 9


def test_a_file_name_that_is_not_utf8_is_repaired_and_printed_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = os.fsencode(tmp_path)
    good = Path(os.fsdecode(folder + b"/ah-tk-20242025-5\xff4.txt"))
    good.write_text(TEXT, encoding="utf-8")
    broken = Path(os.fsdecode(folder + b"/kapot\xfe.pdf"))
    broken.write_bytes(b"%PDF-1.4 kapot")
    out = tmp_path / "out.nt"
    assert main(["build", str(tmp_path), "-o", str(out), "-q"]) == 2
    err = capsys.readouterr().err
    assert f"FAILED {tmp_path}/kapot\\udcfe.pdf: truncated or damaged PDF" in err
    g = Graph().parse(out, format="nt")
    doc = URIRef("https://w3id.org/kggraph/id/doc/ah-tk-20242025-564")
    assert g.value(doc, DCTERMS.source) == Literal("ah-tk-20242025-5\ufffd4.txt")
    assert comments(g) == ["file name: byte 0xFF is not UTF-8: replaced by U+FFFD"]
    store = tmp_path / "store"
    assert main(["build", str(good), "--store", str(store), "-q"]) == 0
