"""The Content-Security-Policy on every kind of answer: portal pages logged in and out, the
desk as a superuser, the API's JSON, its docs, the transparency report, error pages; and
no page carries what the policy would refuse (an inline script, an event-handler
attribute, a javascript: link, an inline style)."""
import re

import pytest
from django.contrib import admin
from django.urls import path as route
from django.urls import reverse

from accounts.models import User
from accounts.services import organisation_create, organisation_invite, organisation_member_add
from config import urls as site_urls
from tests.factories import file_case
from tests.support.login import logs_in
from tests.support.two_factor import totp_code_from_secret

pytestmark = pytest.mark.django_db

HTML_INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I),
    "event-handler attribute": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"""(?:href|src|action)\s*=\s*["']?\s*javascript:""", re.I),
    "inline style element": re.compile(r"<style[\s>]", re.I),
    "style attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
}


def policy(response) -> dict[str, list[str]]:
    header = response.get("Content-Security-Policy")
    assert header, f"{response.request['PATH_INFO']}: no Content-Security-Policy"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_strict(path: str, response) -> None:
    assert response.status_code < 500, (path, response.status_code)
    directives = policy(response)
    scripts = directives.get("script-src") or directives["default-src"]
    assert scripts == ["'self'"], (path, scripts)
    assert directives["default-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"], (path, directives["style-src"])
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    assert directives["connect-src"] == ["'self'"]
    assert directives["report-uri"] == ["/csp-report/"]
    if path.startswith("/api/v1/docs/"):  # Swagger UI's stylesheet draws data: icons
        assert directives["img-src"] == ["'self'", "data:"]
    else:
        assert directives["img-src"] == ["'self'"], (path, directives["img-src"])
    if response["Content-Type"].startswith("text/html"):
        html = response.content.decode()
        for what, pattern in HTML_INLINE.items():
            found = pattern.search(html)
            assert not found, f"{path}: {what} {found and found.group(0)!r}"


def walk(client, paths) -> None:
    for path in paths:
        assert_strict(path, client.get(path))


@pytest.fixture
def case(creator):
    return file_case(filer=creator)


def test_pages_without_an_account(client):
    walk(client, [
        "/", reverse("accounts:login"), reverse("accounts:signup"),
        reverse("accounts:password_reset"), reverse("complaints:case_new_choose"),
        "/cases/new/output-complaint/", "/cases/new/training-objection/",
        reverse("public:transparency"), reverse("public:transparency_json"),
        reverse("api:docs"), reverse("api:docs") + "?script=", reverse("api:schema"),
        reverse("healthz"), "/static/kotae/site.css",
        "/no-such-page/",  # 404, Django's page
        "/api/v1/no-such-endpoint/",  # 404, the API's JSON
        "/cases/?q=%00",  # 400, refused before any view (templates/400.html)
        reverse("api:case_list"),  # 401 JSON
    ])


def test_the_filers_pages(client, creator, other_creator, case):
    studio = organisation_create(name="Studio Hoshizora", admin=creator)
    organisation_member_add(organisation=studio, user=other_creator)
    organisation_invite(organisation=studio, invited_by=creator, email="new@example.com")
    client.force_login(creator)
    walk(client, [
        "/", reverse("complaints:case_list"), reverse("complaints:case_detail",
                                                      args=[case.reference]),
        reverse("complaints:case_new_choose"), "/cases/new/output-complaint/",
        "/cases/new/inquiry/", reverse("complaints:case_withdraw", args=[case.reference]),
        reverse("accounts:preferences"), reverse("accounts:api_tokens"),
        reverse("accounts:organisation_list"), reverse("accounts:organisation_new"),
        reverse("accounts:organisation_detail", args=[studio.pk]),
        reverse("accounts:password_change"),
        reverse("api:case_list"), reverse("api:case_detail", args=[case.reference]),
    ])


def test_the_desk_as_a_superuser(client, case):
    root = User.objects.create_superuser(email="root@kotae.example", password="pw-1-root-csp")
    client.force_login(root)
    walk(client, [
        reverse("admin:index"), reverse("admin:complaints_case_changelist"),
        reverse("admin:complaints_case_change", args=[case.pk]),
        reverse("admin:complaints_registerentry_changelist"),
        reverse("admin:answer_quality"), reverse("admin:health"),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:accounts_user_change", args=[root.pk]),
        reverse("admin:complaints_case_history", args=[case.pk]),
        reverse("admin:jsi18n"),
    ])
    # Every list and add page of the admin (Django's own too: a list without actions once
    # carried an inline <style>).
    for model in admin.site._registry:
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        walk(client, [reverse(f"{name}_changelist"), reverse(f"{name}_add")])  # (or 403)
    # The review before a decision is sent: a page of its own, reached by POST.
    review = client.post(reverse("admin:complaints_case_decide", args=[case.pk]), {
        "outcome": "upheld", "actions": ["output_removed"],
        "facts": "Frames 12 to 13 match the original.",
        "ground": "Copyright Act of Japan, Art. 21."})
    assert review.status_code == 200
    assert_strict("decide (review)", review)


def test_the_register_entry_page(client, creator):
    case = file_case(filer=creator, kind="training_objection", title="Do not train on us",
                     ai_product="", similarity="", remedies=[], locations=[],
                     training_uses=["training"], whole_catalogue=True,
                     catalogue_identifiers="https://hoshizora.example/")
    root = User.objects.create_superuser(email="root@kotae.example", password="pw-1-root-csp")
    client.force_login(root)
    entry = case.register_entries.first()
    walk(client, [reverse("admin:complaints_registerentry_change", args=[entry.pk])])


def test_the_docs_load_their_start_up_script_from_a_url():
    """The docs' script is a response of its own, which the policy allows ('self')."""
    from django.test import Client

    html = Client().get(reverse("api:docs")).content.decode()
    script_urls = re.findall(r'<script src="([^"]+)"', html)
    assert any("script" in url for url in script_urls), script_urls
    start_up = Client().get(script_urls[-1].replace("&amp;", "&"))
    assert start_up.status_code == 200
    assert start_up["Content-Type"].startswith("application/javascript")
    assert b"SwaggerUIBundle(" in start_up.content


def _crash(request):
    raise RuntimeError("a bug")


# The site's pages and a view that crashes, with the site's error pages (for the test below).
urlpatterns = [route("crash/", _crash), route("api/v1/crash/", _crash), *site_urls.urlpatterns]
handler500 = site_urls.handler500


@pytest.mark.urls("tests.config.test_csp")
def test_the_500_pages(client):
    client.raise_request_exception = False
    for path in ("/crash/", "/api/v1/crash/"):
        response = client.get(path)
        assert response.status_code == 500
        assert policy(response)["script-src"] == ["'self'"]


def test_the_second_step_and_a_paused_login(client, operator, settings):
    """Pages that came with two-factor and login throttling: enrolment (its QR code is
    inline SVG, no script or style), the recovery codes, verification, and the 429 page."""
    assert logs_in(client, operator.email, "pw-for-tests-1")
    enrol = client.get(reverse("accounts:two_factor_enrol"))
    assert enrol.status_code == 200 and b"<svg" in enrol.content
    assert_strict("enrolment", enrol)
    secret = re.search(r'<code id="totp-secret">([A-Z2-7 ]+)</code>',
                       enrol.content.decode()).group(1)
    client.post(reverse("accounts:two_factor_enrol"), {"code": totp_code_from_secret(secret)})
    walk(client, [reverse("accounts:recovery_codes"), reverse("accounts:two_factor")])
    client.logout()
    assert logs_in(client, operator.email, "pw-for-tests-1")
    walk(client, [reverse("accounts:two_factor_verify")])
    client.logout()
    settings.AXES_FAILURE_LIMIT = 1
    for _ in range(2):
        paused = client.post(reverse("accounts:login"),
                             {"username": operator.email, "password": "wrong-password-1"})
    assert paused.status_code == 429
    assert_strict("login paused", paused)
