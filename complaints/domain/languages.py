"""The language a notice is written in (ISO 639-1), apart from the language the filer
wants answers in (Case.language: ja or en). A notice may arrive in any language.

The list is Django's own (`django.conf.locale.LANG_INFO`, kept up to date with each
release), its two-letter codes, plus Chinese, which Django lists only by script. Labels
are said in the reader's language where Django's catalogue knows them.
"""
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Django names Chinese by script only (zh-hans, zh-hant), and its catalogue leaves
# "Norwegian" untranslated: ours says them.
_EXTRA = {"zh": _("Chinese"), "no": _("Norwegian")}
NOTICE_LANGUAGES: tuple[str, ...] = tuple(sorted(
    {code for code, info in LANG_INFO.items() if len(code) == 2 and "name" in info}
    | set(_EXTRA)))

ERROR_NOTICE_LANGUAGE = _("Choose the language of the notice from the list (an ISO 639-1 "
                          "code such as ja, en or zh).")


def notice_language_label(code: str) -> str:
    """The language's name in the reader's language (Django's catalogue), else its code."""
    if code in _EXTRA:
        return str(_EXTRA[code])
    info = LANG_INFO.get(code)
    return gettext(info["name"]) if info and "name" in info else code


def notice_language_choices() -> list[tuple[str, str]]:
    """Every language a notice may be in, by name in the reader's language."""
    return sorted(((code, notice_language_label(code)) for code in NOTICE_LANGUAGES),
                  key=lambda choice: choice[1])


def notice_language_errors(code: str) -> dict[str, list[str]]:
    """Empty where the code is known (or not given: the answer language is taken)."""
    if not code or code in NOTICE_LANGUAGES:
        return {}
    return {"notice_language": [str(ERROR_NOTICE_LANGUAGE)]}
