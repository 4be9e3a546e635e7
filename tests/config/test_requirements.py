"""Production installs requirements.txt alone: no test or development tool is in it
(issue 16: playwright, schemathesis and hypothesis were installed in production)."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOOLS = {"pytest", "pytest-django", "pytest-xdist", "pytest-timeout", "playwright",
         "schemathesis", "hypothesis", "factory-boy", "ruff", "import-linter", "grimp",
         "aiosmtpd", "openapi-python-client", "moto"}


def names(path: Path) -> set[str]:
    found = set()
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            found.add(re.split(r"[\[=<>~! ]", line, maxsplit=1)[0].lower())
    return found


def test_production_requirements_hold_no_test_tool():
    assert not names(ROOT / "requirements.txt") & TOOLS


def test_the_dev_requirements_add_the_tools_to_production():
    dev = ROOT / "requirements-dev.txt"
    assert "-r requirements.txt" in dev.read_text().splitlines()
    assert {"pytest", "playwright", "schemathesis", "hypothesis"} <= names(dev)
    assert not names(dev) & names(ROOT / "requirements.txt")  # each pinned in one place
