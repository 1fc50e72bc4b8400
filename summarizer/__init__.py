"""summarizer: structured, grounded briefs of news articles."""
