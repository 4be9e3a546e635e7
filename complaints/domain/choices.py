"""Values with a translated label, like Django's TextChoices but plain Python, so that the
domain's rules need no ORM. A model field takes `Status.choices` as it would Django's."""
import enum


class ChoicesType(enum.EnumType):
    @property
    def choices(cls) -> list[tuple[str, str]]:
        return [(member.value, member.label) for member in cls]

    @property
    def values(cls) -> list[str]:
        return [member.value for member in cls]

    @property
    def labels(cls) -> list[str]:
        return [member.label for member in cls]

    @property
    def names(cls) -> list[str]:
        return [member.name for member in cls]

    def __contains__(cls, value) -> bool:
        """`"submitted" in Status`, as with Django's choices (Python 3.11's enums raise)."""
        return isinstance(value, str) and value in cls._value2member_map_


class Choices(enum.StrEnum, metaclass=ChoicesType):
    """`NAME = "value", _("Label")`: the value is stored, the label is shown."""

    def __new__(cls, value: str, label):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    # Django's templates would call an enum class; they must read it instead.
    do_not_call_in_templates = enum.nonmember(True)
