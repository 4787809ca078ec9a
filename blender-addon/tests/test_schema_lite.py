"""Replays schemas/fixtures/*.json through the add-on's schema_lite, expecting Ajv's verdicts, and
checks the corners where JSON Schema in Python easily drifts from Ajv.

    python3 blender-addon/tests/test_schema_lite.py [<repo root>]
    blender -b --factory-startup --python-exit-code 1 --python blender-addon/tests/test_schema_lite.py -- <repo root>

<repo root> is where schemas/ and schemas/fixtures/ are read from (a test may point it at a copy);
the validator is always the add-on beside this script (../rfam), loaded by addon_modules.py.
Prints a last line 'N passed, N failed' and exits non-zero when anything failed.
"""

import copy
import json
import os
import shutil
import sys
import tempfile
import unittest


def _repo_root():
    args = sys.argv[sys.argv.index("--") + 1:] if "--" in sys.argv else sys.argv[1:]
    if args:
        return os.path.abspath(args[0])
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


ROOT = _repo_root()
SCHEMAS = os.path.join(ROOT, "schemas")
FIXTURES = os.path.join(SCHEMAS, "fixtures")

# The runner and the add-on beside this script (not under ROOT, which a test may point at a copy of the schemas).
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from addon_modules import addon_module  # noqa: E402
from unittest_run import run_and_summarise  # noqa: E402

lite = addon_module("schema_lite")
js_regex = addon_module("js_regex")
json_values = addon_module("json_values")
REGISTRY = lite.load_schemas(SCHEMAS)


class FixtureReplay(unittest.TestCase):
    """One test per fixture case, added below."""


def _fixture_test(schema_id, case):
    def test(self):
        errors = REGISTRY.validate(schema_id, copy.deepcopy(case["data"]))
        if case["valid"]:
            self.assertEqual(errors, [], "Ajv accepts it, schema_lite refused it")
        else:
            self.assertNotEqual(errors, [], "Ajv refuses it, schema_lite accepted it")
    return test


def _add_fixture_tests():
    files = sorted(f for f in os.listdir(FIXTURES) if f.endswith(".json"))
    if not files:
        raise SystemExit("no fixtures in %s" % FIXTURES)
    for name in files:
        schema_id = name[:-len(".json")] + ".schema.json"
        with open(os.path.join(FIXTURES, name), encoding="utf-8") as f:
            cases = json.load(f)
        for n, case in enumerate(cases):
            verdict = "valid" if case["valid"] else "invalid"
            test_name = "test_%s_%03d_%s" % (name[:-5], n, verdict)
            test = _fixture_test(schema_id, case)
            test.__doc__ = "%s: %s (%s)" % (name, case["description"], verdict)
            setattr(FixtureReplay, test_name, test)


_add_fixture_tests()


class Loading(unittest.TestCase):
    """Schemas schema_lite cannot apply faithfully are refused when they are loaded."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="rfam-schema-lite-")

    def tearDown(self):
        shutil.rmtree(self.dir)

    def load(self, *schemas):
        for schema in schemas:
            with open(os.path.join(self.dir, schema["$id"]), "w", encoding="utf-8") as f:
                json.dump(schema, f)
        return lite.load_schemas(self.dir)

    def refused(self, schema, message):
        with self.assertRaises(lite.SchemaError) as caught:
            self.load(schema)
        self.assertIn(message, str(caught.exception))

    def test_unknown_keyword_names_where_it_is(self):
        self.refused({"$id": "x.schema.json", "properties": {"a": {"type": "string", "contentEncoding": "base64"}}},
                     'x.schema.json#/properties/a/contentEncoding: unknown keyword "contentEncoding"')

    def test_keyword_in_defs_is_checked_too(self):
        self.refused({"$id": "x.schema.json", "$defs": {"A": {"patternProperties": {}}}},
                     'unknown keyword "patternProperties"')

    def test_unknown_format(self):
        self.refused({"$id": "x.schema.json", "type": "string", "format": "email"}, 'format "email" is not supported')

    def test_dangling_ref(self):
        self.refused({"$id": "x.schema.json", "$ref": "y.schema.json#"}, 'no schema has the $id "y.schema.json"')
        self.refused({"$id": "x.schema.json", "$ref": "#/$defs/Nope"}, "has nothing at that pointer")

    def test_nested_id(self):
        self.refused({"$id": "x.schema.json", "properties": {"a": {"$id": "a.json"}}},
                     "$id is only supported at the top")

    def test_other_draft(self):
        self.refused({"$id": "x.schema.json", "$schema": "https://json-schema.org/draft/2020-12/schema"},
                     "only draft-07")

    def test_unsupported_pattern(self):
        self.refused({"$id": "x.schema.json", "pattern": "^\\p{L}+$"}, "the escape \\p is not supported")
        self.refused({"$id": "x.schema.json", "pattern": "\\bword"}, "the escape \\b is not supported")

    def test_bad_keyword_values(self):
        self.refused({"$id": "x.schema.json", "type": "float"}, "type must be one of")
        self.refused({"$id": "x.schema.json", "minLength": -1}, "must be a non-negative integer")
        self.refused({"$id": "x.schema.json", "items": [{"type": "string"}]}, "items as an array")

    def test_id_must_match_the_file_name(self):
        with open(os.path.join(self.dir, "a.schema.json"), "w", encoding="utf-8") as f:
            json.dump({"$id": "b.schema.json"}, f)
        with self.assertRaises(lite.SchemaError) as caught:
            lite.load_schemas(self.dir)
        self.assertIn('a.schema.json: $id must be "a.schema.json"', str(caught.exception))

    def test_a_folder_without_schemas(self):
        with self.assertRaises(lite.SchemaError):
            lite.load_schemas(self.dir)

    def test_unknown_schema_id(self):
        with self.assertRaises(ValueError) as caught:
            REGISTRY.validate("nope.schema.json", {})
        self.assertIn("known: ", str(caught.exception))

    def test_the_shipped_copy_loads(self):
        shipped = os.path.join(ROOT, "blender-addon", "rfam", "schemas")
        if not os.path.isdir(shipped):
            self.skipTest("no copy in blender-addon/rfam/schemas (npm run addon:schemas)")
        self.assertEqual(lite.load_schemas(shipped).ids, REGISTRY.ids)


class Semantics(unittest.TestCase):
    """Where Python's defaults differ from ECMAScript and Ajv."""

    def valid(self, ref, data):
        return REGISTRY.validate(ref, data) == []

    def test_integers(self):
        asset = {"name": "a", "type": "prop", "state": "todo"}
        self.assertTrue(self.valid("asset.schema.json", dict(asset, priority=1.0)))
        self.assertFalse(self.valid("asset.schema.json", dict(asset, priority=True)))
        self.assertFalse(self.valid("asset.schema.json", dict(asset, priority=float("inf"))))

    def test_dollar_is_the_very_end(self):
        self.assertFalse(self.valid("common.schema.json#/$defs/Ident", "abc\n"))

    def test_digits_are_ascii(self):
        self.assertFalse(self.valid("asset.schema.json#/$defs/RenderStats", {"frames": {"\u0663": []}}))

    def test_length_counts_code_points(self):
        self.assertTrue(self.valid("common.schema.json#/$defs/DisplayName", "\U0001F600" * 200))
        self.assertFalse(self.valid("common.schema.json#/$defs/DisplayName", "\U0001F600" * 201))

    def test_pattern_translation(self):
        t = js_regex.translate_pattern
        self.assertEqual(t("^a$"), "^a\\Z")
        self.assertEqual(t("[^\\u0000]"), "[^\\U00000000]")
        self.assertEqual(t("\\uD83D\\uDE00"), "\\U0001f600")
        self.assertEqual(t("[a-z_-]"), "[a-z_\\-]")
        self.assertEqual(t("(?<y>[0-9]{4})"), "(?P<y>[0-9]{4})")
        with self.assertRaises(js_regex.PatternError):
            t("\\p{L}")

    def test_formats(self):
        ts = "common.schema.json#/$defs/Timestamp"
        for good in ["2016-12-31T23:59:60Z", "2024-02-29t10:00:00.5z", "2024-01-01 10:00:00+05:30"]:
            self.assertTrue(self.valid(ts, good), good)
        for bad in ["1900-02-29T00:00:00Z", "2024-01-01T10:00:00", "2024-01-01T10:00:00Z\n", "2024-01-01"]:
            self.assertFalse(self.valid(ts, bad), bad)
        self.assertTrue(self.valid("common.schema.json#/$defs/Uuid", "urn:uuid:0B6A3F9E-2C1D-4E5F-8A7B-9C0D1E2F3A4B"))
        self.assertFalse(self.valid("common.schema.json#/$defs/Uuid", "0b6a3f9e2c1d4e5f8a7b9c0d1e2f3a4b"))

    def test_json_equality(self):
        self.assertFalse(json_values.json_equal(1, True))
        self.assertTrue(json_values.json_equal(1, 1.0))
        self.assertTrue(json_values.json_equal({"a": [1, {"b": None}]}, {"a": [1.0, {"b": None}]}))
        self.assertFalse(json_values.json_equal({"a": 1}, {"a": 1, "b": 2}))

    def test_defaults_are_filled_like_ajv(self):
        data = {"name": "a", "type": "prop", "state": "todo", "priority": 1}
        self.assertEqual(REGISTRY.validate("asset.schema.json", data), [])
        self.assertEqual(data["support"], [])
        self.assertIsNone(data["owner"])
        untouched = {"low": 0, "high": 1}
        REGISTRY.validate("priority-scheme.schema.json", untouched, fill_defaults=False)
        self.assertEqual(untouched, {"low": 0, "high": 1})

    def test_messages_name_the_field(self):
        errors = REGISTRY.validate("project-file.schema.json",
                                   {"roles": [{"id": "x", "role": "r", "user": "ana"}], "credits": 1})
        self.assertIn('/roles/0/id must match format "uuid"', errors)
        self.assertIn('(the whole document) has an unknown field "credits"', errors)
        errors = REGISTRY.validate("language.schema.json", {"code": "en", "name": "x", "strings": {"a/b": 1}})
        self.assertIn("/strings/a~1b must be string", errors)
        self.assertEqual(REGISTRY.check("state.schema.json", {"ident": "a"}),
                         '(the whole document) must have required property "name"')


if __name__ == "__main__":
    run_and_summarise([FixtureReplay, Loading, Semantics])
