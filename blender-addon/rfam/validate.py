# Layer 1 (base): the shipped contract (schemas/), checked with schema_lite.
"""The add-on's side of the contract: the schemas/ copy it ships, checked with schema_lite.

Everything the add-on sends is checked before it leaves, and everything it receives before it is
used, so a server and an add-on that disagree give one clear sentence instead of odd behaviour.
schema_lite fills defaults in place, so both helpers work on copies.
"""

import copy
import hashlib
import os

from .schema_lite import load_schemas

SCHEMA_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "schemas")

_registry = None


class ContractError(Exception):
    """Data that does not match its schema; the message is a sentence for the panel."""


def registry():
    global _registry
    if _registry is None:
        _registry = load_schemas(SCHEMA_DIR)
    return _registry


def problems(schema_id, data):
    """Schema errors of `data` (a copy is checked; `data` is left as it is)."""
    return registry().validate(schema_id, copy.deepcopy(data))


def outgoing(schema_id, data):
    """A copy of `data` to send, or ContractError saying what is wrong with it."""
    checked = copy.deepcopy(data)
    errors = registry().validate(schema_id, checked, fill_defaults=False)
    if errors:
        raise ContractError("The add-on refused to send this (%s): %s." % (schema_id, "; ".join(errors[:3])))
    return checked


def incoming(schema_id, data):
    """A copy of a server reply with defaults filled in, or ContractError when it breaks the contract."""
    checked = copy.deepcopy(data)
    errors = registry().validate(schema_id, checked)
    if errors:
        raise ContractError(
            "The server's reply does not match this add-on's contract (%s: %s). The add-on and the server "
            "are different versions: install the add-on that matches the server." % (schema_id, "; ".join(errors[:3])))
    return checked


def contract_hash(directory=SCHEMA_DIR):
    """sha256 over the *.schema.json and routes/*.routes.json files, as GET /api/version computes it on the server."""
    digest = hashlib.sha256()
    routes = os.path.join(directory, "routes")
    names = [n for n in os.listdir(directory) if n.endswith(".schema.json")]
    names += ["routes/" + n for n in os.listdir(routes) if n.endswith(".routes.json")]
    for name in sorted(names):
        with open(os.path.join(directory, *name.split("/")), "rb") as f:
            digest.update(name.encode("utf-8") + b"\n" + f.read() + b"\n")
    return digest.hexdigest()
