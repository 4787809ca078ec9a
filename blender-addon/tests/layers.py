"""The add-on's modules as layers: each imports only from its own layer or the ones below, and the
imports between them never go round in a circle. Plain Python (no Blender): it reads the sources
with `ast`. Run by test/addon/layers.blender.test.ts:

    python3 blender-addon/tests/layers.py [<rfam folder>]          # checks; 'N passed, N failed'
    python3 blender-addon/tests/layers.py [<rfam folder>] --json   # the table and the import graph

A new module must be given a layer in LAYERS below (and the same '# Layer N (name): ...' first line);
an import that goes up, or a circle, fails here, including imports hidden inside a function.
"""

import ast
import json
import os
import re
import sys

PACKAGE = "rfam"
HERE = os.path.dirname(os.path.abspath(__file__))

# The layer table (docs/addon.md, "Layers"). A module imports only modules of its own layer or of a
# lower one; within a layer the imports must not form a circle either.
LAYER_NAMES = {1: "base", 2: "features", 3: "ui", 4: "entry"}
LAYERS = {
    # 1 base: no operators or panels; the contract, the server connection, the cache, the preferences
    "schema_lite": 1, "schema_checks": 1, "schema_run": 1, "json_values": 1, "js_regex": 1, "json_formats": 1,
    "validate": 1, "client": 1, "api": 1, "location": 1, "outside_paths": 1, "render_stats": 1,
    "state": 1, "preferences": 1, "words": 1, "picture_slot": 1,
    # 2 features: operators and the conversations with the server behind them
    "session": 2, "connect": 2, "login_picker": 2, "preflight": 2, "render": 2, "notify": 2, "asset_ops": 2,
    # 3 ui: what Blender draws (the sidebar panels, the add-on's preferences)
    "panel_text": 3, "note_panel": 3, "panel": 3, "preferences_ui": 3,
    # 4 entry: bl_info and registration
    "__init__": 4,
}

HEADER = re.compile(r"^# Layer (\d) \((\w+)\): \S")


class Import:
    def __init__(self, source, target, line, local):
        self.source, self.target, self.line, self.local = source, target, line, local

    def where(self):
        return "%s.py:%d" % (self.source, self.line)


def modules_in(folder):
    return sorted(f[:-3] for f in os.listdir(folder) if f.endswith(".py"))


def _targets(node, source, known):
    """The rfam modules an import statement names (an `import rfam.x`, `from . import x`, `from .x import y` ...)."""
    # Every module sits directly in the package, so level 1 ('from . import x') names a sibling.
    if isinstance(node, ast.Import):
        return [a.name.split(".")[1] for a in node.names
                if a.name.split(".")[0] == PACKAGE and len(a.name.split(".")) > 1 and a.name.split(".")[1] in known]
    if node.level == 0 and (node.module or "").split(".")[0] != PACKAGE:
        return []
    if node.level > 1:
        raise ValueError("%s.py:%d imports from above the package (level %d)" % (source, node.lineno, node.level))
    parts = (node.module or "").split(".")
    if node.level == 0:
        parts = parts[1:]                # 'rfam.x' -> ['x'], 'rfam' -> []
    parts = [p for p in parts if p]
    if parts:
        return [parts[0]] if parts[0] in known else []
    return [a.name for a in node.names if a.name in known]


def imports_of(folder, name, known):
    """Every import of another rfam module in `name`.py, and whether it hides inside a function or class."""
    with open(os.path.join(folder, name + ".py"), encoding="utf-8") as f:
        tree = ast.parse(f.read(), name + ".py")
    found = []

    def walk(node, local):
        for child in ast.iter_child_nodes(node):
            inner = local or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef))
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                for target in _targets(child, name, known):
                    if target != name:
                        found.append(Import(name, target, child.lineno, local))
            walk(child, inner)

    walk(tree, False)
    return found


def graph(folder):
    known = set(modules_in(folder))
    return {name: imports_of(folder, name, known) for name in sorted(known)}


def find_cycle(edges):
    """One circle of imports as [a, b, ..., a], or None."""
    colour = {}
    stack = []

    def visit(node):
        colour[node] = "grey"
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if colour.get(nxt) == "grey":
                return stack[stack.index(nxt):] + [nxt]
            if nxt not in colour:
                cycle = visit(nxt)
                if cycle:
                    return cycle
        stack.pop()
        colour[node] = "black"
        return None

    for node in sorted(edges):
        if node not in colour:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def header_of(folder, name):
    with open(os.path.join(folder, name + ".py"), encoding="utf-8") as f:
        return f.readline().rstrip("\n")


# ---------------------------------------------------------------------------------------------
# The checks: each returns a list of problems (sentences), empty when it holds.

def every_module_has_a_layer(folder, g):
    missing = ["%s.py has no layer in the table (tests/layers.py LAYERS)" % m for m in g if m not in LAYERS]
    gone = ["the table names %s, but there is no %s.py" % (m, m) for m in LAYERS if m not in g]
    return missing + gone


def each_header_says_its_layer(folder, g):
    problems = []
    for name in g:
        if name not in LAYERS:
            continue
        line = header_of(folder, name)
        m = HEADER.match(line)
        want = (LAYERS[name], LAYER_NAMES[LAYERS[name]])
        if not m or (int(m.group(1)), m.group(2)) != want:
            problems.append("%s.py's first line should be '# Layer %d (%s): <its concern>', not %r"
                            % (name, want[0], want[1], line))
    return problems


def no_import_hides_in_a_function(folder, g):
    return ["%s imports %s inside a function or class (import it at the top; a cycle it hides fails below)"
            % (i.where(), i.target) for imports in g.values() for i in imports if i.local]


def imports_only_go_down(folder, g):
    problems = []
    for imports in g.values():
        for i in imports:
            if i.source in LAYERS and i.target in LAYERS and LAYERS[i.target] > LAYERS[i.source]:
                problems.append("%s imports %s upwards: %s is layer %d (%s), %s is layer %d (%s)" % (
                    i.where(), i.target, i.source, LAYERS[i.source], LAYER_NAMES[LAYERS[i.source]],
                    i.target, LAYERS[i.target], LAYER_NAMES[LAYERS[i.target]]))
    return problems


def no_circle(folder, g):
    cycle = find_cycle({m: {i.target for i in imports} for m, imports in g.items()})
    return ["the imports go round in a circle: %s" % " -> ".join(cycle)] if cycle else []


CHECKS = (every_module_has_a_layer, each_header_says_its_layer, no_import_hides_in_a_function,
          imports_only_go_down, no_circle)


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    folder = os.path.abspath(args[0] if args else os.path.join(HERE, "..", PACKAGE))
    g = graph(folder)
    if "--json" in argv:
        print(json.dumps({"layers": LAYERS, "layerNames": LAYER_NAMES,
                          "imports": {m: sorted({i.target for i in imports}) for m, imports in g.items()}}))
        return 0
    failed = 0
    for check in CHECKS:
        problems = check(folder, g)
        print("%s - %s" % ("not ok" if problems else "ok", check.__name__.replace("_", " ")))
        for p in problems:
            print("  " + p)
        failed += bool(problems)
    print("%d passed, %d failed" % (len(CHECKS) - failed, failed), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
