"""`etablera loaddemo`: load the demo data (idempotent)."""

from django.core.management.base import BaseCommand

from etablera.web.demo import DEMO_PASSWORD, DEMO_USERS, DemoContext, load_all


class Command(BaseCommand):
    help = (
        "Load the demo data of Vänersborgs kommun. Safe to run again: loads only what is missing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seed", type=int, default=1487, help="Random seed (default 1487).")
        parser.add_argument(
            "--small", action="store_true", help="A smaller register (for tests and quick looks)."
        )
        parser.add_argument("--quiet-users", action="store_true", help="Do not list demo users.")

    def handle(self, *args, seed: int, small: bool, quiet_users: bool, **options) -> None:
        ran = load_all(DemoContext(seed=seed, small=small, log=self.stdout.write))
        if ran:
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded ({len(ran)} parts)."))
        else:
            self.stdout.write("Demo data already loaded.")
        if not quiet_users:
            print_demo_users(self.stdout)


def print_demo_users(out) -> None:
    out.write(f"\nDemo users (password for all: {DEMO_PASSWORD}):")
    for username, first, last, title, role, body, unit in DEMO_USERS:
        scope = unit or body or "hela kommunen"
        out.write(f"  {username:<10} {role:<11} {scope:<24} {first} {last}, {title}")
