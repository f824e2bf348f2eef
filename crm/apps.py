from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = _("CRM")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the sign-up receivers)
        from .customer360.panels import register_crm_panels
        from .help import invalidation as help_pages
        from .journeys.setup import register_journeys
        from .privacy.sections import register_all as register_privacy_sections

        help_pages.connect()
        help_pages.register_pages()
        register_crm_panels()
        from .chat import pollcache  # noqa: F401  (keeps the chat poll's cached state)
        from .chat.panel import register as register_chat_panel

        register_chat_panel()
        register_journeys()
        from .campaigns.setup import register as register_campaigns

        register_campaigns()
        from .campaigns.texts import register_campaign_placeholder
        from .recommendations.picks import picks_text

        register_campaign_placeholder("picks", picks_text)
        register_privacy_sections()
        from .tracking.parts import register as register_tracking_parts

        register_tracking_parts()

        from shop.demo import register_seeder

        from .demo import register_logins, seed_crm_demo

        register_seeder("crm", seed_crm_demo)
        from .help.demo import seed_help_demo

        register_seeder("help", seed_help_demo)
        register_logins()

        from catalog.recommendations import register_bought_together

        from .recommendations.selectors import rank_bought_together

        register_bought_together(rank_bought_together)
        from .analytics.setup import register as register_analytics_panels

        register_analytics_panels()
        from .risk.setup import register as register_risk

        register_risk()
