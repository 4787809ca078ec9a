# Layer 1 (base): the words the add-on shows, from the same language files as the web pages.
"""The add-on's words in the reader's language, from the web pages' own language files.

languages/*.json is a copy of config/languages/*.json that ships inside the add-on (made by
`npm run addon:schemas`, like schemas/; test/schemas/addon-copy.test.ts fails when it differs). A
copy rather than asking the server: the log-in form needs its words before there is a server to
ask, and a panel must draw instantly, never wait for the network.

The language is the person's own choice on RFAM (their profile's language, known once logged in),
else Blender's interface language when RFAM has it, else English. A key a language lacks falls back
to English, then to the key itself.
"""

import json
import os
import re

_FOLDER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "languages")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_loaded = {}            # code -> {key: text}
_chosen = ""            # the logged-in person's language ('' = not chosen)


def available():
    """Codes of the languages the add-on ships ('de', 'en', ...)."""
    try:
        return sorted(name[:-5] for name in os.listdir(_FOLDER) if name.endswith(".json"))
    except OSError:
        return []


def _strings(code):
    if code not in _loaded:
        try:
            with open(os.path.join(_FOLDER, code + ".json"), encoding="utf-8") as f:
                _loaded[code] = json.load(f).get("strings", {})
        except (OSError, ValueError):
            _loaded[code] = {}
    return _loaded[code]


def blender_language():
    """Blender's interface language as an RFAM code ('de' for 'de_DE'), or '' when RFAM lacks it."""
    try:
        import bpy
        locale = bpy.app.translations.locale or ""
    except (ImportError, AttributeError):
        locale = ""
    code = locale.split("_")[0].lower()
    return code if code in available() else ""


def use(code):
    """Makes `code` the language (the person's choice on RFAM); '' or an unknown one: automatic."""
    global _chosen
    _chosen = code if code in available() else ""


def current():
    return _chosen or blender_language() or "en"


def has(key):
    return key in _strings(current()) or key in _strings("en")


def fill(text, params):
    return _PLACEHOLDER.sub(lambda m: str(params[m.group(1)]) if m.group(1) in params else m.group(0), text)


def tr(key, **params):
    """The text of `key` in the current language with its {placeholders} filled in."""
    text = _strings(current()).get(key) or _strings("en").get(key) or key
    return fill(text, params)


def optional(key, fallback):
    """The text of a key built at run time ('state:ns'), or the configuration's own name when no file has it."""
    return tr(key) if has(key) else fallback


def sentence(said, fallback):
    """A sentence the server or a render node made ({key, params}) in the current language; `fallback`
    (its English message) when there is none or no file knows its key. A value sent with a companion
    `<name>Key` (state and stateKey: 'state:us') is a name this language may have its own word for,
    as on the web's pages; else it stays as sent."""
    if not isinstance(said, dict) or not has(said.get("key", "")):
        return fallback
    params = dict(said.get("params") or {})
    for name, key in list(params.items()):
        if name.endswith("Key") and isinstance(key, str) and name[:-3] in params:
            params[name[:-3]] = optional(key, str(params[name[:-3]]))
    return tr(said["key"], **params)


def warning_text(warning, settings=None):
    """A warning about a file (no camera, a missing library …) in the current language: in English the
    server's own sentence (it can say more, such as what a missing library held), else the language
    file's render:warn-<code>, else the server's."""
    key = "render:warn-" + warning.get("code", "")
    if current() == "en" or not has(key):
        return warning["message"]
    settings = settings or {}
    return tr(key, scene=settings.get("scene", ""), format=settings.get("fileFormat", ""), path=warning.get("path", ""),
              count=warning.get("count", 0), of=warning.get("of", 0))
