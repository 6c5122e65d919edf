"""Call-centre records refused (issue 18): moments out of order, negative durations, bad
moments, unknown export values, a preset that does not fit. Every message names file:row:column."""

from __future__ import annotations

from .common import Case

HEADER = "call_id,queue,agent_id,offered_at,answered_at,ended_at,wait_s,talk_s,acw_s\n"
GOOD = "C1,Q1,A1,2025-03-03 09:00:00,2025-03-03 09:00:10,2025-03-03 09:05:10,10,280,30\n"


def calls_case(id: str, body: str, messages: list[str]) -> Case:
    return Case(id, ["run", "cc-metrics", "calls=calls.csv"], 1, messages, files={"calls.csv": HEADER + GOOD + body})


CASES = [
    calls_case(
        "metrics-ended-before-offered",
        "C2,Q1,,2025-03-03 09:10:00,,2025-03-03 09:09:59,,,\n",
        ["calls.csv:3:ended_at", "the call ended before it was offered"],
    ),
    calls_case(
        "metrics-answered-after-ended",
        "C2,Q1,A1,2025-03-03 09:10:00,2025-03-03 09:20:00,2025-03-03 09:15:00,,100,10\n",
        ["calls.csv:3:answered_at", "answered before it was offered or after it ended"],
    ),
    calls_case(
        "metrics-negative-talk",
        "C2,Q1,A1,2025-03-03 09:10:00,2025-03-03 09:10:05,2025-03-03 09:15:00,5,-3,10\n",
        ["calls.csv:3:talk_s", "'-3'", "a duration cannot be negative"],
    ),
    calls_case(
        "metrics-negative-wait",
        "C2,Q1,A1,2025-03-03 09:10:00,2025-03-03 09:10:05,2025-03-03 09:15:00,-5,100,10\n",
        ["calls.csv:3:wait_s", "a duration cannot be negative"],
    ),
    calls_case(
        "metrics-bad-datetime",
        "C2,Q1,A1,03/03/2025 09:10,2025-03-03 09:10:05,2025-03-03 09:15:00,5,100,10\n",
        ["calls.csv:3:offered_at", "'03/03/2025 09:10'"],
    ),
    calls_case(
        "metrics-date-without-time",
        "C2,Q1,A1,2025-03-03,2025-03-03 09:10:05,2025-03-03 09:15:00,5,100,10\n",
        ["calls.csv:3:offered_at", "'2025-03-03'"],
    ),
    Case(
        "metrics-preset-unknown-status",
        ["run", "cc-metrics", "calls=calls.csv"],
        1,
        ["calls.csv:2:通话状态", "'挂断' is not a value this export's column is known to hold"],
        files={
            "calls.csv": "通话ID,技能组,坐席工号,呼叫时间,接听时间,挂机时间,通话时长,排队时长,通话状态\n"
            "C1,Q1,A1,2025-03-03 09:00:00,,2025-03-03 09:00:30,0,30,挂断\n"
        },
    ),
    Case(
        "metrics-preset-utc-with-offset",
        ["run", "cc-metrics", "calls=calls.csv"],
        1,
        ["calls.csv:2:InitiationTimestamp", "is not in UTC"],
        files={
            "calls.csv": "ContactId,Queue.Name,Agent.Username,InitiationTimestamp,Agent.ConnectedToAgentTimestamp,"
            "DisconnectTimestamp,Queue.Duration,Agent.AgentInteractionDuration,Agent.CustomerHoldDuration,"
            "Agent.AfterContactWorkDuration\n"
            "C1,Q1,A1,2025-03-03T01:00:00+08:00,,2025-03-03T01:00:30Z,30,,,\n"
        },
    ),
    Case(
        "metrics-no-preset-fits",
        ["run", "cc-metrics", "calls=calls.csv"],
        1,
        ["calls.csv:1:", "fit no preset of 'calls'", "amazon-connect lacks 'ContactId'"],
        files={"calls.csv": "id,start\n1,2025-03-03 09:00:00\n"},
    ),
    Case(
        "metrics-by-unknown",
        ["run", "cc-metrics", "calls=calls.csv", "--by", "week"],
        2,
        ["--by week", "one of: agent, team, queue, day, hour, month"],
        files={"calls.csv": HEADER + GOOD},
    ),
    Case(
        "staffing-aht-zero",
        ["run", "cc-staffing", "f.csv"],
        1,
        ["f.csv:2:aht", "average handling time above 0"],
        files={"f.csv": "interval,calls,aht\n09:00,10,0\n"},
    ),
]
