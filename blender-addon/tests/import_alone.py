"""One add-on module imported alone in a fresh Blender, or the whole add-on enabled and disabled;
run by test/addon/layers.blender.test.ts, one Blender per module:

    blender -b --factory-startup --python-exit-code 1 --python blender-addon/tests/import_alone.py \\
        -- <folder holding rfam/> <module>        # e.g. state: imports rfam.state and nothing else asks
    blender ... -- <folder holding rfam/> --enable  # enables, disables and enables again, then disables

Importing rfam.<module> normally runs rfam/__init__.py first, which imports every module, so each
would look importable whatever it forgot. Here the package `rfam` is an empty stand-in pointing at
the folder, so only the module and what it imports itself are loaded. Prints one line
'RFAM_IMPORTED {"module": ..., "loaded": [...]}' (the rfam modules then in sys.modules), or, with
--enable, 'RFAM_ENABLED {...}' with what Blender knew after each step.
"""

import importlib
import json
import os
import sys
import types

import bpy

args = sys.argv[sys.argv.index("--") + 1:]
folder, what = os.path.abspath(args[0]), args[1]
PACKAGE = "rfam"


def loaded():
    return sorted(name[len(PACKAGE) + 1:] for name in sys.modules if name.startswith(PACKAGE + "."))


def import_alone(module):
    stand_in = types.ModuleType(PACKAGE)
    stand_in.__path__ = [os.path.join(folder, PACKAGE)]
    stand_in.__package__ = PACKAGE
    sys.modules[PACKAGE] = stand_in
    importlib.import_module(PACKAGE + "." + module)
    print("RFAM_IMPORTED " + json.dumps({"module": module, "loaded": loaded()}), flush=True)


def known():
    """What of the add-on Blender knows now."""
    import addon_utils
    types_now = [name for name in ("VIEW3D_PT_rfam", "VIEW3D_PT_rfam_asset", "VIEW3D_PT_rfam_render")
                 if hasattr(bpy.types, name)]
    addon = bpy.context.preferences.addons.get(PACKAGE)
    session, render = sys.modules.get(PACKAGE + ".session"), sys.modules.get(PACKAGE + ".render")
    handlers = [fn.__module__ for fn in bpy.app.handlers.load_post[:] + bpy.app.handlers.save_post[:]
                if fn.__module__.startswith(PACKAGE)]
    return {
        "enabled": addon_utils.check(PACKAGE)[1],
        "preferences": sorted(k for k in ("server_url", "project", "user", "token")
                              if addon is not None and hasattr(addon.preferences, k)),
        "panels": types_now,
        "windowManagerField": hasattr(bpy.types.WindowManager, "rfam"),
        "pickerField": hasattr(bpy.types.WindowManager, "rfam_login"),
        "handlers": handlers,
        "operators": sorted(dir(bpy.ops.rfam)),
        "callbacks": [name for name, module, field in (("after login", session, "_after_login"),
                                                       ("on job finished", render, "_on_job_finished"))
                      if getattr(module, field, None) is not None],
        # Each keeps a picture_slot.PictureSlot open while enabled: its previews collection, its file.
        "pictureSlots": [name for name in ("asset_ops", "render")
                         if getattr(sys.modules.get(PACKAGE + "." + name), "_picture", None) is not None
                         and sys.modules[PACKAGE + "." + name]._picture.is_open()],
    }


def enable_disable():
    import addon_utils
    sys.path.insert(0, folder)
    steps = {}
    for step in ("enabled", "disabled", "enabledAgain", "disabledAgain"):
        if step.startswith("enabled"):
            module = addon_utils.enable(PACKAGE, default_set=True, handle_error=_raise)
            assert module is not None and os.path.dirname(module.__file__) == os.path.join(folder, PACKAGE), module
        else:
            addon_utils.disable(PACKAGE, default_set=True, handle_error=_raise)
        steps[step] = known()
    print("RFAM_ENABLED " + json.dumps(steps), flush=True)


def _raise(error):
    raise error


if what == "--enable":
    enable_disable()
else:
    import_alone(what)
