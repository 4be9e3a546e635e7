"""Forms of the operator desk's compose area."""
from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.domain.kinds import DECISIONS
from complaints.models import Decision, Message, Question


class DeskMessageForm(forms.Form):
    REQUEST_INFO = "request_info"

    visibility = forms.ChoiceField(
        label=_("Kind of message"),
        choices=Message.Visibility.choices + [
            (REQUEST_INFO, _("Request information from the filer (pauses the clock)"))
        ],
        initial=Message.Visibility.PUBLIC, widget=forms.RadioSelect,
    )
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 6}))


class DecisionForm(forms.Form):
    """The outcomes and actions the case's kind may have (complaints/domain/kinds.py),
    nothing chosen beforehand; the domain's rules are checked by decision_record."""

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

    def __init__(self, *args, kind: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        rules = DECISIONS.get(kind)
        if rules is not None:
            self.fields["outcome"].choices = [("", "—")] + [
                (o, Decision.Outcome(o).label) for o in rules.outcomes]
            self.fields["actions"].choices = [
                (a, Decision.Action(a).label) for a in rules.actions]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("automated_means") and not cleaned.get("automated_detail", "").strip():
            self.add_error("automated_detail", _("Say how automated means were used."))
        return cleaned


class AnswerForm(forms.Form):
    category = forms.ChoiceField(label=_("Answer"), choices=Question.Category.choices)
    text = forms.CharField(label=_("Explanation"), required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("category") == Question.Category.CANNOT_DISCLOSE and not cleaned.get(
            "text", ""
        ).strip():
            self.add_error("text", _("Say why it cannot be disclosed: a reason is required "
                                     "for this answer."))
        return cleaned
