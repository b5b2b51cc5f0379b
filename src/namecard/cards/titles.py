"""Job-title and department vocabulary (Chinese, Japanese, English) and Chinese surnames."""

from __future__ import annotations

import re

# Words a Chinese or Japanese job title ends with or contains (traditional and simplified).
TITLE_CJK = re.compile(
    r"董事長|董事长|總經理|总经理|執行長|执行长|總裁|总裁|總監|总监|經理|经理|副理|協理|协理|襄理|副總|副总"
    r"|主任|專員|专员|助理|秘書|秘书|顧問|顾问|工程師|工程师|設計師|设计师|建築師|建筑师|律師|律师|會計師"
    r"|医师|醫師|藥師|教授|講師|研究員|主管|負責人|负责人|創辦人|创始人|合夥人|合伙人|代表|店長|廠長|厂长"
    r"|財務長|财务长|技術長|營運長|組長|组长|課長|処長|處長|部長|部长|院長|所長|社長|校長|董事|特助|主席"
    r"|會長|会長|分析師|架構師|規劃師|管理師|技師|經紀人|主編|編輯|编辑|記者|攝影師|護理師|老師|總幹事"
    r"|秘書長|取締役|執行役員|執行役|監査役|本部長|次長|係長|室長|課長代理|専務|常務|担当|主査|参事"
    r"|マネージャー|マネジャー|ディレクター|エンジニア|コンサルタント|デザイナー|リーダー|チーフ"
    r"|プロデューサー|スペシャリスト|アドバイザー|セールス|プランナー"
)
# Whole English words of a job title.
LATIN_TITLE_WORDS = (
    "Manager", "Director", "Engineer", "Executive", "Designer", "President", "Vice President",
    "VP", "SVP", "EVP", "AVP", "CEO", "CTO", "CFO", "COO", "CMO", "CIO", "CSO", "CPO", "Founder",
    "Co-Founder", "Owner", "Partner", "Principal", "Consultant", "Specialist", "Officer", "Lead",
    "Head", "Architect", "Attorney", "Lawyer", "Counsel", "Analyst", "Developer", "Programmer",
    "Representative", "Assistant", "Associate", "Coordinator", "Supervisor", "Chairman",
    "Chairwoman", "Chairperson", "Administrator", "Accountant", "Advisor", "Adviser", "Agent",
    "Producer", "Editor", "Professor", "Researcher", "Scientist", "Technician", "Secretary",
    "Strategist", "Planner", "Chief", "GM", "Intern", "Evangelist", "Buyer", "Controller",
    "Treasurer", "Auditor", "Physician", "Doctor", "Pharmacist", "Nurse", "Teacher", "Lecturer",
)  # fmt: skip
TITLE_LATIN = re.compile(r"\b(?:" + "|".join(LATIN_TITLE_WORDS) + r")\b", re.IGNORECASE)
# Acronyms of a title, always written in capitals ("Founder & CEo" as read -> "Founder & CEO").
_TITLE_ACRONYMS = re.compile(
    r"\b(?:CEO|CTO|CFO|COO|CMO|CIO|CSO|CPO|CRO|CISO|VP|SVP|EVP|AVP|GM)\b", re.IGNORECASE
)
# A unit of an organisation: the part of a "title | unit" line that is the department.
DEPARTMENT = re.compile(
    r"(?:部|處|处|課|课|組|组|室|中心|事業群|事业群|事業部|本部|部門|部门)$"
    r"|\b(?:Department|Dept\.?|Division|Div\.)(?:\s|$)",
    re.IGNORECASE,
)
# The Chinese and Japanese unit words at the end of a department's name.
_CJK_UNIT_END = re.compile(r"(?:部|處|处|課|课|組|组|室|中心|事業群|事业群|本部|部門|部门)$")
_SEPARATOR = re.compile(r"[/|｜／]")
# The common family names of Taiwan, Hong Kong and the mainland (two-character ones first).
_COMPOUND_SURNAMES = (
    "歐陽",
    "欧阳",
    "司馬",
    "司马",
    "諸葛",
    "诸葛",
    "上官",
    "東方",
    "东方",
    "張簡",
    "范姜",
)
SURNAMES = frozenset(
    "陳林黃张張李王吳吴劉刘蔡楊杨許许鄭郑謝谢郭洪曾邱廖賴赖周徐蘇苏葉叶莊庄呂吕江何蕭萧羅罗高潘簡简朱鍾钟"
    "游彭詹胡施沈余盧卢梁趙赵顏颜柯翁魏孫孙戴范方宋鄧邓杜傅侯曹薛丁卓阮馬马董温溫唐藍蓝石蔣蒋古紀纪姚連连"
    "馮冯歐欧程湯汤黄田康姜白汪鄒邹尤巫鐘钟涂龔龚嚴严韓韩袁金童陸陆夏柳凃邵錢钱伍倪溫于譚谭駱骆熊任甘秦"
    "顧顾毛章史官萬万俞雷粘饒饶張凌崔尹孔辛武辜陶易段龍龙韋韦葛池孟褚殷麥麦賀贺賈贾莫文管關关向包丘梅華华"
    "利裴樊房全佘左花符魯鲁安鄔邬查"
)
# The most common two-character Japanese family names.
_JAPANESE_SURNAME_TEXT = (
    "佐藤 鈴木 高橋 田中 伊藤 渡辺 渡邊 渡邉 山本 中村 小林 加藤 "
    "吉田 山田 佐々 山口 松本 井上 木村 清水 山崎 池田 橋本 阿部 "
    "石川 山下 中島 石井 小川 前田 岡田 長谷 藤田 後藤 近藤 村上 "
    "遠藤 青木 坂本 斉藤 斎藤 齋藤 福田 太田 西村 藤井 金子 岡本 "
    "藤原 中野 三浦 原田 松田 竹内 小野 田村 中山 和田 石田 森田 "
    "上田 原口 柴田 酒井 工藤 横山 宮崎 宮本 内田 高木 安藤 島田 "
    "谷口 大野 高田 丸山 今井 河野 藤本 村田 武田 上野 杉山 増田 "
    "小山 大塚 平野 菅原 久保 松井 千葉 岩崎 桜井 木下 野口 松尾 "
    "菊地 野村 新井 渡部 佐野 杉本 古川 大西 浅野 小島 服部 市川 "
    "北村 平田 望月 永井 中川 関口 "
)
JAPANESE_SURNAMES = frozenset(_JAPANESE_SURNAME_TEXT.split())
# Common three-character Japanese family names ("佐々" and "長谷" above are their openings).
_JAPANESE_LONG_SURNAMES = frozenset(
    ("佐々木", "長谷川", "五十嵐", "久保田", "大久保", "小野寺", "宇佐美", "小笠原")
)
_KANJI_NAME = re.compile(r"[\u4e00-\u9fff\u3005]{3,5}")
# Two-character family names a name splits after: 佐々 and 長谷 are listed above only as the
# openings of longer names (佐々木, 長谷川, also 佐々岡, 長谷部), never where a name splits.
_SPLIT_SURNAMES = JAPANESE_SURNAMES - {"佐々", "長谷"}


def japanese_name_parts(name: str) -> tuple[str, str] | None:
    """(family, given) of a Japanese name written without its gap, 渡辺大輔 -> (渡辺, 大輔), when it
    opens with a known family name and leaves one to three characters for the given name."""
    if not _KANJI_NAME.fullmatch(name):
        return None
    for size, known in ((3, _JAPANESE_LONG_SURNAMES), (2, _SPLIT_SURNAMES)):
        if name[:size] in known and 1 <= len(name) - size <= 3:
            return name[:size], name[size:]
    return None


_CJK_RUN = re.compile(r"^[\u4e00-\u9fff]+$")


def is_title_text(text: str) -> bool:
    """A job title: a title word, no digits, no e-mail, and not the name of a unit (編輯部, whose
    編輯 is also a title word: no Chinese or Japanese title ends in a unit's word)."""
    if any(c.isdigit() for c in text) or "@" in text or _is_unit_name(text):
        return False
    return bool(TITLE_CJK.search(text) or TITLE_LATIN.search(text))


def _is_unit_name(text: str) -> bool:
    """A Chinese or Japanese unit's name alone (編輯部): it ends in a unit's word, with no title
    before it, glued (销售经理销售部) or after a separator (業務專員|研發中心)."""
    compact = text.replace(" ", "")
    return (
        bool(_CJK_UNIT_END.search(compact))
        and not _SEPARATOR.search(compact)
        and title_then_unit(compact) is None
    )


def title_then_unit(text: str) -> tuple[str, str] | None:
    """ "销售经理销售部" -> ("销售经理", "销售部"): a title with its unit glued after it; None
    unless the text is a title word's line and then a unit of two characters or more."""
    compact = text.replace(" ", "")
    if not _CJK_UNIT_END.search(compact):
        return None
    for match in reversed(list(TITLE_CJK.finditer(compact))):
        title, unit = compact[: match.end()], compact[match.end() :]
        if len(unit) >= 2 and is_department_text(unit) and is_title_text(title):
            return title, unit
    return None


def capitalise_acronyms(title: str) -> str:
    """The title with its acronyms in capitals, as they are printed (the OCR mixes the case of
    O and o, C and c)."""
    return _TITLE_ACRONYMS.sub(lambda match: match.group(0).upper(), title)


def is_department_text(text: str) -> bool:
    return len(text) <= 30 and not any(c.isdigit() for c in text) and bool(DEPARTMENT.search(text))


def _name_length(text: str) -> int:
    return 4 if text[:2] in _COMPOUND_SURNAMES else 3


def starts_with_family_name(text: str) -> bool:
    """Whether a CJK name opens with a known Chinese or Japanese family name."""
    compact = text.replace(" ", "")
    return (
        compact[:1] in SURNAMES
        or compact[:2] in _COMPOUND_SURNAMES
        or compact[:2] in JAPANESE_SURNAMES
    )


def split_name_title(text: str) -> tuple[str, str] | None:
    """The text as (name, title) when it is 賴佩珊副總編輯: a Chinese name (a known family name
    and one or two given characters) glued to a title; None when it is not such a pair."""
    compact = text.replace(" ", "")
    known = compact[:1] in SURNAMES or compact[:2] in _COMPOUND_SURNAMES
    if not known or not _CJK_RUN.match(compact):
        return None
    longest = _name_length(compact)
    for length in (longest, longest - 1):
        name, title = compact[:length], compact[length:]
        if len(title) >= 2 and TITLE_CJK.search(title) and not TITLE_CJK.search(name):
            return name, title
    return None
