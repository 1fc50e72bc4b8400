"""The real llama.cpp server tier (make test-real); a package so its conftest is not "conftest"."""
