"""Who may do what on the desk."""
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from complaints.models import CaseEvent, Notification
from tests.factories import file_case

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["operator", "supervisor"])
def test_records_cannot_be_edited_or_deleted(client, request, role):
    user = request.getfixturevalue(role)
    case = file_case()
    event = CaseEvent.objects.filter(case=case).first()
    notification = Notification.objects.get(case=case)
    client.force_login(user)
    for model, obj in (("caseevent", event), ("notification", notification)):
        listing = client.get(reverse(f"admin:complaints_{model}_changelist"))
        assert listing.status_code == 200
        view = client.get(reverse(f"admin:complaints_{model}_change", args=[obj.pk]))
        assert view.status_code == 200
        assert 'name="_save"' not in view.content.decode()
        post = client.post(reverse(f"admin:complaints_{model}_change", args=[obj.pk]), {})
        assert post.status_code == 403
        delete = client.post(reverse(f"admin:complaints_{model}_delete", args=[obj.pk]),
                             {"post": "yes"})
        assert delete.status_code == 403
    assert CaseEvent.objects.filter(pk=event.pk).exists()
    assert Notification.objects.filter(pk=notification.pk).exists()


def test_operators_read_every_sent_e_mail(client, operator, on_commit):
    with on_commit():  # the receipt is rendered and sent by the worker, after commit
        case = file_case()
    client.force_login(operator)
    notification = Notification.objects.get(case=case)
    assert notification.status == Notification.Status.SENT and notification.subject
    page = client.get(reverse("admin:complaints_notification_change", args=[notification.pk]))
    html = page.content.decode()
    assert notification.subject in html and case.reference in html


def test_creators_have_no_desk(client, creator):
    client.force_login(creator)
    response = client.get(reverse("admin:complaints_case_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_seed_bench_and_bench_desk(capsys, settings):
    settings.ALLOWED_HOSTS = ["testserver", "localhost"]
    call_command("seed_bench", cases=60)
    from complaints.models import Case

    assert Case.objects.count() == 60
    kinds = set(Case.objects.values_list("kind", flat=True))
    statuses = set(Case.objects.values_list("status", flat=True))
    assert len(kinds) >= 3 and len(statuses) >= 5
    capsys.readouterr()
    call_command("bench_desk", runs=2)
    result = json.loads(capsys.readouterr().out)
    assert result["cases"] == 60
    assert set(result["pages"]) == {"queue", "queue_filtered", "queue_searched",
                                    "queue_reference", "case_page"}
    for figures in result["pages"].values():
        assert figures["p50_ms"] > 0 and 0 < figures["queries"] <= 12
    # Every other staff page too: each at 12 queries at most (issue 20).
    call_command("bench_desk", runs=1, every_page=True)
    result = json.loads(capsys.readouterr().out)
    assert {"quality", "health", "list_accounts_user", "list_complaints_caseevent",
            "list_complaints_enforcementorder"} <= set(result["pages"])
    assert len(result["pages"]) >= 20
    over = {name: figures["queries"] for name, figures in result["pages"].items()
            if not 0 < figures["queries"] <= 12}
    assert not over
