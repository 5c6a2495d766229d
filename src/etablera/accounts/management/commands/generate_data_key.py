"""`etablera generate-data-key`: print a new key for ETABLERA_DATA_KEY."""

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print a new random key for ETABLERA_DATA_KEY (keep it safe: losing it loses the data)."
    requires_system_checks: list = []

    def handle(self, *args, **options) -> None:
        self.stdout.write(Fernet.generate_key().decode())
