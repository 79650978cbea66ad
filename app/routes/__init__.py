"""The HTTP endpoints of the API, one module per resource family; thin: parameters,
dependencies, one service call, a response."""
