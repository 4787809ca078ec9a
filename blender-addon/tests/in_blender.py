"""What the scripts that test the add-on in real Blender share (test_addon.py with render_steps.py,
test_connect.py, test_words.py). Each is run by its test/addon/*.blender.test.ts (through
test/addon/in-blender.ts) as

    BLENDER_USER_SCRIPTS=<temp> blender -b <project>/props/cake.blend --factory-startup \\
        --python-exit-code 1 --python blender-addon/tests/<script> -- '<json>'

ARGS is that JSON. install() installs the add-on from the zip ARGS names, as a person would, and
addon() is its package from then on; log_in() logs in by name as ARGS say; result() prints an
'RFAM_RESULT <json>' line for the tap side to read; drawn() draws a panel onto a recording layout
(recorder.py). Blender never fires bpy.app.timers while a -b --python script runs, so settle()
drains the add-on's reply queue itself (client.drain_results) until nothing is pending.

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from in_blender import ARGS, cache, drawn, install, prefs, result, settle
"""

import json
import sys
import time

import bpy

from recorder import Recorder

ARGS = json.loads(sys.argv[sys.argv.index("--") + 1])
_rfam = None          # the add-on's package, once install() has installed it


def install(test):
    """Installs the add-on from ARGS["zip"] and enables it, checking both with `test` (a TestCase);
    returns the add-on's package, as the zip installed it."""
    global _rfam
    test.assertEqual(bpy.ops.preferences.addon_install(filepath=ARGS["zip"], overwrite=True), {'FINISHED'})
    test.assertEqual(bpy.ops.preferences.addon_enable(module="rfam"), {'FINISHED'})
    import rfam
    _rfam = rfam
    return rfam


def addon():
    """The add-on's package, once install() has installed it."""
    return _rfam


def result(key, value):
    print("RFAM_RESULT %s" % json.dumps({key: value}), flush=True)


def settle(until=None, timeout=60.0):
    """Runs the replies of every request out, until none is pending (and `until()` holds)."""
    deadline = time.monotonic() + timeout
    while True:
        _rfam.client.drain_results()
        if _rfam.client.pending() == 0 and (until is None or until()):
            return
        if time.monotonic() > deadline:
            raise AssertionError("still waiting after %ss: %d request(s) pending, message %r"
                                 % (timeout, _rfam.client.pending(), _rfam.state.cache.message))
        time.sleep(0.02)


def prefs():
    return bpy.context.preferences.addons["rfam"].preferences


def cache():
    return _rfam.state.cache


def log_in(user=None, secret=""):
    """Logs in by name, as ARGS["user"] (or `user`) in ARGS["project"] on ARGS["server"], and waits for the reply."""
    p = prefs()
    p.server_url = ARGS["server"]
    p.project = ARGS["project"]
    p.user = user or ARGS["user"]
    p.secret = secret
    bpy.ops.rfam.login()
    settle()


def drawn(draw, context=None):
    """What `draw(layout, context)` (one of the panel's draw_* functions) draws, as a Recorder."""
    layout = Recorder()
    draw(layout, context or bpy.context)
    return layout
