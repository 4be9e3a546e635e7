"""The domain's plain-Python choices stand in for Django's TextChoices."""
from django.apps import apps
from django.db.migrations.writer import MigrationWriter
from django.utils import translation

from complaints.domain.status import Status
from complaints.models import Case


def test_a_choice_is_its_value_with_a_label():
    assert Status.SUBMITTED == "submitted" and str(Status.SUBMITTED) == "submitted"
    assert f"{Status.SUBMITTED}" == "submitted"
    assert Status("in_review") is Status.IN_REVIEW
    assert ("in_review", Status.IN_REVIEW.label) in Status.choices
    assert "in_review" in Status.values and "IN_REVIEW" in Status.names
    assert "in_review" in Status and "nonsense" not in Status and 3 not in Status
    with translation.override("ja"):
        assert str(Status.DECIDED.label) == "判断済み"


def test_a_model_field_shows_the_label():
    case = Case(status=Status.IN_REVIEW)
    assert case.get_status_display() == "In review"


def test_no_migration_would_name_a_domain_enum():
    """A field default or choice written into a future migration is a plain value: the
    migration must not depend on the domain's module layout or its member names."""
    written = []
    for model in apps.get_app_config("complaints").get_models():
        for field in model._meta.local_fields:
            text, _imports = MigrationWriter.serialize(field)
            if "complaints.domain" in text:
                written.append(f"{model.__name__}.{field.name}: {text}")
    assert written == []
