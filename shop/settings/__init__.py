"""Dükkan settings, read from the environment (see .env.example for every key).

With no environment at all the shop runs embedded: SQLite under var/, Celery eager, email to the
console and to files under var/, Stripe pointed at the local fake Stripe server. Setting
DJANGO_ENV=production turns on the deploy checks and requires the secrets.

The environment wins over `.env` (read from the project root, or from DUKKAN_ENV_FILE).
DUKKAN_READ_DOT_ENV=0 reads no `.env` at all: the test command sets it, so a developer's `.env`
never changes what the suite tests. A key that is present but empty takes its default.

The settings are split by subject, one module each; a part imports the values it builds on from
the part that sets them (base: the environment and the mode). `DJANGO_SETTINGS_MODULE=shop.settings`
loads them all.
"""

from .accounts import *  # noqa: F403
from .base import *  # noqa: F403
from .broker import *  # noqa: F403
from .commerce import *  # noqa: F403
from .complaints import *  # noqa: F403
from .data import *  # noqa: F403
from .files import *  # noqa: F403
from .journeys import *  # noqa: F403
from .messages import *  # noqa: F403
from .payments import *  # noqa: F403
from .security import *  # noqa: F403
