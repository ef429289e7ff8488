"""Generate N varied, damaged briefs for the benchmark, plus the same corpus for Pelican and Hugo.

``python bench/make_corpus.py --count 1000 --out bench/out/1000``

Every brief is derived, at run time, from the seed article and the clean fixture articles in
tests/fixtures (nothing from them is stored in the repository): the cities are swapped for real
prefecture-level cities from the gazetteer, the officials and reporters get invented names, the
numbers, dates, meeting ordinals, zone and industry terms change, the speaker blocks are shuffled,
one may be dropped and a context paragraph of another article may be spliced in. The clean result
is damaged with ``tests/fixtures/damage.py``'s ``damage()``, the way the seed was. No two briefs
have the same clean text. The output depends only on ``--count`` and ``--seed``.

Written under ``--out``:

* ``content/<name>.txt`` (damaged, in UTF-8 mostly, some GB18030, Big5 or UTF-8 with a BOM) and,
  for most, a sidecar ``content/<name>.toml`` with ``date = YYYY-MM-DD``;
* ``pelican/content/<name>.md`` (clean text, Pelican metadata) and ``pelican/pelicanconf.py``;
* ``hugo/content/posts/<name>.md`` (clean text, TOML front matter), ``hugo/hugo.toml`` and a
  minimal set of layouts (no theme download);
* ``manifest.json``: count, seed, generator version and one entry per brief.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.util
import json
import random
import re
import shutil
import sys
import zlib
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from pypinyin import lazy_pinyin

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
DATA = ROOT / "policybriefs" / "data"
GENERATOR_VERSION = "1"

# Common given-name characters (written for this generator, not taken from any article).
GIVEN = (
    "建国华明伟强军平东文志海林涛斌杰峰刚勇辉磊鹏亮宏新晓红芳玲燕丽静婷敏洁颖雪梅慧春永德振荣"
    "庆立成世光远龙云飞俊卫锋波超力毅良清兴昌继宇浩博嘉凯瑞睿哲思欣若琳晨阳松柏楠翔彬健群益"
)
# Industry terms that are permuted among themselves inside one brief.
INDUSTRIES = (
    "新材料",
    "新能源",
    "新能源汽车",
    "集成电路",
    "生物医药",
    "数字经济",
    "现代物流",
    "文化旅游",
    "智能制造",
    "电子信息",
    "高端装备",
    "石油化工",
    "纺织鞋服",
    "海洋经济",
    "绿色食品",
    "冷链物流",
    "跨境电商",
    "人工智能",
    "节能环保",
    "康养旅游",
)
# Invented title patterns; {zone} {host} {count} {ordinal} are filled in.
TITLES = (
    "{zone}{count}市携手推进协同发展",
    "{zone}协同发展联席会议第{ordinal}次会议在{host}召开",
    "{host}主办{zone}城市合作联席会议",
    "共谋{zone}高质量发展新篇章",
    "{zone}{count}市签署新一轮合作协议",
)
ENCODINGS = (("utf-8", 82), ("gb18030", 6), ("utf-8-sig", 6), ("big5", 6))
DIGITS = "零一二三四五六七八九"
_ORDINAL = re.compile(r"第([一二三四五六七八九十]+)次")
_NUMBER = re.compile(r"(\d{1,2})月(\d{1,2})日|(?<![\d.])\d+(?:\.\d+)?(?![\d.])")
_BYLINE = re.compile(r"(记者)((?: [\u4e00-\u9fff]{2,4}(?=[ ）]))+)")


@dataclass(frozen=True)
class Source:
    name: str
    title: str
    paragraphs: tuple[str, ...]
    officials: tuple[str, ...]
    cities: tuple[str, ...]
    region: str
    year: int


@dataclass(frozen=True)
class Brief:
    name: str
    source: str
    encoding: str
    date: str
    sidecar: bool
    zone: str
    cities: tuple[str, ...]
    officials: tuple[str, ...]
    clean: str
    damaged: bytes


def chinese_number(n: int) -> str:
    """1..99 in Chinese numerals (十一, 二十, 二十三)."""
    if n < 10:
        return DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


def parse_chinese_number(text: str) -> int:
    if "十" not in text:
        return DIGITS.index(text)
    tens, _, ones = text.partition("十")
    return (DIGITS.index(tens) if tens else 1) * 10 + (DIGITS.index(ones) if ones else 0)


def load_damage() -> Callable[..., str]:
    """``damage()`` from tests/fixtures/damage.py, imported by path."""
    path = FIXTURES / "damage.py"
    spec = importlib.util.spec_from_file_location("_bench_damage", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module: ModuleType = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    damage: Callable[..., str] = module.damage
    return damage


def load_prefectures() -> dict[str, list[str]]:
    """Province -> short names of its prefecture-level cities (名 ending in 市; no Taiwan)."""
    out: dict[str, list[str]] = {}
    for line in (DATA / "gazetteer.tsv").read_text(encoding="utf-8").splitlines():
        cols = line.split("\t")
        if len(cols) < 5 or cols[1] != "prefecture":
            continue
        _, _, name, short, province = cols[:5]
        if name.endswith("市") and len(short) >= 2 and province != "台湾省":
            out.setdefault(province, [])
            if short not in out[province]:
                out[province].append(short)
    return out


def load_surnames() -> tuple[list[str], list[str]]:
    """(common single surnames, compound surnames), from policybriefs/data/surnames.txt."""
    lines = [
        ln.strip()
        for ln in (DATA / "surnames.txt").read_text(encoding="utf-8").splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    singles = list(dict.fromkeys(lines[0]))[:150]
    compounds = [ln for ln in lines[1:] if len(ln) == 2]
    return singles, compounds


def load_zones(*, short_only: bool = True) -> list[str]:
    """Zone names from policybriefs/data/zones.txt; the 2-3 character ones by default."""
    lines = (DATA / "zones.txt").read_text(encoding="utf-8").splitlines()
    zones = [z for z in lines if z and not z.startswith("#")]
    return [z for z in zones if 2 <= len(z) <= 3] if short_only else zones


def load_sources(prefecture_shorts: Iterable[str]) -> list[Source]:
    known = sorted(set(prefecture_shorts), key=lambda s: (-len(s), s))
    pairs = [(FIXTURES / "seed.clean.txt", FIXTURES / "seed.expected.json")]
    for clean in sorted((FIXTURES / "articles").glob("*.clean.txt")):
        name = clean.name.removesuffix(".clean.txt")
        pairs.append((clean, clean.with_name(f"{name}.expected.json")))
    sources = []
    for clean, expected in pairs:
        name = clean.name.removesuffix(".clean.txt")
        lines = [ln.strip() for ln in clean.read_text(encoding="utf-8").splitlines() if ln.strip()]
        data: dict[str, Any] = json.loads(expected.read_text(encoding="utf-8"))
        officials = tuple(dict.fromkeys(o["name"] for o in data["officials"]))
        body = "\n".join(lines)
        cities = [o["city"] for o in data["officials"] if o.get("city")]
        cities += [c for c in known if c in body]
        year_match = re.search(r"20\d\d", data.get("source", "") + name)
        sources.append(
            Source(
                name=name,
                title=lines[0],
                paragraphs=tuple(lines[1:]),
                officials=officials,
                cities=tuple(dict.fromkeys(cities)),
                region=str(data.get("region", "")),
                year=int(year_match.group()) if year_match else 2021,
            )
        )
    return sources


def _replace_all(text: str, mapping: dict[str, str]) -> str:
    """Replace every key at once (longest first), so replacements are never replaced again."""
    keys = sorted((k for k in mapping if k), key=lambda k: (-len(k), k))
    if not keys:
        return text
    pattern = re.compile("|".join(re.escape(k) for k in keys))
    return pattern.sub(lambda m: mapping[m.group()], text)


class Maker:
    """Everything the briefs are made from; ``make(index, seed)`` is a pure function."""

    def __init__(self) -> None:
        self.prefectures = load_prefectures()
        self.all_cities = sorted({c for cs in self.prefectures.values() for c in cs})
        self.sources = load_sources(self.all_cities)
        self.singles, self.compounds = load_surnames()
        self.all_zones = load_zones(short_only=False)
        self.zones = load_zones()
        self.damage = load_damage()

    # --- pieces -----------------------------------------------------------------------------

    def _name(self, rng: random.Random, taken: set[str]) -> str:
        while True:
            surname = (
                rng.choice(self.compounds) if rng.random() < 0.04 else rng.choice(self.singles)
            )
            given = "".join(rng.choice(GIVEN) for _ in range(1 if rng.random() < 0.3 else 2))
            name = surname + given
            if name not in taken and not any(name in c or c in name for c in self.all_cities):
                taken.add(name)
                return name

    def _cities(self, rng: random.Random, count: int) -> list[str]:
        provinces = [p for p, cs in sorted(self.prefectures.items()) if len(cs) >= count]
        if provinces and rng.random() < 0.75:
            pool = self.prefectures[rng.choice(provinces)]
        else:
            pool = self.all_cities
        return rng.sample(pool, count) if count <= len(pool) else rng.sample(self.all_cities, count)

    def _zone(self, rng: random.Random, cities: Sequence[str]) -> str:
        if rng.random() < 0.5 or len(cities) < 3:
            return rng.choice(self.zones)
        return "".join(c[0] for c in cities[:3])

    def _zone_map(self, region: str, zone: str) -> dict[str, str]:
        """Each known zone name -> the new zone, keeping a generic tail (…协同发展区 stays)."""
        out: dict[str, str] = {}
        names = sorted({region, *self.all_zones} - {""}, key=lambda z: (len(z), z))
        for name in names:
            prefix = next((p for p in names if len(p) < len(name) and name.startswith(p)), "")
            out[name] = zone + name[len(prefix) :]
        return out

    @staticmethod
    def _numbers(text: str, rng: random.Random, year_delta: int, date: dt.date) -> str:
        first_date = [True]

        def repl(m: re.Match[str]) -> str:
            if m.group(1):  # 9月16日
                if first_date[0]:
                    first_date[0] = False
                    return f"{date.month}月{date.day}日"
                return m.group()
            raw = m.group()
            if "." in raw:
                return f"{float(raw) * rng.uniform(0.5, 2.0):.1f}"
            value = int(raw)
            if 1990 <= value <= 2040:
                return str(value + year_delta)
            if value <= 12:  # months, small counts and list items stay as they are
                return raw
            return str(max(1, round(value * rng.uniform(0.5, 2.0))))

        return _NUMBER.sub(repl, text)

    @staticmethod
    def _ordinals(text: str, shift: int) -> str:
        return _ORDINAL.sub(
            lambda m: f"第{chinese_number(max(1, parse_chinese_number(m.group(1)) + shift))}次",
            text,
        )

    def _blocks(self, src: Source) -> tuple[list[str], list[list[str]], list[str]]:
        """(context before the speakers, speaker blocks, closing paragraphs)."""
        middle = list(src.paragraphs[1:])
        closing: list[str] = []
        if middle and "记者" in middle[-1]:
            closing = [middle.pop()]
        context: list[str] = []
        blocks: list[list[str]] = []
        for para in middle:
            if any(para.startswith(name) for name in src.officials):
                blocks.append([para])
            elif blocks:
                blocks[-1].append(para)
            else:
                context.append(para)
        return context, blocks, closing

    def _donor_paragraph(
        self, rng: random.Random, base: Source, cities: Sequence[str], zone: str
    ) -> str | None:
        donors = [s for s in self.sources if s.name != base.name]
        donor = rng.choice(donors)
        context, _, _ = self._blocks(donor)
        usable = [p for p in context if not any(n in p for n in donor.officials)]
        if not usable:
            return None
        mapping = {c: rng.choice(cities) for c in donor.cities}
        mapping.update(self._zone_map(donor.region, zone))
        return _replace_all(rng.choice(usable), mapping)

    # --- one brief --------------------------------------------------------------------------

    def make(self, index: int, seed: int, attempt: int = 0) -> Brief:
        rng = random.Random(f"{seed}:{index}:{attempt}")
        src = self.sources[index % len(self.sources)] if index < len(self.sources) else None
        src = src or rng.choice(self.sources)

        year = rng.randint(2018, 2025)
        date = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        new_cities = self._cities(rng, len(src.cities))
        zone = self._zone(rng, new_cities)
        taken: set[str] = set()
        names = {old: self._name(rng, taken) for old in src.officials}

        context, blocks, closing = self._blocks(src)
        if len(blocks) > 2 and rng.random() < 0.7:
            rest = blocks[1:]
            rng.shuffle(rest)
            blocks = [blocks[0], *rest]
        if len(blocks) >= 4 and rng.random() < 0.2:
            blocks.pop(rng.randrange(1, len(blocks)))
        paragraphs = [src.paragraphs[0], *context, *(p for b in blocks for p in b), *closing]

        mapping = dict(zip(src.cities, new_cities, strict=True))
        mapping.update(names)
        text = src.title + "".join(src.paragraphs)
        mapping.update({k: v for k, v in self._zone_map(src.region, zone).items() if k in text})
        industries = list(INDUSTRIES)
        rng.shuffle(industries)
        mapping.update({k: v for k, v in zip(INDUSTRIES, industries, strict=True) if k != v})
        paragraphs = [_replace_all(p, mapping) for p in paragraphs]
        if rng.random() < 0.35:
            donor = self._donor_paragraph(rng, src, new_cities, zone)
            if donor:
                paragraphs.insert(rng.randint(1, 1 + len(context)), donor)

        ordinals = [parse_chinese_number(m) for m in _ORDINAL.findall(paragraphs[0])]
        if not ordinals and "联席会议在" in paragraphs[0] and rng.random() < 0.5:
            paragraphs[0] = paragraphs[0].replace("联席会议在", "联席会议第一次会议在", 1)
            ordinals = [1]
        ordinal = 1
        if ordinals:
            lowest = min(parse_chinese_number(m) for p in paragraphs for m in _ORDINAL.findall(p))
            ordinal = rng.randint(max(1, max(ordinals) - lowest + 1), max(ordinals) + 9)
            shift = ordinal - max(ordinals)
            paragraphs = [self._ordinals(p, shift) for p in paragraphs]

        paragraphs = [self._numbers(p, rng, year - src.year, date) for p in paragraphs]
        paragraphs[-1] = _BYLINE.sub(
            lambda m: (
                m.group(1) + " " + " ".join(self._name(rng, taken) for _ in m.group(2).split())
            ),
            paragraphs[-1],
        )

        host = new_cities[0] if new_cities else zone
        if rng.random() < 0.4:
            title = rng.choice(TITLES).format(
                zone=zone,
                host=host,
                count=chinese_number(max(2, len(new_cities))),
                ordinal=chinese_number(ordinal),
            )
        else:
            title = _replace_all(src.title, mapping)
        clean = "\n".join([title, *paragraphs]) + "\n"

        encoding = rng.choices([e for e, _ in ENCODINGS], [w for _, w in ENCODINGS])[0]
        protect = sorted(n for n in taken if n in clean)
        damage_seed = zlib.crc32(f"{seed}:{index}:{attempt}".encode())
        try:
            damaged = self.damage(clean, damage_seed, protect=protect, big5=encoding == "big5")
            data = damaged.encode(encoding)
        except (ValueError, UnicodeEncodeError):
            encoding = "utf-8"
            data = self.damage(clean, damage_seed, protect=protect).encode(encoding)

        zone_slug = "".join(lazy_pinyin(zone)).lower()
        slug_zone = re.sub(r"[^a-z0-9]+", "", zone_slug) or "zone"
        return Brief(
            name=f"{year}-{slug_zone}-meeting-{ordinal}-{index:05d}",
            source=src.name,
            encoding=encoding,
            date=date.isoformat(),
            sidecar=rng.random() < 0.88,
            zone=zone,
            cities=tuple(dict.fromkeys(new_cities)),
            officials=tuple(names.values()),
            clean=clean,
            damaged=data,
        )


_MAKER: Maker | None = None


def _make_in_worker(args: tuple[int, int, int]) -> Brief:
    global _MAKER
    if _MAKER is None:
        _MAKER = Maker()
    return _MAKER.make(*args)


# --- writing ------------------------------------------------------------------------------------


def _toml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)


def pelican_markdown(brief: Brief) -> str:
    title, *paras = brief.clean.strip().split("\n")
    head = [
        f"Title: {title}",
        f"Date: {brief.date}",
        f"Slug: {brief.name}",
        f"Category: {brief.zone}",
        f"Tags: {', '.join(brief.cities)}",
    ]
    return "\n".join(head) + "\n\n" + "\n\n".join(paras) + "\n"


def hugo_markdown(brief: Brief) -> str:
    title, *paras = brief.clean.strip().split("\n")
    head = [
        "+++",
        f"title = {_toml_str(title)}",
        f"date = {brief.date}",
        f"slug = {_toml_str(brief.name)}",
        f"categories = [{_toml_str(brief.zone)}]",
        f"tags = [{', '.join(_toml_str(c) for c in brief.cities)}]",
        "+++",
    ]
    return "\n".join(head) + "\n\n" + "\n\n".join(paras) + "\n"


PELICAN_CONF = '''"""Pelican settings for the benchmark; BENCH_PELICAN_CACHE=1 turns caching on."""

import os

AUTHOR = "bench"
SITENAME = "政策简报 benchmark"
SITEURL = ""
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh"
DEFAULT_PAGINATION = 10
RELATIVE_URLS = True
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
ARTICLE_URL = "posts/{slug}/"
ARTICLE_SAVE_AS = "posts/{slug}/index.html"
CACHE_CONTENT = os.environ.get("BENCH_PELICAN_CACHE") == "1"
LOAD_CONTENT_CACHE = CACHE_CONTENT
CACHE_PATH = os.environ.get("BENCH_PELICAN_CACHE_PATH", "cache")
'''

HUGO_TOML = """baseURL = "https://example.org/"
title = "政策简报 benchmark"
languageCode = "zh-cn"
hasCJKLanguage = true
disableKinds = ["rss", "sitemap", "robotstxt"]

[pagination]
pagerSize = 10

[taxonomies]
category = "categories"
tag = "tags"
"""

HUGO_LAYOUTS = {
    "baseof.html": """<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>{{ .Title }} · {{ site.Title }}</title></head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
""",
    "home.html": """{{ define "main" }}
<h1>{{ site.Title }}</h1>
<ul>{{ range (.Paginate site.RegularPages).Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>
{{ end }}</ul>
{{ template "_internal/pagination.html" . }}
{{ end }}
""",
    "list.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>{{ range (.Paginate .Pages).Pages }}
<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>
{{ template "_internal/pagination.html" . }}
{{ end }}
""",
    "single.html": """{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
<p><time>{{ .Date.Format "2006-01-02" }}</time>
{{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>
{{ .Content }}
</article>
{{ end }}
""",
}


def write_corpus(briefs: Sequence[Brief], out: Path, count: int, seed: int) -> None:
    for sub in ("content", "pelican", "hugo"):
        if (out / sub).exists():
            shutil.rmtree(out / sub)
    content = out / "content"
    pelican = out / "pelican" / "content"
    hugo = out / "hugo"
    posts = hugo / "content" / "posts"
    for folder in (content, pelican, posts, hugo / "layouts"):
        folder.mkdir(parents=True, exist_ok=True)
    for brief in briefs:
        (content / f"{brief.name}.txt").write_bytes(brief.damaged)
        if brief.sidecar:
            (content / f"{brief.name}.toml").write_text(f"date = {brief.date}\n", encoding="utf-8")
        (pelican / f"{brief.name}.md").write_text(pelican_markdown(brief), encoding="utf-8")
        (posts / f"{brief.name}.md").write_text(hugo_markdown(brief), encoding="utf-8")
    (out / "pelican" / "pelicanconf.py").write_text(PELICAN_CONF, encoding="utf-8")
    (hugo / "hugo.toml").write_text(HUGO_TOML, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (hugo / "layouts" / name).write_text(text, encoding="utf-8")
    entries = []
    for brief in briefs:
        entry = asdict(brief)
        del entry["clean"], entry["damaged"]
        entry["bytes"] = len(brief.damaged)
        entries.append(entry)
    manifest = {
        "count": count,
        "seed": seed,
        "generator": GENERATOR_VERSION,
        "fixtures": fixtures_digest(),
        "briefs": entries,
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


def fixtures_digest() -> str:
    """Hash of everything the corpus is made from, so a stale corpus is regenerated."""
    h = hashlib.sha256()
    inputs = [
        Path(__file__),
        FIXTURES / "damage.py",
        FIXTURES / "seed.clean.txt",
        FIXTURES / "seed.expected.json",
        DATA / "gazetteer.tsv",
        DATA / "surnames.txt",
        DATA / "zones.txt",
    ]
    inputs += sorted((FIXTURES / "articles").glob("*.clean.txt"))
    inputs += sorted((FIXTURES / "articles").glob("*.expected.json"))
    for path in inputs:
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def is_current(out: Path, count: int, seed: int) -> bool:
    try:
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(
        manifest.get("count") == count
        and manifest.get("seed") == seed
        and manifest.get("generator") == GENERATOR_VERSION
        and manifest.get("fixtures") == fixtures_digest()
        and len(list((out / "content").glob("*.txt"))) == count
    )


def generate(count: int, seed: int, jobs: int = 0) -> list[Brief]:
    """N briefs, pairwise different; the same for the same (count, seed) whatever ``jobs``."""
    tasks = [(i, seed, 0) for i in range(count)]
    if jobs == 1 or count < 50:
        maker = Maker()
        briefs = [maker.make(*t) for t in tasks]
    else:
        with ProcessPoolExecutor(max_workers=jobs or None) as pool:
            briefs = list(pool.map(_make_in_worker, tasks, chunksize=16))
    seen: set[str] = set()
    names: set[str] = set()
    maker_: Maker | None = None
    for i, brief in enumerate(briefs):
        attempt = 0
        while brief.clean in seen or brief.name in names:
            attempt += 1
            maker_ = maker_ or Maker()
            brief = maker_.make(i, seed, attempt)
        briefs[i] = brief
        seen.add(brief.clean)
        names.add(brief.name)
    return briefs


def ensure_corpus(out: Path, count: int, seed: int, jobs: int = 0, force: bool = False) -> bool:
    """Generate the corpus unless an identical one is already there; True if it was written."""
    if not force and is_current(out, count, seed):
        return False
    out.mkdir(parents=True, exist_ok=True)
    write_corpus(generate(count, seed, jobs), out, count, seed)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", "-n", type=int, default=100, help="number of briefs")
    parser.add_argument("--out", type=Path, default=None, help="default: bench/out/<count>")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--jobs", type=int, default=0, help="worker processes (0: all cores)")
    parser.add_argument("--force", action="store_true", help="regenerate even if up to date")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")
    out: Path = args.out or ROOT / "bench" / "out" / str(args.count)
    written = ensure_corpus(out, args.count, args.seed, args.jobs, args.force)
    print(f"{'wrote' if written else 'up to date:'} {args.count} brief(s) in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
