"""Enforcement orders as the AI product's program meets them: each order POSTed, signed, to
the product account's webhook; polled on /api/v1/enforcement-orders/ and acknowledged
there; refused to every other account (creators, staff); and a flat number of queries
whatever the page holds."""
import json
from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.services import roles_ensure, user_role_set
from complaints.models import EnforcementOrder, WebhookDelivery
from complaints.services.decisions import decision_record
from complaints.services.enforcement import enforcement_order_restore
from complaints.services.webhooks import webhook_endpoint_create
from tests.complaints.api.test_api import client_for
from tests.complaints.api.test_webhooks import kotae_verify, receiver  # noqa: F401 (fixture)
from tests.factories import UserFactory, file_case, staff_user

pytestmark = pytest.mark.django_db
ORDERS = "/api/v1/enforcement-orders/"


@pytest.fixture
def product(db):
    roles_ensure()
    return user_role_set(user=UserFactory(email="product@dreamreel.example"),
                         role=Role.PRODUCT)


def removal(creator, operator):
    case = file_case(filer=creator)
    decision_record(case=case, decided_by=operator, outcome="upheld",
                    actions=["output_removed"], facts="Frames match.", ground="Art. 21",
                    automated_means=False)
    return case, EnforcementOrder.objects.get(case=case)


def ack_url(order):
    return f"{ORDERS}{order.pk}/acknowledge/"


def test_each_order_is_posted_signed_to_the_products_webhook(
        creator, operator, product, receiver, django_capture_on_commit_callbacks):  # noqa: F811
    endpoint = webhook_endpoint_create(owner=product, url=receiver.url)
    creators_own = webhook_endpoint_create(owner=operator, url=receiver.url + "/desk")
    with django_capture_on_commit_callbacks(execute=True):
        case, order = removal(creator, operator)
    delivery = WebhookDelivery.objects.get(event_type="enforcement.ordered")
    assert delivery.endpoint == endpoint and delivery.status == "delivered"
    assert not WebhookDelivery.objects.filter(endpoint=creators_own).exists()

    [request] = [r for r in receiver.requests if r["path"] == "/hooks/kotae"]
    headers, body = request["headers"], request["body"]
    assert headers["Kotae-Event"] == "enforcement.ordered"
    assert headers["Kotae-Delivery"] == f"enforcement:{order.pk}"
    assert kotae_verify(endpoint.secret, body, headers["Kotae-Signature"])
    data = json.loads(body)["data"]
    assert data["order_id"] == order.pk and data["action"] == "remove"
    assert data["case_reference"] == case.reference
    assert data["locations"] == [{"url": "https://dreamreel.example/v/abc123", "prompt": ""}]
    assert data["due_at"].endswith("Z")
    assert data["acknowledge_url"].endswith(ack_url(order))

    # The product acknowledges at the URL it was given.
    client = client_for(product)
    answer = client.post(ack_url(order), {"done_at": timezone.now().isoformat(),
                                          "note": "Taken down."}, format="json")
    assert answer.status_code == 200 and answer.json()["state"] == "done"


def test_poll_pending_and_acknowledge(creator, operator, product):
    _case, order = removal(creator, operator)
    client = client_for(product)
    page = client.get(ORDERS, {"state": "pending"}).json()
    assert [o["order_id"] for o in page["results"]] == [order.pk]
    assert page["results"][0]["state"] == "pending"
    assert client.get(ORDERS, {"state": "done"}).json()["results"] == []

    done_at = (timezone.now() - timedelta(seconds=1)).isoformat()
    first = client.post(ack_url(order), {"done_at": done_at, "note": "Removed."},
                        format="json")
    assert first.status_code == 200
    assert first.json()["note"] == "Removed." and first.json()["done_at"]
    again = client.post(ack_url(order), {"done_at": timezone.now().isoformat(),
                                         "note": "Twice"}, format="json")
    assert again.status_code == 200 and again.json() == first.json()
    assert client.get(ORDERS, {"state": "pending"}).json()["results"] == []
    assert [o["order_id"] for o in client.get(ORDERS, {"state": "done"}).json()["results"]] \
        == [order.pk]


def test_bad_done_at_is_refused_with_a_message(creator, operator, product):
    _case, order = removal(creator, operator)
    client = client_for(product)
    for done_at, words in [((timezone.now() + timedelta(days=1)).isoformat(), "future"),
                           ((order.ordered_at - timedelta(days=1)).isoformat(),
                            "before the order"),
                           ("yesterday", "2026-11-20T10:30:00+09:00"),
                           ("2026-11-20T10:30:00", "zone"),
                           # well formed, but no such day: a message, not a 500
                           ("2026-13-01T00:00:00Z", "2026-11-20T10:30:00+09:00"),
                           ("2026-02-30T10:00:00+09:00", "2026-11-20T10:30:00+09:00")]:
        answer = client.post(ack_url(order), {"done_at": done_at}, format="json")
        assert answer.status_code == 400, done_at
        assert words in answer.json()["fields"]["done_at"][0]
    answer = client.post(ack_url(order), {"note": "x"}, format="json")
    assert answer.status_code == 400 and "done_at" in answer.json()["fields"]
    answer = client.get(ORDERS, {"state": "someday"})
    assert answer.status_code == 400 and "state" in answer.json()["fields"]


def test_other_accounts_are_refused(creator, operator, product):
    _case, order = removal(creator, operator)
    superuser = staff_user(email="root@kotae.example")
    superuser.is_superuser = True
    superuser.save()
    for user in (creator, operator, superuser):
        client = client_for(user)
        assert client.get(ORDERS).status_code == 403
        answer = client.post(ack_url(order), {"done_at": timezone.now().isoformat()},
                             format="json")
        assert answer.status_code == 403
    order.refresh_from_db()
    assert order.acknowledged_at is None
    client = client_for(product)
    for pk in ("0", "x", str(order.pk + 1000), "9" * 30):
        answer = client.post(f"{ORDERS}{pk}/acknowledge/",
                             {"done_at": timezone.now().isoformat()}, format="json")
        assert answer.status_code == 404


def test_the_restore_order_is_listed(creator, operator, product):
    case, _order = removal(creator, operator)
    enforcement_order_restore(case=case, locations=["https://dreamreel.example/v/abc123"])
    results = client_for(product).get(ORDERS).json()["results"]
    assert [o["action"] for o in results] == ["remove", "restore"]
    assert results[1]["decision_id"] is None


@pytest.mark.parametrize("rows", [5, 50])
def test_the_list_uses_the_same_queries_at_5_and_50(creator, operator, product, rows,
                                                    django_assert_num_queries):
    case, _order = removal(creator, operator)
    for _ in range(rows - 1):
        enforcement_order_restore(case=case, locations=["https://dreamreel.example/v/abc123"])
    client = client_for(product)
    client.get(ORDERS)  # the token is cached after its first use
    with django_assert_num_queries(QUERIES):
        answer = client.get(ORDERS, {"state": "pending", "page_size": 50})
    assert len(answer.json()["results"]) == rows


QUERIES = 2  # the product account's permissions with its groups (one query), the page
