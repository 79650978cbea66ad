"""What the register said at any past moment, reconstructed from the audit trail."""
