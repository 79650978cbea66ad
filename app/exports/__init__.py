"""The register in the formats other tools read: JSON-LD with DPV, TILT and
the ICO record of processing (CSV, XLSX). Every format is built from one
``Snapshot`` so that all of them state the same facts as ``/api/v1/register``."""
