"""Where documents come from: publication sites and folders, polled for new or changed documents.

    from budgetdq.sources import load_sources

    for source in load_sources(Path("deploy/sources.toml")):
        for fetched in source.poll(registry.known):
            ...

`model.py` is the interface every source implements; `http.py` (with `listing.py` reading listing
pages and `fetch.py` doing polite HTTP) and `folder.py` are the sources; `config.py` reads them from
a TOML file.
"""

from budgetdq.sources.config import SOURCE_TYPES, default_sources, load_sources, sources_for
from budgetdq.sources.errors import SourceError
from budgetdq.sources.fetch import FetchError, PoliteClient, TooLarge
from budgetdq.sources.folder import FolderSource
from budgetdq.sources.http import HttpSource, document_suffix
from budgetdq.sources.listing import PageLink, read_listing
from budgetdq.sources.model import Fetched, Known, Listed, Source

__all__ = [
    "SOURCE_TYPES",
    "FetchError",
    "Fetched",
    "FolderSource",
    "HttpSource",
    "Known",
    "Listed",
    "PageLink",
    "PoliteClient",
    "Source",
    "SourceError",
    "TooLarge",
    "default_sources",
    "document_suffix",
    "load_sources",
    "read_listing",
    "sources_for",
]
