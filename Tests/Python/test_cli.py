"""The command line as a script uses it: standard output carries only the command's own output, exit
codes mean what README says, and asking for help touches nothing.

Run by scripts/python-checks.sh (WANGGE_BIN is the binary, WANGGE_DATA the demo district it serves).
"""

import json
import os
import subprocess
import tempfile

import pytest

BIN = os.environ.get("WANGGE_BIN", "")
DATA = os.environ.get("WANGGE_DATA", "")
if not BIN or not DATA:
    pytest.skip("set WANGGE_BIN and WANGGE_DATA (scripts/python-checks.sh does)", allow_module_level=True)


def run(*args, data=DATA):
    env = dict(os.environ, WANGGE_DATA=data)
    for name in ("DATABASE_URL", "DATABASE_SCHEMA", "WANGGE_KEYS", "WANGGE_KEY_FILE"):
        env.pop(name, None)
    return subprocess.run([BIN, *args], env=env, capture_output=True, text=True, timeout=300)


def test_coverage_json_is_one_json_document_and_exit_1_for_gaps():
    out = run("coverage", "--json")
    report = json.loads(out.stdout)  # nothing but the document on standard output
    assert out.returncode == 1, "the demo district has gaps on purpose: exit 1"
    assert report["totals"]["grids"] == 4
    assert "WARNING" not in out.stdout + out.stderr and "ExitCode" not in out.stdout + out.stderr


def test_help_touches_no_database_and_writes_no_file():
    empty = tempfile.mkdtemp(prefix="wangge-help-")
    data = os.path.join(empty, "data")
    for args in (["--help"], ["coverage", "--help"], ["export", "--help"]):
        out = run(*args, data=data)
        assert out.returncode == 0, (args, out.stderr)
        assert out.stdout.strip(), args
    assert not os.path.exists(data), "help made the data directory (a key file or a database)"


def test_usage_errors_exit_2():
    out = run("no-such-command")
    assert out.returncode == 2
    assert "no-such-command" in out.stderr


def test_unmasked_export_needs_a_reason():
    out = run("export", "residents", "--unmasked", "-o", os.devnull)
    assert out.returncode == 1 and "原因" in out.stderr


def test_export_streams_to_a_file_that_appears_only_when_complete(tmp_path):
    """`wangge export residents -o FILE` writes a page at a time into FILE.partial and renames it once the
    audit entry is written; the same rows as on standard output; a file that cannot be written leaves nothing."""
    target = tmp_path / "residents.csv"
    out = run("export", "residents", "-o", str(target))
    assert out.returncode == 0, out.stderr
    assert target.exists() and not (tmp_path / "residents.csv.partial").exists()
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.count(b"\r\n") > 100
    printed = subprocess.run([BIN, "export", "residents"], env=dict(os.environ, WANGGE_DATA=DATA), capture_output=True, timeout=300)
    assert printed.returncode == 0 and printed.stdout == data
    bad = run("export", "residents", "-o", str(tmp_path / "no-such-dir" / "r.csv"))
    assert bad.returncode != 0 and not (tmp_path / "no-such-dir").exists()
