# Human front door to the CMake build. See README.md.
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=

.PHONY: all build deps test test-plain test-asan demo bench fuzz format format-check long-functions clean deb

all: build

deps:
	./scripts/install-deps

# The default build, `make demo` and `make bench` leave the test clock off
# (SAYSO_NOW is ignored); the test builds turn it on. They share $(BUILD), so
# each says which it wants and CMake rebuilds what changed.
build:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSAYSO_WERROR=ON -DSAYSO_TEST_CLOCK=OFF $(CMAKE_ARGS)
	cmake --build $(BUILD) -j $(JOBS)

test: deps format-check long-functions test-plain test-asan

test-plain:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSAYSO_WERROR=ON -DSAYSO_TEST_CLOCK=ON $(CMAKE_ARGS)
	cmake --build $(BUILD) -j $(JOBS)
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# Same suite again with AddressSanitizer + UndefinedBehaviorSanitizer (clang, so the
# libFuzzer harnesses are built and given a short run too).
test-asan:
	CC=clang cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DSAYSO_SANITIZE=ON -DSAYSO_WERROR=ON -DSAYSO_FUZZ=ON -DSAYSO_TEST_CLOCK=ON $(CMAKE_ARGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS)

demo: deps build
	./scripts/demo $(BUILD)

bench: build
	./bench/run $(BUILD)

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

# The house style, enforced: fails on any file clang-format would change.
format-check:
	clang-format --dry-run -Werror $$(git ls-files '*.c' '*.h')

# ... and on any function over 150 lines outside the tests.
long-functions:
	./scripts/long-functions

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)

# The Debian package, built from a copy of the tree (the files git knows,
# committed or not) in $(DEB_DIR)/sayso, so that the build's by-products stay
# out of the work tree; the .deb lands in $(DEB_DIR). No tests inside
# dpkg-buildpackage (nocheck): the suite runs separately.
DEB_DIR ?= $(BUILD)/deb
deb:
	rm -rf $(DEB_DIR)/sayso $(DEB_DIR)/*.deb $(DEB_DIR)/*.buildinfo $(DEB_DIR)/*.changes
	mkdir -p $(DEB_DIR)/sayso
	git ls-files -z --cached --others --exclude-standard | \
		xargs -0 sh -c 'for f; do [ -e "$$f" ] && printf "%s\0" "$$f"; done' sh | \
		tar -c --null -T - -f - | tar -x -C $(DEB_DIR)/sayso
	cd $(DEB_DIR)/sayso && DEB_BUILD_OPTIONS="nocheck parallel=$(JOBS)" \
		dpkg-buildpackage -us -uc -b
	rm -rf $(DEB_DIR)/sayso
	@ls $(DEB_DIR)/*.deb
