"""The demo tells the platform's story: two versions, sent to every committee, some answers."""

from __future__ import annotations

import pytest
from django.utils import timezone

from etablera.accounts.models import User
from etablera.accounts.policy import Operator
from etablera.documents import selectors
from etablera.documents.models import SteeringDocument, VersionStatus


@pytest.fixture
def demo(small_demo, db):
    """The small demo, loaded once for this module (``tests/conftest.py``)."""


def test_the_demo_tells_the_platforms_story(demo):
    # Two versions: 2019 superseded by the 2024 revision adopted by KS.
    platform = SteeringDocument.objects.get(title="Plattform för integrationssamverkan")
    old, new = platform.versions.order_by("number")
    assert old.status == VersionStatus.SUPERSEDED and old.decision.date.year == 2019
    assert new.status == VersionStatus.ADOPTED and new.decision.date.year == 2024
    assert new.decision.body.short_name == "KS"
    assert old.superseded_on == new.adopted_on

    # The current version reached every committee; SN and BUN answered, KFN is late.
    coverage = selectors.version_coverage(new)
    states = {row.body.short_name: row.state for row in coverage.rows}
    assert set(states) == {"SN", "BUN", "KFN", "SBN", "GVN"}
    assert states["SN"] == states["BUN"] == selectors.ACKNOWLEDGED
    assert states["KFN"] == selectors.OVERDUE
    assert {states["SBN"], states["GVN"]} == {selectors.PENDING}
    for row in coverage.rows:
        if row.state == selectors.ACKNOWLEDGED:
            assert len(row.acknowledgement.text) > 80

    # The guidelines are past their review date and kept as a real PDF.
    past = list(selectors.documents_past_review(Operator("test"), timezone.localdate()))
    assert [d.title for d in past] == ["Riktlinjer för arbetsmarknadsinsatser"]
    with past[0].versions.get().file.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"

    # The demo reporter (SN) has something to acknowledge.
    pending = list(selectors.pending_for(User.objects.get(username="rapportor")))
    assert [d.version.document.title for d in pending] == [
        "Program för social hållbarhet 2024–2027"
    ]


def test_the_pdf_is_valid_for_a_pdf_reader():
    from io import BytesIO

    from pypdf import PdfReader

    from etablera.documents.demo import GUIDELINES_PDF_LINES, simple_pdf

    reader = PdfReader(BytesIO(simple_pdf(GUIDELINES_PDF_LINES)))
    text = reader.pages[0].extract_text()
    assert "Riktlinjer för arbetsmarknadsinsatser" in text
    assert "Varje insats utgår från en individuell planering." in text
