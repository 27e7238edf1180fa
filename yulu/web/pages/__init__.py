"""The console's pages, one module per page: read the request, call a service, render."""
