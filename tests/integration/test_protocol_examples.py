"""The examples of docs/app-server-methods.md are accepted by the real `codex app-server`: each
client request, sent as the page shows it, gets a result or a domain error, never a params error."""

from __future__ import annotations

import json
from pathlib import Path

from mock_model.server import MockModelServer
from support.appserver import StdioAppServer
from support.turns import model_env, write_mock_config

from app_server.protocol.docs_page import load_examples
from app_server.protocol.registry import CLIENT_REQUESTS

PAGE_CWD = "/home/me/project"


def test_every_client_request_example_is_accepted(
    codex_bin: str, isolated_env: dict[str, str], tmp_path: Path
) -> None:
    workspace = tmp_path / "project"
    workspace.mkdir()
    examples = load_examples()
    env = {**model_env(isolated_env), "CODEX_LOGIN_SERVER_PORT": "0"}
    with MockModelServer() as model:
        write_mock_config(Path(isolated_env["CODEX_HOME"]), model.url)
        with StdioAppServer(codex_bin, env) as server:
            server.initialize(experimentalApi=True)
            refused: dict[str, str] = {}
            for spec in CLIENT_REQUESTS:
                example = examples[spec.method]
                params = None
                if example.has_params:
                    # The page's paths, moved into a folder that exists here.
                    params = json.loads(json.dumps(example.params).replace(PAGE_CWD, str(workspace)))
                response = server.request(spec.method, params, timeout=30)
                error = response.get("error")
                if error is not None and error["message"].startswith("Invalid request"):
                    refused[spec.method] = error["message"]
    assert refused == {}
