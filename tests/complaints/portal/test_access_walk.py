"""Creator B gets 404 for everything of creator A's, on every portal URL that takes an id."""
import pytest
from django.urls import URLPattern, reverse

from complaints.models import Decision, StagedUpload
from complaints.portal import urls as portal_urls
from complaints.services.decisions import decision_record
from tests.complaints.portal import data as portal_data
from tests.factories import file_case, png_upload

pytestmark = pytest.mark.django_db
ID_PARAMETERS = {"reference", "public_id"}


def id_patterns():
    for pattern in portal_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        params = set(pattern.pattern.converters)
        if params & ID_PARAMETERS:
            yield pattern.name, params


def test_every_id_pattern_is_covered():
    names = {name for name, _ in id_patterns()}
    assert names == {"case_detail", "case_filed", "case_reply", "case_evidence_add",
                     "evidence_download", "case_withdraw", "case_appeal", "case_feedback",
                     "staged_download", "case_retract", "case_court_action", "case_copy"}


def test_creator_b_gets_404_everywhere(client, creator, other_creator, operator):
    case = file_case(filer=creator, uploads=[png_upload()])
    decision_record(case=case, decided_by=operator, outcome=Decision.Outcome.NOT_UPHELD,
                    actions=["no_action"], facts="f", ground="g", automated_means=False)
    client.force_login(creator)
    client.post(reverse("complaints:case_new", args=["output-complaint"]),
                {**portal_data.output_complaint(signature=""), "evidence": [png_upload()]})
    staged = StagedUpload.objects.get(owner=creator)
    evidence = case.evidence.get()
    values = {"reference": case.reference}
    client.force_login(other_creator)
    checked = 0
    for name, params in id_patterns():
        kwargs = {k: values[k] for k in params if k == "reference"}
        if "public_id" in params:
            kwargs["public_id"] = (staged if name == "staged_download"
                                   else evidence).public_id
        url = reverse(f"complaints:{name}", kwargs=kwargs)
        get = client.get(url)
        post = client.post(url, {**portal_data.appeal(), "body": "x", "helpful": "yes"})
        assert get.status_code in (404, 405), (name, get.status_code)
        assert post.status_code in (404, 405), (name, post.status_code)
        assert 404 in (get.status_code, post.status_code), name
        checked += 1
    assert checked == 12
    # Nothing of A's changed through B's attempts.
    case.refresh_from_db()
    assert case.status == "decided" and case.messages.count() == 0
    assert case.appeals.count() == 0 and case.feedback.count() == 0
    assert case.retractions.count() == 0
    staged.refresh_from_db()
    assert staged.owner == creator
