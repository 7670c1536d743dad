"""The version we report on the wire and in rollouts: the reference release we are compatible with."""

CLI_VERSION = "0.100.0"
CLI_NAME = "codex-cli"
