"""A Wangge server of a test's own: a fresh SQLite demo district in a temporary folder, served on a
free loopback port, for checks that must not share the common server (their own settings, their own
rate-limit counts). Used by test_upload_stall.py and test_notifications.py."""

import json
import os
import random
import re
import shutil
import socket
import subprocess
import tempfile
import time

import pytest
import requests


def postgres_database(purpose):
    """A fresh database on the test PostgreSQL server (WANGGE_TEST_POSTGRES_URL); its URL."""
    url = os.environ["WANGGE_TEST_POSTGRES_URL"]
    name = f"wangge_{purpose}_{os.getpid()}_{random.randrange(1 << 30)}"
    admin = re.sub(r"/[^/?]+(\?|$)", r"/postgres\1", url, count=1)
    subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True, capture_output=True)
    return re.sub(r"/[^/?]+(\?|$)", f"/{name}\\1", url, count=1)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class OwnServer:
    """`with OwnServer(bin, grids, env) as s:` — s.url, s.grid (the first grid's code), s.env, s.work."""

    def __init__(self, binary, grids=1, extra_env=None, prefix="wangge-own-"):
        self.binary = binary
        self.work = tempfile.mkdtemp(prefix=prefix)
        env = dict(os.environ, WANGGE_DATA=os.path.join(self.work, "data"))
        for name in ("DATABASE_URL", "DATABASE_SCHEMA", "WANGGE_KEYS", "WANGGE_KEY_FILE"):
            env.pop(name, None)
        env.update(extra_env or {})
        self.env = env
        self.grids = grids
        self.proc = None

    def run(self, *args):
        """A command of the binary on this server's data; its standard output."""
        return subprocess.run([self.binary, *args], env=self.env, check=True, capture_output=True, text=True).stdout

    def __enter__(self):
        # No case history: these servers measure and count their own cases.
        self.run("demo", "--grids", str(self.grids), "--case-days", "0")
        boundaries = os.path.join(self.work, "b.geojson")
        self.run("export", "boundaries", "-o", boundaries)
        with open(boundaries) as f:
            self.grid = min(x["properties"]["code"] for x in json.load(f)["features"] if x["properties"]["level"] == "grid")
        port = free_port()
        log = open(os.path.join(self.work, "server.log"), "w")
        self.proc = subprocess.Popen([self.binary, "serve", "--hostname", "127.0.0.1", "--port", str(port)], env=self.env, stdout=log, stderr=log)
        self.url = f"http://127.0.0.1:{port}"
        for _ in range(120):
            try:
                if requests.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.5)
        self.__exit__(None, None, None)
        pytest.fail("the server did not answer /healthz")

    def __exit__(self, *exc):
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        shutil.rmtree(self.work, ignore_errors=True)
