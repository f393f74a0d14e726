"""The PDF report: its HTML, charts, the locked URL fetcher, and batches of reports."""
