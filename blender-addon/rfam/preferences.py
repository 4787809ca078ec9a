# Layer 1 (base): reading the add-on's preferences (server, project, who is logged in).
"""The add-on's preferences as the other modules read them: where the server is and who is logged in.

The preferences themselves (the fields and how they are drawn) are preferences_ui.RFAM_AddonPreferences;
this module only finds them, so every layer may read them without importing the UI.
"""

import bpy


def addon_id():
    # 'rfam' as a legacy add-on; 'bl_ext.<repository>.rfam' as a 4.2+ extension.
    return __package__


def prefs(context=None):
    context = context or bpy.context
    addon = context.preferences.addons.get(addon_id())
    return addon.preferences if addon else None


def logged_in(context=None):
    p = prefs(context)
    return bool(p and p.token)
