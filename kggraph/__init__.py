"""kggraph: knowledge graphs from Dutch parliamentary written questions and answers."""

__version__ = "0.1.0"

#: Base IRI of the resources kggraph mints (``--base`` changes it). Here, not in lexicon.py,
#: so that the command line can name it without importing rdflib.
DEFAULT_BASE = "https://w3id.org/kggraph/id/"
