"""The language of the command line's error messages and help, and click's usage errors in it.

A command's ``--lang`` is parsed with its other options, so when parsing is what failed
(``No such option``) it is not known yet: :func:`error_language` finds it in the raw
arguments, else in the environment (:func:`cspolicy.i18n.resolve_lang`). Click writes its
usage errors itself, in English; :func:`localized` gives one that writes the same lines
through the message catalogue (:mod:`cspolicy.messages`). :class:`LocalizedHelp` writes a
command's ``--help`` in the same language, through :mod:`cspolicy.cli.help_zh`.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from typing import Any

import click

from cspolicy.errors import CspolicyError
from cspolicy.i18n import Lang, resolve_lang

__all__ = ["error_language", "localized", "LocalizedHelp", "ARGS"]

#: Where the group keeps its raw arguments (``ctx.meta``), for the language of an error or
#: of the help.
ARGS = "cspolicy.args"


def error_language(args: Sequence[str]) -> Lang:
    """The language of a command's error messages, from its raw arguments (parsing may be
    what failed): its ``--lang``, else the environment; English when neither names a language
    (a bad ``--lang`` or ``CSPOLICY_LANG`` is then the error being reported)."""
    chosen = None
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            chosen = args[i + 1]
        elif arg.startswith("--lang="):
            chosen = arg.removeprefix("--lang=")
    for option in (chosen, None):
        try:
            return resolve_lang(option)
        except CspolicyError:
            continue
    return "en"


class _LocalizedUsageError(click.UsageError):
    """One of click's usage errors ("No such option", "Missing argument" …) shown in another
    language: the same lines as click's, each through the message catalogue."""

    def __init__(self, original: click.UsageError, lang: Lang) -> None:
        super().__init__(original.format_message(), original.ctx)
        self.lang = lang

    def show(self, file: Any = None) -> None:
        from cspolicy.messages import translate

        ctx, lang = self.ctx, self.lang
        if ctx is not None:
            hint = ""
            if ctx.command.get_help_option(ctx) is not None:
                option = max(ctx.command.get_help_option_names(ctx), key=len)
                hint = translate(f"Try '{ctx.command_path} {option}' for help.", lang) + "\n"
            click.echo(f"{translate(ctx.get_usage(), lang)}\n{hint}", file=file, err=file is None, color=ctx.color)
        click.echo(translate("Error: ", lang) + translate(self.format_message(), lang), file=file, err=file is None)


def localized(exc: click.ClickException, args: Sequence[str]) -> click.ClickException:
    """``exc`` to be shown in the command's language (itself in English, or when it is not
    a plain usage error: click's "no arguments, so show the help" is one)."""
    lang = error_language(args)
    if lang == "en" or type(exc).show is not click.UsageError.show or not isinstance(exc, click.UsageError):
        return exc
    return _LocalizedUsageError(exc, lang)


def _zh_line(line: str) -> str | None:
    """One line of help in Chinese: a known sentence, an example command (as it is), an
    exit code's line (``  2  bad policy …``); None when the table lacks it."""
    from cspolicy.cli.help_zh import HELP, WORDS

    bare = line.strip()
    if not bare or bare == "\b" or bare.startswith("cspolicy "):
        return line
    indent = line[: len(line) - len(line.lstrip())]
    if bare in WORDS:
        return indent + WORDS[bare]
    if bare in HELP:
        return indent + HELP[bare]
    code, _, meaning = bare.partition("  ")
    if code.isdigit() and meaning.strip() in HELP:
        return f"{indent}{code}  {HELP[meaning.strip()]}"
    return None


def help_zh(text: str) -> str | None:
    """A help text in Chinese, line by line; None when a line has no Chinese (the help is
    then shown in English, whole, as a message is)."""
    lines = [_zh_line(line) for line in text.splitlines()]
    return None if any(line is None for line in lines) else "\n".join(line for line in lines if line is not None)


class LocalizedHelp(click.Command):
    """A command whose ``--help`` is written in the command's language (its ``--lang``
    among the raw arguments, else the environment): the usage line, the help text, each
    option's help and its default, the commands of a group and the epilog."""

    def _lang(self, ctx: click.Context) -> Lang:
        return error_language(ctx.meta.get(ARGS, ()))

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if self._lang(ctx) == "en":
            return super().format_usage(ctx, formatter)
        from cspolicy.cli.help_zh import WORDS

        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix=WORDS["Usage: "])

    def _text(self, ctx: click.Context, text: str | None) -> str:
        text = inspect.cleandoc(text or "")
        return text if self._lang(ctx) == "en" else help_zh(text) or text

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        text = self._text(ctx, self.help)
        if text:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if self.epilog:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(self._text(ctx, self.epilog))

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if self._lang(ctx) == "en":
            return super().format_options(ctx, formatter)
        from cspolicy.cli.help_zh import WORDS

        rows = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is None or not isinstance(param, click.Option):
                continue
            extra = param.get_help_extra(ctx)
            items = [f"{WORDS['default']}：{extra['default']}"] if "default" in extra else []
            items += [extra["range"]] if "range" in extra else []
            items += [WORDS["required"]] if "required" in extra else []
            text = self._text(ctx, param.help)
            rows.append((record[0], text + (f"  [{'；'.join(items)}]" if items else "")))
        _section(formatter, WORDS["Options"], rows)
        if isinstance(self, click.Group):
            commands = [(name, self.get_command(ctx, name)) for name in self.list_commands(ctx)]
            shown = [(name, self._text(ctx, cmd.help).split("\n")[0]) for name, cmd in commands if cmd and not cmd.hidden]
            _section(formatter, WORDS["Commands"], shown)


def _section(formatter: click.HelpFormatter, heading: str, rows: list[tuple[str, str]]) -> None:
    """A section of the help as click writes one, with a Chinese colon after its heading."""
    if rows:
        formatter.write_paragraph()
        formatter.write(f"{'':>{formatter.current_indent}}{heading}：\n")
        with formatter.indentation():
            formatter.write_dl(rows)
