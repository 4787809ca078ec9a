"""The add-on's preflight on one .blend of a project; run by test/addon/preflight-paths.blender.test.ts on the
files test/node/make-hostile.py makes (the same files render nodes refuse):

    blender -b <project>/shots/<file>.blend --factory-startup --python-exit-code 1 \\
        --python blender-addon/tests/preflight_paths.py

Prints one line 'RFAM_PREFLIGHT <json>': {"blocking": [sentence, ...], "warnings": [sentence, ...]}.
The add-on is imported from this repository, not installed: only its checks run.
"""

import json
import os
import sys

import bpy

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from rfam import preflight  # noqa: E402

problems = preflight.scan(bpy.context.scene, bpy.data.filepath, False, False)
print("RFAM_PREFLIGHT " + json.dumps({
    "blocking": [p.sentence() for p in problems if p.blocking],
    "warnings": [p.sentence() for p in problems if not p.blocking],
}), flush=True)
