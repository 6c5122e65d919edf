"""The Chinese catalogue compiles a template only when a message could match it (its literal
start fits; an English run never does), and a policy's own templates are tried in the same
order whether the catalogue compiled anything before or not."""

from __future__ import annotations

from cspolicy.messages import Catalogue

BASE = [("the cell {x} is blank", "单元格 {x} 是空的"), ("the file is empty", "文件是空的")]
FIRST = [("the cell {x} is blank", "单元格 {x} 为空"), ("days are counted in halves", "天数以半天计")]
SECOND = [("days are counted in halves", "按半天计"), ("an end date applies", "结束日期只用于请假")]


def _patterns(c: Catalogue) -> list[tuple[str, str]]:
    return [(t.english, t.zh) for t in c.templates]


def test_extensions_before_and_after_compiling_give_the_same_order() -> None:
    lazy = Catalogue(BASE, clause_joiner="；")
    lazy.extend(FIRST)
    lazy.extend(SECOND)
    assert all(t._compiled is None for t in lazy.templates if (t.english, t.zh) in BASE)  # nothing of its own compiled yet
    eager = Catalogue(BASE, clause_joiner="；")
    eager.check()  # every template compiled now
    eager.extend(FIRST)
    eager.extend(SECOND)
    assert _patterns(lazy) == _patterns(eager)
    assert lazy.translate("days are counted in halves") == "天数以半天计"  # a pattern already known is not added again
    assert lazy.translate("the cell 'A' is blank") == "单元格 'A' 是空的"  # the catalogue's pattern: not added again
    assert lazy.translate("an end date applies") == "结束日期只用于请假"


def test_an_english_run_compiles_nothing(tmp_path) -> None:
    from click.testing import CliRunner

    from cspolicy.cli.main import cli
    from cspolicy.messages import catalogue

    staff = "工号,姓名,基本工资,当月奖金,地区,应出勤天数\nE001,王芳,2690,1000,上海,\n"
    (tmp_path / "s.csv").write_text(staff, encoding="utf-8")
    (tmp_path / "a.csv").write_text(
        "工号,日期,类型,天数,分钟数,有医院证明,结束日期\nE001,2025-07-07,事假,1,,,\n", encoding="utf-8"
    )
    from cspolicy.messages_zh import TEMPLATES

    zh = catalogue("zh")
    assert zh is not None
    base = set(TEMPLATES)
    was = sum(t._compiled is not None for t in zh.templates if (t.english, t.zh) in base)
    args = ["run", "leave-pay", f"staff={tmp_path / 's.csv'}", f"attendance={tmp_path / 'a.csv'}", "--period", "2025-07"]
    result = CliRunner().invoke(cli, [*args, "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.stderr
    assert sum(t._compiled is not None for t in zh.templates if (t.english, t.zh) in base) == was
