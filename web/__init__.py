"""The Bloomr website and JSON API (Starlette + Jinja2)."""
