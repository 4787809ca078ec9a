"""Choosing what a render job renders on (Any / GPU only / CPU only) in the add-on, in real Blender
(headless) against a real RFAM server with one render node that has no graphics card; run by
test/addon/device.blender.test.ts:

    BLENDER_USER_SCRIPTS=<temp> blender -b <project>/props/cake.blend --factory-startup \\
        --python-exit-code 1 --python blender-addon/tests/test_device.py -- '<json>'

The JSON names: zip (the built add-on), server, project, user (the owner of the open file's asset) and
cannotRenderGpu (what the server says of a GPU job no node can render). Prints 'RFAM_RESULT <json>'
lines (the ids of the jobs sent) for the tap side, which checks them on the server, and a last line
'N passed, N failed'.
"""

import os
import sys
import unittest

import bpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from in_blender import ARGS, cache, drawn, install, log_in, result, settle  # noqa: E402
from unittest_run import run_and_summarise  # noqa: E402

rfam = None          # the add-on's package, once installed from the zip


def send(device):
    """Chooses `device` in the panel, presses Render and waits for the server's job."""
    rfam.state.ui().render_device = device
    before = (cache().job or {}).get("id")
    done = bpy.ops.rfam.submit_render()
    settle(lambda: (cache().job or {}).get("id") not in (None, before))
    return done, cache().job


class DeviceTest(unittest.TestCase):
    """Steps of one session, in order (unittest runs methods by name)."""

    def test_01_the_choice_is_drawn_with_the_render_settings(self):
        global rfam
        rfam = install(self)
        log_in()
        settle(lambda: cache().file_status == 'asset')
        scene = bpy.context.scene
        scene.frame_start, scene.frame_end = 1, 1
        layout = drawn(rfam.panel.draw_render)
        props = layout.props()
        self.assertIn("render_device", props)
        self.assertEqual(props.index("render_device"), props.index("render_video") + 1, "beside the other settings")
        self.assertIn("Render on", layout.words())
        self.assertEqual(rfam.state.ui().render_device, "any", "Any unless the person chooses")
        items = rfam.state._devices(None, bpy.context)
        self.assertEqual([(ident, name) for ident, name, _tip in items],
                         [("any", "Any"), ("gpu", "GPU only"), ("cpu", "CPU only")], "the web page's names")
        tips = {ident: tip for ident, _name, tip in items}
        self.assertIn("graphics card (GPU)", tips["any"], "each choice says what it does, in plain words")
        self.assertIn("Waits for a render node with a graphics card", tips["gpu"])
        self.assertIn("processor (CPU)", tips["cpu"])

    def test_02_gpu_only_on_a_farm_without_one_says_why_it_waits(self):
        done, job = send("gpu")
        self.assertEqual(done, {'FINISHED'})
        self.assertEqual(job["device"], "gpu", cache().message)
        result("gpu", job["id"])
        self.assertEqual(job["cannotRender"]["sentence"]["key"], "job:cannot-render-gpu")
        self.assertIn(ARGS["cannotRenderGpu"], cache().message, "said when sent")
        text = drawn(rfam.panel.draw_render).texts()
        self.assertIn(ARGS["cannotRenderGpu"], text, "and in the panel, under the job")
        self.assertIn("%s: Waiting (GPU only)" % job["name"], text, "the job's line says what it waits for")
        # Followed a while later, the job still says why.
        rfam.render.poll_job_now()
        settle()
        self.assertEqual(cache().job["status"], "queued")
        self.assertIn(ARGS["cannotRenderGpu"], drawn(rfam.panel.draw_render).texts())

    def test_03_cpu_only(self):
        _done, job = send("cpu")
        self.assertEqual(job["device"], "cpu", cache().message)
        self.assertNotIn("cannotRender", job, "the node has a processor")
        self.assertIn("%s: " % job["name"], drawn(rfam.panel.draw_render).texts())
        self.assertIn("(CPU only)", drawn(rfam.panel.draw_render).texts())
        result("cpu", job["id"])
        bpy.ops.rfam.cancel_render()
        settle()

    def test_04_any_again(self):
        _done, job = send("any")
        self.assertEqual(job["device"], "any", cache().message)
        text = drawn(rfam.panel.draw_render).texts()
        self.assertNotIn("only)", text, "no device named for a job that takes any")
        result("any", job["id"])
        bpy.ops.rfam.cancel_render()
        settle()


if __name__ == "__main__":
    run_and_summarise([DeviceTest], failfast=True)
