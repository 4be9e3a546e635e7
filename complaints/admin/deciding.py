"""Deciding a case and answering an inquiry on the desk: the form, then a review of
exactly what the filer will receive, then one send.

The review renders the e-mail as the worker will (complaints.services.decisions
previews the write and undoes it); "Send" posts the same fields again with `confirm`.
"""
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _

from accounts.models import Language, Role
from complaints.admin.forms import DecisionForm, InquiryAnswerForm
from complaints.models import Case, CaseKind, Decision
from complaints.services.decisions import (
    decision_preview,
    decision_record,
    inquiry_answer,
    inquiry_answer_preview,
)


def errors_onto(form, exc: ValidationError) -> None:
    """A service's refusal shown on the form: beside its field where the form has one,
    above the form otherwise."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def may_override(case: Case, user) -> bool:
    """Whether `user` is a supervisor who took the decision this appeal is against (and so
    may decide the appeal only with a reason)."""
    if case.kind != CaseKind.APPEAL or not case.appeal_of_id or user.role != Role.SUPERVISOR:
        return False
    if Case.appeal_of.is_cached(case):  # the desk page read it, with its decision
        first = getattr(case.appeal_of, "decision", None)
        return first is not None and first.decided_by_id == user.pk
    return Decision.objects.filter(case_id=case.appeal_of_id, decided_by=user).exists()


def decision_form_for(case: Case, user, data=None) -> DecisionForm:
    return DecisionForm(data, kind=case.kind, decided_the_first=may_override(case, user))


def answer_form_for(case: Case, data=None) -> InquiryAnswerForm | None:
    if case.kind != CaseKind.INQUIRY:
        return None
    questions = list(case.questions.all())
    # Answers given before (one at a time, as the desk once did) are kept, never retyped.
    initial = {name: value for q in questions for name, value in (
        (f"q{q.pk}_category", q.answer_category), (f"q{q.pk}_text", q.answer_text)) if value}
    return InquiryAnswerForm(data, questions=questions, initial=initial)


class DecidingMixin:
    """The case page's decide and answer steps (mixed into CaseAdmin)."""

    def deciding_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<int:object_id>/decide/", view(self.decide_view),
                 name="complaints_case_decide"),
            path("<int:object_id>/answer/", view(self.answer_view),
                 name="complaints_case_answer"),
        ]

    def _review(self, request, case, form, preview, *, action_url, send_label, title):
        context = {**self.admin_site.each_context(request), "title": title, "case": case,
                   "form": form, "preview": preview, "action_url": action_url,
                   "language": Language(preview.language).label,
                   "send_label": send_label, "opts": self.model._meta}
        return TemplateResponse(request, "admin/complaints/case/review_send.html", context)

    def _fresh(self, case: Case) -> Case:
        """A preview changes the case it is given in memory: it gets its own copy."""
        return Case.objects.select_related("filer").get(pk=case.pk)

    def _two_steps(self, request, case, form, *, send, preview, values, url_name, words,
                   form_name):
        """The form, then the review of the filer's e-mail (`preview`), then `send` when
        the review's "send" button brings the same fields back with `confirm`. `words`:
        (what the review is titled, its send button, what is said once sent)."""
        title, send_label, done = words
        if form.is_valid() and "edit" not in request.POST:
            values = values(form)
            try:
                if "confirm" in request.POST:
                    send(case=case, **values)
                    return self._done(request, case, done)
                seen = preview(case=self._fresh(case), **values)
            except ValidationError as exc:
                errors_onto(form, exc)
            else:
                return self._review(request, case, form, seen, title=title,
                                    action_url=reverse(url_name, args=[case.pk]),
                                    send_label=send_label)
        return self._back_with_errors(request, case, **{form_name: form})

    def decide_view(self, request, object_id):
        case = self._case_for_work(request, object_id)
        if request.method != "POST":
            return redirect("admin:complaints_case_change", case.pk)
        return self._two_steps(
            request, case, decision_form_for(case, request.user, request.POST),
            send=decision_record, preview=decision_preview,
            values=lambda form: {"decided_by": request.user, "rejection_reason": "",
                                 "override_reason": "", **form.cleaned_data},
            url_name="admin:complaints_case_decide", form_name="decision_form",
            words=(_("Review the decision before it is sent"),
                   _("Record the decision and send it"),
                   _("The decision was recorded and sent to the filer.")))

    def answer_view(self, request, object_id):
        case = self._case_for_work(request, object_id)
        if request.method != "POST" or case.kind != CaseKind.INQUIRY:
            return redirect("admin:complaints_case_change", case.pk)
        return self._two_steps(
            request, case, answer_form_for(case, request.POST),
            send=inquiry_answer, preview=inquiry_answer_preview,
            values=lambda form: {"actor": request.user, "answers": form.answers(),
                                 "note": form.cleaned_data["note"]},
            url_name="admin:complaints_case_answer", form_name="answer_form",
            words=(_("Review the answers before they are sent"), _("Send the answers"),
                   _("The answers were sent to the filer.")))
