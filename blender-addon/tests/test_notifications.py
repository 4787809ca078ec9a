"""The open file's notifications in the add-on, in real Blender (headless) against a real RFAM server;
run by test/addon/notifications.blender.test.ts:

    BLENDER_USER_SCRIPTS=<temp> blender -b <project>/props/cake.blend --factory-startup \\
        --python-exit-code 1 --python blender-addon/tests/test_notifications.py -- '<json>'

The JSON names: zip (the built add-on), server, project, user (zoe, mentioned in a note on the open
file and in one on another file before Blender started), writer (Mia's name) and writerToken (her
session, to write one more note while Blender is connected). Prints 'RFAM_RESULT <json>' lines for
the tap side, and a last line 'N passed, N failed'.
"""

import json
import os
import sys
import time
import unittest
import urllib.request

import bpy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from in_blender import ARGS, cache, drawn, install, log_in, result, settle  # noqa: E402
from unittest_run import run_and_summarise  # noqa: E402

rfam = None          # the add-on's package, once installed from the zip
MENTIONED = "%s mentioned you in a note on Cake." % ARGS["writer"]


def write_note_as_writer(text):
    """A note by the other person, straight to the server (as her browser would send it)."""
    request = urllib.request.Request(
        "%s/api/projects/%s/notes/props/cake.blend" % (ARGS["server"], ARGS["project"]),
        data=json.dumps({"text": text}).encode(), method="POST",
        headers={"authorization": "Bearer " + ARGS["writerToken"], "content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=15) as reply:
        return reply.status


def poll_until(holds, timeout=30.0):
    """What the add-on's timer does every 20 s (timers do not run in -b --python), until `holds()`:
    the server writes a notification just after it answers the note."""
    deadline = time.monotonic() + timeout
    while True:
        rfam.notify.poll()
        settle()
        if holds():
            return
        if time.monotonic() > deadline:
            raise AssertionError("still not there after %ss: %r" % (timeout, cache().notifications))
        time.sleep(0.2)


class NotificationsTest(unittest.TestCase):
    """Steps of one session, in order (unittest runs methods by name)."""

    def test_01_logged_in_the_file_shows_its_notification(self):
        global rfam
        rfam = install(self)
        log_in()
        settle(lambda: cache().file_status not in ('loading', 'logged_out') and cache().notifications is not None)
        self.assertEqual(cache().file_status, 'asset', cache().file_error)
        listed = [n["message"] for n in cache().notifications]
        self.assertEqual(listed, [MENTIONED], "only the one about this file, not the other file's")
        self.assertEqual(cache().notifications_unread, 1)
        panel = drawn(rfam.panel.draw_asset)
        texts = panel.texts()
        self.assertIn("For this file (1)", texts, "the unread count")
        self.assertIn(MENTIONED, texts, "in plain words")
        self.assertIn("rfam.notifications_read", panel.operators())
        self.assertNotIn(MENTIONED, cache().message, "one that was there already is shown, not reported")
        result("panel", texts)

    def test_02_a_new_one_while_connected_is_reported(self):
        self.assertEqual(write_note_as_writer("and now the candles, @%s" % ARGS["user"]), 201)
        poll_until(lambda: len(cache().notifications) == 2)
        self.assertEqual(cache().notifications_unread, 2)
        self.assertEqual(cache().message, "RFAM: " + MENTIONED, "the new one is reported")
        self.assertEqual(bpy.ops.rfam.notify_report(message="RFAM: " + MENTIONED), {'FINISHED'},
                         "as a Blender report too (the operator the add-on calls for it)")
        rfam.notify.poll()
        settle()
        self.assertEqual(cache().message, "RFAM: " + MENTIONED, "and only once")
        self.assertIn("For this file (2)", drawn(rfam.panel.draw_asset).texts())

    def test_03_mark_read(self):
        bpy.ops.rfam.notifications_read()
        settle(lambda: cache().notifications_unread == 0)
        self.assertTrue(all(n["read"] for n in cache().notifications))
        texts = drawn(rfam.panel.draw_asset).texts()
        self.assertIn("For this file", texts, "no count once read")
        result("unreadAfter", cache().notifications_unread)


if __name__ == "__main__":
    run_and_summarise([NotificationsTest], failfast=True)
