"""The admin site: Django's, with the desk's own screens that belong to no model."""
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import path


class KotaeAdminSite(admin.AdminSite):
    def get_urls(self):
        from complaints.admin.quality import quality_view

        # Before the site's own URLs, whose app pages would take "quality/" otherwise.
        return [path("quality/", self.admin_view(quality_view), name="answer_quality"),
                *super().get_urls()]


class KotaeAdminConfig(AdminConfig):
    default_site = "config.admin.KotaeAdminSite"
