"""Synthetic Aanhangsel documents for scale tests: text (as pypdf extracts it) and PDF.

The structures come from the real fixtures in tests/fixtures/text: the header ("Vragen van
het lid Beckerman (SP) aan de Minister van …", "de leden X en Y (beiden D66)"), the answer
line ("Antwoord van Minister … (…), mede namens …"), "Vraag N" / "Antwoord N" blocks,
grouped answers ("Antwoord 2 en 3"), referrals ("Zie het antwoord op vraag 2."), footnote
markers fused to the text and footnotes citing news articles, Kamerstukken, motions
("de motie Van Baarle c.s.") and laws, and the page furniture ("ah-tk-…", "ISSN …").
Names, parties and ministries are the ones the real documents use; Kamerstuk numbers are
drawn from a shared pool so that documents cite the same nodes, as the real corpus does.
Everything is drawn from one seeded ``random.Random``: the same seed gives the same files.

    .venv/bin/python benchmarks/generate.py OUT --count 1000 [--pdf 100] [--seed 7]

PDFs are written by hand as minimal valid PDF 1.4 files (Helvetica, WinAnsiEncoding), one
text line per ``Tj``, so that pypdf extracts real text from them.
"""

from __future__ import annotations

import argparse
import random
import zlib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

ASKERS = [
    ("Beckerman", "SP"), ("Van Nispen", "SP"), ("Dobbe", "SP"), ("Leijten", "SP"),
    ("Jasper van Dijk", "SP"), ("Paternotte", "D66"), ("Podt", "D66"), ("Bamenga", "D66"),
    ("Paulusma", "D66"), ("Sneller", "D66"), ("Rooderkerk", "D66"), ("Van der Werf", "D66"),
    ("Kröger", "GroenLinks-PvdA"), ("Westerveld", "GroenLinks-PvdA"),
    ("Bushoff", "GroenLinks-PvdA"), ("Piri", "GroenLinks-PvdA"), ("Kathmann", "GroenLinks-PvdA"),
    ("Chakor", "GroenLinks-PvdA"), ("Slagt-Tichelman", "GroenLinks-PvdA"),
    ("Erkens", "VVD"), ("Tielen", "VVD"), ("Kisteman", "VVD"), ("Van den Hil", "VVD"),
    ("Boswijk", "CDA"), ("Inge van Dijk", "CDA"), ("Flach", "SGP"), ("Koekkoek", "Volt"),
    ("Teunissen", "PvdD"), ("Van Baarle", "DENK"), ("Van Houwelingen", "FVD"),
    ("Van Meijeren", "FVD"), ("Vermeer", "BBB"), ("Van der Plas", "BBB"), ("Vlottes", "PVV"),
    ("Bikker", "ChristenUnie"), ("Ceder", "ChristenUnie"),
    ("Boomsma", "Nieuw Sociaal Contract"), ("Hertzberger", "Nieuw Sociaal Contract"),
    ("Joseph", "Nieuw Sociaal Contract"), ("Wingelaar", "Nieuw Sociaal Contract"),
    ("Soepboer", "Nieuw Sociaal Contract"),
]  # fmt: skip
# (role, name, portfolio) as the answer lines of the fixtures write them
ANSWERERS = [
    ("Minister", "Veldkamp", "Buitenlandse Zaken"),
    ("Minister", "Van Weel", "Justitie en Veiligheid"),
    ("Minister", "Bruins", "Onderwijs, Cultuur en Wetenschap"),
    ("Staatssecretaris", "Achahbar", "Financiën"),
    ("Staatssecretaris", "Karremans", "Volksgezondheid, Welzijn en Sport"),
    ("Staatssecretaris", "Van Marum", "Binnenlandse Zaken en Koninkrijksrelaties"),
    ("Minister", "Madlener", "Infrastructuur en Waterstaat"),
    ("Minister", "Hermans", "Klimaat en Groene Groei"),
    ("Staatssecretaris", "Maeijer", "Volksgezondheid, Welzijn en Sport"),
    ("Staatssecretaris", "Van der Burg", "Justitie en Veiligheid"),
]
OUTLETS = [
    ("NOS", "nos.nl/artikel"), ("NRC", "www.nrc.nl/nieuws"), ("de Volkskrant", "www.volkskrant.nl"),
    ("Trouw", "www.trouw.nl"), ("Argos", "www.vpro.nl/argos"), ("RTL Nieuws", "www.rtlnieuws.nl"),
    ("Het Parool", "www.parool.nl"), ("Follow the Money", "www.ftm.nl/artikelen"),
]  # fmt: skip
LAWS = [
    "de Algemene verordening gegevensbescherming (AVG)", "de Wet open overheid",
    "de Wet politiegegevens", "artikel 1 van de Grondwet", "de Vreemdelingenwet 2000",
    "de Wet basisregistratie personen",
]  # fmt: skip
SUBJECTS = [
    "het bericht «{t}»", "de uitvoering van de motie over {s}", "de gevolgen van {s}",
    "het onderzoek naar {s}", "de stand van zaken rond {s}",
]  # fmt: skip
TOPICS = [
    "de wachtlijsten in de jeugdzorg", "de woningnood onder studenten",
    "de gaswinning in Groningen",
    "de opvang van asielzoekers", "het telefoonverbod in de klas", "de kosten van kinderopvang",
    "de stikstofuitstoot van de luchtvaart", "risicoprofilering door uitvoeringsorganisaties",
    "de handel in persoonsgegevens", "de sluiting van regionale ziekenhuizen",
    "de toegankelijkheid van het openbaar vervoer", "de schade door mijnbouw in Schoonebeek",
]  # fmt: skip
QUESTIONS = [
    "Bent u bekend met {x}?", "Hoe beoordeelt u {x}?", "Kunt u aangeven waarom {x} zo lang duurt?",
    "Welke maatregelen neemt u naar aanleiding van {x}?",
    "Is het stopzetten van {x} gemeld aan de Kamer? Zo nee, waarom niet?",
    "Bent u bereid om, gezien {x}, het beleid te herzien?",
    "Deelt u de mening dat {x} onwenselijk is? Kunt u uw antwoord toelichten?",
]  # fmt: skip
ANSWERS = [
    "Ja, daarmee ben ik bekend.", "Ik vind dit een zorgelijke ontwikkeling.",
    "Het kabinet neemt de zorgen over {x} serieus en informeert de Kamer voor het zomerreces.",
    "Op dit moment onderneemt het ministerie geen aanvullende stappen.",
    "Daarover heb ik overleg gevoerd met de betrokken uitvoeringsorganisaties.",
    "Nee, daartoe zie ik geen aanleiding. De huidige regels bieden voldoende ruimte voor maatwerk.",
    "Ik verwacht de resultaten van het onderzoek na de zomer naar uw Kamer te sturen.",
]  # fmt: skip
MONTHS = [
    "januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
    "oktober", "november", "december",
]  # fmt: skip
TOEVOEGINGEN = ["", "", "", "", "VII", "XVI", "VI", "IX"]


def dutch_date(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


@dataclass(frozen=True)
class Synthetic:
    identifier: str
    questions: int
    answer_blocks: int
    footnotes: int
    lines: tuple[str, ...]


class Generator:
    """Seeded documents; ``kamerstuk_pool`` numbers are shared between documents."""

    def __init__(self, seed: int = 7, kamerstuk_pool: int = 2000):
        self.rng = random.Random(seed)
        self.pool = [self._kamerstuk() for _ in range(kamerstuk_pool)]

    def _kamerstuk(self) -> str:
        r = self.rng
        dossier = r.randint(21000, 36600)
        toevoeging = r.choice(TOEVOEGINGEN)
        d = f"{dossier // 1000} {dossier % 1000:03d}" + (f" {toevoeging}" if toevoeging else "")
        return f"Kamerstuk {d}, nr. {r.randint(1, 1400)}"

    def kamerstuk(self) -> str:
        return self.rng.choice(self.pool) if self.rng.random() < 0.7 else self._kamerstuk()

    def document(self, index: int) -> Synthetic:
        r = self.rng
        year = 1999 + index // 3200
        nr = index % 3200 + 1
        vj = f"{year}{year + 1}"
        ident = f"ah-tk-{vj}-{nr}"
        submitted = date(year, 9, 1) + timedelta(days=r.randint(0, 300))
        received = submitted + timedelta(days=r.randint(14, 120))
        topic = r.choice(TOPICS)
        subject = r.choice(SUBJECTS).format(t=topic[0].upper() + topic[1:], s=topic)
        n_askers = r.choices([1, 2, 3], weights=[70, 22, 8])[0]
        askers = r.sample(ASKERS, n_askers)
        if n_askers == 1:
            who = f"het lid {askers[0][0]} ({askers[0][1]})"
        else:
            parties = {p for _, p in askers}
            names = ", ".join(a for a, _ in askers[:-1]) + f" en {askers[-1][0]}"
            if len(parties) == 1:
                who = f"de leden {names} ({'beiden' if n_askers == 2 else 'allen'} {parties.pop()})"
            else:
                who = "de leden " + ", ".join(f"{a} ({p})" for a, p in askers[:-1])
                who += f" en {askers[-1][0]} ({askers[-1][1]})"
        role, name, portfolio = r.choice(ANSWERERS)
        addressee = f"de {role} van {portfolio}"
        behalf = ""
        if r.random() < 0.25:
            other = r.choice([a for a in ANSWERERS if a[2] != portfolio])
            behalf = f", mede namens de {other[0]} van {other[2]}"
        lines = [
            "Tweede Kamer der Staten-Generaal2",
            f"Vergaderjaar {year}–{year + 1} Aanhangsel van de Handelingen",
            "Vragen gesteld door de leden der Kamer, met de daarop door de",
            "regering gegeven antwoorden",
            str(nr),
            f"Vragen van {who} aan {addressee} over {subject} (ingezonden "
            f"{dutch_date(submitted)}).",
            f"Antwoord van {role} {name} ({portfolio}){behalf} (ontvangen {dutch_date(received)}).",
        ]
        n_q = r.choices(range(1, 16), weights=[2, 4, 6, 8, 9, 9, 8, 7, 6, 5, 4, 3, 3, 2, 2])[0]
        footnotes: list[str] = []
        blocks = 0
        q = 1
        while q <= n_q:
            group = 2 if q < n_q and r.random() < 0.12 else 1
            for k in range(q, q + group):
                text = r.choice(QUESTIONS).format(x=topic)
                if r.random() < 0.3:  # a footnote marker fused to the question
                    footnotes.append(self._footnote(topic, submitted))
                    text += str(len(footnotes))
                lines += [f"Vraag {k}", text]
            label = f"{q}" if group == 1 else f"{q} en {q + 1}"
            lines.append(f"Antwoord {label}")
            blocks += 1
            if q > 2 and r.random() < 0.1:
                lines.append(f"Zie het antwoord op vraag {r.randint(1, q - 1)}.")
            else:
                body = " ".join(r.choice(ANSWERS).format(x=topic) for _ in range(r.randint(1, 4)))
                if r.random() < 0.15:
                    body += f" Dit volgt uit {r.choice(LAWS)}."
                if r.random() < 0.12:
                    mover = r.choice(ASKERS)[0]
                    footnotes.append(self.kamerstuk())
                    body += f" Hiermee geef ik uitvoering aan de motie {mover} c.s.{len(footnotes)}"
                lines.append(body)
            q += group
        lines += [f"{i} {text}" for i, text in enumerate(footnotes, 1)]
        lines += [
            " ",
            ident,
            f"ISSN 0921 - 7398’s-Gravenhage {received.year}Tweede Kamer, vergaderjaar "
            f"{year}–{year + 1}, Aanhangsel 1",
        ]
        return Synthetic(ident, n_q, blocks, len(footnotes), tuple(lines))

    def _footnote(self, topic: str, before: date) -> str:
        r = self.rng
        kind = r.random()
        if kind < 0.5:
            outlet, host = r.choice(OUTLETS)
            d = before - timedelta(days=r.randint(1, 30))
            slug = "-".join(topic.split()[1:4])
            return (
                f"{outlet}, {dutch_date(d)}, «{topic[0].upper() + topic[1:]}», "
                f"https://{host}/{d.year}/{slug}-{r.randint(1000, 99999)}"
            )
        if kind < 0.85:
            return self.kamerstuk()
        return f"Staatscourant {before.year}, nr. {r.randint(100, 40000)}"


def pdf_bytes(lines: list[str], per_page: int = 48) -> bytes:
    """A minimal PDF 1.4 with the lines as text, Helvetica in WinAnsiEncoding."""

    def literal(s: str) -> bytes:
        raw = s.encode("cp1252", "replace")
        return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"

    def wrap(line: str, width: int = 95) -> list[str]:
        out, cur = [], ""
        for word in line.split(" "):
            if cur and len(cur) + 1 + len(word) > width:
                out.append(cur)
                cur = word
            else:
                cur = f"{cur} {word}" if cur else word
        return [*out, cur]

    wrapped = [w for line in lines for w in wrap(line)]
    pages = [wrapped[i : i + per_page] for i in range(0, len(wrapped), per_page)] or [[""]]
    objects: list[bytes] = []
    n_pages = len(pages)
    # 1 catalog, 2 pages, 3 font, then (page, content) pairs
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(n_pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {n_pages} >>".encode())
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    for i, page in enumerate(pages):
        ops = [b"BT /F1 10 Tf 12 TL 56 790 Td"]
        for line in page:
            ops.append(literal(line) + b" Tj T*")
        ops.append(b"ET")
        stream = zlib.compress(b"\n".join(ops))
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * i} 0 R >>".encode()
        )
        objects.append(
            f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode()
            + stream
            + b"\nendstream"
        )
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n".encode()
    out += f"startxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def generate(out: Path, count: int, pdf: int = 0, seed: int = 7, start: int = 0) -> list[Synthetic]:
    """Write ``count`` text documents (and the first ``pdf`` of them also as PDF)."""
    gen = Generator(seed)
    out.mkdir(parents=True, exist_ok=True)
    docs = []
    for i in range(start + count):
        d = gen.document(i)
        if i < start:
            continue
        docs.append(d)
        text = "\n".join(d.lines) + "\n"
        (out / f"{d.identifier}.pdf.txt").write_text(text, encoding="utf-8")
        if i - start < pdf:
            pdf_dir = out.parent / f"{out.name}-pdf"
            pdf_dir.mkdir(exist_ok=True)
            (pdf_dir / f"{d.identifier}.pdf").write_bytes(pdf_bytes(list(d.lines)))
    return docs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--count", type=int, default=1000)
    ap.add_argument("--pdf", type=int, default=0, help="also write the first N as PDF")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--check", type=int, default=0, help="parse N of them and compare counts")
    args = ap.parse_args()
    docs = generate(args.out, args.count, args.pdf, args.seed)
    print(f"wrote {len(docs)} text documents into {args.out}")
    if args.check:
        check(args.out, docs[: args.check])


def check(folder: Path, docs: list[Synthetic]) -> None:
    """Build some documents with kggraph and compare with what was generated."""
    from kggraph.pipeline import process_file

    bad = 0
    for d in docs:
        r = process_file(folder / f"{d.identifier}.pdf.txt")
        got = (len(r.document.questions), len(r.document.answers), len(r.document.footnotes))
        want = (d.questions, d.answer_blocks, d.footnotes)
        ok = got == want and r.report is not None and r.report.conforms
        bad += not ok
        if not ok:
            print(f"{d.identifier}: questions/answers/footnotes {got} want {want}; "
                  f"conforms={r.report.conforms if r.report else None}")  # fmt: skip
    print(f"checked {len(docs)}: {len(docs) - bad} as generated")


if __name__ == "__main__":
    main()
