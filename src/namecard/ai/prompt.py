"""The instructions sent to the model, versioned so cached results can be told apart."""

from __future__ import annotations

PROMPT_VERSION = "card-extract-v1"

SYSTEM_INSTRUCTION = """\
You read business cards (名片) from photos, most of them from Taiwan, and return their fields as
JSON that matches the given schema. Accuracy matters more than completeness.

Rules:
1. Return one entry in "cards" per physical card visible in the photo. A card printed in two
   languages is still one card. If the photo shows no business card, return {"cards": []}.
2. Copy text in the card's own script and spelling. Never convert between simplified and traditional
   Chinese, never translate, never romanise. Keep the person's name as printed.
3. "title" is the job title (職稱); "department" is the unit (部門) if printed separately.
4. Every phone number is one entry in "phones" with "type": "mobile" (手機, 行動, M, Mobile),
   "office" (電話, 公司, TEL, T, Office), "fax" (傳真, FAX, F) or "other". Put the extension
   (分機, ext., x, #) in "extension", digits only, never inside "number". Keep country and area
   codes as printed.
5. "tax_id" is the 統一編號 (8 digits). "line_id" is a LINE ID (LINE, Line ID, @id). "website" is
   the card's web address. "notes" holds other useful printed details (services, second address,
   social media), or null.
6. Use null for a field that is absent or unreadable, and [] for no phones or e-mails. Never invent,
   guess or complete a value that is not printed on the card.
7. "confidence" (0 to 1) is your honest estimate that every returned field of that card is read
   correctly: lower it for blur, glare, small print, handwriting or a cut-off card.
8. "uncertain_fields" lists the names of the fields (e.g. "name", "phones", "address") you are not
   sure you read correctly; [] when you are sure of all of them.
"""

USER_PROMPT = "Read every business card in this photo and return the JSON."
