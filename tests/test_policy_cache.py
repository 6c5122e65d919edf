"""The command line's cache of compiled policies (cspolicy/cli/policy_cache.py, issue 16 A.8):
a hit is the same policy, any change of bytes, name or code is a miss, a damaged or foreign
entry is never read, and the cache can neither fail a command nor be required."""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
from decimal import Decimal
from enum import Enum
from pathlib import Path

import pytest

import cspolicy.cli.policy_cache as cache
import cspolicy.planner.policy
from cspolicy import evaluate, load_policy
from cspolicy.cli.main import cli
from cspolicy.errors import PolicyError
from cspolicy.planner.policy import shipped_policies

REPO = Path(__file__).resolve().parent.parent
ROWS = {"stations": [{"station": "A", "material": "面单", "parcels": "10000", "growth": "15%"}]}


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    """An empty cache folder, in use."""
    where = tmp_path / "cache"
    monkeypatch.setenv(cache.ENV_VAR, str(where))
    return where


@pytest.fixture
def compiles(monkeypatch) -> list[str]:
    """The display names of the policies the cache compiled (a miss each; the library's own
    ``load_policy``, used here for comparison, is not counted)."""
    seen: list[str] = []
    real = cspolicy.planner.policy.compile_policy

    def counting(raw: bytes, display: str, **kw: object) -> cspolicy.planner.policy.Policy:
        if sys._getframe(1).f_globals["__name__"] == cache.__name__:
            seen.append(display)
        return real(raw, display, **kw)  # type: ignore[arg-type]  # base= for a bundle

    monkeypatch.setattr(cspolicy.planner.policy, "compile_policy", counting)
    return seen


def plain(obj: object, seen: frozenset[int] = frozenset()) -> object:
    """``obj`` as nested tuples of its contents (so that objects which compare by identity,
    such as compiled formulas and schedules, compare by what they hold)."""
    if isinstance(obj, (str, int, float, Decimal, type(None), Enum)) or callable(obj) and not hasattr(obj, "__dict__"):
        return obj if not callable(obj) else getattr(obj, "__qualname__", repr(obj))
    if id(obj) in seen:
        return "<cycle>"
    seen = seen | {id(obj)}
    if isinstance(obj, dict):
        return tuple((plain(k, seen), plain(v, seen)) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return tuple(plain(v, seen) for v in obj)
    if isinstance(obj, (set, frozenset)):
        return tuple(sorted(repr(plain(v, seen)) for v in obj))
    fields = dict(getattr(obj, "__dict__", {}))
    for cls in type(obj).__mro__:
        fields.update({n: getattr(obj, n) for n in getattr(cls, "__slots__", ()) if hasattr(obj, n)})
    fields.pop("model", None)  # compared by pydantic's own equality
    return (type(obj).__qualname__, plain(fields, seen))


def same(a: cspolicy.planner.policy.Policy, b: cspolicy.planner.policy.Policy) -> bool:
    """Two loads of one policy hold the same, labels included, and the same model."""
    a.labels, b.labels  # noqa: B018
    return plain(a) == plain(b) and a.model == b.model


def rows(policy: cspolicy.planner.policy.Policy) -> dict[str, list[dict[str, object]]]:
    return evaluate(policy, ROWS).tables


def entries(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.pickle"))


def copy_of(name: str, tmp_path: Path) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(shipped_policies()[name].read_bytes())
    return path


@pytest.mark.parametrize("name", sorted(shipped_policies()))
def test_a_hit_is_the_policy_a_fresh_load_gives(folder, compiles, name):
    fresh = load_policy(name)
    first = cache.load_policy_cached(name)
    hit = cache.load_policy_cached(name)
    assert compiles == [f"{name}.yaml"]  # compiled once, then read back
    assert len(entries(folder)) == 1  # every shipped policy can be cached
    assert "model" not in hit.__dict__  # the pydantic model is not in the entry …
    assert same(hit, fresh)  # … and is the same when asked for
    assert (hit.file, hit.name, hit.title, hit.rules) == (fresh.file, fresh.name, fresh.title, fresh.rules)
    assert first is not hit


def test_a_cached_policy_evaluates_like_a_fresh_one(folder):
    cache.load_policy_cached("materials-order")
    hit = cache.load_policy_cached("materials-order")
    assert rows(hit) == rows(load_policy("materials-order"))
    assert rows(hit)["orders"][0]["monthly_qty"] == 12200  # 10000 × (1 + 15% + 7%)


EXAMPLES = {
    "materials-order": "examples/materials/stations.csv",
    "materials-review": "examples/materials/review.csv",
    "penalties-club": "examples/penalties/club-offences.csv",
    "penalties-office": "examples/penalties/office-offences.csv",
    "penalties-shop": "examples/penalties/shop-complaints.csv",
    "rewards-training": "examples/penalties/trainers.csv",
    "cs-scoring": "staff=examples/scoring/staff.csv events=examples/scoring/events.csv --period 2024-05",
    "leave-pay": "staff=examples/leave/staff.csv attendance=examples/leave/attendance.csv --period 2025-07",
    "leave-entitlements": "requests=examples/leave/requests.csv",
    "cc-metrics": "calls=examples/metrics/day-cn-cdr.csv",
    "cc-staffing": "examples/metrics/forecast.csv",
    "monthly-payroll": "staff=examples/payroll/staff.csv events=examples/payroll/events.csv "
    "attendance=examples/payroll/attendance.csv offences=examples/payroll/offences.csv --period 2024-05",
}


def test_every_shipped_policy_has_an_example_here():
    assert sorted(EXAMPLES) == sorted(shipped_policies())


@pytest.mark.parametrize(
    "args",
    [
        *(["run", name, *data.split(), "--lang", lang] for name, data in EXAMPLES.items() for lang in ("zh", "en")),
        *(["run", name, *data.split(), "--format", "json"] for name, data in EXAMPLES.items()),
        ["run", "materials-order", "examples/materials/stations.csv", "--lang", "zh", "--explain", "A站"],
        ["run", "penalties-club", "examples/penalties/club-offences.csv", "--explain", "E001"],
        ["show", "penalties-club", "--lang", "zh"],
        ["show", "materials-review"],
        ["check", *EXAMPLES],
    ],
)
def test_commands_print_the_same_from_the_cache(folder, runner, monkeypatch, args):
    monkeypatch.chdir(REPO)
    monkeypatch.setenv(cache.ENV_VAR, "off")
    without = runner.invoke(cli, args)
    assert without.exit_code == 0 and without.stdout, without.stderr
    monkeypatch.setenv(cache.ENV_VAR, str(folder))
    filling, reading = runner.invoke(cli, args), runner.invoke(cli, args)
    assert entries(folder)
    for result in (filling, reading):
        assert (result.exit_code, result.stdout, result.stderr) == (without.exit_code, without.stdout, without.stderr)


# -- never stale -------------------------------------------------------------------------------


def test_changed_bytes_are_a_new_entry(folder, compiles, tmp_path):
    path = copy_of("materials-order", tmp_path)
    assert evaluate(cache.load_policy_cached(path), ROWS)["orders"][0]["monthly_qty"] == 12200
    # the loss allowance 7% → 17%: 10000 × (1 + 15% + 17%) = 13200
    path.write_text(path.read_text(encoding="utf-8").replace("value: 7%", "value: 17%"), encoding="utf-8")
    assert evaluate(cache.load_policy_cached(path), ROWS)["orders"][0]["monthly_qty"] == 13200
    assert len(compiles) == 2 and len(entries(folder)) == 2


def test_the_same_bytes_under_another_name_are_another_entry(folder, compiles, tmp_path):
    path = copy_of("materials-order", tmp_path)
    assert cache.load_policy_cached(path).file == str(path)
    assert cache.load_policy_cached("materials-order").file == "materials-order.yaml"
    assert len(compiles) == 2


def test_other_code_never_reads_an_entry(folder, compiles, monkeypatch):
    cache.load_policy_cached("materials-order")
    monkeypatch.setattr(cache, "_fingerprint", b"another version or source of cspolicy")
    cache.load_policy_cached("materials-order")
    assert len(compiles) == 2 and len(entries(folder)) == 2


def test_the_code_fingerprint_covers_version_source_and_libraries(monkeypatch):
    monkeypatch.setattr(cache, "_fingerprint", None)
    first = cache._code_fingerprint()
    monkeypatch.setattr(cache, "_fingerprint", None)
    monkeypatch.setattr("cspolicy.__version__", "99.0")
    assert cache._code_fingerprint() != first
    monkeypatch.setattr(cache, "_fingerprint", None)
    monkeypatch.undo()
    monkeypatch.setattr(cache, "_fingerprint", None)
    read = cache._read_bytes
    monkeypatch.setattr(cache, "_read_bytes", lambda path: read(path) + (b"#" if path.endswith("node.py") else b""))
    assert cache._code_fingerprint() != first
    monkeypatch.setattr(cache, "_fingerprint", None)
    monkeypatch.setattr(cache, "_dependency_file", lambda module, file: b"VERSION = '0.0'")
    assert cache._code_fingerprint() != first


def test_a_bad_policy_is_never_cached(folder, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: bad\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(PolicyError, match="bad.yaml"):
            cache.load_policy_cached(path)
    assert not folder.exists() or not entries(folder)


# -- never trusted when damaged or foreign ---------------------------------------------------


def damage_truncated(blob: bytes) -> bytes:
    return blob[: len(blob) // 2]


def damage_one_byte(blob: bytes) -> bytes:
    return blob[:-10] + bytes([blob[-10] ^ 1]) + blob[-9:]


def damage_magic(blob: bytes) -> bytes:
    return b"X" + blob[1:]


def damage_empty(blob: bytes) -> bytes:
    return b""


@pytest.mark.parametrize("damage", [damage_truncated, damage_one_byte, damage_magic, damage_empty])
def test_a_damaged_entry_is_a_miss_and_is_rewritten(folder, compiles, damage):
    cache.load_policy_cached("materials-order")
    (entry,) = entries(folder)
    good = entry.read_bytes()
    entry.write_bytes(damage(good))
    policy = cache.load_policy_cached("materials-order")
    assert len(compiles) == 2 and same(policy, load_policy("materials-order"))
    assert entry.read_bytes().startswith(cache._MAGIC)  # rewritten, and read back below
    cache.load_policy_cached("materials-order")
    assert len(compiles) == 2


def test_a_well_formed_entry_that_is_not_this_policy_is_a_miss(folder, compiles):
    cache.load_policy_cached("materials-order")
    (entry,) = entries(folder)
    for payload in (pickle.dumps({"not": "a policy"}), pickle.dumps(load_policy("rewards-training"))):
        entry.write_bytes(cache._MAGIC + hashlib.sha256(payload).digest() + payload)
        assert cache.load_policy_cached("materials-order").name == "materials-order"
    assert len(compiles) == 3


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_an_entry_others_can_write_is_not_read(folder, compiles):
    cache.load_policy_cached("materials-order")
    (entry,) = entries(folder)
    entry.chmod(0o666)
    cache.load_policy_cached("materials-order")
    assert len(compiles) == 2
    assert entry.stat().st_mode & 0o777 == 0o600  # the rewritten entry is the user's alone


# -- never in the way -------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["off", "OFF", "0", "no", "false", " off "])
def test_the_cache_can_be_turned_off(tmp_path, compiles, monkeypatch, value):
    monkeypatch.setenv(cache.ENV_VAR, value)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    assert cache.cache_dir() is None
    cache.load_policy_cached("materials-order")
    cache.load_policy_cached("materials-order")
    assert len(compiles) == 2 and not list(tmp_path.rglob("*.pickle"))


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="the XDG default")
def test_where_the_cache_lives():
    assert cache.cache_dir({"XDG_CACHE_HOME": "/x/cache"}) == Path("/x/cache/cspolicy")
    assert cache.cache_dir({"XDG_CACHE_HOME": "relative", "HOME": "/h"}) == Path.home() / ".cache" / "cspolicy"
    assert cache.cache_dir({cache.ENV_VAR: "", "XDG_CACHE_HOME": "/x"}) == Path("/x/cspolicy")  # empty = unset
    assert cache.cache_dir({cache.ENV_VAR: "/somewhere/else"}) == Path("/somewhere/else")


def test_an_unusable_cache_folder_is_no_cache(tmp_path, compiles, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(cache.ENV_VAR, str(blocker / "cache"))
    for _ in range(2):
        assert evaluate(cache.load_policy_cached("materials-order"), ROWS)["orders"][0]["monthly_qty"] == 12200
    assert len(compiles) == 2


def test_an_unpicklable_policy_is_run_uncached(folder, compiles, monkeypatch):
    def refuse(*args: object, **kwargs: object) -> bytes:
        raise pickle.PicklingError("cannot pickle a generated function")

    monkeypatch.setattr(pickle, "dumps", refuse)
    for _ in range(2):
        assert cache.load_policy_cached("materials-order").name == "materials-order"
    assert len(compiles) == 2 and not list(folder.glob("*"))  # no entry, no temporary file left


def test_the_folder_keeps_the_most_recently_used_entries(folder, compiles, monkeypatch):
    monkeypatch.setattr(cache, "MAX_ENTRIES", 2)
    names = ["materials-order", "penalties-club", "rewards-training"]
    seen: set[Path] = set()
    for i, name in enumerate(names):
        cache.load_policy_cached(name)
        (new,) = set(entries(folder)) - seen
        os.utime(new, (1000 + i, 1000 + i))  # used in this order, whatever the clock's grain
        seen.add(new)
    assert len(entries(folder)) == 2  # the first was deleted when the third was written
    old_temp = folder / ".left-by-a-crash.tmp"
    old_temp.write_bytes(b"")
    os.utime(old_temp, (0, 0))
    cache.load_policy_cached("penalties-club")  # a hit
    cache.load_policy_cached("materials-order")  # deleted: compiled again
    assert compiles == [*map("{}.yaml".format, names), "materials-order.yaml"]
    assert len(entries(folder)) == 2 and not old_temp.exists()
    cache.load_policy_cached("penalties-club")  # used after rewards-training, so it was kept
    assert len(compiles) == 4


def test_a_bundle_entry_is_stale_when_a_component_file_changes(folder, tmp_path):
    """A bundle's entry is keyed by its own bytes; its components' files are checked by
    digest when it is read, so an edited component is compiled again, never read stale."""
    bundles = REPO / "tests" / "policies" / "bundles"
    for name in ("bonus.yaml", "fines.yaml", "pay.yaml"):
        (tmp_path / name).write_bytes((bundles / name).read_bytes())
    staff = [{"employee_id": "E1", "name": "a", "base_pay": "1000"}]
    tables = {"staff": staff, "offences": []}
    assert evaluate(cache.load_policy_cached(tmp_path / "pay.yaml"), tables)["adjustments"][0]["total"] == 100  # 1000 × 10%
    hit = cache.load_policy_cached(tmp_path / "pay.yaml")
    assert "model" not in hit.__dict__ and len(entries(folder)) == 1
    assert evaluate(hit, tables)["adjustments"][0]["total"] == 100
    bonus = tmp_path / "bonus.yaml"
    bonus.write_text(bonus.read_text(encoding="utf-8").replace("value: 10%", "value: 20%"), encoding="utf-8")
    assert evaluate(cache.load_policy_cached(tmp_path / "pay.yaml"), tables)["adjustments"][0]["total"] == 200  # 1000 × 20%
