"""The cases filed before the notice's language was asked (and counter-notices, which did
not record it) take the language they were written in: their `language`. A portal filing
and a counter-notice were written on pages in that language; an API filing that does not
state it is taken, as its schema says, to be written in `language`, so an older one is
read by the same rule. What is left without one is "Not recorded" on the desk."""
from django.db import migrations
from django.db.models import F


def notice_language_backfill(apps, schema_editor):
    Case = apps.get_model("complaints", "Case")  # noqa: N806
    Case.objects.filter(notice_language="").exclude(language="").update(
        notice_language=F("language"))


class Migration(migrations.Migration):

    dependencies = [
        ("complaints", "0037_notice_copy"),
    ]

    operations = [
        migrations.RunPython(notice_language_backfill, migrations.RunPython.noop,
                             elidable=True),
    ]
