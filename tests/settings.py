"""Test settings: the project's settings with a test broker database and queue, fast hashing."""

import os

os.environ.setdefault("DUKKAN_VAR_DIR", os.path.join("/tmp", f"dukkan-test-var-{os.getuid()}"))

from shop.settings import *  # noqa: F403
from shop.settings import STORAGES, env

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tests use their own Redis database number and queue name, so a developer's running worker
# never takes a test's task. Tasks run eagerly unless a test starts the real worker.
TEST_REDIS_URL = env.str("TEST_REDIS_URL", default="")
CELERY_BROKER_URL = TEST_REDIS_URL or "memory://"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_DEFAULT_QUEUE = "dukkan-test"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
