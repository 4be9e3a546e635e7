"""Choice labels looked up in a table made once per language.

Django's `get_<field>_display` rebuilds a dict of every choice (each label made hashable)
on each call: 44 µs for a work's kind among thirteen, read for every row of the case page's
works. `choice_display("kind")`, set on the model as `get_kind_display`, answers the same
(the label in the active language, or the value itself when it is no choice) from a table
built the first time a language asks (Django leaves a model's own method in place)."""
from django.utils.translation import get_language


def choice_display(field_name: str):
    tables: dict[str | None, dict] = {}

    def display(self) -> str:
        language = get_language()
        table = tables.get(language)
        if table is None:
            field = self._meta.get_field(field_name)
            table = tables[language] = {value: str(label) for value, label in field.flatchoices}
        value = getattr(self, field_name)
        return table.get(value, value)

    display.__name__ = f"get_{field_name}_display"
    display.__doc__ = f"The {field_name}'s label, as Django's get_{field_name}_display."
    return display
