#!/usr/bin/env python3
"""Lists every header of include/inflanet and the test that covers it; exits 1 when one has none.

Usage: python3 .ci/header_tests.py [--check]
tests/ mirrors include/inflanet/: include/inflanet/<area>/<name>.hpp is covered by a test named after it,
tests/<area>/test_<name>.cpp (serial) or tests/<area>/mpi_<name>.cpp (MPI), or else by a row of the table in
tests/README.md whose first cell is the header's path and whose second names the covering test files:

    | `include/inflanet/io/checkpoint.hpp` | `tests/io/mpi_snapshot_checkpoint.cpp`: round trips, ... |

Each line printed is "named", "readme" or "MISSING", the header, and its tests. The table is kept honest
too: a row for a header that no longer exists, a row naming a test file that does not exist (a rename
elsewhere), a row for a header that now has a named test, or two rows for one header, fail like a missing
test, so the table never outlives what it describes. --check prints only the problems.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
README = "tests/README.md"
# A table row: first cell the header path, second cell free text naming tests/... files (in backticks or not).
ROW = re.compile(r"^\|\s*`?(include/inflanet/[^`|\s]+\.hpp)`?\s*\|(.*)\|\s*$")
TEST_FILE = re.compile(r"tests/[A-Za-z0-9_./-]+\.(?:cpp|hpp|py)")


def headers(root):
    base = root / "include/inflanet"
    return sorted(p.relative_to(root).as_posix() for p in base.rglob("*.hpp"))


def named_tests(root, header):
    """tests/<area>/(test|mpi)_<name>.cpp for include/inflanet/<area>/<name>.hpp, those that exist."""
    rel = pathlib.PurePosixPath(header).relative_to("include/inflanet")
    area, name = rel.parent, rel.stem
    found = []
    for prefix in ("test_", "mpi_"):
        candidate = pathlib.PurePosixPath("tests") / area / f"{prefix}{name}.cpp"
        if (root / candidate).is_file():
            found.append(candidate.as_posix())
    return found


def readme_rows(root):
    """{header: (line number, [test files named])} and the problems of the table itself."""
    rows, problems = {}, []
    path = root / README
    if not path.is_file():
        return rows, problems
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        match = ROW.match(line)
        if not match:
            continue
        header, rest = match.group(1), match.group(2)
        tests = TEST_FILE.findall(rest)
        where = f"{README}:{number}"
        if header in rows:
            problems.append(f"{where}: a second row for {header} (first on line {rows[header][0]})")
            continue
        rows[header] = (number, tests)
        if not tests:
            problems.append(f"{where}: the row for {header} names no tests/... file")
        for test in tests:
            if not (root / test).is_file():
                problems.append(f"{where}: {test}, named for {header}, does not exist")
    return rows, problems


def main(argv):
    check = "--check" in argv[1:]
    all_headers = headers(ROOT)
    rows, problems = readme_rows(ROOT)
    lines = []
    for header in all_headers:
        named = named_tests(ROOT, header)
        if named:
            lines.append(f"named   {header}  {' '.join(named)}")
            if header in rows:
                problems.append(f"{README}:{rows[header][0]}: {header} has a named test now "
                                f"({' '.join(named)}); drop its row")
        elif header in rows:
            lines.append(f"readme  {header}  {' '.join(rows[header][1])}")
        else:
            lines.append(f"MISSING {header}")
            problems.append(f"{header}: no tests/<area>/test_<name>.cpp or mpi_<name>.cpp, and no row in {README}")
    present = set(all_headers)
    for header, (number, _) in sorted(rows.items()):
        if header not in present:
            problems.append(f"{README}:{number}: {header} does not exist (renamed or removed?)")
    if not check:
        print("\n".join(lines))
        named = sum(line.startswith("named") for line in lines)
        readme = sum(line.startswith("readme") for line in lines)
        print(f"{len(all_headers)} headers: {named} with a named test, {readme} covered per {README}, "
              f"{len(all_headers) - named - readme} with neither")
    for problem in problems:
        print(f"header_tests: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
