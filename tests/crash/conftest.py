from tests.sidedb import migrated_file, side  # noqa: F401
