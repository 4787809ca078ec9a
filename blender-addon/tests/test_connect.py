"""The add-on connects with a connect code, in real Blender (headless) against a real RFAM server;
run by test/addon/connect.blender.test.ts:

    BLENDER_USER_SCRIPTS=<temp> blender -b <project>/props/cake.blend --factory-startup \\
        --python-exit-code 1 --python blender-addon/tests/test_connect.py -- '<json>'

The JSON names: zip (the add-on as GET /api/addon/zip served it), server (the server's URL, which
nobody types here: the zip knows it), code and secondCode (made through POST /api/addon/codes by two
logged-in people), name, secondName and projectTitle (what the panel must show), project and user
(the first person's short names, picked by name in test_08), owner (the open file's asset's owner's
display name) and deadServer (an address where nothing answers). Prints 'RFAM_RESULT <json>'
lines for the tap side, and a last line 'N passed, N failed, N skipped'.
"""

import os
import sys
import unittest

import bpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from in_blender import ARGS, cache, drawn, install, prefs, result, settle  # noqa: E402
from unittest_run import run_and_summarise  # noqa: E402

rfam = None          # the add-on's package, once installed from the zip


class ConnectTest(unittest.TestCase):
    """Steps of one session, in order (unittest runs methods by name)."""

    def test_01_the_zip_from_the_server_knows_its_address(self):
        global rfam
        rfam = install(self)
        self.assertEqual(rfam.preferences.shipped_server(), ARGS["server"])
        self.assertEqual(prefs().server_url, ARGS["server"], "nobody typed the address")

    def test_02_before_connecting_the_panel_asks_for_a_code(self):
        layout = drawn(rfam.panel.draw_login)
        self.assertEqual(layout.props(), ["connect_code", "by_name"], "one field (and the folded log-in by name)")
        self.assertIn("rfam.connect", layout.operators())
        self.assertNotIn("rfam.login", layout.operators())
        self.assertIn("Server: %s" % ARGS["server"], layout.texts())
        self.assertIn("Use RFAM in Blender", layout.texts(), "it says where the code comes from")

    def test_03_a_mistyped_code_is_caught_before_asking_the_server(self):
        prefs().connect_code = ""
        with self.assertRaises(RuntimeError) as empty:
            bpy.ops.rfam.connect()
        self.assertIn("Type the connect code first", str(empty.exception))
        prefs().connect_code = "K7PM-Q2X"
        with self.assertRaises(RuntimeError) as short:
            bpy.ops.rfam.connect()
        self.assertIn("A connect code has 8 letters and digits, like K7PM-Q2XD", str(short.exception))
        self.assertEqual(rfam.client.pending(), 0, "nothing was sent")

    def test_04_a_wrong_code_says_what_to_do(self):
        prefs().connect_code = "AAAA-AAAA"
        bpy.ops.rfam.connect()
        self.assertIn("login", cache().busy, "the button is greyed while the server is asked")
        settle()
        self.assertIn("That code does not work", cache().message, "the server's sentence")
        self.assertIn("Use RFAM in Blender", cache().message)
        self.assertEqual(cache().message_level, 'ERROR')
        self.assertEqual(prefs().token, "")

    def test_05_the_code_connects_and_the_panel_shows_names(self):
        prefs().connect_code = " %s " % ARGS["code"].replace("-", "").lower()   # typed carelessly
        bpy.ops.rfam.connect()
        settle(lambda: cache().file_status not in ('loading', 'logged_out'))
        p = prefs()
        self.assertTrue(p.token, cache().message)
        self.assertEqual(p.connect_code, "", "the field is emptied: a code works once")
        self.assertEqual((p.logged_in_as, p.project_name), (ARGS["name"], ARGS["projectTitle"]))
        login = drawn(rfam.panel.draw_login)
        self.assertEqual(login.log[0][1], ARGS["name"], "who, by name: not 'mia'")
        self.assertIn(ARGS["projectTitle"], login.texts(), "where, by name: not 'demo'")
        self.assertIn("Logged in as %s, project %s." % (ARGS["name"], ARGS["projectTitle"]), cache().message)
        self.assertEqual(cache().file_status, 'asset', cache().file_error)
        asset = drawn(rfam.panel.draw_asset).texts()
        self.assertIn("Owner %s" % ARGS["owner"], asset, "people by their names")
        result("token", p.token)
        result("panel", login.texts())

    def test_06_a_code_pasted_with_an_address_goes_there(self):
        bpy.ops.rfam.logout()
        settle()
        prefs().server_url = ARGS["deadServer"]
        prefs().connect_code = "%s/ %s" % (ARGS["server"], ARGS["secondCode"])
        bpy.ops.rfam.connect()
        settle()
        self.assertEqual(prefs().server_url, ARGS["server"])
        self.assertTrue(prefs().token, cache().message)
        self.assertEqual((prefs().logged_in_as, prefs().project_name), (ARGS["secondName"], ARGS["projectTitle"]),
                         "whoever made the code")
        result("secondToken", prefs().token)

    def test_07_a_used_code_is_refused(self):
        token = prefs().token
        prefs().connect_code = ARGS["secondCode"]
        bpy.ops.rfam.connect()
        settle()
        self.assertIn("That code does not work", cache().message)
        self.assertEqual(prefs().token, token, "a refused code changes nothing")

    def test_08_by_name_the_project_and_the_person_are_picked_by_their_names(self):
        bpy.ops.rfam.logout()
        settle()
        p = prefs()
        p.project, p.user = "", ""
        p.by_name = True                      # asks the server what its log-in page would offer
        settle()
        picker = rfam.login_picker
        self.assertEqual([name for _, name, _ in picker.project_choices()], ["Pick your project", ARGS["projectTitle"]])
        layout = drawn(rfam.panel.draw_login)
        self.assertEqual(layout.props(), ["connect_code", "by_name", "server_url", "project", "person", "secret"])
        self.assertFalse(layout.operators()["rfam.login"][3], "Log in waits for a project and a person")
        picker.picker().project = ARGS["project"]
        names = [name for _, name, _ in picker.person_choices()]
        self.assertIn(ARGS["secondName"], names)
        self.assertIn(ARGS["name"], names)
        picker.picker().person = ARGS["user"]
        self.assertEqual((p.project, p.user), (ARGS["project"], ARGS["user"]), "the short names, picked by name")
        bpy.ops.rfam.login()
        settle()
        self.assertTrue(p.token, cache().message)
        login = drawn(rfam.panel.draw_login)
        self.assertEqual(login.log[0][1], ARGS["name"])
        self.assertIn(ARGS["projectTitle"], login.texts())
        p.by_name = False
        result("byNameToken", p.token)


run_and_summarise([ConnectTest], verbosity=2, failfast=True, count_skipped=True)
