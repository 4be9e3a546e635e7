"""Staff two-factor: a code from an authenticator app (TOTP) and ten single-use recovery
codes, kept by django-otp's devices. Every staff account has a confirmed TOTP device and
has passed it in the session before the admin opens (config/admin.py)."""
import math
from base64 import b32encode
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
ONLY_A_SUPERUSER_RESETS = "Only a superuser may reset a person's two-factor authentication."


@dataclass(frozen=True)
class CodeCheck:
    """What a typed code did: the device that accepted it, or how long to wait first."""

    device: Device | None = None
    wait_seconds: int = 0


def totp_device_confirmed(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def totp_device_pending(user) -> TOTPDevice:
    """The unconfirmed device a staff member is enrolling. The same secret until a right
    code confirms it, so a wrong code (or a reload) loses nothing already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app",
                                           confirmed=False,
                                           tolerance=settings.KOTAE_TOTP_TOLERANCE)
    return device


def totp_secret_grouped(device: TOTPDevice) -> str:
    """The secret as an app's "enter a key" field takes it, in groups of four to type."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def _wait_seconds(device) -> int:
    """Seconds until django-otp's throttling lets this device check a code again."""
    allowed, data = device.verify_is_allowed()
    if allowed:
        return 0
    locked_until = (data or {}).get("locked_until")
    if locked_until is None:
        return 1
    return max(1, math.ceil((locked_until - timezone.now()).total_seconds()))


def _code_check(device, code: str) -> CodeCheck:
    """Inside a transaction, on a device locked for update (django-otp counts failures)."""
    wait = _wait_seconds(device)
    if wait:
        return CodeCheck(wait_seconds=wait)
    if device.verify_token(code):
        return CodeCheck(device=device)
    return CodeCheck()


def totp_enrol_confirm(*, user, code: str) -> CodeCheck:
    """A right code from the app confirms the device being enrolled."""
    with transaction.atomic():
        device = (TOTPDevice.objects.select_for_update()
                  .filter(user=user, confirmed=False).order_by("pk").first())
        if device is None or totp_device_confirmed(user) is not None:
            return CodeCheck()
        check = _code_check(device, code.strip())
        if check.device is not None:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return check


def recovery_codes_make(*, user) -> list[str]:
    """Ten new single-use recovery codes; the old ones stop working. One StaticDevice per
    user is kept (not replaced), so a session verified with a recovery code stays so."""
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        device = StaticDevice.objects.select_for_update().filter(user=user).first()
        if device is None:
            device = StaticDevice.objects.create(user=user, name="Recovery codes")
        device.token_set.all().delete()
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code)
                                        for code in codes)
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def recovery_code_normalise(code: str) -> str:
    """Codes are shown as `abcd-efgh`; typed with or without the dash, spaces or capitals."""
    return "".join(code.split()).replace("-", "").lower()


def second_factor_verify(*, user, code: str) -> CodeCheck:
    """Six digits are checked against the authenticator app (one step early or late is
    accepted, each code once); anything else against the recovery codes (each once)."""
    typed = "".join(code.split())
    is_totp = len(typed) == 6 and typed.isdigit()
    model = TOTPDevice if is_totp else StaticDevice
    with transaction.atomic():
        device = model.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            return CodeCheck()
        return _code_check(device, typed if is_totp else recovery_code_normalise(code))


def two_factor_reset(*, user, actor) -> bool:
    """A superuser removes a staff member's app and recovery codes: at their next admin
    visit they enrol again. Their sessions stop counting as verified at once."""
    if not actor.is_superuser:
        raise PermissionDenied(ONLY_A_SUPERUSER_RESETS)
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[0]
        removed += StaticDevice.objects.filter(user=user).delete()[0]
    return removed > 0
