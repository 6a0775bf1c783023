"""Benchmarks: `python -m benchmarks.NAME`. Each prints `name: value unit` lines and `ratio:` last."""
