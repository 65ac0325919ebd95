"""Accuracy and speed of ``ura match``: synthetic data, FEBRL, splink side by side."""
