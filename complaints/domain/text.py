"""What counts as blank, spelled out once for Python and for JSON Schema's regular
expressions (where `\\s` means other characters than in Python's)."""

SPACE = r"\x00-\x20\x7f-\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
