from __future__ import annotations

import pytest

from policybriefs.normalize.junk import is_junk_line, strip_host_names

JUNK = [
    "您现在的位置：首页 > 新闻中心 > 要闻",
    "当前位置：首页>时政",
    "【打印本页】【关闭窗口】",
    "字号：大 中 小",
    "闽ICP备05012345号-1",
    "扫一扫在手机打开当前页",
    "相关链接",
    "上一篇：厦门召开工作会议",
    "责任编辑：林某",
    "</p>",
    "8.jpg",
    "[详细>]",
    "发表评论",
    "2021-01-12 08:30",
    "代理注册 免费下载 官网开户 优惠推广",
    "www.example-news.com | 新闻 | 财经 | 体育",
]
TEXT = [
    "昨日，闽西南协同发展区联席会议第三次会议在泉州举行。",
    "他表示，要推进《厦漳泉都市圈发展规划》编制。",
    "会议审议通过了平台建设总体方案。",
    "（厦门日报记者 蔡镇金 泉州晚报记者 陈林森）",
]


@pytest.mark.parametrize("line", JUNK)
def test_chrome_lines_are_junk(line: str) -> None:
    assert is_junk_line(line)


@pytest.mark.parametrize("line", TEXT)
def test_article_lines_are_kept(line: str) -> None:
    assert is_junk_line(line) is None


def test_host_name_pasted_into_byline_is_removed() -> None:
    text, edits = strip_host_names("（记者 张三 www.fake-news.com 李四）", paragraph=5)
    assert text == "（记者 张三李四）"
    assert edits[0].kind == "junk-text" and "fake-news" in edits[0].before
