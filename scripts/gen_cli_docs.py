"""Regenerate docs/cli.md, the command reference, from the CLI itself.

Run ``python scripts/gen_cli_docs.py`` after adding or changing a command;
``tests/test_cli_core.py`` fails when the file is out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

import typer.main

from straits.cli.app import app

HEADER = """# Command reference

Generated from the CLI by `python scripts/gen_cli_docs.py`; do not edit by hand.
Every table command takes `--format table|csv|json|parquet` and `--out FILE`; every command that
reads the warehouse takes `--db PATH` (or `STRAITS_DB`), defaulting to the embedded dataset.
Errors print `Error: ...` and exit with code 2.
"""


def render() -> str:
    """The markdown reference for every command, sorted by name."""
    group = typer.main.get_command(app)
    parts = [HEADER]
    commands = []
    for name in sorted(group.commands):
        cmd = group.commands[name]
        subs = getattr(cmd, "commands", None)  # a group such as `fetch`: its subcommands
        commands += [(f"{name} {n}", subs[n]) for n in sorted(subs)] if subs else [(name, cmd)]
    for name, cmd in commands:
        parts.append(f"\n## `straits {name}`\n\n{(cmd.help or '').strip()}\n")
        rows = []
        for p in cmd.params:
            if p.param_type_name == "argument":
                helptext = (getattr(p, "help", None) or "").strip()
                default = "" if p.default is None else p.default
                rows.append(f"| `{p.name.upper()}` | {helptext} (argument) | {default} |")
            elif p.param_type_name == "option" and "--help" not in p.opts:
                default = "" if p.default in (None, False) or callable(p.default) else p.default
                default = getattr(default, "value", default)
                rows.append(f"| `{', '.join(p.opts)}` | {(p.help or '').strip()} | {default} |")
        if rows:
            parts.append("\n| parameter | meaning | default |\n|---|---|---|\n" + "\n".join(rows) + "\n")
    return "".join(parts)


def main() -> None:
    out = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
    text = render()
    if "--check" in sys.argv:
        sys.exit(0 if out.read_text(encoding="utf-8") == text else 1)
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
