"""Portal views: validate, call a service or selector, present the result."""
import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from complaints.domain.notice_copy import HASH_ALGORITHM
from complaints.domain.status import Status
from complaints.models import CaseKind
from complaints.portal import review
from complaints.portal.access import draft_take, filing_login_required
from complaints.portal.counter_notices import CourtActionForm, court_action_context
from complaints.portal.filing import APPEAL_SPEC, SPECS, Filing, KindSpec
from complaints.portal.forms import (
    EvidenceAddForm,
    FeedbackForm,
    ReplyForm,
    RetractForm,
    WithdrawForm,
)
from complaints.portal.paste import notice_form_max_bytes, notice_too_large
from complaints.selectors import cases as selectors
from complaints.selectors import notice_copy
from complaints.selectors.rows import case_rows_pages
from complaints.services.cases import appeal_check, case_withdraw
from complaints.services.counter_notices import court_action_report
from complaints.services.evidence import (
    EVIDENCE_STORE_ERRORS,
    case_upload_bytes,
    evidence_attach,
)
from complaints.services.feedback import feedback_record
from complaints.services.messages import message_post
from complaints.services.retractions import retraction_check, retraction_record
from config.bodies import body_allowance

logger = logging.getLogger(__name__)

PAGE_SIZE = 20


def home(request):
    return render(request, "complaints/home.html", {"specs": SPECS.values()})


@login_required
def case_list(request):
    filters = selectors.CaseListFilters.from_query(request.GET)
    page = Paginator(selectors.case_list_for_portal(request.user, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "complaints/case_list.html", {
        "page": page, "filters": filters, "query": query.urlencode(),
        "statuses": Status.choices, "kinds": CaseKind.choices, "specs": SPECS.values(),
    })


@login_required
def case_new_choose(request):
    return render(request, "complaints/case_new_choose.html", {"specs": SPECS.values()})


def _filing_page(request, spec: KindSpec, appeal_of=None):
    """The form; a complete form shows the review page, and only the review page sends
    (complaints/portal/review.py); "Back to edit" shows the form again as it was."""
    kept = draft_take(request)
    data, files = (request.POST, request.FILES) if request.method == "POST" else (kept, None)
    if data is not None and kept is None and review.is_send(data):
        if (done := review.already_filed(request)) is not None:
            return done
    filing = Filing(spec=spec, user=request.user, data=data, files=files, appeal_of=appeal_of)
    status = 200
    if kept is not None or (filing.bound and data.get("edit")):
        filing.stage_new_files()
        filing.refill()
    elif filing.bound and not filing.apply_row_action():
        if filing.is_valid():
            if review.is_send(data):
                if (sent := review.filing_send(request, filing, spec, appeal_of)) is not None:
                    return sent
            else:
                filing.stage_new_files()
                return review.review_page(request, filing, spec, appeal_of)
        filing.stage_new_files(form_shows_errors=True)
        status = 400
    return render(request, "complaints/case_form.html",
                  {"filing": filing, "spec": spec, "appeal_of": appeal_of}, status=status)


@body_allowance(notice_form_max_bytes, too_large=notice_too_large)
@filing_login_required
@require_http_methods(["GET", "POST"])
def case_new(request, kind):
    spec = SPECS.get(kind)
    if spec is None:
        raise Http404
    return _filing_page(request, spec)


@body_allowance(notice_form_max_bytes, too_large=notice_too_large)
@filing_login_required
@require_http_methods(["GET", "POST"])
def case_appeal(request, reference):
    case = selectors.case_get_for_portal(request.user, reference)
    try:
        appeal_check(case=case)
    except ValidationError as exc:
        return render(request, "complaints/appeal_refused.html",
                      {"case": case, "reasons": exc.messages}, status=400)
    return _filing_page(request, APPEAL_SPEC, appeal_of=case)


@login_required
def case_filed(request, reference):
    case = selectors.case_get_for_portal(request.user, reference)
    return render(request, "complaints/case_filed.html", {"case": case})


def _case_page(request, case, *, status=200, **forms):
    pages = case_rows_pages(case, request.GET)
    context = {
        "case": case,
        "locations_page": pages["locations"],
        "works_page": pages["works"],
        "timeline": selectors.case_timeline(case),
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "evidence_form": forms.get("evidence_form") or EvidenceAddForm(),
        "feedback_form": forms.get("feedback_form") or FeedbackForm(
            initial=selectors.feedback_initial(case, request.user)),
        "can_appeal": selectors.case_can_appeal(case),
        "appeal_in_force": selectors.case_appeal_in_force(case),
        "wholly_retracted": selectors.case_wholly_retracted(case),
        "can_retract": selectors.case_can_retract(case, request.user),
        "is_filer": case.filer_id == request.user.pk,
        **court_action_context(case, forms.get("court_action_form")),
    }
    return render(request, "complaints/case_detail.html", context, status=status)


@login_required
def case_detail(request, reference):
    return _case_page(request, selectors.case_get_for_portal(request.user, reference))


@login_required
@require_POST
def case_reply(request, reference):
    case = selectors.case_get_for_portal(request.user, reference)
    form = ReplyForm(request.POST, request.FILES)
    form.staged_bytes = case_upload_bytes(case=case)
    if form.is_valid():
        try:
            message_post(case=case, author=request.user, body=form.cleaned_data["body"],
                         uploads=form.cleaned_data["evidence"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your reply was sent."))
            return redirect("complaints:case_detail", reference=case.reference)
    return _case_page(request, case, status=400, reply_form=form)


@login_required
@require_POST
def case_evidence_add(request, reference):
    case = selectors.case_get_for_portal(request.user, reference)
    form = EvidenceAddForm(request.POST, request.FILES)
    form.staged_bytes = case_upload_bytes(case=case)
    if form.is_valid():
        try:
            for upload in form.cleaned_data["evidence"]:
                evidence_attach(case=case, uploaded_by=request.user, upload=upload)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The files were added to the case."))
            return redirect("complaints:case_detail", reference=case.reference)
    return _case_page(request, case, status=400, evidence_form=form)


@login_required
@require_http_methods(["GET", "POST"])
def case_withdraw_confirm(request, reference):
    case = selectors.case_get_for_portal(request.user, reference)
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            case_withdraw(case=case, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The case was withdrawn."))
            return redirect("complaints:case_detail", reference=case.reference)
    return render(request, "complaints/case_withdraw.html", {"case": case, "form": form},
                  status=400 if form.errors else 200)


def _add_errors(form, exc: ValidationError) -> None:
    """The domain's refusals next to the fields they name (else above the form)."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for name, errors in exc.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


@login_required
@require_http_methods(["GET", "POST"])
def case_retract(request, reference):
    """Choose what to retract and why, see what it will do, confirm."""
    case = selectors.case_get_for_filer(request.user, reference)
    urls = [loc.url for loc in case.locations.all() if loc.retraction_id is None]
    form = RetractForm(request.POST if request.method == "POST" else None, urls=urls)
    plan = None
    if request.method == "POST" and form.is_valid():
        choice = {"case": case, "actor": request.user, "whole": form.whole,
                  "urls": form.urls, "statement": form.cleaned_data["statement"]}
        try:
            if request.POST.get("confirm") == "yes":
                retraction_record(**choice)
            else:
                plan = retraction_check(**choice)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if plan is None:
                messages.success(request, _("Your retraction was recorded. We have sent "
                                            "you a confirmation by e-mail."))
                return redirect("complaints:case_detail", reference=case.reference)
    return render(request, "complaints/case_retract.html",
                  {"case": case, "form": form, "plan": plan,
                   "can_retract": selectors.case_can_retract(case, request.user)},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def case_court_action(request, reference):
    """The complainant reports a court action while a counter-notice awaits restoring."""
    case = selectors.case_get_for_portal(request.user, reference)
    form = CourtActionForm(request.POST)
    if form.is_valid():
        try:
            court_action_report(complaint=case, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("We have recorded your court action and will not "
                                        "restore the output. Its owner has been told."))
            return redirect("complaints:case_detail", reference=case.reference)
    return _case_page(request, case, status=400, court_action_form=form)


@login_required
@require_POST
def case_feedback(request, reference):
    case = selectors.case_get_for_portal(request.user, reference)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            feedback_record(case=case, author=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Thank you for telling us."))
            return redirect("complaints:case_detail", reference=case.reference)
    return _case_page(request, case, status=400, feedback_form=form)


@login_required
def evidence_download(request, reference, public_id):
    evidence = selectors.evidence_get_for_user(request.user, reference, public_id)
    # Images may be previewed inline; everything else is a download. nosniff is global.
    inline = evidence.is_image and request.GET.get("preview") == "1"
    response = _file_response(evidence.file, as_attachment=not inline,
                              filename=evidence.original_name,
                              content_type=evidence.content_type)
    if response.status_code != 200:
        return response
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def staged_download(request, public_id):
    """A file kept for a filing not yet sent: only its owner sees it."""
    staged = selectors.staged_upload_get(request.user, public_id)
    response = _file_response(staged.file, as_attachment=True,
                              filename=staged.original_name, content_type=staged.content_type)
    response["Cache-Control"] = "private, no-store"
    return response


def _file_response(file, **kwargs) -> HttpResponse:
    """The stored file, streamed by this process after the caller's access check (never a
    link into the bucket: README "Evidence storage"). A bucket's file is fetched while the
    response is made, so a store that is down is a 503 here, not a broken download."""
    try:
        handle = file.open("rb")
        handle.seek(0)  # a bucket's file is fetched here, before any header is sent
        return FileResponse(handle, **kwargs)
    except FileNotFoundError:
        logger.error("Evidence file %s is missing from the store", file.name)
        raise Http404 from None
    except EVIDENCE_STORE_ERRORS as exc:
        logger.warning("The evidence store did not give %s: %r", file.name, exc)
        response = HttpResponse(
            _("The file cannot be fetched just now. Please try again in a few minutes."),
            status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "60"
        return response


@login_required
@require_safe
def case_copy(request, reference):
    """The copy of the notice as sent, to print or save as PDF; `?format=json` gives its
    canonical JSON text, whose SHA-256 is the one the page shows."""
    case = notice_copy.case_get_for_copy(request.user, reference)
    if request.GET.get("format") == "json" and case.content_as_sent:
        response = HttpResponse(case.content_as_sent, content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="{case.reference}.json"'
        return response
    back = reverse("complaints:case_detail", args=[case.reference]) \
        if notice_copy.case_on_portal(request.user, case) \
        else reverse("admin:complaints_case_change", args=[case.pk])
    return render(request, "complaints/case_copy.html", {
        "case": case, "copy": notice_copy.case_notice_copy(case), "back": back,
        "algorithm": HASH_ALGORITHM})
