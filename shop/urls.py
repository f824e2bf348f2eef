from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import views

# The admin signs in through allauth's login, so its failed-login limits (per account and per
# client address) cover /admin/ and /en/admin/ alike.
admin.site.login = secure_admin_login(admin.site.login)
# Staff see the shop's name, not "Django administration".
admin.site.site_header = settings.SITE_NAME
admin.site.site_title = format_lazy("{} · {}", settings.SITE_NAME, _("Admin"))
admin.site.index_title = _("Shop administration")

shop_patterns = (
    [
        path("account/", views.profile, name="profile"),
        path("legal/<slug:page>/", views.legal, name="legal"),
    ],
    "shop",
)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("", include("catalog.seo_urls")),  # sitemap.xml and robots.txt
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("notifications/", include("crm.notifications.callback_urls")),
    path("", include("crm.notifications.root_urls")),  # /sw.js, browser notifications
    path("go/", include("crm.campaigns.urls")),  # campaign links: one for both languages
    path("payments/", include("payments.urls")),
    path("carriers/", include("orders.urls.carriers")),
    path("complaints/", include("complaints.callback_urls")),
    path("complaints/mentions/", include("complaints.mentions.urls")),
]

urlpatterns += i18n_patterns(
    path("", include(shop_patterns)),
    path("", include("catalog.urls")),
    path("", include("orders.urls")),
    path("", include("payments.account_urls")),
    path("", include("crm.notifications.urls")),
    path("", include("crm.urls")),
    path("", include("complaints.urls")),
    path("account/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=False,
)

if settings.BENCH_BARE_VIEW:
    urlpatterns.insert(0, path("bench/bare", views.bench_bare, name="bench_bare"))

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
