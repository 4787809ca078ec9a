# Layer 4 (entry): bl_info and registration of every module below, in layer order.
"""RFAM for Blender: the open file's asset (state, priority, owner, render times) and render
submission to the RFAM farm, in the 3D viewport's sidebar (N) under the RFAM tab.

Blender 3.x reads bl_info; Blender 4.2+ reads blender_manifest.toml and loads this package as an
extension, so every import here is relative and the add-on's id comes from __package__.

The modules form layers, and each imports only from its own layer or the ones below
(docs/addon.md, "Layers"; blender-addon/tests/layers.py checks it):
  1 base      schema_lite (with schema_checks, schema_run, json_values, js_regex, json_formats), validate,
              client, api, location, outside_paths, render_stats, state, preferences, words, picture_slot
  2 features  session, connect, login_picker, preflight, render, notify, asset_ops
  3 ui        panel_text, note_panel, panel, preferences_ui
  4 entry     this file
"""

bl_info = {
    "name": "RFAM",
    "author": "RFAM contributors",
    "version": (0, 1, 0),
    "blender": (3, 0, 0),
    "location": "3D Viewport > Sidebar (N) > RFAM",
    "description": "Your asset's state and render jobs on the RFAM render farm and asset manager",
    "doc_url": "",
    "category": "System",
}

import bpy  # noqa: E402

from . import (asset_ops, client, connect, login_picker, notify, panel, preferences, preferences_ui,  # noqa: E402
               preflight, render, session, state)

# Registration order: the layers from the bottom, so what others refer to comes first.
_modules = (state, session, connect, login_picker, preflight, render, notify, asset_ops, panel, preferences_ui)


def register():
    for module in _modules:
        module.register()
    # Enabling the add-on with a file already open: look it up now, not at the next load.
    bpy.app.timers.register(_first_refresh, first_interval=0.1)


def _first_refresh():
    if preferences.logged_in():
        state.cache.reset_file()
        session.after_login()       # also looks up the open file
    else:
        asset_ops.on_file_loaded()
    return None


def unregister():
    if bpy.app.timers.is_registered(_first_refresh):
        bpy.app.timers.unregister(_first_refresh)
    client.stop()
    for module in reversed(_modules):
        module.unregister()
