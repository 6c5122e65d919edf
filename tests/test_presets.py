"""Header presets (cspolicy.tables.presets): chosen by the file's headers or --preset, their
value conventions (spellings, units, UTC moments), and the policy errors of a bad preset."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from cspolicy.cli.main import cli
from cspolicy.errors import PolicyError
from cspolicy.planner.policy import compile_policy

POLICY = """\
name: preset-demo
title: {zh: 演示, en: demo}
family: demo
version: "1"
rules: {R-DM-1: demo}
inputs:
  calls:
    columns:
      id: {type: text}
      talk: {type: duration, min: 0}
      lost: {type: boolean, required: false}
      at: {type: datetime, required: false}
    presets:
      vendor-a:
        source: vendor A's export guide
        columns:
          id: CallRef
          talk: {header: TalkMs, unit: ms}
          lost: {header: Status, values: {"yes": [ABANDONED, Dropped], "no": [ANSWERED]}}
      vendor-b:
        source: vendor B's export guide
        columns:
          id: Ref
          talk: {header: Talk, unit: min}
          at: {header: StartUtc, utc_offset: "+08:00"}
      vendor-c:
        source: a vendor whose headers overlap A's
        columns:
          id: CallRef
          talk: TalkMs
outputs:
  out:
    from: calls
    columns: {id: id, talk: talk, lost: lost, at: at}
"""


def run(tmp_path: Path, csv: str, *extra: str) -> object:
    (tmp_path / "p.yaml").write_text(POLICY, encoding="utf-8")
    (tmp_path / "c.csv").write_text(csv, encoding="utf-8")
    return CliRunner().invoke(cli, ["run", str(tmp_path / "p.yaml"), str(tmp_path / "c.csv"), "--format", "json", *extra])


def test_own_headers_need_no_preset(tmp_path: Path) -> None:
    r = run(tmp_path, "id,talk,lost\nX,90,yes\n")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["out"][0] == {"id": "X", "talk": 90, "lost": True, "at": None}


def test_the_preset_whose_headers_are_all_there(tmp_path: Path) -> None:
    r = run(tmp_path, "Ref,Talk,StartUtc\nX,1.5,2025-03-02T17:30:00Z\n")
    assert r.exit_code == 0, r.stderr
    # 1.5 minutes = 90 s exactly; 17:30 UTC is 01:30 the next day at +08:00
    assert json.loads(r.stdout)["out"][0] == {"id": "X", "talk": 90, "lost": None, "at": "2025-03-03T01:30:00"}


def test_several_presets_fit_is_an_error_until_one_is_named(tmp_path: Path) -> None:
    csv = "CallRef,TalkMs,Status\nX,90500,abandoned\n"
    r = run(tmp_path, csv)
    assert r.exit_code == 1
    assert "c.csv:1: the headers fit several presets of 'calls': vendor-a, vendor-c" in r.stderr
    assert "--preset NAME" in r.stderr
    r = run(tmp_path, csv, "--preset", "vendor-a")
    assert r.exit_code == 0, r.stderr
    # 90500 ms = 90.5 s; 'abandoned' matches ABANDONED after folding
    assert json.loads(r.stdout)["out"][0]["talk"] == 90.5 and json.loads(r.stdout)["out"][0]["lost"] is True


def test_an_unknown_spelling_is_refused(tmp_path: Path) -> None:
    r = run(tmp_path, "CallRef,TalkMs,Status\nX,1000,HELD\n", "--preset", "vendor-a")
    assert r.exit_code == 1
    assert "c.csv:2:Status" in r.stderr and "'HELD' is not a value this export's column is known to hold" in r.stderr


def test_a_file_fitting_nothing_lists_what_each_preset_lacks(tmp_path: Path) -> None:
    r = run(tmp_path, "Ref,Duration\nX,1\n")
    assert r.exit_code == 1
    assert "vendor-a lacks 'CallRef', 'TalkMs', 'Status'" in r.stderr
    assert "vendor-b lacks 'Talk', 'StartUtc'" in r.stderr
    assert "the policy's own headers lack 'id', 'talk'" in r.stderr


def test_the_preset_must_fit_when_named(tmp_path: Path) -> None:
    r = run(tmp_path, "id,talk\nX,1\n", "--preset", "vendor-b")
    assert r.exit_code == 1
    assert "preset 'vendor-b' needs the headers 'Ref', 'StartUtc', which" in r.stderr


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("          id: Ref\n", "          nope: Ref\n", "preset 'vendor-b': unknown column 'nope'"),
        ('{"yes": [ABANDONED, Dropped]', '{"maybe": [ABANDONED, Dropped]', "preset 'vendor-a'"),
        ("{header: Talk, unit: min}", "Talk\n          lost: Talk", "header 'Talk' names both 'talk' and 'lost'"),
        ("{header: StartUtc, utc_offset", "{header: StartUtc, unit: ms, utc_offset", "a unit on the datetime column"),
        ("      vendor-b:", "      Vendor_B:", "preset name 'Vendor_B' must be lower-case"),
    ],
)
def test_bad_presets_are_policy_errors_at_their_line(old: str, new: str, message: str) -> None:
    assert old in POLICY
    with pytest.raises(PolicyError) as err:
        compile_policy(POLICY.replace(old, new, 1).encode(), "p.yaml")
    assert message in str(err.value) and "p.yaml:" in str(err.value)


def test_show_lists_the_presets() -> None:
    result = CliRunner().invoke(cli, ["show", "cc-metrics"])
    assert result.exit_code == 0
    assert "preset cn-cdr (" in result.stdout and "outcome=通话状态" in result.stdout
