# Layer 2 (features): log-in, log-out, the version check and the project's people, states and types.
"""Log-in, log-out, and what the add-on learns once per log-in: who's who in the project, its
states and types, and whether the server speaks the same contract as this add-on.

call() is how every feature talks to the server, with a request the generated api module builds;
call_for_file() is call() for a request about the open file (its late replies are dropped), and
simple_operator() makes the features' buttons that only run a function (Refresh, Log out).
What else happens after a log-in (looking up the open file's asset) belongs to a module above this
one, so it comes in as a callback: set_after_login(), which asset_ops sets when it registers.
"""

import bpy

from . import api, client, validate, words
from .preferences import logged_in, prefs
from .state import cache, load_edit_fields, redraw, say, unless_refused
from .words import tr

_after_login = None       # called at the end of after_login(): asset_ops.refresh, once registered


def call(request, on_done, login=False):
    """Sends `request` (an api.Call) with the preferences' server and token. A 401 forgets the token:
    the panel then asks to log in again, with the reason. login: a 401 is a wrong name or secret."""
    p = prefs()
    token = p.token if p else ""

    def done(reply):
        if reply.error and reply.error.kind == 'login' and not login:
            forget_login()
            say(reply.error.text(), 'ERROR')
        on_done(reply)

    if not online_access_allowed():
        done(client.Reply(error=client.ApiError(
            "Blender's online access is off: turn on Preferences > System > Network > Allow Online Access "
            "so RFAM can talk to its server.", "unreachable")))
        return
    client.request(p.server_url if p else "", request.method, request.path, done, body=request.body, token=token,
                   reply_schema=request.reply_schema, body_schema=request.body_schema, raw=request.raw, login=login)


def call_for_file(request, then, busy=None):
    """call() for a request about the open file. `busy` (a word such as 'submit') stays in
    cache.busy until the reply comes, so the panel can grey its button out. A reply that comes after
    another file was opened is dropped: then(reply) only ever sees replies for the file still open."""
    generation = cache.generation
    if busy:
        cache.busy.add(busy)

    def done(reply):
        if busy:
            cache.busy.discard(busy)
        if generation == cache.generation:
            then(reply)

    call(request, done)


def simple_operator(idname, label, tooltip, run):
    """An operator (its class, to register) whose button only runs `run()`, such as Refresh."""
    def execute(self, context):
        run()
        return {'FINISHED'}

    members = {"__doc__": tooltip, "__module__": run.__module__, "bl_idname": idname, "bl_label": label,
               "execute": execute}
    return type("RFAM_OT_" + idname.split(".", 1)[1], (bpy.types.Operator,), members)


def online_access_allowed():
    # Blender 4.2+ lets people forbid add-ons the network; older versions have no such switch.
    return getattr(bpy.app, "online_access", True)


def forget_login():
    p = prefs()
    if p:
        p.token = ""
        p.logged_in_as = ""
        p.project_name = ""
        p.expires = ""
    cache.session = None
    cache.users = {}
    cache.defaults = None


def project():
    """The project logged in to, as the preferences name it."""
    return prefs().project.strip()


def set_after_login(then):
    """`then()` runs after each log-in, once the project's data has been asked for (None: nothing)."""
    global _after_login
    _after_login = then


def after_login():
    """Fetches what the panel needs once per log-in, then (through the callback) the open file's asset."""
    check_version()
    call(api.get_session(), _got_session)
    call(api.list_users(), _got_users)
    call(api.get_defaults(project()), _got_defaults)
    if _after_login is not None:
        _after_login()


def _got_session(reply):
    if reply.ok:
        cache.session = reply.data
        words.use(reply.data["user"].get("language", ""))   # the person's language on RFAM, when chosen
        p = prefs()
        if p:
            # Each use renews the log-in on the server (the token stays the same): the end moves on.
            p.expires = reply.data.get("expires", "")
            p.logged_in_as = reply.data["user"]["name"]       # names change; the panel shows the latest
            p.project_name = reply.data["project"]["name"]
        redraw()


def _got_users(reply):
    if not reply.ok:
        if reply.error.kind == "contract":   # the list is checked against api-user-list.schema.json
            say(reply.error.text(), 'WARNING')
        return
    cache.users = {u["ident"]: u for u in reply.data}
    redraw()


@unless_refused
def _got_defaults(reply):
    cache.defaults = reply.data
    load_edit_fields()
    redraw()


def check_version():
    call(api.get_version(), _got_version)


def _got_version(reply):
    if reply.ok:
        ours = validate.contract_hash()
        theirs = reply.data["schemas"]
        if ours != theirs:
            cache.version_warning = (
                "This add-on does not match the server (RFAM %s): their contracts differ (%s… here, %s… there). "
                "Install the add-on built from the server's version (npm run addon:build), or ask whoever runs it."
                % (reply.data["version"], ours[:8], theirs[:8]))
        else:
            cache.version_warning = ""
    elif reply.error.status == 404:
        cache.version_warning = ("The server is older than this add-on (it cannot say its version): "
                                 "update the server or use an older add-on.")
    elif reply.error.kind == 'contract':
        cache.version_warning = reply.error.message
    redraw()


class RFAM_OT_login(bpy.types.Operator):
    """Log in to the RFAM server with the user, project and password or PIN from the preferences"""
    bl_idname = "rfam.login"
    bl_label = "Log in"

    def execute(self, context):
        p = prefs(context)
        body = {"project": p.project.strip(), "user": p.user.strip()}
        if p.secret:
            body["secret"] = p.secret
        if not body["project"] or not body["user"]:
            self.report({'ERROR'}, tr("addon:need-login"))
            return {'CANCELLED'}
        p.secret = ""                         # used once, never kept
        cache.busy.add("login")
        say(tr("addon:logging-in"))
        call(api.log_in(body), _logged_in, login=True)
        return {'FINISHED'}


def _logged_in(reply):
    cache.busy.discard("login")
    if not reply.ok:
        say(reply.error.text(), 'ERROR')
        return
    took_login(reply)


def took_login(reply):
    """Keeps the log-in the server gave (a Session and its token, from a log-in or a connect code)."""
    p = prefs()
    token = reply.headers.get(client.TOKEN_HEADER, "")
    if not token:
        say("The server accepted the log-in but sent no session token: it is older than this add-on.", 'ERROR')
        return
    p.token = token
    # Who and where, as the server says: a connect code names them, and the panel shows their names.
    p.user = reply.data["user"]["ident"]
    p.project = reply.data["project"]["ident"]
    p.logged_in_as = reply.data["user"]["name"]
    p.project_name = reply.data["project"]["name"]
    p.expires = reply.data.get("expires", "")
    cache.session = reply.data
    words.use(reply.data["user"].get("language", ""))   # from now on the panel speaks the person's language
    # Preferences are saved when Blender quits (if auto-save is on), so the log-in survives a restart.
    bpy.context.preferences.is_dirty = True
    say(tr("addon:logged-in", name=reply.data["user"]["name"], project=reply.data["project"]["name"]))
    after_login()


def log_out():
    """Logs out (the Log out button): on the server, and on this computer at once."""
    if logged_in():
        # The server ends the log-in, so a copy of the token (an old userpref.blend) is worthless.
        call(api.log_out(), _logged_out)
    forget_login()
    cache.reset_file()
    bpy.context.preferences.is_dirty = True
    words.use("")
    say(tr("addon:logged-out"))


RFAM_OT_logout = simple_operator("rfam.logout", "Log out",
                                 "Log out: the server ends the session, and this computer forgets it", log_out)


def _logged_out(reply):
    if not reply.ok:
        say("Logged out on this computer, but the server could not be told (%s). The log-in ends by itself "
            "once it goes unused." % reply.error.message, 'WARNING')


classes = (RFAM_OT_login, RFAM_OT_logout)

_register_classes, _unregister_classes = bpy.utils.register_classes_factory(classes)


def register():
    _register_classes()
    client.set_error_handler(lambda message: say(message, 'ERROR'))


def unregister():
    client.set_error_handler(None)
    _unregister_classes()
