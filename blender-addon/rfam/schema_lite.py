# Layer 1 (base): the standard-library JSON Schema validator: its schemas by $id, $ref resolution (no bpy).
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

This module holds the Registry (the schemas of a folder by $id, $ref resolution, compiled patterns)
and load_schemas(); the rest of the validator is split by concern, all in this layer and none with bpy:
  json_values     JSON values as Ajv sees them: types, equality (true is not 1, 1.0 is an integer)
  js_regex        ECMAScript patterns (Ajv's 'u' flag) translated to Python's re
  json_formats    the formats uuid and date-time, as ajv-formats checks them
  schema_checks   every keyword checked once at load time; SchemaError
  schema_run      one validation: the schema and the data walked together, the errors collected
"""

import json
import os
import re
from urllib.parse import unquote, urljoin

from .js_regex import PatternError, translate_pattern
from .json_values import show
from .schema_checks import SchemaError, check_schema
from .schema_run import Run

__all__ = ["SchemaError", "Registry", "load_schemas"]

DRAFT_07 = ("http://json-schema.org/draft-07/schema#", "http://json-schema.org/draft-07/schema")


def _compile_pattern(src):
    try:
        return re.compile(translate_pattern(src))
    except PatternError as err:
        raise SchemaError("pattern %s: %s" % (show(src), err))
    except re.error as err:
        raise SchemaError("pattern %s cannot be compiled: %s" % (show(src), err))


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
                raise SchemaError("two schemas have the $id %s" % show(doc_id))
            schema_uri = doc.get("$schema", DRAFT_07[0])
            if schema_uri not in DRAFT_07:
                raise SchemaError("%s: only draft-07 schemas are supported, not %s" % (doc_id, show(schema_uri)))
            self._docs[doc_id] = doc
        for doc_id, doc in self._docs.items():
            check_schema(self, doc, doc_id, "")

    @property
    def ids(self):
        return sorted(self._docs)

    # -- references and patterns (for the load-time checks and the runs) ---------------------
    def resolve(self, ref, base):
        """Returns (schema, id of the file holding it) for a $ref seen in the file `base`."""
        key = (ref, base)
        if key in self._refs:
            return self._refs[key]
        uri, _hash, fragment = ref.partition("#")
        doc_id = urljoin(base, uri) if uri else base
        if doc_id not in self._docs:
            raise SchemaError("$ref %s: no schema has the $id %s" % (show(ref), show(doc_id)))
        node = self._docs[doc_id]
        fragment = unquote(fragment)
        if fragment:
            if not fragment.startswith("/"):
                raise SchemaError("$ref %s: only JSON pointers are supported after '#'" % show(ref))
            for token in fragment[1:].split("/"):
                token = token.replace("~1", "/").replace("~0", "~")
                if isinstance(node, dict) and token in node:
                    node = node[token]
                elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
                    node = node[int(token)]
                else:
                    raise SchemaError("$ref %s: %s has nothing at that pointer" % (show(ref), doc_id))
        if not isinstance(node, (dict, bool)):
            raise SchemaError("$ref %s does not point at a schema" % show(ref))
        self._refs[key] = (node, doc_id)
        return node, doc_id

    def pattern(self, src):
        """The ECMAScript pattern `src` compiled for Python's re (once), or SchemaError."""
        compiled = self._patterns.get(src)
        if compiled is None:
            compiled = self._patterns[src] = _compile_pattern(src)
        return compiled

    # -- validation --------------------------------------------------------------------------
    def validate(self, schema_id, data, fill_defaults=True):
        """Errors of `data` against the schema `schema_id` ('job.schema.json', or with '#/$defs/Task');
        an empty list means valid. Each error names the field as a JSON pointer, like Ajv's instancePath."""
        if schema_id.partition("#")[0] not in self._docs:
            raise ValueError("unknown schema %s; known: %s" % (show(schema_id), ", ".join(self.ids)))
        schema, doc_id = self.resolve(schema_id, "")
        errors = []
        Run(self, fill_defaults, errors).check(schema, data, "", doc_id)
        unique = []
        for e in errors:
            if e not in unique:
                unique.append(e)
        return unique

    def check(self, schema_id, data, fill_defaults=True):
        """None when valid, else one sentence listing every problem (like the server's validator)."""
        errors = self.validate(schema_id, data, fill_defaults)
        return "; ".join(errors) if errors else None


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
            raise SchemaError("%s: $id must be %s" % (name, show(name)))
        documents.append(doc)
    if not documents:
        raise SchemaError("no *.schema.json files in %s" % directory)
    return Registry(documents)
