from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Bench and seed commands: installed by the dev and test settings, never in production."""

    name = "complaints.devtools"
    label = "kotae_devtools"
    verbose_name = "Kotae developer tools"
