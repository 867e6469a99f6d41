"""Validation layers, in the order they run: descriptor, files, rows and keys, pandera, semantic."""
