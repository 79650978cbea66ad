"""The completeness audit: what a register (and so its notice) leaves out,
checked against UK GDPR Article 30(1), Articles 13/14 and the ICO template."""
