"""The plan as PDF: all five sections, header, metadata, hostile text, each reader's scope."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from pypdf import PdfReader

from cases.access import CaseAccess
from cases.models import ProtectionPlan
from cases.plan import services
from cases.plan.pdf import build_document, render_plan_html, render_plan_pdf
from tests.cases import plan_support as s
from tests.cases.plan_support import access_for, disclose, pdf_text, rich_case
from tests.test_pdf import Listener, all_pdf_bytes, assert_no_embedded_files

pytestmark = pytest.mark.django_db

HEADINGS = [
    "1 Inledning",
    "1.1 Berörda personer",
    "2 Övergripande beskrivning och hotbild",
    "3 Säkerhetshöjande åtgärder",
    "4 Ansvarsfördelning",
    "Polismyndigheten åtar sig att",
    "Socialtjänsten åtar sig att",
    "5 Uppföljning av ärendet",
]


def flat(text: str) -> str:
    """Whitespace-normalised, so that a value wrapped in a table cell still matches."""
    return " ".join(text.split())


def render(case_access: CaseAccess, plan: ProtectionPlan) -> bytes:
    pdf = render_plan_pdf(build_document(case_access, plan))
    if os.environ.get("PLAN_PDF_DIR"):  # for looking at the output by hand
        name = f"{case_access.user.email.split('@')[0]}-v{plan.number}.pdf"
        Path(os.environ["PLAN_PDF_DIR"], name).write_bytes(pdf)
    return pdf


@pytest.fixture
def rich(handler, koping, social):
    rich = rich_case(handler)
    disclose(rich.case, koping, social, scope_risk_full=True)
    return rich


def test_pdf_has_every_section_reference_version_and_header(handler, rich) -> None:
    police = access_for(handler, rich.case)
    plan = services.start_version(handler, police.case)
    services.update_texts(
        handler,
        plan,
        expected_version=1,
        changes={"police_commitments": "Polisen lånar ut larmpaket."},
    )
    plan.refresh_from_db()
    pdf = render(police, plan)

    reader = PdfReader(io.BytesIO(pdf))
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    pages = [flat(page.extract_text()) for page in reader.pages]
    text = " ".join(pages)
    positions = [text.find(heading) for heading in HEADINGS]
    assert all(p >= 0 for p in positions), dict(zip(HEADINGS, positions, strict=True))
    assert positions == sorted(positions), "sections in the order of Bilaga 3"
    reference = rich.case.reference
    for number, page in enumerate(pages, start=1):
        assert "SEKRETESS enligt OSL" in page
        assert f"{reference} · version 1" in page
        assert f"Sida {number} av {len(pages)}" in page
        assert "Utskriven 20" in page
        assert "UTKAST" in page  # a draft
    assert "Polisen lånar ut larmpaket." in text


def test_agreed_pdf_has_no_watermark_and_names_who_confirmed(handler, social, rich) -> None:
    police = access_for(handler, rich.case)
    plan = services.start_version(handler, police.case)
    plan = services.confirm(handler, plan, expected_version=1)
    plan = services.confirm(social, plan, expected_version=1)
    text = flat(pdf_text(render(police, plan)))
    assert "UTKAST" not in text
    assert "Hanna Handläggare" in text and "Sara Socialsekreterare" in text
    assert "Överenskommen 20" in text


def test_secrecy_marking_comes_from_the_unit(handler, rich) -> None:
    unit = rich.case.unit
    unit.secrecy_marking = "SEKRETESS enligt 35 kap. 1 § OSL"
    unit.save()
    rich.case.refresh_from_db()
    police = access_for(handler, rich.case)
    plan = services.start_version(handler, police.case)
    assert "SEKRETESS enligt 35 kap. 1 § OSL" in flat(pdf_text(render(police, plan)))


def test_metadata_holds_the_title_only(handler, rich) -> None:
    police = access_for(handler, rich.case)
    plan = services.start_version(handler, police.case)
    pdf = render(police, plan)
    info = PdfReader(io.BytesIO(pdf)).metadata
    assert info is not None
    assert info["/Title"] == f"Gemensam skyddsplan {rich.case.reference} v1"
    assert set(info) <= {"/Title", "/Producer", "/Creator"}
    raw = str(dict(info))
    for name in (s.NAME, "Zelmira", s.CHILD_NAME, "Hanna", "Handläggare", s.PNR):
        assert name not in raw


HOSTILE = [
    '<img src="file:///etc/passwd">',
    '<link rel="attachment" href="file:///etc/hostname">',
    '<a rel="attachment" href="file:///etc/hostname">bilaga</a>',
    "<style>body { background: url(http://127.0.0.1:{port}/) }</style>",
    '<p style="background: url(http://127.0.0.1:{port}/x)">x</p>',
    "url(http://127.0.0.1:9/)",
    '<img src="http://127.0.0.1:{port}/img.png">',
]


def test_hostile_text_in_every_field_fetches_nothing_and_embeds_nothing(
    handler, social, koping, monkeypatch
) -> None:
    from skydd.pdf import StaticOnlyFetcher

    fetched: list[str] = []
    original = StaticOnlyFetcher.fetch

    def recording(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", recording)
    listener = Listener()
    try:
        hostile = "\n".join(h.replace("{port}", str(listener.port)) for h in HOSTILE)
        from cases.models import Person

        rich = rich_case(handler)
        disclose(rich.case, koping, social, scope_secret_dwelling=True)
        # Hostile text in the persons' fields and the organisation names too, not only in
        # the plan's own texts.
        Person.objects.filter(pk=rich.protected.pk).update(first_name=HOSTILE[0])
        rich.case.participants.filter(person=rich.protected).update(
            phone=HOSTILE[0], street_address=hostile[:200]
        )
        rich.protected.secret_dwellings.update(address=hostile, description=hostile[:200])
        rich.case.unit.__class__.objects.filter(pk=rich.case.unit_id).update(
            secrecy_marking=hostile[:200]
        )
        rich.case.refresh_from_db()
        police = access_for(handler, rich.case)
        plan = services.start_version(handler, police.case)
        changes = dict.fromkeys(services.EDITABLE_BY["police"], hostile)
        services.update_texts(handler, plan, expected_version=1, changes=changes)
        services.update_texts(
            social, plan, expected_version=2, changes={"social_commitments": hostile}
        )
        plan.refresh_from_db()

        html = render_plan_html(build_document(police, plan))
        assert "<img" not in html.split("</head>")[1]
        assert '<link rel="attachment"' not in html
        assert "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html

        pdf = render(police, plan)
    finally:
        listener.close()

    assert fetched, "the fetcher was used"
    assert all(url.startswith("https://skydd.invalid/static/") for url in fetched), fetched
    assert listener.connections == 0
    assert_no_embedded_files(pdf)
    everything = all_pdf_bytes(pdf)
    passwd_first_line = Path("/etc/passwd").read_text().splitlines()[0]
    assert passwd_first_line.encode() not in everything
    # The hostile text is printed as text.
    text = flat(pdf_text(pdf))
    assert '<img src="file:///etc/passwd">' in text


SCOPED = {
    "scope_persons": [s.NAME, s.PNR, s.PHONE, s.ADDRESS, s.CHILD_NAME],
    "scope_secret_dwelling": [s.DWELLING],
    "risk": [s.INSTRUMENT, "Hotbildsanalys"],
    "scope_measures": [s.MEASURE, s.FOLLOW_UP],
}


def _sentinels_present(text: str) -> dict[str, list[str]]:
    return {
        group: [sentinel for sentinel in sentinels if sentinel in text]
        for group, sentinels in SCOPED.items()
    }


@pytest.mark.parametrize(
    ("scope", "visible_groups"),
    [
        # Only the plan itself: nothing filled in from the case.
        (
            {
                "scope_persons": False,
                "scope_risk_summary": False,
                "scope_risk_full": False,
                "scope_measures": False,
            },
            set(),
        ),
        ({"scope_risk_summary": False, "scope_measures": False}, {"scope_persons"}),
        (
            {"scope_persons": False, "scope_measures": False, "scope_risk_summary": True},
            {"risk"},
        ),
        ({"scope_persons": False, "scope_risk_summary": False}, {"scope_measures"}),
        ({"scope_risk_full": True}, {"scope_persons", "risk", "scope_measures"}),
        (
            {"scope_secret_dwelling": True},
            {"scope_persons", "risk", "scope_measures", "scope_secret_dwelling"},
        ),
    ],
)
def test_social_services_pdf_holds_nothing_outside_its_scope(
    handler, social, koping, scope, visible_groups
) -> None:
    rich = rich_case(handler)
    disclose(rich.case, koping, social, **scope)
    plan = services.start_version(handler, rich.case)
    soc = access_for(social, rich.case)

    text = flat(pdf_text(render(soc, plan)))

    present = _sentinels_present(text)
    for group, found in present.items():
        if group in visible_groups:
            assert found == SCOPED[group], (group, found)
        else:
            assert found == [], (group, found)
    for sentinel in [*s.NEVER_IN_A_PLAN, s.POLICE_ONLY_DWELLING]:
        assert sentinel not in text
    # The plan's own parts are always there.
    assert "4 Ansvarsfördelning" in text and rich.case.reference in text


def test_police_pdf_shows_everything_but_what_is_never_printed(handler, head, social, rich):
    plan = services.start_version(handler, rich.case)
    text = flat(pdf_text(render(access_for(handler, rich.case), plan)))
    for group, found in _sentinels_present(text).items():
        assert found == SCOPED[group], group
    assert s.POLICE_ONLY_DWELLING in text  # the assigned handler knows it
    for sentinel in s.NEVER_IN_A_PLAN:
        assert sentinel not in text
    assert "Gamlavägen" not in text  # an ended dwelling
    assert "Medling" not in text  # an ended measure
    assert "Skyddad adress – visas inte" in text

    # The head is police but not assigned: not the police-only dwelling.
    head_text = flat(pdf_text(render(access_for(head, rich.case), plan)))
    assert s.DWELLING in head_text
    assert s.POLICE_ONLY_DWELLING not in head_text


def test_social_services_sees_only_its_own_contact_persons(
    handler, social, koping, sala, social_other
) -> None:
    rich = rich_case(handler)
    disclose(rich.case, koping, social)
    disclose(rich.case, sala, social_other)
    plan = services.start_version(handler, rich.case)
    police_text = flat(pdf_text(render(access_for(handler, rich.case), plan)))
    assert "Sara Socialsekreterare" in police_text and "Siv Sala" in police_text
    social_text = flat(pdf_text(render(access_for(social, rich.case), plan)))
    assert "Sara Socialsekreterare" in social_text
    assert "Siv Sala" not in social_text and "Socialtjänsten Sala" not in social_text


def test_bench_sample_is_the_real_plan_template() -> None:
    from bench.bench_pdf import build_sample_html

    html = build_sample_html()
    for heading in HEADINGS:
        assert heading in html
    assert 'class="draft"' in html and "PSS-U-2026-00042" in html
