"""HTTP routes: /callback for LINE, and the operator endpoints."""
