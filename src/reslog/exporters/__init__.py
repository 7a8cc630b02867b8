"""Exports of the log: selection and redaction (``select``), then one module per format."""
