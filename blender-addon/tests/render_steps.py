"""The steps of test_addon.py about rendering (test_13 to test_17): preflight finds problems planted
in a saved file and is content once they are fixed; a render on the farm is followed to its frames,
render times and picture; a failed render shows its log tail; what a render was missing shows in the
panel; a render can be cancelled by who started it but not by a teammate. AddonTest takes them in
with the other steps, and unittest runs them all in the order of their names.
"""

import os
import time
import unittest

import bpy

from in_blender import ARGS, addon, cache, drawn, log_in, result, settle


class RenderSteps:
    """Steps of AddonTest (a unittest.TestCase), which runs them in one session with its own."""

    def test_13_preflight_finds_planted_problems_in_a_saved_file(self):
        rfam = addon()
        root = cache().location.root
        os.makedirs(os.path.join(root, "textures"), exist_ok=True)
        inside_abs = os.path.join(root, "textures", "present.png")
        _write_png(inside_abs)
        scene = bpy.context.scene
        material = bpy.data.materials.new("Planted")
        material.use_nodes = True
        nodes = material.node_tree.nodes
        for name, path in (("missing_wood", "//../textures/missing_wood.png"), ("present", inside_abs),
                           ("outside", ARGS["outsideFile"])):
            image = bpy.data.images.new(name, 4, 4)
            image.source = 'FILE'
            image.filepath = path
            node = nodes.new("ShaderNodeTexImage")
            node.image = image
        material.use_fake_user = True       # kept in the file although no object uses it
        # A library that is linked, then deleted.
        library_file = os.path.join(root, "props", "gone_library.blend")
        lib_material = bpy.data.materials.new("FromLibrary")
        bpy.data.libraries.write(library_file, {lib_material})
        bpy.data.materials.remove(lib_material)
        with bpy.data.libraries.load(library_file, link=True, relative=True) as (source, target):
            target.materials = ["FromLibrary"]
        holder = bpy.data.objects.new("Holder", bpy.data.meshes.new("HolderMesh"))
        holder.data.materials.append(target.materials[0])
        scene.collection.objects.link(holder)
        scene.render.image_settings.file_format = 'FFMPEG'
        scene.render.engine = 'CYCLES'
        scene.cycles.use_denoising = True
        bpy.ops.wm.save_mainfile()
        os.remove(library_file)
        # Reopen: the problems come from the file on disk, not from this session's memory.
        bpy.ops.wm.open_mainfile(filepath=bpy.data.filepath)
        settle(lambda: cache().file_status != 'loading')
        problems = rfam.preflight.check(bpy.context, video=False)
        sentences = [p.sentence() for p in problems]
        result("preflight", sentences)
        stops = "\n".join(p.message for p in rfam.preflight.blocking(problems))
        self.assertIn("The image 'missing_wood' is missing: //../textures/missing_wood.png is not there.", stops)
        self.assertIn("The linked library 'gone_library.blend' is missing: //gone_library.blend is not there.", stops)
        outside = os.path.normpath(ARGS["outsideFile"])
        self.assertIn("The image 'outside' is outside the project folder (%s)" % outside, stops)
        self.assertIn("The image 'present' is loaded by an absolute path", stops)
        warnings = "\n".join(p.message for p in problems if not p.blocking)
        self.assertIn("the farm will write PNG pictures, not one movie per frame", warnings)
        self.assertIn("Cycles denoising is on", warnings)
        self.assertTrue(all(p.fix for p in problems), "every problem says how to fix it")
        self.assertEqual([p.operator for p in problems if "absolute path" in p.message], ["file.make_paths_relative"])
        layout = drawn(rfam.panel.draw_render)
        self.assertIn("The image 'missing_wood' is missing", layout.texts())
        self.assertFalse(layout.operators()["rfam.submit_render"][3], "Render is disabled while something blocks")
        with self.assertRaisesRegex(RuntimeError,
                                    "Not sent: The linked library 'gone_library.blend' is missing.*3 more"):
            bpy.ops.rfam.submit_render()

    def test_14_fixing_the_problems_clears_preflight(self):
        rfam = addon()
        bpy.ops.file.make_paths_relative()
        for name in ("missing_wood", "outside"):
            bpy.data.images.remove(bpy.data.images[name])
        bpy.data.objects.remove(bpy.data.objects["Holder"])
        bpy.data.libraries.remove(bpy.data.libraries["gone_library.blend"])
        scene = bpy.context.scene
        scene.render.image_settings.file_format = 'PNG'
        scene.cycles.use_denoising = False
        # Background Blender does not always mark Python edits as unsaved, so that check is fed directly.
        unsaved = rfam.preflight.scan(scene, bpy.data.filepath, True, False)
        self.assertEqual([p.message for p in unsaved],
                         ["This file has unsaved changes; the farm renders the file as saved."])
        self.assertEqual(unsaved[0].operator, "wm.save_mainfile")
        bpy.ops.wm.save_mainfile()
        self.assertEqual(rfam.preflight.check(bpy.context, video=False), [])
        self.assertIn("Ready for the farm.", drawn(rfam.panel.draw_render).texts())
        self.assertTrue(bpy.data.images["present"].filepath.startswith("//"))

    @unittest.skipUnless(ARGS.get("farm"), "no render node in this run")
    def test_15_renders_on_the_farm_and_follows_the_job(self):
        rfam = addon()
        scene = bpy.context.scene
        scene.frame_start, scene.frame_end, scene.frame_step = 1, 3, 1
        scene.render.resolution_x, scene.render.resolution_y, scene.render.resolution_percentage = 64, 36, 100
        scene.cycles.samples = 1
        rfam.state.ui().render_own_priority = True
        rfam.state.ui().render_priority = 70
        self.assertEqual(bpy.ops.rfam.submit_render(save=True), {'FINISHED'})
        settle()
        job = cache().job
        self.assertIsNotNone(job, cache().message)
        self.assertEqual(job["path"], "props/cake_copy.blend")
        self.assertEqual((job["frameStart"], job["frameEnd"], job["video"], job["priority"]), (1, 3, False, 70))
        self.assertIn("Render job 'Cake copy' sent: 3 frame(s)", cache().message)
        result("job", {"id": job["id"], "output": job["output"]})
        statuses = follow_job()
        job = cache().job
        self.assertEqual(job["status"], "completed", job.get("lastFailure"))
        self.assertEqual(job["counts"]["done"], 3)
        result("statuses", sorted(statuses))
        text = drawn(rfam.panel.draw_render).texts()
        self.assertIn("3 frames, 24 fps, 64×36, ", text, "what the farm renders, in plain words")
        self.assertIn("3 of 3 frames done (100%)", text)
        self.assertIn("a frame", text)
        self.assertIn("The render job 'Cake copy' has ended: Done.", cache().message)
        settle(lambda: cache().file_status == 'asset')
        # The farm wrote the frames' times into the sidecar; the panel summarises them.
        deadline = time.monotonic() + 20
        while not (cache().asset["meta"].get("renderStats") or {}).get("frames"):
            self.assertLess(time.monotonic(), deadline, "no render statistics in the asset")
            time.sleep(0.5)
            rfam.asset_ops.refresh()
            settle()
        self.assertIn("Fastest", drawn(rfam.panel.draw_asset).texts())
        # The last frame's picture was fetched and loaded (background Blender makes no icons of it).
        deadline = time.monotonic() + 20
        while cache().preview_size == (0, 0):
            self.assertLess(time.monotonic(), deadline, "no picture of the last frame")
            rfam.render.poll_job_now()
            settle()
            time.sleep(0.3)
        self.assertEqual(cache().preview_size, (64, 36))
        with open(rfam.render._picture.file, "rb") as f:
            self.assertEqual(f.read(3), b"\xff\xd8\xff", "a JPEG from the server")

    @unittest.skipUnless(ARGS.get("farm"), "no render node in this run")
    def test_16_a_failed_render_shows_its_log_tail(self):
        rfam = addon()
        bpy.context.scene.cycles.use_denoising = True      # Debian's Blender has no OpenImageDenoise
        bpy.ops.rfam.submit_render(save=True)
        settle()
        follow_job()
        job = cache().job
        self.assertEqual(job["status"], "failed")
        failure = job["lastFailure"]
        self.assertIn("OpenImageDenoise", failure["message"])
        layout = drawn(rfam.panel.draw_render)
        self.assertIn("failed on", layout.texts())
        self.assertIn(failure["logTail"].strip().splitlines()[-1][-20:], layout.texts(), "the end of the log shows")
        self.assertIn("rfam.copy_log", layout.operators())
        self.assertEqual(bpy.ops.rfam.copy_log(), {'FINISHED'})   # (background Blender has no clipboard)
        result("failure", failure["message"])
        bpy.context.scene.cycles.use_denoising = False

    def test_16b_what_a_render_was_missing_shows_in_the_panel(self):
        rfam = addon()
        # As the server sends a job that rendered without a library, and the asset that keeps it.
        said = "Rendered, but props/cake.blend is missing: Cake is not in the picture. Put it back where it was."
        warning = {"code": "missing-library", "path": "props/cake.blend", "message": said}
        saved_job, saved_asset = cache().job, cache().asset
        try:
            cache().job = {"id": "0" * 8, "name": "Party", "status": "completed", "message": said.split(" Put")[0],
                           "counts": {"done": 2, "frames": 2, "failed": 0}, "progress": 1.0, "nodes": [],
                           "meanFrameSeconds": 1.0, "warnings": [warning], "canChange": True}
            text = drawn(rfam.panel.draw_render).texts()
            self.assertIn("Rendered, but props/cake.blend is missing: Cake is not in the picture.", text)
            self.assertIn("Put it back where it was.", text, "the warning with what to do")
            if saved_asset is not None:
                cache().asset = dict(saved_asset, meta=dict(saved_asset["meta"], renderWarnings=[warning]))
                text = drawn(rfam.panel.draw_asset).texts()
                self.assertIn("Its latest render was missing something:", text)
                self.assertIn("Cake is not in the picture.", text)
        finally:
            cache().job, cache().asset = saved_job, saved_asset

    @unittest.skipUnless(ARGS.get("farm"), "no render node in this run")
    def test_17_a_render_can_be_cancelled_by_who_started_it_not_by_a_teammate(self):
        rfam = addon()
        scene = bpy.context.scene
        # Frames of their own (from 1001): the node may write some while a teammate tries, apart
        # from the three of test_15 that the tap side counts.
        scene.frame_start, scene.frame_end = 1001, 1200
        rfam.state.ui().render_own_priority = False
        bpy.ops.rfam.submit_render(save=True)
        settle()
        self.assertTrue(rfam.render.is_active(cache().job))
        self.assertIn("rfam.cancel_render", drawn(rfam.panel.draw_render).operators())
        mine = cache().job["id"]
        # A teammate opens the same file: the panel still shows the view fetched before, so the
        # button is there; the server refuses and its sentence is what the panel says.
        log_in(user="leo")
        self.assertEqual(cache().job["id"], mine)
        bpy.ops.rfam.cancel_render()
        settle()
        self.assertEqual(cache().message_level, 'ERROR')
        self.assertEqual(cache().message, "Not allowed: This is Mia Chen's render of \"Cake copy\". "
                                          "Only Mia Chen or a teacher can change it.")
        self.assertTrue(rfam.render.is_active(cache().job), "still rendering")
        self.assertFalse(cache().job["canChange"], "the fresh view says leo may not")
        layout = drawn(rfam.panel.draw_render)
        self.assertNotIn("rfam.cancel_render", layout.operators())
        self.assertIn("or a teacher can change it.", layout.texts())
        with self.assertRaisesRegex(RuntimeError, "poll"):
            bpy.ops.rfam.cancel_render()
        log_in()
        settle(lambda: cache().job is not None and cache().job["id"] == mine)
        rfam.render.poll_job_now()
        settle()
        self.assertTrue(cache().job["canChange"])
        bpy.ops.rfam.cancel_render()
        settle()
        self.assertEqual(cache().job["status"], "cancelled", cache().message)
        self.assertIn("cancelled", cache().message)
        self.assertNotIn("rfam.cancel_render", drawn(rfam.panel.draw_render).operators())
        result("cancelled", cache().job["id"])


def follow_job(seconds=None):
    """Polls the followed job as the panel's timer would, until it is no longer running."""
    rfam = addon()
    deadline = time.monotonic() + float(seconds or ARGS.get("farmSeconds", 240))
    statuses = set()
    while rfam.render.is_active(cache().job):
        if time.monotonic() > deadline:
            raise AssertionError("the job is still %s" % cache().job["status"])
        statuses.add(cache().job["status"])
        rfam.render.poll_job_now()
        settle()
        time.sleep(0.3)
    statuses.add(cache().job["status"])
    return statuses


def _write_png(path):
    """A 1×1 PNG, written by hand so no image library is needed."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)
    raw = b"\x00\xff\x00\x00"
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) + \
        chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)
