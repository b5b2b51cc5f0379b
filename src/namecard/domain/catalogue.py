"""Every sentence a user reads, in Traditional Chinese first and English second."""

# Data, not logic: one named `Sentence` per thing the bot says, grouped by topic. A failure
# sentence is "reason，advice"; `PROBLEMS` keeps both halves so a batch summary can show
# "reason → advice". Longer than our other modules because it is the whole catalogue in one
# place, which is the point of it (issue 8).

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from namecard.cards.model import PhoneKind

Language = Literal["zh-TW", "en", "both"]


@dataclass(frozen=True, slots=True)
class Sentence:
    """One user-facing sentence in both languages; `render` picks what the bot sends."""

    zh: str
    en: str

    def render(self, language: Language = "zh-TW") -> str:
        if language == "en":
            return self.en
        if language == "both":
            return f"{self.zh}\n{self.en}"
        return self.zh

    def format(self, **values: object) -> Sentence:
        return Sentence(self.zh.format(**values), self.en.format(**values))


def compose(template: Sentence, **values: Sentence | str | int) -> Sentence:
    """`template` filled in each language with the same language of every Sentence value."""
    zh = {k: v.zh if isinstance(v, Sentence) else v for k, v in values.items()}
    en = {k: v.en if isinstance(v, Sentence) else v for k, v in values.items()}
    return Sentence(template.zh.format(**zh), template.en.format(**en))


def problem(reason: Sentence, advice: Sentence) -> Sentence:
    """'reason，advice。' / 'Reason. Advice.': one failure sentence from its two halves."""
    return Sentence(f"{reason.zh}，{advice.zh}。", f"{reason.en}. {advice.en}.")


# ---- help, welcome, hint ----------------------------------------------------------------------
# LINE does not render Markdown: plain sentences, no `**`, never "None".
HELP = Sentence(
    "📇 名片小幫手\n\n"
    "傳一張名片照片給我，我會讀出姓名、職稱、公司、電話、Email 和地址，並幫你存成聯絡人。\n"
    "・中文、英文名片都看得懂\n"
    "・一張照片裡有好幾張名片也沒問題；一次傳好幾張照片也可以\n"
    "・拍照時讓名片平放、光線充足、避免反光，辨識會更準\n\n"
    "指令：\n"
    "・說明：help、幫助、說明\n"
    "・開始批次（連續傳很多張，最後一次整理給你）：批次、batch、批次模式、開始批次\n"
    "・結束批次並看總結：結束批次、end batch、完成批次、批次結束、finish batch\n"
    "・看批次進度：狀態、status、批次狀態\n"
    "・離開批次模式：取消、cancel\n\n"
    "聯絡人：\n"
    "・找人：查詢 王、搜尋 宏碩、find chen（直接傳姓名、電話末四碼或 Email 也可以）\n"
    "・最近存的名片：最近、recent\n"
    "・幫最後一張名片加備註：備註 今天在 Computex 聊到 AI 伺服器\n"
    "・名片下方的「修正」「加備註」「刪除」按鈕可以改欄位、加備註、刪除；或輸入：刪除 王小明\n"
    "・刪除我為你保存的資料：刪除我的資料",
    "📇 Business card helper\n\n"
    "Send me a photo of a business card: I read the name, title, company, phone, email and "
    "address, and save it as a contact.\n"
    "・Chinese and English cards both work\n"
    "・Several cards in one photo are fine; so are several photos at once\n"
    "・Lay the card flat in good light, without glare, for the best reading\n\n"
    "Commands:\n"
    "・Help: help, 幫助, 說明\n"
    "・Start a batch (send many photos, get one summary): 批次, batch, 批次模式, 開始批次\n"
    "・End the batch and see its summary: 結束批次, end batch, 完成批次, 批次結束, finish batch\n"
    "・Batch progress: 狀態, status, 批次狀態\n"
    "・Leave batch mode: 取消, cancel\n\n"
    "Contacts:\n"
    "・Find someone: find chen, 查詢 王 (or just send a name, the last 4 phone digits or an "
    "email)\n"
    "・Cards saved last: recent, 最近\n"
    "・Add a note to the last card: note met at Computex, talked about AI servers\n"
    "・The Correct, Add note and Delete buttons under a card fix a field, add a note or delete "
    "it; or type: delete Amy Chen\n"
    "・Delete what the bot keeps about you: forget me, 刪除我的資料",
)
WELCOME = Sentence(
    "你好，謝謝加入好友！👋\n我可以把名片變成聯絡人：直接傳名片照片給我就好。\n"
    "輸入 help 看完整說明。",
    "Hello, thanks for adding me! 👋\nI turn business cards into contacts: just send me a photo "
    "of a card.\nType help for the full guide.",
)
HINT = Sentence(
    "請傳送名片照片給我，我會幫你存成聯絡人；輸入 help 看說明。",
    "Send me a photo of a business card and I will save it as a contact; type help for more.",
)

# ---- quick-reply buttons (labels ≤ 20 characters; the text sent is a command alias) -----------
BUTTON_HELP = Sentence("說明", "Help")
BUTTON_BATCH = Sentence("批次", "Batch")
BUTTON_END_BATCH = Sentence("結束批次", "End batch")
BUTTON_STATUS = Sentence("狀態", "Status")
BUTTON_CANCEL = Sentence("取消", "Cancel")
COMMAND_HELP = Sentence("說明", "help")
COMMAND_BATCH = Sentence("批次", "batch")
COMMAND_END_BATCH = Sentence("結束批次", "end batch")
COMMAND_STATUS = Sentence("狀態", "status")
COMMAND_CANCEL = Sentence("取消", "cancel")

# ---- the contact card -------------------------------------------------------------------------
UNNAMED_CARD = Sentence("未具名名片", "Unnamed card")
UNCERTAIN_MARK = Sentence("⚠ 待確認", "⚠ please check")
SAVED_NOTION = Sentence("已存入 Notion", "Saved to Notion")
SAVED_LOCAL = Sentence("已存入本機通訊錄", "Saved to the local contact book")
SAVED_OTHER = Sentence("已存成聯絡人", "Saved as a contact")
ALREADY_NOTION = Sentence(
    "Notion 裡已有這位聯絡人，沒有重複建立", "Already in Notion; no duplicate was made"
)
ALREADY_LOCAL = Sentence(
    "本機通訊錄裡已有這位聯絡人，沒有重複建立",
    "Already in the local contact book; no duplicate was made",
)
UPDATED_NOTION = Sentence(
    "已更新 Notion 裡的既有聯絡人（舊資料留在備註）",
    "Updated the existing contact in Notion (old details kept in the notes)",
)
UPDATED_LOCAL = Sentence(
    "已更新本機通訊錄裡的既有聯絡人", "Updated the existing contact in the local contact book"
)
SAVING = Sentence("正在儲存聯絡人…", "Saving the contact…")
SAVING_NOTION = Sentence("正在儲存到 Notion…", "Saving to Notion…")
CARD_SAVE_FAILED = Sentence("儲存失敗，請稍後再傳一次照片", "Not saved; send the photo again later")
BUTTON_CALL = Sentence("撥打電話", "Call")
BUTTON_MAIL = Sentence("寄送 Email", "Send email")
BUTTON_OPEN_NOTION = Sentence("在 Notion 開啟", "Open in Notion")
BUTTON_OPEN_CONTACT = Sentence("開啟聯絡人", "Open contact")
LABEL_EMAIL = Sentence("Email", "Email")
LABEL_ADDRESS = Sentence("地址", "Address")
LABEL_WEBSITE = Sentence("網站", "Website")
LABEL_LINE_ID = Sentence("LINE ID", "LINE ID")
LABEL_TAX_ID = Sentence("統編", "Tax ID")
PHONE_LABELS: dict[PhoneKind, Sentence] = {
    PhoneKind.MOBILE: Sentence("手機", "Mobile"),
    PhoneKind.OFFICE: Sentence("電話", "Phone"),
    PhoneKind.FAX: Sentence("傳真", "Fax"),
    PhoneKind.OTHER: Sentence("其他", "Other"),
}
EXTENSION = Sentence(" 分機 {extension}", " ext. {extension}")
ALT_ONE_CARD = Sentence("名片：{label}", "Card: {label}")
ALT_MANY_CARDS = Sentence("{total} 張名片：{labels}", "{total} cards: {labels}")
NAME_AND_COMPANY = Sentence("{name}（{company}）", "{name} ({company})")
NAME_BAR_COMPANY = Sentence("{name}｜{company}", "{name} | {company}")
LIST_SEPARATOR = Sentence("、", ", ")
OVERFLOW_HEAD = Sentence(
    "另有 {hidden} 張名片沒有列在上方", "{hidden} more cards are not shown above"
)
OVERFLOW_PENDING = Sentence("{head}，{saving}", "{head}; {saving}")
OVERFLOW_NONE_SAVED = Sentence("{head}，{failed}。", "{head}; {failed}.")
OVERFLOW_SAVED = Sentence(
    "{head}，其中 {saved} 張{note}{tail}。", "{head}; {saved} of them: {note}{tail}."
)
OVERFLOW_FAILED_TAIL = Sentence(
    "，{failed} 張儲存失敗，請稍後再傳一次照片", "; {failed} not saved, send the photo again later"
)
OFFLINE_READER = Sentence(
    "這張名片由離線辨識讀取（雲端辨識額度暫時用完），部分欄位可能需要確認。",
    "This card was read by the offline reader (the cloud reader's quota is used up for now); "
    "some fields may need checking.",
)

# ---- reasons and advice: the halves of every failure sentence ---------------------------------
R_GENERIC = Sentence("處理時發生問題", "Something went wrong")
R_CONFIG = Sentence(
    "服務設定有誤，管理員已收到通知", "The service is misconfigured; the admin is told"
)
R_NOT_IMAGE = Sentence("這張圖片無法處理", "This image cannot be processed")
R_NOT_READ = Sentence("這張照片沒有辨識出名片內容", "No card details could be read from this photo")
R_NO_READER = Sentence(
    "目前尚未設定名片辨識服務（沒有 Gemini API 金鑰，離線辨識也尚未啟用），照片已收到但無法讀取",
    "No card reader is set up yet (no Gemini API key, offline reading not enabled); the photo "
    "arrived but cannot be read",
)
R_QUOTA = Sentence("名片辨識服務今日的額度已用完", "The card reader's quota for today is used up")
R_STORE = Sentence(
    "名片已辨識，但儲存聯絡人時發生問題", "The card was read but saving the contact failed"
)
R_BUSY = Sentence("名片辨識服務暫時忙碌", "The card reader is busy")
R_BLOCKED = Sentence("這張照片無法進行辨識", "This photo cannot be read")
R_TOO_LONG = Sentence(
    "這張照片的內容太多，無法一次讀完", "This photo holds too much to read at once"
)
R_UNREADABLE = Sentence("名片辨識結果不完整", "The card could only be read in part")
R_REFUSED = Sentence("名片辨識服務無法處理這張照片", "The card reader cannot handle this photo")
R_TOO_LARGE = Sentence("這張照片超過 {mb} MB", "This photo is over {mb} MB")
R_TOO_MANY_PIXELS = Sentence("這張照片的尺寸太大", "This photo's dimensions are too large")
R_GONE = Sentence("LINE 上已找不到這張照片", "LINE no longer has this photo")
R_TIMEOUT = Sentence("這張名片處理太久了", "This card took too long")
R_UNEXPECTED = Sentence(
    "處理這張照片時發生未預期的問題", "Something unexpected went wrong with this photo"
)
R_DEAD_LETTER = Sentence(
    "這張照片處理多次都失敗了，已通知管理員", "This photo failed several times; the admin is told"
)
R_NO_CARD = Sentence("照片裡沒有找到名片", "No business card was found in the photo")

A_RETRY_LATER = Sentence("請稍後再試一次", "Please try again later")
A_RESEND_LATER = Sentence("請稍後再傳一次", "Please send it again later")
A_RESEND_PHOTO_LATER = Sentence("請稍後再傳一次照片", "Please send the photo again later")
A_RESEND = Sentence("請重新傳送一次", "Please send it again")
A_RESEND_PLEASE = Sentence("請重新傳一次", "Please send it again")
A_FORMAT = Sentence(
    "請傳送 JPEG、PNG 或 WebP 格式的名片照片", "Please send a JPEG, PNG or WebP photo of the card"
)
A_RESHOOT = Sentence("請在光線充足處重新拍攝一次", "Please take it again in good light")
A_RESHOOT_RESEND = Sentence(
    "請在光線充足處重新拍攝後再傳一次", "Please retake it in good light and send it again"
)
A_ADMIN_KEY = Sentence("請管理員設定 GOOGLE_API_KEY", "The admin needs to set GOOGLE_API_KEY")
A_QUOTA_WAIT = Sentence("你的名片會在額度恢復後處理", "Your card will be read when it returns")
A_CHECK_CARD = Sentence(
    "請確認拍的是名片後再傳一次", "Check that it shows a business card and send it again"
)
A_FEWER_CARDS = Sentence(
    "請每次拍一到兩張名片再傳一次", "Photograph one or two cards at a time and send again"
)
A_OTHER_PHOTO = Sentence("請換一張照片再試一次", "Please try a different photo")
A_SMALLER = Sentence("請傳送較小的照片", "Please send a smaller photo")
A_CENTRE_CARD = Sentence(
    "請把名片放在畫面中央、在光線充足的地方再拍一次",
    "Put the card in the middle of the frame, in good light, and take it again",
)

# ---- failures (domain/errors.py, the readers, LINE, the pipeline) ----------------------
GENERIC_FAILURE = problem(R_GENERIC, A_RETRY_LATER)
CONFIG_FAILURE = problem(R_CONFIG, A_RETRY_LATER)
CONTENT_REJECTED = problem(R_NOT_IMAGE, A_FORMAT)
EXTRACTION_FAILED = problem(R_NOT_READ, A_RESHOOT)
NO_EXTRACTOR = problem(R_NO_READER, A_ADMIN_KEY)
QUOTA_EXHAUSTED = problem(R_QUOTA, A_QUOTA_WAIT)
STORE_FAILED = problem(R_STORE, A_RESEND_LATER)
READER_BUSY = problem(R_BUSY, A_RESEND_PHOTO_LATER)
READER_BLOCKED = problem(R_BLOCKED, A_CHECK_CARD)
READER_TOO_LONG = problem(R_TOO_LONG, A_FEWER_CARDS)
READER_UNREADABLE = problem(R_UNREADABLE, A_RESHOOT_RESEND)
READER_REFUSED = problem(R_REFUSED, A_OTHER_PHOTO)
PHOTO_TOO_LARGE = problem(R_TOO_LARGE, A_SMALLER)  # .format(mb=...)
PHOTO_TOO_MANY_PIXELS = problem(R_TOO_MANY_PIXELS, A_SMALLER)
PHOTO_GONE = problem(R_GONE, A_RESEND)
TIMEOUT = problem(R_TIMEOUT, A_RESEND_LATER)
UNEXPECTED = problem(R_UNEXPECTED, A_RETRY_LATER)
DEAD_LETTER = problem(R_DEAD_LETTER, A_RESEND_PLEASE)
NO_CARD = problem(R_NO_CARD, A_CENTRE_CARD)
DEFERRED = Sentence(
    "名片辨識服務的額度暫時用完了，我會在 {when} 左右讀取這張名片並回覆你。",
    "The card reader's quota is used up for now; I will read this card around {when} and reply.",
)
EXTERNAL_PHOTO = Sentence(
    "請直接在聊天室傳送名片照片（不要分享連結），我就能幫你讀取。",
    "Send the card photo directly in this chat (not a shared link) and I can read it.",
)
# Every failure sentence with its halves, for "reason → advice" lines in a batch summary.
PROBLEMS: dict[Sentence, tuple[Sentence, Sentence]] = {
    problem(reason, advice): (reason, advice)
    for reason, advice in (
        (R_GENERIC, A_RETRY_LATER), (R_CONFIG, A_RETRY_LATER), (R_NOT_IMAGE, A_FORMAT),
        (R_NOT_READ, A_RESHOOT), (R_NO_READER, A_ADMIN_KEY), (R_QUOTA, A_QUOTA_WAIT),
        (R_STORE, A_RESEND_LATER), (R_BUSY, A_RESEND_PHOTO_LATER), (R_BLOCKED, A_CHECK_CARD),
        (R_TOO_LONG, A_FEWER_CARDS), (R_UNREADABLE, A_RESHOOT_RESEND), (R_REFUSED, A_OTHER_PHOTO),
        (R_TOO_MANY_PIXELS, A_SMALLER), (R_GONE, A_RESEND), (R_TIMEOUT, A_RESEND_LATER),
        (R_UNEXPECTED, A_RETRY_LATER), (R_DEAD_LETTER, A_RESEND_PLEASE), (R_NO_CARD, A_CENTRE_CARD),
    )
}  # fmt: skip

# ---- batch mode ---------------------------------------------------------------------------------
BATCH_STARTED = Sentence(
    "📦 已開始批次模式：接下來的名片照片我會先讀取並儲存，最後一次整理給你。\n"
    "傳完後輸入「結束批次」看總結；10 分鐘沒有新照片會自動結束。",
    "📦 Batch mode is on: I will read and save the next card photos and sum them up at the end.\n"
    "Type “end batch” when you are done; it ends by itself after 10 minutes without photos.",
)
BATCH_ALREADY_OPEN = Sentence(
    "批次模式已經在進行中，繼續傳名片照片就好；傳完後輸入「結束批次」。",
    "A batch is already open: keep sending card photos and type “end batch” when done.",
)
BATCH_NOT_OPEN = Sentence(
    "目前沒有進行中的批次。輸入「批次」開始，或直接傳名片照片給我。",
    "There is no open batch. Type “batch” to start one, or just send me a card photo.",
)
BATCH_STATUS = Sentence(
    "📦 批次進行中：已完成 {done} 張、失敗 {failed} 張、處理中 {pending} 張",
    "📦 Batch in progress: {done} done, {failed} failed, {pending} in progress",
)
BATCH_LATEST = Sentence("最近：{items}", "Latest: {items}")
BATCH_EMPTY = Sentence("還沒有收到照片，傳名片照片給我吧。", "No photos yet: send me card photos.")
BATCH_IDLE_ENDED = Sentence(
    "⏰ 10 分鐘沒有收到新照片，批次已自動結束。",
    "⏰ No photos for 10 minutes, so the batch ended by itself.",
)
BATCH_SUMMARY_HEAD = Sentence(
    "📦 批次總結：{photos} 張照片，讀到 {cards} 張名片（{note}），{failed} 張失敗，"
    "{pending} 張仍在處理",
    "📦 Batch summary: {photos} photos, {cards} cards read ({note}), {failed} failed, "
    "{pending} in progress",
)
BATCH_CONTINUED = Sentence("（續 {part}/{parts}）", "(continued {part}/{parts})")
BATCH_CARD_LINE = Sentence("{seq}. {label} ✅", "{seq}. {label} ✅")
BATCH_FAILED_LINE = Sentence(
    "{seq}. ❌ 第 {seq} 張照片：{reason}", "{seq}. ❌ Photo {seq}: {reason}"
)
BATCH_PENDING_LINE = Sentence(
    "{seq}. ⏳ 仍在處理，完成後會個別通知你", "{seq}. ⏳ Still in progress; you will hear when done"
)
BATCH_MORE = Sentence("…以及另外 {count} 張", "…and {count} more")
REASON_ADVICE = Sentence("{reason} → {advice}", "{reason} → {advice}")
CANCELLED_BATCH = Sentence(
    "已離開批次模式。已經傳來的照片仍會儲存，總結隨後送上。",
    "Left batch mode. Photos already sent are still saved; their summary follows.",
)
CANCELLED_NOTHING = Sentence("目前沒有進行中的批次，不需要取消。", "There is no batch to cancel.")

# ---- image sets (several photos sent together) -------------------------------------------------
SET_SUMMARY = Sentence(
    "{photos} 張照片：讀到 {cards} 張名片", "{photos} photos: {cards} cards read"
)
SET_SAVED_ALL = Sentence("，{note}", ", {note}")
SET_SAVED_SOME = Sentence(
    "，{saved} 張{note}，{failed} 張儲存失敗", ", {saved} {note}, {failed} not saved"
)
SET_FAILED_PHOTO = Sentence("；第 {seq} 張無法辨識：{reason}", "; photo {seq} not read: {reason}")
SET_PENDING_PHOTO = Sentence("；第 {seq} 張仍在處理", "; photo {seq} still in progress")
SET_HIDDEN = Sentence("；另有 {hidden} 張名片沒有列在上方", "; {hidden} more cards not shown above")
SET_END = Sentence("。", ".")

# ---- pacing -------------------------------------------------------------------------------------
WAITING = Sentence(
    "你還有 {waiting} 張照片在排隊，大約 {minutes} 分鐘內會處理完，不需要重傳。",
    "You have {waiting} photos in the queue; they will be done within about {minutes} "
    "minutes. No need to send them again.",
)
PAUSED = Sentence(
    "照片來得太快了，我先暫停到 {until} 再繼續處理；照片都收到了，不需要重傳。",
    "Photos are coming in very fast, so I pause until {until}; every photo is kept, no need to "
    "send them again.",
)

# ---- contacts in the chat: search, recent, notes, corrections, delete (issue 18) ---------------
BUTTON_CORRECT = Sentence("修正", "Correct")
BUTTON_NOTE = Sentence("加備註", "Add note")
BUTTON_DELETE = Sentence("刪除", "Delete")
BUTTON_CONFIRM_DELETE = Sentence("確定刪除", "Yes, delete")
BUTTON_RECENT = Sentence("最近", "Recent")
BUTTON_SEARCH = Sentence("查詢", "Search")
COMMAND_RECENT = Sentence("最近", "recent")
COMMAND_SEARCH = Sentence("查詢", "find")
CARD_FIELD_LABELS = {
    "name": Sentence("姓名", "Name"),
    "company": Sentence("公司", "Company"),
    "title": Sentence("職稱", "Title"),
    "phone": Sentence("電話", "Phone"),
    "email": Sentence("Email", "Email"),
    "address": Sentence("地址", "Address"),
}
SEARCH_FOUND = Sentence(
    "🔍「{query}」找到 {count} 位聯絡人，最符合的在最前面：",
    "🔍 {count} contacts match “{query}”, best first:",
)
SEARCH_NONE = Sentence(
    "🔍 找不到符合「{query}」的聯絡人（找過姓名、公司、Email 和電話號碼）。",
    "🔍 No contact matches “{query}” (searched names, companies, emails and phone numbers).",
)
SEARCH_ASK = Sentence(
    "要找誰？在「查詢」後面寫姓名、公司、電話或 Email 的一部分，例如：查詢 王",
    "Whom should I look for? Write part of a name, company, phone or email after “find”, "
    "e.g. find chen",
)
RECENT_FOUND = Sentence(
    "🕘 你最近存的 {count} 位聯絡人，最新的在最前面：",
    "🕘 The {count} contacts you saved last, newest first:",
)
RECENT_NONE = Sentence(
    "你還沒有存過名片：傳一張名片照片給我吧。", "You have not saved a card yet: send me a photo."
)
NOTE_ADDED = Sentence("📝 已把備註加到「{label}」。", "📝 Note added to “{label}”.")
NOTE_ASK = Sentence(
    "請輸入要加在「{label}」的備註（輸入「取消」放棄）。",
    "Type the note for “{label}” (or “cancel”).",
)
NOTE_EMPTY = Sentence(
    "請在「備註」後面寫下內容，例如：備註 今天在 Computex 聊到 AI 伺服器",
    "Write the note after “note”, e.g. note met at Computex, talked about AI servers",
)
NOTE_NO_CARD = Sentence(
    "還沒有可以加備註的名片：先傳一張名片照片，或在名片下方按「加備註」。",
    "There is no card to add a note to yet: send a card photo first, or tap “Add note” "
    "under a card.",
)
CORRECT_WHICH = Sentence(
    "要修正「{label}」的哪一個欄位？", "Which field of “{label}” should I correct?"
)
CORRECT_ASK = Sentence(
    "請輸入「{label}」的新{field}（目前：{old}；輸入「取消」放棄）。",
    "Type the new {field} for “{label}” (now: {old}; or “cancel”).",
)
CORRECT_EMPTY_VALUE = Sentence("（空白）", "(empty)")
CORRECTED = Sentence(
    "✏️ 已把「{label}」的{field}改為「{value}」，舊的資料留在備註。",
    "✏️ “{label}”: {field} is now “{value}”; the old value is kept in the notes.",
)
CONTACT_GONE = Sentence(
    "這位聯絡人已經不在資料庫裡了（可能已被刪除）。",
    "This contact is no longer in the database (it may have been deleted).",
)
DELETE_CONFIRM = Sentence(
    "確定要刪除「{label}」嗎？", "Delete “{label}”? Tap “Yes, delete” to confirm."
)
DELETE_WHICH = Sentence(
    "「{query}」找到 {count} 位聯絡人：請在要刪除的那張名片下方按「刪除」。",
    "{count} contacts match “{query}”: tap “Delete” under the one to delete.",
)
DELETE_ASK = Sentence(
    "要刪除誰？在「刪除」後面寫姓名，例如：刪除 王小明；或在名片下方按「刪除」。",
    "Whom should I delete? Write the name after “delete”, e.g. delete Amy Chen; or tap "
    "“Delete” under a card.",
)
DELETED_NOTION = Sentence(
    "🗑 已把「{label}」移到 Notion 的垃圾桶（需要時可以從垃圾桶還原）。",
    "🗑 “{label}” was moved to Notion's trash (it can be restored from there).",
)
DELETED_LOCAL = Sentence(
    "🗑 已從本機通訊錄刪除「{label}」。", "🗑 “{label}” was deleted from the local contact book."
)
DELETE_EXPIRED = Sentence(
    "這個刪除確認已經過期了，請在名片下方再按一次「刪除」。",
    "This confirmation has expired: tap “Delete” under the card again.",
)
PENDING_CANCELLED = Sentence("好的，已取消。", "OK, cancelled.")
FORGOTTEN = Sentence(
    "已刪除我為你保存的資料：對話中的待辦（修正、備註、刪除確認）、批次模式與其照片紀錄、"
    "傳送速度紀錄、推播次數紀錄、搜尋暫存，以及你存過哪些名片的紀錄（{links} 筆）。\n"
    "已經存進團隊資料庫（{store}）的聯絡人不會被刪除；要刪除某位聯絡人，請在名片下方按「刪除」。",
    "I deleted what I kept about you: pending questions (corrections, notes, delete "
    "confirmations), batch mode and its photo records, pacing records, push counts, cached "
    "searches, and the record of which cards you saved ({links}).\n"
    "Contacts already saved in the team's database ({store}) stay; to delete one, tap "
    "“Delete” under its card.",
)
STORE_NOTION_NAME = Sentence("Notion 資料庫", "the Notion database")
STORE_LOCAL_NAME = Sentence("本機通訊錄", "the local contact book")
CONTACT_ACTION_FAILED = problem(
    Sentence("聯絡人資料庫暫時無法使用", "The contact database is not available right now"),
    A_RETRY_LATER,
)
