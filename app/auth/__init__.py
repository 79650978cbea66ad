"""API keys: who may write, to which controller."""
