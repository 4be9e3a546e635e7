"""The output owner's pages, reached through the signed link in their e-mail (no login):
namespace "portal" (complaints.services.owners reverses "portal:owner_case")."""
from django.urls import path

from complaints.portal import counter_notices

app_name = "portal"

urlpatterns = [
    path("owner/<str:token>/counter-notice/", counter_notices.owner_counter_notice,
         name="owner_counter_notice"),
]
