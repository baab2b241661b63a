"""The dashboard: server-rendered pages over the engines (Jinja2), served with the API."""
