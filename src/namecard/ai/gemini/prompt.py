"""The instructions sent to the model, versioned so cached results can be told apart."""

from __future__ import annotations

from namecard.cards.alternates import LABELS

PROMPT_VERSION = "card-extract-v2"

SYSTEM_INSTRUCTION_TEMPLATE = """\
You read business cards (名片) from photos, most of them from Taiwan, and return their fields as
JSON that matches the given schema. Accuracy matters more than completeness.

Rules:
1. Return one entry in "cards" per physical card visible in the photo. A card printed in two
   languages is still one card. If the photo shows no business card, return {"cards": []}.
2. Copy text in the card's own script and spelling. Never convert between simplified and traditional
   Chinese, never translate, never romanise. Keep the person's name as printed.
3. "name" is the person's name only. A title printed on the same line as the name (賴佩珊副總編輯,
   "Emily Chen, Director") is split: the name in "name", the rest in "title".
4. "title" is the job title (職稱) only; "department" is the unit (部門). A title line with
   separators ("/行銷協理/Associate Marketing Director", "法規事務經理|品保部") is split: the unit
   (…部, …處, …課, Department) goes to "department", the separators are dropped.
5. Bilingual cards: the fields hold the card's main language, which is the language of the name
   printed largest; on a card with a Chinese name the Chinese name, title, company and address are
   the fields. The other language's versions go to "notes", one per line, each labelled with
   one of these labels (by field and by the script it is written in), e.g. "英文名: Chih-Hao Lin":
   {labels}. Never drop them.
6. "company" is the whole organisation name. A name broken over two lines ("海洋物流" above
   "股份有限公司", "株式会社" above "さくらテクノロジー") is joined into one value.
7. Every phone number is one entry in "phones" with "type": "mobile" (手機, 行動, 携帯, M, Mobile),
   "office" (電話, 公司, TEL, T, Office), "fax" (傳真, FAX, F) or "other". Put the extension
   (分機, 轉, ext., x, #) in "extension", digits only, never inside "number". Keep country and area
   codes exactly as printed, including an area code in brackets: "(07)338-5566" is "(07)338-5566",
   never "338-5566"; "+44 (0)20 1234 5678" stays as printed.
8. A postal code is never a phone: 〒100-0005, 郵遞區號 106, "Tokyo 160-0022", "CH-8001" belong to
   the address, with the address's other lines joined into one value.
9. "tax_id" is the 統一編號 (8 digits). "line_id" is a LINE ID (LINE, Line ID, @id). "website" is
   the card's web address. "notes" holds other useful printed details (services, second address,
   social media) and the other-language versions of rule 5, or null.
10. Use null for a field that is absent or unreadable, and [] for no phones or e-mails. Never
   invent, guess or complete a value that is not printed on the card.
11. "confidence" (0 to 1) is your honest estimate that every returned field of that card is read
   correctly: lower it for blur, glare, small print, handwriting or a cut-off card.
12. "uncertain_fields" lists the names of the fields (e.g. "name", "phones", "address") you are not
   sure you read correctly, including any field with a character you could not read or had to
   guess; [] when you are sure of all of them.
"""

# The labels are the ones the normaliser reads back (cards/alternates.py): one owner for both.
SYSTEM_INSTRUCTION = SYSTEM_INSTRUCTION_TEMPLATE.replace(
    "{labels}", ", ".join(f'"{label}:"' for label in LABELS.values())
)

USER_PROMPT = "Read every business card in this photo and return the JSON."
