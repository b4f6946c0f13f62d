"""cleanpipe: clean scraped news articles into JSONL.

The library never imports prefect; the flows in ``cleanpipe_flows`` wrap it.
"""

from cleanpipe.config import Config, load_config
from cleanpipe.ingest import run

__all__ = ["Config", "load_config", "run"]
__version__ = "0.1.0"
