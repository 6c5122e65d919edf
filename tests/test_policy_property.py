"""Property (issue 14): any text given as a policy ends in exit 0 or 2, never a traceback.

``cspolicy check bad.yaml`` must end in 0 (a valid policy) or 2 (``bad.yaml:…`` saying
what is wrong). ``cspolicy run bad.yaml stations.csv`` likewise, except that a valid
mutated policy may reject the data (its ``min`` changed, a formula now divides by zero):
that is exit 1 naming ``stations.csv``. The policies are arbitrary text and bytes, and
mutations of the shipped ``materials-order.yaml``: deleted, duplicated and replaced
characters, control characters, lone surrogates, YAML anchors, aliases, tags and merges.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cspolicy.cli.main import cli

REPO = Path(__file__).resolve().parent.parent
BASE = (REPO / "policies" / "materials-order.yaml").read_text(encoding="utf-8")
STATIONS = "站点,物料,上月实际票数,增长率,申请数量,超额理由\nA站,面单,10000,15%,,\nB站,面单,0,0%,5,多\n"
SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: Characters that matter to YAML, to formulas and to terminals.
_SPECIAL = list(":-[]{}&*!|>'\"#%@,?~ \t\n\r") + ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\u2028", "\ud800", "\udfff"]
_SPECIAL += list("0123456789aZ_×÷（）％，") + ["\ufeff", "\u200b", "\U0001f600"]
#: Snippets inserted as a whole: anchors, aliases, tags, escapes, huge or deep values.
_SNIPPETS = [
    "&a ",
    "*a",
    "&a [*a]",
    "<<: *a\n",
    "? ",
    "!!binary ",
    "!!python/object:os.system ",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "true",
    "false",
    "null",
    "~",
    "1e999",
    "9" * 60,
    "(" * 70,
    "[" * 200,
    '"\\ud800"',
    '"\\x00"',
    '"\\e"',
    "'",
    ">-\n",
    "|\n",
    "  # note\n",
    " # c\n  + 1",
    "\n  ",
    "{",
    "- ",
]


#: Values put in place of a value of the policy (``key: VALUE``).
_VALUES = [
    *("true", "false", "null", "~", "''", "0", "-1", "0.5", "7", "1e9", "abc", "7%", "-100%", "2020-13-01", "9" * 40),
    *("[a]", "[]", "{}", "{a: 1}", "&x 1", "*x", '"\x00"', "x / 0", "1 / (loss - loss)", "month(as_of)", "as_of"),
    *("parcels", "station", "present(x)", "count", "first", "sum", "rolling 0 days", "rolling 99999999999 days"),
    *("integer", "percent", "date", "text", "enum", "boolean", "money", "none", "{places: 11}", "{places: true}"),
]
#: Keys put in place of a key of the policy.
_KEYS = ["agg", "of", "by", "type", "round", "expr", "default", "min", "max", "hidden", "required", "values", "from"]
_KEYS += ["group_by", "sort_by", "key", "checks", "rank", "ladder", "window", "region", "choices", "constraints", "bands"]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """The shipped policy with one to four random edits."""
    text = BASE
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["delete", "duplicate", "replace", "insert", "value", "key"]))
        i = draw(st.integers(0, len(text)))
        j = draw(st.integers(i, min(len(text), i + 120)))
        if op in ("value", "key"):
            lines = text.split("\n")
            n = draw(st.integers(0, len(lines) - 1))
            key, sep, value = lines[n].partition(": ")
            if sep and op == "value":
                lines[n] = key + sep + draw(st.sampled_from(_VALUES))
            elif sep or lines[n].rstrip().endswith(":"):
                indent = len(key) - len(key.lstrip(" -"))
                lines[n] = key[:indent] + draw(st.sampled_from(_KEYS)) + ":" + (" " + value if sep else "")
            text = "\n".join(lines)
        elif op == "delete":
            text = text[:i] + text[j:]
        elif op == "duplicate":
            text = text[:j] + text[i:j] + text[j:]
        elif op == "replace":
            text = text[:i] + draw(st.text(st.sampled_from(_SPECIAL), min_size=1, max_size=3)) + text[i + 1 :]
        else:
            text = text[:i] + draw(st.sampled_from(_SNIPPETS)) + text[i:]
    return text


any_text = st.text(st.characters(blacklist_categories=()), max_size=300)
yamlish = st.lists(st.sampled_from(_SPECIAL + _SNIPPETS + ["name", "inputs", "columns", "expr", ": "]), max_size=80).map("".join)


def check_any_policy(content: str | bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        policy, stations = Path(tmp) / "bad.yaml", Path(tmp) / "stations.csv"
        policy.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
        stations.write_text(STATIONS, encoding="utf-8")
        runner = CliRunner()
        for args in (["check", str(policy)], ["run", str(policy), str(stations), "--format", "json"]):
            result = runner.invoke(cli, args)
            assert result.exception is None or isinstance(result.exception, SystemExit), (args, repr(result.exception))
            assert "Traceback" not in result.stderr
            allowed = (0, 2) if args[0] == "check" else (0, 1, 2)
            assert result.exit_code in allowed, (args, result.exit_code, result.stderr)
            if result.exit_code == 2:
                assert result.stderr.startswith("Error: ") and "bad.yaml" in result.stderr, result.stderr
            if result.exit_code == 1:  # the policy is valid but rejects these rows
                assert "stations.csv:" in result.stderr, result.stderr
            if args[0] == "check" and result.exit_code == 2:
                break  # run would only say the same


@SETTINGS
@given(mutated())
@example(BASE.replace("family: materials", "family: mat\x00erials"))
@example("a: &a [*a]\n" + BASE)
@example("x: " + "[" * 600 + "]" * 600 + "\n" + BASE)
@example(BASE.replace("        value: 7%", "        value: true"))
@example(BASE.replace("      station: station\n", '      "sta\\ud800tion": station\n'))
def test_a_mutated_shipped_policy_never_gives_a_traceback(text: str) -> None:
    check_any_policy(text)


@SETTINGS
@given(st.one_of(any_text, yamlish, st.binary(max_size=200)))
@example("\ud800")
@example(b"\xff\xfe")
def test_any_text_as_a_policy_never_gives_a_traceback(content: str | bytes) -> None:
    check_any_policy(content)
