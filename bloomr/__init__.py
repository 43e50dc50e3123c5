"""The ``bloomr`` command and the settings shared by the CLI and the web app."""
