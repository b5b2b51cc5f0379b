"""Keep a card's own script: undo the OCR's simplified forms on a Traditional Chinese card."""

from __future__ import annotations

import re
from collections.abc import Iterable

# Simplified -> traditional pairs: the forms the recognition model produces on Taiwanese cards
# (its character set lacks 編, 吳, 軟, 綠, 險, 監 ... and it leans to simplified 号, 楼, 话 even
# where it knows the traditional form), plus common characters of names, companies, titles and
# addresses. Unambiguous pairs only: characters that are also ordinary traditional characters
# (台, 云, 后, 里, 余, 范, 钟, 庄, 涂, 杰 ...) are left out.
_PAIRS = """
号號 楼樓 编編 吴吳 华華 门門 区區 东東 处處 软軟 讯訊 销銷 顶頂 绿綠 罗羅 内內 筑築 义義 张張
户戶 业業 务務 发發 总總 经經 机機 话話 电電 传傳 网網 邮郵 设設 计計 师師 术術 数數 据據 产產
监監 长長 广廣 园園 伟偉 国國 际際 贸貿 动動 厂廠 湾灣 营營 运運 输輸 兴興 达達 联聯 络絡 开開
关關 问問 间間 闻聞 阳陽 阴陰 陈陳 刘劉 杨楊 黄黃 赵趙 郑鄭 谢謝 许許 邓鄧 萧蕭 冯馮 叶葉 苏蘇
卢盧 蒋蔣 韩韓 汤湯 钱錢 孙孫 马馬 吕呂 严嚴 莲蓮 兰蘭 桥橋 乡鄉 镇鎮 县縣 邻鄰 层層 栋棟
馆館 厦廈 场場 实實 脑腦 资資 体體 医醫 药藥 疗療 诊診 会會 协協 学學 顾顧 询詢 创創 车車 仓倉
储儲 进進 环環 饰飾 装裝 团團 财財 审審 税稅 众眾 视視 听聽 乐樂 戏戲 书書 报報 杂雜 图圖 档檔
纸紙 专專 员員 执執 领領 导導 组組 课課 级級 维維 护護 质質 检檢 验驗 测測 试試 项項 规規 购購
买買 卖賣 单單 订訂 货貨 账賬 帐帳 厅廳 办辦 记記 录錄 辑輯 译譯 讲講 们們 个個 这這 来來 时時
为為 对對 与與 应應 还還 过過 现現 样樣 点點 线線 钢鋼 铁鐵 铝鋁 铜銅 锁鎖 镜鏡 针針 钻鑽 银銀
锐銳 锦錦 键鍵 链鏈 结結 织織 纺紡 红紅 纪紀 约約 统統 综綜 绩績 续續 丝絲 细細 练練 终終 给給
绍紹 继繼 顺順 须須 颜顏 题題 频頻 额額 风風 飞飛 鸿鴻 鹏鵬 龙龍 凤鳳 鱼魚 鲜鮮 鸟鳥 驰馳 骏駿
宝寶 贵貴 贤賢 贺賀 赛賽 赞贊 宁寧 宾賓 宽寬 写寫 军軍 农農 优優 价價 伦倫 侨僑 俭儉 仪儀 养養
决決 况況 净淨 减減 凯凱 击擊 刚剛 则則 别別 剧劇 劳勞 势勢 勋勳 卫衛 历歷 压壓 参參 双雙 变變
吗嗎 启啟 响響 围圍 圣聖 坏壞 块塊 坚堅 坛壇 声聲 备備 头頭 夺奪 奋奮 奖獎 妇婦 娱娛 宫宮 寻尋
寿壽 将將 尔爾 属屬 岁歲 岛島 岭嶺 峡峽 币幣 带帶 帮幫 庆慶 库庫 庙廟 异異 弹彈 强強 归歸 径徑
态態 怀懷 恒恆 惊驚 愿願 战戰 扩擴 扬揚 担擔 拥擁 择擇 挂掛 挥揮 损損 换換 摄攝 断斷 无無 旧舊
显顯 晋晉 晓曉 暂暫 杀殺 权權 条條 极極 构構 标標 栏欄 树樹 横橫 欢歡 毕畢 气氣 汇匯 汉漢 沟溝
没沒 沪滬 泽澤 洁潔 浅淺 济濟 浓濃 润潤 渊淵 温溫 湿濕 满滿 滨濱 潜潛 灯燈 灵靈 灾災 炉爐 炼煉
热熱 焕煥 爱愛 状狀 独獨 狮獅 献獻 玛瑪 琼瓊 画畫 畅暢 盐鹽 盖蓋 盘盤 矿礦 码碼 砖磚 础礎 硕碩
确確 礼禮 祯禎 离離 种種 积積 称稱 稳穩 竞競 笔筆 简簡 类類 粮糧 紧緊 纳納 纲綱 绕繞 绘繪 绝絕
缘緣 缩縮 罚罰 职職 聪聰 胜勝 腾騰 艺藝 节節 芦蘆 苹蘋 荣榮 莱萊 获獲 蓝藍 补補 见見 观觀 览覽
觉覺 认認 讨討 让讓 训訓 议議 论論 访訪 证證 评評 识識 诉訴 诚誠 该該 详詳 语語 误誤 说說 请請
诺諾 读讀 谁誰 调調 谈談 谋謀 贝貝 负負 贡貢 责責 败敗 贩販 贯貫 贴貼 贷貸 费費 赏賞 赖賴 趋趨
跃躍 践踐 轨軌 转轉 轮輪 轻輕 载載 较較 辅輔 辆輛 辉輝 边邊 迁遷 远遠 违違 连連 迟遲 适適 选選
递遞 逻邏 遗遺 释釋 鉴鑑 铃鈴 铭銘 铺鋪 锋鋒 闪閃 闭閉 阁閣 队隊 阶階 陆陸 险險 随隨 隐隱 难難
雾霧 静靜 页頁 顿頓 预預 饭飯 饮飲 驱驅 驾駕 鲁魯 鸡雞 鸣鳴 齐齊 龟龜 坜壢 万萬 两兩 临臨 丽麗
举舉 乌烏 乔喬 习習 乱亂 争爭 亏虧 亚亞 亲親 亿億 仅僅 从從 伤傷 伪偽 侦偵 侧側 债債 倾傾 偿償
儿兒 党黨 冈岡 册冊 冻凍 凉涼 凭憑 删刪 剂劑 剑劍 劝勸 励勵 劲勁 却卻 厉厲 叙敘 叹嘆 圆圓 垦墾
"""

SIMPLIFIED_TO_TRADITIONAL: dict[str, str] = {pair[0]: pair[1] for pair in _PAIRS.split()}
_SIMPLIFIED_ONLY = frozenset(SIMPLIFIED_TO_TRADITIONAL)
_TRADITIONAL_ONLY = frozenset(SIMPLIFIED_TO_TRADITIONAL.values())
# Variant forms the model outputs for a traditional character it lacks (飮 for 飲).
_VARIANTS = {"飮": "飲"}
_TABLE = str.maketrans(SIMPLIFIED_TO_TRADITIONAL | _VARIANTS)
# The model leans towards simplified forms, so a traditional-only character it did output is
# stronger evidence than a simplified one: one counts as much as this many.
_TRADITIONAL_WEIGHT = 3
# Kana, and kanji forms found only in Japanese, mark a Japanese card: it is never converted.
_JAPANESE = re.compile(r"[\u3040-\u30ff]|県|株式会社|〒")


def script_counts(texts: Iterable[str]) -> tuple[int, int]:
    """(traditional-only, simplified-only) character counts over the texts."""
    traditional = simplified = 0
    for text in texts:
        traditional += sum(char in _TRADITIONAL_ONLY for char in text)
        simplified += sum(char in _SIMPLIFIED_ONLY for char in text)
    return traditional, simplified


def is_traditional(texts: Iterable[str]) -> bool:
    """Whether a card is Traditional Chinese, from its traditional-only and simplified-only
    characters (a Japanese card is not)."""
    texts = list(texts)
    if any(_JAPANESE.search(text) for text in texts):
        return False
    traditional, simplified = script_counts(texts)
    return traditional > 0 and traditional * _TRADITIONAL_WEIGHT >= simplified


def to_traditional(text: str) -> str:
    """The text with the simplified forms of the table replaced by their traditional forms."""
    return text.translate(_TABLE)


# Forms the model writes on Japanese cards that Japanese does not use: simplified ones whose
# Japanese form is the traditional one (东 → 東, 设 → 設), and traditional ones Japan simplified
# its own way (專 → 専, 產 → 産, 會 → 会, 縣 → 県; not 邊 澤 濱 廣, which names keep).
_JAPANESE_FORMS = str.maketrans(
    dict(
        zip(
            "东设计话电业门长马车书见贸银间试销资场员阳边辅营滨泽缔术产專產營會縣區號發實藥醫",
            "東設計話電業門長馬車書見貿銀間試銷資場員陽辺輔営浜沢締術産専産営会県区号発実薬医",
            strict=True,
        )
    )
)


def is_japanese(texts: Iterable[str]) -> bool:
    """Kana, 株式会社, 県 or 〒 somewhere on the card."""
    return any(_JAPANESE.search(text) for text in texts)


def keep_card_script(texts: list[str]) -> list[str]:
    """The texts corrected to traditional if the card is Traditional Chinese, simplified forms
    foreign to Japanese corrected on a Japanese card, else as read."""
    if is_japanese(texts):
        return [text.translate(_JAPANESE_FORMS) for text in texts]
    if not is_traditional(texts):
        return texts
    return [to_traditional(text) for text in texts]
