"""The imports area's adapters for the entry points: file readers, the batch writer into the registry, and the
ledger of handled rows."""

from __future__ import annotations

from emprende.adapters.imports.ledger import SqliteImportLedger
from emprende.adapters.imports.readers import ImportEncoding, ImportFormat, read_rows
from emprende.adapters.sql.participants.import_sink import SqlImportSink
from emprende.bootstrap.wiring import AreaWiring
from emprende.services.imports.ports import ImportLedger, ImportSink
from emprende.services.shared.principal import Scope

# File reading for bulk imports, for the entry points (which reach adapters only through the composition root).
__all__ = ["ImportEncoding", "ImportFormat", "ImportsWiring", "read_rows"]


class ImportsWiring(AreaWiring):
    def sink(self, scope: Scope, *, dry_run: bool = False) -> ImportSink:
        """Batch persistence for bulk imports (a dry run's sink reads only)."""
        return SqlImportSink(self._infrastructure.uow(scope, read_only=dry_run), scope)

    def ledger(self) -> ImportLedger:
        """What a bulk import keeps of the rows it has handled, in a temporary file: its memory stays flat."""
        return SqliteImportLedger()
