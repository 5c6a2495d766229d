"""User administration inside the application: accounts, roles, deactivation, second factors.

The administrator manages accounts through the services, every change lands in the trail, and
nothing on these pages shows a participant.
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from etablera.accounts import selectors, services
from etablera.accounts.models import AccessLogEntry, RoleAssignment, User
from etablera.accounts.roles import Role
from tests.factories import UnitFactory, UserFactory
from tests.register.factories import ParticipantFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(make_user, municipality):
    return make_user(Role.ADMIN)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def coach_unit(body):
    return UnitFactory(body=body, name="Arbetsmarknadsenheten")


def _actions() -> list[str]:
    return list(AccessLogEntry.objects.order_by("seq").values_list("action", flat=True))


# --- services -------------------------------------------------------------------------------


def test_create_user_records_the_trail_and_checks_the_password(admin_user):
    user = services.create_user(
        User(username=" nyanstalld ", first_name="Nora"),
        password="ett-langt-losenord-7",
        actor=admin_user,
    )
    assert user.username == "nyanstalld"
    assert user.check_password("ett-langt-losenord-7")
    assert not user.role_assignments.exists()
    entry = AccessLogEntry.objects.get()
    assert (entry.action, entry.subject_id, entry.username) == (
        "user.create",
        str(user.pk),
        admin_user.username,
    )
    with pytest.raises(ValidationError):
        services.create_user(User(username="kort"), password="123", actor=admin_user)
    assert not User.objects.filter(username="kort").exists()


def test_create_user_refuses_a_taken_name_whatever_its_case(admin_user):
    UserFactory(username="eva")
    with pytest.raises(ValidationError) as exc:
        services.create_user(User(username="EVA"), actor=admin_user)
    assert "username" in exc.value.message_dict


def test_a_user_created_without_password_cannot_sign_in_with_one(admin_user):
    user = services.create_user(User(username="sso-anvandare"), actor=admin_user)
    assert not user.has_usable_password()


def test_deactivate_and_activate_are_recorded_and_nobody_deactivates_themself(admin_user):
    user = UserFactory()
    services.set_active(user, False, actor=admin_user)
    user.refresh_from_db()
    assert not user.is_active
    services.set_active(user, False, actor=admin_user)  # already inactive: nothing to record
    services.set_active(user, True, actor=admin_user)
    assert _actions() == ["user.deactivate", "user.activate"]
    with pytest.raises(ValidationError):
        services.set_active(admin_user, False, actor=admin_user)
    admin_user.refresh_from_db()
    assert admin_user.is_active


def test_every_grant_and_revoke_is_in_the_trail_and_personal_data_roles_reach_the_owner(
    admin_user, body, coach_unit, settings, django_capture_on_commit_callbacks
):
    settings.ETABLERA_REGISTER_OWNER_EMAIL = "registeransvarig@kommun.example"
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        reader = services.grant_role(
            RoleAssignment(user=user, role=Role.READER, body=body), actor=admin_user
        )
        coach = services.grant_role(
            RoleAssignment(user=user, role=Role.COACH, unit=coach_unit), actor=admin_user
        )
        services.revoke_role(reader, actor=admin_user)
        services.revoke_role(coach, actor=admin_user)
    assert _actions() == ["role.grant", "role.grant", "role.revoke", "role.revoke"]
    assert len(mail.outbox) == 2  # the coach role's grant and its withdrawal
    assert not user.role_assignments.exists()


def test_reset_two_factor_removes_the_devices_and_refuses_ones_own(admin_user):
    user = UserFactory()
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    services.reset_two_factor(user, actor=admin_user)
    assert not user_has_device(user, confirmed=None)
    assert _actions() == ["reset-2fa"]
    with pytest.raises(ValidationError):
        services.reset_two_factor(user, actor=admin_user)  # nothing left to reset
    TOTPDevice.objects.create(user=admin_user, name="app", confirmed=True)
    with pytest.raises(ValidationError):
        services.reset_two_factor(admin_user, actor=admin_user)
    assert user_has_device(admin_user)


# --- selectors ------------------------------------------------------------------------------


def test_users_filter_by_text_status_and_role(admin_user, body):
    eva = UserFactory(username="eva", email="eva@kommun.example")
    UserFactory(username="olle", is_active=False)
    services.grant_role(RoleAssignment(user=eva, role=Role.READER, body=body), actor=admin_user)
    names = lambda **f: [u.username for u in selectors.users(admin_user, **f)]  # noqa: E731
    assert names(q="kommun.example") == ["eva"]
    assert names(status="inactive") == ["olle"]
    assert names(role=Role.READER) == ["eva"]
    assert "olle" not in names(status="active")


def test_users_are_for_the_administrator_only(make_user, body):
    strategist = make_user(Role.STRATEGIST, body=body)
    assert list(selectors.users(strategist)) == []


def test_the_user_list_needs_the_same_queries_however_many_users(
    admin_client, body, django_assert_num_queries
):
    def queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert admin_client.get(reverse("accounts:user-list")).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(2):
        user = UserFactory()
        RoleAssignment.objects.create(user=user, role=Role.READER, body=body)
    few = queries()
    for _ in range(8):
        user = UserFactory()
        RoleAssignment.objects.create(user=user, role=Role.READER, body=body)
        TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    assert queries() == few


# --- pages ----------------------------------------------------------------------------------


def test_the_administrator_creates_a_user_and_grants_a_role(admin_client, body):
    response = admin_client.post(
        reverse("accounts:user-create"),
        {"username": "kim", "first_name": "Kim", "last_name": "Berg", "email": "", "title": ""},
    )
    kim = User.objects.get(username="kim")
    assert response.url == reverse("accounts:user-detail", args=[kim.pk])
    response = admin_client.post(
        reverse("accounts:user-role-grant", args=[kim.pk]), {"role": Role.READER, "body": body.pk}
    )
    assert response.status_code == 302
    assert kim.role_assignments.get().body == body
    page = admin_client.get(reverse("accounts:user-detail", args=[kim.pk])).content.decode()
    assert "Gav en roll" in page and "Skapade kontot" in page


def test_a_bad_grant_shows_the_services_message_and_saves_nothing(
    admin_client, admin_user, coach_unit
):
    response = admin_client.post(
        reverse("accounts:user-role-grant", args=[admin_user.pk]),
        {"role": Role.COACH, "unit": coach_unit.pk},
    )
    assert response.status_code == 200
    assert "Du kan inte ge dig själv rollen" in response.content.decode()
    assert not admin_user.role_assignments.filter(role=Role.COACH).exists()


def test_revoke_deactivate_and_reset_from_the_page(admin_client, body):
    user = UserFactory()
    assignment = RoleAssignment.objects.create(user=user, role=Role.READER, body=body)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    detail = reverse("accounts:user-detail", args=[user.pk])
    revoke = reverse("accounts:user-role-revoke", args=[user.pk, assignment.pk])
    assert admin_client.post(revoke).url == detail
    assert (
        admin_client.post(reverse("accounts:user-set-active", args=[user.pk]), {"aktiv": "0"}).url
        == detail
    )
    assert (
        admin_client.post(reverse("accounts:user-reset-two-factor", args=[user.pk])).url == detail
    )
    user.refresh_from_db()
    assert not user.is_active and not user.role_assignments.exists()
    assert not user_has_device(user, confirmed=None)
    assert _actions() == ["role.revoke", "user.deactivate", "reset-2fa"]


def test_refusals_on_the_page_are_messages_not_errors(admin_client, admin_user):
    response = admin_client.post(
        reverse("accounts:user-set-active", args=[admin_user.pk]), {"aktiv": "0"}
    )
    assert response.status_code == 200
    assert "Du kan inte inaktivera ditt eget konto" in response.content.decode()
    assert (
        admin_client.get(reverse("accounts:user-set-active", args=[admin_user.pk])).status_code
        == 405
    )


def test_no_participant_on_the_user_pages(admin_client, coach_unit, make_user):
    coach = make_user(Role.COACH, unit=coach_unit)
    participant = ParticipantFactory(owning_unit=coach_unit)
    pages = [
        reverse("accounts:user-list"),
        reverse("accounts:user-detail", args=[coach.pk]),
        reverse("accounts:user-create"),
    ]
    for url in pages:
        html = admin_client.get(url).content.decode()
        assert participant.masked_identity not in html
        assert participant.masked_identity[:8] not in html
    assert not AccessLogEntry.objects.filter(subject_type="register.participant").exists()


def test_only_the_administrator_opens_the_user_pages(client, make_user, body):
    client.force_login(make_user(Role.STRATEGIST, body=body))
    assert client.get(reverse("accounts:user-list")).status_code == 403
    user = UserFactory()
    assert client.get(reverse("accounts:user-detail", args=[user.pk])).status_code == 404
    assert client.post(reverse("accounts:user-set-active", args=[user.pk])).status_code == 404
