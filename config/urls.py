from django.contrib import admin
from django.urls import include, path

from complaints.portal import views as complaint_views
from config.csp_report import csp_report
from config.health import healthz
from config.metrics import metrics_view

urlpatterns = [
    path("", complaint_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
    path("csp-report/", csp_report, name="csp_report"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("api/v1/", include("complaints.api.urls")),
    path("", include("complaints.portal.urls")),
    path("", include("complaints.portal.owner_urls")),
    path("", include("complaints.public.urls")),
]

# Under /api/ the API's JSON error shape in the caller's language; elsewhere Django's pages.
handler400 = "complaints.api.handlers.bad_request"
handler404 = "complaints.api.handlers.page_not_found"
handler500 = "complaints.api.handlers.server_error"
