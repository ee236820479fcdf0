"""`veilleur serve --host H --port P` serves the dashboard and the API over the configured database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_veilleur_serve_answers_on_the_given_host_and_port(tmp_path):
    port = _free_port()
    env = {**os.environ, "VEILLEUR_DATA_DIR": str(tmp_path), "VEILLEUR_OPERATOR_TOKEN": "t"}
    env.pop("VEILLEUR_DATABASE_URL", None)
    server = subprocess.Popen([sys.executable, "-m", "veilleur.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
                    page = response.read().decode()
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"veilleur serve did not answer: {server.communicate(timeout=5)}")
                time.sleep(0.2)
        assert "Accessibilité : partiellement conforme" in page
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/services", timeout=5) as response:
            assert response.read() == b'{"items":[],"total":0,"limit":50,"offset":0}'
        # The operator's token is the one `veilleur serve` read in VEILLEUR_OPERATOR_TOKEN.
        operator = urllib.request.Request(f"http://127.0.0.1:{port}/api/proposals", headers={"Authorization": "Bearer t"})
        with urllib.request.urlopen(operator, timeout=5) as response:
            assert response.status == 200
        stranger = urllib.request.Request(f"http://127.0.0.1:{port}/api/proposals", headers={"Authorization": "Bearer u"})
        try:
            urllib.request.urlopen(stranger, timeout=5)
            raise AssertionError("a wrong operator token was let in")
        except urllib.error.HTTPError as refused:
            assert refused.code == 403
    finally:
        server.terminate()
        _, err = server.communicate(timeout=20)
    assert f"Tableau de bord : http://127.0.0.1:{port}/" in err
    assert (tmp_path / "veilleur.db").is_file()
