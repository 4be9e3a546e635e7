"""Compile locale/*/LC_MESSAGES/django.po to .mo with polib, so a machine with only
Python (no GNU gettext) gets its translations. `make` runs it before serving or testing."""
import sys
from pathlib import Path

import polib

BASE_DIR = Path(__file__).resolve().parent.parent


def main() -> int:
    for po_path in sorted((BASE_DIR / "locale").glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        print(f"compiled {po_path.relative_to(BASE_DIR)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
