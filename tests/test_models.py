"""The records every stage passes on: what pickling (the cache, the workers) keeps."""

from __future__ import annotations

import pickle

import pytest

from policybriefs.models import Edit, new_edit


@pytest.mark.parametrize(
    "edit",
    [
        Edit("script", "協", "协", 3, 17),
        Edit("pinyin", "(xié)", "", 0, 5, note="拼音注音"),
        Edit("mojibake", "??叼B", "康养", None, 0, "GBK 错位", "山海康养卡"),
        new_edit("lost", "\ufffd", "□", 2, 40, "无法恢复", "建设□□区"),
    ],
)
def test_an_edit_comes_back_from_a_pickle_equal_and_frozen(edit: Edit) -> None:
    for protocol in (2, pickle.HIGHEST_PROTOCOL):
        back = pickle.loads(pickle.dumps(edit, protocol=protocol))
        assert back == edit and type(back) is Edit
        assert back.__dict__ == edit.__dict__
        with pytest.raises(AttributeError):
            back.after = "x"  # type: ignore[misc]
