"""What every Blender a render node starts does: read its arguments, make the loaded file safe to
render again, refuse a file whose paths reach outside its project, end when the node lets go, and
fail with a line the node can read.

Imported by session.py, video_setup.py and video_render.py (in this folder), which the node runs
with --python (node/blender-args.ts). Needs no bpy, so python3 can test it without Blender
(test/node/test_blender_scripts.py).
"""

import importlib.util
import json
import os
import queue
import sys
import threading


def arguments(argv=None):
    """The run's parameters: the JSON object after '--' on Blender's command line ({} if none)."""
    argv = sys.argv if argv is None else argv
    rest = argv[argv.index("--") + 1:] if "--" in argv else []
    return json.loads(rest[0]) if rest else {}


def make_rerunnable(render, frames):
    """Settings made after a file loads. They turn nothing off that the file needs; they only make
    a run safe to repeat: overwrite existing frames (a frame half-written by a node that died is
    rendered again whole), no placeholders, file extensions on; a frames job of a file set to a
    movie format writes PNG images instead (one movie per frame is useless), a video job keeps it.
    """
    render.use_overwrite = True
    render.use_placeholder = False
    render.use_file_extension = True
    if frames and render.is_movie_format:
        render.image_settings.file_format = "PNG"


def end(code):
    """Ends Blender at once with this exit code, after what it printed."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def fail(error):
    """Ends Blender with exit code 1 after an error, printed as an 'Error:' line (the node reads
    those for the failure message) unless Blender's own 'Error: …' is the error's text."""
    text = str(error).strip()
    if not text.startswith("Error"):
        print("Error: " + text, flush=True)
    end(1)


_checkers = {}


def _load_checker(path):
    """The add-on's outside_paths.py (the path check its preflight runs too), loaded once by path:
    importing the add-on's package would run its __init__."""
    if path not in _checkers:
        spec = importlib.util.spec_from_file_location("rfam_outside_paths", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _checkers[path] = module
    return _checkers[path]


def refusal(blend, place, checker):
    """Why the loaded .blend may not render on the farm, as one sentence; None if it may.

    blend: the loaded file (bpy.data.filepath; '' when none is). place: the run's "project",
    "outputDir" (its output folder) and "outputShown" (that folder as the student knows it, for the
    sentence); no project: nothing to check (a Blender waiting for a file). checker: the path of
    outside_paths.py, whose find() lists File Output nodes writing outside the output folder and
    external files that are absolute or outside the project.
    """
    if not blend or not place or place.get("project") is None:
        return None
    try:
        paths = _load_checker(checker)
        found = paths.find(place["project"], place["outputDir"])
        if not found:
            return None
        return paths.sentence(found, place["outputShown"])
    except Exception as e:
        # A check that cannot run lets nothing through.
        return "The farm could not check the paths this file uses (%s), so it does not render it; tell staff." % e


def check_paths(blend, place, checker):
    """Before any frame: when the loaded file reaches outside its project (refusal), prints
    `RFAM_REFUSED <sentence>` and ends Blender with exit code 1."""
    text = refusal(blend, place, checker)
    if text is None:
        return
    print("RFAM_REFUSED " + text, flush=True)
    end(1)


def report_missing(blend, place, checker):
    """Prints `RFAM_MISSING <json>`: the external files the loaded .blend uses that are not there
    (outside_paths.find_missing), so the job can say it rendered without them; nothing when none
    are missing, or when there is no file or place."""
    if not blend or not place or place.get("project") is None:
        return
    try:
        missing = _load_checker(checker).find_missing(place["project"])
    except Exception as e:
        print("RFAM: could not list missing files: %s" % e, flush=True)
        return
    if missing:
        print("RFAM_MISSING " + json.dumps(missing[:100]), flush=True)


def read_lines(fd, put):
    """Reads lines (without their newline) from a file descriptor until it closes, each to put()."""
    buf = b""
    while True:
        chunk = os.read(fd, 65536)
        if not chunk:
            return
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            put(line.decode())


def commands():
    """A queue of the lines the node writes to Blender's stdin. When stdin closes (the node ends the
    session, or dies) Blender exits at once (code 0), even in the middle of a frame."""
    lines = queue.Queue()

    def read():
        try:
            read_lines(0, lines.put)
        except Exception:
            pass
        os._exit(0)

    threading.Thread(target=read, daemon=True).start()
    return lines


def exit_when_stdin_closes(code):
    """Ends Blender with this exit code when its stdin closes: the node that started it died (or let
    it go), so no orphan keeps rendering."""
    def watch():
        try:
            while os.read(0, 65536):
                pass
        except Exception:
            pass
        os._exit(code)

    threading.Thread(target=watch, daemon=True).start()
