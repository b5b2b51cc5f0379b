"""OCR slips undone in a line's text before its labels and contacts are read.

Each rule undoes one misreading the recognition model makes on real and photographed cards, in
a context where the printed text is beyond doubt (a label before its value, a postal code before
an address, a country code opening a number); text outside those contexts is kept as read.
"""

from __future__ import annotations

import re

_FULL_WIDTH = str.maketrans({"（": "(", "）": ")", "＋": "+", "－": "-", "：": ":",
                             **{chr(0xFF10 + i): str(i) for i in range(10)}})  # fmt: skip
# The OCR reads 〒 as a T, the katakana テ, 亍, 平, ￥ or an equals sign: "T100-0005東京都…",
# "平530-0001大阪府…", "￥1600022東京都…", "= 812-0011福岡県…" (the last only opening the line).
_POSTAL_MARK = re.compile(
    r"(?<![A-Za-z\u30a0-\u30ff])[Tテ亍]\s?(?=\d{3}-\d{4}(?!\d))|^=\s?(?=\d{3}-\d{4}(?!\d))"
    r"|(?<![\u4e00-\u9fff])[平￥¥]\s?(?=\d{3}-?\d{4}(?!\d))"
)
# The "E-mail" label opening a line, misread beyond the label list: "E-aal", "E-moil", "E-mall",
# "-waii", "[-wail" (a hyphen, then two to four letters, then the value).
_EMAIL_LABEL = re.compile(r"^[\[(]?E?-[A-Za-z]{2,4}[:.]?(?=\s+[A-Za-z0-9._-]+(?:@|\.[a-z]{2}))")
# 統一編號 with its last characters misread ("统一编线75118662"): still the tax ID's label.
_TAX_LABEL = re.compile(r"[統统]一[^\d\s:：]{1,2}(?=\s*[:：]?\s*\d{8}(?!\d))")
# Inside a number, a separator read as a colon ("045:391-3068"), or a plus read as a dash before
# a country code opening the value ("-886-2-2141-5577").
_COLON_IN_NUMBER = re.compile(r"(?<=\d):(?=\d{3})")
_PLUS_AS_DASH = re.compile(
    r"(?:^|(?<=[\s\u4e00-\u9fff]))-(?=(?:886|86|81|852|853|65|44|49|41|1)[\s-]\d)"
)


def undo_slips(text: str) -> str:
    """The line with full-width signs made ASCII and the misreadings above undone."""
    text = _POSTAL_MARK.sub("〒", text.translate(_FULL_WIDTH))
    text = _EMAIL_LABEL.sub("E-mail", _COLON_IN_NUMBER.sub("-", text))
    return _TAX_LABEL.sub("統一編號", _PLUS_AS_DASH.sub("+", text))
