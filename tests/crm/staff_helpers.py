"""The staff groups for tests: the migration made them, but a transactional test elsewhere
flushes every table, so each test that needs them sets them up again (idempotent)."""

from io import StringIO

import pytest
from django.core.management import call_command


@pytest.fixture
def staff_groups(db) -> None:
    call_command("setup_staff_groups", stdout=StringIO())
