from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """The services' messages are asserted in English, whatever the default language."""
    with translation.override("en"):
        yield
