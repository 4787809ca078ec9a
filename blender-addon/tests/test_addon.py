"""The add-on in real Blender (headless) against a real RFAM server; run by test/addon/addon.blender.test.ts.

    BLENDER_USER_SCRIPTS=<temp> blender -b <project>/props/cake.blend --factory-startup \\
        --python-exit-code 1 --python blender-addon/tests/test_addon.py -- '<json>'

The JSON names: zip (the built add-on), server and deadServer (URLs), project, user (the owner of
the open file's asset), newState and newPriority (what to change it to), outsideFile (an existing
file outside the project), thumbnailSize (of the preview the open file holds) and farm (true when
render nodes run: submit and wait for the frames).
The tap side checks the disk afterwards; this script prints 'RFAM_RESULT <json>' lines for it and
a last line 'N passed, N failed'.

Blender never fires bpy.app.timers while a -b --python script runs, so the tests drain the add-on's
reply queue themselves (client.drain_results) until nothing is pending.
"""

import json
import os
import sys
import tempfile
import time
import unittest

import bpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from unittest_run import run_and_summarise  # noqa: E402

ARGS = json.loads(sys.argv[sys.argv.index("--") + 1])
rfam = None          # the add-on's package, once installed from the zip


def result(key, value):
    print("RFAM_RESULT %s" % json.dumps({key: value}), flush=True)


def settle(until=None, timeout=60.0):
    """Runs the replies of every request out, until none is pending (and `until()` holds)."""
    deadline = time.monotonic() + timeout
    while True:
        rfam.client.drain_results()
        if rfam.client.pending() == 0 and (until is None or until()):
            return
        if time.monotonic() > deadline:
            raise AssertionError("still waiting after %ss: %d request(s) pending, message %r"
                                 % (timeout, rfam.client.pending(), rfam.state.cache.message))
        time.sleep(0.02)


def prefs():
    return bpy.context.preferences.addons["rfam"].preferences


def cache():
    return rfam.state.cache


def log_in(user=None, secret=""):
    p = prefs()
    p.server_url = ARGS["server"]
    p.project = ARGS["project"]
    p.user = user or ARGS["user"]
    p.secret = secret
    bpy.ops.rfam.login()
    settle()


# ---------------------------------------------------------------------------------------------
# A layout that records what a panel draws (Blender draws nothing in background mode).

class Recorder:
    def __init__(self, log=None):
        self.log = [] if log is None else log
        self.enabled = True
        self.alert = False
        self.active = True
        self.scale_y = 1.0

    def _child(self, *_args, **_kwargs):
        return Recorder(self.log)

    row = column = box = split = column_flow = grid_flow = _child

    def label(self, text="", icon='NONE', **_kwargs):
        self.log.append(("label", text, icon))

    def prop(self, data, name, text=None, **_kwargs):
        self.log.append(("prop", name, text))

    def operator(self, idname, text=None, icon='NONE', **_kwargs):
        self.log.append(("operator", idname, text, self.enabled))
        return type("OperatorProperties", (), {})()

    def template_icon(self, icon_value=0, scale=1.0):
        self.log.append(("icon", icon_value))

    def separator(self, **_kwargs):
        pass

    def texts(self):
        """Every label, joined by spaces (wrapped paragraphs come back whole)."""
        return " ".join(entry[1] for entry in self.log if entry[0] == "label")

    def operators(self):
        return {entry[1]: entry for entry in self.log if entry[0] == "operator"}

    def props(self):
        return [entry[1] for entry in self.log if entry[0] == "prop"]


def drawn(draw):
    layout = Recorder()
    draw(layout, bpy.context)
    return layout


# ---------------------------------------------------------------------------------------------

class AddonTest(unittest.TestCase):
    """Steps of one session, in order (unittest runs methods by name)."""

    def test_01_installs_and_enables_from_the_built_zip(self):
        global rfam
        self.assertEqual(bpy.ops.preferences.addon_install(filepath=ARGS["zip"], overwrite=True), {'FINISHED'})
        self.assertEqual(bpy.ops.preferences.addon_enable(module="rfam"), {'FINISHED'})
        import rfam as installed
        rfam = installed
        scripts = os.path.realpath(os.environ["BLENDER_USER_SCRIPTS"])
        self.assertTrue(os.path.realpath(rfam.__file__).startswith(scripts),
                        "loaded from the zip's install (%s), not from the repository" % rfam.__file__)
        self.assertIn("rfam", bpy.context.preferences.addons.keys())
        self.assertTrue(hasattr(bpy.types, "VIEW3D_PT_rfam"))
        self.assertEqual(rfam.bl_info["blender"], (3, 0, 0))

    def test_02_before_log_in_the_panel_asks_for_it(self):
        rfam.asset_ops.on_file_loaded()
        self.assertEqual(cache().file_status, 'logged_out')
        self.assertEqual(cache().location.path, "props/cake.blend", "found the project folder by its project.json")
        layout = drawn(rfam.panel.draw_login)
        self.assertEqual(layout.props(), ["connect_code", "by_name"], "a connect code first (test_connect.py)")
        prefs().server_url = ARGS["server"]
        prefs().by_name = True               # asks the server for its projects and people
        settle()
        layout = drawn(rfam.panel.draw_login)
        self.assertEqual(layout.props(), ["connect_code", "by_name", "server_url", "project", "person", "secret"],
                         "project and person picked by name (test_connect.py logs in so)")
        self.assertIn("rfam.login", layout.operators())
        prefs().by_name = False
        self.assertIn("Log in to see this file's asset.", drawn(rfam.panel.draw_asset).texts())

    def test_03_a_dead_server_gives_a_clear_message(self):
        p = prefs()
        p.server_url = ARGS["deadServer"]
        p.project, p.user = ARGS["project"], ARGS["user"]
        bpy.ops.rfam.login()
        settle()
        message = cache().message
        result("deadServerMessage", message)
        self.assertIn("Cannot reach the RFAM server at %s" % ARGS["deadServer"], message)
        self.assertIn("nothing answers there", message)
        self.assertNotIn("Traceback", message)
        self.assertEqual(cache().message_level, 'ERROR')
        self.assertEqual(p.token, "")
        self.assertIn("Cannot reach the RFAM server", drawn(rfam.panel.draw_login).texts())

    def test_04_a_wrong_address_and_a_missing_pin_say_so(self):
        prefs().server_url = "localhost:8080"
        bpy.ops.rfam.login()
        settle()
        self.assertIn("is not a web address", cache().message)
        log_in(user="teacher")
        self.assertEqual(cache().message, "Type your password or PIN.", "the server's own sentence")
        self.assertEqual(prefs().token, "")
        log_in(user="nobody")
        self.assertEqual(cache().message, "That person or project does not exist.")

    def test_04b_a_server_that_is_not_rfam_or_does_not_answer_says_so(self):
        prefs().server_url = ARGS["htmlServer"]
        bpy.ops.rfam.login()
        settle()
        self.assertEqual(cache().message, "The address %s answers, but not like an RFAM server: check the server "
                         "address in the add-on's preferences." % ARGS["htmlServer"])
        rfam.session.check_version()
        settle()
        self.assertIn("This add-on does not match the server (RFAM 9.9.9): their contracts differ",
                      cache().version_warning)
        self.assertIn(cache().version_warning[:40], drawn(rfam.panel.draw_login).texts())
        cache().version_warning = ""
        timeout = rfam.client.TIMEOUT_SECONDS
        rfam.client.TIMEOUT_SECONDS = 1
        try:
            prefs().server_url = ARGS["silentServer"]
            bpy.ops.rfam.login()
            # The operator has returned while its request is still out: Blender's UI would go on.
            self.assertEqual(rfam.client.pending(), 1)
            self.assertIn("login", cache().busy)
            settle()
        finally:
            rfam.client.TIMEOUT_SECONDS = timeout
        self.assertIn("The RFAM server at %s did not answer within 1 seconds" % ARGS["silentServer"], cache().message)

    def test_05_logs_in_and_sees_the_open_files_asset(self):
        log_in(secret="")
        p = prefs()
        self.assertTrue(p.token, cache().message)
        self.assertEqual(p.secret, "", "the secret is forgotten once used")
        settle(lambda: cache().file_status != 'loading')
        self.assertEqual(cache().version_warning, "", "the add-on's contract matches the server's")
        self.assertEqual(cache().file_status, 'asset', cache().file_error)
        meta = cache().asset["meta"]
        self.assertEqual(meta["name"], "Cake")
        self.assertEqual(meta["owner"], ARGS["user"])
        self.assertEqual(cache().session["user"]["ident"], ARGS["user"])
        self.assertTrue(cache().defaults["states"], "the project's states are known")
        self.assertTrue(rfam.asset_ops.can_edit())
        result("loggedInAs", p.logged_in_as)

    def test_06_the_panel_shows_the_asset(self):
        layout = drawn(rfam.panel.draw_asset)
        text = layout.texts()
        meta = cache().asset["meta"]
        for expected in ("Cake", "props/cake.blend", "Prop", rfam.state.user_name(meta["owner"]), "Render times",
                         "Never rendered yet."):
            self.assertIn(expected, text)
        self.assertEqual(rfam.state.user_name("mia"), "Mia Chen")
        self.assertIn("edit_state", layout.props())
        self.assertIn("edit_priority", layout.props())
        self.assertIn("edit_description", layout.props())
        self.assertFalse(layout.operators()["rfam.update_asset"][3], "Save is disabled while nothing changed")
        main = drawn(rfam.panel.draw_login)
        self.assertIn("rfam.logout", main.operators())

    def test_06a_the_panel_has_the_files_picture(self):
        # The server read the preview in the .blend (the tap side put one in) and sends it as a PNG.
        settle(lambda: cache().thumbnail_size != (0, 0))
        self.assertEqual(list(cache().thumbnail_size), ARGS["thumbnailSize"])
        self.assertTrue(cache().thumbnail_tag.startswith("b"), cache().thumbnail_tag)
        with open(rfam.asset_ops._thumbnail_file, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        before = rfam.asset_ops._thumbnail_file
        rfam.asset_ops.fetch_thumbnail(cache().asset)
        settle()
        self.assertEqual(rfam.asset_ops._thumbnail_file, before, "one picture is fetched once")

    def test_06b_render_statistics_are_summarised(self):
        meta = cache().asset["meta"]
        at = "2025-07-14T09:30:00Z"
        meta["renderStats"] = {"frames": {"1": [{"seconds": 99.0, "at": at}, {"seconds": 10.0, "at": at}],
                                          "2": [{"seconds": 30.0, "at": at}], "3": [{"seconds": 20.0, "at": at}]},
                               "video": []}
        scene = bpy.context.scene
        range_before = (scene.frame_start, scene.frame_end, scene.frame_step)
        scene.frame_start, scene.frame_end, scene.frame_step = 1, 120, 1
        try:
            text = drawn(rfam.panel.draw_asset).texts()
        finally:
            del meta["renderStats"]
            scene.frame_start, scene.frame_end, scene.frame_step = range_before
        self.assertIn("Average frame: 20 s", text, "the latest sample of each frame counts")
        self.assertIn("Fastest frame: 10 s (frame 1)", text)
        self.assertIn("Slowest frame: 30 s (frame 2)", text)
        self.assertIn("All 120 frames: about 40 min 00 s on one computer.", text)
        self.assertEqual(rfam.render_stats.duration(7265), "2 h 01 min")
        self.assertEqual(rfam.render_stats.duration(0.84), "0.8 s")

    def test_07_the_owner_changes_state_priority_and_description(self):
        before = cache().asset["meta"]["state"]
        self.assertNotEqual(before, ARGS["newState"])
        bpy.ops.rfam.update_asset(state=ARGS["newState"])
        settle()
        self.assertEqual(cache().asset["meta"]["state"], ARGS["newState"], cache().message)
        self.assertIn("Saved: state is", cache().message)
        self.assertEqual(rfam.state.ui().edit_state, ARGS["newState"], "the panel's field follows")
        # The panel's own fields: edit, then Save changes.
        ui = rfam.state.ui()
        ui.edit_priority = ARGS["newPriority"]
        ui.edit_description = "Three layers, one cherry, now with sprinkles."
        self.assertEqual(rfam.state.edited_fields(), {"priority": ARGS["newPriority"],
                                                      "description": "Three layers, one cherry, now with sprinkles."})
        self.assertTrue(drawn(rfam.panel.draw_asset).operators()["rfam.update_asset"][3], "Save is enabled")
        bpy.ops.rfam.update_asset()
        settle()
        meta = cache().asset["meta"]
        self.assertEqual(meta["priority"], ARGS["newPriority"])
        self.assertEqual(rfam.state.edited_fields(), {})
        result("changed", {"state": meta["state"], "priority": meta["priority"], "description": meta["description"]})

    def test_08_a_refused_change_explains_itself_and_keeps_the_server_values(self):
        bpy.ops.rfam.update_asset(state="flying")
        settle()
        self.assertEqual(cache().message_level, 'ERROR')
        self.assertRegex(cache().message, r"cannot be in state \"flying\"; choose one of")
        self.assertEqual(rfam.state.ui().edit_state, ARGS["newState"])
        self.assertEqual(bpy.ops.rfam.update_asset(), {'CANCELLED'}, "nothing changed, nothing sent")
        self.assertEqual(rfam.client.pending(), 0)

    def test_09_a_teammate_who_does_not_own_the_asset_may_edit_it_too(self):
        # docs/security.md, "Who may do what": every member of a project may edit its assets.
        log_in(user="leo")
        settle(lambda: cache().file_status != 'loading')
        self.assertEqual(cache().file_status, 'asset', cache().file_error or cache().message)
        meta = cache().asset["meta"]
        self.assertEqual(meta["owner"], ARGS["user"], "the asset is not leo's")
        self.assertNotIn("leo", meta.get("support") or [], "nor does leo help on it")
        self.assertFalse(cache().session["user"]["staff"], "and leo is not staff")
        self.assertTrue(rfam.asset_ops.can_edit())
        layout = drawn(rfam.panel.draw_asset)
        for field in ("edit_state", "edit_priority", "edit_description"):
            self.assertIn(field, layout.props(), "the panel offers leo the edit controls")
        self.assertIn("rfam.update_asset", layout.operators())
        self.assertNotIn("can change this asset", layout.texts())
        # The server agrees: leo's change is saved (then put back, for the tap side's checks).
        description = meta["description"]
        bpy.ops.rfam.update_asset(description="Checked by Leo.")
        settle()
        self.assertEqual(cache().message_level, 'INFO', cache().message)
        self.assertEqual(cache().asset["meta"]["description"], "Checked by Leo.", "the server's reply has it")
        bpy.ops.rfam.update_asset(description=description)
        settle()
        self.assertEqual(cache().asset["meta"]["description"], description, cache().message)
        # Logged out (the token forgotten after a 401, say) with the asset still shown: read-only.
        token = prefs().token
        prefs().token = ""
        try:
            self.assertFalse(rfam.asset_ops.can_edit())
            with self.assertRaisesRegex(RuntimeError, "poll"):
                bpy.ops.rfam.update_asset(state=ARGS["newState"])
            layout = drawn(rfam.panel.draw_asset)
            self.assertNotIn("edit_state", layout.props())
            self.assertIn("Log in to change this asset.", layout.texts())
        finally:
            prefs().token = token
        log_in()
        settle(lambda: cache().file_status == 'asset')
        self.assertEqual(cache().session["user"]["ident"], ARGS["user"])

    def test_10_the_token_never_lands_in_a_blend(self):
        handle, copy = tempfile.mkstemp(suffix=".blend")
        os.close(handle)
        try:
            bpy.ops.wm.save_as_mainfile(filepath=copy, copy=True, compress=False)
            with open(copy, "rb") as f:
                data = f.read()
            self.assertGreater(len(data), 1000)
            self.assertNotIn(prefs().token.encode(), data)
        finally:
            os.remove(copy)

    def test_11_an_expired_log_in_asks_to_log_in_again(self):
        token = prefs().token
        prefs().token = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
        rfam.asset_ops.refresh()
        settle()
        self.assertIn("Your RFAM log-in has ended: log in again", cache().message)
        self.assertEqual(prefs().token, "", "the dead token is forgotten")
        self.assertEqual(cache().file_status, 'logged_out')
        log_in()
        settle(lambda: cache().file_status == 'asset')

    def test_12_a_file_that_is_not_an_asset_can_be_registered(self):
        target = os.path.join(cache().location.root, "props", "cake_copy.blend")
        bpy.ops.wm.save_as_mainfile(filepath=target)
        settle(lambda: cache().file_status != 'loading')
        self.assertEqual(cache().file_status, 'not_asset', cache().file_error)
        self.assertEqual(rfam.state.ui().new_name, "Cake copy")
        layout = drawn(rfam.panel.draw_asset)
        self.assertIn("props/cake_copy.blend is not an asset of your project yet.", layout.texts())
        self.assertIn("new_type", layout.props())
        self.assertIn("rfam.register_asset", layout.operators())
        rfam.state.ui().new_type = "prop"
        bpy.ops.rfam.register_asset()
        settle()
        self.assertEqual(cache().file_status, 'asset', cache().message)
        self.assertEqual(cache().asset["path"], "props/cake_copy.blend")
        result("registered", cache().asset["path"])

    def test_12b_a_file_that_is_not_a_blend_is_refused_in_the_servers_words(self):
        root = cache().location.root
        copy = os.path.join(root, "props", "cake_copy.blend")
        garbled = os.path.join(root, "props", "garbled.blend")
        bpy.ops.wm.save_as_mainfile(filepath=garbled)
        settle(lambda: cache().file_status != 'loading')
        self.assertEqual(cache().file_status, 'not_asset', cache().file_error)
        with open(garbled, "wb") as f:          # a sync tool, a full disk: the bytes on disk are not a .blend
            f.write(bytes(range(7, 250, 3)))
        rfam.state.ui().new_type = "prop"
        bpy.ops.rfam.register_asset()
        settle()
        self.assertEqual(cache().file_status, 'not_asset')
        self.assertIn('"props/garbled.blend" is not a .blend file', cache().message)
        self.assertIn("save it as props/garbled.blend (File > Save As)", cache().message)
        result("garbledMessage", cache().message)
        bpy.ops.wm.save_as_mainfile(filepath=copy)      # back to the registered file for the steps below
        settle(lambda: cache().file_status == 'asset')

    def test_13_preflight_finds_planted_problems_in_a_saved_file(self):
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
        with open(rfam.render._preview_file, "rb") as f:
            self.assertEqual(f.read(3), b"\xff\xd8\xff", "a JPEG from the server")

    @unittest.skipUnless(ARGS.get("farm"), "no render node in this run")
    def test_16_a_failed_render_shows_its_log_tail(self):
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

    def test_18_files_that_are_not_in_a_project_say_so(self):
        bpy.ops.wm.read_homefile(use_empty=True)
        self.assertEqual(cache().file_status, 'unsaved', "load_post ran the add-on's handler")
        self.assertIn("This file has not been saved yet.", drawn(rfam.panel.draw_asset).texts())
        elsewhere = tempfile.mkdtemp(prefix="rfam-elsewhere-")
        bpy.ops.wm.save_as_mainfile(filepath=os.path.join(elsewhere, "loose.blend"))
        self.assertEqual(cache().file_status, 'outside', "save_post noticed the new place")
        self.assertIn("not inside a project folder", drawn(rfam.panel.draw_asset).texts())
        problems = rfam.preflight.check(bpy.context, video=False)
        self.assertTrue(problems[0].blocking)
        self.assertEqual(problems[0].message, "This file is not inside a project folder, so the farm cannot find it.")
        with self.assertRaisesRegex(RuntimeError, "poll"):
            bpy.ops.rfam.submit_render()
        self.assertIn("Open a saved file of your project to render it.", drawn(rfam.panel.draw_render).texts())

    def test_19_log_out_ends_the_log_in_on_the_server(self):
        log_in()
        token = prefs().token
        self.assertTrue(token, cache().message)
        rfam.session.after_login()
        settle()
        self.assertEqual(prefs().expires, cache().session["expires"], "the end the server gave, renewed by use")
        bpy.ops.rfam.logout()
        self.assertEqual(prefs().token, "", "forgotten here at once")
        settle()
        self.assertEqual(cache().message, "Logged out.")
        replies = []
        rfam.client.request(ARGS["server"], "GET", "/api/session", replies.append, token=token)
        settle()
        self.assertEqual(replies[0].status, 401, "the server refuses the old token")
        result("loggedOutToken", token)


def follow_job(seconds=None):
    """Polls the followed job as the panel's timer would, until it is no longer running."""
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


run_and_summarise([AddonTest], verbosity=2, failfast=True, count_skipped=True)
