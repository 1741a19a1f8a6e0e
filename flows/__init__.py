"""Prefect flows that wire the stages of ``tasks``."""
