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
from cspolicy.cli.language import ARGS, LocalizedHelp, error_language, localized

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


#: Where the group keeps its raw arguments, for the language of an error or of the help.
_ARGS = ARGS


class _Command(LocalizedHelp):
    """A command whose help is in the command's language."""


class _Group(LocalizedHelp, click.Group):
    command_class = _Command

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
    """The command's language: its ``--lang``, else the group's (``cspolicy --lang zh run …``),
    else the environment."""
    from cspolicy.i18n import resolve_lang

    if lang is None:
        ctx = click.get_current_context(silent=True)
        root = ctx.find_root() if ctx is not None else None
        lang = (root.obj or {}).get("lang") if root is not None and isinstance(root.obj, dict) else None
    return resolve_lang(lang)


_EPILOG = "\b\nExit codes:\n" + "\n".join(f"  {code:>3}  {text}" for code, text in EXIT_CODES.items())


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]}, epilog=_EPILOG)
@click.version_option(__version__, prog_name="cspolicy")
@click.option("--debug", is_flag=True, help="Print the traceback of an error too (the exit code stays the same).")
@_lang_option
@click.pass_context
def cli(ctx: click.Context, debug: bool, lang: str | None) -> None:
    """Policy-as-code for customer-service departments.

    \b
    Example:
        cspolicy run materials-order examples/materials/stations.csv
    """
    ctx.obj = {"debug": debug, "lang": lang}


@cli.command("list")
@_lang_option
def list_cmd(lang: str | None) -> None:
    """List the shipped policies with their titles."""
    from cspolicy.cli.library import policy_catalogue

    for name, title in policy_catalogue(_language(lang)):
        click.echo(f"{name:<20} {title}")


@cli.command()
@click.argument("policy")
@click.option("--plan", "plan", is_flag=True, help="Show the plan: the steps a run executes, in dependency order.")
@click.option("--json", "as_json", is_flag=True, help="With --plan: the plan as JSON.")
@click.option(
    "--yaml", "as_yaml", is_flag=True, help="Print the policy file itself (a shipped one to copy from: > my-policy.yaml)."
)
@_lang_option
def show(policy: str, plan: bool, as_json: bool, as_yaml: bool, lang: str | None) -> None:
    """Show a policy: parameters with all dated values, inputs with aliases, outputs.

    \b
    Examples:
        cspolicy show materials-order
        cspolicy show --plan materials-order
        cspolicy show --yaml penalties-club > my-penalties.yaml
    """
    from cspolicy.cli.library import describe_policy, load_policy

    if as_yaml:
        from cspolicy.authoring.cli_text import policy_text

        click.echo(policy_text(policy), nl=False)
        return
    if as_json and not plan:
        raise click.UsageError("--json goes with --plan")
    loaded = load_policy(policy)
    if plan:
        from cspolicy.cli.describe_plan import describe_plan
        from cspolicy.planner.step_plan import plan_policy

        steps = plan_policy(loaded)
        if as_json:
            import json

            click.echo(json.dumps({**steps.as_json(), "policy": loaded.name}, ensure_ascii=False, indent=2))
        else:
            click.echo(describe_plan(steps, loaded.name, _language(lang)))
        return
    click.echo(describe_policy(loaded, _language(lang)))


@cli.command()
@click.argument("policies", nargs=-1, required=True)
@_lang_option
def check(policies: tuple[str, ...], lang: str | None) -> None:
    """Validate policy files: every one is checked and every error reported (exit 2 if any).

    Labels a policy lacks in Chinese or English, and what `cspolicy lint` finds, are
    warnings on stderr (exit stays 0).
    """
    from cspolicy.authoring.cli_text import check_policies

    language = _language(lang)
    ok = check_policies(policies, language, lambda text, err: click.echo(printable(text), err=err))
    if not ok:
        sys.exit(2)


@cli.command()
@click.argument("policies", nargs=-1, required=True)
@click.option(
    "--as-of",
    "as_of",
    callback=lambda ctx, param, value: _date(ctx, param, value),
    metavar="YYYY-MM-DD",
    help="The day the review age is counted back from (default today).",
)
@_lang_option
def lint(policies: tuple[str, ...], as_of: dt.date | None, lang: str | None) -> None:
    """Find what a valid policy may still get wrong: open band ends, unreachable ladder
    rungs, unused parameters and input columns, missing labels, parameters older than the
    policy's review age. Exit 1 when there are findings, 2 when a policy does not load.

    \b
    Example:
        cspolicy lint materials-order my-policy.yaml
    """
    from cspolicy.authoring.cli_text import lint_policies

    code = lint_policies(policies, as_of, lambda text, err: click.echo(printable(text), err=err), _language(lang))
    if code:
        sys.exit(code)


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


@cli.command("test")
@click.argument("paths", nargs=-1, metavar="[PATH...]")
@click.option(
    "--coverage", "show_coverage", is_flag=True, help="Also list, per policy, rules, columns, bands and rungs no case exercised."
)
@_lang_option
def test_cmd(paths: tuple[str, ...], show_coverage: bool, lang: str | None) -> None:
    """Run YAML test cases (tests/<policy>/*.yaml beside policies; none: the shipped ones).

    Exit 1 when a case fails; the last line is `N passed, N failed`.

    \b
    Example:
        cspolicy test policies/ --coverage
    """
    from cspolicy.authoring.cli_text import test_lines

    _language(lang)
    lines, ok = test_lines(paths, show_coverage)
    for line in lines:
        click.echo(printable(line))
    if not ok:
        sys.exit(1)


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
@click.argument("policy", required=False, metavar="POLICY")
@click.argument("files", nargs=-1, metavar="[NAME=]FILE...")
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
@click.option(
    "--explain-limit",
    type=click.IntRange(min=0),
    default=50,
    show_default=True,
    metavar="N",
    help="Rows of each output --explain explains (0 explains all); the rest are counted.",
)
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
@click.option(
    "--replay",
    metavar="RECORD",
    help="Recompute the run a record (cspolicy-run.json, FILE.run.json) describes; exit 1 if anything differs.",
)
@click.option(
    "--by", "by", multiple=True, metavar="NAME", help="Group by this grouping the policy offers (repeatable: agent, day …)."
)
@click.option(
    "--preset", "presets", multiple=True, metavar="NAME", help="Read an input as this export (a header preset of the policy)."
)
@_lang_option
@click.pass_context
def run(
    ctx: click.Context,
    policy: str | None,
    files: tuple[str, ...],
    period: Any,
    as_of: dt.date | None,
    region: str | None,
    sets: dict[str, str],
    output: str | None,
    fmt: str | None,
    only: tuple[str, ...],
    explain: str | None,
    explain_limit: int,
    encoding: str | None,
    bom: bool | None,
    limit: int | None,
    quiet: bool,
    strict: bool,
    calendars: tuple[str, ...],
    replay: str | None,
    by: tuple[str, ...],
    presets: tuple[str, ...],
    lang: str | None,
) -> None:
    """Evaluate POLICY (a shipped name or a file) over CSV files.

    With -o, a run record (cspolicy-run.json in the folder, or FILE.run.json) is written
    with the outputs; `cspolicy run --replay RECORD` recomputes it and compares.

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
    from cspolicy.messages import translate, warning_lines

    language = _language(lang)
    if replay is not None:
        from cspolicy.authoring.record import replay as replay_run

        if policy is not None or files:
            raise click.UsageError("--replay takes the record only: the policy and files are the ones it names")
        replayed = replay_run(replay)
        for text in replayed.lines(language):
            click.echo(printable(text))
        if not replayed.ok:
            sys.exit(1)
        return
    for param in ctx.command.params:  # what click would require without --replay
        if (param.name == "policy" and policy is None) or (param.name == "files" and not files):
            raise click.MissingParameter(ctx=ctx, param=param)
    assert policy is not None
    p = load_policy(policy)
    if by or presets:  # groupings and header presets (cspolicy.planner.grouping)
        from cspolicy.planner.grouping import left_out
        from cspolicy.planner.variants import choose

        dropped = left_out(p.model, by)
        p = choose(p, by=by, presets=presets)
        for name in dropped:
            click.echo(translate(f"note: output '{name}' has no grouping by {' and '.join(by)}: left out", language), err=True)
    inputs = bind_inputs(p, files)
    settings = RunSettings(period=period, as_of=as_of, region=region, overrides=sets, strict=strict, calendars=calendars)
    line = ProgressLine(sys.stderr, lang=language) if not quiet and sys.stderr.isatty() else None

    def tell(message: str) -> None:
        message = translate(message, language)
        if line is not None:
            line.note(message)
        elif not quiet:
            click.echo(message, err=True)

    recorded: list[Any] = []  # the record's path (not listed on stderr: it goes with the outputs)
    if output is not None:
        from cspolicy.authoring.record import recording

        options = {"format": fmt, "only": list(only), "encoding": encoding, "bom": bom, "lang": language, "strict": strict}
        keeping: Any = recording(p, policy, inputs, settings, output, options, recorded)
    else:
        keeping = contextlib.nullcontext()
    with line or contextlib.nullcontext(), keeping:
        report = run_files(
            p,
            inputs,
            settings=settings,
            output=output,
            fmt=fmt,
            only=only,
            explain=explain,
            explain_limit=explain_limit,
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
    for note in warning_lines(report.warnings, language):  # even with -q: a warning is about the figures
        click.echo(printable(note), err=True)


@cli.command()
@click.argument("old")
@click.argument("args", nargs=-1, required=True, metavar="[NEW] [NAME=]FILE...")
@click.option("--period", callback=_period, metavar="YYYY-MM", help="The month being evaluated (both sides).")
@click.option("--as-of", "as_of", callback=_date, metavar="YYYY-MM-DD", help="Date whose parameter values apply (both sides).")
@click.option("--region", metavar="REGION", help="Region whose parameter values apply (both sides).")
@click.option("--set", "sets", multiple=True, callback=_sets, metavar="NAME=VALUE", help="Override a parameter on the NEW side.")
@click.option("--only", multiple=True, metavar="OUTPUT", help="Compare only this output (repeatable).")
@click.option("--encoding", metavar="ENC", help="Encoding of the input files (default: detect UTF-8 / GB18030).")
@click.option("-o", "--output", type=click.Path(), help="Also write the comparison to a .csv or .xlsx file.")
@_lang_option
def diff(
    old: str,
    args: tuple[str, ...],
    period: Any,
    as_of: dt.date | None,
    region: str | None,
    sets: dict[str, str],
    only: tuple[str, ...],
    encoding: str | None,
    output: str | None,
    lang: str | None,
) -> None:
    """Run two versions of a policy on the same files and say what changes, per output,
    row and column, with totals. NEW is a second policy (a shipped name or a .yaml file);
    without it, NEW is OLD with the --set values.

    \b
    Examples:
        cspolicy diff materials-order --set loss=8% examples/materials/stations.csv
        cspolicy diff old.yaml new.yaml stations=stations.csv -o changes.xlsx
    """
    from cspolicy.authoring.diff import check_diff_target, diff_policies, write_diff
    from cspolicy.authoring.execute import bind_diff_arguments
    from cspolicy.engine.run import RunSettings

    language = _language(lang)
    if output is not None:
        check_diff_target(output)
    before, after, inputs = bind_diff_arguments(old, args, bool(sets))
    settings = RunSettings(period=period, as_of=as_of, region=region)
    result = diff_policies(before, after, inputs, settings, new_overrides=sets, only=only, encoding=encoding)
    for text in result.lines(language):
        click.echo(printable(text))
    if output is not None:
        from cspolicy.messages import translate

        rows = write_diff(result, output, language)
        click.echo(translate(f"wrote {output} ({rows} rows)", language), err=True)


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
