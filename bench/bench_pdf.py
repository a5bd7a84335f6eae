"""Benchmark skydd.pdf.render_pdf on a typical ~3-page protection plan.

Run from the repo root:  python bench/bench_pdf.py

"cold" is the first render in the process (font configuration, font files,
print.css); "warm" is the median of the following renders.  Importing
WeasyPrint itself is timed separately because it happens once per worker.

build_sample_html() is importable (``from bench.bench_pdf import build_sample_html``)
so it can be swapped for the real plan template later.  All names and facts in
it are fictional.
"""

from __future__ import annotations

import statistics
import sys
import time
from html import escape
from pathlib import Path

# Running "python bench/bench_pdf.py" puts bench/ first on sys.path, not the repo root.
REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

WARM_RUNS = 10
TITLE = "Gemensam skyddsplan PSS-U-2026-00042 v3"
SECRECY_MARKING = "SEKRETESS enligt 21 kap. 3 § OSL"

_FILLER = (
    "Uppgifterna i detta avsnitt är fiktiva och används endast för att prova "
    "dokumentets layout. Handläggaren har i samråd med polisen och socialtjänsten "
    "gått igenom de uppgifter som finns i ärendet och bedömt vilka åtgärder som "
    "behövs på kort och lång sikt. Bedömningen ses över vid varje uppföljningsmöte "
    "och när nya uppgifter kommer in."
)


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _paragraphs(count: int) -> str:
    return "".join(f"<p>{escape(_FILLER)}</p>" for _ in range(count))


def build_sample_html(*, draft: bool = True) -> str:
    """Return a fictional protection-plan document of roughly three A4 pages."""
    persons = _table(
        ["Namn", "Roll", "Född", "Skyddsnivå"],
        [
            ["Kim Exempelsson", "Skyddad person", "1985", "Skyddad folkbokföring"],
            ["Alex Exempelsson", "Barn", "2014", "Sekretessmarkering"],
            ["Sam Exempelsson", "Barn", "2017", "Sekretessmarkering"],
            ["Robin Testberg", "Hotutövare", "1982", "Ej aktuell"],
        ],
    )
    measures = _table(
        ["Åtgärd", "Ansvarig", "Status", "Datum"],
        [
            ["Larmpaket med trygghetslarm", "Polisen", "Genomförd", "2026-01-12"],
            ["Skyddat boende, tillfälligt", "Socialtjänsten", "Pågår", "2026-01-14"],
            ["Kontaktförbud ansökan", "Åklagare", "Beviljad", "2026-01-20"],
            ["Byte av skola för barnen", "Skolförvaltningen", "Planerad", "2026-02-01"],
            ["Säkerhetssamtal med arbetsgivare", "Handläggare", "Planerad", "2026-02-05"],
            ["Sekretessmarkering i register", "Skatteverket", "Genomförd", "2026-01-15"],
        ],
    )
    roles = _table(
        ["Organisation", "Kontaktperson", "Ansvar"],
        [
            ["Polisen", "Brottsofferamordnare", "Hotbedömning, larm, kontaktförbud"],
            ["Socialtjänsten", "Ansvarig handläggare", "Boende, stöd, barnens situation"],
            ["Skolförvaltningen", "Rektor", "Rutiner vid hämtning och lämning"],
            ["Kvinnojour", "Stödperson", "Samtalsstöd och praktisk hjälp"],
        ],
    )
    follow_up = _table(
        ["Möte", "Datum", "Deltagare"],
        [
            ["Första uppföljning", "2026-02-15", "Polisen, socialtjänsten"],
            ["Andra uppföljning", "2026-03-15", "Polisen, socialtjänsten, skolan"],
            ["Avslutande bedömning", "2026-05-01", "Samtliga parter"],
        ],
    )
    body_class = ' class="draft"' if draft else ""
    return f"""<!doctype html>
<html lang="sv">
<head><meta charset="utf-8"><title>{escape(TITLE)}</title></head>
<body{body_class}>
<h1>{escape(TITLE)}</h1>
<h2>1. Inledning</h2>
{_paragraphs(2)}
<h3>1.1 Berörda personer</h3>
{persons}
{_paragraphs(1)}
<h2>2. Övergripande beskrivning och hotbild</h2>
{_paragraphs(5)}
<h2>3. Säkerhetshöjande åtgärder</h2>
{_paragraphs(1)}
{measures}
{_paragraphs(3)}
<h2>4. Ansvarsfördelning</h2>
{roles}
{_paragraphs(2)}
<h2>5. Uppföljning av ärendet</h2>
{_paragraphs(2)}
{follow_up}
</body>
</html>"""


def main() -> None:
    start = time.perf_counter()
    from skydd.pdf import render_pdf

    import_s = time.perf_counter() - start
    html = build_sample_html()

    start = time.perf_counter()
    pdf = render_pdf(html, title=TITLE, secrecy_marking=SECRECY_MARKING)
    cold_s = time.perf_counter() - start

    warm: list[float] = []
    for _ in range(WARM_RUNS):
        start = time.perf_counter()
        render_pdf(html, title=TITLE, secrecy_marking=SECRECY_MARKING)
        warm.append(time.perf_counter() - start)

    from io import BytesIO

    from pypdf import PdfReader  # dev dependency; only used to report the page count

    pages = len(PdfReader(BytesIO(pdf)).pages)
    print(f"import weasyprint: {import_s:.3f} s")
    print(f"output: {len(pdf) / 1024:.0f} KiB, {pages} pages")
    print(f"cold: {cold_s:.3f} s")
    print(f"warm median: {statistics.median(warm):.3f} s ({WARM_RUNS} runs)")

    if len(sys.argv) > 1:  # optional: write the PDF for inspection
        Path(sys.argv[1]).write_bytes(pdf)


if __name__ == "__main__":
    main()
