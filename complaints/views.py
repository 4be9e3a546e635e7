"""Portal views: validate, call a service or selector, present the result."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from complaints import selectors
from complaints.forms import (
    LocationFormSetFactory,
    OutputComplaintForm,
    ReplyForm,
    WorkFormSetFactory,
    output_complaint_draft,
)
from complaints.services.cases import case_submit
from complaints.services.messages import message_post

PAGE_SIZE = 25


def home(request):
    return render(request, "complaints/home.html")


@login_required
def case_list(request):
    page = Paginator(selectors.case_list_for_portal(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "complaints/case_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def case_new_output_complaint(request):
    if request.method == "POST":
        form = OutputComplaintForm(request.POST, request.FILES)
        works = WorkFormSetFactory(request.POST, prefix="works")
        locations = LocationFormSetFactory(request.POST, prefix="locations")
        if form.is_valid() and works.is_valid() and locations.is_valid():
            draft = output_complaint_draft(
                form=form, works=works, locations=locations, language=get_language()[:2]
            )
            try:
                case = case_submit(
                    filer=request.user, draft=draft, uploads=form.cleaned_data["evidence"]
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("complaints:case_filed", reference=case.reference)
    else:
        form = OutputComplaintForm()
        works = WorkFormSetFactory(prefix="works")
        locations = LocationFormSetFactory(prefix="locations")
    return render(
        request,
        "complaints/case_form_output_complaint.html",
        {"form": form, "works": works, "locations": locations},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def case_filed(request, reference):
    case = selectors.case_get_for_portal(request.user, reference)
    return render(request, "complaints/case_filed.html", {"case": case})


@login_required
def case_detail(request, reference):
    case = selectors.case_get_for_portal(request.user, reference)
    return render(
        request, "complaints/case_detail.html", {"case": case, "reply_form": ReplyForm()}
    )


@login_required
@require_POST
def case_reply(request, reference):
    case = selectors.case_get_for_portal(request.user, reference)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            message_post(case=case, author=request.user, body=form.cleaned_data["body"],
                         uploads=form.cleaned_data["evidence"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your reply was sent."))
            return redirect("complaints:case_detail", reference=case.reference)
    return render(request, "complaints/case_detail.html",
                  {"case": case, "reply_form": form}, status=400)


@login_required
def evidence_download(request, reference, public_id):
    evidence = selectors.evidence_get_for_user(request.user, reference, public_id)
    # Images may be previewed inline; everything else is a download. nosniff is global.
    inline = evidence.is_image and request.GET.get("preview") == "1"
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=not inline,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
