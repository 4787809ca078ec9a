# Layer 1 (base): a standard-library JSON Schema validator (no bpy, no other rfam module).
"""A standard-library-only JSON Schema validator for the draft-07 subset RFAM's schemas use.

The add-on ships a copy of schemas/*.schema.json and checks with this module what it sends to the
server and what it receives. It must give exactly Ajv's verdicts (the server's validator, with
ajv-formats, strict mode and useDefaults), so the shared fixtures in schemas/fixtures/ are replayed
by both sides.

Any keyword this module does not know is refused when the schemas are loaded: a schema change
that needs new support breaks the add-on's tests instead of passing silently.

    registry = load_schemas("/path/to/schemas")
    errors = registry.validate("asset.schema.json", data)   # [] when valid

Like Ajv with useDefaults, validate() fills in missing properties that have a default (in place).
Pass a copy when the caller's data must stay untouched, or fill_defaults=False.
"""

import copy
import json
import math
import os
import re
from urllib.parse import unquote, urljoin

__all__ = ["SchemaError", "Registry", "load_schemas"]

DRAFT_07 = ("http://json-schema.org/draft-07/schema#", "http://json-schema.org/draft-07/schema")

# Keywords that never change a verdict.
ANNOTATIONS = frozenset(["title", "description", "default", "$schema", "$id", "examples", "$comment"])
# Keywords whose value is a map of name -> schema that only $ref reaches.
CONTAINERS = frozenset(["$defs", "definitions"])
TYPES = frozenset(["null", "boolean", "object", "array", "number", "string", "integer"])
FORMATS = frozenset(["uuid", "date-time"])


class SchemaError(Exception):
    """A schema this module cannot apply faithfully (unknown keyword, bad value, dangling $ref)."""


# ---------------------------------------------------------------------------------------------
# JSON values: Python's bool is an int and 1 == True, JSON's are not.

def _is_number(value):
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    # Ajv's strictNumbers: Infinity and NaN are not numbers.
    return isinstance(value, float) and math.isfinite(value)


def _is_integer(value):
    # JSON Schema: 1.0 is an integer; Ajv checks `x % 1 == 0`.
    return _is_number(value) and (isinstance(value, int) or value.is_integer())


def _is_array(value):
    return isinstance(value, (list, tuple))


def _type_matches(name, value):
    if name == "null":
        return value is None
    if name == "boolean":
        return isinstance(value, bool)
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return _is_array(value)
    if name == "number":
        return _is_number(value)
    if name == "integer":
        return _is_integer(value)
    return isinstance(value, str)


def _json_equal(a, b):
    """Deep equality as fast-deep-equal (Ajv) sees it: true is not 1, 1.0 is 1, key order is free."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_number(a) or _is_number(b):
        return _is_number(a) and _is_number(b) and a == b
    if _is_array(a) or _is_array(b):
        return (_is_array(a) and _is_array(b) and len(a) == len(b)
                and all(_json_equal(x, y) for x, y in zip(a, b)))
    if isinstance(a, dict) or isinstance(b, dict):
        return (isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys()
                and all(_json_equal(a[k], b[k]) for k in a))
    return type(a) is type(b) and a == b


def _pointer_escape(key):
    return str(key).replace("~", "~0").replace("/", "~1")


def _show(value):
    return json.dumps(value, ensure_ascii=False)


# ---------------------------------------------------------------------------------------------
# ECMAScript patterns (Ajv compiles them with the 'u' flag) translated to Python's re.

# \s in ECMAScript: these characters, not Python's idea of Unicode whitespace.
_JS_SPACE = "\\t\\n\\x0b\\x0c\\r \\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
_JS_SPACE_CHARS = "\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008" \
                  "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_CLASS_ESCAPES = {"d": "0-9", "w": "A-Za-z0-9_", "s": _JS_SPACE}
_CONTROL_ESCAPES = {"t": "\\t", "n": "\\n", "r": "\\r", "f": "\\f", "v": "\\x0b"}
_SYNTAX = "^$\\.*+?()[]{}|/"
_HEX = "0123456789abcdefABCDEF"


def _code_point(cp):
    return "\\U%08x" % cp


def _unicode_escape(src, i):
    """Reads \\uXXXX, \\u{X..} or a surrogate pair of \\uXXXX at src[i] == '\\\\'; returns (cp, next)."""
    if src.startswith("\\u{", i):
        end = src.find("}", i)
        digits = src[i + 3:end] if end > 0 else ""
        if not digits or any(c not in _HEX for c in digits) or int(digits, 16) > 0x10FFFF:
            raise SchemaError("bad \\u{...} escape")
        return int(digits, 16), end + 1
    digits = src[i + 2:i + 6]
    if len(digits) != 4 or any(c not in _HEX for c in digits):
        raise SchemaError("bad \\u escape")
    cp = int(digits, 16)
    low = src[i + 8:i + 12]
    if 0xD800 <= cp <= 0xDBFF and src.startswith("\\u", i + 6) and len(low) == 4 \
            and all(c in _HEX for c in low) and 0xDC00 <= int(low, 16) <= 0xDFFF:
        return 0x10000 + ((cp - 0xD800) << 10) + (int(low, 16) - 0xDC00), i + 12
    return cp, i + 6


def _escape(src, i, in_class):
    """Translates the escape at src[i] == '\\\\'; returns (python text, is_single_char, next index)."""
    if i + 1 >= len(src):
        raise SchemaError("pattern ends with a lone backslash")
    c = src[i + 1]
    if c in _CLASS_ESCAPES:
        body = _CLASS_ESCAPES[c]
        return (body if in_class else "[" + body + "]"), False, i + 2
    if c in "DWS":
        if in_class:
            raise SchemaError("\\%s inside [...] is not supported" % c)
        return "[^" + _CLASS_ESCAPES[c.lower()] + "]", False, i + 2
    if c == "u":
        cp, nxt = _unicode_escape(src, i)
        return _code_point(cp), True, nxt
    if c == "x":
        digits = src[i + 2:i + 4]
        if len(digits) != 2 or any(d not in _HEX for d in digits):
            raise SchemaError("bad \\x escape")
        return "\\x" + digits, True, i + 4
    if c == "0" and not src[i + 2:i + 3].isdigit():
        return "\\x00", True, i + 2
    if c in _CONTROL_ESCAPES:
        return _CONTROL_ESCAPES[c], True, i + 2
    if c in _SYNTAX or (c == "-" and in_class):
        return "\\" + c, True, i + 2
    if c == "b" and in_class:
        return "\\x08", True, i + 2
    raise SchemaError("the escape \\%s is not supported" % c)


def _class_literal(ch):
    # Escape everything re treats (or will treat) specially inside a set.
    return "\\" + ch if ch in "\\]^-[&~|" else ch


def _char_class(src, i):
    """Translates the [...] starting at src[i]; returns (python text, next index)."""
    j = i + 1
    negate = src.startswith("^", j)
    if negate:
        j += 1
    if src.startswith("]", j):                     # [] matches nothing, [^] anything
        return ("(?s:.)" if negate else "(?!)"), j + 1
    parts = []
    prev_single = False                            # last item can start a range
    while True:
        if j >= len(src):
            raise SchemaError("unterminated [...]")
        ch = src[j]
        if ch == "]":
            break
        if ch == "-" and prev_single and not src.startswith("]", j + 1) and j + 1 < len(src):
            parts.append("-")                          # a range a-z
            j += 1
            if src[j] == "\\":
                text, single, j = _escape(src, j, True)
                if not single:
                    raise SchemaError("a range cannot end in a class escape")
                parts.append(text)
            else:
                parts.append(_class_literal(src[j]))
                j += 1
            prev_single = False
            continue
        if ch == "\\":
            text, prev_single, j = _escape(src, j, True)
            parts.append(text)
        else:
            parts.append(_class_literal(ch))
            prev_single = True
            j += 1
    return "[" + ("^" if negate else "") + "".join(parts) + "]", j + 1


def translate_pattern(src):
    """An ECMAScript ('u' flag) pattern as a Python re pattern with the same matches, for re.search."""
    out = []
    i = 0
    while i < len(src):
        ch = src[i]
        if ch == "\\":
            text, _single, i = _escape(src, i, False)
            out.append(text)
            continue
        if ch == "[":
            text, i = _char_class(src, i)
            out.append(text)
            continue
        if ch == "$":
            out.append("\\Z")                  # Python's $ also matches before a final newline
        elif ch == ".":
            out.append("[^\\n\\r\\u2028\\u2029]")  # Python's . matches \r and the separators
        elif ch == "(" and src.startswith("(?", i):
            if src.startswith("(?<", i) and not src.startswith(("(?<=", "(?<!"), i):
                out.append("(?P<")               # a named group
                i += 3
                continue
            if not src.startswith(("(?:", "(?=", "(?!", "(?<=", "(?<!"), i):
                raise SchemaError("the group %r is not supported" % src[i:i + 3])
            out.append("(?")
            i += 2
            continue
        else:
            out.append(ch)
        i += 1
    return "".join(out)


def _compile_pattern(src):
    try:
        return re.compile(translate_pattern(src))
    except SchemaError as err:
        raise SchemaError("pattern %s: %s" % (_show(src), err))
    except re.error as err:
        raise SchemaError("pattern %s cannot be compiled: %s" % (_show(src), err))


# ---------------------------------------------------------------------------------------------
# Formats, as ajv-formats (full mode) defines them.

_UUID = re.compile(r"(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}", re.I | re.A)
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_TIME = re.compile(r"([0-9]{2}):([0-9]{2}):([0-9]{2}(?:\.[0-9]+)?)(z|([+-])([0-9]{2})(?::?([0-9]{2}))?)?",
                   re.I | re.A)
_DATE_TIME_SEPARATOR = re.compile("[tT" + _JS_SPACE_CHARS + "]")
_DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]


def _valid_date(text):
    m = _DATE.fullmatch(text)
    if not m:
        return False
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return 1 <= month <= 12 and 1 <= day <= (29 if month == 2 and leap else _DAYS[month])


def _valid_time(text):
    m = _TIME.fullmatch(text)
    if not m:
        return False
    hr, minute, sec = int(m.group(1)), int(m.group(2)), float(m.group(3))
    tz_sign = -1 if m.group(5) == "-" else 1
    tz_h, tz_m = int(m.group(6) or 0), int(m.group(7) or 0)
    if tz_h > 23 or tz_m > 59 or not m.group(4):   # date-time needs a time zone
        return False
    if hr <= 23 and minute <= 59 and sec < 60:
        return True
    # A leap second is 23:59:60 in UTC.
    utc_min = minute - tz_m * tz_sign
    utc_hr = hr - tz_h * tz_sign - (1 if utc_min < 0 else 0)
    return utc_hr in (23, -1) and utc_min in (59, -1) and sec < 61


def _valid_date_time(text):
    parts = _DATE_TIME_SEPARATOR.split(text)
    return len(parts) == 2 and _valid_date(parts[0]) and _valid_time(parts[1])


_FORMAT_CHECKS = {"uuid": lambda s: _UUID.fullmatch(s) is not None, "date-time": _valid_date_time}


# ---------------------------------------------------------------------------------------------
# Loading: every keyword is checked once, so validation never meets a surprise.

def _where(doc_id, pointer):
    return "%s#%s" % (doc_id, pointer)


def _need(cond, doc_id, pointer, what):
    if not cond:
        raise SchemaError("%s: %s" % (_where(doc_id, pointer), what))


def _is_count(value):
    return _is_integer(value) and value >= 0


class Registry:
    """The schemas of one folder, by $id; validate() checks a document against one of them."""

    def __init__(self, documents):
        self._docs = {}
        self._patterns = {}
        self._refs = {}
        for doc in documents:
            doc_id = doc.get("$id") if isinstance(doc, dict) else None
            if not isinstance(doc_id, str) or not doc_id:
                raise SchemaError("every schema needs a string $id")
            if doc_id in self._docs:
                raise SchemaError("two schemas have the $id %s" % _show(doc_id))
            schema_uri = doc.get("$schema", DRAFT_07[0])
            if schema_uri not in DRAFT_07:
                raise SchemaError("%s: only draft-07 schemas are supported, not %s" % (doc_id, _show(schema_uri)))
            self._docs[doc_id] = doc
        for doc_id, doc in self._docs.items():
            self._check(doc, doc_id, "")

    @property
    def ids(self):
        return sorted(self._docs)

    # -- load-time checks --------------------------------------------------------------------
    def _check(self, node, doc_id, pointer):
        if isinstance(node, bool):
            return
        _need(isinstance(node, dict), doc_id, pointer, "a schema must be an object or a boolean")
        for key, value in node.items():
            here = pointer + "/" + _pointer_escape(key)
            if key == "$id":
                _need(pointer == "", doc_id, here, "$id is only supported at the top of a file")
            elif key in ANNOTATIONS:
                pass
            elif key in CONTAINERS:
                _need(isinstance(value, dict), doc_id, here, "%s must be an object" % key)
                for name, sub in value.items():
                    self._check(sub, doc_id, here + "/" + _pointer_escape(name))
            elif key in _KEYWORD_CHECKS:
                _KEYWORD_CHECKS[key](self, value, doc_id, here)
            else:
                raise SchemaError(
                    "%s: unknown keyword %s; schema_lite refuses schemas it cannot check faithfully "
                    "(add support for it in blender-addon/rfam/schema_lite.py)" % (_where(doc_id, here), _show(key)))

    def _check_schema_map(self, value, doc_id, here):
        _need(isinstance(value, dict), doc_id, here, "must be an object of schemas")
        for name, sub in value.items():
            self._check(sub, doc_id, here + "/" + _pointer_escape(name))

    def _check_schema_list(self, value, doc_id, here):
        _need(isinstance(value, list) and value, doc_id, here, "must be a non-empty array of schemas")
        for n, sub in enumerate(value):
            self._check(sub, doc_id, "%s/%d" % (here, n))

    def _check_ref(self, value, doc_id, here):
        _need(isinstance(value, str), doc_id, here, "$ref must be a string")
        try:
            self._resolve(value, doc_id)
        except SchemaError as err:
            raise SchemaError("%s: %s" % (_where(doc_id, here), err))

    def _check_type(self, value, doc_id, here):
        names = value if isinstance(value, list) else [value]
        _need(names and all(isinstance(n, str) and n in TYPES for n in names), doc_id, here,
              "type must be one of %s or an array of them" % ", ".join(sorted(TYPES)))

    def _check_pattern(self, value, doc_id, here):
        _need(isinstance(value, str), doc_id, here, "pattern must be a string")
        try:
            self._pattern(value)
        except SchemaError as err:
            raise SchemaError("%s: %s" % (_where(doc_id, here), err))

    # -- references --------------------------------------------------------------------------
    def _resolve(self, ref, base):
        """Returns (schema, id of the file holding it) for a $ref seen in the file `base`."""
        key = (ref, base)
        if key in self._refs:
            return self._refs[key]
        uri, _hash, fragment = ref.partition("#")
        doc_id = urljoin(base, uri) if uri else base
        if doc_id not in self._docs:
            raise SchemaError("$ref %s: no schema has the $id %s" % (_show(ref), _show(doc_id)))
        node = self._docs[doc_id]
        fragment = unquote(fragment)
        if fragment:
            if not fragment.startswith("/"):
                raise SchemaError("$ref %s: only JSON pointers are supported after '#'" % _show(ref))
            for token in fragment[1:].split("/"):
                token = token.replace("~1", "/").replace("~0", "~")
                if isinstance(node, dict) and token in node:
                    node = node[token]
                elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                    node = node[int(token)]
                else:
                    raise SchemaError("$ref %s: %s has nothing at that pointer" % (_show(ref), doc_id))
        if not isinstance(node, (dict, bool)):
            raise SchemaError("$ref %s does not point at a schema" % _show(ref))
        self._refs[key] = (node, doc_id)
        return node, doc_id

    def _pattern(self, src):
        compiled = self._patterns.get(src)
        if compiled is None:
            compiled = self._patterns[src] = _compile_pattern(src)
        return compiled

    # -- validation --------------------------------------------------------------------------
    def validate(self, schema_id, data, fill_defaults=True):
        """Errors of `data` against the schema `schema_id` ('job.schema.json', or with '#/$defs/Task');
        an empty list means valid. Each error names the field as a JSON pointer, like Ajv's instancePath."""
        if schema_id.partition("#")[0] not in self._docs:
            raise ValueError("unknown schema %s; known: %s" % (_show(schema_id), ", ".join(self.ids)))
        schema, doc_id = self._resolve(schema_id, "")
        errors = []
        _Run(self, fill_defaults, errors).check(schema, data, "", doc_id)
        unique = []
        for e in errors:
            if e not in unique:
                unique.append(e)
        return unique

    def check(self, schema_id, data, fill_defaults=True):
        """None when valid, else one sentence listing every problem (like the server's validator)."""
        errors = self.validate(schema_id, data, fill_defaults)
        return "; ".join(errors) if errors else None


def _check_count(_reg, value, doc_id, here):
    _need(_is_count(value), doc_id, here, "must be a non-negative integer")


def _check_number(_reg, value, doc_id, here):
    _need(_is_number(value), doc_id, here, "must be a number")


def _check_format(_reg, value, doc_id, here):
    _need(value in FORMATS, doc_id, here,
          "format %s is not supported (known: %s)" % (_show(value), ", ".join(sorted(FORMATS))))


def _check_required(_reg, value, doc_id, here):
    _need(isinstance(value, list) and all(isinstance(v, str) for v in value), doc_id, here,
          "required must be an array of strings")


def _check_enum(_reg, value, doc_id, here):
    _need(isinstance(value, list) and value, doc_id, here, "enum must be a non-empty array")


def _check_bool(_reg, value, doc_id, here):
    _need(isinstance(value, bool), doc_id, here, "must be true or false")


def _check_items(reg, value, doc_id, here):
    _need(not isinstance(value, list), doc_id, here, "items as an array (tuples) is not supported")
    reg._check(value, doc_id, here)


_KEYWORD_CHECKS = {
    "$ref": Registry._check_ref,
    "type": Registry._check_type,
    "enum": _check_enum,
    "const": lambda reg, value, doc_id, here: None,
    "properties": Registry._check_schema_map,
    "required": _check_required,
    "additionalProperties": lambda reg, value, doc_id, here: reg._check(value, doc_id, here),
    "propertyNames": lambda reg, value, doc_id, here: reg._check(value, doc_id, here),
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
    "pattern": Registry._check_pattern,
    "format": _check_format,
    "anyOf": Registry._check_schema_list,
    "oneOf": Registry._check_schema_list,
    "allOf": Registry._check_schema_list,
    "not": lambda reg, value, doc_id, here: reg._check(value, doc_id, here),
}


class _Run:
    """One validation: walks the schema and the data together, collecting error sentences."""

    def __init__(self, registry, fill_defaults, errors):
        self.reg = registry
        self.fill_defaults = fill_defaults
        self.errors = errors

    def fail(self, path, message):
        self.errors.append("%s %s" % (path or "(the whole document)", message))

    def passes(self, schema, data, path, doc_id):
        """Validates into a scratch list; returns (ok, errors) for anyOf/oneOf/not/propertyNames."""
        scratch = _Run(self.reg, self.fill_defaults, [])
        scratch.check(schema, data, path, doc_id)
        return not scratch.errors, scratch.errors

    def check(self, schema, data, path, doc_id):
        if schema is True:
            return
        if schema is False:
            self.fail(path, "is not allowed here")
            return
        # Ajv's useDefaults fills properties before any keyword looks at the object.
        if self.fill_defaults and isinstance(data, dict) and "properties" in schema:
            for name, sub in schema["properties"].items():
                if name not in data and isinstance(sub, dict) and "default" in sub:
                    data[name] = copy.deepcopy(sub["default"])

        if "type" in schema:
            names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(_type_matches(n, data) for n in names):
                self.fail(path, "must be %s" % ",".join(names))
        if "$ref" in schema:
            target, target_doc = self.reg._resolve(schema["$ref"], doc_id)
            self.check(target, data, path, target_doc)
        if "enum" in schema and not any(_json_equal(data, v) for v in schema["enum"]):
            self.fail(path, "must be one of %s" % ", ".join(_show(v) for v in schema["enum"]))
        if "const" in schema and not _json_equal(data, schema["const"]):
            self.fail(path, "must be %s" % _show(schema["const"]))

        if _is_number(data):
            self._number(schema, data, path)
        elif isinstance(data, str):
            self._string(schema, data, path)
        elif _is_array(data):
            self._array(schema, data, path, doc_id)
        elif isinstance(data, dict):
            self._object(schema, data, path, doc_id)

        if "allOf" in schema:
            for sub in schema["allOf"]:
                self.check(sub, data, path, doc_id)
        if "anyOf" in schema:
            found = []
            for sub in schema["anyOf"]:
                ok, errs = self.passes(sub, data, path, doc_id)
                if ok:
                    break
                found.extend(errs)
            else:
                self.errors.extend(found)
                self.fail(path, "must match a schema in anyOf")
        if "oneOf" in schema:
            results = [self.passes(sub, data, path, doc_id) for sub in schema["oneOf"]]
            matching = sum(1 for ok, _errs in results if ok)
            if matching == 0:
                for _ok, errs in results:
                    self.errors.extend(errs)
            if matching != 1:
                self.fail(path, "must match exactly one schema in oneOf (it matches %d)" % matching)
        if "not" in schema and self.passes(schema["not"], data, path, doc_id)[0]:
            self.fail(path, "must NOT be valid")

    def _number(self, schema, data, path):
        if "minimum" in schema and not data >= schema["minimum"]:
            self.fail(path, "must be >= %s" % _show(schema["minimum"]))
        if "maximum" in schema and not data <= schema["maximum"]:
            self.fail(path, "must be <= %s" % _show(schema["maximum"]))
        if "exclusiveMinimum" in schema and not data > schema["exclusiveMinimum"]:
            self.fail(path, "must be > %s" % _show(schema["exclusiveMinimum"]))
        if "exclusiveMaximum" in schema and not data < schema["exclusiveMaximum"]:
            self.fail(path, "must be < %s" % _show(schema["exclusiveMaximum"]))

    def _string(self, schema, data, path):
        # len() counts code points, as Ajv's ucs2length does (an emoji is one character).
        if "minLength" in schema and len(data) < schema["minLength"]:
            self.fail(path, "must NOT have fewer than %d characters" % schema["minLength"])
        if "maxLength" in schema and len(data) > schema["maxLength"]:
            self.fail(path, "must NOT have more than %d characters" % schema["maxLength"])
        if "pattern" in schema and not self.reg._pattern(schema["pattern"]).search(data):
            self.fail(path, "must match pattern %s" % _show(schema["pattern"]))
        if "format" in schema and not _FORMAT_CHECKS[schema["format"]](data):
            self.fail(path, "must match format %s" % _show(schema["format"]))

    def _array(self, schema, data, path, doc_id):
        if "minItems" in schema and len(data) < schema["minItems"]:
            self.fail(path, "must NOT have fewer than %d items" % schema["minItems"])
        if "maxItems" in schema and len(data) > schema["maxItems"]:
            self.fail(path, "must NOT have more than %d items" % schema["maxItems"])
        if schema.get("uniqueItems") is True:
            for j in range(len(data)):
                dup = next((i for i in range(j) if _json_equal(data[i], data[j])), None)
                if dup is not None:
                    self.fail(path, "must NOT have duplicate items (items ## %d and %d are identical)" % (dup, j))
                    break
        if "items" in schema:
            for n, item in enumerate(data):
                self.check(schema["items"], item, "%s/%d" % (path, n), doc_id)

    def _object(self, schema, data, path, doc_id):
        for name in schema.get("required", ()):
            if name not in data:
                self.fail(path, "must have required property %s" % _show(name))
        if "minProperties" in schema and len(data) < schema["minProperties"]:
            self.fail(path, "must NOT have fewer than %d properties" % schema["minProperties"])
        if "maxProperties" in schema and len(data) > schema["maxProperties"]:
            self.fail(path, "must NOT have more than %d properties" % schema["maxProperties"])
        if "propertyNames" in schema:
            for name in data:
                ok, errs = self.passes(schema["propertyNames"], name, "", doc_id)
                if not ok:
                    why = "; ".join(e.replace("(the whole document) ", "", 1) for e in errs)
                    self.fail(path, "has a field name %s that is invalid: it %s" % (_show(name), why))
        properties = schema.get("properties", {})
        for name, value in data.items():
            here = path + "/" + _pointer_escape(name)
            if name in properties:
                self.check(properties[name], value, here, doc_id)
            elif "additionalProperties" in schema:
                extra = schema["additionalProperties"]
                if extra is False:
                    self.fail(path, "has an unknown field %s" % _show(name))
                else:
                    self.check(extra, value, here, doc_id)


def load_schemas(directory):
    """Reads every *.schema.json in `directory` into a Registry, refusing anything it cannot check."""
    documents = []
    for name in sorted(os.listdir(directory)):
        if not name.endswith(".schema.json"):
            continue
        with open(os.path.join(directory, name), encoding="utf-8") as f:
            try:
                doc = json.load(f)
            except ValueError as err:
                raise SchemaError("%s is not valid JSON: %s" % (name, err))
        if not isinstance(doc, dict) or doc.get("$id") != name:
            raise SchemaError("%s: $id must be %s" % (name, _show(name)))
        documents.append(doc)
    if not documents:
        raise SchemaError("no *.schema.json files in %s" % directory)
    return Registry(documents)
