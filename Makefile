# Convenience wrappers around ./dev (which needs only bash on a fresh machine).
.PHONY: run test build
run:
	./dev run
test:
	./dev test
build:
	./dev build
