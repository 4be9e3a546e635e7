"""The language a notice is written in (ISO 639-1), apart from the language the filer
wants answers in (Case.language: ja or en). A notice may arrive in any language.

The list is the whole of ISO 639-1 (183 two-letter codes). A language Django knows
(`django.conf.locale.LANG_INFO`) is named by Django's catalogue; the others, and Chinese
and Norwegian (which Django names by script, or leaves untranslated), by ours, so every
one is said in Japanese and in English. No three-letter codes (ISO 639-3): no library
here keeps that list, and a hand-kept copy of 7,000 names would go stale.

One rule for every channel (portal, API, desk): "" is "not given", and a notice that
does not say what it is written in is taken to be in the language it was written in
where that is known (`notice_language_recorded`).
"""
from django.conf.locale import LANG_INFO
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# The ISO 639-1 languages that Django does not name, or names in a way ours replaces.
_OURS = {
    "aa": _("Afar"), "ab": _("Abkhazian"), "ae": _("Avestan"), "ak": _("Akan"),
    "am": _("Amharic"), "an": _("Aragonese"), "as": _("Assamese"), "av": _("Avaric"),
    "ay": _("Aymara"), "ba": _("Bashkir"), "bi": _("Bislama"), "bm": _("Bambara"),
    "bo": _("Tibetan"), "ce": _("Chechen"), "ch": _("Chamorro"), "co": _("Corsican"),
    "cr": _("Cree"), "cu": _("Church Slavonic"), "cv": _("Chuvash"), "dv": _("Divehi"),
    "dz": _("Dzongkha"), "ee": _("Ewe"), "ff": _("Fula"), "fj": _("Fijian"),
    "fo": _("Faroese"), "gn": _("Guarani"), "gu": _("Gujarati"), "gv": _("Manx"),
    "ha": _("Hausa"), "ho": _("Hiri Motu"), "ht": _("Haitian Creole"), "hz": _("Herero"),
    "ie": _("Interlingue"), "ii": _("Sichuan Yi"), "ik": _("Inupiaq"),
    "iu": _("Inuktitut"), "jv": _("Javanese"), "kg": _("Kongo"), "ki": _("Kikuyu"),
    "kj": _("Kuanyama"), "kl": _("Greenlandic"), "kr": _("Kanuri"), "ks": _("Kashmiri"),
    "ku": _("Kurdish"), "kv": _("Komi"), "kw": _("Cornish"), "la": _("Latin"),
    "lg": _("Luganda"), "li": _("Limburgish"), "ln": _("Lingala"), "lo": _("Lao"),
    "lu": _("Luba-Katanga"), "mg": _("Malagasy"), "mh": _("Marshallese"),
    "mi": _("Maori"), "mt": _("Maltese"), "na": _("Nauruan"), "nd": _("North Ndebele"),
    "nb": _("Norwegian Bokmål"), "ng": _("Ndonga"), "no": _("Norwegian"),
    "nr": _("South Ndebele"), "nv": _("Navajo"),
    "ny": _("Chichewa"), "oc": _("Occitan"), "oj": _("Ojibwe"), "om": _("Oromo"),
    "or": _("Odia"), "pi": _("Pali"), "ps": _("Pashto"), "qu": _("Quechua"),
    "rm": _("Romansh"), "rn": _("Kirundi"), "rw": _("Kinyarwanda"), "sa": _("Sanskrit"),
    "sc": _("Sardinian"), "sd": _("Sindhi"), "se": _("Northern Sami"), "sg": _("Sango"),
    "si": _("Sinhala"), "sm": _("Samoan"), "sn": _("Shona"), "so": _("Somali"),
    "ss": _("Swazi"), "st": _("Southern Sotho"), "su": _("Sundanese"),
    "ti": _("Tigrinya"), "tl": _("Tagalog"), "tn": _("Tswana"), "to": _("Tongan"),
    "ts": _("Tsonga"), "tw": _("Twi"), "ty": _("Tahitian"), "ve": _("Venda"),
    "vo": _("Volapük"), "wa": _("Walloon"), "wo": _("Wolof"), "xh": _("Xhosa"),
    "yi": _("Yiddish"), "yo": _("Yoruba"), "za": _("Zhuang"), "zh": _("Chinese"),
    "zu": _("Zulu"),
}
_DJANGOS = {code: info["name"] for code, info in LANG_INFO.items()
            if len(code) == 2 and "name" in info and code not in _OURS}
NOTICE_LANGUAGES: tuple[str, ...] = tuple(sorted({*_DJANGOS, *_OURS}))

ERROR_NOTICE_LANGUAGE = _("Choose the language of the notice from the list (an ISO 639-1 "
                          "code such as ja, en or zh).")
NOT_RECORDED = _("Not recorded")


def notice_language_label(code: str) -> str:
    """The language's name in the reader's language; "Not recorded" for none."""
    if not code:
        return str(NOT_RECORDED)
    if code in _OURS:
        return str(_OURS[code])
    return gettext(_DJANGOS[code]) if code in _DJANGOS else code


def notice_language_choices() -> list[tuple[str, str]]:
    """Every language a notice may be in, by name in the reader's language."""
    return sorted(((code, notice_language_label(code)) for code in NOTICE_LANGUAGES),
                  key=lambda choice: choice[1])


def notice_language_errors(code: str) -> dict[str, list[str]]:
    """Empty where the code is known, or not given ("" or None)."""
    if not code or code in NOTICE_LANGUAGES:
        return {}
    return {"notice_language": [str(ERROR_NOTICE_LANGUAGE)]}


def notice_language_recorded(stated: str | None, written_in: str) -> str:
    """What a case records: the language the filer stated, else ("" or left out) the
    language the notice was written in where the channel knows it (the portal's page
    language, an owner's counter-notice page; the API's `language`, as its schema says),
    else "" (not recorded)."""
    return stated or written_in or ""
