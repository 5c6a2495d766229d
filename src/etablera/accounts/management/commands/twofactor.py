"""`etablera twofactor reset USER`: the administrator's reset from the command line."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from etablera.accounts.models import User
from etablera.accounts.policy import Operator
from etablera.accounts.twofactor import reset


class Command(BaseCommand):
    help = "Remove a user's authenticator and recovery codes (recorded in the access log)."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        rst = sub.add_parser("reset", help="Reset a user's two-factor sign-in.")
        rst.add_argument("username")

    def handle(self, *args, what: str, username: str, **options) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        reset(user, actor=Operator("command:twofactor"))
        self.stdout.write(
            f"Two-factor sign-in reset for {username}: they set up a new authenticator at "
            "their next sign-in."
        )
