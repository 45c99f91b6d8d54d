"""What an end-to-end test needs from the machine. Where a need is missing the test is skipped
with a message saying what to install; under CI (CI=true) it fails instead: CI never skips them."""

import os
import shutil

import pytest

CHROMIUM = "/usr/bin/chromium"


def need(present: bool, message: str) -> None:
    """Skip the calling test module (fail it under CI) unless ``present``."""
    if present:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; CI must run this test", pytrace=False)
    pytest.skip(f"{message}: skipped", allow_module_level=True)


def need_chromium() -> None:
    need(os.path.exists(CHROMIUM), "Chromium is not installed (apt-get install chromium, or run .ci/run)")


def need_npm() -> None:
    need(shutil.which("npm") is not None, "npm is not installed (apt-get install nodejs npm, or run .ci/run)")
