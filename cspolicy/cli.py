"""The ``cspolicy`` command line: thin wrappers over the library.

Each command parses its options, calls one public library function and prints the result.
All errors from the library pass through one choke point, :class:`_Group.invoke`, which
prints ``Error: …`` on stderr and exits 1 for rejected data or 2 for a bad policy or usage,
never with a traceback (``--debug`` shows one).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from typing import Any

import click

from cspolicy import __version__
from cspolicy.errors import CspolicyError

__all__ = ["main", "cli"]


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CspolicyError as exc:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"Error: {exc}", err=True)
            ctx.exit(exc.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cspolicy")
@click.option("--debug", is_flag=True, help="Show a traceback for errors too.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Policy-as-code for customer-service departments.

    \b
    Example:
        cspolicy run materials-order examples/materials/stations.csv
    """
    ctx.obj = {"debug": debug}


@cli.command("list")
def list_cmd() -> None:
    """List the shipped policies with their titles."""
    from cspolicy.library import policy_catalogue

    for name, title in policy_catalogue():
        click.echo(f"{name:<20} {title}")


@cli.command()
@click.argument("policy")
def show(policy: str) -> None:
    """Show a policy: parameters with all dated values, inputs with aliases, outputs.

    \b
    Example:
        cspolicy show materials-order
    """
    from cspolicy.library import describe_policy, load_policy

    click.echo(describe_policy(load_policy(policy)))


@cli.command()
@click.argument("policies", nargs=-1, required=True)
def check(policies: tuple[str, ...]) -> None:
    """Validate policy files (exit 2 on the first error, with file:line)."""
    from cspolicy.library import load_policy

    for ref in policies:
        p = load_policy(ref)
        click.echo(f"ok  {p.file}  ({p.name}: {len(p.outputs)} outputs, {len(p.parameters)} parameters)")


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the policy format (for editor completion)."""
    from cspolicy.library import policy_json_schema

    click.echo(json.dumps(policy_json_schema(), ensure_ascii=False, indent=2))


def _period(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    from cspolicy.periods import Period

    try:
        return Period.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a date; expected YYYY-MM-DD such as 2024-03-01") from None


def _sets(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for item in value:
        name, sep, val = item.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"'{item}' is not NAME=VALUE, e.g. --set loss=8%")
        out[name.strip()] = val.strip()
    return out


@cli.command()
@click.argument("policy")
@click.argument("files", nargs=-1, required=True, metavar="[NAME=]FILE...")
@click.option("--period", callback=_period, metavar="YYYY-MM", help="The month being evaluated.")
@click.option(
    "--as-of",
    "as_of",
    callback=_date,
    metavar="YYYY-MM-DD",
    help="Date whose parameter values apply (default: first day of --period, else today).",
)
@click.option("--region", metavar="REGION", help="Region whose parameter values apply.")
@click.option(
    "--set",
    "sets",
    multiple=True,
    callback=_sets,
    metavar="NAME=VALUE",
    help="Override a parameter for this run, e.g. --set loss=8%.",
)
@click.option("-o", "--output", type=click.Path(), help="A directory (one CSV per output), a .csv, .json or .xlsx file.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), help="Output format (default table on stdout).")
@click.option("--only", multiple=True, metavar="OUTPUT", help="Write only this output (repeatable).")
@click.option("--explain", metavar="KEY", help="Explain the rows with this key, in plain words.")
@click.option("--encoding", metavar="ENC", help="Encoding of the input files (default: detect UTF-8 / GB18030).")
@click.option("--no-bom", is_flag=True, help="Write CSV as plain UTF-8, without the BOM Excel needs.")
def run(
    policy: str,
    files: tuple[str, ...],
    period: Any,
    as_of: dt.date | None,
    region: str | None,
    sets: dict[str, str],
    output: str | None,
    fmt: str | None,
    only: tuple[str, ...],
    explain: str | None,
    encoding: str | None,
    no_bom: bool,
) -> None:
    """Evaluate POLICY (a shipped name or a file) over CSV files.

    \b
    Examples:
        cspolicy run materials-order examples/materials/stations.csv
        cspolicy run materials-order stations=examples/materials/stations.csv -o out/
        cspolicy run materials-order examples/materials/stations.csv --explain A站
    """
    from cspolicy.files import bind_inputs, run_files
    from cspolicy.library import load_policy
    from cspolicy.run import RunSettings

    p = load_policy(policy)
    inputs = bind_inputs(p, files)
    settings = RunSettings(period=period, as_of=as_of, region=region, overrides=sets)
    bar: Any = None
    started = time.monotonic()

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            if time.monotonic() - started < 2:  # only inputs that take more than a moment
                return
            bar = click.progressbar(length=total, label="reading", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        run_files(
            p,
            inputs,
            settings=settings,
            output=output,
            fmt=fmt,
            only=only,
            explain=explain,
            encoding=encoding,
            bom=not no_bom,
            progress=progress if sys.stderr.isatty() else None,
        )
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def main() -> None:
    """Console entry point."""
    cli(prog_name="cspolicy")
