"""Make an API token for a user and print it alone on standard output:

    TOKEN=$(python manage.py issue_api_token agent@example.com)
"""
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from accounts.services import api_token_create


class Command(BaseCommand):
    help = "Make an API token for the user with this e-mail and print it (only the token)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="issued from the command line")

    def handle(self, *args, email, name, **options):
        user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
        if user is None:
            raise CommandError(f"No active user with the e-mail {email}.")
        _row, token = api_token_create(user=user, name=name)
        self.stdout.write(token)
