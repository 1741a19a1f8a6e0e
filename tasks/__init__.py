"""Cleaning stages: plain functions over plain data, and their thin Prefect task wrappers."""
