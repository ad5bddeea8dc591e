"""OpenAPI post-processing (drf-spectacular POSTPROCESSING_HOOKS) so the schema says what
the API really answers:

- every operation documents its refusals: 400 (validation, per-field messages), 401,
  403, 404, 409 (illegal transition / conflict) and 429, with the `{"detail", "code"}` body
  of aftersales.api.exception_handler;
- in responses, a choice stored blank ("" for "not set", e.g. hold_reason, outcome) is
  allowed next to its enum, and an optional e-mail may be "" (requests stay strict);
- request bodies are documented as JSON, plus multipart only where a file is uploaded: the
  form encodings cannot carry null, numbers or booleans, so their schema would promise more
  than a form can say (the parsers still accept forms);
- an empty optional query parameter means "not filtered" (django-filter and the cursor
  pagination read it so, as do DRF serializers reading a query): `allowEmptyValue`.
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


FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _has_file(schema, components, seen=()):
    if not isinstance(schema, dict):
        return False
    ref = schema.get("$ref", "")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        return name not in seen and _has_file(components.get(name), components, (*seen, name))
    if schema.get("format") == "binary":
        return True
    children = [*schema.get("properties", {}).values(), schema.get("items")]
    for keyword in ("allOf", "anyOf", "oneOf"):
        children += schema.get(keyword, [])
    return any(_has_file(child, components, seen) for child in children)


def _document_bodies(operation, components):
    content = operation.get("requestBody", {}).get("content", {})
    json_body = content.get("application/json")
    if json_body is not None and not _has_file(json_body.get("schema"), components):
        for media_type in FORMS:
            content.pop(media_type, None)


def _empty_query_values(operation):
    for parameter in operation.get("parameters", []):
        if parameter.get("in") == "query" and not parameter.get("required"):
            parameter["allowEmptyValue"] = True


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
            _document_bodies(operation, components)
            _empty_query_values(operation)
            for code, description in REFUSALS.items():
                operation["responses"].setdefault(code, {
                    "description": description,
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                })
    return result
