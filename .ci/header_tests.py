#!/usr/bin/env python3
"""Every header of include/inflanet has a test named after it, or a line in tests/README.md naming the test that
covers it. Usage: python3 .ci/header_tests.py (exit 1, listing them, when some header has neither)."""
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parent.parent
listed = (root / "tests" / "README.md").read_text()
missing = []
for header in sorted((root / "include" / "inflanet").rglob("*.hpp")):
    area, name = header.parent.name, header.stem
    if (root / "tests" / area / f"test_{name}.cpp").exists() or (root / "tests" / area / f"mpi_{name}.cpp").exists():
        continue
    if f"| {header.relative_to(root)} |" not in listed:
        missing.append(str(header.relative_to(root)))
for m in missing:
    print(f"{m}: no tests/<area>/(test|mpi)_<name>.cpp and no line in tests/README.md")
sys.exit(1 if missing else 0)
