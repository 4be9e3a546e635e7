"""Touches to the generated OpenAPI schema that drf-spectacular cannot infer."""
import re


def request_bodies_required(result, generator, request, public):
    """A body that is one of several kinds (a new case) must be sent: say so."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            if not body:
                continue
            schemas = [media.get("schema", {}) for media in body.get("content", {}).values()]
            if any("oneOf" in schema or "$ref" in schema for schema in schemas):
                ref_required = all(_has_required(result, schema) for schema in schemas)
                if ref_required:
                    body["required"] = True
    return result


def _has_required(result, schema) -> bool:
    if "oneOf" in schema:
        return True
    name = schema.get("$ref", "").rsplit("/", 1)[-1]
    component = result.get("components", {}).get("schemas", {}).get(name, {})
    return bool(component.get("required")) or "oneOf" in component


def objection_names_works_or_catalogue(result, generator, request, public):
    """A training objection names at least one work, or covers the whole catalogue (the
    domain's rule, complaints/domain/kinds.py): OpenAPI 3.0 says it with anyOf."""
    component = result.get("components", {}).get("schemas", {}).get(
        "TrainingObjectionInRequest")
    if component and "works" in component.get("properties", {}):
        component["anyOf"] = [
            {"required": ["works"], "properties": {"works": {"minItems": 1}}},
            {"required": ["catalogue"]},
        ]
    return result


# What config/middleware.py refuses before any view (a 400): said in the schema, so a
# client (and schemathesis) knows a query or path value holds no NUL and stays short.
# (The middleware refuses lone surrogates too, but no URL can carry one in UTF-8, so the
# pattern leaves them out: with the range `\ud800-\udfff` in the negated class, the
# generator schemathesis uses made values with a NUL in about 2 in 100, the rare failure
# of test_schemathesis.py; without it, none in 3,000.)
NO_NUL = r"^[^\x00]*$"
MAX_VALUE = 4096


def parameters_hold_no_nul(result, generator, request, public):
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                if parameter.get("in") not in ("query", "path") or schema.get("type") != "string":
                    continue
                if "enum" in schema or "format" in schema:
                    continue
                schema.setdefault("pattern", NO_NUL)
                schema.setdefault("maxLength", MAX_VALUE)
    return result


def filing_rules_beyond_fields(result, generator, request, public):
    """The domain's filing rules that tie one field to another, said in the schema where
    a client generator still reads it. (A US notice's contact details, required by `law`,
    are said in their descriptions: an anyOf on the complaint's body made generated
    clients lose the body's model.)"""
    return objection_names_works_or_catalogue(result, generator, request, public)


# drf-spectacular writes a text field that may be blank and has a pattern as
# `oneOf: [its schema, {"type": "string", "maxLength": 0}]`. Where its own schema already
# takes "" (a pattern such as NO_NUL, no minLength), "" matches both branches and so, by
# `oneOf`, neither: the schema refused the "" the field takes, and a body leaving such a
# field blank (`{"kind": "inquiry", "postal_address": ""}`, a draft's commonest) was
# "invalid" yet accepted. Such a field is its own schema.
BLANK = {"type": "string", "maxLength": 0}


def _takes_blank(schema: dict) -> bool:
    return (schema.get("type") == "string" and not schema.get("minLength")
            and "format" not in schema and "enum" not in schema
            and re.search(schema.get("pattern", ""), "") is not None)


def _one_text_schema(node):
    if isinstance(node, dict):
        branches = node.get("oneOf")
        if isinstance(branches, list) and len(branches) == 2 and branches[1] == BLANK \
                and isinstance(branches[0], dict) and _takes_blank(branches[0]):
            node.pop("oneOf")
            node.update(branches[0])
        for value in node.values():
            _one_text_schema(value)
    elif isinstance(node, list):
        for value in node:
            _one_text_schema(value)


def blank_text_is_one_schema(result, generator, request, public):
    _one_text_schema(result)
    return result


def draft_change_fits_its_kind(result, generator, request, public):
    """A change of a draft names no kind: it is checked as the draft's kind's, so the body
    is any one of the kinds' changes (complaints.api.drafts.DRAFT_CHANGE_SCHEMA), which
    OpenAPI says with anyOf (drf-spectacular writes oneOf)."""
    for name, component in result.get("components", {}).get("schemas", {}).items():
        if name.endswith("DraftChangeRequest") and "oneOf" in component \
                and "discriminator" not in component:
            component["anyOf"] = component.pop("oneOf")
    return result
