"""Forms of the operator desk's compose area."""
from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.models import Decision, Message


class DeskMessageForm(forms.Form):
    visibility = forms.ChoiceField(
        label=_("Kind of message"), choices=Message.Visibility.choices,
        initial=Message.Visibility.PUBLIC, widget=forms.RadioSelect,
    )
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}))


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Decision.Outcome.choices)
    actions = forms.MultipleChoiceField(
        label=_("Actions taken"), choices=Decision.Action.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    facts = forms.CharField(label=_("Facts relied on"), widget=forms.Textarea(attrs={"rows": 4}))
    ground = forms.CharField(
        label=_("Ground (law or policy)"), widget=forms.Textarea(attrs={"rows": 3})
    )
    automated_means = forms.BooleanField(
        label=_("Automated means were used in reaching this decision"), required=False
    )
    automated_detail = forms.CharField(
        label=_("How automated means were used"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("automated_means") and not cleaned.get("automated_detail", "").strip():
            self.add_error("automated_detail", _("Say how automated means were used."))
        actions = cleaned.get("actions") or []
        if Decision.Action.NO_ACTION in actions and len(actions) > 1:
            self.add_error("actions", _("“No action” cannot be combined with other actions."))
        return cleaned
