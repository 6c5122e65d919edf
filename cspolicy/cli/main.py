"""The ``cspolicy`` command line: thin wrappers over the library.

Each command parses its options, calls one public library function and prints the result.
Whatever ends a command passes through one choke point, :class:`_Group.invoke` (and
:func:`main` around it, for what happens before and after a command), which prints one line
``Error: …`` on stderr and exits with a code a script can rely on (see
:data:`cspolicy.cli.console.EXIT_CODES`), never with a traceback (``--debug`` shows one).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

import click

from cspolicy import __version__
from cspolicy.cli.console import (
    BROKEN_PIPE,
    EXIT_CODES,
    failure,
    guard_streams,
    install_signal_handlers,
    printable,
    silence_stdout,
)
from cspolicy.cli.language import error_language, localized

if TYPE_CHECKING:
    from cspolicy.i18n import Lang

__all__ = ["main", "cli"]


def _report(exc: BaseException, debug: bool, lang: Lang = "en") -> int:
    """The choke point: say what ended the command in one line, in ``lang`` (a traceback
    first with ``--debug``) and return its exit code."""
    from cspolicy.messages import translate

    code, message = failure(exc, lang)
    if code == BROKEN_PIPE:
        silence_stdout()
    elif debug:
        import traceback

        traceback.print_exception(exc)
    if message is not None:
        try:
            click.echo(printable(translate("Error: ", lang) + message), err=True)
        except (OSError, ValueError):  # standard error itself is gone: the exit code still says it
            pass
    return code


#: Where the group keeps its raw arguments, for the language of an error.
_ARGS = "cspolicy.args"


class _Group(click.Group):
    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta[_ARGS] = list(args)
        try:
            return super().parse_args(ctx, args)
        except click.ClickException as exc:
            raise localized(exc, args) from exc

    def invoke(self, ctx: click.Context) -> Any:
        args = ctx.meta.get(_ARGS, ())
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:  # click's own usage errors (exit 2)
            raise localized(exc, args) from exc
        except (click.exceptions.Exit, SystemExit):
            raise
        except click.Abort as exc:  # click turns Ctrl-C during a prompt into Abort
            ctx.exit(_report(KeyboardInterrupt() if exc.__context__ is None else exc.__context__, False, error_language(args)))
        except BaseException as exc:
            ctx.exit(_report(exc, bool(ctx.obj and ctx.obj.get("debug")), error_language(args)))


def _lang_option(command: Any) -> Any:
    """``--lang zh|en`` on every command (default: CSPOLICY_LANG, else the locale)."""
    return click.option(
        "--lang",
        type=click.Choice(["zh", "en"], case_sensitive=False),
        help="Language of headers, statuses and text: zh (中文) or en; default CSPOLICY_LANG, else the locale.",
    )(command)


def _language(lang: str | None) -> Lang:
    from cspolicy.i18n import resolve_lang

    return resolve_lang(lang)


_EPILOG = "\b\nExit codes:\n" + "\n".join(f"  {code:>3}  {text}" for code, text in EXIT_CODES.items())


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]}, epilog=_EPILOG)
@click.version_option(__version__, prog_name="cspolicy")
@click.option("--debug", is_flag=True, help="Print the traceback of an error too (the exit code stays the same).")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Policy-as-code for customer-service departments.

    \b
    Example:
        cspolicy run materials-order examples/materials/stations.csv
    """
    ctx.obj = {"debug": debug}


@cli.command("list")
@_lang_option
def list_cmd(lang: str | None) -> None:
    """List the shipped policies with their titles."""
    from cspolicy.cli.library import policy_catalogue

    for name, title in policy_catalogue(_language(lang)):
        click.echo(f"{name:<20} {title}")


@cli.command()
@click.argument("policy")
@_lang_option
def show(policy: str, lang: str | None) -> None:
    """Show a policy: parameters with all dated values, inputs with aliases, outputs.

    \b
    Example:
        cspolicy show materials-order
    """
    from cspolicy.cli.library import describe_policy, load_policy

    click.echo(describe_policy(load_policy(policy), _language(lang)))


@cli.command()
@click.argument("policies", nargs=-1, required=True)
@_lang_option
def check(policies: tuple[str, ...], lang: str | None) -> None:
    """Validate policy files (exit 2 on the first error, with file:line).

    Labels a policy lacks in Chinese or English are warnings on stderr (exit stays 0).
    """
    from cspolicy.cli.library import load_policy
    from cspolicy.planner.labels import missing_labels

    language = _language(lang)
    for ref in policies:
        p = load_policy(ref)
        for finding in missing_labels(p):
            click.echo(("警告：" if language == "zh" else "warning: ") + finding.message(language), err=True)
        if language == "zh":
            click.echo(f"通过  {p.file}  （{p.name}：{len(p.outputs)} 个输出，{len(p.parameters)} 个参数）")
        else:
            click.echo(f"ok  {p.file}  ({p.name}: {len(p.outputs)} outputs, {len(p.parameters)} parameters)")


@cli.command()
@_lang_option
def schema(lang: str | None) -> None:
    """Print the JSON Schema of the policy format (for editor completion).

    The schema is for machines and editors: it is the same in every language.
    """
    _language(lang)  # a bad CSPOLICY_LANG is reported here too
    import json

    from cspolicy.cli.library import policy_json_schema

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
@click.option(
    "--region",
    metavar="REGION",
    help="Region whose parameter values apply: one the policy names (letter case, full-width and spaces ignored).",
)
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
@click.option(
    "--bom/--no-bom",
    default=None,
    help="CSV with the BOM Excel needs to read UTF-8 Chinese (default: files yes, stdout no).",
)
@click.option(
    "--limit",
    type=int,
    metavar="N",
    help="Rows of each output shown in the terminal table (default 50; 0 shows all). -o writes every row.",
)
@click.option(
    "-q", "--quiet", is_flag=True, help="Say nothing on stderr but errors and warnings: no progress, no list of files written."
)
@click.option("--strict", is_flag=True, help="Treat warnings as errors: exit 1 and write nothing when there are any.")
@click.option(
    "--calendar",
    "calendars",
    multiple=True,
    type=click.Path(),
    metavar="FILE",
    help="A working-day calendar file for a year the chinesecalendar package lacks (docs/calendar.md; repeatable).",
)
@_lang_option
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
    bom: bool | None,
    limit: int | None,
    quiet: bool,
    strict: bool,
    calendars: tuple[str, ...],
    lang: str | None,
) -> None:
    """Evaluate POLICY (a shipped name or a file) over CSV files.

    \b
    Examples:
        cspolicy run materials-order examples/materials/stations.csv
        cspolicy run materials-order stations=examples/materials/stations.csv -o out/
        cspolicy run materials-order examples/materials/stations.csv --explain A站
        cspolicy run materials-order examples/materials/stations.csv --lang zh --only orders --format csv --bom > orders.csv
    """
    from cspolicy.cli.library import load_policy
    from cspolicy.cli.progress import ProgressLine
    from cspolicy.engine.files import bind_inputs, run_files
    from cspolicy.engine.run import RunSettings
    from cspolicy.messages import translate

    language = _language(lang)
    p = load_policy(policy)
    inputs = bind_inputs(p, files)
    settings = RunSettings(period=period, as_of=as_of, region=region, overrides=sets, strict=strict, calendars=calendars)
    line = ProgressLine(sys.stderr, lang=language) if not quiet and sys.stderr.isatty() else None

    def tell(message: str) -> None:
        message = translate(message, language)
        if line is not None:
            line.note(message)
        elif not quiet:
            click.echo(message, err=True)

    with line or contextlib.nullcontext():
        report = run_files(
            p,
            inputs,
            settings=settings,
            output=output,
            fmt=fmt,
            only=only,
            explain=explain,
            encoding=encoding,
            bom=bom,
            progress=line,
            limit=limit,
            on_wait=tell,
            lang=language,
        )
    if not quiet:
        for done in report.summary():
            click.echo(translate(done, language), err=True)
    for note in report.warnings.lines():  # even with -q: a warning is about the figures
        click.echo(printable(translate(note, language)), err=True)


def main(args: Sequence[str] | None = None) -> NoReturn:
    """Console entry point: run one command and exit with its code (see ``cspolicy --help``).

    Everything a command can end with is caught here or in the group's choke point: errors,
    Ctrl-C (130) and SIGTERM (143) at any moment, a closed pipe, an unwritable standard
    output. ``python -m cspolicy`` also covers Ctrl-C while the modules are imported.
    """
    code: int
    debug = False
    try:
        argv = list(sys.argv[1:] if args is None else args)
        debug = "--debug" in argv[: next((i for i, a in enumerate(argv) if not a.startswith("-")), len(argv))]
        install_signal_handlers()
        guard_streams()
        try:
            result = cli.main(args=argv, prog_name="cspolicy", standalone_mode=False)
        except click.ClickException as exc:  # usage errors, shown as click shows them
            exc.show()
            result = exc.exit_code
        except click.Abort as exc:
            raise KeyboardInterrupt from exc
        code = result if isinstance(result, int) else 0
        sys.stdout.flush()  # a full disk or a closed pipe shows here for a short output
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    except BaseException as exc:
        code = _report(exc, debug, error_language(sys.argv[1:] if args is None else args))
    sys.exit(code)
