"""reslog as a Model Context Protocol server (``reslog mcp``), at the edge of the package.

:mod:`reslog.mcp.reading` and :mod:`reslog.mcp.writing` are the tools as plain
functions over a log (plain data in, compact dicts with citations out; no MCP
SDK); :mod:`reslog.mcp.server` registers them with the ``mcp`` SDK (the
``mcp`` extra) and serves them over stdio. Nothing in the core imports this
package.
"""

__all__: list[str] = []
