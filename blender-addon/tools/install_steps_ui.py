"""Drives a real Blender window (under Xvfb) through installing the add-on, for the three pictures of
the page "Use RFAM in Blender". Run by blender-addon/tools/install-steps.ts:

    xvfb-run -a -s "-screen 0 1600x1000x24" blender --factory-startup -p 0 0 1600 1000 \\
        --python blender-addon/tools/install_steps_ui.py -- '<json>'

JSON: zip (the add-on as GET /api/addon/zip serves it), code (a made-up code to show typed in), and
out (a folder): it writes install.png (Preferences > Add-ons before installing), enable.png (the
add-on installed and ticked) and connect.png (its preferences open, a code typed in), each the whole
Preferences window. Timers fire here, so each step waits for Blender to redraw before the capture.
"""

import json
import os
import sys
import traceback

import bpy

ARGS = json.loads(sys.argv[sys.argv.index("--") + 1])
STEP_SECONDS = 0.7


def log(text):
    print("[install-steps] %s" % text, flush=True)


def finish(code):
    sys.stdout.flush()
    os._exit(code)


def preferences_window():
    window = bpy.context.window_manager.windows[-1]
    area = window.screen.areas[0]
    if area.type != 'PREFERENCES':
        raise RuntimeError("the Preferences window did not open")
    return window, area


def shoot(name):
    window, area = preferences_window()
    path = os.path.join(ARGS["out"], name)
    with bpy.context.temp_override(window=window, area=area):
        bpy.ops.screen.screenshot(filepath=path)
    log("wrote %s" % path)


def open_preferences():
    bpy.context.preferences.active_section = 'ADDONS'
    bpy.ops.screen.userpref_show()


def install():
    bpy.ops.preferences.addon_install(filepath=ARGS["zip"], overwrite=True)
    bpy.ops.preferences.addon_enable(module="rfam")
    bpy.context.window_manager.addon_search = "rfam"      # what a student sees after Install: the add-on found
    preferences_window()[1].tag_redraw()


def expand():
    bpy.ops.preferences.addon_expand(module="rfam")
    bpy.context.preferences.addons["rfam"].preferences.connect_code = ARGS["code"]
    preferences_window()[1].tag_redraw()


# One action per tick; the ticks in between let Blender draw what the action changed.
STEPS = [open_preferences, None, lambda: shoot("install.png"),
         install, None, lambda: shoot("enable.png"),
         expand, None, lambda: shoot("connect.png"),
         lambda: finish(0)]


def step():
    try:
        action = STEPS.pop(0)
        if action is not None:
            action()
    except Exception:
        traceback.print_exc()
        finish(1)
    return STEP_SECONDS


bpy.app.timers.register(step, first_interval=1.0)
