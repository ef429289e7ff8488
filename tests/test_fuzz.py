"""The whole pipeline under Hypothesis: any article text in, a valid site out.

The budget is small so the suite stays quick; for a longer run:

    FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest tests/test_fuzz.py
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from policybriefs.pipeline import build

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "12"))

fragments = st.sampled_from(
    [
        "厦门市委书记张三表示，厦门将加快建设。",
        "漳州市委书记李四、市长王五出席会议。",
        "他建议，一是完善机制；二是共建平台。",
        "協(xié)同發(fā)展,,會議",
        "?!瓣懧方煌ɑヂ",
        "<script>alert(1)</script>",
        "您现在的位置：首页 > 新闻",
        "+++",
        "\x00",
        "坚持规划引领，推进《规划》编制。",
    ]
)
article_text = st.lists(st.one_of(st.text(max_size=40), fragments), min_size=1, max_size=12).map(
    "\n".join
)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(article_text, min_size=1, max_size=3))
def test_any_text_builds_a_valid_site(texts: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        content, out = Path(tmp) / "content", Path(tmp) / "site"
        content.mkdir()
        for n, text in enumerate(texts):
            (content / f"a{n}.txt").write_text(text, encoding="utf-8", errors="surrogatepass")
        report = build(content, out, ROOT / "templates", jobs=1)
        assert (out / "index.html").is_file()
        index = json.loads((out / "data" / "index.json").read_text(encoding="utf-8"))
        assert len(index) + len(report.errors) == len(texts)
        for entry in index:
            assert (out / entry["url"]).is_file()
            assert (out / "zh-Hant" / entry["url"]).is_file()
        for error in report.errors:
            assert error.startswith("a") and ".txt" in error  # names the file
