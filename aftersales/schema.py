"""OpenAPI post-processing (drf-spectacular POSTPROCESSING_HOOKS) so the schema says what
the API really answers:

- every operation documents its refusals: 400 (validation, per-field messages), 401,
  403, 404, 409 (illegal transition / conflict) and 429, with the `{"detail", "code"}` body
  of aftersales.api.exception_handler;
- in responses, a choice stored blank ("" for "not set", e.g. hold_reason, outcome) is
  allowed next to its enum, and an optional e-mail may be "" (requests stay strict).
"""
ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}, "code": {"type": "string"}},
    "additionalProperties": True,
    "description": "A refusal: `detail` and `code`; a validation error lists messages per field.",
}
REFUSALS = {
    "400": "Bad input: messages per field, or `detail` for a body that cannot be parsed.",
    "401": "Not signed in (no or bad token/session).",
    "403": "Signed in, but this role may not do this.",
    "404": "No such record, or not one this user may see.",
    "409": "Not possible in the record's current state (illegal transition, conflict).",
    "429": "Too many requests (sign-in throttling).",
}


def _blank_ok(prop):
    if "$ref" in prop and prop["$ref"].endswith("Enum"):
        return {"oneOf": [{"$ref": prop["$ref"]}, {"type": "string", "enum": [""]}], **{
            k: v for k, v in prop.items() if k != "$ref"}}
    if prop.get("format") == "email":
        return {**{k: v for k, v in prop.items() if k != "format"},
                "anyOf": [{"format": "email"}, {"maxLength": 0}]}
    if "allOf" in prop and len(prop["allOf"]) == 1 and prop["allOf"][0].get("$ref", "").endswith("Enum"):
        rest = {k: v for k, v in prop.items() if k != "allOf"}
        return {"oneOf": [prop["allOf"][0], {"type": "string", "enum": [""]}], **rest}
    return prop


def _walk_response(schema):
    for name, prop in list(schema.get("properties", {}).items()):
        schema["properties"][name] = _blank_ok(prop)
        if prop.get("type") == "array" and isinstance(prop.get("items"), dict):
            prop["items"] = _blank_ok(prop["items"])


def postprocess(result, generator, request, public):
    components = result.get("components", {}).setdefault("schemas", {})
    components.setdefault("Error", ERROR)
    for name, schema in components.items():
        if not name.endswith("Request") and name != "Error":
            _walk_response(schema)
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, description in REFUSALS.items():
                operation["responses"].setdefault(code, {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                })
    return result
