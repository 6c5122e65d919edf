"""Policy catalogue and descriptions (what ``cspolicy list`` and ``show`` print)."""

from __future__ import annotations

from cspolicy.describe import describe_policy
from cspolicy.i18n import Lang
from cspolicy.policy import load_policy, shipped_policies
from cspolicy.schema.load import policy_json_schema, read_policy_model

__all__ = ["policy_catalogue", "describe_policy", "load_policy", "policy_json_schema"]


def policy_catalogue(lang: Lang = "en") -> list[tuple[str, str]]:
    """(name, title) of every shipped policy: both titles in English (``物料申请 / Weekly
    material order``, so the handbook's name is always there), the Chinese one in Chinese."""
    out = []
    for name, path in shipped_policies().items():
        model, _ = read_policy_model(path, display_name=f"{name}.yaml")
        out.append((name, model.title.zh if lang == "zh" else f"{model.title.zh} / {model.title.en}"))
    return out
