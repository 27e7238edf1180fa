"""A place-name index built from jionlp's administrative divisions, for fast lookup.

jionlp.parse_location takes about 10 ms a call and 1 s to warm up; the message parser needs
microseconds, so every province, prefecture-level city and county-level division (县, 区,
县级市, 旗) is compiled once into one regex (and pickled with the model). A mention at any
level yields the levels above it: 龙岗 → 深圳市, 广东省; 镇宁 → 安顺市, 贵州省. Traditional
characters (龍崗) and the pinyin of provinces and cities (Guangzhou, zai shen zhen) count too.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from dataclasses import dataclass, field

from yulu.nlu._jionlp import jionlp

# City short names that are also everyday words: matched by their full official name, or
# after a word that introduces a place (在大庆, 老家开封); 阿里 (Alibaba) never.
AMBIGUOUS_ALIASES = frozenset(
    {"白银", "安康", "普洱", "来宾", "阿里", "大庆", "开封", "玉树", "海西"}
)
_NEVER_ALONE = frozenset({"阿里"})
_PLACE_CUES = "在|去|到|回|来自|老家|家在|住在|户口在|老家是|我是|从"
# County-level short names that graduates write as ordinary words (我开了个小店, 平安到家,
# 天台上, 延长合同, 通道): never matched without their suffix.
EVERYDAY_COUNTY_ALIASES = frozenset(
    "小店 平安 大堂 和平 友好 友谊 合作 公安 共和 东方 新区 东区 南区 "
    "西区 北区 郊区 矿区 城区 新城 新兴 振兴 向阳 前锋 宏伟 永安 太平 "
    "比如 大方 温泉 清水 白水 长安 元宝 新星 建华 回民 开化 万年 万安 "
    "东风 中方 天元 大观 安宁 永定 河口 兴业 兴隆 进贤 金沙 龙凤 山城 "
    "天桥 南部 西市 城关 市中 城中 市直辖 高新区 开发区 经开区 示范区 "
    "管理区 产业园 新华 东山 同心 同德 同仁 双清 平和 清新 和顺 太和 "
    "嘉禾 阳春 河西 新民 新乐 福安 集贤 仁和 仁寿 永福 永康 永年 永昌 "
    "永新 木兰 麒麟 卧龙 七星 上林 大关 大化 大城 天心 天台 屏山 界首 "
    "东明 永丰 新田 桃源 江山 灵山 白塔 石城 金门 银海 青山 龙城 鼓楼 "
    "钟楼 九龙 东湖 西湖 南湖 太湖 海门 马尾 延长 龙口 盘龙 平房 通道 "
    "铁山 江北 大安 东安 兴安 和布 名山 阳明 红桥 明水 清流 石鼓 曲水 "
    "乐业 乐安 康乐 民乐 宁安 延寿 长寿 大悟 白玉 玉环 金台 金安 华容 "
    "东乡 西乡 东海 东平 东河 中原 云林 元谋 五常 仙居 会同 余庆 修文 "
    "兴国 兴化 兴平 内乡 凤山 利通 北镇 南关 南华 博望 吉阳 和硕 四会 "
    "大东 大祥 天全 太康 太白 宁南 宝塔 富源 尚志 山丹 山亭 山阴 崆峒 "
    "平川 平桥 平远 怀远 惠民 惠来 文昌 新丰 方城 无为 无极 昌乐 景泰 "
    "曲江 未央 松江 正定 武功 民权 永宁 永寿 永靖 沙市 河间 清原 灵武 "
    "牧野 玄武 石门 石林 石龙 祥云 紫金 红河 通化 通海 连城 金凤 金水 "
    "金牛 钟山 锦江 长宁 青龙 青阳 高陵 鼎湖 龙门 龙亭 解放 平原 前进 "
    "安定 光明 工农 光泽 凤凰 大名 运河 古城 故城 高明 金山 莲花 南岸 "
    "新建 西山 富裕 长子 江口 云和 牡丹 朝天 芙蓉 玉泉 方正 建安 丰满 "
    "高台 龙泉 二七 安居 明山 天涯 航空港 台前 天长 南和 政和 民和 新安 "
    "长乐 白沙 海棠 复兴 永和 龙潭 开原 互助 子长 定日 八宿 和政 平定 "
    "三门 东至 路桥 方山 三元 长白 文成 新罗 来安 正阳 曲阳 湖口 市南 "
    "市北 二道 都安 北流 大通 临港 东港 西城 东城 城东 城西 城南 城北 "
    "河东 港口 沿江 滨江 滨海 海港 金湾 香洲 新会 ".split()
)
# When a short county name exists in several places and the message names no province or city,
# the division in the biggest labour market is meant (南山 is Shenzhen's, 白云 Guangzhou's).
_MAJOR_CITIES = (
    "北京市 上海市 天津市 重庆市 深圳市 广州市 东莞市 佛山市 苏州市 杭州市 宁波市 南京市 武汉市 "
    "成都市 西安市 长沙市 厦门市 青岛市 郑州市 合肥市 福州市 昆明市 南宁市 贵阳市".split()
)
_NUMERALS = frozenset("一二两三四五六七八九十百千万")
# Nicknames graduates use for the big cities (在魔都打工, 去了鹏城).
NICKNAMES = {
    "魔都": "上海市",
    "帝都": "北京市",
    "鹏城": "深圳市",
    "羊城": "广州市",
    "花城": "广州市",
    "蓉城": "成都市",
    "星城": "长沙市",
    "春城": "昆明市",
    "泉城": "济南市",
    "冰城": "哈尔滨市",
    "鹭岛": "厦门市",
    "榕城": "福州市",
    "邕城": "南宁市",
    "筑城": "贵阳市",
    "莞城": "东莞市",
}
# Words that introduce a home place strongly enough for an everyday county name (老家凤凰).
_HOME_CUES = "老家|老家是|老家在|家在|户口在|来自"
# 在/回 + such a name counts when a word of place follows (在凤凰屋里, 回平安老家), not a
# company or a thing (在平安上班 is the insurer).
_AT = "在|回|去|到"
_HERE = "屋里|家里|老家|乡下|县城|城里|镇上|街上|那边|这边|那里|这里|那块|这块"
# Accented pinyin vowels, one for one (Shēnzhèn is shenzhen), so offsets stay put.
_TONELESS = str.maketrans(
    "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüĀÁǍÀĒÉĚÈŌÓǑÒ", "aaaaeeeeiiiioooouuuuvvvvvAAAAEEEEOOOO"
)
_SKIPPED_PROVINCES = frozenset({"香港特别行政区", "澳门特别行政区", "台湾省"})
_DIRECT = "省直辖行政区划"
_LEVELS = ("province", "city", "county")


@dataclass(frozen=True)
class Division:
    """One administrative division with the official names of the levels above it."""

    province: str
    city: str | None
    county: str | None

    @property
    def level(self) -> str:
        """Which level this division is: province, city or county."""
        return "county" if self.county else "city" if self.city else "province"

    def entities(self) -> list[tuple[str, str]]:
        """(entity, official name) pairs, the named level first, then the levels above it."""
        pairs = [("county", self.county), ("city", self.city), ("province", self.province)]
        return [(entity, name) for entity, name in pairs if name]


@dataclass
class Gazetteer:
    """Surface form -> the divisions it may name, with a longest-first regex over them."""

    names: dict[str, tuple[Division, ...]]
    # Pinyin spellings of provinces and cities ("guang zhou"), matched case-blind.
    latin: dict[str, tuple[Division, ...]] = field(default_factory=dict)
    # Short names that are also words (大庆, 开封), taken as places only after 在/去/老家 ….
    cued: dict[str, tuple[Division, ...]] = field(default_factory=dict)
    # Traditional -> simplified characters, one for one (廣州 is 广州).
    simplified: dict[str, str] = field(default_factory=dict)
    # City (or province) -> every short name of its counties, everyday words too: right after
    # the city (上海松江, 佛山南海, 北京朝阳, 湖南凤凰) the name can only be that county.
    county_of_city: dict[str, dict[str, Division]] = field(default_factory=dict)
    # Everyday county names that name one county only, taken after 老家/家在 … (老家凤凰).
    home: dict[str, tuple[Division, ...]] = field(default_factory=dict)
    # Joined pinyin of county-level names ("longgang"), matched capitalised only (Longgang).
    county_latin: dict[str, tuple[Division, ...]] = field(default_factory=dict)
    pattern: re.Pattern[str] = field(init=False)
    latin_pattern: re.Pattern[str] | None = field(init=False)
    cued_pattern: re.Pattern[str] | None = field(init=False)
    _by_spelling: dict[str, tuple[Division, ...]] = field(init=False)
    _simplify: dict[int, str] = field(init=False)
    _home_pattern: re.Pattern[str] | None = field(init=False)

    def __post_init__(self) -> None:
        surfaces = sorted(self.names, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, surfaces)))
        self.latin_pattern = _latin_pattern(self.latin) if self.latin else None
        cued = "|".join(map(re.escape, sorted(self.cued, key=len, reverse=True)))
        self.cued_pattern = re.compile(rf"(?:{_PLACE_CUES})(?P<place>{cued})") if cued else None
        self._by_spelling = {_spelling_key(k): v for k, v in self.latin.items()}
        self._simplify = {ord(t): s for t, s in self.simplified.items() if len(t) == len(s) == 1}
        home = "|".join(map(re.escape, sorted(self.home, key=len, reverse=True)))
        self._home_pattern = (
            re.compile(rf"(?:{_HOME_CUES})(?P<place>{home})|(?:{_AT})(?P<at>{home})(?={_HERE})")
            if self.home
            else None
        )

    def _spans(self, text: str) -> list[tuple[int, int, tuple[Division, ...]]]:
        """Chinese and pinyin mentions as (start, end, divisions), in text order."""
        text = text.translate(self._simplify)
        spans = [(m.start(), m.end(), self.names[m.group()]) for m in self.pattern.finditer(text)]
        if self.cued_pattern is not None:
            for match in self.cued_pattern.finditer(text):
                start, end = match.span("place")
                if not any(s < end and start < e for s, e, _ in spans):
                    spans.append((start, end, self.cued[match["place"]]))
        spans = self._counties_after_cities(text, spans)
        if self._home_pattern is not None:
            for match in self._home_pattern.finditer(text):
                group = "place" if match["place"] else "at"
                start, end = match.span(group)
                if not any(s < end and start < e for s, e, _ in spans):
                    spans.append((start, end, self.home[match[group]]))
        if self.latin_pattern is not None:
            for match in self.latin_pattern.finditer(text.translate(_TONELESS)):
                key = _spelling_key(match["joined"] or match["spaced"])
                if key in self._by_spelling:
                    group = "joined" if match["joined"] else "spaced"
                    spans.append((match.start(group), match.end(group), self._by_spelling[key]))
        for start, end, divisions in self._county_spellings(text.translate(_TONELESS)):
            if not any(s < end and start < e for s, e, _ in spans):
                spans.append((start, end, divisions))
        return sorted(spans, key=lambda span: span[0])

    def _county_spellings(self, text: str) -> list[tuple[int, int, tuple[Division, ...]]]:
        """County pinyin as a capitalised word (Longgang, Kunshan): lower-case pinyin after
        zai is too often an ordinary word (zai yiyuan is 在医院, zai chang li 在厂里)."""
        found = []
        for match in _LATIN_WORD.finditer(text):
            key = _spelling_key(match.group())
            if match.group()[0].isupper() and key in self.county_latin:
                found.append((match.start(), match.end(), self.county_latin[key]))
        return found

    def readings(self, surface: str) -> tuple[Division, ...]:
        """Every division a whole place name may name (東莞, Shenzhen, 龙岗, 魔都), or ()."""
        text = surface.strip().translate(self._simplify)
        key = _spelling_key(text.translate(_TONELESS))
        for table in (self.names, self.cued, self.home):
            if text in table:
                return table[text]
        return self._by_spelling.get(key) or self.county_latin.get(key) or ()

    def _counties_after_cities(
        self, text: str, spans: list[tuple[int, int, tuple[Division, ...]]]
    ) -> list[tuple[int, int, tuple[Division, ...]]]:
        """A county's short name right after its city wins over any other reading of it."""
        for start, end, divisions in list(spans):
            named = {d.city for d in divisions if d.level == "city"}
            named |= {d.province for d in divisions if d.level == "province"}
            for city in named:
                counties = self.county_of_city.get(city, {})
                for length in (3, 2):
                    alias = text[end : end + length]
                    if alias in counties and not any(
                        s == end and (counties[alias] in found or _city_of(found, city))
                        for s, _, found in spans
                    ):
                        spans = [s for s in spans if s[1] <= end or s[0] >= end + length]
                        spans.append((end, end + length, (counties[alias],)))
                        break
        return sorted(spans, key=lambda span: span[0])

    def mentions(self, text: str) -> list[tuple[int, int, Division]]:
        """Each place mention with the division it names, ambiguity resolved by the others."""
        spans = self._spans(text)
        named = {
            name
            for _, _, divisions in spans
            if len(divisions) == 1
            for name in (divisions[0].province, divisions[0].city)
        }
        found = []
        for start, end, divisions in spans:
            division = _choose(divisions, named)
            if division is not None:
                found.append((start, end, division))
        return found

    def find(self, text: str, *, inferred: bool = True) -> list[dict]:
        """Rasa-shaped province/city/county entities, with the levels above each mention.

        An inferred level (广东省 for 佛山) carries the span of the mention it was inferred from;
        `inferred=False` keeps only the levels the text itself names.
        """
        entities: list[dict] = []
        seen: set[tuple[str, str]] = set()
        mentions = self.mentions(text)
        seen.update(division.entities()[0] for _, _, division in mentions)
        for start, end, division in mentions:
            pairs = division.entities()
            for index, (entity, name) in enumerate(pairs):
                if index and (not inferred or (entity, name) in seen):
                    continue
                seen.add((entity, name))
                entities.append({"entity": entity, "value": name, "start": start, "end": end})
        return entities


def _city_of(divisions: tuple[Division, ...], province: str) -> bool:
    """Whether a mention names a city of a province (湖南邵阳 is 邵阳市, not 邵阳县)."""
    return any(d.level == "city" and d.province == province for d in divisions)


def _choose(candidates: tuple[Division, ...], named: set[str]) -> Division | None:
    """The one division a surface form names here, or None when it stays ambiguous."""
    if len(candidates) == 1:
        return candidates[0]
    in_context = [d for d in candidates if d.province in named or d.city in named]
    if len(in_context) == 1:
        return in_context[0]
    major = _major(candidates)
    return major[0] if major else None


def _major(candidates: tuple[Division, ...]) -> tuple[Division, ...]:
    """The one candidate in the biggest labour market, as a 1-tuple, or () if none stands out."""
    for city in _MAJOR_CITIES:
        major = [d for d in candidates if d.city == city or d.province == city]
        if len(major) == 1:
            return (major[0],)
    return ()


def _aliases(node: dict) -> list[str]:
    """A division's short names (jionlp stores one string or a list)."""
    alias = node.get("_alias") or []
    return [alias] if isinstance(alias, str) else list(alias)


def _surfaces(full: str, node: dict, *, everyday: frozenset[str] = frozenset()) -> list[str]:
    """The full name plus the unambiguous short names of two or more characters."""
    short = [
        a
        for a in _aliases(node)
        if len(a) >= 2 and a not in AMBIGUOUS_ALIASES and a not in everyday and a != full
    ]
    if everyday:  # county level: 三台, 五台, 九台 are counts (修了三台车) before they are places
        short = [a for a in short if a[0] not in _NUMERALS]
    return [full, *short]


def _children(node: dict) -> dict[str, dict]:
    """The sub-divisions of a division node."""
    return {name: child for name, child in node.items() if not name.startswith("_")}


@functools.cache
def _tree() -> dict:
    """jionlp's administrative-division tree (read once: each load parses the whole file)."""
    return jionlp().china_location_loader()


def _divisions() -> list[tuple[Division, list[str]]]:
    """Every division with its surface forms, provinces first, then cities, then counties."""
    tree = _children(_tree())
    provinces, cities, counties = [], [], []
    for province, node in tree.items():
        children = _children(node)
        if province not in children:  # a municipality is listed as its own city
            provinces.append((Division(province, None, None), _surfaces(province, node)))
        for city, city_node in children.items():
            is_city = city.endswith(("市", "州", "盟", "地区"))
            if is_city:
                cities.append((Division(province, city, None), _surfaces(city, city_node)))
            if province in _SKIPPED_PROVINCES or not (is_city or city == _DIRECT):
                continue
            for county, county_node in _children(city_node).items():
                division = Division(province, city if is_city else None, county)
                surfaces = _surfaces(county, county_node, everyday=EVERYDAY_COUNTY_ALIASES)
                counties.append((division, surfaces))
    return provinces + cities + counties


# Joined spellings that are everyday pinyin (xian = 现/先, jian = 见, luan = 乱, shiyan = 实验).
_EVERYDAY_SPELLINGS = frozenset({"xian", "jian", "luan", "shiyan", "yili", "dali", "aba", "yaan"})
# A spaced spelling ("shen zhen") counts only after a word that introduces a place.
_PLACE_WORDS = r"zai|qu|dao|hui|cong|lai|zhu|in|at|from|to|near|around"
_LATIN_WORD = re.compile(r"(?<![A-Za-z])[A-Za-z]+(?:'[a-z]+)?(?![A-Za-z])")


def _spelling_key(surface: str) -> str:
    """The lookup key of a matched spelling: lower-case letters only ("Xi'an" -> "xian")."""
    return re.sub(r"[^a-z]", "", surface.lower())


def _latin_pattern(latin: dict[str, tuple[Division, ...]]) -> re.Pattern[str]:
    """A case-blind regex over joined spellings, and spaced ones after a place word."""
    joined = sorted({k.replace(" ", "") for k in latin} - _EVERYDAY_SPELLINGS, key=len)[::-1]
    spaced = sorted((k for k in latin if " " in k), key=len, reverse=True)
    spaced_alternatives = "|".join(re.escape(k).replace(r"\ ", r"\s+") for k in spaced)
    return re.compile(
        rf"(?<![a-z])(?:(?P<joined>{'|'.join(joined)}|xi'an)"
        rf"|(?:(?:{_PLACE_WORDS})\s+|(?:在|去|到|回|从|住在|老家)\s*)"
        rf"(?P<spaced>{spaced_alternatives}))(?![a-z])",
        re.IGNORECASE,
    )


def _pinyin(name: str) -> str:
    """The toneless pinyin of a name, syllables separated by spaces ('guang zhou')."""
    return " ".join(re.sub(r"\d", "", s) for s in jionlp().pinyin(name, formater="simple"))


def _latin_names(divisions: list[tuple[Division, list[str]]]) -> dict[str, tuple[Division, ...]]:
    """Pinyin spellings of province and city short names that name exactly one division."""
    spellings: dict[str, set[Division]] = defaultdict(set)
    for division, surfaces in divisions:
        if division.level != "county":
            for surface in surfaces[1:]:  # the short names (广州, not 广州市)
                spellings[_pinyin(surface)].add(division)
    latin = {}
    for spelling, found in spellings.items():
        if " " in spelling:
            # Suzhou is 苏州 and 宿州: the big labour market is meant, as for Chinese short names.
            chosen = found if len(found) == 1 else _major(tuple(found))
            if chosen:
                latin[spelling] = tuple(chosen)
    # 山西 and 陕西 are both "shan xi"; the official spellings tell them apart.
    provinces = {d.province: d for d, _ in divisions if d.level == "province"}
    return latin | {"shan xi": (provinces["山西省"],), "shaan xi": (provinces["陕西省"],)}


def build_gazetteer() -> Gazetteer:
    """Index every province, city and county; a higher level wins a shared surface form."""
    names: dict[str, list[Division]] = defaultdict(list)
    rank: dict[str, int] = {}
    divisions = _divisions()
    for division, surfaces in divisions:
        level = _LEVELS.index(division.level)
        for surface in surfaces:
            if rank.setdefault(surface, level) == level:
                names[surface].append(division)
    found = {surface: tuple(found) for surface, found in names.items()}
    cued = {
        alias: (division,)
        for division, surfaces in divisions
        if division.level == "city"
        for alias in _aliases(_tree()[division.province][division.city])
        if alias in AMBIGUOUS_ALIASES - _NEVER_ALONE
    }
    cities = {d.city: d for d, _ in divisions if d.level == "city"}
    for nickname, city in NICKNAMES.items():
        found.setdefault(nickname, (cities[city],))
    county_of_city: dict[str, dict[str, Division]] = defaultdict(dict)
    home: dict[str, list[Division]] = defaultdict(list)
    for division, _ in divisions:
        if division.level == "county" and division.city:
            node = _tree()[division.province][division.city][division.county]
            for alias in {*_aliases(node), _stem(division.county)}:
                if 2 <= len(alias) <= 3 and alias != division.county:
                    county_of_city[division.city].setdefault(alias, division)
                    county_of_city[division.province].setdefault(alias, division)
                    if alias in EVERYDAY_COUNTY_ALIASES:
                        home[alias].append(division)
    unique_home = {a: tuple(d) for a, d in home.items() if len(d) == 1}
    simplified = dict(jionlp().traditional_simplified_loader("tra2sim_char.txt"))
    latin = _latin_names(divisions)
    return Gazetteer(
        found,
        latin,
        cued,
        simplified,
        dict(county_of_city),
        unique_home,
        _county_latin(divisions, taken={_spelling_key(k) for k in latin}),
    )


def _county_latin(
    divisions: list[tuple[Division, list[str]]], *, taken: set[str]
) -> dict[str, tuple[Division, ...]]:
    """Joined pinyin of county short names that name one county (or one in a big market)."""
    spellings: dict[str, set[Division]] = defaultdict(set)
    syllables: set[str] = set()
    for division, surfaces in divisions:
        if division.level == "county":
            for surface in surfaces[1:]:
                spelling = _pinyin(surface)
                syllables.update(spelling.split())
                spellings[_spelling_key(spelling)].add(division)
    # 固安 joined is "guan", 裕安 "yuan" (3000 Yuan): a single syllable's spelling is no name.
    taken = taken | syllables | _EVERYDAY_SPELLINGS
    latin = {}
    for key, found in spellings.items():
        chosen = found if len(found) == 1 else _major(tuple(found))
        if chosen and key not in taken:
            latin[key] = tuple(chosen)
    return latin


def _stem(name: str) -> str:
    """A county name without its level suffix (南海区 -> 南海)."""
    return re.sub(r"(区|县|市|旗)$", "", name)
