"""Batch jobs: many articles in one run, online or through a provider batch API."""
