"""The `namecard` command: one module per subcommand, `main` dispatches."""
