"""Readers of other tools' logs (one module per format) and the merge into day pages (``base``)."""
