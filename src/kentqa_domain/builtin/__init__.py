"""Built-in plugins: registered explicitly, like any third-party plugin (SPEC section 6)."""
