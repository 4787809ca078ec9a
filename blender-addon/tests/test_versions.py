"""The add-on says when no render node can render the file it sent; run by
test/addon/blender-versions.blender.test.ts:

    BLENDER_USER_SCRIPTS=<temp> blender -b <project>/props/cake.blend --factory-startup \\
        --python-exit-code 1 --python blender-addon/tests/test_versions.py -- '<json>'

The JSON names: zip (the built add-on), server, project, user, and farm (the farm's one Blender
version, older than the Blender 3.4 that saved cake.blend). Prints a last line 'N passed, N failed'.
"""

import os
import sys
import unittest

import bpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from in_blender import ARGS, cache, drawn, install, log_in, result, settle  # noqa: E402
from unittest_run import run_and_summarise  # noqa: E402

rfam = None          # the add-on's package, once installed from the zip
SENTENCE = ("Saved with Blender 3.4; the farm has only {farm}. Save it with {farm} (or ask for a node with 3.4)."
            .format(farm=ARGS["farm"]))


class VersionsTest(unittest.TestCase):

    def test_01_installs_and_logs_in(self):
        global rfam
        rfam = install(self)
        log_in()
        settle(lambda: cache().file_status in {'asset', 'not_asset'})
        self.assertEqual(cache().file_status, 'asset', cache().message)

    def test_02_a_render_no_node_can_do_says_why_when_sent(self):
        scene = bpy.context.scene
        scene.frame_start, scene.frame_end = 1, 1
        self.assertEqual(bpy.ops.rfam.submit_render(save=True), {'FINISHED'})
        settle()
        job = cache().job
        self.assertIsNotNone(job, cache().message)
        result("job", job["id"])
        self.assertEqual(job["cannotRender"]["message"], SENTENCE)
        self.assertIn(SENTENCE, cache().message, "the message after sending says it")
        self.assertEqual(cache().message_level, 'WARNING')

    def test_03_the_panel_says_it_under_the_job(self):
        texts = drawn(rfam.panel.draw_render).texts()
        self.assertIn(SENTENCE, texts)

    def test_04_in_german_too(self):
        rfam.words.use("de")
        try:
            self.assertIn("Mit Blender 3.4 gespeichert; die Renderfarm hat nur %s. Speichere die Datei mit %s"
                          % (ARGS["farm"], ARGS["farm"]), drawn(rfam.panel.draw_render).texts())
        finally:
            rfam.words.use("en")


run_and_summarise([VersionsTest], verbosity=2, failfast=True)
