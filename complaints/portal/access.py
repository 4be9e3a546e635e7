"""Login for filing pages that loses nothing when a session ended while typing.

An anonymous POST to a filing page is kept in the session (its files are staged),
the user logs in, comes back with ?resume=1, and the filing goes through then.
"""
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _

from complaints.services.evidence import staged_uploads_claim, upload_stage

PENDING_KEY = "kotae_pending_filing"


def _stash(request) -> None:
    data = request.POST.copy()
    data.pop("csrfmiddlewaretoken", None)
    for upload in request.FILES.getlist("evidence"):
        try:
            data.appendlist("staged", str(upload_stage(owner=None, upload=upload).public_id))
        except ValidationError:  # the file is refused again, with its reason, on resume
            continue
    request.session[PENDING_KEY] = {"path": request.path, "data": data.urlencode()}


def pending_filing_take(request) -> QueryDict | None:
    """The filing kept before login, if this page is where it was going."""
    pending = request.session.get(PENDING_KEY)
    if not pending or pending.get("path") != request.path or "resume" not in request.GET:
        return None
    del request.session[PENDING_KEY]
    data = QueryDict(pending["data"], mutable=True)
    staged_uploads_claim(public_ids=data.getlist("staged"), owner=request.user)
    return data


def filing_login_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.method == "POST":
            _stash(request)
            messages.info(request, _("Your session had ended. Log in and what you typed will "
                                     "be sent."))
            return redirect_to_login(f"{request.path}?resume=1")
        return redirect_to_login(request.get_full_path())

    return wrapper
