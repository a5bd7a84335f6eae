"""Benchmark the joint protection plan's PDF: the real template, a typical fictional plan.

Run from the repo root:  python bench/bench_pdf.py [out.pdf]   (or: make bench)

The plan is rendered exactly as a download renders it – templates/cases/plan/plan_pdf.html
through cases.plan.pdf.render_plan_pdf, which calls skydd.pdf.render_pdf – from a
PlanDocument built here with fictional values, so no database is needed. "cold" is the first
render in the process (template loading, font configuration, font files, print.css); "warm"
is the median of the following renders. Wall-clock and CPU seconds are both printed: on a
busy machine the wall clock also counts the other processes. Importing WeasyPrint is timed
separately because it happens once per worker.

``build_sample_html()`` returns the sample plan's HTML (``from bench.bench_pdf import
build_sample_html``). All names and facts are fictional.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING

# Running "python bench/bench_pdf.py" puts bench/ first on sys.path, not the repo root.
REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

if TYPE_CHECKING:
    from cases.plan.pdf import PlanDocument

WARM_RUNS = 10
TARGET_S, TARGET_RATIO = 0.5, 1.2  # issue 16: warm median, and × bare WeasyPrint
REFERENCE = "PSS-U-2026-00042"
SECRECY_MARKING = "SEKRETESS enligt 21 kap. 3 § OSL"
TITLE = f"Gemensam skyddsplan {REFERENCE} v3"

_FILLER = (
    "Uppgifterna i detta avsnitt är fiktiva och används endast för att prova dokumentets "
    "layout. Handläggarna hos polisen och socialtjänsten har gått igenom uppgifterna i ärendet "
    "och bedömt vilka åtgärder som behövs på kort och lång sikt. Bedömningen ses över vid varje "
    "uppföljningsmöte och när nya uppgifter kommer in."
)


def _setup_django() -> None:
    # Templates, settings and the reference data the plan reads (the rating scales' labels,
    # loaded by the migrations) from a throwaway SQLite file: no PostgreSQL server needed.
    (REPO_ROOT / "var").mkdir(exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{REPO_ROOT / 'var' / 'bench-pdf.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skydd.settings_test")
    import logging

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    # WeasyPrint logs each rendering step at INFO; the figures are what we want to read.
    logging.getLogger("weasyprint").setLevel(logging.WARNING)


def _text(paragraphs: int) -> str:
    return "\n\n".join([_FILLER] * paragraphs)


def _person(role: str, name: str, pnr: str, protection: str, address: str) -> dict[str, object]:
    suppressed = protection in ("skyddad_folkbokforing", "fingerade")
    return {
        "person_key": "00000000-0000-0000-0000-000000000000",
        "role": role,
        "name": name,
        "personnummer": pnr,
        "date_of_birth": "",
        "phone": "070-000 00 00",
        "protection": protection,
        "address": "" if suppressed else address,
        "address_suppressed": suppressed,
        "dwellings": [],
    }


def sample_document(*, draft: bool = True) -> PlanDocument:
    """A typical plan: a protected person and three children, two assessments, six measures,
    three follow-ups, both parties' commitments – about three A4 pages."""
    from cases.access import POLICE_SCOPES
    from cases.plan import sources
    from cases.plan.pdf import PlanDocument

    persons = [
        _person("protected", "Kim Exempelsson (demo)", "19850312-0000", "sekretessmarkering", ""),
        _person("child", "Alex Exempelsson (demo)", "20140501-0000", "skyddad_folkbokforing", ""),
        _person("child", "Sam Exempelsson (demo)", "20170202-0000", "skyddad_folkbokforing", ""),
        _person("child", "Vide Exempelsson (demo)", "20200909-0000", "skyddad_folkbokforing", ""),
    ]
    persons[0]["address"] = "Exempelgatan 1, 731 30 Köping"
    persons[0]["dwellings"] = [
        {
            "id": 1,
            "description": "Tillfälligt skyddat boende",
            "address": "Uppgift i ärendet (demo)",
            "police_only": False,
        }
    ]
    data = {
        "taken_on": "2026-02-01",
        "unit": "PSS Västmanland",
        "persons": persons,
        "pss_handlers": ["Anna Andersson (demo)", "Bengt Berg (demo)"],
        "social_contacts": [
            {"organisation_id": 1, "organisation": "Socialtjänsten Köping", "names": ["Eva Ek"]}
        ],
        "assessments": [
            {
                "instrument": "SARA:SV",
                "instrument_version": "1",
                "assessed_on": "2026-01-20",
                "levels": [
                    {"label": "Aktuell risk (kommande veckor)", "level": "high"},
                    {"label": "Risk för framtida partnervåld", "level": "high"},
                    {"label": "Risk för allvarligt/dödligt våld", "level": "medium"},
                ],
            },
            {
                "instrument": "Hotbildsanalys (underrättelse)",
                "instrument_version": "1",
                "assessed_on": "2026-01-22",
                "levels": [{"label": "Samlad bedömning av hotbilden", "level": "high"}],
            },
        ],
        "measures": [
            {
                "name": name,
                "category": category,
                "responsible_party": party,
                "status": status,
                "start_date": start,
                "end_date": "",
            }
            for name, category, party, status, start in [
                ("Skyddslarm/larmtelefon", "defensive", "police", "active", "2026-01-12"),
                ("Tillfälligt skyddat boende", "defensive", "social", "active", "2026-01-14"),
                ("Kontaktförbud", "offensive", "police", "active", "2026-01-20"),
                ("Konsekvenssamtal", "offensive", "police", "planned", ""),
                ("Skyddade personuppgifter", "defensive", "police", "planned", ""),
                ("Ekonomiskt bistånd", "social", "social", "active", "2026-01-15"),
            ]
        ],
        "follow_ups": [
            {"kind": kind, "due_date": due, "responsible_party": party}
            for kind, due, party in [
                ("conversation", "2026-02-15", "police"),
                ("measures_review", "2026-03-15", "social"),
                ("reassessment", "2026-05-01", "police"),
            ]
        ],
    }

    class _Reader:  # a police reader: sees every part (no database needed)
        is_police = True
        disclosures = ()
        case = SimpleNamespace(pk=0)

        def shows(self, scope: str) -> bool:
            return scope in POLICE_SCOPES

        def sees_dwelling(self, dwelling: object) -> bool:
            return True

    at = datetime(2026, 2, 1, 9, 30, tzinfo=UTC)
    return PlanDocument(
        reference=REFERENCE,
        number=3,
        status="draft" if draft else "agreed",
        status_label="Utkast" if draft else "Överenskommen",
        secrecy_marking=SECRECY_MARKING,
        printed_on="2026-02-01",
        texts={
            "introduction": "Skyddsplanen avser skyddspersonen och dennes tre barn (demo).",
            "threat_text": _text(3),
            "measures_text": _text(2),
            "police_commitments": _text(2),
            "follow_up_text": _text(1),
        },
        parts=[("Socialtjänsten Köping (demo)", _text(2))],
        sections=sources.visible(_Reader(), data),  # type: ignore[arg-type]
        confirmations=[]
        if draft
        else [
            {
                "party": "police",
                "party_label": "Polisen",
                "name": "Anna Andersson (demo)",
                "organisation": "PSS Västmanland",
                "at": at,
            },
            {
                "party": "social",
                "party_label": "Socialtjänsten",
                "name": "Eva Ek (demo)",
                "organisation": "Socialtjänsten Köping",
                "at": at,
            },
        ],
        agreed_at=None if draft else at,
        frozen_on="" if draft else "2026-02-01",
    )


def build_sample_html(*, draft: bool = True) -> str:
    """The sample plan's HTML as the PDF view renders it."""
    _setup_django()
    from cases.plan.pdf import render_plan_html

    return render_plan_html(sample_document(draft=draft))


def main() -> int:
    _setup_django()
    start = time.perf_counter()
    import weasyprint  # noqa: F401

    import_s = time.perf_counter() - start
    from cases.plan.pdf import render_plan_pdf

    document = sample_document()

    start, start_cpu = time.perf_counter(), time.process_time()
    pdf = render_plan_pdf(document)
    cold_s, cold_cpu = time.perf_counter() - start, time.process_time() - start_cpu

    warm: list[float] = []
    warm_cpu: list[float] = []
    for _ in range(WARM_RUNS):
        start, start_cpu = time.perf_counter(), time.process_time()
        render_plan_pdf(document)
        warm.append(time.perf_counter() - start)
        warm_cpu.append(time.process_time() - start_cpu)

    # Bare WeasyPrint on the same HTML and the same print style sheet (the app adds the
    # secrecy marking, metadata and link filtering around it): what the app costs above it.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from cases.plan.pdf import render_plan_html
    from skydd.pdf import BASE_URL, PRINT_CSS_URL, StaticOnlyFetcher

    html = render_plan_html(document)
    bare: list[float] = []
    for _ in range(WARM_RUNS):
        start = time.perf_counter()
        fetcher, fonts = StaticOnlyFetcher(), FontConfiguration()
        css = CSS(url=PRINT_CSS_URL, url_fetcher=fetcher, font_config=fonts)
        HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).write_pdf(
            stylesheets=[css], font_config=fonts
        )
        bare.append(time.perf_counter() - start)

    from io import BytesIO

    from pypdf import PdfReader  # dev dependency; only used to report the page count

    pages = len(PdfReader(BytesIO(pdf)).pages)
    median, bare_median = statistics.median(warm), statistics.median(bare)
    ratio = median / bare_median
    print(f"import weasyprint: {import_s:.3f} s")
    print(f"output: {len(pdf) / 1024:.0f} KiB, {pages} pages")
    # CPU time beside wall time: on a shared machine the wall clock also measures the others.
    print(f"cold: {cold_s:.3f} s (CPU {cold_cpu:.3f} s)")
    print(
        f"warm median: {median:.3f} s (CPU {statistics.median(warm_cpu):.3f} s; {WARM_RUNS} runs)"
    )
    print(
        f"bare WeasyPrint, same HTML and print.css: {bare_median:.3f} s – the app is "
        f"{ratio:.2f}× that (target ≤ {TARGET_RATIO}×)"
    )
    from bench.results import figure, merge

    merge(
        "pdf",
        [
            figure(
                "plan PDF, warm median",
                median,
                "s",
                TARGET_S,
                median <= TARGET_S and ratio <= TARGET_RATIO,
                bare_weasyprint_s=round(bare_median, 3),
                ratio=round(ratio, 2),
                ratio_target=TARGET_RATIO,
                cold_s=round(cold_s, 3),
                pages=pages,
            ),
            figure("plan PDF, bare WeasyPrint (same HTML)", bare_median, "s", None),
        ],
    )

    if len(sys.argv) > 1:  # optional: write the PDF for inspection
        Path(sys.argv[1]).write_bytes(pdf)
    return 0 if median <= TARGET_S and ratio <= TARGET_RATIO else 1


if __name__ == "__main__":
    sys.exit(main())
