from __future__ import annotations

import pytest

import tests.jobs.kinds  # noqa: F401 - registers the test kinds


@pytest.fixture(autouse=True)
def _job_files(settings, tmp_path):
    settings.ETABLERA_JOB_FILES_DIR = tmp_path / "jobs"


from tests.register.conftest import (  # noqa: E402, F401 - the register's fixtures, for imports
    _status_categories,
    coach,
    coach_unit,
)
