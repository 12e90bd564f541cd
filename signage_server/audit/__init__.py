"""The hash-chained audit log: every transition of every disclosure item, tamper-evident."""
