# Layer 1 (base): the schema validator's checks of every keyword when a schema is loaded; no bpy.
"""schema_lite checks every keyword of a schema once, when it loads it, so validation never meets a
surprise: check_schema() walks a schema and refuses (SchemaError, naming the file and the place) any
keyword schema_lite does not know and any value it could not apply the way Ajv does.

A keyword gets its support in two places: its check here (KEYWORD_CHECKS) and what it does to the
data in schema_run.py.
"""

from .json_formats import FORMATS
from .json_values import TYPES, is_integer, is_number, pointer_escape, show

__all__ = ["SchemaError", "check_schema", "KEYWORD_CHECKS"]

# Keywords that never change a verdict.
ANNOTATIONS = frozenset(["title", "description", "default", "$schema", "$id", "examples", "$comment"])
# Keywords whose value is a map of name -> schema that only $ref reaches.
CONTAINERS = frozenset(["$defs", "definitions"])


class SchemaError(Exception):
    """A schema schema_lite cannot apply faithfully (unknown keyword, bad value, dangling $ref)."""


def _where(doc_id, pointer):
    return "%s#%s" % (doc_id, pointer)


def _need(cond, doc_id, pointer, what):
    if not cond:
        raise SchemaError("%s: %s" % (_where(doc_id, pointer), what))


def _is_count(value):
    return is_integer(value) and value >= 0


def check_schema(reg, node, doc_id, pointer):
    """Checks the schema `node` at `pointer` in the file `doc_id` of the Registry `reg`, and all below it."""
    if isinstance(node, bool):
        return
    _need(isinstance(node, dict), doc_id, pointer, "a schema must be an object or a boolean")
    for key, value in node.items():
        here = pointer + "/" + pointer_escape(key)
        if key == "$id":
            _need(pointer == "", doc_id, here, "$id is only supported at the top of a file")
        elif key in ANNOTATIONS:
            pass
        elif key in CONTAINERS:
            _need(isinstance(value, dict), doc_id, here, "%s must be an object" % key)
            for name, sub in value.items():
                check_schema(reg, sub, doc_id, here + "/" + pointer_escape(name))
        elif key in KEYWORD_CHECKS:
            KEYWORD_CHECKS[key](reg, value, doc_id, here)
        else:
            raise SchemaError(
                "%s: unknown keyword %s; schema_lite refuses schemas it cannot check faithfully "
                "(add support for it in blender-addon/rfam/schema_checks.py and schema_run.py)"
                % (_where(doc_id, here), show(key)))


def _check_schema_map(reg, value, doc_id, here):
    _need(isinstance(value, dict), doc_id, here, "must be an object of schemas")
    for name, sub in value.items():
        check_schema(reg, sub, doc_id, here + "/" + pointer_escape(name))


def _check_schema_list(reg, value, doc_id, here):
    _need(isinstance(value, list) and value, doc_id, here, "must be a non-empty array of schemas")
    for n, sub in enumerate(value):
        check_schema(reg, sub, doc_id, "%s/%d" % (here, n))


def _check_ref(reg, value, doc_id, here):
    _need(isinstance(value, str), doc_id, here, "$ref must be a string")
    try:
        reg.resolve(value, doc_id)
    except SchemaError as err:
        raise SchemaError("%s: %s" % (_where(doc_id, here), err))


def _check_type(_reg, value, doc_id, here):
    names = value if isinstance(value, list) else [value]
    _need(names and all(isinstance(n, str) and n in TYPES for n in names), doc_id, here,
          "type must be one of %s or an array of them" % ", ".join(sorted(TYPES)))


def _check_pattern(reg, value, doc_id, here):
    _need(isinstance(value, str), doc_id, here, "pattern must be a string")
    try:
        reg.pattern(value)
    except SchemaError as err:
        raise SchemaError("%s: %s" % (_where(doc_id, here), err))


def _check_count(_reg, value, doc_id, here):
    _need(_is_count(value), doc_id, here, "must be a non-negative integer")


def _check_number(_reg, value, doc_id, here):
    _need(is_number(value), doc_id, here, "must be a number")


def _check_format(_reg, value, doc_id, here):
    _need(value in FORMATS, doc_id, here,
          "format %s is not supported (known: %s)" % (show(value), ", ".join(sorted(FORMATS))))


def _check_required(_reg, value, doc_id, here):
    _need(isinstance(value, list) and all(isinstance(v, str) for v in value), doc_id, here,
          "required must be an array of strings")


def _check_enum(_reg, value, doc_id, here):
    _need(isinstance(value, list) and value, doc_id, here, "enum must be a non-empty array")


def _check_bool(_reg, value, doc_id, here):
    _need(isinstance(value, bool), doc_id, here, "must be true or false")


def _check_items(reg, value, doc_id, here):
    _need(not isinstance(value, list), doc_id, here, "items as an array (tuples) is not supported")
    check_schema(reg, value, doc_id, here)


def _check_subschema(reg, value, doc_id, here):
    check_schema(reg, value, doc_id, here)


KEYWORD_CHECKS = {
    "$ref": _check_ref,
    "type": _check_type,
    "enum": _check_enum,
    "const": lambda reg, value, doc_id, here: None,
    "properties": _check_schema_map,
    "required": _check_required,
    "additionalProperties": _check_subschema,
    "propertyNames": _check_subschema,
    "minProperties": _check_count,
    "maxProperties": _check_count,
    "items": _check_items,
    "minItems": _check_count,
    "maxItems": _check_count,
    "uniqueItems": _check_bool,
    "minimum": _check_number,
    "maximum": _check_number,
    "exclusiveMinimum": _check_number,
    "exclusiveMaximum": _check_number,
    "minLength": _check_count,
    "maxLength": _check_count,
    "pattern": _check_pattern,
    "format": _check_format,
    "anyOf": _check_schema_list,
    "oneOf": _check_schema_list,
    "allOf": _check_schema_list,
    "not": _check_subschema,
}
