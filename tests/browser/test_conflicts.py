"""The register's administrator resolves a registration conflict; the page passes axe-core."""

from __future__ import annotations

from etablera.accounts.roles import Role
from etablera.organisation.models import Unit
from etablera.register import services
from etablera.register.models import ConflictStatus, Participant, RegistrationConflict
from tests.browser.conftest import axe_violations, login
from tests.factories import UnitFactory, user_with_role
from tests.register.factories import ParticipantFactory, next_number


def test_the_register_administrator_shares_a_participant(page, live_server, demo):
    # The demo coach's unit is above both units, so the demo coach is their register's
    # administrator.
    parent = Unit.objects.get(name="Arbetsmarknadsenheten")
    owning = UnitFactory(body=parent.body, parent=parent, name="Jobbcentrum Test")
    asking = UnitFactory(body=parent.body, parent=parent, name="Språkcentrum Test")
    number = next_number()
    person = ParticipantFactory(number=number, owning_unit=owning)
    services.register_participant(
        Participant(owning_unit=asking),
        actor=user_with_role(Role.COACH, unit=asking),
        kind="personnummer",
        number=number,
    )
    login(page, live_server, "coach")
    page.goto(f"{live_server.url}/register/konflikter/")
    assert "Jobbcentrum Test" in page.inner_text("main table")
    assert axe_violations(page) == []
    page.click("main table >> button:has-text('Delat deltagande')")
    assert "Deltagaren delas nu mellan enheterna." in page.inner_text("main")
    assert "delat deltagande" in page.inner_text("main")
    assert axe_violations(page) == []
    assert RegistrationConflict.objects.get().status == ConflictStatus.SHARED
    assert person.shares.get().unit == asking
