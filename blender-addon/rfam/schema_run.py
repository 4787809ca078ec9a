# Layer 1 (base): one run of the schema validator over a document, collecting Ajv's errors; no bpy.
"""One validation by schema_lite: Run walks a schema and the data together and collects one sentence
per error, naming the field as a JSON pointer (like Ajv's instancePath). Like Ajv with useDefaults, it
fills in missing properties that have a default, in place, unless told not to.

The schemas it walks were checked when they were loaded (schema_checks.py), so every keyword here is
one it knows, with a value of the right kind. Run asks the Registry for $ref targets and compiled
patterns (registry.resolve, registry.pattern).
"""

import copy

from .json_formats import FORMAT_CHECKS
from .json_values import is_array, is_number, json_equal, pointer_escape, show, type_matches

__all__ = ["Run"]


class Run:
    """One validation: walks the schema and the data together, collecting error sentences."""

    def __init__(self, registry, fill_defaults, errors):
        self.reg = registry
        self.fill_defaults = fill_defaults
        self.errors = errors

    def fail(self, path, message):
        self.errors.append("%s %s" % (path or "(the whole document)", message))

    def passes(self, schema, data, path, doc_id):
        """Validates into a scratch list; returns (ok, errors) for anyOf/oneOf/not/propertyNames."""
        scratch = Run(self.reg, self.fill_defaults, [])
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
            if not any(type_matches(n, data) for n in names):
                self.fail(path, "must be %s" % ",".join(names))
        if "$ref" in schema:
            target, target_doc = self.reg.resolve(schema["$ref"], doc_id)
            self.check(target, data, path, target_doc)
        if "enum" in schema and not any(json_equal(data, v) for v in schema["enum"]):
            self.fail(path, "must be one of %s" % ", ".join(show(v) for v in schema["enum"]))
        if "const" in schema and not json_equal(data, schema["const"]):
            self.fail(path, "must be %s" % show(schema["const"]))

        if is_number(data):
            self._number(schema, data, path)
        elif isinstance(data, str):
            self._string(schema, data, path)
        elif is_array(data):
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
            self.fail(path, "must be >= %s" % show(schema["minimum"]))
        if "maximum" in schema and not data <= schema["maximum"]:
            self.fail(path, "must be <= %s" % show(schema["maximum"]))
        if "exclusiveMinimum" in schema and not data > schema["exclusiveMinimum"]:
            self.fail(path, "must be > %s" % show(schema["exclusiveMinimum"]))
        if "exclusiveMaximum" in schema and not data < schema["exclusiveMaximum"]:
            self.fail(path, "must be < %s" % show(schema["exclusiveMaximum"]))

    def _string(self, schema, data, path):
        # len() counts code points, as Ajv's ucs2length does (an emoji is one character).
        if "minLength" in schema and len(data) < schema["minLength"]:
            self.fail(path, "must NOT have fewer than %d characters" % schema["minLength"])
        if "maxLength" in schema and len(data) > schema["maxLength"]:
            self.fail(path, "must NOT have more than %d characters" % schema["maxLength"])
        if "pattern" in schema and not self.reg.pattern(schema["pattern"]).search(data):
            self.fail(path, "must match pattern %s" % show(schema["pattern"]))
        if "format" in schema and not FORMAT_CHECKS[schema["format"]](data):
            self.fail(path, "must match format %s" % show(schema["format"]))

    def _array(self, schema, data, path, doc_id):
        if "minItems" in schema and len(data) < schema["minItems"]:
            self.fail(path, "must NOT have fewer than %d items" % schema["minItems"])
        if "maxItems" in schema and len(data) > schema["maxItems"]:
            self.fail(path, "must NOT have more than %d items" % schema["maxItems"])
        if schema.get("uniqueItems") is True:
            for j in range(len(data)):
                dup = next((i for i in range(j) if json_equal(data[i], data[j])), None)
                if dup is not None:
                    self.fail(path, "must NOT have duplicate items (items ## %d and %d are identical)" % (dup, j))
                    break
        if "items" in schema:
            for n, item in enumerate(data):
                self.check(schema["items"], item, "%s/%d" % (path, n), doc_id)

    def _object(self, schema, data, path, doc_id):
        for name in schema.get("required", ()):
            if name not in data:
                self.fail(path, "must have required property %s" % show(name))
        if "minProperties" in schema and len(data) < schema["minProperties"]:
            self.fail(path, "must NOT have fewer than %d properties" % schema["minProperties"])
        if "maxProperties" in schema and len(data) > schema["maxProperties"]:
            self.fail(path, "must NOT have more than %d properties" % schema["maxProperties"])
        if "propertyNames" in schema:
            for name in data:
                ok, errs = self.passes(schema["propertyNames"], name, "", doc_id)
                if not ok:
                    why = "; ".join(e.replace("(the whole document) ", "", 1) for e in errs)
                    self.fail(path, "has a field name %s that is invalid: it %s" % (show(name), why))
        properties = schema.get("properties", {})
        for name, value in data.items():
            here = path + "/" + pointer_escape(name)
            if name in properties:
                self.check(properties[name], value, here, doc_id)
            elif "additionalProperties" in schema:
                extra = schema["additionalProperties"]
                if extra is False:
                    self.fail(path, "has an unknown field %s" % show(name))
                else:
                    self.check(extra, value, here, doc_id)
