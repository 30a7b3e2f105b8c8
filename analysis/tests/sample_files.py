"""The files the C++ tests write for these tests (CTest runs the writers first, fixture inflanet_sample_run,
and sets INFLANET_TEST_DATA_DIR). A missing file fails the test loudly: it never skips."""

import os
from pathlib import Path

import pytest


def sample_data(relative, writer):
    """$INFLANET_TEST_DATA_DIR/relative, failing the test (not skipping) when the variable is unset or the
    file is missing; `writer` names the CTest test that writes it."""
    value = os.environ.get("INFLANET_TEST_DATA_DIR")
    if not value:
        pytest.fail(f"INFLANET_TEST_DATA_DIR is unset: this test reads {relative}, which the C++ test {writer} "
                    "writes; run through ctest (`ctest --test-dir build -R analysis` runs the writers first) or "
                    "point INFLANET_TEST_DATA_DIR at a directory they wrote", pytrace=False)
    path = Path(value) / relative
    if not path.exists():
        pytest.fail(f"{path} is missing: the C++ test {writer} writes it (run it first, or run through ctest)",
                    pytrace=False)
    return path
