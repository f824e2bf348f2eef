"""What every panel module shares: where the templates are, links to admin lists."""

from urllib.parse import urlencode

from django.urls import reverse

TEMPLATES = "admin/crm/customer360/"


def _changelist(name: str, **query: object) -> str:
    return f"{reverse(f'admin:{name}_changelist')}?{urlencode(query)}"


def _has_field(model: type, name: str) -> bool:
    return any(f.name == name for f in model._meta.get_fields())
