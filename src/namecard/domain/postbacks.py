"""The postback data of the bot's own buttons: what a tap asks for, written down once.

LINE hands a tapped postback button's `data` back in a postback event (≤ 300 characters).
The web chat of the embedded simulator sends it back as-is, so this format is a contract:

    a=<action>&c=<contact id>[&f=<field>]

- `a=correct&c=<id>`            the card bubble's 修正 button: asks which field to correct
- `a=field&c=<id>&f=<field>`    a field quick reply (f: name, company, title, phone, email,
                                address): asks for the new value; the next text is that value
- `a=note&c=<id>`               the card bubble's 加備註 button: the next text is the note
- `a=delete&c=<id>`             the card bubble's 刪除 button: asks for confirmation
- `a=confirm-delete&c=<id>`     the confirmation quick reply: archives (Notion) or deletes
                                (local book) the contact asked about just before

`<id>` is the store's contact id: a Notion page id, or the local book's row number. Anything
else (unknown action, missing id, unknown field, over 300 characters) decodes to None.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qs, urlencode

from namecard.cards.edits import CardField

MAX_POSTBACK_DATA = 300
MAX_CONTACT_ID = 64


class PostbackAction(StrEnum):
    CORRECT = "correct"
    FIELD = "field"
    NOTE = "note"
    DELETE = "delete"
    CONFIRM_DELETE = "confirm-delete"


@dataclass(frozen=True, slots=True)
class Postback:
    action: PostbackAction
    contact_id: str
    field: CardField | None = None

    def encode(self) -> str:
        values = {"a": self.action.value, "c": self.contact_id}
        if self.field is not None:
            values["f"] = self.field.value
        return urlencode(values)


def decode(data: str | None) -> Postback | None:
    """The postback a button's data asks for, or None for data the bot did not write."""
    if not data or len(data) > MAX_POSTBACK_DATA:
        return None
    values = {key: found[0] for key, found in parse_qs(data, strict_parsing=False).items()}
    try:
        action = PostbackAction(values.get("a", ""))
        field = CardField(values["f"]) if "f" in values else None
    except ValueError:
        return None
    contact_id = values.get("c", "")
    if not contact_id or len(contact_id) > MAX_CONTACT_ID or not contact_id.isprintable():
        return None
    if (action is PostbackAction.FIELD) != (field is not None):
        return None
    return Postback(action, contact_id, field)
