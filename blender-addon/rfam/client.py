# Layer 1 (base): HTTP to the server in worker threads, replies handed back on the main thread.
"""Talking to the RFAM server without ever freezing Blender.

Each request runs urllib in a daemon thread; its outcome goes into a queue, and drain_results()
hands it to the request's callback on Blender's main thread (only the main thread may touch bpy).
A bpy.app.timers function drains the queue while requests are out. Timers do not fire while a
`blender -b --python` script runs, so tests call drain_results() themselves.

Every failure becomes an ApiError whose message is a sentence a student can act on: the server
is unreachable, the log-in expired, something is forbidden, or the reply breaks the contract.
"""

import json
import queue
import socket
import ssl
import threading
import traceback
import urllib.error
import urllib.parse
import urllib.request

from . import validate, words

TIMEOUT_SECONDS = 15
TOKEN_HEADER = "x-rfam-token"
USER_AGENT = "rfam-blender-addon"

_results = queue.Queue()
_pending = 0          # requests sent and not yet handed to their callback (main thread only)
_on_error = None      # called with a message when a callback itself fails


class ApiError(Exception):
    """A request that did not work. kind: 'unreachable', 'login', 'forbidden', 'contract', 'server' or 'refused'."""

    def __init__(self, message, kind="refused", status=None, code=None, sentence=None):
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.status = status
        self.code = code
        self.sentence = sentence      # the server's {key, params}, when it sent one

    def text(self):
        """The message in the person's language (the server's sentence translated), else as it came."""
        said = words.sentence(self.sentence, "")
        if not said:
            return self.message
        return words.tr("addon:not-allowed", reason=said) if self.kind == "forbidden" else said


class Reply:
    """What a callback receives: `data` (parsed JSON or bytes) when ok, else `error` (an ApiError)."""

    def __init__(self, status=None, data=None, headers=None, error=None):
        self.status = status
        self.data = data
        self.headers = headers or {}
        self.error = error

    @property
    def ok(self):
        return self.error is None

    def __repr__(self):
        return "Reply(%r, %r)" % (self.status, self.error.message if self.error else "ok")


def set_error_handler(handler):
    global _on_error
    _on_error = handler


def pending():
    """How many requests have not reached their callback yet."""
    return _pending


def request(base_url, method, path, on_done, body=None, token=None, reply_schema=None, body_schema=None,
            raw=False, login=False):
    """Sends one request in a background thread; `on_done(Reply)` later runs on the main thread.

    body_schema: checked here, before anything is sent (a ContractError reaches on_done).
    reply_schema: a 2xx JSON reply is checked against it and given back with defaults filled in.
    raw: the reply body is returned as bytes (pictures).
    login: a 401 is a wrong name or secret, not an expired log-in.
    """
    global _pending
    _pending += 1
    try:
        if body is not None and body_schema:
            body = validate.outgoing(body_schema, body)
        url = _join(base_url, path)
    except (validate.ContractError, ApiError) as err:
        _results.put((on_done, Reply(error=err if isinstance(err, ApiError) else ApiError(str(err), "contract"))))
        _ensure_timer()
        return
    worker = threading.Thread(target=_work, name="rfam-request", daemon=True,
                              args=(url, method, body, token, reply_schema, raw, login, on_done))
    worker.start()
    _ensure_timer()


def drain_results():
    """Runs the callbacks of finished requests, on the calling (main) thread; returns how many ran."""
    global _pending
    ran = 0
    while True:
        try:
            on_done, reply = _results.get_nowait()
        except queue.Empty:
            return ran
        _pending -= 1
        ran += 1
        try:
            on_done(reply)
        except Exception:  # a bug in a callback must not leave Blender with a traceback popup
            traceback.print_exc()
            if _on_error:
                _on_error("The RFAM add-on hit an internal error (details in Blender's console).")


def _timer():
    drain_results()
    return 0.1 if _pending else None


def _ensure_timer():
    try:
        import bpy           # here, not at the top: this module also runs in plain Python
    except ImportError:      # (unit tests of this module): callers drain by hand
        return
    if not bpy.app.timers.is_registered(_timer):
        bpy.app.timers.register(_timer, first_interval=0.05)


def stop():
    """Unregisters the timer (when the add-on is disabled); replies still in flight are dropped."""
    try:
        import bpy           # here, not at the top: this module also runs in plain Python
        if bpy.app.timers.is_registered(_timer):
            bpy.app.timers.unregister(_timer)
    except ImportError:
        pass


# ---------------------------------------------------------------------------------------------
# The worker thread: no bpy here.

def _join(base_url, path):
    base = (base_url or "").strip().rstrip("/")
    parts = urllib.parse.urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ApiError("The server address %r is not a web address: set it in the add-on's preferences, "
                       "for example http://192.168.1.10:8080." % (base_url or ""), "unreachable")
    return base + path


def _work(url, method, body, token, reply_schema, raw, login, on_done):
    try:
        reply = _send(url, method, body, token, reply_schema, raw, login)
    except ApiError as err:
        reply = Reply(status=err.status, error=err)
    except Exception as err:  # never let a thread die silently: the panel must hear about it
        traceback.print_exc()
        reply = Reply(error=ApiError("Talking to the RFAM server failed unexpectedly: %s" % err, "server"))
    _results.put((on_done, reply))


def _send(url, method, body, token, reply_schema, raw, login):
    headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
    data = None
    if body is not None:
        data = json.dumps(body).encode("utf-8")
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = "Bearer " + token
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    server = _server_of(url)
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_SECONDS) as res:
            status = res.status
            payload = res.read()
            reply_headers = {k.lower(): v for k, v in res.headers.items()}
    except urllib.error.HTTPError as err:
        raise _http_error(err, server, login)
    except urllib.error.URLError as err:
        raise _unreachable(err.reason, server)
    except (socket.timeout, TimeoutError) as err:
        raise _unreachable(err, server)
    except (ConnectionError, OSError) as err:
        raise _unreachable(err, server)
    if raw:
        return Reply(status, payload, reply_headers)
    if status == 204 or not payload:
        return Reply(status, None, reply_headers)
    parsed = _json(payload, server)
    if reply_schema:
        try:
            parsed = validate.incoming(reply_schema, parsed)
        except validate.ContractError as err:
            raise ApiError(str(err), "contract", status)
    return Reply(status, parsed, reply_headers)


def _server_of(url):
    parts = urllib.parse.urlsplit(url)
    return "%s://%s" % (parts.scheme, parts.netloc)


def _json(payload, server):
    try:
        return json.loads(payload.decode("utf-8"))
    except ValueError:
        raise ApiError("The address %s answers, but not like an RFAM server: check the server address in "
                       "the add-on's preferences." % server, "contract")


def _unreachable(reason, server):
    if isinstance(reason, (socket.timeout, TimeoutError)) or "timed out" in str(reason):
        return ApiError("The RFAM server at %s did not answer within %d seconds. Try again; if it keeps "
                        "happening, ask whoever runs the server." % (server, TIMEOUT_SECONDS), "unreachable")
    if isinstance(reason, socket.gaierror):
        return ApiError("Cannot find the RFAM server %s: check the server address in the add-on's preferences."
                        % server, "unreachable")
    if isinstance(reason, ssl.SSLError):
        return ApiError("The secure connection to %s failed (%s): check the address (http or https?)."
                        % (server, reason), "unreachable")
    return ApiError("Cannot reach the RFAM server at %s (%s). Check that the server is running and that the "
                    "address in the add-on's preferences is right." % (server, _reason_text(reason)), "unreachable")


def _reason_text(reason):
    if isinstance(reason, ConnectionRefusedError):
        return "nothing answers there"
    text = getattr(reason, "strerror", None) or str(reason)
    return text or reason.__class__.__name__


def _http_error(err, server, login):
    status = err.code
    try:
        body = json.loads(err.read().decode("utf-8"))
    except Exception:
        body = None
    said = body.get("message") if isinstance(body, dict) and isinstance(body.get("message"), str) else None
    code = body.get("code") if isinstance(body, dict) else None
    sentence = body.get("sentence") if isinstance(body, dict) and isinstance(body.get("sentence"), dict) else None
    if status == 401 and not login:
        return ApiError("Your RFAM log-in has ended: log in again (RFAM tab in the sidebar, or the add-on's "
                        "preferences).", "login", status, code)
    if status == 401:
        return ApiError(said or "The server did not accept that log-in.", "login", status, code, sentence)
    if status == 403:
        return ApiError("Not allowed: %s" % (said or "the server refused this for your account."), "forbidden",
                        status, code, sentence)
    if status in (429, 503) and said and str(code).startswith("RFAM_LOGIN_"):
        return ApiError(said, "refused", status, code, sentence)   # wait after wrong PINs, or too many log-ins at once
    if status >= 500:
        return ApiError("The RFAM server had a problem (%d)%s. Try again, or ask whoever runs it."
                        % (status, ": " + said if said else ""), "server", status, code)
    if said:
        return ApiError(said, "refused", status, code, sentence)
    if status == 404:
        return ApiError("The server at %s has no %s: is it an RFAM server of the same version as this add-on?"
                        % (server, urllib.parse.urlsplit(err.url or "").path or "such page"), "contract", status, code)
    return ApiError("The server refused the request (%d %s)." % (status, err.reason), "refused", status, code)
