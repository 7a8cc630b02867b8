"""Film study: one module per question a researcher asks of the log (``reslog stats TOPIC``).

Each topic module has ``compute(data: Data) -> dict`` (JSON-ready, every figure
with the citations of the entries behind it), ``render(result) -> list[str]``
(terminal lines) and ``plot(result, path)`` (matplotlib, imported inside it).
"""
