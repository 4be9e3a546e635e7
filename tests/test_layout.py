"""The house of ../shared/LAYOUT.md, checked: no import circle anywhere in Kotae's own
code, no module too long to read in one sitting, and import-linter's contracts kept
(`make lint` runs the same contracts)."""
import pathlib
import sys

import grimp
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGES = ("complaints", "accounts", "config")
MAX_LINES = 500


def _cycles(graph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan, iterative)."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []
    for start in sorted(graph.modules):
        if start in index:
            continue
        work = [(start, iter(sorted(graph.find_modules_directly_imported_by(start))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            module, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(
                        graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[module] = min(low[module], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[module])
            if low[module] == index[module]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == module:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


@pytest.fixture(scope="module")
def graph():
    sys.path.insert(0, str(ROOT))
    return grimp.build_graph(*PACKAGES, cache_dir=None)


def test_no_import_circle_among_kotaes_modules(graph):
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_circle(graph):
    graph.add_import(importer="complaints.domain.status", imported="complaints.models.cases")
    try:
        assert ["complaints.domain.status", "complaints.models.cases"] in _cycles(graph)
    finally:
        graph.remove_import(importer="complaints.domain.status",
                            imported="complaints.models.cases")


def test_no_module_over_500_lines():
    long = {}
    for package in (*PACKAGES, "tests"):
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > MAX_LINES:
                long[str(path.relative_to(ROOT))] = lines
    assert long == {}


def test_import_linter_contracts_are_kept(monkeypatch):
    from importlinter.cli import lint_imports

    monkeypatch.chdir(ROOT)
    assert lint_imports(no_cache=True, no_logo=True) == 0


def test_the_domain_contract_reads_an_import_spread_over_lines(tmp_path, monkeypatch):
    from config.lint import _imports

    (tmp_path / "spread_import.py").write_text(
        "from django import (\n    db,\n)\nfrom django.utils import translation\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    names = {name for _line, name in _imports("spread_import")}
    assert "django.db" in names and "django.utils.translation" in names
