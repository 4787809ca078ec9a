# Layer 2 (features): logging in by name: the server's projects and people, picked by their names.
"""Logging in by name, for when there is no connect code at hand (staff, a server without a browser
nearby): like the website's log-in page, the add-on asks the server which projects and people there
are (GET /api/login-options) and offers them by their names, The Cake Heist and Mia Chen, never
their short names. Picking writes the short names into the preferences' project and user, which the
Log in button (session.RFAM_OT_login) sends with the password or PIN.
"""

import bpy
from bpy.props import EnumProperty

from . import api
from .preferences import prefs
from .session import call, simple_operator
from .state import cache, redraw, register_with_field, say
from .words import tr

NONE = "none"
_options = None           # LoginOptions of the server asked last, None before
# Blender keeps only pointers to the strings of dynamic enum items: they must stay referenced.
_project_items = []
_person_items = []


def offered():
    """The projects and people the server offered (LoginOptions), or None when not asked yet."""
    return _options


def forget():
    global _options
    _options = None


def project_choices():
    """(ident, title, '') of each project offered, after a first 'pick' entry."""
    projects = (_options or {}).get("projects", [])
    return [(NONE, tr("addon:pick-project"), "")] + [(p["ident"], p["name"], "") for p in projects]


def person_choices():
    """(ident, name, '') of each person of the picked project, after a first 'pick' entry."""
    p = prefs()
    project = p.project.strip() if p else ""
    people = [u for u in (_options or {}).get("users", []) if project and project in u["projects"]]
    first = tr("addon:pick-yourself") if people else tr("addon:pick-project-first")
    return [(NONE, first, "")] + [(u["ident"], u["name"], "") for u in people]


def _projects(_self, _context):
    global _project_items
    _project_items = project_choices()
    return _project_items


def _people(_self, _context):
    global _person_items
    _person_items = person_choices()
    return _person_items


def _picked_project(self, _context):
    p = prefs()
    p.project = "" if self.project == NONE else self.project
    p.user = ""


def _picked_person(self, _context):
    prefs().user = "" if self.person == NONE else self.person


class RFAM_LoginPicker(bpy.types.PropertyGroup):
    project: EnumProperty(name="Project", items=_projects, update=_picked_project,
                          description="Your team's project, as the server names it")
    person: EnumProperty(name="Person", items=_people, update=_picked_person,
                         description="Who you are, among the people of that project")


def picker(context=None):
    return (context or bpy.context).window_manager.rfam_login


def fetch():
    """Asks the server in the preferences for its projects and people (the panel then offers them)."""
    cache.busy.add("options")
    call(api.login_options(), _got_options, login=True)


RFAM_OT_find_people = simple_operator("rfam.find_people", "Find projects and people",
                                      "Ask the server which projects and people there are, to pick yours by name",
                                      fetch)


def _got_options(reply):
    global _options
    cache.busy.discard("options")
    if not reply.ok:
        say(reply.error.message, 'ERROR')
        return
    _options = reply.data
    if not reply.data["projects"]:
        say(tr("addon:no-projects"), 'WARNING')
    else:
        say(tr("addon:pick-then-login"))
    redraw()


classes = (RFAM_LoginPicker, RFAM_OT_find_people)

register, _unregister = register_with_field(classes, "rfam_login", RFAM_LoginPicker)


def unregister():
    _unregister()
    forget()
