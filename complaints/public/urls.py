from django.urls import path

from complaints.public import views

app_name = "public"

urlpatterns = [
    path("transparency/", views.transparency_report, name="transparency"),
    path("transparency.csv", views.transparency_csv, name="transparency_csv"),
    path("transparency.json", views.transparency_json, name="transparency_json"),
]
