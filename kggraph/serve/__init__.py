"""``kggraph serve``: a corpus store in the browser.

- ``app``: the Starlette application, its routes and security headers;
- ``pages``, ``document``: a page per document, person, party, ministry, law, outlet and
  any other node, and the lists; ``insights``, ``insight_pages``, ``plots``: plots with
  their data as CSV, and the citation-network explorer;
- ``protocol``: the read-only SPARQL 1.1 Protocol endpoint at ``/sparql``;
- ``executor``, ``worker``: every query runs in a worker process that is killed at its time
  limit; ``site``: named queries (``queries/*.rq``), the cache, links, templates.
"""
