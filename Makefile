# The front door. `make` runs the pipeline, one stage per script in scripts/:
#
#   deps -> fetch -> unpack -> apply -> config -> build -> image -> boot -> verdict
#
# (image also takes the kernel selftests and ndctl's own tests, each built by a stage of its own;
# boot and verdict run once per guest test list of SUITES.)
#
# Every stage is re-runnable and cheap when its output is up to date; `make help` lists targets
# and variables. Data lives in files: conf/ (pin, packages, guest, NVDIMM layout, splat
# patterns), kernel-config/ (fragments), series + patches/, test/tests.list.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := all
MAKEFLAGS += --no-print-directory

include conf/pin.env

# Variables (documented in `make help` and README.md).
PATCHED ?= 1
# ARCH=arm64: the same pipeline for the arm64 guest (conf/arch/arm64.env), in build/arm64. Not
# exported: the scripts default to x86_64, and a command-line ARCH reaches them through make.
ARCH ?= x86_64
# DEBUG=1: the series on a debug kernel (kernel-config/debug.config: KASAN, KFENCE, DEBUG_VM,
# lockdep, ...), in build/debug (with PATCHED=0: pristine v7.2.8, in build/debug-pristine); any
# target that builds and boots works with it.
DEBUG ?= 0
# DEBUG=1 and GDB=1 (make gdb: debug information and the GDB scripts) build a kernel of that kind
# with kernel-config/<kind>.config on top of the base, in build/<kind>, or with PATCHED=0 pristine
# v$(LINUX_VERSION) in build/<kind>-pristine (no patches; the series' expectations).
# MODULES=1: the same with the NVDIMM and device-DAX drivers as modules (kernel-config/modules.config),
# installed in the guest with nfit_test's (tools/testing/nvdimm), in build/<arch>/modules
# (PATCHED=0: build/<arch>/modules-pristine). x86_64's test kernels are modular already (kernel-config/x86_64.config):
# there MODULES=1 changes nothing.
KERNEL_KIND := $(if $(filter 1,$(GDB)),gdb,$(if $(filter 1,$(DEBUG)),debug,$(if $(filter 1,$(MODULES)),$(if $(filter x86_64,$(ARCH)),,modules))))
ifneq ($(KERNEL_KIND),)
FRAGMENTS := kernel-config/base.config kernel-config/$(ARCH).config kernel-config/$(KERNEL_KIND).config \
	$(wildcard kernel-config/$(KERNEL_KIND)-$(ARCH).config)
ifeq ($(PATCHED),0)
FLAVOUR := $(KERNEL_KIND)-pristine
SERIES := $(CURDIR)/conf/pristine.series
SERIES_ANNOTATED := $(CURDIR)/series
export SERIES_ANNOTATED
else
FLAVOUR := $(KERNEL_KIND)
endif
endif
ifeq ($(KERNEL_KIND),debug)
BOOT_TIMEOUT := 3600
endif
ifeq ($(KERNEL_KIND),gdb)
BOOT_TIMEOUT := 86400
BUILD_TARGETS := $(if $(filter x86_64,$(ARCH)),bzImage modules,Image) scripts_gdb
export BUILD_TARGETS
endif
FLAVOUR ?= $(if $(filter 0,$(PATCHED)),pristine,patched)
SERIES ?= $(CURDIR)/series
BUILD_DIR ?= $(CURDIR)/build$(if $(filter-out x86_64,$(ARCH)),/$(ARCH))
DOWNLOAD_DIR ?= $(CURDIR)/downloads
FRAGMENTS ?= kernel-config/base.config kernel-config/$(ARCH).config
ACCEL ?= auto
BOOT_TIMEOUT ?= 1200
TESTS ?= *
# SUITES: default ARCH_SUITES of conf/arch/$(ARCH).env (scripts/suites.sh).
export FLAVOUR SERIES BUILD_DIR DOWNLOAD_DIR FRAGMENTS ACCEL BOOT_TIMEOUT TESTS SUITES BOOT_JOBS
export KERNEL_TARBALL KERNEL_SHA256 KERNEL_GIT KERNEL_GIT_REF MEMMAP JOBS CCACHE V BISECT_BOOT \
	GATE_BUILD_MAX GATE_BUILD_CONFIGS BISECT_BOOT_FROM IDENTITY HONESTY

S := scripts

.PHONY: all help deps fetch unpack apply config build selftests ndctl-build sysroot image boot verdict pristine test list shell \
	gdb gdb-boot check-arm64 arm64 \
	ndctl fuzz fix-only honesty check-debug \
	check lint review gate-format gate-checkpatch gate-kerneldoc static gate-sparse gate-w1 \
	gate-cocci gate-build harness-tests git-am bisect bench profile mbox export refresh \
	identity clean distclean

## Pipeline ------------------------------------------------------------------------------------

all: verdict

deps:
	@$(S)/deps.sh

fetch: deps
	@$(S)/fetch.sh

unpack: fetch
	@$(S)/unpack.sh

apply: unpack
ifneq ($(FLAVOUR),pristine)
	@$(S)/apply.sh
endif

config: apply
	@$(S)/config.sh

build: config
	@$(S)/build.sh
	@$(S)/modules.sh

selftests: unpack
	@$(S)/selftests.sh

ndctl-build: deps
	@$(S)/ndctl.sh

sysroot: deps
	@$(S)/sysroot.sh

image: deps sysroot selftests ndctl-build
	@$(S)/image.sh

# One guest per test list of SUITES that has a test matching TESTS (scripts/suites.sh), BOOT_JOBS
# (2) at a time: under TCG a guest keeps one core busy, so the first list's guest runs beside the
# others' (scripts/boots.sh).
# KERNEL_IMAGE=<bzImage>: boot that kernel, built elsewhere, instead of building the flavour's
# (expectations as for FLAVOUR: the series by default, PATCHED=0 pristine's).
boot: $(if $(KERNEL_IMAGE),,build) image
	@$(S)/boots.sh

verdict: boot
	@lists=$$($(S)/suites.sh); rc=0; for l in $$lists; do LIST=$$l $(S)/verdict.sh || rc=1; done; exit $$rc

pristine:
	@$(MAKE) FLAVOUR=pristine all

# The whole guest suite on the series built as a debug kernel: any splat fails the run. Not part
# of make check (a debug build and a KASAN guest run take longer than CI's budget allows).
check-debug:
	@$(MAKE) DEBUG=1 all

# One test or group, by name or glob (test/tests.list): make test T=devdax/diag-2m, T='lifetime/*'.
test:
	@[ -n "$(T)" ] || { echo "make test: name the test or group, e.g. T=devdax/diag-2m or T='devdax/*'" >&2; exit 2; }
	@$(MAKE) --no-print-directory TESTS="$(T)" all

# The same guest (kernel, DIMMs, tests) with an interactive shell instead of the tests: PATCHED=0
# for pristine, DEBUG=1 for the debug kernel. Exit the shell to power it off.
shell: build image
	@GUEST_SHELL=1 LIST=tests $(S)/boot.sh

# The guest tests T (default all) on a kernel with debug information, QEMU waiting for gdb on
# localhost:1234 before the kernel starts; the gdb command line is printed (PATCHED=0: pristine).
gdb:
	@$(MAKE) --no-print-directory GDB=1 TESTS="$(or $(T),*)" gdb-boot

gdb-boot: build image
	@GUEST_GDB=1 LIST=tests $(S)/boot.sh
	@LIST=tests $(S)/verdict.sh

# The guest tests of each list of SUITES matching TESTS (or T), with kind, timeout and the patches
# that claim them.
list:
	@TESTS="$(or $(T),$(TESTS))" $(S)/list.sh

# ndctl's own upstream tests alone (test/ndctl.list), in their guest with an e820 pmem range.
ndctl:
	@$(MAKE) --no-print-directory SUITES=ndctl all

# The seeded device-DAX fuzzer (test/fuzz.list) at 4K, 2M and 1G, FUZZ_SECONDS (or SECONDS) each;
# the same FUZZ_SEED (or SEED) reproduces a run's operations. PATCHED=0: on pristine.
FUZZ_SECONDS ?= $(or $(SECONDS),60)
FUZZ_SEED ?= $(or $(SEED),1)
fuzz: build image
	@echo "fuzz: $(FLAVOUR) kernel, $(FUZZ_SECONDS) s per alignment, seed $(FUZZ_SEED)"
	@LIST=fuzz GUEST_PARAMS="harness.fuzz=$(FUZZ_SECONDS):$(FUZZ_SEED)" \
		BOOT_TIMEOUT=$$((3 * $(FUZZ_SECONDS) + 900)) $(S)/boot.sh
	@LIST=fuzz $(S)/verdict.sh

# Each fix for -stable alone: pristine v7.2.8 + the fix's declared prerequisites ("Cc:
# stable@vger.kernel.org # needs: <subject>" in its changelog) + the fix, booted with the tests it
# claims ("tests:" in series), all of which must pass. FIX=<file name or number>: that fix only;
# otherwise every fix in turn, in one incremental tree (build/fix-only), and a table.
fix-only: unpack image
	@FIX="$(FIX)" FIX_KIND="$(KERNEL_KIND)" $(S)/fix-only.sh

# Every group of guest tests can fail: the series plus deliberate breakages (NOT FOR UPSTREAM,
# test/honesty/sabotage.patch), each booted with the tests that must catch it (test/honesty.list).
honesty: unpack image
	@$(S)/honesty.sh

## Checks --------------------------------------------------------------------------------------

# The test command (README, .ci/run): cheap gates first (lint, the review gates, `git am` and the
# per-patch builds: a broken series fails in minutes), then the pipeline on the series and on
# pristine v7.2.8 (same tests, pristine expectations), each fix alone on pristine (fix-only),
# static analysis, then the harness's own tests (some need a kernel built). It ends with one
# table (scripts/summary.py): every gate, then every guest test on the series, on pristine and on
# each fix alone, with its time.
CHECK_GATES ?= lint review git-am gate-build all pristine arm64 fix-only static harness-tests
check:
	@start=$$(date +%s); mkdir -p $(BUILD_DIR); : >$(BUILD_DIR)/check-gates; \
	for t in $(CHECK_GATES); do \
		echo "=== make $$t"; t0=$$(date +%s); \
		if ! $(MAKE) $$t; then \
			echo "$$t FAILED $$(( $$(date +%s) - t0 ))" >>$(BUILD_DIR)/check-gates; \
			echo "=== summary"; $(S)/summary.py; echo "check: 'make $$t' failed"; exit 1; \
		fi; \
		echo "$$t passed $$(( $$(date +%s) - t0 ))" >>$(BUILD_DIR)/check-gates; \
		echo "=== make $$t: passed in $$(( $$(date +%s) - t0 )) s"; \
	done; \
	echo "=== summary"; $(S)/summary.py; \
	echo "check: all gates passed in $$(( $$(date +%s) - start )) s"

# The arm64 guest (conf/arch/arm64.env, build/arm64/): the series and pristine v$(LINUX_VERSION)
# built for arm64 and booted under qemu-system-aarch64 (UEFI, ACPI NVDIMMs) with test/tests.list,
# side by side in their own table. The gate "arm64" of make check.
# (The outer make's BUILD_DIR and FRAGMENTS are in the environment: they are set again here.)
check-arm64 arm64:
	@$(MAKE) ARCH=arm64 BUILD_DIR=$(patsubst %/arm64,%,$(BUILD_DIR))/arm64 \
		FRAGMENTS="kernel-config/base.config kernel-config/arm64.config" CHECK_GATES="all pristine" check

lint: unpack
	@$(S)/lint.sh

harness-tests: deps
	@test/host/run.sh

git-am: unpack
	@$(S)/git-am.sh

# Review gates, each also a target of its own: the series in mailing-list form (numbering,
# identity, changelog, diffstats), checkpatch.pl --strict, no new kernel-doc warnings.
review: gate-format gate-checkpatch gate-kerneldoc

gate-format:
	@$(S)/gate-format.sh

gate-checkpatch gate-kerneldoc: unpack
	@$(S)/$@.sh

# Static analysis of the files the series touches, on both trees; only new findings fail. Needs
# both kernels built (static builds them; the single gates expect them).
static:
	@$(MAKE) build
	@$(MAKE) FLAVOUR=pristine build
	@for g in sparse w1 cocci; do $(S)/gate-$$g.sh || exit 1; done

gate-sparse gate-w1 gate-cocci:
	@$(S)/$@.sh

# The bounded bisect check (make bisect is the full one): after every patch, compile what it
# affects, in every configuration of conf/gate-build.configs (x86_64 and arm64 with the devmap
# bit; i386, ppc64le and riscv64 without it); the whole series fully in each.
gate-build: unpack
	@$(S)/gate-build.sh

# Author and sign off the series as IDENTITY="Full Name <address>" (rewrites patches/ and
# conf/identity; commit the result).
identity:
	@$(S)/identity.sh "$(IDENTITY)"

# Every prefix of the series builds (BISECT_BOOT=1: and boots and passes the guest suite).
bisect: unpack image
	@$(S)/bisect.sh

# Benchmarks (conf/bench.env): the kernels of BENCH_RUNS with the same config, the benchmarks of
# test/bench.list in each, side by side; results in build/bench/.
bench:
	@PACKAGES_FILE=conf/packages.bench $(S)/deps.sh
	@$(S)/bench-kernels.sh
	@$(MAKE) image
	@$(S)/bench.sh

# Where the instructions of each benchmark go: the kernels of PROFILE_RUNS under the insnprof
# QEMU plugin, instructions per kernel function in each measured window; build/profile/.
profile:
	@BENCH_RUNS="$${PROFILE_RUNS:-pristine fixes patched}" $(S)/bench-kernels.sh
	@$(MAKE) image
	@$(S)/profile.sh

# The series as it goes to the list, one mbox per posting ("## posting NAME" in series): a cover
# letter (conf/cover-letter-NAME.txt; figures of the last `make bench` where it has @NUMBERS@) +
# the posting's patches numbered [PATCH n/N] in build/mbox/NAME.mbox, as IDENTITY (default
# conf/identity).
mbox: git-am
	@POSTING="$(POSTING)" $(S)/mbox.sh

# After editing the files of the top patch of the quilt tree (build/patched/linux-*): that patch
# written back as git format-patch writes it, later patches carried on top (scripts/refresh.sh).
refresh:
	@$(S)/refresh.sh

# patches/ and series back from git: the commits on top of tag base in REPO (default
# build/git-am/linux, as make git-am leaves it, then edited with git rebase -i, commit --amend, ...)
# become patches/ (git format-patch) and series (annotations and "## posting" lines kept, by
# subject). Commit the result.
export:
	@REPO="$(REPO)" $(S)/export.sh

## Housekeeping --------------------------------------------------------------------------------

clean:
	rm -rf $(BUILD_DIR)

distclean: clean
	rm -rf $(DOWNLOAD_DIR)

help:
	@sed -n '/^##H/{s/^##H \{0,1\}//;s/$$(LINUX_VERSION)/$(LINUX_VERSION)/g;s/$$(LINUX_GIT_REF)/$(LINUX_GIT_REF)/g;p}' Makefile

##H Usage: make [TARGET] [VARIABLE=value ...]
##H
##H Main targets
##H   all (default)  the whole pipeline below, ending in a verdict line "N passed, N failed, N skipped"
##H   check          the test command: lint, review, git-am, gate-build, the pipeline on the
##H                  series and on pristine, the same on arm64 (check-arm64), fix-only,
##H                  static, the harness's own tests (CHECK_GATES="..." picks gates)
##H   check-arm64    the series and pristine built for arm64 and booted under
##H                  qemu-system-aarch64 with test/tests.list (ARCH=arm64, build/arm64/)
##H   pristine       the pipeline on pristine v$(LINUX_VERSION) (same as PATCHED=0)
##H   check-debug    the pipeline on the series as a debug kernel (DEBUG=1: KASAN, KFENCE,
##H                  DEBUG_VM, PROVE_LOCKING, PAGE_TABLE_CHECK, ...); any splat fails
##H   fix-only       each fix (a patch with "Cc: stable@vger.kernel.org") alone: pristine + its
##H                  declared prerequisites ("Cc: stable@vger.kernel.org # needs: <subject>")
##H                  + the fix, booted with the tests it claims in series, all of which must
##H                  pass; FIX=<file name or number>: one fix; otherwise all, then a table;
##H                  one incremental tree in build/fix-only, logs in build/fix-only/logs-NNNN/
##H   fuzz           the seeded device-DAX fuzzer in the guest at 4K, 2M and 1G: SECONDS=N each
##H                  (default 60), SEED=N (default 1) reproduces a run; PATCHED=0 on pristine
##H   honesty        every test group can fail: boot the series with each deliberate breakage
##H                  of test/honesty.list and require the tests named there to fail
##H                  (HONESTY=NAME,... only those lines, e.g. HONESTY=pagemap-devmap)
##H   test T=GLOB    only the guest tests matching GLOB (names in test/tests.list and
##H                  test/ndctl.list), e.g. T=devdax/diag-2m or T='lifetime/*'; PATCHED=0: pristine
##H   list [T=GLOB]  the guest tests of each list (SUITES), with kind, timeout and the patches
##H                  that claim them
##H   shell          the same guest with an interactive shell instead of the tests (PATCHED=0,
##H                  DEBUG=1 as for the tests); exit the shell to power it off
##H   gdb [T=GLOB]   the tests on a kernel with debug info and GDB scripts (kernel-config/
##H                  gdb.config, build/gdb), QEMU waiting for gdb on :1234; prints the gdb line
##H   ndctl          ndctl 81's own tests (test/ndctl.list: device-dax, dax-dev) alone, in a
##H                  guest with an e820 pmem range (conf/guest.ndctl.env); PATCHED=0: pristine
##H
##H Pipeline stages (each runs the ones before it; all are re-runnable)
##H   deps           install missing Debian packages (conf/packages) with apt-get
##H   fetch          download and verify the pinned tarball (cached in downloads/)
##H   unpack         extract it into build/pristine/linux-<version>
##H   apply          quilt: build/patched/linux-<version> = pristine + series (patches/)
##H   config         tinyconfig + FRAGMENTS into build/<flavour>/obj/.config, every option checked
##H   build          bzImage (arm64: Image) in build/<flavour>/obj (ccache; log in obj/build.log)
##H   selftests      the kernel selftests of test/selftests.list, static, in build/guest/selftests
##H   ndctl-build    ndctl 81 and its test suite (Debian's tarball, meson) in build/ndctl/
##H   sysroot        another architecture's guest programs: Debian's packages of
##H                  conf/arch/ARCH.debs unpacked into build/ARCH/guest/sysroot (no install)
##H   image          the guest initramfs (busybox, ndctl, tests, selftests) in build/guest/
##H   boot           QEMU with the NVDIMMs of conf/nvdimm.layout, once per test list of SUITES;
##H                  logs in build/<flavour>/logs/ (test/tests.list), logs-ndctl/ (test/ndctl.list)
##H   verdict        judge each boot: KTAP results and kernel-log splats
##H
##H Other targets
##H   lint           shellcheck the scripts; checkpatch the C tests; series and tests agree;
##H                  every fix's "# needs:" names an earlier patch, is closed, and covers what
##H                  its tests need (scripts/fixes.sh)
##H   review         the review gates below, on the series
##H   gate-format    patches/ = series; [PATCH] or [PATCH n/N] (n/N within its posting),
##H                  From/Signed-off-by identity, changelog, diffstat recomputed; a cover
##H                  letter's base-commit and diffstat
##H   gate-checkpatch  checkpatch.pl --strict on every patch: no ERROR/WARNING (CHECKs listed)
##H   gate-kerneldoc kernel-doc -Wall on every touched file: no new warnings; new header
##H                  functions documented
##H   static         gate-sparse, gate-w1, gate-cocci (building both kernels first)
##H   gate-sparse    sparse (C=2) on the touched .c files and fixed users of the touched headers,
##H                  pristine vs patched: a new warning fails
##H   gate-w1        the same files built with W=1: a new compiler warning fails
##H   gate-cocci     every report-mode coccinelle script on the touched files: a new report fails
##H   gate-build     bounded bisect: after each patch compile the objects it affects (x86_64,
##H                  i386, arm64, ppc64le, riscv64: conf/gate-build.configs); the whole series
##H                  fully in each (GATE_BUILD_MAX=40, GATE_BUILD_CONFIGS="x86_64 arm64")
##H   harness-tests  the harness's own host-side tests (test/host/)
##H   git-am         git am the series onto a fresh git repository of the pristine tree
##H   bisect         build after every patch, one incremental tree (BISECT_BOOT=1: also boot
##H                  and run the guest suite after every patch); build/bisect/
##H   bench          boot pristine, fixes (v7.2.8 + the fixes posting), patched and pristine
##H                  again (the null run) with the benchmarks of test/bench.list (the
##H                  flavours: BENCH_RUNS); table, plot and cover-letter table in
##H                  build/bench/ (conf/bench.env: BENCH_REPS, BENCH_RUNS, BENCH_ACCEL, ...)
##H   profile        where each benchmark's kernel instructions go: PROFILE_RUNS (default
##H                  "pristine fixes patched") booted under TCG with the insnprof QEMU plugin
##H                  (scripts/insnprof.c), PROFILE_TESTS (default bench/devdax-4k) once, then
##H                  instructions per kernel function in each of dax_bench's windows, side by
##H                  side, largest differences first: build/profile/report.txt
##H                  (PROFILE_REPS=N: N repetitions, each window averaged over them)
##H   mbox           one mbox per posting ("## posting NAME" lines of series; none: the
##H                  posting "series"): build/mbox/NAME.mbox with a [PATCH 0/N] cover letter
##H                  (conf/cover-letter-NAME.txt; figures from the last make bench if it has
##H                  @NUMBERS@) and the posting's patches as [PATCH n/N], From/Signed-off-by
##H                  IDENTITY="Name <addr>" (default conf/identity), each checked by gate-format;
##H                  POSTING=NAME: that posting alone (make mbox POSTING=fixes needs no bench);
##H                  a letter's "Version: 2" and "Previous: COMMIT FIRST-LAST" give [PATCH v2]
##H                  and build/mbox/NAME/range-diff-v1.txt against that version
##H   export         patches/ and series from git: the commits on top of tag base in REPO=DIR
##H                  (default build/git-am/linux: make git-am, edit with git, make export);
##H                  git format-patch ([PATCH], numbered files), annotations and "## posting"
##H                  lines kept by subject; refuses a dirty repository or a lost annotation
##H   refresh        after editing the files of the top patch of build/patched/linux-* (quilt
##H                  push/pop to it, quilt edit FILE): write it back as git format-patch
##H                  would (headers, modes, diffstat), later patches rebased on it, via
##H                  make git-am + make export; changes nothing if a later patch conflicts
##H   identity       IDENTITY="Name <addr>": author and sign off every patch as that person
##H   clean          remove build/ (keeps downloads/)
##H   distclean      also remove downloads/
##H
##H Variables
##H   PATCHED=0|1          0: the pristine kernel (build/pristine), 1: the series (default)
##H   DEBUG=1              the series with kernel-config/debug.config, in build/debug (also for
##H                        make fuzz, make test, make shell); with PATCHED=0 pristine v$(LINUX_VERSION)
##H                        as a debug kernel, in build/debug-pristine
##H   MODULES=1            ARCH=arm64: the series with the NVDIMM and device-DAX drivers as
##H                        modules (kernel-config/modules.config) and nfit_test's, in
##H                        build/ARCH/modules (PATCHED=0: build/ARCH/modules-pristine); x86_64's
##H                        kernels are modular already (nothing changes)
##H   BOOT_JOBS=N          guests booted at once, one per test list (default 2: the first list
##H                        alone, the others one after another beside it; 1: one at a time)
##H   FLAVOUR=NAME         build/NAME holds this kernel's tree, build and logs (default patched)
##H   SERIES=FILE          the quilt series to apply (default: series)
##H   KERNEL_TARBALL=F|URL use this v$(LINUX_VERSION) tarball (e.g. kernel.org's) instead of Debian's
##H   KERNEL_SHA256=HEX    its sha256 (checked when given)
##H   KERNEL_GIT=DIR|URL   take the tree from this git repository instead ...
##H   KERNEL_GIT_REF=REF   ... at this ref (default $(LINUX_GIT_REF))
##H   ARCH=arm64           the guest's architecture (default x86_64): conf/arch/ARCH.env (QEMU,
##H                        machine, console, kernel image, guest programs), build/ARCH/
##H   FRAGMENTS="F ..."    config fragments (default kernel-config/base.config and ARCH.config)
##H   TESTS="GLOB,..."     run only the guest tests matching these globs (test/*.list)
##H   SUITES="LIST ..."    the guest test lists to run (default "tests ndctl nfit"; arm64: "tests")
##H   MEMMAP=SIZE!START    also give the guest an e820 pmem range (memmap=), e.g. 4G!4G
##H   ACCEL=auto|kvm|tcg   QEMU accelerator (auto: KVM only if a probe boot works)
##H   BOOT_TIMEOUT=SECS    host-side limit for one guest run (default 1200)
##H   JOBS=N               parallel build jobs (default: nproc)
##H   CCACHE=0             build without ccache
##H   BUILD_DIR, DOWNLOAD_DIR  where outputs and downloads go (default build/, downloads/)
##H   V=1                  stream the kernel build (quiet otherwise: a line every 30 s)
##H   KERNEL_IMAGE=BZIMAGE boot this kernel instead of building the flavour's (its expectations)
##H   SKIP_DEPS=1          do not check or install packages (make deps)
##H   FIX=NAME|N           make fix-only: only this fix (file name, or the number it starts with)
##H   BISECT_BOOT=1        make bisect also boots every step (BISECT_BOOT_FROM=N: from patch N on)
