"""The dashboard's risk panel: live flags per kind and the newest ones (crm.view_riskflag)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from ..analytics.panels import Chart, Column, Figure, PanelData, Period, Table
from .selectors import risk_summary


def risk_panel(period: Period) -> PanelData:
    """Flags as they stand now (the period does not apply): not dismissed, over their
    threshold at the last refresh."""
    summary = risk_summary()
    return PanelData(
        figures=[Figure(_("Live risk flags"), summary["total"], "count")],
        tables=[
            Table(
                name="kinds",
                caption=_("Live flags by kind"),
                columns=[Column("label", _("Kind")), Column("count", _("Flags"), "count")],
                rows=[{"label": row["label"], "count": row["count"]} for row in summary["by_kind"]],
            ),
            Table(
                name="newest",
                caption=_("Newest flags"),
                columns=[
                    Column("label", _("Kind")),
                    Column("email", _("Email")),
                    Column("address_key", _("Address")),
                    Column("count", _("Incidents"), "count"),
                    Column("last_at", _("Last incident"), "date"),
                ],
                rows=[
                    {
                        **row,
                        "last_at": timezone.localdate(row["last_at"]) if row["last_at"] else None,
                    }
                    for row in summary["newest"]
                ],
                empty=_("No live flags."),
            ),
        ],
        charts=[Chart(table="kinds", x="label", series=["count"], kind="bar")],
        note=_(
            "Flags as they stand now, whatever the dates: review or dismiss them under "
            "CRM › Risk flags. Cash on delivery is hidden from flagged customers only when "
            "PAYMENTS_HIDE_COD_FOR_FLAGGED is on."
        ),
    )
