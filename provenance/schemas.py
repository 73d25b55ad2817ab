"""JSON Schemas: generated from the models, committed in ``schemas/``, enforced when read.

The committed files are what users and other tools read; ``python -m provenance.schemas
--write`` regenerates them, with the copy shipped inside the package
(``provenance/schema_files/``), and a test fails when they and the models disagree. Every
document the tool writes or reads is validated against them with format checking on.
Validating reads the shipped copy, so checking a manifest does not import pydantic and
build every model (0.15 s, a fifth of verifying 20,000 pages).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from provenance.errors import ManifestError

if TYPE_CHECKING:
    from pydantic import BaseModel

SCHEMA_BASE = "https://provenance.invalid/schemas/"
DIALECT = "https://json-schema.org/draft/2020-12/schema"
PACKAGED = Path(__file__).resolve().parent / "schema_files"

# schema file name → (name of the model in provenance.models, title)
_CORE = {
    "record.schema.json": ("FileRecord", "provenance file record"),
    "manifest.schema.json": ("Manifest", "provenance manifest"),
    "verify-report.schema.json": ("VerifyReport", "provenance verify report"),
}
_REGISTERED: dict[str, tuple[type[BaseModel], str]] = {}


def register(filename: str, model: type[BaseModel], title: str) -> None:
    """Add a schema generated from ``model``; plugin families call this at import."""
    _REGISTERED[filename] = (model, title)


def schema_models() -> dict[str, tuple[type[BaseModel], str]]:
    """Schema file name → (model, title): the core models and every registered one."""
    from provenance import models

    found = {name: (getattr(models, model), title) for name, (model, title) in _CORE.items()}
    found.update(_REGISTERED)
    return found


def __getattr__(name: str) -> Any:
    if name == "SCHEMA_MODELS":  # the mapping, built on first use (it imports the models)
        return schema_models()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _date_or_datetime(node: Any) -> None:
    """Timestamp values are a date, a year-month, a year or a date-time: say so in the schema."""
    if isinstance(node, dict):
        props = node.get("properties")
        required = node.get("required", [])
        if isinstance(props, dict) and "precision" in required and "value" in props:
            props["value"] = {
                "description": props["value"].get("description", ""),
                "title": "Value",
                "type": "string",
                "anyOf": [
                    {"format": "date-time", "pattern": "(Z|[+-][0-9]{2}:[0-9]{2})$"},
                    {"format": "date"},
                    {"pattern": "^[0-9]{4}(-[0-9]{2})?$"},
                ],
                # Year 0000 and a leap second (…:60) pass RFC 3339's grammar but name no
                # instant Python's datetime (and so the reference validator) can hold, and
                # no extractor writes them: refused, so every validator judges them alike.
                "not": {"pattern": "^0000|T[0-9]{2}:[0-9]{2}:60"},
            }
        for value in node.values():
            _date_or_datetime(value)
    elif isinstance(node, list):
        for value in node:
            _date_or_datetime(value)


def generate(filename: str) -> dict[str, Any]:
    """Build the schema document for ``filename`` from its model."""
    model, title = schema_models()[filename]
    body = model.model_json_schema(mode="serialization")
    _date_or_datetime(body)
    body.pop("title", None)
    doc: dict[str, Any] = {
        "$schema": DIALECT,
        "$id": SCHEMA_BASE + filename,
        "title": title,
    }
    doc.update(body)
    return doc


def render(doc: dict[str, Any]) -> str:
    """Serialise a schema the way it is committed."""
    return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


@cache
def validator(filename: str) -> Callable[[Any], list[str]]:
    """Return a function that lists a document's schema violations, formats checked.

    The schema is compiled by jsonschema-rs: validating a 20,000-record manifest takes
    a tenth of a second there against half a minute in the pure-Python ``jsonschema``,
    which stays the reference (:func:`reference_validator`); a test keeps the two in
    agreement on valid and invalid documents.
    """
    import jsonschema_rs

    check = jsonschema_rs.validator_for(_document(filename), validate_formats=True)

    def errors(instance: Any) -> list[str]:
        if check.is_valid(instance):
            return []
        found = sorted(
            ([str(p) for p in e.instance_path], e.message) for e in check.iter_errors(instance)
        )
        return [f"{'/'.join(where) or '(top)'}: {message}" for where, message in found]

    return errors


def _document(filename: str) -> Any:
    """The shipped schema (what ``generate`` gives, a test checks), else generated."""
    try:
        return json.loads((PACKAGED / filename).read_bytes())
    except FileNotFoundError:
        return generate(filename)


@cache
def reference_validator(filename: str) -> Callable[[Any], list[str]]:
    """The same check by the pure-Python ``jsonschema`` (the reference implementation)."""
    import jsonschema

    cls = jsonschema.Draft202012Validator
    check = cls(generate(filename), format_checker=cls.FORMAT_CHECKER)

    def errors(instance: Any) -> list[str]:
        found = []
        for error in sorted(check.iter_errors(instance), key=lambda e: list(e.absolute_path)):
            where = "/".join(str(p) for p in error.absolute_path) or "(top)"
            found.append(f"{where}: {error.message}")
        return found

    return errors


def validate(instance: Any, filename: str, *, where: str) -> None:
    """Raise ManifestError naming the first violation of ``filename``'s schema."""
    problems = validator(filename)(instance)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ManifestError(
            f"does not match {filename}: {problems[0]}{more}",
            where=where,
            hint="regenerate it with 'provenance manifest' or fix the entry",
        )


def main(argv: list[str] | None = None) -> int:
    """Write or check the committed schemas."""
    parser = argparse.ArgumentParser(prog="python -m provenance.schemas")
    parser.add_argument("--write", action="store_true", help="rewrite schemas/*.json")
    parser.add_argument(
        "--dir",
        type=Path,
        help="write or check only this folder (default: schemas/ and the copy in the package)",
    )
    options = parser.parse_args(argv)
    import provenance.probe.models  # noqa: F401  (registers the probe report schema)

    folders = [options.dir] if options.dir else [Path("schemas"), PACKAGED]
    stale = []
    for filename in sorted(schema_models()):
        text = render(generate(filename))
        for folder in folders:
            target = folder / filename
            if options.write:
                target.write_text(text, encoding="utf-8")
            elif not target.exists() or target.read_text(encoding="utf-8") != text:
                stale.append(target)
    for target in stale:
        print(f"{target}: out of date; run python -m provenance.schemas --write")
    return 1 if stale else 0


if __name__ == "__main__":
    # Run as ``python -m``, this file is ``__main__``, a second copy of the module: the
    # probe models register their schema in ``provenance.schemas``, so run that copy's main.
    from provenance.schemas import main as registered_main

    sys.exit(registered_main())
