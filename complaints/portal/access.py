"""Login for filing pages that loses nothing when a session ended while typing.

An anonymous POST to a filing page is kept as a draft (complaints/services/drafts.py),
small and capped; the session holds only the draft's id. The user logs in, comes back
to the page, and finds the form filled in again, its files attached; they send it then.
"""
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from complaints.domain.text import listing, quoted
from complaints.services.drafts import (
    draft_discard,
    draft_form_data,
    draft_keep_anonymous,
    draft_resume,
)

DRAFT_KEY = "kotae_draft"
SHOWN_REFUSALS = 3  # more than this are counted, not listed, so the message stays short


def _query_dict(data: dict[str, list[str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in data.items():
        query.setlist(key, values)
    return query


def _keep(request) -> None:
    data = {key: request.POST.getlist(key) for key in request.POST
            if key != "csrfmiddlewaretoken"}
    kept = draft_keep_anonymous(public_id=request.session.get(DRAFT_KEY), path=request.path,
                                data=data, uploads=request.FILES.getlist("evidence"))
    if kept.draft is not None:  # else an id left here finds nothing, or the draft kept
        request.session[DRAFT_KEY] = str(kept.draft.public_id)
    if kept.text_kept:
        messages.info(request, _("Your session had ended. Log in and you will find the form "
                                 "as you left it, to check and send."))
    elif kept.text_refusal:
        messages.warning(request, kept.text_refusal)
    if kept.kept:
        messages.info(request, _("Files kept with it: %(names)s.")
                      % {"names": listing(quoted(name) for name in kept.kept)})
    for refusal in kept.refused[:SHOWN_REFUSALS]:
        messages.warning(request, refusal)
    if (more := len(kept.refused) - SHOWN_REFUSALS) > 0:
        messages.warning(request, ngettext("%(count)s more file was not kept either.",
                                           "%(count)s more files were not kept either.",
                                           more) % {"count": more})


def draft_take(request) -> QueryDict | None:
    """The form kept before login, if this page is where it was going: given to the user
    who is now logged in, and filled in again. A POST sends the form anew, so the draft
    is done with (its files stay attached to the form)."""
    public_id = request.session.get(DRAFT_KEY)
    if public_id is None:
        return None
    if request.method == "POST":
        if draft_discard(public_id=public_id, user=request.user, path=request.path):
            del request.session[DRAFT_KEY]
        return None
    draft = draft_resume(public_id=public_id, user=request.user, path=request.path)
    if draft is None:
        return None
    messages.info(request, _("Here is the form as you left it. Check it and send it."))
    return _query_dict(draft_form_data(draft))


def filing_login_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if request.method == "POST":
            _keep(request)
            return redirect_to_login(request.path)
        return redirect_to_login(request.get_full_path())

    return wrapper
