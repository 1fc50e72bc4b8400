"""Batch jobs: many articles in one run, online or through a provider batch API.

    records.py           the one codec of a batch line (brief or error), for every reader and writer
    sources.py           the inputs: one pass to scan and fingerprint, one to read
    runner.py            a job: queue, cache, budgets, one line per article in the ledger
    workers.py           helper processes that make briefs (any backend)
    ledger.py            the output, written exactly once per id, resumable
    manifest.py          the run manifest and fingerprint beside the output
    cache.py             briefs by article and by what makes them (SQLite)
    ratelimit.py         client-side limits shared by every request of a job
    accounting.py        counts, tokens and cost of a job
    provider_files.py    provider batch request files (export), no network
    provider_replies.py  what one line of a provider's results says: a brief or a failure
    provider_import.py   a provider's results into the batch output, parts merged
    provider_api.py      the OpenAI Batch API: submit, status, wait, download
"""
