"""Forms are rendered through config.form_renderer.Widgets: Django's own form and widget
templates by its Jinja2 renderer (faster), any other template (the admin's widgets) by
its template language. Every form a person fills in reads the same either way."""
import inspect
import re

import pytest
from django import forms
from django.contrib import admin
from django.contrib.auth.forms import AuthenticationForm
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils import translation

import accounts.forms
import complaints.admin.forms
import complaints.portal.counter_notices
import complaints.portal.forms
import complaints.portal.owner_forms
import complaints.portal.paste
from accounts.models import User
from complaints.admin.forms import AssigneeSelect
from complaints.models import Case
from config.form_renderer import Widgets

MODULES = [accounts.forms, complaints.admin.forms, complaints.portal.forms,
           complaints.portal.counter_notices, complaints.portal.owner_forms,
           complaints.portal.paste]


def same_text(html: str) -> str:
    """The page as a reader gets it: white space aside, and an apostrophe written as
    Jinja2 writes it (&#39;) or as Django does (&#x27;): the same character."""
    return re.sub(r"\s+", " ", html).replace("> <", "><").replace("&#39;", "&#x27;").strip()


def form_classes():
    for module in MODULES:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def built(cls, **kwargs):
    try:
        return cls(**kwargs)
    except TypeError:  # a form that needs its case or user: built by its own tests
        return None


def test_the_project_renders_forms_through_it():
    assert isinstance(get_default_renderer(), Widgets)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "ja"])
def test_every_form_reads_as_django_templates_write_it(language):
    fast, slow = Widgets(), DjangoTemplates()
    compared = 0
    with translation.override(language):
        for cls in form_classes():
            typed = {name: "O'Brien & <Co>" for name in cls.base_fields}
            for data in (None, {}, typed):  # blank; sent empty; text to escape everywhere
                fast_form = built(cls, data=data, renderer=fast)
                if fast_form is None:
                    continue
                slow_form = cls(data=data, renderer=slow)
                if issubclass(cls, AuthenticationForm) and data:
                    continue  # checking a password needs the request: its own tests
                assert same_text(str(fast_form)) == same_text(str(slow_form)), cls
                compared += 1
    assert compared >= 20


@pytest.mark.django_db
def test_the_admins_widgets_render_as_before():
    """The assignee's autocomplete is the admin's widget around Django's select."""
    class Assign(forms.Form):
        assignee = forms.ModelChoiceField(
            queryset=User.objects.all(),
            widget=AssigneeSelect(Case._meta.get_field("assignee"), admin.site))

    html = str(Assign(renderer=Widgets())["assignee"])
    assert 'class="admin-autocomplete' in html and 'name="assignee"' in html
    assert same_text(html) == same_text(str(Assign(renderer=DjangoTemplates())["assignee"]))
