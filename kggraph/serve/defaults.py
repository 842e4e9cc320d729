"""The server's default limits, importable without the server (the command line's help
names them)."""

DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_BYTES = 64_000_000
DEFAULT_MEMORY_MB = 2048
