"""The desk's quick choice labels say what Django's get_<field>_display says."""
import pytest
from django.db.models import Model
from django.utils import translation

from complaints.models import Case, Deadline, Decision, Work

QUICK = [(Case, "kind"), (Work, "kind"), (Deadline, "clock"), (Decision, "outcome")]


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize(("model", "name"), QUICK)
def test_each_label_as_django_gives_it(model, name, language):
    field = model._meta.get_field(name)
    # The model's own method, which Django leaves in place of its generated one.
    assert model.__dict__[f"get_{name}_display"].__module__ == "complaints.domain.labels"
    with translation.override(language):
        for value in [*(v for v, _ in field.flatchoices), "not-a-choice", ""]:
            row = model(**{name: value})
            quick = getattr(row, f"get_{name}_display")()
            assert quick == Model._get_FIELD_display(row, field)
            assert isinstance(quick, str)


def test_the_label_follows_the_language():
    work = Work(kind=Work.Kind.GAME)
    with translation.override("en"):
        assert work.get_kind_display() == "Game"
    with translation.override("ja"):
        assert work.get_kind_display() == "ゲーム"
