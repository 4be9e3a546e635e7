"""Forms on the output owner's pages."""
from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Language
from complaints.domain.kinds import MISSING
from complaints.domain.statements import ACCURACY_AS_KNOWN, good_faith_statement_label


class OwnerLanguageForm(forms.Form):
    language = forms.ChoiceField(choices=Language.choices)


class OwnerAppealForm(forms.Form):
    appeal_grounds = forms.CharField(
        label=_("Why the decision should change"), max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Say what the decision got wrong about your output, and add anything "
                    "we did not know."))
    good_faith_statement = forms.BooleanField(label=good_faith_statement_label("appeal"))
    accuracy_statement = forms.BooleanField(label=ACCURACY_AS_KNOWN)
    signature = forms.CharField(label=_("Signature: type your full name"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():  # a part left out, in the domain's words
            if name in MISSING:
                field.error_messages["required"] = MISSING[name]


class OwnerLinkRenewForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"), max_length=254,
        help_text=_("The address the AI product has for you: we send the fresh link there."))
