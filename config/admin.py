"""The admin site: Django's, with the desk's own screens that belong to no model."""
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.urls import path
from django.utils.translation import gettext_noop


class KotaeAdminSite(admin.AdminSite):
    def get_urls(self):
        from complaints.admin.quality import quality_view

        # Before the site's own URLs, whose app pages would take "quality/" otherwise.
        return [path("quality/", self.admin_view(quality_view), name="answer_quality"),
                *super().get_urls()]


class KotaeAdminConfig(AdminConfig):
    default_site = "config.admin.KotaeAdminSite"


# Django's admin says these in Japanese with ASCII punctuation (「テーマを切り替え (現在の
# テーマ: 自動)」); listed here so `make messages` keeps our full-width versions, which
# come first because LOCALE_PATHS is searched before Django's own catalogues.
DJANGO_STRINGS_REWORDED = [
    gettext_noop("Toggle theme (current theme: auto)"),
    gettext_noop("Toggle theme (current theme: light)"),
    gettext_noop("Toggle theme (current theme: dark)"),
]
