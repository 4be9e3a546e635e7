from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from complaints.api import court_actions, drafts, enforcement, owners, register, views, webhooks
from complaints.api.docs import ApiDocsView

app_name = "api"
urlpatterns = [
    path("cases/", views.CaseListCreate.as_view(), name="case_list"),
    path("cases/bulk/", views.CaseBulkCreate.as_view(), name="case_bulk"),
    path("cases/<str:reference>/", views.CaseDetail.as_view(), name="case_detail"),
    path("cases/<str:reference>/replies/", views.CaseReply.as_view(), name="case_reply"),
    path("cases/<str:reference>/evidence/", views.CaseEvidenceUpload.as_view(),
         name="case_evidence"),
    path("cases/<str:reference>/withdraw/", views.CaseWithdraw.as_view(), name="case_withdraw"),
    path("cases/<str:reference>/retract/", views.CaseRetract.as_view(), name="case_retract"),
    path("cases/<str:reference>/appeal/", views.CaseAppeal.as_view(), name="case_appeal"),
    path("cases/<str:reference>/court-action/", court_actions.CaseCourtAction.as_view(),
         name="case_court_action"),
    path("cases/<str:reference>/locations/<int:location_id>/owner/",
         owners.LocationOwner.as_view(), name="location_owner"),
    path("drafts/", drafts.DraftCreate.as_view(), name="draft_create"),
    path("drafts/<str:draft_id>/", drafts.DraftDetail.as_view(), name="draft_detail"),
    path("drafts/<str:draft_id>/locations/", drafts.DraftLocations.as_view(),
         name="draft_locations"),
    path("drafts/<str:draft_id>/works/", drafts.DraftWorks.as_view(), name="draft_works"),
    path("drafts/<str:draft_id>/submit/", drafts.DraftSubmit.as_view(), name="draft_submit"),
    path("webhooks/", webhooks.WebhookListCreate.as_view(), name="webhook_list"),
    path("webhooks/<str:pk>/", webhooks.WebhookDetail.as_view(), name="webhook_detail"),
    path("webhooks/<str:pk>/deliveries/", webhooks.WebhookDeliveries.as_view(),
         name="webhook_deliveries"),
    path("enforcement-orders/", enforcement.EnforcementOrderList.as_view(),
         name="enforcement_list"),
    path("enforcement-orders/<str:pk>/acknowledge/",
         enforcement.EnforcementAcknowledge.as_view(),
         name="enforcement_acknowledge"),
    path("register/", register.RegisterExport.as_view(), name="register"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", ApiDocsView.as_view(url_name="api:schema"), name="docs"),
]
