"""``/sharing``: who gets what, about whom, why: its query, filters and in-memory indexes."""
