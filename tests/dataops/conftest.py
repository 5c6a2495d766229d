from tests.register.conftest import (  # noqa: F401 - the register's fixtures
    _status_categories,
    coach_unit,
)
from tests.sidedb import migrated_file, side  # noqa: F401
