"""``reslog serve``: the log in a browser, on the same Markdown files (the ``web`` extra).

An adapter at the edge, like the CLI: nothing in the core imports it. ``app`` wires the
FastAPI application behind ``security.Guard``; ``pages`` (HTML and htmx fragments) and ``api``
(JSON, ``/openapi.json``) are its routes; ``reader`` is the one place that talks to the index
and the semantic layer; ``quick`` reads the capture box; ``views``, ``markup`` and ``charts``
turn pages, Markdown and statistics into what the templates show; ``server`` runs it.
"""
