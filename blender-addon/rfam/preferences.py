# Layer 1 (base): reading the add-on's preferences (server, project, who is logged in).
"""The add-on's preferences as the other modules read them: where the server is and who is logged in.

The preferences themselves (the fields and how they are drawn) are preferences_ui.RFAM_AddonPreferences;
this module only finds them, so every layer may read them without importing the UI.
"""

import json
import os

import bpy

# Written into the zip by the server it was downloaded from (GET /api/addon/zip): the address to use.
ADDRESS_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "server_address.json")


def shipped_server():
    """The server address this copy of the add-on was downloaded from, or '' (a zip from npm run addon:build)."""
    try:
        with open(ADDRESS_FILE, encoding="utf-8") as f:
            server = json.load(f).get("server", "")
    except (OSError, ValueError, AttributeError):
        return ""
    return server if isinstance(server, str) and server.startswith(("http://", "https://")) else ""


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
