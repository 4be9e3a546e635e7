from django.contrib import admin
from django.urls import include, path

from complaints.portal import views as complaint_views
from config.health import healthz

urlpatterns = [
    path("", complaint_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("api/v1/", include("complaints.api.urls")),
    path("", include("complaints.portal.urls")),
    path("", include("complaints.public.urls")),
]
