from django.urls import path

from complaints.portal import views

app_name = "complaints"

urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.case_new_choose, name="case_new_choose"),
    path("cases/new/<slug:kind>/", views.case_new, name="case_new"),
    path("uploads/<uuid:public_id>/", views.staged_download, name="staged_download"),
    path("cases/<str:reference>/", views.case_detail, name="case_detail"),
    path("cases/<str:reference>/filed/", views.case_filed, name="case_filed"),
    path("cases/<str:reference>/copy/", views.case_copy, name="case_copy"),
    path("cases/<str:reference>/reply/", views.case_reply, name="case_reply"),
    path("cases/<str:reference>/evidence/", views.case_evidence_add, name="case_evidence_add"),
    path("cases/<str:reference>/evidence/<uuid:public_id>/", views.evidence_download,
         name="evidence_download"),
    path("cases/<str:reference>/withdraw/", views.case_withdraw_confirm, name="case_withdraw"),
    path("cases/<str:reference>/retract/", views.case_retract, name="case_retract"),
    path("cases/<str:reference>/appeal/", views.case_appeal, name="case_appeal"),
    path("cases/<str:reference>/feedback/", views.case_feedback, name="case_feedback"),
    path("cases/<str:reference>/court-action/", views.case_court_action,
         name="case_court_action"),
]
