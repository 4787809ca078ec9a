"""Imports modules of the add-on that need no Blender (the schema validator, validate.py's contract_hash)
under python3 or Blender, without installing or enabling the add-on.

They import each other relatively (`from .js_regex import ...`), so they must load as modules of a
package, not as loose files. Importing them as `rfam.<module>` would first run rfam/__init__.py, which
imports bpy and every other module. So the package here is a stand-in: an empty module named
PACKAGE whose __path__ is the rfam folder. Importing a module through it runs that module and what
it imports itself, and nothing else (tests/import_alone.py does the same in Blender).

    sys.path.insert(0, <this folder>)
    from addon_modules import addon_module
    lite = addon_module("schema_lite")           # the rfam folder beside this one
"""

import importlib
import os
import sys
import types

RFAM = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "rfam")
# Not "rfam": an add-on of that name that Blender has loaded keeps its own package.
PACKAGE = "rfam_modules"


def addon_module(name):
    """The add-on's module `name` (such as "schema_lite"), imported through the stand-in package."""
    if PACKAGE not in sys.modules:
        package = types.ModuleType(PACKAGE, "The add-on's modules in %s, without its __init__.py." % RFAM)
        package.__path__ = [RFAM]
        package.__package__ = PACKAGE
        sys.modules[PACKAGE] = package
    return importlib.import_module(PACKAGE + "." + name)
