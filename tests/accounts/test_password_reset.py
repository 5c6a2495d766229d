"""A forgotten password: a one-time link by e-mail, and no word on whether an address has an
account (the same answer either way)."""

from __future__ import annotations

import re

from django.core import mail
from django.urls import reverse

from etablera.accounts.roles import Role


def _with_email(make_user, email: str):
    user = make_user(Role.STRATEGIST)
    user.email = email
    user.set_password("Ett-gammalt-långt-lösenord-2025")
    user.save()
    return user


def test_a_link_by_e_mail_sets_a_new_password_once(client, make_user):
    user = _with_email(make_user, "anna@kommun.test")
    login = client.get(reverse("accounts:login")).content.decode()
    assert reverse("accounts:password_reset") in login

    response = client.post(reverse("accounts:password_reset"), {"email": "anna@kommun.test"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    (message,) = mail.outbox
    assert message.to == ["anna@kommun.test"] and "Etablera" in message.subject
    link = re.search(r"https?://\S+", message.body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]

    form = client.get("/" + path, follow=True)
    assert form.context["validlink"]
    new = "Ett-nytt-långt-lösenord-2026"
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": new, "new_password2": new},
    )
    assert done.url == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(new)
    again = client.get("/" + path, follow=True)
    assert not again.context["validlink"]
    assert "Länken fungerar inte längre" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, make_user):
    _with_email(make_user, "anna@kommun.test")
    known = client.post(reverse("accounts:password_reset"), {"email": "anna@kommun.test"})
    unknown = client.post(reverse("accounts:password_reset"), {"email": "ingen@kommun.test"})
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert len(mail.outbox) == 1


def test_an_account_that_signs_in_with_the_municipality_gets_no_link(client, make_user):
    user = _with_email(make_user, "sso@kommun.test")
    user.set_unusable_password()
    user.save()
    client.post(reverse("accounts:password_reset"), {"email": "sso@kommun.test"})
    assert mail.outbox == []


def test_the_password_pages_are_the_sites_own_not_the_admins(client, make_user):
    """Django's admin has templates with the same names; these pages must be in the site's
    layout (its navigation, language and accessibility), not the admin's."""
    client.force_login(_with_email(make_user, "anna@kommun.test"))
    for name in ("accounts:password_change", "accounts:password_change_done"):
        response = client.get(reverse(name))
        used = [t.name for t in response.templates]
        assert "base.html" in used and not any(n.startswith("admin/") for n in used), used
    client.logout()
    for name in ("accounts:password_reset", "accounts:password_reset_done"):
        used = [t.name for t in client.get(reverse(name)).templates]
        assert "base.html" in used and not any(n.startswith("admin/") for n in used), used
