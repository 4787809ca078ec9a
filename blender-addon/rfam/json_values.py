# Layer 1 (base): JSON values as Ajv sees them (types, equality), for the schema validator; no bpy.
"""JSON values as Ajv (fast-deep-equal, strictNumbers) sees them, for schema_lite and its modules.

Python's bool is an int and 1 == True, JSON's are not; 1.0 is an integer in JSON Schema; Infinity
and NaN are not numbers. Every type test and equality of the validator goes through here.
"""

import json
import math

TYPES = frozenset(["null", "boolean", "object", "array", "number", "string", "integer"])


def is_number(value):
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    # Ajv's strictNumbers: Infinity and NaN are not numbers.
    return isinstance(value, float) and math.isfinite(value)


def is_integer(value):
    # JSON Schema: 1.0 is an integer; Ajv checks `x % 1 == 0`.
    return is_number(value) and (isinstance(value, int) or value.is_integer())


def is_array(value):
    return isinstance(value, (list, tuple))


def type_matches(name, value):
    if name == "null":
        return value is None
    if name == "boolean":
        return isinstance(value, bool)
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return is_array(value)
    if name == "number":
        return is_number(value)
    if name == "integer":
        return is_integer(value)
    return isinstance(value, str)


def json_equal(a, b):
    """Deep equality as fast-deep-equal (Ajv) sees it: true is not 1, 1.0 is 1, key order is free."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if is_number(a) or is_number(b):
        return is_number(a) and is_number(b) and a == b
    if is_array(a) or is_array(b):
        return (is_array(a) and is_array(b) and len(a) == len(b)
                and all(json_equal(x, y) for x, y in zip(a, b)))
    if isinstance(a, dict) or isinstance(b, dict):
        return (isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys()
                and all(json_equal(a[k], b[k]) for k in a))
    return type(a) is type(b) and a == b


def pointer_escape(key):
    """One JSON pointer token: ~ and / escaped."""
    return str(key).replace("~", "~0").replace("/", "~1")


def show(value):
    """A value as JSON, for error sentences."""
    return json.dumps(value, ensure_ascii=False)
