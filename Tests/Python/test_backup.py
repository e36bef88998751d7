"""Backup while cases keep arriving, restore into a fresh folder, and the key-loss drill (README 运维).

`wangge backup` runs while a client posts Open311 reports as fast as the server answers; the restored
copy must hold every case acknowledged before the backup began, none acknowledged after it ended,
pass SQLite's integrity check and verify its audit chain with the key file (`wangge restore` exits 0
only then). Without the key file a database that holds data refuses to start, and no new key is made;
with another installation's key file it refuses to start too (the wrong-key drill).
"""

import csv
import os
import shutil
import sqlite3
import subprocess
import threading
import time

import pytest
import requests

from own_server import OwnServer, postgres_database

BIN = os.environ.get("WANGGE_BIN", "")
if not BIN:
    pytest.skip("set WANGGE_BIN (scripts/python-checks.sh does)", allow_module_level=True)

CATEGORY = "city_appearance.dirty_water"


def backup_while_writing(s, name):
    """`wangge backup` while two clients post reports: the backup file, its output, and the public codes
    acknowledged before the backup began and those sent after it ended."""
    key = s.run("apikey", "create", "--name", "backup").strip()
    buildings = os.path.join(s.work, "buildings.csv")
    s.run("export", "buildings", "-o", buildings)
    with open(buildings, encoding="utf-8-sig") as f:
        building = next(csv.DictReader(f))["编号"]

    acknowledged = []  # (monotonic time sent, time answered, public code)
    stop = threading.Event()

    def writer():
        http = requests.Session()
        while not stop.is_set():
            sent = time.monotonic()
            r = http.post(f"{s.url}/open311/v2/requests.json", timeout=10, data={
                "api_key": key, "service_code": CATEGORY, "address_id": building, "description": "备份期间的反映"})
            if r.status_code == 200:
                acknowledged.append((sent, time.monotonic(), r.json()[0]["service_request_id"]))

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for t in threads:
        t.start()
    time.sleep(2)
    backup = os.path.join(s.work, "backups", name)
    began = time.monotonic()
    out = s.run("backup", "--to", backup)
    ended = time.monotonic()
    time.sleep(1)
    stop.set()
    for t in threads:
        t.join()
    before = {code for _, answered, code in acknowledged if answered < began}
    after = {code for sent, _, code in acknowledged if sent > ended}
    assert len(before) >= 5 and len(after) >= 1, (len(before), len(after))
    return backup, out, before, after


def test_postgres_backup_while_writing_and_restore():
    """The same on PostgreSQL: `pg_dump` while reports arrive, `pg_restore` into an empty database
    (with --force), the restored copy's audit chain verified by `wangge restore`."""
    if not os.environ.get("WANGGE_TEST_POSTGRES_URL"):
        if os.environ.get("CI"):
            pytest.fail("CI must run the backup test on PostgreSQL too (WANGGE_TEST_POSTGRES_URL)")
        pytest.skip("no PostgreSQL (WANGGE_TEST_POSTGRES_URL)")
    env = {"WANGGE_SWEEP_SECONDS": "0", "DATABASE_URL": postgres_database("backup")}
    with OwnServer(BIN, grids=1, extra_env=env, prefix="wangge-pgbackup-") as s:
        backup, out, before, after = backup_while_writing(s, "b.dump")
        target = postgres_database("restored")
        restored = subprocess.run([BIN, "restore", "--from", backup], env=dict(s.env, DATABASE_URL=target), capture_output=True, text=True, timeout=300)
        assert restored.returncode == 1 and "--force" in restored.stderr, "a PostgreSQL restore needs --force"
        restored = subprocess.run([BIN, "restore", "--from", backup, "--force"], env=dict(s.env, DATABASE_URL=target), capture_output=True, text=True, timeout=300)
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert "审计链完整" in restored.stdout, restored.stdout
        rows = subprocess.run(["psql", target, "-tA", "-c", "SELECT public_code FROM cases"], check=True, capture_output=True, text=True).stdout
        codes = set(rows.split())
        assert before <= codes, f"{len(before - codes)} cases acknowledged before the backup are missing"
        assert not (after & codes), "a case acknowledged after the backup ended is in it"


def test_backup_while_writing_restore_and_key_loss():
    with OwnServer(BIN, grids=1, extra_env={"WANGGE_SWEEP_SECONDS": "0"}, prefix="wangge-backup-") as s:
        backup, out, before, after = backup_while_writing(s, "b.sqlite")
        assert "完整性正常" in out, out

        # Restore into a fresh folder that holds the same key file (kept apart from backups).
        fresh = os.path.join(s.work, "restored")
        os.makedirs(fresh)
        shutil.copy(os.path.join(s.env["WANGGE_DATA"], "wangge.keys"), fresh)
        env = dict(s.env, WANGGE_DATA=fresh)
        restored = subprocess.run([BIN, "restore", "--from", backup], env=env, capture_output=True, text=True, timeout=300)
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert "审计链完整" in restored.stdout and "完整性 ok" in restored.stdout, restored.stdout
        with sqlite3.connect(os.path.join(fresh, "wangge.sqlite")) as db:
            codes = {row[0] for row in db.execute("SELECT public_code FROM cases")}
            assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert before <= codes, f"{len(before - codes)} cases acknowledged before the backup are missing"
        assert not (after & codes), "a case acknowledged after the backup ended is in it"

        # Restoring over a database in place is refused without --force; with it the old file is kept.
        again = subprocess.run([BIN, "restore", "--from", backup], env=env, capture_output=True, text=True, timeout=300)
        assert again.returncode == 1 and "--force" in again.stderr, again.stderr
        forced = subprocess.run([BIN, "restore", "--from", backup, "--force"], env=env, capture_output=True, text=True, timeout=300)
        assert forced.returncode == 0, forced.stderr
        assert any(name.startswith("wangge.sqlite.before-restore-") for name in os.listdir(fresh))

        # The key-loss drill: the same database without its key file refuses to start and makes no key.
        lost = os.path.join(s.work, "lost")
        os.makedirs(lost)
        shutil.copy(os.path.join(fresh, "wangge.sqlite"), lost)
        started = subprocess.run([BIN, "coverage", "--json"], env=dict(s.env, WANGGE_DATA=lost), capture_output=True, text=True, timeout=300)
        assert started.returncode == 1 and "密钥文件" in started.stderr, started.stderr
        assert not os.path.exists(os.path.join(lost, "wangge.keys")), "no new key is made for a database that holds data"

        # The wrong-key drill: the same database with another installation's key file (same key ids,
        # other secrets) refuses to start, names the mismatch, and writes nothing.
        other = os.path.join(s.work, "other")
        made = subprocess.run([BIN, "coverage", "--json"], env=dict(s.env, WANGGE_DATA=other), capture_output=True, text=True, timeout=300)
        assert made.returncode == 0, made.stderr
        wrong = os.path.join(s.work, "wrong")
        os.makedirs(wrong)
        shutil.copy(os.path.join(fresh, "wangge.sqlite"), wrong)
        shutil.copy(os.path.join(other, "wangge.keys"), wrong)
        before_bytes = open(os.path.join(wrong, "wangge.sqlite"), "rb").read()
        started = subprocess.run([BIN, "coverage", "--json"], env=dict(s.env, WANGGE_DATA=wrong), capture_output=True, text=True, timeout=300)
        assert started.returncode == 1 and "密钥文件与数据库不符" in started.stderr, started.stderr
        assert open(os.path.join(wrong, "wangge.sqlite"), "rb").read() == before_bytes, "nothing is written with the wrong keys"
