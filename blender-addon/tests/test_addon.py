"""The add-on in real Blender (headless) against a real RFAM server; run by test/addon/addon.blender.test.ts.

    BLENDER_USER_SCRIPTS=<temp> blender -b <project>/props/cake.blend --factory-startup \\
        --python-exit-code 1 --python blender-addon/tests/test_addon.py -- '<json>'

The JSON names: zip (the built add-on), server and deadServer (URLs), project, user (the owner of
the open file's asset), newState and newPriority (what to change it to), outsideFile (an existing
file outside the project), thumbnailSize (of the preview the open file holds) and farm (true when
render nodes run: submit and wait for the frames).
The tap side checks the disk afterwards; this script prints 'RFAM_RESULT <json>' lines for it and
a last line 'N passed, N failed, N skipped'. Installing, settle() and drawn() are in_blender.py's,
as for the other scripts that test the add-on in Blender.
"""

import os
import sys
import tempfile
import unittest

import bpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from in_blender import ARGS, cache, drawn, install, log_in, prefs, result, settle  # noqa: E402
from render_steps import RenderSteps  # noqa: E402
from unittest_run import run_and_summarise  # noqa: E402

rfam = None          # the add-on's package, once installed from the zip


class AddonTest(RenderSteps, unittest.TestCase):
    """Steps of one session, in order (unittest runs methods by name); test_13 to test_17, about
    rendering, are render_steps.py's."""

    def test_01_installs_and_enables_from_the_built_zip(self):
        global rfam
        rfam = install(self)
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
        with open(rfam.asset_ops._picture.file, "rb") as f:
            self.assertEqual(f.read(8), b"\x89PNG\r\n\x1a\n")
        before = rfam.asset_ops._picture.file
        rfam.asset_ops.fetch_thumbnail(cache().asset)
        settle()
        self.assertEqual(rfam.asset_ops._picture.file, before, "one picture is fetched once")

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

    def test_06c_the_latest_note_shows_in_the_panel_as_text(self):
        self.assertIsNone(cache().latest_note, "no note on the asset yet")
        self.assertNotIn("Latest note", drawn(rfam.panel.draw_asset).texts())
        done = []
        text = "<b>Less</b> icing, @leo\nplease"
        rfam.session.call(rfam.api.add_note(ARGS["project"], cache().location.path, {"text": text}), done.append)
        settle(lambda: done)
        self.assertTrue(done[0].ok, done[0].error and done[0].error.text())
        bpy.ops.rfam.refresh()
        settle(lambda: cache().file_status == 'asset' and cache().latest_note is not None)
        self.assertEqual(cache().latest_note["text"], text)
        self.assertEqual(cache().latest_note["mentions"], ["leo"])
        drawn_text = drawn(rfam.panel.draw_asset).texts()
        self.assertIn("Latest note", drawn_text)
        self.assertIn("<b>Less</b> icing, @leo please", drawn_text, "the words as typed, markup and all")
        self.assertIn(rfam.state.user_name(ARGS["user"]) + ", ", drawn_text, "who wrote it")
        result("note", done[0].data["id"])

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


run_and_summarise([AddonTest], verbosity=2, failfast=True, count_skipped=True)
