"""How forms and widgets are rendered: Django's own widget and form templates through
Jinja2 (the copies Django ships for its Jinja2 renderer, kept by Django to write the same
HTML), every other template (the admin's widgets, Kotae's) as before.

Rendering the case page's eight widgets took a millisecond in Django's template language,
a sixth of the page's own rendering (README "Speed"); Jinja2 compiles a template to Python.
The one difference a test allows: MarkupSafe writes an apostrophe as &#39;, Django as &#x27;.
"""
from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class Widgets(BaseRenderer):
    def __init__(self):
        self.jinja2, self.django = Jinja2(), DjangoTemplates()

    def get_template(self, template_name):
        if template_name.startswith("django/forms/"):
            try:
                return self.jinja2.get_template(template_name)
            except TemplateDoesNotExist:
                pass
        return self.django.get_template(template_name)
