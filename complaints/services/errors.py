from django.core.exceptions import ValidationError


class TransitionNotAllowed(ValidationError):
    """The case's status does not allow this step."""
