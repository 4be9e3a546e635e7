from django.urls import path

from complaints.public import downloads, views

app_name = "public"

urlpatterns = [
    path("transparency/", views.transparency_report, name="transparency"),
    path("transparency.csv", downloads.transparency_csv, name="transparency_csv"),
    path("transparency.json", downloads.transparency_json, name="transparency_json"),
]
