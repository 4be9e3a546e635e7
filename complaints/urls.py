from django.urls import path

from complaints import views

app_name = "complaints"

urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/output-complaint/", views.case_new_output_complaint,
         name="case_new_output_complaint"),
    path("cases/<str:reference>/", views.case_detail, name="case_detail"),
    path("cases/<str:reference>/filed/", views.case_filed, name="case_filed"),
    path("cases/<str:reference>/reply/", views.case_reply, name="case_reply"),
    path("cases/<str:reference>/evidence/<uuid:public_id>/", views.evidence_download,
         name="evidence_download"),
]
