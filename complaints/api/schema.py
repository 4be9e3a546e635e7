"""Touches to the generated OpenAPI schema that drf-spectacular cannot infer."""


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


# A visible character somewhere: what the domain calls "not blank" (as `signature` says).
_NOT_BLANK = {"type": "string", "minLength": 1, "pattern": (
    r"^[^\u0000]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f"
    r"\u3000\ufeff][^\u0000]*$")}


def us_notices_give_contact_details(result, generator, request, public):
    """A notice under US law gives the filer's postal address and phone, and the
    principal's when an agent files (DMCA 512(c)(3)(A)(iv); complaints/domain/kinds.py):
    OpenAPI 3.0 says it with anyOf, beside any anyOf a body already has."""
    schemas = result.get("components", {}).get("schemas", {})
    contact = {"required": ["postal_address", "phone"],
               "properties": {"postal_address": _NOT_BLANK, "phone": _NOT_BLANK}}
    for name in ("OutputComplaintInRequest", "TrainingObjectionInRequest"):
        component = schemas.get(name)
        if not component or "law" not in component.get("properties", {}):
            continue
        others = [law for law in component["properties"]["law"].get("enum", [])
                  if law != "us_dmca"] or ["eu_dsa", "japan", "other"]
        rule = {"anyOf": [
            {"properties": {"law": {"enum": others}}},
            {"required": ["postal_address", "phone"],
             "properties": {**contact["properties"], "agent": contact}},
        ]}
        if "anyOf" in component:
            component["allOf"] = [{"anyOf": component.pop("anyOf")}, rule]
        else:
            component.update(rule)
    return result


def filing_rules_beyond_fields(result, generator, request, public):
    """The domain's filing rules that tie one field to another, said in the schema."""
    result = objection_names_works_or_catalogue(result, generator, request, public)
    return us_notices_give_contact_details(result, generator, request, public)
