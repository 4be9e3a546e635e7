"""Forms of the operator desk: its compose area, its actions on chosen cases, and the
case page's assignee."""
from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from complaints.domain.kinds import DECISIONS
from complaints.models import Case, Decision, Message, Priority, Question


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
    rejection_reason = forms.ChoiceField(
        label=_("Reason for rejection"), required=False,
        choices=[("", "—")] + Decision.RejectionReason.choices,
        help_text=_("Only when the outcome is “Rejected”."))
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

    override_reason = forms.CharField(
        label=_("Why you decide this appeal yourself"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("You took the decision under appeal. A supervisor may still decide the "
                    "appeal, giving the reason; it goes into the audit trail."))

    def __init__(self, *args, kind: str | None = None, decided_the_first: bool = False,
                 **kwargs):
        super().__init__(*args, **kwargs)
        rules = DECISIONS.get(kind)
        if rules is not None:
            self.fields["outcome"].choices = [("", "—")] + [
                (o, Decision.Outcome(o).label) for o in rules.outcomes]
            self.fields["actions"].choices = [
                (a, Decision.Action(a).label) for a in rules.actions]
            if Decision.Outcome.REJECTED not in rules.outcomes:
                del self.fields["rejection_reason"]
        if not decided_the_first:
            del self.fields["override_reason"]

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


class InquiryAnswerForm(forms.Form):
    """Every question of an inquiry on one form, nothing chosen beforehand, and a note
    for the filer beside the answers. Fields q<id>_category and q<id>_text."""

    note = forms.CharField(label=_("A note with the answers (optional)"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields[f"q{question.pk}_category"] = forms.ChoiceField(
                label=_("Answer"), required=False,
                choices=[("", "—")] + Question.Category.choices)
            self.fields[f"q{question.pk}_text"] = forms.CharField(
                label=_("Explanation"), required=False,
                widget=forms.Textarea(attrs={"rows": 3}))
        self.order_fields([name for name in self.fields if name != "note"] + ["note"])

    def rows(self):
        """Each question with its two fields, for the template."""
        return [(q, self[f"q{q.pk}_category"], self[f"q{q.pk}_text"]) for q in self.questions]

    def answers(self) -> dict[int, tuple[str, str]]:
        return {q.pk: (self.cleaned_data[f"q{q.pk}_category"],
                       self.cleaned_data[f"q{q.pk}_text"]) for q in self.questions}


class ColleagueForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=User.objects.filter(is_staff=True, is_active=True).order_by("display_name"),
    )


class PriorityForm(forms.Form):
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)


class MergeForm(forms.Form):
    primary = forms.ModelChoiceField(label=_("Keep this case; merge the others into it"),
                                     queryset=Case.objects.none())


class AssigneeSelect(AutocompleteSelect):
    """The admin's autocomplete for the assignee, whose chosen option is the case's own
    assignee, read with the case (CaseDeskForm hands it over): no query for its label."""

    assignee = None

    def optgroups(self, name, value, attr=None):
        """AutocompleteSelect.optgroups' groups, without its query when the chosen user
        is already in hand (or none is chosen): the empty choice, then the chosen one."""
        chosen = [str(v) for v in value if v not in ("", None)]
        if chosen and (self.assignee is None or chosen != [str(self.assignee.pk)]):
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        if chosen:
            label = self.choices.field.label_from_instance(self.assignee)
            options.append(self.create_option(name, self.assignee.pk, label, set(chosen),
                                              len(options)))
        return [(None, options, 0)]


class CaseDeskForm(forms.ModelForm):
    """The case page's own form (CaseAdmin.fields: assignee and priority)."""

    class Meta:
        model = Case
        fields = ["assignee", "priority"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        widget = getattr(self.fields.get("assignee"), "widget", None)
        if isinstance(widget, AssigneeSelect) and Case.assignee.is_cached(self.instance):
            widget.assignee = self.instance.assignee  # this form's own copy of the widget


_MEDIA_HTML: dict[tuple, str] = {}


@receiver(setting_changed)
def _static_addresses_changed(*, setting, **kwargs):
    if setting in ("STATIC_URL", "STORAGES"):  # a test's override: the addresses change
        _MEDIA_HTML.clear()


def media_rendered_once(media: forms.Media) -> str:
    """The page's `<script>` and `<link>` tags, written once per process for each list of
    files: a file's address (static()) does not change while the process runs, and the
    eleven of the case page took 0.24 ms to write on every view."""
    key = (tuple(map(str, media._js)), tuple((kind, tuple(map(str, paths)))
                                                for kind, paths in sorted(media._css.items())))
    html = _MEDIA_HTML.get(key)
    if html is None:
        html = _MEDIA_HTML[key] = mark_safe(str(media))  # noqa: S308 (Django's own HTML)
    return html
