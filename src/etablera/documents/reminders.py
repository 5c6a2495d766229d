"""Reminders by e-mail: acknowledgements due soon or overdue, documents past their review date.

Who is reminded:

* of an acknowledgement: the reporters of the receiving unit (a reporter of the unit or of a
  unit above it); when it has none, the reporters of the unit's body. For a distribution to a
  body: the body's reporters.
* of a review: the strategists and reporters of the document's owner body; when it has none,
  the strategists of the municipality (they coordinate the steering documents).

Each person gets one e-mail a day listing everything they are reminded of. Every item sent is
recorded in ``ReminderSent`` (unique per kind, object, person and day) in the same transaction
as the sending, so running the command again the same day sends nothing twice, and a mail that
fails to go out is tried again on the next run.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from etablera.accounts.models import RoleAssignment, User
from etablera.accounts.roles import Role

from . import selectors
from .models import Distribution, ReminderKind, ReminderSent, SteeringDocument

logger = logging.getLogger(__name__)

DUE_WITHIN_DAYS = 7


@dataclass
class Item:
    kind: str
    obj: Distribution | SteeringDocument
    days: int  # days left (negative: days late)
    url: str

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.obj.pk)

    @property
    def overdue(self) -> bool:
        return self.days < 0

    @property
    def days_late(self) -> int:
        return -self.days


@dataclass
class Outcome:
    """What a run did (or, in a dry run, would do)."""

    mails: list[EmailMessage] = field(default_factory=list)
    items: int = 0
    already_sent: int = 0
    without_recipient: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def _reporters(assignments: list[RoleAssignment], distribution: Distribution) -> list[User]:
    if distribution.unit_id:
        unit = distribution.unit
        of_unit = [
            a.user
            for a in assignments
            if a.role == Role.REPORTER and a.unit_id and unit.path.startswith(a.unit.path)
        ]
        if of_unit:
            return of_unit
        body_id = unit.body_id
    else:
        body_id = distribution.body_id
    return [a.user for a in assignments if a.role == Role.REPORTER and a.body_id == body_id]


def _owners(assignments: list[RoleAssignment], document: SteeringDocument) -> list[User]:
    owners = [
        a.user
        for a in assignments
        if a.role in (Role.STRATEGIST, Role.REPORTER) and a.body_id == document.owner_id
    ]
    return owners or [a.user for a in assignments if a.role == Role.STRATEGIST]


def _absolute(base_url: str, path: str) -> str:
    return f"{base_url.rstrip('/')}{path}" if base_url else ""


def collect(
    today: dt.date, base_url: str = "", *, reader
) -> tuple[dict[User, list[Item]], list[str]]:
    """Every person to remind today with their items, and the items nobody can be reminded of,
    among what ``reader`` (the job's ``policy.Operator``) may see."""
    assignments = list(
        RoleAssignment.objects.filter(
            role__in=[Role.REPORTER, Role.STRATEGIST], user__is_active=True
        )
        .exclude(user__email="")
        .select_related("user", "unit")
        .order_by("user_id", "pk")
    )
    per_user: dict[User, dict[tuple[str, int], Item]] = defaultdict(dict)
    nobody: list[str] = []
    for distribution in selectors.unacknowledged(reader, today, within_days=DUE_WITHIN_DAYS):
        item = Item(
            ReminderKind.ACKNOWLEDGEMENT,
            distribution,
            (distribution.deadline - today).days,
            _absolute(base_url, reverse("documents:acknowledge", args=[distribution.pk])),
        )
        users = _reporters(assignments, distribution)
        if not users:
            nobody.append(f"{distribution.version} → {distribution.recipient_label}")
        for user in users:
            per_user[user][item.key] = item
    for document in selectors.documents_past_review(reader, today):
        item = Item(
            ReminderKind.REVIEW,
            document,
            (document.review_by - today).days,
            _absolute(base_url, reverse("documents:document-detail", args=[document.pk])),
        )
        users = _owners(assignments, document)
        if not users:
            nobody.append(f"{document.title} (review by {document.review_by:%Y-%m-%d})")
        for user in users:
            per_user[user][item.key] = item
    return {user: list(items.values()) for user, items in per_user.items()}, nobody


def _sent_today(today: dt.date) -> set[tuple[str, int, int]]:
    sent = set()
    for kind, distribution_id, document_id, recipient_id in ReminderSent.objects.filter(
        sent_on=today
    ).values_list("kind", "distribution_id", "document_id", "recipient_id"):
        sent.add((kind, distribution_id or document_id, recipient_id))
    return sent


def _message(user: User, items: list[Item], today: dt.date, base_url: str) -> EmailMessage:
    acknowledgements = [i for i in items if i.kind == ReminderKind.ACKNOWLEDGEMENT]
    reviews = [i for i in items if i.kind == ReminderKind.REVIEW]
    context = {
        "user": user,
        "acknowledgements": sorted(acknowledgements, key=lambda i: i.days),
        "reviews": sorted(reviews, key=lambda i: i.days),
        "today": today,
        "base_url": base_url.rstrip("/"),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("documents/email/reminder_subject.txt", context).strip()
        body = render_to_string("documents/email/reminder.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[user.email])


def send_reminders(today: dt.date, *, reader, dry_run: bool = False, base_url: str = "") -> Outcome:
    """E-mail today's reminders; record each item sent so that a second run sends nothing."""
    outcome = Outcome()
    per_user, outcome.without_recipient = collect(today, base_url, reader=reader)
    already = _sent_today(today)
    for user, items in sorted(per_user.items(), key=lambda pair: pair[0].pk):
        fresh = [i for i in items if (i.kind, i.obj.pk, user.pk) not in already]
        outcome.already_sent += len(items) - len(fresh)
        if not fresh:
            continue
        message = _message(user, fresh, today, base_url)
        if dry_run:
            outcome.mails.append(message)
            outcome.items += len(fresh)
            continue
        try:
            with transaction.atomic():
                ReminderSent.objects.bulk_create(
                    [
                        ReminderSent(
                            kind=item.kind,
                            distribution=item.obj
                            if item.kind == ReminderKind.ACKNOWLEDGEMENT
                            else None,
                            document=item.obj if item.kind == ReminderKind.REVIEW else None,
                            recipient=user,
                            sent_on=today,
                        )
                        for item in fresh
                    ]
                )
                message.send()
        except IntegrityError:
            # Another run recorded the same reminder a moment ago: it sends it, not this one.
            logger.info("reminder to %s already being sent by another run", user.username)
            continue
        except OSError as exc:  # the mail server refused or could not be reached
            # Nothing was recorded (the transaction rolled back): the next run tries again.
            logger.warning("reminder to %s not sent: %s", user.email, exc)
            outcome.failed.append(f"{user.email}: {exc}")
            continue
        outcome.mails.append(message)
        outcome.items += len(fresh)
    return outcome
