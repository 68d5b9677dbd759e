#!/usr/bin/python3
"""Validate detaudit JSON reports against docs/report.schema.json (or docs/compare.schema.json).

usage: validate_report_schema.py SCHEMA REPORT...

Exit 0 when every report validates, 1 when one does not (the first error's JSON path and message
are printed for each failing report), 2 on unreadable input, 77 when the jsonschema module is
missing, so CTest (SKIP_RETURN_CODE 77) shows a skip instead of a pass or a confusing failure.
Run it with Debian's /usr/bin/python3, which has jsonschema 4.10. The other *.schema.json files
beside SCHEMA are loaded too, so one schema can $ref another by its file name.
"""
import glob
import json
import os
import sys

try:
    import jsonschema
    from jsonschema.validators import validator_for
except ImportError:
    print("validate_report_schema: the python module 'jsonschema' is not installed "
          "(apt-get install python3-jsonschema)", file=sys.stderr)
    sys.exit(77)


def json_pointer(path):
    """The error location as a JSON pointer, the form detaudit uses for scenario errors."""
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in path]
    return "/" + "/".join(parts) if parts else "/"


def load(path):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        print(f"{path}: cannot read JSON: {e}", file=sys.stderr)
        sys.exit(2)


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    schema = load(argv[1])
    cls = validator_for(schema)
    try:
        cls.check_schema(schema)
    except jsonschema.SchemaError as e:
        print(f"{argv[1]}: not a valid JSON Schema: {e.message}", file=sys.stderr)
        return 2
    store = {}
    for sibling in glob.glob(os.path.join(os.path.dirname(os.path.abspath(argv[1])), "*.schema.json")):
        doc = load(sibling)
        if "$id" in doc:
            store[doc["$id"]] = doc
    validator = cls(schema, resolver=jsonschema.RefResolver.from_schema(schema, store=store))
    failed = 0
    for path in argv[2:]:
        report = load(path)
        # Sorted by location so the first error printed is stable from run to run.
        errors = sorted(validator.iter_errors(report),
                        key=lambda e: [str(p) for p in e.absolute_path])
        if errors:
            failed += 1
            first = jsonschema.exceptions.best_match(errors) if len(errors) > 1 else errors[0]
            message = first.message
            if len(message) > 300:  # some messages quote the whole offending object
                message = message[:300] + "..."
            print(f"{path}: {json_pointer(first.absolute_path)}: {message}"
                  + (f" ({len(errors)} errors in all)" if len(errors) > 1 else ""))
        else:
            print(f"{path}: valid")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
