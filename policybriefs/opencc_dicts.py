"""OpenCC's own dictionaries: read with the ``opencc_dict`` tool its package ships,
fingerprinted, and the first step of a Simplified-to-Traditional configuration
made two dictionaries.

That step is a group: OpenCC's phrases (two dictionaries, longest match of
either) before its characters, and the same phrases again to segment the text.
Our own corrections (``s2t_corrections.tsv``: 并发布 is 並發佈, not 併發布) join
its phrases there, ahead of them.
Held as groups, they take 43 MiB of every process that converts; made into one
dictionary of phrases and characters to convert with and one of phrases to
segment with, 11. The merge keeps OpenCC's own choices: of two phrases alike,
the first dictionary's; a character table whose keys are single characters can
only win where no phrase matches.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import opencc

from .cache import tool_fingerprint
from .script import opencc_data_dir, s2t_corrections


def dictionary_files(node: Any) -> Iterator[tuple[str, str]]:
    """(type, file) of every dictionary below a configuration node."""
    if isinstance(node, dict):
        if node.get("type") in ("text", "ocd", "ocd2") and isinstance(node.get("file"), str):
            yield node["type"], node["file"]
        for value in node.values():
            yield from dictionary_files(value)
    elif isinstance(node, list):
        for value in node:
            yield from dictionary_files(value)


def opencc_dict_tool() -> Path | None:
    folder = Path(opencc.__file__).parent / "clib" / "bin"
    for name in ("opencc_dict", "opencc_dict.exe"):
        if (folder / name).is_file():
            return folder / name
    return None


def dictionary_entries(tool: Path, kind: str, path: Path) -> Iterator[tuple[str, list[str]]]:
    """A dictionary's entries: key and its values, the first of which OpenCC writes."""
    with tempfile.TemporaryDirectory(prefix="policybriefs-opencc-") as tmp:
        out = Path(tmp) / "dict.txt"
        command = [str(tool), "-i", str(path), "-o", str(out), "-f", kind, "-t", "text"]
        subprocess.run(command, check=True, capture_output=True, timeout=60)
        text = out.read_text(encoding="utf-8")
    for line in text.splitlines():
        key, _, values = line.partition("\t")
        if key:
            yield key, values.split(" ")


# Once a process, as tool_fingerprint: a build asks for the facts twice under serve.
@functools.lru_cache(maxsize=4)
def opencc_fingerprint(variant: str) -> str:
    """OpenCC's version, the configuration and its dictionaries, and this tool's code:
    what anything made from them depends on."""
    data_dir = opencc_data_dir()
    digest = hashlib.sha256(tool_fingerprint().encode())
    digest.update(metadata.version("opencc").encode())
    config_file = data_dir / f"{variant}.json"
    digest.update(config_file.read_bytes())
    config = json.loads(config_file.read_text(encoding="utf-8"))
    for _, file in sorted(set(dictionary_files(config))):
        digest.update(file.encode())
        digest.update((data_dir / file).read_bytes())
    return digest.hexdigest()[:32]


def _ocd2_files(node: Any, policy: str) -> list[str] | None:
    """The files of a group of ``policy`` made only of ocd2 dictionaries."""
    if not isinstance(node, dict) or node.get("type") != "group":
        return None
    if node.get("match_policy") != policy:
        return None
    files = [d.get("file") for d in node.get("dicts", []) if d.get("type") == "ocd2"]
    if len(files) != len(node.get("dicts", [])) or not all(isinstance(f, str) for f in files):
        return None
    return files


def _first_step_parts(config: dict[str, Any]) -> tuple[list[str], str] | None:
    """The phrase files and the character file of the first step, when it has the
    shape of OpenCC's own (and segments, if at all, with the same phrases)."""
    first = config["conversion_chain"][0].get("dict")
    if not isinstance(first, dict) or first.get("match_policy") != "short_circuit":
        return None
    dicts = first.get("dicts", [])
    if len(dicts) != 2 or dicts[1].get("type") != "ocd2":
        return None
    phrases = _ocd2_files(dicts[0], "union")
    if phrases is None:
        return None
    segmentation = config.get("segmentation")
    if segmentation is not None and _ocd2_files(segmentation.get("dict"), "union") != phrases:
        return None
    return phrases, dicts[1]["file"]


_FAILURES = (OSError, ValueError, KeyError, RuntimeError, subprocess.SubprocessError)


@dataclass(frozen=True, eq=False)
class FirstStep:
    """What the first step of a configuration reads, as this tool uses it."""

    # Two ocd2 dictionaries for the step, or None (OpenCC's own configuration): the
    # phrases and characters to convert with, and the phrases alone to segment with
    # (with the characters, every character would be a segment of its own, and the
    # later steps' phrases, which match within a segment, would not match).
    dictionaries: tuple[Path, Path] | None
    phrases: frozenset[str]  # the keys of its phrases (two characters or more)


def _merged_entries(variant: str) -> tuple[dict[str, list[str]], frozenset[str]] | None:
    """The first step's entries in one table, and its phrases' keys."""
    tool = opencc_dict_tool()
    data_dir = opencc_data_dir()
    config = json.loads((data_dir / f"{variant}.json").read_text(encoding="utf-8"))
    parts = _first_step_parts(config)
    if tool is None or parts is None:
        return None
    phrase_files, character_file = parts
    # Our corrections first: of two entries alike, the first wins.
    merged: dict[str, list[str]] = {k: [v] for k, v in s2t_corrections(variant).items()}
    for file in phrase_files:
        for key, values in dictionary_entries(tool, "ocd2", data_dir / file):
            merged.setdefault(key, values)
    phrases = frozenset(key for key in merged if len(key) > 1)
    for key, values in dictionary_entries(tool, "ocd2", data_dir / character_file):
        if len(key) != 1:  # a longer key could outrank a phrase: not OpenCC's order
            return None
        merged.setdefault(key, values)
    return merged, phrases


def _write_atomically(path: Path, data: bytes) -> None:
    staged = path.with_name(f".tmp-{os.getpid()}-{path.name}")
    try:
        staged.write_bytes(data)
        os.replace(staged, path)
    finally:
        staged.unlink(missing_ok=True)


def _build_ocd2(entries: dict[str, list[str]], out: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="policybriefs-opencc-") as tmp:
        text = Path(tmp) / "entries.txt"
        lines = (f"{k}\t{' '.join(v)}\n" for k, v in sorted(entries.items()))
        text.write_text("".join(lines), encoding="utf-8")
        built = Path(tmp) / "built.ocd2"
        command = [str(opencc_dict_tool()), "-i", str(text), "-o", str(built)]
        command += ["-f", "text", "-t", "ocd2"]
        subprocess.run(command, check=True, capture_output=True, timeout=60)
        _write_atomically(out, built.read_bytes())


def _sums(files: list[Path]) -> dict[str, str]:
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}


@functools.lru_cache(maxsize=8)
def _read_phrases(path: Path) -> frozenset[str]:
    return frozenset(path.read_text(encoding="utf-8").split("\n")) - {""}


def _kept(files: list[Path], sums: Path) -> bool:
    """Whether ``files`` are as they were made: a damaged dictionary would load
    and convert otherwise, without a word."""
    try:
        return bool(json.loads(sums.read_text(encoding="utf-8")) == _sums(files))
    except (OSError, ValueError):
        return False


def first_step(variant: str, cache_root: Path | None) -> FirstStep | None:
    """The first step of ``variant``: its phrases' keys, and its dictionaries made
    into two (see ``FirstStep``), kept at ``<cache_root>/opencc/`` with their
    checksums; files that do not match them are made again. Without a cache, or
    where one cannot be written, the phrases alone. None where OpenCC's
    dictionaries cannot be read: its configuration is then used as it is."""
    if cache_root is None:
        phrases = _phrases_alone(variant)
        return None if phrases is None else FirstStep(None, phrases)
    try:
        stem = cache_root / "opencc" / f"{variant}-first-{opencc_fingerprint(variant)}"
    except _FAILURES:
        return None
    conversion = stem.with_name(stem.name + ".ocd2")
    segmentation = stem.with_name(stem.name + ".segments.ocd2")
    phrase_list = stem.with_name(stem.name + ".phrases")
    sums = stem.with_name(stem.name + ".sums")
    files = [conversion, segmentation, phrase_list]
    if _kept(files, sums):
        return FirstStep((conversion, segmentation), _read_phrases(phrase_list))
    try:
        found = _merged_entries(variant)
    except _FAILURES:
        return None
    if found is None:
        return None
    merged, phrases = found
    try:
        conversion.parent.mkdir(parents=True, exist_ok=True)
        _build_ocd2(merged, conversion)
        _build_ocd2({k: v for k, v in merged.items() if k in phrases}, segmentation)
        _write_atomically(phrase_list, "\n".join(sorted(phrases)).encode("utf-8"))
        _write_atomically(sums, json.dumps(_sums(files)).encode("utf-8"))
    except _FAILURES:
        return FirstStep(None, phrases)
    _read_phrases.cache_clear()  # a file of that name may have been read before
    return FirstStep((conversion, segmentation), phrases)


@functools.lru_cache(maxsize=4)
def _phrases_alone(variant: str) -> frozenset[str] | None:
    """Without a cache (tests, mostly): once a process."""
    found = _merged_entries(variant)
    return None if found is None else found[1]
