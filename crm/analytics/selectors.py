"""The dashboard's reads: each panel's data, cached by panel, period, language and the rollups'
version (a refresh bumps it, so a cached panel is never older than the rollups it read)."""

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from .panels import Panel, PanelData, Period
from .rollups import rollup_version

CACHE_PREFIX = "analytics:panel"


def panel_cache_key(panel: Panel, period: Period, version: int) -> str:
    return f"{CACHE_PREFIX}:{version}:{panel.name}:{get_language()}:{period.key()}"


def panel_data(panel: Panel, period: Period, *, version: int | None = None) -> PanelData:
    """The panel's data for the period, from the cache or its loader. Panels that read today
    live are kept ANALYTICS_LIVE_CACHE_SECONDS, the others ANALYTICS_CACHE_SECONDS."""
    version = rollup_version() if version is None else version
    key = panel_cache_key(panel, period, version)
    data = cache.get(key)
    if data is None:
        data = panel.load(period)
        seconds = (
            settings.ANALYTICS_LIVE_CACHE_SECONDS
            if period.includes_today
            else settings.ANALYTICS_CACHE_SECONDS
        )
        cache.set(key, data, seconds)
    return data
