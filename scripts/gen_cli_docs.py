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
Every table command takes `--format table|csv|json|parquet`, `--out FILE`, `--columns A,B` and
`--wide`; every command that reads the warehouse takes `--db PATH` (or `STRAITS_DB`), defaulting
to the embedded dataset. Errors print `Error: ...` and exit with code 2.

Output: `--out FILE` takes its format from the extension (`.csv`, `.json`, `.parquet`, `.txt`
for the table as text) unless `--format` is given, and both naming different formats is an
error. Without either, a terminal gets a table and a pipe or a file gets CSV. Tables put the key
columns first, state units under the column names (`k USD`, `t`, `0-1`), keep codes and numbers
whole, shorten long text and name the columns left out at the width (`--wide` shows all). CSV
and JSON write numbers to 15 significant digits (`68495.858`); every format uses the ASCII minus
sign; Parquet keeps exact values and the provenance. `--product`/`--products` take HS codes or
product names in English, Korean or Japanese (`gallium`, `흑연`, `フッ化水素`; see
`straits product`), and economies take names in those languages too (`한국`, `韓国`, `Corea`).
"""

#: shown as the default of --format (the code default is "table", used on a terminal only)
FORMAT_DEFAULT = "table on a terminal, else csv"


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
                if "--format" in p.opts:
                    default = FORMAT_DEFAULT
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
