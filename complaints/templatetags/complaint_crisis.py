"""`{% crisis_banner %}`: the open crisis alerts above the desk's queue and ticket screen."""

from django import template

from ..crisis.selectors import open_crisis_alerts

register = template.Library()


@register.inclusion_tag("admin/complaints/crisis_banner.html", takes_context=True)
def crisis_banner(context: template.Context) -> dict:
    """Shown to staff who may see crisis alerts; nothing (no query) for others."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.has_perm("complaints.view_crisisalert"):
        return {"crisis_alerts": []}
    return {"crisis_alerts": open_crisis_alerts(), "request": request}
