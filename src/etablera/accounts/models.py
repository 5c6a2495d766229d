"""Users, their role assignments, and the access log of personal data."""

from __future__ import annotations

import hashlib
import hmac
import json

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from etablera.organisation.models import Body, Unit

from .roles import Role


class User(AbstractUser):
    """A person who signs in. What they may do comes from their role assignments."""

    title = models.CharField(_("befattning"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("användare")
        verbose_name_plural = _("användare")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class RoleAssignment(models.Model):
    """One role held by a user, scoped to a body, a unit (and its subtree) or the municipality."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="role_assignments",
        verbose_name=_("användare"),
    )
    role = models.CharField(_("roll"), max_length=20, choices=Role.choices)
    body = models.ForeignKey(
        Body,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("organ"),
    )
    unit = models.ForeignKey(
        Unit,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("enhet"),
    )

    class Meta:
        verbose_name = _("rolltilldelning")
        verbose_name_plural = _("rolltilldelningar")
        constraints = [
            models.CheckConstraint(
                condition=Q(body__isnull=True) | Q(unit__isnull=True),
                name="role_scope_body_or_unit",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "body", "unit"], name="role_assignment_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} – {self.scope_label}"

    @property
    def scope_label(self) -> str:
        if self.unit_id:
            return str(self.unit)
        if self.body_id:
            return str(self.body)
        return str(_("hela kommunen"))


class AccessLogEntry(models.Model):
    """One read or change of personal data: who, when, what, about whom.

    Append-only and chained with a keyed MAC: each entry's ``mac`` is HMAC-SHA256, under
    ``settings.ETABLERA_AUDIT_KEY`` (kept apart from the database), of its position ``seq``, its
    content and the previous entry's MAC. Without the key nobody can alter, insert or remove an
    entry and recompute the chain; ``etablera audit verify`` finds the first break, and the
    anchors written outside the database (``accounts.anchors``) show when the newest entries
    were removed. On PostgreSQL a trigger refuses UPDATE and DELETE of entries.
    """

    at = models.DateTimeField(_("tidpunkt"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("användare"),
    )
    username = models.CharField(_("användarnamn"), max_length=150)
    action = models.CharField(_("åtgärd"), max_length=40, db_index=True)
    subject_type = models.CharField(_("objekttyp"), max_length=60)
    subject_id = models.CharField(_("objekt-id"), max_length=40, db_index=True)
    detail = models.CharField(_("detaljer"), max_length=255, blank=True)
    seq = models.PositiveBigIntegerField(_("löpnummer"), unique=True, editable=False)
    previous_mac = models.CharField(max_length=64, editable=False, unique=True)
    mac = models.CharField(max_length=64, editable=False, unique=True)

    class Meta:
        verbose_name = _("loggpost för personuppgifter")
        verbose_name_plural = _("logg över personuppgifter")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.action} {self.subject_type}"

    def compute_mac(self, key: str | bytes | None = None) -> str:
        """HMAC-SHA256 of this entry's position, content and link to the previous entry."""
        return entry_mac(
            key if key is not None else settings.ETABLERA_AUDIT_KEY,
            [
                self.seq,
                self.previous_mac,
                self.at.isoformat() if self.at else "",
                self.username,
                self.action,
                self.subject_type,
                self.subject_id,
                self.detail,
            ],
        )


def entry_mac(key: str | bytes, fields: list) -> str:
    """The MAC of a list of JSON-serialisable fields (also used by the migration that re-chains)."""
    if isinstance(key, str):
        key = key.encode()
    payload = json.dumps(fields, ensure_ascii=False, separators=(",", ":")).encode()
    return hmac.new(key, payload, hashlib.sha256).hexdigest()


class AuditVerification(models.Model):
    """The outcome of one verification of the access log, shown on the log page.

    A convenience for people, not evidence: the evidence is the chain and the anchors outside
    the database, which ``etablera audit verify`` checks afresh every time.
    """

    at = models.DateTimeField(_("tidpunkt"), default=timezone.now)
    full = models.BooleanField(_("hela loggen"), default=False)
    ok = models.BooleanField(_("hel kedja"))
    checked = models.PositiveBigIntegerField(_("kontrollerade poster"), default=0)
    through_seq = models.PositiveBigIntegerField(_("till och med löpnummer"), default=0)
    problem_kind = models.CharField(_("slag av fel"), max_length=20, blank=True)
    problem_seq = models.PositiveBigIntegerField(_("löpnummer för första fel"), null=True)
    problem = models.CharField(_("första fel"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("kontroll av åtkomstloggen")
        verbose_name_plural = _("kontroller av åtkomstloggen")
        ordering = ["-at", "-pk"]
        get_latest_by = "at"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'fel'}"


class ApiToken(models.Model):
    """A key for the API, made by its owner for themself, that expires and can be revoked.

    Only a SHA-256 digest of the key is stored (the key is 256 random bits, so no salt or slow
    hash is needed): the database never holds a usable credential, and the key is shown once,
    to its owner, when made. Nobody can make a token for someone else, so whatever a request
    with it does is done by the token's owner, and the access log names them.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("användare"),
    )
    name = models.CharField(_("namn"), max_length=100)
    prefix = models.CharField(_("början av nyckeln"), max_length=8, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("giltig till"))
    revoked_at = models.DateTimeField(_("återkallad"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("senast använd"), null=True, blank=True)
    #: Made in a session that had given the second factor (or come from the identity
    #: provider). A token is only as strong as the sign-in that made it: for a user whose
    #: roles require two factors, a token made without them is refused.
    two_factor = models.BooleanField(_("skapad med två faktorer"), default=False, editable=False)

    class Meta:
        verbose_name = _("API-nyckel")
        verbose_name_plural = _("API-nycklar")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
