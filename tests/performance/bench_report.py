"""Tables of the accuracy benchmark: per field precision/recall/accuracy, by tag, reliability."""

from __future__ import annotations

from typing import Any

from tests.performance.accuracy_scoring import FIELDS

COLUMNS = ("truth", "pred", "prec", "recall", "loose P", "loose R", "acc", "loose acc")
# Short column heads for the per-tag matrix of field accuracy.
SHORT = {"name": "name", "company": "comp", "department": "dept", "title": "title",
         "phones": "phones", "phone_kinds": "kinds", "emails": "email", "address": "addr",
         "website": "web", "line_id": "line", "tax_id": "tax"}  # fmt: skip


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.1%}"


def table_row(label: str, m: dict[str, Any]) -> str:
    cells = [str(m["truth"]), str(m["predicted"]), percent(m["precision"]), percent(m["recall"]),
             percent(m["loose_precision"]), percent(m["loose_recall"]), percent(m["accuracy"]),
             percent(m["loose_accuracy"])]  # fmt: skip
    return f"{label:<12}" + "".join(f"{cell:>10}" for cell in cells)


def headline(name: str, report: dict[str, Any]) -> str:
    return (
        f"== {name}: {report['photos']} photos, {report['truth_cards']} cards in truth, "
        f"{report['predicted_cards']} read, {report['matched_cards']} paired, "
        f"{report['errors']} refused"
    )


def timing_line(report: dict[str, Any]) -> str:
    return (
        f"seconds per card: p50 {report['seconds_per_card_p50']:.2f}, "
        f"p95 {report['seconds_per_card_p95']:.2f}, mean {report['seconds_per_card_mean']:.2f} "
        f"(slowest photo {report['seconds_per_photo_max']:.2f})"
    )


def format_group(name: str, report: dict[str, Any]) -> str:
    lines = [headline(name, report), f"{'field':<12}" + "".join(f"{c:>10}" for c in COLUMNS)]
    lines += [table_row(field, report["fields"][field]) for field in FIELDS]
    lines.append(table_row("overall", report["overall"]))
    lines.append(timing_line(report))
    return "\n".join(lines)


def format_tags(set_name: str, tags: dict[str, dict[str, Any]]) -> str:
    """One row per tag: photos, cards, field accuracy per field and overall."""
    head = f"{'tag':<12}{'photos':>7}{'cards':>6}" + "".join(f"{SHORT[f]:>7}" for f in FIELDS)
    lines = [f"== {set_name}: field accuracy by tag", head + f"{'all':>7}{'p95 s':>7}"]
    for tag, report in tags.items():
        cells = [short_percent(report["fields"][f]["accuracy"]) for f in FIELDS]
        cells.append(short_percent(report["overall"]["accuracy"]))
        cells.append(f"{report['seconds_per_card_p95']:.2f}")
        lines.append(f"{tag:<12}{report['photos']:>7}{report['truth_cards']:>6}"
                     + "".join(f"{cell:>7}" for cell in cells))  # fmt: skip
    return "\n".join(lines)


def short_percent(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def format_reliability(set_name: str, report: dict[str, Any], threshold: float,
                       mode: str) -> str:  # fmt: skip
    """Of the fields reported with confidence >= threshold, how many were right, per field."""
    lines = [
        f"== {set_name}: reliability: fields reported with confidence >= {threshold} ({mode})",
        f"{'field':<12}{'reported':>10}{'right':>10}",
    ]
    for field in (*FIELDS, "overall"):
        m = report["overall"] if field == "overall" else report["fields"][field]
        lines.append(f"{field:<12}{m['confident']:>10}{percent(m['confident_right']):>10}")
    return "\n".join(lines)


# The goals for the check set: (label, where the figure is, the least it must be).
GOALS = (
    ("clean cards: fields right", ("groups", "clean", "overall", "accuracy"), 0.95),
    ("photos: fields right", ("groups", "photo", "overall", "accuracy"), 0.90),
    ("title right", ("groups", "all", "fields", "title", "accuracy"), 0.90),
    ("Japanese: company right", ("tags", "ja", "fields", "company", "accuracy"), 0.95),
    ("Japanese: phones right", ("tags", "ja", "fields", "phones", "accuracy"), 0.95),
)
MAX_P95_SECONDS = 1.5


def figure(report: dict[str, Any], path: tuple[str, ...]) -> float | None:
    value: Any = report
    for key in path:
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value if isinstance(value, float | int) else None


def format_goals(set_name: str, report: dict[str, Any]) -> str:
    """The issue's goals (meant for the check set), each with its figure and met or not."""
    lines = [f"== {set_name}: goals of issue 14 (judged on the check set)"]
    for label, path, least in GOALS:
        value = figure(report, path)
        verdict = "-" if value is None else ("met" if value >= least else "NOT met")
        lines.append(f"{label:<28}{percent(value):>8}  want >= {least:.0%}  {verdict}")
    p95 = figure(report, ("groups", "all", "seconds_per_card_p95"))
    verdict = "-" if p95 is None else ("met" if p95 <= MAX_P95_SECONDS else "NOT met")
    shown = "-" if p95 is None else f"{p95:.2f} s"
    lines.append(f"{'seconds per card, p95':<28}{shown:>8}  want <= {MAX_P95_SECONDS} s  {verdict}")
    return "\n".join(lines)


def format_examples(set_name: str, fixtures: list[dict[str, Any]], per_field: int) -> str:
    """Up to `per_field` mismatches of each field, as 'picture #card: truth -> read'."""
    lines = [f"== {set_name}: mismatch examples (up to {per_field} per field)"]
    for field in FIELDS:
        found = [(f["stem"], m) for f in fixtures for m in f["mismatches"] if m["field"] == field]
        for stem, mismatch in found[:per_field]:
            truth = " | ".join(mismatch["truth"]) or "(none)"
            read = " | ".join(mismatch["predicted"]) or "(none)"
            lines.append(f"{field:<12}{stem} #{mismatch['card']}: {truth} -> {read}")
    return "\n".join(lines)
