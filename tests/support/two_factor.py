"""A real second factor for tests that log staff in through the login form: a confirmed
authenticator-app device and the codes that app would show (django_otp.oath.totp), the
same arithmetic as a phone's. Client.force_login needs none of this (the test settings'
ForceLoginPassesSecondFactor)."""
import time

from django_otp.oath import TOTP, hotp
from django_otp.plugins.otp_totp.models import TOTPDevice


def totp_device_enrolled(user) -> TOTPDevice:
    """The user's confirmed device, made as enrolment would have made it if there is none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator app",
                                               confirmed=True, tolerance=1)


def totp_code(device: TOTPDevice, *, steps: int = 0) -> str:
    """The code the phone shows now (or `steps` time steps from now). A code is accepted
    once: when this step's was used already, the next step's (within the tolerance of
    one step) is given instead, as the phone would show it a moment later."""
    device.refresh_from_db()
    counter = (int(time.time()) - device.t0) // device.step + steps
    if steps == 0 and counter <= device.last_t:
        counter = device.last_t + 1
    return f"{hotp(device.bin_key, counter, digits=device.digits):0{device.digits}d}"


def totp_code_from_secret(secret: str) -> str:
    """What an app shows for a secret typed in by hand (spaces as the page groups it)."""
    from base64 import b32decode

    key = "".join(secret.split()).upper()
    key += "=" * (-len(key) % 8)
    clock = TOTP(b32decode(key))
    clock.time = time.time()
    return f"{clock.token():06d}"
