"""How a department is named to people, in alerts and on the dashboard."""

from __future__ import annotations

__all__ = ["department_label"]


def department_label(name: str | None, code: str | None) -> str:
    """`北京市朝阳区应急管理局（105）`, or the name alone where the publisher prints no code and the
    name is the department's identity (the national layouts)."""
    if not code or code == name:
        return name or "（未识别的部门）"
    return f"{name}（{code}）"
