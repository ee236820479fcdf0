"""The whole schema: importing this module registers every model on `Base.metadata`.

Each area keeps its tables in its own module; list it here so that migrations and the
models-versus-migrations test see it.
"""

from storage.schema_models import Base  # noqa: F401  (core tables)

# Area modules with tables of their own (one import each):
import storage.incidents  # noqa: E402,F401
import storage.outgoing_mail  # noqa: E402,F401
import storage.indicator_tables  # noqa: E402,F401
import storage.evidence.records  # noqa: E402,F401
import storage.proposals  # noqa: E402,F401
