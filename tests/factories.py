"""Factories for the suite. Cases are filed through the real service, as users do."""
from datetime import timedelta

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Language, Organisation, Role, User
from accounts.services import roles_ensure, user_role_set
from complaints.domain.status import Status
from complaints.models import Case, Deadline
from complaints.services.cases import CaseDraft, LocationData, WorkData, case_submit

# The smallest valid PNG: a 1x1 transparent pixel.
PNG_BYTES = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"creator{n}@example.com")
    display_name = factory.Sequence(lambda n: f"Creator {n}")
    language = Language.ENGLISH
    time_zone = "Asia/Tokyo"
    email_verified = True
    password = factory.django.Password("pw-for-tests-1")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Studio {n}")


def staff_user(role: str = Role.OPERATOR, **kwargs) -> User:
    roles_ensure()
    user = UserFactory(**kwargs)
    return user_role_set(user=user, role=role)


def png_upload(name: str = "frame.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


# A notice under US law gives where the filer and the principal can be reached.
US_CONTACT = dict(filer_postal_address="東京都渋谷区神宮前1-2-3",
                  filer_phone="+81 3-1234-5678",
                  principal_postal_address="東京都港区六本木4-5-6",
                  principal_phone="+81 3-8765-4321")


def complaint_draft(**overrides) -> CaseDraft:
    values = dict(
        kind="output_complaint",
        title="Video copies our character",
        law="us_dmca",
        ai_product="DreamReel video",
        ai_model="reel-2",
        similarity="The character design and the opening scene are copied.",
        remedies=["remove_output"],
        good_faith_statement=True,
        accuracy_statement=True,
        signature="Hanako Yamada",
        **US_CONTACT,
        works=[WorkData(title="Hoshizora Quest", kind="anime", rights_holder="Studio Hoshizora")],
        locations=[LocationData(url="https://dreamreel.example/v/abc123")],
    )
    values.update(overrides)
    if values["kind"] != "output_complaint" and "law" not in overrides:
        values["law"] = ""  # only a complaint must name its law; other kinds may not
    return CaseDraft(**values)


def file_case(filer=None, uploads=(), **overrides):
    filer = filer or UserFactory()
    return case_submit(filer=filer, draft=complaint_draft(**overrides), uploads=uploads)


def due_cases(count: int, *, filer, assignee=None) -> list[int]:
    """`count` open cases whose decision clock passed a minute ago, written in bulk
    (for sweeps over many clocks; filing each through the service would take minutes)."""
    now = timezone.now()
    start = (Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    cases = [
        Case(pk=pk, reference=f"KT-2026-{pk:06d}", kind="output_complaint",
             status=Status.IN_REVIEW, title=f"Scene {pk} copied", language="en",
             filer=filer, assignee=assignee, submitted_at=now - timedelta(days=20))
        for pk in range(start, start + count)
    ]
    Case.objects.bulk_create(cases)
    Deadline.objects.bulk_create(
        Deadline(case_id=case.pk, clock="decision", started_at=now - timedelta(days=20),
                 due_at=now - timedelta(minutes=1), next_check_at=now - timedelta(minutes=1))
        for case in cases
    )
    return [case.pk for case in cases]
