"""An import-linter contract type of Kotae's own (see [tool.importlinter] in pyproject.toml).

import-linter can forbid an external package only as a whole (`django`), not a part of it
(`django.db`), since grimp keeps one node per external package. `domain/` may use Django's
translation helpers but not its ORM, so this contract reads the import statements of each
source module (its own source, so an import spread over several lines counts whole) and
refuses the named parts (`django.db`, `django.contrib`, ...)."""
import ast
import importlib.util

from importlinter import Contract, ContractCheck, fields, output


def _imports(module: str) -> list[tuple[int, str]]:
    """(line, dotted name) of everything the module imports: `from django import db`
    names both `django` and `django.db`."""
    spec = importlib.util.find_spec(module)
    with open(spec.origin, encoding="utf-8") as source:
        tree = ast.parse(source.read(), filename=spec.origin)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


class ForbiddenPartsContract(Contract):
    """`source_modules` (with their descendants) import none of `forbidden_parts`."""

    type_name = "forbidden_parts"

    source_modules = fields.ListField(subfield=fields.ModuleField())
    forbidden_parts = fields.ListField(subfield=fields.StringField())

    def check(self, graph, verbose: bool) -> ContractCheck:
        found = []
        for source in self.source_modules:
            for module in sorted({source.name} | graph.find_descendants(source.name)):
                for line, name in _imports(module):
                    for part in self.forbidden_parts:
                        if name == part or name.startswith(part + "."):
                            found.append((module, line, name, part))
        return ContractCheck(kept=not found, metadata={"found": sorted(set(found))})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for module, line, name, part in check.metadata["found"]:
            output.print_error(f"{module}:{line} imports {name} (no {part} here)")
            output.new_line()
