"""Running Etablera safely: consistent backups taken while the server runs, and restores into an
empty database that check the data key first (docs/operations.md)."""
