"""Replay recorded differential scenarios against an ``app-server`` command (stdlib only).

A scenario folder holds ``scenario.json`` (the steps a client plays) and ``golden.json`` (the
normalized transcript the reference Codex CLI 0.100.0 produced for it). The player gives every
scenario a sandbox of its own (temp HOME, CODEX_HOME = HOME/.codex, a workspace, a fresh mock
model and a config.toml pointing at it), plays the steps against the server over JSONL stdio,
normalizes what the server sent and compares it with the golden transcript.

Step language, sandbox, transcript cut, normalization and ordering rules follow the
conformance kit's README; goldens recorded with the kit replay here unchanged.

    python tests/differential/player.py --server "codex app-server" tests/differential/scenarios
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import shlex
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__:
    from .server_process import Entry, ServerProcess, StepFailed
    from .transcript import DROPPED_NOTIFICATIONS, RACY_KINDS, compare, normalize
else:  # run as a script: its own folder is on sys.path
    from server_process import Entry, ServerProcess, StepFailed  # type: ignore[no-redef]
    from transcript import DROPPED_NOTIFICATIONS, RACY_KINDS, compare, normalize  # type: ignore[no-redef]

# ---- sandbox ---------------------------------------------------------------------------------

API_KEY_VAR = "MOCK_PROVIDER_API_KEY"
API_KEY_VALUE = "mock-key"
# Top-level config.toml keys every scenario starts from; a scenario's "config" overrides them.
BASE_CONFIG: dict[str, Any] = {
    "model": "mock-model",
    "model_provider": "mock",
    "approval_policy": "on-request",
    "sandbox_mode": "read-only",
}
POLL = 0.2


# ---- scenarios -------------------------------------------------------------------------------


def _lookup(message: Any, dotted: str) -> tuple[bool, Any]:
    """(found, value) at a dotted path; numeric parts index arrays (negative ones too)."""
    current = message
    for part in dotted.split("."):
        if isinstance(current, list) and part.lstrip("-").isdigit():
            try:
                current = current[int(part)]
            except (IndexError, ValueError):
                return False, None
        elif isinstance(current, dict) and part in current:
            current = current[part]
        else:
            return False, None
    return True, current


def _field(message: Any, dotted: str) -> Any:
    """The value at a dotted path through objects only; None when absent (for ``match``)."""
    current = message
    for part in dotted.split("."):
        current = current.get(part) if isinstance(current, dict) else None
    return current


@dataclass
class ScenarioResult:
    name: str
    reason: str | None
    stderr_tail: str = ""
    kept: Path | None = None


class _Run:
    """One play of one scenario: sandbox, mock model, server process(es), transcript."""

    def __init__(
        self,
        folder: Path,
        server_argv: Sequence[str],
        mock_factory: Callable[..., Any],
        timeout: float,
        pass_env: Sequence[str],
    ) -> None:
        self.folder = folder
        spec = json.loads((folder / "scenario.json").read_text(encoding="utf-8"))
        if isinstance(spec, list):
            spec = {"steps": spec}
        self.steps: list[dict[str, Any]] = spec["steps"]
        self.config: dict[str, Any] = {**BASE_CONFIG, **spec.get("config", {})}
        self.unordered = set(RACY_KINDS) | set(spec.get("unordered", []))
        self.dropped = set(DROPPED_NOTIFICATIONS) | set(spec.get("ignored", []))
        self.server_argv = list(server_argv)
        self.mock_factory = mock_factory
        self.timeout = timeout
        self.pass_env = list(pass_env)
        self.vars: dict[str, Any] = {}
        self.segments: list[list[Entry]] = []
        self.cond = threading.Condition()
        self.root: Path | None = None
        self.mock: Any = None
        self.server: ServerProcess | None = None

    # sandbox -----------------------------------------------------------------------------------

    def _prepare(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="differential-"))
        self.home = self.root / "home"
        self.codex_home = self.home / ".codex"
        self.workspace = self.root / "workspace"
        self.codex_home.mkdir(parents=True)
        self.workspace.mkdir()
        self.model_log = self.root / "model-requests.jsonl"
        self.stderr_log = self.root / "server-stderr.log"
        self.mock = self.mock_factory(log_path=str(self.model_log)).start()
        self._write_config()
        self.env = {
            "HOME": str(self.home),
            "CODEX_HOME": str(self.codex_home),
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            API_KEY_VAR: API_KEY_VALUE,
        }
        self.env.update({name: os.environ[name] for name in self.pass_env if name in os.environ})
        self.vars.update(
            WORKSPACE=str(self.workspace),
            HOME=str(self.home),
            CODEX_HOME=str(self.codex_home),
            MOCK_URL=self.mock.base_url,
        )

    def _write_config(self) -> None:
        # top-level values are written as JSON literals (valid TOML for strings, numbers, booleans, arrays)
        top = [f"{key} = {json.dumps(value)}" for key, value in self.config.items()]
        provider = [
            "[model_providers.mock]",
            'name = "mock"',
            f'base_url = "{self.mock.base_url}"',
            'wire_api = "responses"',
            f'env_key = "{API_KEY_VAR}"',
            "request_max_retries = 0",
            "stream_max_retries = 0",
            "stream_idle_timeout_ms = 20000",
        ]
        project = [f'[projects."{self.workspace}"]', 'trust_level = "trusted"']
        text = "\n".join([*top, "", *provider, "", *project, ""])
        (self.codex_home / "config.toml").write_text(text, encoding="utf-8")

    def replacements(self) -> list[tuple[str, str]]:
        pairs = [(self.mock.base_url, "<MOCK_URL>"), (f"127.0.0.1:{self.mock.port}", "<MOCK_HOST>")]
        assert self.root is not None
        for path, token in (
            (self.workspace, "<WORKSPACE>"),
            (self.codex_home, "<CODEX_HOME>"),
            (self.home, "<HOME>"),
            (self.root, "<TMP>"),
        ):
            pairs.append((str(path), token))
            pairs.append((os.path.realpath(path), token))
        return pairs

    # server ------------------------------------------------------------------------------------

    def _launch(self) -> None:
        segment: list[Entry] = []
        if self.segments:
            segment.append(Entry({"~restart": len(self.segments)}, consumed=True))
        with self.cond:
            self.segments.append(segment)
        try:
            self.server = ServerProcess(
                self.server_argv, self.workspace, self.env, self.stderr_log, segment, self.cond
            )
        except OSError as exc:
            raise StepFailed(f"cannot start the server {self.server_argv!r}: {exc}") from None

    def _shutdown(self) -> None:
        server, self.server = self.server, None
        if server is not None:
            server.stop()

    def _take(self, wanted: Callable[[Any], bool], what: str, timeout: float) -> dict[str, Any]:
        """Consume the earliest not yet consumed message of the current server that ``wanted``
        accepts, waiting for it up to ``timeout`` seconds."""
        assert self.server is not None
        server = self.server
        deadline = time.monotonic() + timeout
        seen = 0
        with self.cond:
            while True:
                segment = server.segment
                for entry in segment[seen:]:
                    if not entry.consumed and wanted(entry.message):
                        entry.consumed = True
                        return entry.message
                seen = len(segment)
                code = server.exit_code()
                if code is not None:
                    raise StepFailed(f"server exited with code {code} while waiting for {what}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StepFailed(f"timeout after {timeout:g}s waiting for {what}")
                self.cond.wait(min(left, POLL))

    # steps -------------------------------------------------------------------------------------

    def substitute(self, value: Any) -> Any:
        if isinstance(value, str):
            name = value[2:-1]
            if value.startswith("${") and value.endswith("}") and name in self.vars:
                return self.vars[name]  # the whole string: the captured value, with its type
            for var, replacement in self.vars.items():
                value = value.replace("${" + var + "}", str(replacement))
            return value
        if isinstance(value, list):
            return [self.substitute(item) for item in value]
        if isinstance(value, dict):
            return {k: self.substitute(v) for k, v in value.items()}
        return value

    def _capture(self, message: dict[str, Any], spec: dict[str, str]) -> None:
        for name, dotted in spec.items():
            found, value = _lookup(message, dotted)
            if not found:
                raise StepFailed(f"capture {name!r}: no {dotted!r} in {json.dumps(message)[:300]}")
            self.vars[name] = value

    def _send(self, text: str) -> None:
        assert self.server is not None
        self.server.write_line(text)

    def _step(self, step: dict[str, Any]) -> None:
        timeout = float(step.get("timeout", self.timeout))
        capture = step.get("capture", {})
        if "send" in step:
            self._send(json.dumps(self.substitute(step["send"])))
        elif "raw" in step:
            self._send(self.substitute(step["raw"]))
        elif "expect_response" in step:
            rid = self.substitute(step["expect_response"])
            message = self._take(
                lambda m: "method" not in m and m.get("id") == rid, f"the response to id {rid!r}", timeout
            )
            self._capture(message, capture)
        elif "wait" in step:
            method = step["wait"]
            match = self.substitute(step.get("match", {}))
            message = self._take(
                lambda m: (
                    m.get("method") == method
                    and "id" not in m
                    and all(_field(m, path) == want for path, want in match.items())
                ),
                f"notification {method!r}" + (f" matching {json.dumps(match)}" if match else ""),
                timeout,
            )
            self._capture(message, capture)
        elif "answer" in step:
            method = step["answer"]
            request = self._take(
                lambda m: m.get("method") == method and "id" in m, f"server request {method!r}", timeout
            )
            self._capture(request, capture)
            reply = {"id": request["id"], "result": self.substitute(step.get("result", {}))}
            self._send(json.dumps(reply))
        elif "restart" in step:
            self._shutdown()
            self._launch()
        elif "write_file" in step:
            target = self.workspace / step["write_file"]
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(self.substitute(step.get("content", "")), encoding="utf-8")
        elif "check_file" in step:
            want = step.get("exists", True)
            if (self.workspace / step["check_file"]).exists() != want:
                should = "exist" if want else "not exist"
                raise StepFailed(f"workspace file {step['check_file']!r} should {should}")
        elif "check_model" in step:
            self._check_model(step["check_model"])
        elif "sleep" in step:
            time.sleep(float(step["sleep"]))
        else:
            raise StepFailed("unknown step")

    def _check_model(self, spec: dict[str, Any]) -> None:
        posts: list[dict[str, Any]] = []
        if self.model_log.exists():
            for line in self.model_log.read_text(encoding="utf-8").splitlines():
                record = json.loads(line)
                if record.get("method") == "POST":
                    posts.append(record)
        if "requests" in spec and len(posts) != spec["requests"]:
            raise StepFailed(f"the mock model got {len(posts)} requests, expected {spec['requests']}")
        if posts and "body" not in posts[-1]:
            raise StepFailed(f"the last model request ({posts[-1].get('path')}) has no JSON body")
        last_body = json.dumps(posts[-1]["body"]) if posts else ""
        for needle in spec.get("last_contains", []):
            if needle not in last_body:
                raise StepFailed(f"the last model request lacks {needle!r}")

    # transcript --------------------------------------------------------------------------------

    def raw_messages(self) -> list[Any]:
        """Everything received, all server processes (with their restart markers)."""
        with self.cond:
            return [entry.message for segment in self.segments for entry in segment]

    def transcript(self) -> list[Any]:
        """Per server process, the messages up to the last one a step consumed, without the
        dropped notifications."""
        out: list[Any] = []
        with self.cond:
            for segment in self.segments:
                cut = max((i + 1 for i, entry in enumerate(segment) if entry.consumed), default=0)
                for entry in segment[:cut]:
                    m = entry.message
                    if isinstance(m, dict) and "id" not in m and m.get("method") in self.dropped:
                        continue
                    out.append(m)
        return out

    def play(self) -> list[Any]:
        """Play every step; the normalized transcript. Always stops the server and the mock."""
        try:
            self._prepare()
            self._launch()
            for number, step in enumerate(self.steps, 1):
                try:
                    self._step(step)
                except StepFailed as exc:
                    raise StepFailed(f"step {number} {json.dumps(step)[:120]}: {exc}") from None
            return normalize(self.transcript(), self.replacements())
        finally:
            try:
                self._shutdown()
            finally:
                if self.mock is not None:
                    with contextlib.suppress(Exception):
                        self.mock.stop()

    def stderr_tail(self, lines: int) -> str:
        if self.root is None or lines <= 0:
            return ""
        try:
            text = self.stderr_log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(f"    | {line}" for line in text.splitlines()[-lines:])

    def finish(self, keep: bool) -> Path | None:
        if self.root is None:
            return None
        if keep:
            raw = json.dumps(self.raw_messages(), indent=1)
            (self.root / "transcript.json").write_text(raw, encoding="utf-8")
            return self.root
        shutil.rmtree(self.root, ignore_errors=True)
        return None


def run_scenario(
    folder: Path,
    server_argv: Sequence[str],
    mock_factory: Callable[..., Any],
    timeout: float = 20.0,
    *,
    pass_env: Sequence[str] = (),
    keep: bool = False,
    stderr_lines: int = 20,
) -> ScenarioResult:
    """Play one scenario folder and compare with its golden.json."""
    folder = Path(folder)
    run: _Run | None = None
    reason: str | None
    try:
        run = _Run(folder, server_argv, mock_factory, timeout, pass_env)
        got = run.play()
        golden_path = folder / "golden.json"
        if not golden_path.exists():
            reason = "no golden.json (record it with the conformance kit against the reference)"
        else:
            golden = json.loads(golden_path.read_text(encoding="utf-8"))
            reason = compare(golden["transcript"], got, run.unordered)
    except StepFailed as exc:
        reason = str(exc)
    except Exception as exc:  # a broken scenario or server is a failure of that scenario only
        reason = f"{type(exc).__name__}: {exc}"
    tail = ""
    kept = None
    if run is not None:
        if reason is not None:
            tail = run.stderr_tail(stderr_lines)
        kept = run.finish(keep)
    return ScenarioResult(folder.name, reason, tail, kept)


def play_scenario(
    folder: Path,
    server_argv: list[str],
    mock_factory: Callable[..., Any],
    timeout: float = 20.0,
    *,
    pass_env: Sequence[str] = (),
    keep: bool = False,
) -> str | None:
    """None when the scenario replays as recorded, else why not (with the server's stderr tail)."""
    result = run_scenario(folder, server_argv, mock_factory, timeout, pass_env=pass_env, keep=keep)
    if result.reason is None:
        return None
    if result.stderr_tail:
        return f"{result.reason}\n  server stderr (tail):\n{result.stderr_tail}"
    return result.reason


def find_scenarios(dirs: Iterable[str | Path]) -> list[Path]:
    """Scenario folders: each dir itself if it holds scenario.json, else those below it."""
    found: list[Path] = []
    for d in map(Path, dirs):
        if (d / "scenario.json").is_file():
            found.append(d)
        else:
            found.extend(sorted(p.parent for p in d.rglob("scenario.json")))
    return found


def load_mock_class(path: str | Path) -> Callable[..., Any]:
    """``MockModel`` from a Python file, loaded by path (no sys.path changes)."""
    path = Path(path).resolve()
    name = f"_differential_mock_{abs(hash(str(path)))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module.MockModel  # type: ignore[no-any-return]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Replay differential scenarios against an app-server command.")
    ap.add_argument("--server", required=True, help='the whole server command line, e.g. "codex app-server"')
    ap.add_argument(
        "--mock",
        metavar="FILE",
        default=str(Path(__file__).with_name("mock_model.py")),
        help="Python file defining MockModel (default: mock_model.py next to this file)",
    )
    ap.add_argument("--timeout", type=float, default=20.0, help="per-wait timeout in seconds (default 20)")
    ap.add_argument("--pass-env", action="append", default=[], metavar="NAME", help="pass this env var too")
    ap.add_argument(
        "--keep", action="store_true", help="keep each scenario's temp dir (with transcript.json)"
    )
    ap.add_argument("-v", "--verbose", action="store_true", help="show the server's stderr tail on failure")
    ap.add_argument("dirs", nargs="+", help="scenario folders, or folders containing them")
    args = ap.parse_args(argv)
    try:
        mock_class = load_mock_class(args.mock)
    except (OSError, ImportError, AttributeError) as exc:
        ap.error(f"--mock: {exc}")
    server_argv = shlex.split(args.server)
    passed = failed = 0
    for folder in find_scenarios(args.dirs):
        result = run_scenario(
            folder,
            server_argv,
            mock_class,
            args.timeout,
            pass_env=args.pass_env,
            keep=args.keep,
            stderr_lines=15 if args.verbose else 0,
        )
        if result.reason is None:
            passed += 1
            print(f"PASS {result.name}", flush=True)
        else:
            failed += 1
            print(f"FAIL {result.name} -- {result.reason}", flush=True)
            if result.stderr_tail:
                print(result.stderr_tail, flush=True)
        if result.kept is not None:
            print(f"    (kept {result.kept})", flush=True)
    print(f"{passed} passed, {failed} failed", flush=True)
    return 0 if failed == 0 and passed > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
