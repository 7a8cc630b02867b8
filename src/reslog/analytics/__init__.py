"""Film study: one module per question a researcher asks of the log (``reslog stats TOPIC``).

Each topic module has ``compute(data: Data) -> dict`` (JSON-ready, every figure
with the citations of the entries behind it), ``render(result) -> list[str]``
(terminal lines) and ``plot(result, path)`` (matplotlib, imported inside it).
"""

#: TOPIC -> the question it answers (the module is reslog.analytics.TOPIC); the CLI, the web app and
#: the MCP server all offer these.
TOPICS = {
    "time": "How long do tasks really take against my estimates?",
    "bugs": "Which bugs keep recurring?",
    "sources": "Where did my important information and my ideas come from?",
    "focus": "How did my focus evolve?",
    "weeks": "What made a week better than the last?",
    "habits": "When and how do I log?",
    "runs": "Which experiments did I run, how did they end, and which taught me something?",
}
