"""Shared by the Python checks: remembers each test's outcome on its item, so a fixture can tell
after the test whether it failed (test_resident_phone.py takes screenshots then, and only then)."""

import pytest


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, "report_" + report.when, report)
    return report
