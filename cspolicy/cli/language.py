"""The language of the command line's error messages, and click's usage errors in it.

A command's ``--lang`` is parsed with its other options, so when parsing is what failed
(``No such option``) it is not known yet: :func:`error_language` finds it in the raw
arguments, else in the environment (:func:`cspolicy.i18n.resolve_lang`). Click writes its
usage errors itself, in English; :func:`localized` gives one that writes the same lines
through the message catalogue (:mod:`cspolicy.messages`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import click

from cspolicy.errors import CspolicyError
from cspolicy.i18n import Lang, resolve_lang

__all__ = ["error_language", "localized"]


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
