"""Logging in as a person does: through the login form, which passes the request to
authenticate() as django-axes needs (the test client's login() does not)."""
from django.urls import reverse


def logs_in(client, email: str, password: str) -> bool:
    """Post the portal's login form; True if it let the user in."""
    client.post(reverse("accounts:login"), {"username": email, "password": password})
    return "_auth_user_id" in client.session
