"""rinse: clean scraped news text into Parquet tables."""

__version__ = "0.1.0"
# Bump the suffix whenever a cleaning rule changes: documents cleaned by an older
# pipeline version are cleaned again on the next run.
PIPELINE_VERSION = f"{__version__}+rules.2"
