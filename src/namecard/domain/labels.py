"""The label a user sees for each card field (CSV headers, notes, `namecard scan`), written once."""

from __future__ import annotations

from collections.abc import Iterable

FIELD_LABELS = {
    "created_at": "建立時間 (UTC)",
    "name": "姓名",
    "company": "公司名稱",
    "department": "部門",
    "title": "職稱",
    "decision_influence": "決策影響力",
    "phones": "電話",
    "emails": "Email",
    "address": "地址",
    "website": "網站",
    "line_id": "LINE ID",
    "tax_id": "統一編號",
    "notes": "備註",
    "uncertain_fields": "待確認欄位",
    "confidence": "辨識信心度",
    "card_id": "名片編號",
}
SHORT_LABELS = {**FIELD_LABELS, "company": "公司"}  # where the line is narrow (the terminal)


def labelled(
    fields: Iterable[str], labels: dict[str, str] = FIELD_LABELS
) -> tuple[tuple[str, str], ...]:
    """(field, label) pairs in the order given."""
    return tuple((field, labels[field]) for field in fields)
