# pelab: the two commands a newcomer needs are `make demo-metallb` and `make test`.
# Every target installs what it needs first (idempotent): see scripts/setup.sh.
SHELL := /bin/bash
NODE_BIN := $(CURDIR)/.tools/node/bin
export PATH := $(NODE_BIN):$(PATH)
PELAB := bin/pelab
# The type check, incremental: a repeated run re-checks what changed (3.5 CPU-s instead of 12);
# the build info lives in .cache (git-ignored), so a fresh clone checks everything.
TSC := npx tsc --noEmit --incremental --tsBuildInfoFile .cache/tsc/tsbuildinfo
# Extra arguments for the demos' `pelab run` (check-fresh gives its lab a name of its own).
PELAB_RUN_ARGS ?=

.PHONY: setup test unit e2e typecheck demo-metallb demo-metallb-passthrough bench clean-labs soak check-fresh frr10-root

setup:
	@bash scripts/setup.sh

# Unit tests plus the netns end-to-end tests (these need root and FRR; setup installs FRR).
# The type check runs beside vitest and fails the target too: one after the other it added 10 s.
test:
	@bash scripts/setup.sh --test
	@$(TSC) & tsc=$$!; \
	  npx vitest run $(VITEST_ARGS); vitest=$$?; \
	  wait $$tsc || { echo "make test: the type check (tsc) failed" >&2; exit 1; }; exit $$vitest

# Every test that needs neither root nor FRR nor a lab: what a plain clone (without ../shared) runs.
# Tests that need root, FRR, nftables or the upstream files skip and say why.
unit:
	@test -d node_modules || npm ci --no-audit --no-fund
	$(TSC)
	npx vitest run --exclude 'test/e2e/**' --exclude 'test/soak/**' $(VITEST_ARGS)

# The netns end-to-end tests: real labs (root and FRR; setup installs FRR).
e2e:
	@bash scripts/setup.sh --test
	npx vitest run test/e2e $(VITEST_ARGS)

typecheck: setup
	$(TSC)

demo-metallb: setup
	$(PELAB) run scenarios/metallb-evpn.yaml --demo $(PELAB_RUN_ARGS)

demo-metallb-passthrough: setup
	$(PELAB) run scenarios/metallb-passthrough.yaml --demo $(PELAB_RUN_ARGS)

# Medians of BENCH_RUNS runs (default 5) with min and max, pelab beside the baseline and the system
# FRR beside FRR 10, then the scenario BENCH_TAIL_RUNS times in a row (default 20); out/bench.json.
# Progress goes to stderr, the tables to stdout. Run it under flock /tmp/pelab-e2e.lock on a shared machine.
bench: setup
	node bench/run.ts --runs $${BENCH_RUNS:-5} --tail-runs $${BENCH_TAIL_RUNS:-20} --json out/bench.json

# pelab killed (SIGINT/SIGKILL) at random moments during up, apply, run and down, each followed by
# a plain down; prints "N interrupted runs, M with leftovers" and fails when M > 0. SOAK_N runs
# (default 100), SOAK_SEED replays a sequence, SOAK_NAME is the lab instance (default life-soak).
soak: setup
	node test/soak/soak.ts

# The README's commands on a fresh Debian 12 root (debootstrap, cached in .cache/check-fresh):
# see scripts/check-fresh.sh. CHECK_FRESH_REF=<commit> checks an older commit;
# CHECK_FRESH_SUITE=trixie a fresh Debian 13 root (FRR 10.3).
check-fresh:
	@bash scripts/check-fresh.sh

# The private Debian 13 root with FRR 10 (what `PELAB_FRR=10 make setup` builds on Debian 12).
frr10-root:
	@bash scripts/frr10-root.sh

# Removes every pelab lab left on this machine (namespaces, daemons, mounts, files).
clean-labs: setup
	$(PELAB) down --all

-include mk/*.mk
