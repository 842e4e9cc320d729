"""kggraph: knowledge graphs from Dutch parliamentary written questions and answers."""

__version__ = "0.1.0"
