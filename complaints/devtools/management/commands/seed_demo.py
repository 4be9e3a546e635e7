"""Demo accounts for a laptop: one creator (with an organisation), one operator, one
supervisor, a few open cases and a year of finished ones. `make run` runs it on every start:
a second run changes nothing and prints the same logins (and where the demo clock stands)."""
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Language, Organisation, Role, User
from accounts.services import organisation_create, roles_ensure, user_role_set
from complaints.models import CannedResponse, Deadline
from complaints.services.cases import CaseDraft, LocationData, WorkData, case_submit
from complaints.services.deadlines import deadline_start
from complaints.services.desk import canned_responses_changed

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
DEMO_WARN_IN = timedelta(minutes=2)
DEMO_DUE_IN = timedelta(minutes=4)


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
            if user.role != role:  # setting it again would rewrite the user's groups
                user_role_set(user=user, role=role)
            rows.append((role.label, email, password))
            if role == Role.CREATOR and not Organisation.objects.filter(
                name=DEMO_ORGANISATION[0]
            ).exists():
                organisation_create(name=DEMO_ORGANISATION[0], name_ja=DEMO_ORGANISATION[1],
                                    admin=user)
        creator = User.objects.get(email=DEMO_ACCOUNTS[0][0])
        filed = self._demo_desk(creator)
        self.stdout.write(f"Demo accounts (log in at {settings.SITE_URL}/):")
        for label, email, password in rows:
            self.stdout.write(f"  {str(label):<11} {email:<24} password: {password}")
        self.stdout.write(
            "Staff (operator, supervisor) log in with a second factor: the first visit to "
            f"{settings.SITE_URL}/admin/ asks to set up an authenticator app (any TOTP app: "
            "scan the QR code, type its 6-digit code) and shows 10 recovery codes once; "
            "later logins ask for the app's code.")
        if filed:
            self._demo_clock(filed[0])
        else:
            self._demo_clock_report(creator)

    def _demo_clock(self, case):
        """When the demo cases are filed, the first one's first-response clock is set to
        warn in 2 minutes and run out in 4, so the sweep's e-mails show up in the console
        and in Admin › Notifications soon after `make run` starts. Only then: setting it
        again on a later start would repeat its timeline events and its e-mails (the
        filer's late notice too), which a real desk never does."""
        now = timezone.now()
        deadline = deadline_start(case=case, clock=Deadline.Clock.FIRST_RESPONSE,
                                  due_at=now + DEMO_DUE_IN)
        deadline.warn_at = now + DEMO_WARN_IN
        deadline.next_check_at = deadline.warn_at
        deadline.save(update_fields=["warn_at", "next_check_at"])
        local = timezone.localtime
        self.stdout.write(
            f"Demo clock: {case.reference} warns its operators at "
            f"{local(deadline.warn_at):%H:%M} and is late at {local(deadline.due_at):%H:%M} "
            f"({local(deadline.due_at):%Z}); the e-mails appear below and in "
            f"Admin › Notifications within a minute of each.")

    def _demo_clock_report(self, creator):
        """A later start leaves the demo clock as it is and says where it stands (nothing
        once the case is answered)."""
        case = creator.filed_cases.order_by("pk").first()
        deadline = case and case.deadlines.filter(
            clock=Deadline.Clock.FIRST_RESPONSE, met_at__isnull=True,
            cancelled_at__isnull=True).first()
        if not deadline:
            return
        due = timezone.localtime(deadline.due_at)
        if deadline.breached_at is None:
            self.stdout.write(f"Demo clock: {case.reference} runs out at "
                              f"{due:%Y-%m-%d %H:%M} ({due:%Z}), as set on the first run.")
        else:
            self.stdout.write(f"Demo clock: {case.reference} ran out at "
                              f"{due:%Y-%m-%d %H:%M} ({due:%Z}); it is set on the first run "
                              f"only, so its e-mails are not sent again.")

    def _demo_desk(self, creator) -> list:
        """Canned responses and a few cases, so the desk is not empty on first sight.
        Returns the cases it filed: none once the creator has cases."""
        for name, language, body in DEMO_CANNED:
            canned, made = CannedResponse.objects.get_or_create(
                name=name, language=language, defaults={"body": body})
            if not made and canned.body == DEMO_CANNED_BEFORE[name, language]:
                canned.body = body
                canned.save(update_fields=["body"])
                canned_responses_changed()
        filed = []
        if not creator.filed_cases.exists():
            studio = Organisation.objects.get(name=DEMO_ORGANISATION[0])
            filed = [case_submit(filer=creator, draft=draft)
                     for draft in demo_drafts(organisation_id=studio.pk)]
        # A year of finished cases by another account, for the transparency report.
        call_command("seed_transparency_demo", allow_production=True, stdout=self.stdout)
        return filed


# The e-mail that carries a desk reply greets the filer itself: the texts do not. They say
# what the desk did after reviewing the case, in the glossary's words; {work_titles} comes
# quoted and listed as the response's language writes them.
DEMO_CANNED = [
    ("Output removed", "en",
     "Thank you for your notice {reference}. Having reviewed it, we have removed the output "
     "concerned and blocked prompts that produce outputs similar to {work_titles}. Our "
     "decision, with its statement of reasons, will follow."),
    ("Output removed", "ja",
     "侵害申立て（受付番号：{reference}）をいただき、ありがとうございます。内容を確認した結果、"
     "該当の生成物を削除し、{work_titles}に類似した生成物が出力されるプロンプトをブロックしました。"
     "判断の内容と判断理由は、追ってお知らせいたします。"),
    ("More information needed", "en",
     "To assess {reference}, we need the exact time in the video at which the part similar "
     "to {work_titles} appears. Please reply on the case page."),
    ("More information needed", "ja",
     "本件（受付番号：{reference}）を確認するため、動画の中で{work_titles}に類似した部分が"
     "映っている正確な時刻をお知らせください。ご返信は、ケースのページからお願いいたします。"),
]

# The texts as earlier demos wrote them (greeting the filer a second time): a row still
# holding one is brought up to date; a row an operator has edited is left as it is.
DEMO_CANNED_BEFORE = {
    ("Output removed", "en"):
        "Dear {filer_name},\n\nThank you for your notice {reference}. We have removed the "
        "output and blocked prompts that reproduce {work_titles}. A decision with its "
        "reasons follows.",
    ("Output removed", "ja"):
        "{filer_name} 様\n\n申立て（{reference}）をありがとうございます。該当の生成物を削除し、"
        "{work_titles} を再現するプロンプトをブロックしました。"
        "理由を付した判断を追ってお送りします。",
    ("More information needed", "en"):
        "Dear {filer_name},\n\nTo assess {reference} we need the exact time in the video "
        "where {work_titles} appears. Please reply on the case page.",
    ("More information needed", "ja"):
        "{filer_name} 様\n\n{reference} の確認のため、{work_titles} が現れる動画内の正確な時刻を"
        "ケースページからお知らせください。",
}


def demo_drafts(*, organisation_id):
    return [
        CaseDraft(kind="output_complaint", title="生成動画が「星野アキ」を再現している",
                  language="ja", organisation_id=organisation_id, ai_product="DreamReel video",
                  law="japan",
                  ai_model="reel-2",
                  similarity="キャラクターの顔、髪型、衣装がそのまま再現されています。",
                  remedies=["remove_output", "block_prompts"], good_faith_statement=True,
                  accuracy_statement=True, signature="山田 花子",
                  works=[WorkData(title="星空クエスト", kind="anime",
                                  rights_holder="スタジオ星空")],
                  locations=[LocationData(url="https://dreamreel.example/v/aki-0412")]),
        CaseDraft(kind="training_objection", title="Do not train on Studio Hoshizora's catalogue",
                  language="en", organisation_id=organisation_id, whole_catalogue=True,
                  catalogue_identifiers="hoshizora.example\nHoshizora Quest (TV, 2019-2024)",
                  training_uses=["training", "fine_tuning", "style_imitation"],
                  good_faith_statement=True, accuracy_statement=True, signature="Hanako Yamada"),
        CaseDraft(kind="inquiry", title="Was Hoshizora Quest in the training data of reel-2?",
                  language="en", ai_product="DreamReel video", ai_model="reel-2",
                  accuracy_statement=True, signature="Hanako Yamada",
                  questions=["Was Hoshizora Quest (any episode) in the training data of reel-2?",
                             "If so, when will it be removed from future training runs?"]),
    ]
