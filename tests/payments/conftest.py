# The services' messages are asserted in English here too, whatever the default language.
from tests.orders.conftest import _english  # noqa: F401
