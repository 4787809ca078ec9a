# Layer 2 (features): connecting with a code from RFAM's website, so nobody types an address or a name.
"""Connecting the add-on with a connect code.

The page "Use RFAM in Blender" on RFAM's website (Home, and each person's profile) gives a code
such as K7PM-Q2XD that works once, for 10 minutes. Typed into the add-on's preferences (one field,
one button), it gets the add-on a log-in of its own, as the person who made the code, to the project
they are logged in to on the website. The zip downloaded from that page already knows the server's
address (preferences.shipped_server); a code pasted with an address in front
('http://192.168.1.10:8080 K7PM-Q2XD') uses that address instead.
"""

import re

import bpy

from . import api
from .preferences import prefs
from .session import call, took_login
from .state import cache, say
from .words import tr

# As the server makes them (server/auth/connect-codes.ts): no 0, O, 1, I or L.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_ADDRESS = re.compile(r"^(https?://[^\s/?#]+)/?\s*(.*)$", re.IGNORECASE)


def parse(typed):
    """(address or '', code as the server keeps it or '') from what was typed or pasted."""
    text = (typed or "").strip()
    address = ""
    m = _ADDRESS.match(text)
    if m:
        address, text = m.group(1), m.group(2)
    raw = re.sub(r"[\s-]", "", text).upper()
    if len(raw) != 8 or any(c not in ALPHABET for c in raw):
        return address, ""
    return address, raw[:4] + "-" + raw[4:]


class RFAM_OT_connect(bpy.types.Operator):
    """Connect to RFAM with the code from RFAM's website (your profile, "Use RFAM in Blender")"""
    bl_idname = "rfam.connect"
    bl_label = "Connect"

    def execute(self, context):
        p = prefs(context)
        if not p.connect_code.strip():
            self.report({'ERROR'}, tr("addon:connect-code-first"))
            return {'CANCELLED'}
        address, code = parse(p.connect_code)
        if not code:
            self.report({'ERROR'}, tr("addon:connect-code-bad"))
            return {'CANCELLED'}
        if address:
            p.server_url = address
        p.connect_code = ""                    # works once anyway
        cache.busy.add("login")
        say(tr("addon:connecting", server=p.server_url))
        call(api.connect_addon({"code": code}), _connected, login=True)
        return {'FINISHED'}


def _connected(reply):
    cache.busy.discard("login")
    if not reply.ok:
        say(reply.error.message, 'ERROR')
        return
    took_login(reply)


classes = (RFAM_OT_connect,)

register, unregister = bpy.utils.register_classes_factory(classes)
