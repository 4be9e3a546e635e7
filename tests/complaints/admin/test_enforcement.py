"""Orders to the AI product on the desk: overdue once their due time passes without an
acknowledgement, on the case page and in the desk's list (filtered by state, read-only,
a flat number of queries)."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from complaints.models import EnforcementOrder
from complaints.services.enforcement import enforcement_order_restore
from tests.complaints.services.test_enforcement import decide, product  # noqa: F401
from tests.factories import file_case

pytestmark = pytest.mark.django_db
ORDERS = reverse("admin:complaints_enforcementorder_changelist")


def test_an_order_past_its_due_time_is_overdue_on_the_desk(client, creator, operator,
                                                          product):  # noqa: F811
    case = file_case(filer=creator)
    decide(case, operator, actions=["output_removed", "prompt_blocked"])
    client.force_login(operator)
    desk = reverse("admin:complaints_case_change", args=[case.pk])
    page = client.get(desk).content.decode()
    assert "Orders to the AI product" in page and "Remove the output" in page
    assert "Waiting for the AI product" in page and ">Overdue<" not in page

    EnforcementOrder.objects.filter(action="remove").update(
        due_at=timezone.now() - timedelta(minutes=1))
    page = client.get(desk).content.decode()
    assert ">Overdue<" in page

    overdue = client.get(ORDERS + "?state=overdue").content.decode()
    assert case.reference in overdue and "Remove the output" in overdue
    assert "Block the prompt or character" not in overdue
    pending = client.get(ORDERS + "?state=pending").content.decode()
    assert "Block the prompt or character" in pending and "Remove the output" not in pending
    assert "Remove the output" not in client.get(ORDERS + "?state=done").content.decode()

    order = EnforcementOrder.objects.get(action="remove")
    change = client.get(reverse("admin:complaints_enforcementorder_change", args=[order.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()


@pytest.mark.parametrize("rows", [5, 50])
def test_the_list_uses_the_same_queries_at_5_and_50(client, creator, operator, rows,
                                                    django_assert_num_queries):
    case = file_case(filer=creator)
    decide(case, operator)
    for _ in range(rows - 1):
        enforcement_order_restore(case=case, locations=["https://dreamreel.example/v/abc123"])
    client.force_login(operator)
    client.get(ORDERS)
    with django_assert_num_queries(QUERIES):
        listed = client.get(ORDERS + "?state=pending")
    assert listed.content.decode().count("Restore the output") >= rows - 1


QUERIES = 4  # the session with its user, the permissions, the count, the page


def test_metrics_count_the_overdue_and_the_oldest_waiting(client, creator, operator,
                                                          settings):
    from tests.config.test_metrics import TOKEN, scrape
    settings.KOTAE_METRICS_TOKEN = TOKEN
    case = file_case(filer=creator)
    decide(case, operator, actions=["output_removed", "prompt_blocked"])
    EnforcementOrder.objects.filter(action="remove").update(
        ordered_at=timezone.now() - timedelta(hours=30),
        due_at=timezone.now() - timedelta(hours=6))
    figures = scrape(client, HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert figures[("kotae_enforcement_orders_waiting", ())] == 2
    assert figures[("kotae_enforcement_orders_overdue", ())] == 1
    assert 30 * 3600 <= figures[("kotae_enforcement_oldest_waiting_seconds", ())] < 31 * 3600
