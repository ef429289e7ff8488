"""Read content/: raw scraped .txt articles, editor .md articles, and pages.

Front matter is TOML between ``+++`` lines (Hugo's convention; tomllib is in
the standard library). A raw .txt keeps the scraped text untouched: its
metadata goes in a sidecar ``<name>.toml`` (or a ``+++`` block at its top).
In .md, a line ``<!-- notes -->`` separates the article text from the
editor's notes, which are Markdown.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
from pathlib import Path
from typing import Any

from .decode import decode_bytes
from .errors import ContentError
from .models import (
    ArticleFormat,
    ArticleMeta,
    CommitmentReview,
    Corrections,
    OfficialCorrection,
    RawArticle,
    StaticPage,
)

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_LINE_CHARS = 20_000
PAGES_DIR = "pages"
NOTES_MARKER = "<!-- notes -->"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")
# A brief's data file is data/<slug>.json, beside the site's list of briefs.
_SITE_DATA_NAMES = frozenset({"index"})
_META_KEYS = {"title", "date", "source_url", "meeting", "series", "tags", "slug", "corrections"}
_CORRECTION_KEYS = {"officials", "paragraphs", "commitments", "text"}
_STATUSES = ("pledged", "in progress", "done", "stalled", "no follow-up found")


@functools.lru_cache(maxsize=65536)  # pypinyin is slow, and names recur across briefs
def slugify(text: str) -> str:
    """An ASCII slug: pinyin for Chinese (厦门 → xiamen), other words joined by hyphens."""
    if text.isascii():  # what pypinyin would give back, without loading its 60 MiB
        joined = f" {text} "
    else:
        from pypinyin import lazy_pinyin

        joined = "".join(lazy_pinyin(text, errors=lambda s: f" {s} "))
    return slug_of_reading(joined)


def slug_of_reading(joined: str) -> str:
    """The slug of a name's reading (pinyin run together, other words set off by
    spaces): lower case, hyphens between words, at most 80 characters."""
    slug = re.sub(r"[^a-z0-9]+", "-", joined.lower()).strip("-")
    return slug[:80].strip("-") or "untitled"


def _within(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def discover(content_dir: Path) -> tuple[list[Path], list[Path]]:
    """(article files, page files), sorted, relative order stable across machines."""
    articles: list[Path] = []
    pages: list[Path] = []
    for path in sorted(content_dir.rglob("*"), key=lambda p: p.as_posix()):
        if not path.is_file() and not path.is_symlink():
            continue
        rel = path.relative_to(content_dir)
        if any(part.startswith(".") for part in rel.parts):
            continue
        if rel.parts[0] == PAGES_DIR:
            if path.suffix == ".md":
                pages.append(path)
            continue
        if path.suffix in (".txt", ".md"):
            articles.append(path)
    return articles, pages


def _read_text(path: Path, content_dir: Path) -> tuple[str, str, str]:
    source = path.relative_to(content_dir).as_posix()
    if path.is_symlink() and not _within(path, content_dir):
        raise ContentError(source, "is a link to a file outside the content folder")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ContentError(
            source,
            f"is {size / 2**20:.1f} MiB, larger than the {MAX_FILE_BYTES // 2**20} MiB limit",
        )
    text, encoding = decode_bytes(path.read_bytes(), source)
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE_CHARS:
            raise ContentError(
                source, f"line is {len(line)} characters, over {MAX_LINE_CHARS}", line=number
            )
    return source, text, encoding


def split_front_matter(text: str, source: str) -> tuple[dict[str, Any], str, int]:
    """(front matter, body, number of lines the front matter took)."""
    data, body, taken, _ = _front_matter(text, source)
    return data, body, taken


def _front_matter(text: str, source: str) -> tuple[dict[str, Any], str, int, str]:
    """``split_front_matter``, and the TOML block itself (it starts on line 2)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "+++":
        if lines and lines[0].strip() == "---":
            raise ContentError(source, "front matter must be TOML between +++ lines", line=1)
        return {}, text, 0, ""
    for end in range(1, len(lines)):
        if lines[end].strip() == "+++":
            block = "\n".join(lines[1:end])
            return (
                _parse_toml(block, source, "invalid front matter", 2),
                ("\n".join(lines[end + 1 :])),
                end + 1,
                block,
            )
    raise ContentError(source, "front matter opened with +++ is never closed", line=1)


def _parse_toml(text: str, source: str, what: str, first_line: int) -> dict[str, Any]:
    """``text`` read as TOML; an error names the line of the file (``text`` starts on
    ``first_line``), or its last line where TOML reached the end (an unclosed [)."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = _toml_error_line(exc)
        if line is None:
            line = max(1, len(text.rstrip("\n").split("\n")))
        raise ContentError(source, f"{what}: {exc}", line=first_line + line - 1) from exc


def _toml_error_line(exc: tomllib.TOMLDecodeError) -> int | None:
    match = re.search(r"line (\d+)", str(exc))
    return int(match.group(1)) if match else None


_ENTRY_KEY = re.compile(r"(?P<table>[\w.]+)\[(?P<index>\d+)\](?:\.(?P<name>[\w.]+))?")


def key_line(toml_text: str, key: str, first_line: int) -> int | None:
    """The line of the file (``toml_text`` starts on ``first_line``) where the dotted
    ``key`` is given: ``date = …``, a ``[corrections.paragraphs]`` header, or a key
    of that name below its table's header; for an entry of an array of tables
    (``corrections.commitments[1].status``), its ``[[…]]`` header or the key below
    it. None if it cannot be found."""
    entry = _ENTRY_KEY.fullmatch(key)
    if entry is not None:
        return _entry_line(toml_text, entry, first_line)
    *tables, name = key.split(".")
    lines = toml_text.split("\n")
    header = re.compile(r"^\s*\[\[?\s*" + re.escape(key) + r"\s*\]\]?")
    for number, line in enumerate(lines):
        if header.match(line):
            return first_line + number
    assignment = _assignment(name)
    table = ".".join(tables)
    inside = not tables  # top-level keys come before any table
    for number, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = bool(tables) and stripped.strip("[] ") == table
            continue
        if inside and assignment.match(line):
            return first_line + number
    return key_line(toml_text, table, first_line) if tables else None


def _assignment(name: str) -> re.Pattern[str]:
    """A line that gives the key ``name`` (``name = …``, the name quoted or not)."""
    return re.compile(r"^\s*[\"']?" + re.escape(name) + r"[\"']?\s*=")


def _entry_line(toml_text: str, entry: re.Match[str], first_line: int) -> int | None:
    table, index, name = entry["table"], int(entry["index"]), entry["name"]
    header = re.compile(r"^\s*\[\[\s*" + re.escape(table) + r"\s*\]\]")
    lines = toml_text.split("\n")
    starts = [number for number, line in enumerate(lines) if header.match(line)]
    if index >= len(starts):  # written inline (officials = [{…}]): the key's line
        return key_line(toml_text, table, first_line)
    start = starts[index]
    if name:
        assignment = _assignment(name.split(".")[0])
        for number in range(start + 1, len(lines)):
            if lines[number].lstrip().startswith("["):
                break
            if assignment.match(lines[number]):
                return first_line + number
    return first_line + start


def _as_str(data: dict[str, Any], key: str, source: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ContentError(source, f"front matter {key!r} must be a string", key=key)
    return value


def _as_date(value: Any, source: str, key: str = "date") -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise ContentError(
        source, f"front matter 'date' must be a date like 2021-01-15, not {value!r}", key=key
    )


def parse_corrections(data: Any, source: str) -> Corrections:
    if data is None:
        return Corrections()
    if not isinstance(data, dict):
        raise ContentError(source, "'corrections' must be a table", key="corrections")
    for key in sorted(data):
        if key not in _CORRECTION_KEYS:
            raise ContentError(source, f"unknown key 'corrections.{key}'", key=f"corrections.{key}")
    officials = []
    for i, item in enumerate(data.get("officials", [])):
        _check_keys(item, {"name", "city", "titles"}, f"corrections.officials[{i}]", source)
        if not isinstance(item.get("name"), str) or not item["name"]:
            raise ContentError(
                source,
                "corrections.officials entries need a 'name'",
                key=f"corrections.officials[{i}]",
            )
        officials.append(
            OfficialCorrection(
                name=item["name"],
                city=item.get("city") or None,
                titles=tuple(str(t) for t in item.get("titles", [])),
            )
        )
    paragraph_cities = []
    for key, city in sorted(data.get("paragraphs", {}).items()):
        if not str(key).isdigit():
            raise ContentError(
                source,
                f"corrections.paragraphs key {key!r} must be an index",
                key="corrections.paragraphs",
            )
        paragraph_cities.append((int(key), city or None))
    reviews = []
    for i, item in enumerate(data.get("commitments", [])):
        _check_keys(
            item,
            {"paragraph", "match", "status", "evidence", "drop", "city"},
            f"corrections.commitments[{i}]",
            source,
        )
        if not isinstance(item.get("paragraph"), int) or not isinstance(item.get("match"), str):
            raise ContentError(
                source,
                "corrections.commitments entries need 'paragraph' (int) and 'match'",
                key=f"corrections.commitments[{i}]",
            )
        status = item.get("status", "pledged")
        if status not in _STATUSES:
            raise ContentError(
                source,
                f"commitment status {status!r} is not one of {', '.join(_STATUSES)}",
                key=f"corrections.commitments[{i}].status",
            )
        evidence = []
        for ev in item.get("evidence", []):
            where = f"corrections.commitments[{i}].evidence"
            _check_keys(ev, {"date", "url"}, where, source)
            when = _as_date(ev.get("date"), source, where)
            evidence.append((when.isoformat() if when else "", str(ev.get("url", ""))))
        reviews.append(
            CommitmentReview(
                paragraph=item["paragraph"],
                match=item["match"],
                status=status,
                evidence=tuple(evidence),
                drop=bool(item.get("drop", False)),
                city=item.get("city"),
            )
        )
    texts = []
    for i, item in enumerate(data.get("text", [])):
        _check_keys(item, {"wrong", "right"}, f"corrections.text[{i}]", source)
        texts.append((str(item["wrong"]), str(item["right"])))
    return Corrections(tuple(officials), tuple(paragraph_cities), tuple(reviews), tuple(texts))


def _check_keys(item: Any, allowed: set[str], where: str, source: str) -> None:
    """``where``: the entry, as ``key_line`` finds it (corrections.officials[1])."""
    table = re.sub(r"\[\d+\]", "", where)
    if not isinstance(item, dict):
        raise ContentError(source, f"{table} entries must be tables", key=where)
    for key in sorted(item):
        if key not in allowed:
            raise ContentError(source, f"unknown key '{table}.{key}'", key=f"{where}.{key}")


def parse_meta(
    data: dict[str, Any], source: str, notes: str = ""
) -> tuple[ArticleMeta, str | None]:
    for key in sorted(data):
        if key not in _META_KEYS:
            raise ContentError(
                source,
                f"unknown front matter key {key!r} (known: {', '.join(sorted(_META_KEYS))})",
                key=key,
            )
    tags = data.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ContentError(source, "front matter 'tags' must be a list of strings", key="tags")
    slug = _as_str(data, "slug", source)
    if slug is not None and not _SLUG.match(slug):
        raise ContentError(
            source,
            f"slug {slug!r} must be lower-case ASCII letters, digits and hyphens",
            key="slug",
        )
    meta = ArticleMeta(
        title=_as_str(data, "title", source),
        date=_as_date(data.get("date"), source),
        source_url=_as_str(data, "source_url", source),
        meeting=_as_str(data, "meeting", source),
        series=_as_str(data, "series", source),
        tags=tuple(tags),
        notes_markdown=notes,
        corrections=parse_corrections(data.get("corrections"), source),
    )
    if meta.source_url and not meta.source_url.startswith(("http://", "https://")):
        raise ContentError(
            source, "front matter 'source_url' must be an http(s) address", key="source_url"
        )
    return meta, slug


def _slug_for(path: Path, source: str, explicit: str | None) -> str:
    if explicit in _SITE_DATA_NAMES:
        raise ContentError(
            source, f"slug {explicit!r} is taken by the site's data/{explicit}.json; choose another"
        )
    if explicit:
        return explicit
    stem = path.stem
    if ".." in stem or "/" in stem or "\\" in stem:
        raise ContentError(source, "file name is not a safe slug")
    slug = stem if _SLUG.match(stem) else slugify(stem)
    return f"{slug}-entry" if slug in _SITE_DATA_NAMES else slug


def load_article(path: Path, content_dir: Path) -> RawArticle:
    source, text, encoding = _read_text(path, content_dir)
    fmt: ArticleFormat = "md" if path.suffix == ".md" else "txt"
    data, body, _, toml_text = _front_matter(text, source)
    first_line = 2  # the front matter's, below its +++
    notes = ""
    if fmt == "txt":
        sidecar = path.with_suffix(".toml")
        if sidecar.exists():
            if data:
                raise ContentError(source, f"has both front matter and a sidecar {sidecar.name}")
            side_source, toml_text, _ = _read_text(sidecar, content_dir)
            data = _parse_toml(toml_text, side_source, "invalid TOML", 1)
            source_for_meta, first_line = side_source, 1
        else:
            source_for_meta = source
    else:
        source_for_meta = source
        if NOTES_MARKER in body:
            body, _, notes = body.partition(NOTES_MARKER)
    if not body.strip():
        raise ContentError(source, "has no article text")
    try:
        meta, slug = parse_meta(data, source_for_meta, notes.strip())
    except ContentError as exc:
        line = key_line(toml_text, exc.key, first_line) if exc.key else None
        raise exc.at_line(line) from None
    return RawArticle(
        source=source,
        slug=_slug_for(path, source, slug),
        format=fmt,
        encoding=encoding,
        text=body.strip("\n"),
        meta=meta,
    )


def load_page(path: Path, content_dir: Path) -> StaticPage:
    source, text, _ = _read_text(path, content_dir)
    data, body, _, block = _front_matter(text, source)
    for key in sorted(data):
        if key not in {"title", "slug"}:
            raise ContentError(
                source,
                f"unknown front matter key {key!r} (pages take title, slug)",
                line=key_line(block, key, 2),
            )
    title = data.get("title")
    if not isinstance(title, str) or not title:
        first = next((ln.lstrip("# ").strip() for ln in body.splitlines() if ln.strip()), "")
        title = first or path.stem
    slug = data.get("slug") or path.stem
    if not isinstance(slug, str) or not _SLUG.match(slug):
        raise ContentError(
            source, f"page slug {slug!r} must be lower-case ASCII", line=key_line(block, "slug", 2)
        )
    return StaticPage(
        slug=slug, title=title, body_markdown=_without_title_heading(body, title), source=source
    )


def _without_title_heading(body: str, title: str) -> str:
    """The body without a first ``# heading`` that repeats the title: page.html
    draws the title as the page's one h1."""
    lines = body.splitlines(keepends=True)
    first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
    if first is not None and lines[first].startswith("# ") and lines[first][2:].strip() == title:
        return "".join(lines[first + 1 :]).lstrip("\n")
    return body
