"""Demo accounts for a laptop: one creator (with an organisation), one operator, one
supervisor. Running it again changes nothing and prints the same logins."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Language, Organisation, Role, User
from accounts.services import organisation_create, roles_ensure, user_role_set

DEMO_ACCOUNTS = [
    # email, password, display name, role, language
    ("creator@example.com", "kotae-creator-demo", "山田 花子 (Hanako Yamada)", Role.CREATOR,
     Language.JAPANESE),
    ("operator@example.com", "kotae-operator-demo", "Operator Olivia", Role.OPERATOR,
     Language.ENGLISH),
    ("supervisor@example.com", "kotae-supervisor-demo", "Supervisor Sato", Role.SUPERVISOR,
     Language.ENGLISH),
]
DEMO_ORGANISATION = ("Studio Hoshizora", "スタジオ星空")


class Command(BaseCommand):
    help = "Create the demo accounts (idempotent) and print their logins."

    def add_arguments(self, parser):
        parser.add_argument("--allow-production", action="store_true",
                            help="Create them even with DEBUG off (never on a real site).")

    @transaction.atomic
    def handle(self, *args, **options):
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError("Demo accounts are for development (DEBUG on) only.")
        roles_ensure()
        rows = []
        for email, password, name, role, language in DEMO_ACCOUNTS:
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(
                    email=email, password=password, display_name=name, language=language,
                    email_verified=True,
                )
            user_role_set(user=user, role=role)
            rows.append((role.label, email, password))
            if role == Role.CREATOR and not Organisation.objects.filter(
                name=DEMO_ORGANISATION[0]
            ).exists():
                organisation_create(name=DEMO_ORGANISATION[0], name_ja=DEMO_ORGANISATION[1],
                                    admin=user)
        self.stdout.write("Demo accounts (log in at http://127.0.0.1:8000/):")
        for label, email, password in rows:
            self.stdout.write(f"  {str(label):<11} {email:<24} password: {password}")
