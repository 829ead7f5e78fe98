"""The ``check`` command: ``python app.py check PLAN`` verifies a plan file and reports.

It prints what it looked at and every problem in plain words, changes nothing, and exits
0 only when all is well (notes alone still count as well), 1 otherwise. Like every command
it imports only the standard library at import time; ``planner.check`` loads when it runs.
"""

from __future__ import annotations

import argparse
import json
import textwrap

from planner.cli import command


def _check_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("plan", metavar="PLAN", help="the plan file (.smplan) to check")
    parser.add_argument("--json", action="store_true", help="print a JSON object instead")


def _wrapped(bullet: str, text: str) -> str:
    return textwrap.fill(text, width=88, initial_indent=bullet, subsequent_indent="    ")


@command("check", "verify a plan file and report any problems in plain words", _check_arguments)
def run_check(args: argparse.Namespace) -> int:
    from planner.check import check_plan

    result = check_plan(args.plan)
    if args.json:
        print(
            json.dumps(
                {
                    "plan": str(result.path),
                    "ok": result.ok,
                    "schema_version": result.schema_version,
                    "problems": [f.text for f in result.problems],
                    "notes": [f.text for f in result.notes],
                },
                indent=2,
            )
        )
        return 0 if result.ok else 1
    print(f"{'Plan:':<24}{result.path}")
    for label, value in result.facts:
        print(f"{label + ':':<24}{value}")
    if result.notes:
        print("\nWorth knowing:")
        for finding in result.notes:
            print(_wrapped("  - ", finding.text))
    if result.ok:
        print("\nAll is well: no problems were found. The file was not changed.")
        return 0
    count = len(result.problems)
    print(f"\n{'1 problem' if count == 1 else f'{count} problems'} found:")
    for finding in result.problems:
        print(_wrapped("  - ", finding.text))
    if result.path.is_file():
        print("\nThe file was not changed.")
    return 1
