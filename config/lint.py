"""An import-linter contract type of Kotae's own (see [tool.importlinter] in pyproject.toml).

import-linter can forbid an external package only as a whole (`django`), not a part of it
(`django.db`), since grimp keeps one node per external package. `domain/` may use Django's
translation helpers but not its ORM, so this contract reads each import statement of the
source modules and refuses the named parts (`django.db`, `django.contrib`, ...)."""
import ast

from importlinter import Contract, ContractCheck, fields, output


def _imported_names(line: str) -> set[str]:
    """The dotted names an import statement brings in: `from django import db` names
    both `django` and `django.db`."""
    try:
        tree = ast.parse(line.strip())
    except SyntaxError:  # a statement continued on the next line: read what is here
        tree = ast.parse(line.strip().rstrip("(\\") + " _" if "(" in line or "\\" in line
                         else "pass")
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


class ForbiddenPartsContract(Contract):
    """`source_modules` (with their descendants) import none of `forbidden_parts`."""

    type_name = "forbidden_parts"

    source_modules = fields.ListField(subfield=fields.ModuleField())
    forbidden_parts = fields.ListField(subfield=fields.StringField())

    def check(self, graph, verbose: bool) -> ContractCheck:
        found = []
        for source in self.source_modules:
            for module in sorted({source.name} | graph.find_descendants(source.name)):
                for imported in sorted(graph.find_modules_directly_imported_by(module)):
                    for detail in graph.get_import_details(importer=module, imported=imported):
                        names = _imported_names(detail["line_contents"])
                        bad = sorted(part for part in self.forbidden_parts for name in names
                                     if name == part or name.startswith(part + "."))
                        if bad:
                            found.append((module, detail["line_number"],
                                          detail["line_contents"], bad[0]))
        return ContractCheck(kept=not found, metadata={"found": found})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for module, line_number, line, part in check.metadata["found"]:
            output.print_error(f"{module}:{line_number} imports {part}: {line.strip()}")
            output.new_line()
