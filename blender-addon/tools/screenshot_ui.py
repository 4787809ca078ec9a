"""Drives a real Blender window (under Xvfb) to a screenshot of the RFAM sidebar tab.

Run by blender-addon/tools/screenshot.ts, which starts a demo server with a render node:

    xvfb-run -a -s "-screen 0 1600x1200x24" blender <shot.blend> -p 0 0 1600 1200 \\
        --python blender-addon/tools/screenshot_ui.py -- '<json>'

JSON: zip, server, project, user, out (the PNG to write), wholeWindow (keep Blender's own layout).
Unlike the headless tests, timers fire here, so the add-on runs exactly as for a student: log in,
the asset arrives, a render is sent and followed until its frames and preview are back, then the
RFAM tab is clicked (Blender 3.4 has no API to pick a sidebar tab) and the window is captured.
"""

import json
import os
import subprocess
import sys
import time
import traceback

import bpy

ARGS = json.loads(sys.argv[sys.argv.index("--") + 1])
STEP_SECONDS = 0.25
TIMEOUT_SECONDS = 600

rfam = None
phase = "install"
started = time.monotonic()
drawn_at = 0.0          # when the RFAM panel was last drawn (set by a wrapper around draw_login)
clicks = []             # tab positions tried


def log(text):
    print("[screenshot] %s" % text, flush=True)


def finish(code):
    sys.stdout.flush()
    os._exit(code)


def view3d():
    for window in bpy.context.window_manager.windows:
        for area in window.screen.areas:
            if area.type == 'VIEW_3D':
                return window, area
    raise RuntimeError("no 3D viewport in this file's layout")


def step():
    global phase
    try:
        if time.monotonic() - started > TIMEOUT_SECONDS:
            log("gave up in phase %s; message: %s" % (phase, rfam.state.cache.message if rfam else ""))
            finish(1)
        phase = PHASES[phase]() or phase
    except Exception:
        traceback.print_exc()
        finish(1)
    return STEP_SECONDS


def install():
    global rfam, drawn_at
    bpy.ops.preferences.addon_install(filepath=ARGS["zip"], overwrite=True)
    bpy.ops.preferences.addon_enable(module="rfam")
    import rfam as installed
    rfam = installed
    original = rfam.panel.draw_login

    def recording(layout, context, in_preferences=False):
        global drawn_at
        if not in_preferences:
            drawn_at = time.monotonic()
        return original(layout, context, in_preferences)
    rfam.panel.draw_login = recording
    p = bpy.context.preferences.addons["rfam"].preferences
    p.server_url, p.project, p.user = ARGS["server"], ARGS["project"], ARGS["user"]
    bpy.ops.rfam.login()
    return "wait_asset"


def wait_asset():
    cache = rfam.state.cache
    if cache.file_status == 'asset' and cache.defaults and cache.users:
        log("asset: %s" % cache.asset["meta"]["name"])
        return "submit"


def submit():
    scene = bpy.context.scene
    scene.render.engine = 'CYCLES'
    scene.cycles.samples = 8
    scene.cycles.use_denoising = False
    scene.render.resolution_x, scene.render.resolution_y, scene.render.resolution_percentage = 480, 270, 100
    scene.frame_start, scene.frame_end = 1, 6
    bpy.ops.rfam.preflight()
    bpy.ops.rfam.submit_render(save=True)
    return "wait_render"


def wait_render():
    cache = rfam.state.cache
    if cache.job and cache.job["status"] in {"failed", "cancelled"}:
        log("the render %s: %s" % (cache.job["status"], cache.job.get("lastFailure")))
        finish(1)
    if cache.job and cache.job["status"] == "completed" and cache.preview_icon and \
            ((cache.asset or {}).get("meta") or {}).get("renderStats"):
        log("rendered: %d frames" % cache.job["counts"]["done"])
        return "show"
    if cache.job and cache.job["status"] == "completed" and "asset" not in cache.busy:
        rfam.asset_ops.refresh()         # the render statistics reach the sidecar about once a second


def show():
    window, area = view3d()
    if not ARGS.get("wholeWindow"):
        with bpy.context.temp_override(window=window, area=area):
            bpy.ops.screen.screen_full_area()      # the viewport alone: the sidebar gets the full height
    window, area = view3d()
    space = area.spaces.active
    space.show_region_ui = True
    space.shading.type = 'MATERIAL'
    space.region_3d.view_perspective = 'CAMERA'
    return "click_tab"


def click_tab():
    """Clicks down the sidebar's tab column until the RFAM panel draws."""
    if drawn_at and clicks and drawn_at > clicks[-1][2]:
        log("RFAM tab open after %d click(s)" % len(clicks))
        return "settle"
    window, area = view3d()
    region = next(r for r in area.regions if r.type == 'UI')
    if region.width <= 1:
        return None
    if not clicks:
        log("sidebar: %d px wide, %d px high" % (region.width, region.height))
    x = window.x + region.x + region.width - 8
    top = window.height - (region.y + region.height)
    y = window.y + top + 30 + 18 * len(clicks)
    if len(clicks) > 40:
        log("no tab made the RFAM panel draw")
        finish(1)
    subprocess.run(["xdotool", "mousemove", str(x), str(y), "click", "1"], check=True)
    clicks.append((x, y, time.monotonic()))
    return None


settle_until = 0.0


def settle():
    global settle_until
    if not settle_until:
        settle_until = time.monotonic() + 2.0      # a few redraws with everything loaded
        window, area = view3d()
        subprocess.run(["xdotool", "mousemove", str(window.x + window.width // 3), str(window.y + window.height // 2)],
                       check=True)
        return None
    if time.monotonic() > settle_until:
        return "shoot"


def shoot():
    window, area = view3d()
    os.makedirs(os.path.dirname(ARGS["out"]), exist_ok=True)
    with bpy.context.temp_override(window=window, area=area):
        bpy.ops.screen.screenshot(filepath=ARGS["out"])
    log("wrote %s" % ARGS["out"])
    finish(0)


PHASES = {"install": install, "wait_asset": wait_asset, "submit": submit, "wait_render": wait_render,
          "show": show, "click_tab": click_tab, "settle": settle, "shoot": shoot}

bpy.app.timers.register(step, first_interval=1.0)
