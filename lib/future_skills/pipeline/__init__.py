"""Pipeline: retrain orchestration, notebook execution, scheduled drift job."""
import sys

# nbformat's validator imports jsonschema, whose format checkers build an IRI grammar with lark at
# import time when rfc3987-syntax is installed (a Jupyter extra): one second of every pipeline
# command, for an "iri" format no notebook schema uses. Marking it absent makes jsonschema skip that
# one checker; a process that imported it already keeps it.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
