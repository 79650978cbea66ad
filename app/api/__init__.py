"""HTTP plumbing shared by the routers: dependencies and response helpers."""
