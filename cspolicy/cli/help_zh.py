"""Chinese wording of the command line's help (``cspolicy --help``, ``cspolicy run --help``):
each line of a command's help, each option's help and each exit code, English → Chinese.

:mod:`cspolicy.cli.language` writes the help through this table when the language is
Chinese; a line without an entry stays English (``tests/test_help_zh.py`` checks that every
command, option and exit code has one). Example command lines (``cspolicy run …``) are
copied as they are.
"""

from __future__ import annotations

from typing import Final

__all__ = ["HELP", "WORDS"]

#: The fixed words click writes around the help.
WORDS: Final[dict[str, str]] = {
    "Usage: ": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Example:": "示例：",
    "Examples:": "示例：",
    "Exit codes:": "退出码：",
    "default": "默认",
    "required": "必填",
}

_LANG = "Language of headers, statuses and text: zh (中文) or en; default CSPOLICY_LANG, else the locale."

#: A line of help (a command's paragraph, an option's help, an exit code's meaning) → Chinese.
HELP: Final[dict[str, str]] = {
    # the group
    "Policy-as-code for customer-service departments.": "客服部门的政策即代码工具：按政策文件（YAML）计算 CSV 表格中的各项数字。",
    "Show the version and exit.": "显示版本号后退出。",
    "Show this message and exit.": "显示本帮助后退出。",
    "Print the traceback of an error too (the exit code stays the same).": "出错时同时显示详细信息（traceback）；退出码不变。",
    _LANG: "表头、状态和文字的语言：zh（中文）或 en（英文）；默认取 CSPOLICY_LANG，否则取系统区域设置。",
    "A working-day calendar file for a year the chinesecalendar package lacks (docs/calendar.md; repeatable).": (
        "工作日日历文件，用于 chinesecalendar 包尚未收录的年份（见 docs/calendar.md；可多次给出）。"
    ),
    # exit codes
    "ok: every figure was computed and written": "成功：所有数字都已算出并写好",
    "input data rejected (each bad cell as file:row:column)": "输入数据有误，已拒绝（每个错误单元格写作 文件:行:列）",
    "bad policy (file:line) or bad usage of a command, option or name": "政策文件有误（文件:行），或命令、选项、名称用法有误",
    "environment: an output path missing, not writable or a directory, a full disk, standard output closed": (
        "运行环境问题：输出路径不存在、不可写或是文件夹，磁盘已满，标准输出已关闭"
    ),
    "internal error: a bug in cspolicy (rerun with --debug and report the traceback)": (
        "内部错误：cspolicy 的缺陷（请加 --debug 重新运行，并报告 traceback）"
    ),
    "interrupted with Ctrl-C (SIGINT)": "被 Ctrl-C 中断（SIGINT）",
    "the reader of standard output went away (… | head): ends quietly": "读取标准输出的一方已关闭（… | head）：安静地结束",
    "stopped by SIGTERM": "被 SIGTERM 终止",
    # list, show, check, schema
    "List the shipped policies with their titles.": "列出随附的政策及其标题。",
    "Show a policy: parameters with all dated values, inputs with aliases, outputs.": (
        "显示一个政策：参数及其各个日期的取值、输入及其别名、输出。"
    ),
    "Validate policy files: every one is checked and every error reported (exit 2 if any).": (
        "检查政策文件：逐个检查并报告全部错误（有错误时退出码为 2）。"
    ),
    "Labels a policy lacks in Chinese or English, and what `cspolicy lint` finds, are": (
        "政策缺少的中文或英文标签，以及 `cspolicy lint` 发现的问题，"
    ),
    "warnings on stderr (exit stays 0).": "作为警告写在标准错误上（退出码仍为 0）。",
    "Show the plan: the steps a run executes, in dependency order.": "显示执行计划：一次运行按依赖顺序执行的各个步骤。",
    "With --plan: the plan as JSON.": "与 --plan 同用：以 JSON 格式输出执行计划。",
    "Print the policy file itself (a shipped one to copy from: > my-policy.yaml).": (
        "输出政策文件本身（可复制内置政策作为起点：> my-policy.yaml）。"
    ),
    # test, lint, diff (authoring tools)
    "Run YAML test cases (tests/<policy>/*.yaml beside policies; none: the shipped ones).": (
        "运行 YAML 测试用例（政策旁的 tests/<政策名>/*.yaml；不给路径时运行内置政策的用例）。"
    ),
    "Exit 1 when a case fails; the last line is `N passed, N failed`.": (
        "有用例失败时退出码为 1；最后一行为 `N passed, N failed`。"
    ),
    "Also list, per policy, rules, columns, bands and rungs no case exercised.": (
        "同时按政策列出没有任何用例覆盖的规则、列、区间和处罚档次。"
    ),
    "Find what a valid policy may still get wrong: open band ends, unreachable ladder": (
        "查找有效政策中仍可能有误之处：区间表的开放端、无法到达的处罚档次、"
    ),
    "rungs, unused parameters and input columns, missing labels, parameters older than the": (
        "未被使用的参数和输入列、缺少的标签、超过政策复核期限"
    ),
    "policy's review age. Exit 1 when there are findings, 2 when a policy does not load.": (
        "仍未更新的参数。有发现时退出码为 1，政策无法加载时为 2。"
    ),
    "The day the review age is counted back from (default today).": "计算复核期限的基准日（默认今天）。",
    "Run two versions of a policy on the same files and say what changes, per output,": (
        "用同一批文件运行政策的两个版本，按输出、行和列"
    ),
    "row and column, with totals. NEW is a second policy (a shipped name or a .yaml file);": (
        "列出变化并给出合计。NEW 是第二个政策（内置名称或 .yaml 文件）；"
    ),
    "without it, NEW is OLD with the --set values.": "不给 NEW 时，NEW 即为按 --set 修改参数后的 OLD。",
    "The month being evaluated (both sides).": "计算的月份（两边相同）。",
    "Date whose parameter values apply (both sides).": "按哪一天生效的参数值计算（两边相同）。",
    "Region whose parameter values apply (both sides).": "按哪个地区的参数值计算（两边相同）。",
    "Override a parameter on the NEW side.": "只在 NEW 一边改写某个参数。",
    "Compare only this output (repeatable).": "只比较这个输出（可多次给出）。",
    "Also write the comparison to a .csv or .xlsx file.": "同时把比较结果写入 .csv 或 .xlsx 文件。",
    "Print the JSON Schema of the policy format (for editor completion).": "输出政策格式的 JSON Schema（供编辑器自动补全）。",
    "The schema is for machines and editors: it is the same in every language.": (
        "这份 schema 是给程序和编辑器用的：各种语言下都一样。"
    ),
    # run
    "With -o, a run record (cspolicy-run.json in the folder, or FILE.run.json) is written": (
        "使用 -o 时，会随输出一起写入运行记录（目录中的 cspolicy-run.json，或 FILE.run.json）；"
    ),
    "with the outputs; `cspolicy run --replay RECORD` recomputes it and compares.": (
        "`cspolicy run --replay 记录文件` 会重新计算并逐一比对。"
    ),
    "Recompute the run a record (cspolicy-run.json, FILE.run.json) describes; exit 1 if anything differs.": (
        "按运行记录（cspolicy-run.json、FILE.run.json）重新计算；有任何不同时退出码为 1。"
    ),
    "Group by this grouping the policy offers (repeatable: agent, day …).": (
        "按政策提供的这一分组方式汇总（可多次给出：agent、day ……）。"
    ),
    "Read an input as this export (a header preset of the policy).": "按这种导出格式读取输入（政策的表头预设）。",
    "Evaluate POLICY (a shipped name or a file) over CSV files.": "按政策 POLICY（随附政策名或政策文件）计算 CSV 文件。",
    "The month being evaluated.": "要计算的月份。",
    "Date whose parameter values apply (default: first day of --period, else today).": (
        "按哪一天生效的参数值计算（默认：--period 所在月的第一天，否则为今天）。"
    ),
    "Region whose parameter values apply: one the policy names (letter case, full-width and spaces ignored).": (
        "按哪个地区的参数值计算：须是政策中写明的地区（不分大小写、全角半角和空格）。"
    ),
    "Override a parameter for this run, e.g. --set loss=8%.": "本次运行改用另一个参数值，例如 --set loss=8%。",
    "A directory (one CSV per output), a .csv, .json or .xlsx file.": (
        "文件夹（每个输出一个 CSV 文件），或 .csv、.json、.xlsx 文件。"
    ),
    "Output format (default table on stdout).": "输出格式（默认在屏幕上显示表格）。",
    "Write only this output (repeatable).": "只写出这个输出（可重复使用）。",
    "Explain the rows with this key, in plain words.": "用日常语言说明具有这个键的行是怎么算出来的。",
    "Rows of each output --explain explains (0 explains all); the rest are counted.": (
        "--explain 对每个输出最多说明多少行（0 表示全部说明）；其余的只计数。"
    ),
    "Encoding of the input files (default: detect UTF-8 / GB18030).": "输入文件的编码（默认：自动识别 UTF-8 或 GB18030）。",
    "CSV with the BOM Excel needs to read UTF-8 Chinese (default: files yes, stdout no).": (
        "CSV 带上 Excel 正确读取 UTF-8 中文所需的 BOM（默认：写文件时带，输出到屏幕时不带）。"
    ),
    "Rows of each output shown in the terminal table (default 50; 0 shows all). -o writes every row.": (
        "屏幕表格中每个输出显示的行数（默认 50；0 表示全部显示）。-o 总会写出全部行。"
    ),
    "Say nothing on stderr but errors and warnings: no progress, no list of files written.": (
        "标准错误上只显示错误和警告：不显示进度，也不列出写好的文件。"
    ),
    "Treat warnings as errors: exit 1 and write nothing when there are any.": (
        "把警告当作错误：只要有警告，就以退出码 1 结束，什么也不写。"
    ),
}
