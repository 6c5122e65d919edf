"""The language of a command (``--lang``, ``CSPOLICY_LANG``, the locale) and labels."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import cspolicy.i18n
from cspolicy import UsageError
from cspolicy.i18n import Label, parse_lang, resolve_lang


@pytest.mark.parametrize(
    ("option", "environ", "expected"),
    [
        (None, {}, "en"),  # nothing set: English
        ("zh", {}, "zh"),
        ("en", {"CSPOLICY_LANG": "zh", "LANG": "zh_CN.UTF-8"}, "en"),  # --lang beats everything
        (None, {"CSPOLICY_LANG": "zh"}, "zh"),
        (None, {"CSPOLICY_LANG": "en", "LANG": "zh_CN.UTF-8"}, "en"),  # CSPOLICY_LANG beats the locale
        (None, {"CSPOLICY_LANG": "zh_CN"}, "zh"),
        (None, {"CSPOLICY_LANG": "", "LANG": "zh_CN.UTF-8"}, "zh"),  # empty = unset
        (None, {"LANG": "zh_CN.UTF-8"}, "zh"),
        (None, {"LANG": "zh_TW.Big5"}, "zh"),
        (None, {"LANG": "en_US.UTF-8"}, "en"),
        (None, {"LANG": "de_DE.UTF-8"}, "en"),  # a language cspolicy does not speak: English
        (None, {"LANG": "C.UTF-8"}, "en"),
        (None, {"LC_MESSAGES": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),  # LC_MESSAGES before LANG
        (None, {"LC_ALL": "C", "LC_MESSAGES": "zh_CN.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),  # LC_ALL first
        (None, {"LC_ALL": "", "LANG": "zh_CN.UTF-8"}, "zh"),  # an empty LC_ALL is skipped, as POSIX says
    ],
)
def test_resolve_lang(option, environ, expected):
    assert resolve_lang(option, environ) == expected


def test_windows_display_language_when_no_variable_is_set(monkeypatch):
    monkeypatch.setattr(cspolicy.i18n, "system_language", lambda: "zh")
    assert resolve_lang(None, {}) == "zh"
    assert resolve_lang(None, {"LANG": "en_US.UTF-8"}) == "en"  # a variable still wins


def test_resolve_lang_reads_the_environment_by_default(monkeypatch):
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert resolve_lang() == "zh"


@pytest.mark.parametrize("text", ["fr", "chinese", "z", ""])
def test_an_unknown_cspolicy_lang_is_refused_not_guessed(text):
    with pytest.raises(UsageError) as info:
        parse_lang(text, source="CSPOLICY_LANG")
    assert f"CSPOLICY_LANG={text!r}" in str(info.value)
    assert "zh (中文) or en (English)" in str(info.value)


def test_label_falls_back_to_the_other_language_then_the_identifier():
    both = Label("cut_to_formula", zh="按公式核减", en="cut back to the formula")
    assert (both.text("zh"), both.text("en")) == ("按公式核减", "cut back to the formula")
    assert Label("weekly_qty", en="weekly order").text("zh") == "weekly order"
    assert Label("weekly_qty", zh="一周申请数量").text("en") == "一周申请数量"
    assert Label("status").text("zh") == "status"
    assert Label("status", zh="审核结果").missing() == ("en",)
    assert Label("x", zh="同", en="同").texts() == ("同",)


@given(
    ident=st.text(min_size=1),
    zh=st.none() | st.text(min_size=1),
    en=st.none() | st.text(min_size=1),
    lang=st.sampled_from(["zh", "en"]),
)
def test_label_text_is_never_empty_and_prefers_its_own_language(ident, zh, en, lang):
    label = Label(ident, zh, en)
    text = label.text(lang)
    assert text in (zh, en, ident)
    own = zh if lang == "zh" else en
    if own:
        assert text == own
    elif not zh and not en:
        assert text == ident
