"""Root conftest: plugins the whole suite (tests/, adapters/, plugins/) shares."""

pytest_plugins = ["tests.pgserver"]
