"""The rule that these tests cannot pass vacuously.

The data tests read files that the C++ tests write (sample_files.sample_data): when one is missing they
fail and name the test that writes it. And no test here may skip at all: a skip fails the session (exit
status 1, the summary names the skipped tests), so `ctest` and `.ci/run` cannot pass having tested nothing.
"""

_skipped = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if _skipped and session.exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    if _skipped:
        terminalreporter.write_line(f"FAILED: {len(_skipped)} test(s) skipped, and no test here may skip: "
                                    + ", ".join(_skipped), red=True)
