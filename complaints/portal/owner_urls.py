"""The output owner's pages, reached without login through the signed link in their
e-mail (complaints.services.owners). Their own namespace, `portal:`."""
from django.urls import path

from complaints.portal import counter_notices, owners

app_name = "portal"

urlpatterns = [
    path("owner/<str:token>/counter-notice/", counter_notices.owner_counter_notice,
         name="owner_counter_notice"),
    path("owner/<str:token>/", owners.owner_case, name="owner_case"),
    path("owner/<str:token>/language/", owners.owner_language_switch,
         name="owner_language"),
    path("owner/<str:token>/appeal/", owners.owner_appeal, name="owner_appeal"),
    path("owner/<str:token>/renew/", owners.owner_link_renew_view, name="owner_link_renew"),
]
