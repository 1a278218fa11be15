# minirt-virtio: `make` builds, `make check` tests, `make demo` shows it.
VERSION := 0.1
PREFIX ?= /usr/local
B := build

CC ?= cc
CFLAGS ?= -O2 -g
WARN := -Wall -Wextra -Werror
LIBS_PC := libkmod zlib liblzma libzstd liblz4 libarchive libiso9660 \
	libmd libdeflate
HOST_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) \
	-DVERSION='"$(VERSION)"' -iquote builder
HOST_LIBS = $(shell pkg-config --libs $(LIBS_PC) 2>/dev/null) -lbz2 -llzo2

# make static: the same builder linked statically against musl and the
# libraries scripts/static-libs.sh builds from Debian's source packages
# (STATIC_PREFIX, set by the static target for each architecture).
STATIC_ARCHES := x86_64 i386
STATIC_CC_x86_64 := musl-gcc
STATIC_CC_i386 := i386-linux-musl-gcc
ifdef STATIC_PREFIX
CC := $(STATIC_CC_$(STATIC_ARCH))
HOST_CFLAGS += -isystem $(STATIC_PREFIX)/include
HOST_LIBS = -static -s -Wl,--gc-sections -L$(STATIC_PREFIX)/lib -larchive \
	-liso9660 -lcdio -lkmod -ldeflate -lmd -llzma -lzstd -llz4 -lbz2 \
	-llzo2 -lz
# Libraries built again (another version, another recipe): link again.
STATIC_DONE := $(STATIC_PREFIX)/done
endif
# Where the pre-inits embedded are: the static builds embed the very same.
PREINIT_DIR ?= $(B)

# The pre-init: static, small, no stdio.
PREINIT_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) -Os -static -s -fno-pie \
	-no-pie -ffunction-sections -fdata-sections -fno-stack-protector \
	-fno-asynchronous-unwind-tables -Wl,--gc-sections \
	-Wl,-z,noseparate-code -Wl,-z,norelro \
	-Wl,-z,common-page-size=64 -Wl,--build-id=none
PREINIT_SRC := $(wildcard init/*.c)
PREINIT_HDR := $(wildcard init/*.h)

# The builder: the pipeline and its commands at the top, each subsystem in
# a directory of its own (README: Design).
BUILDER_DIRS := builder $(patsubst %/,%,$(sort $(wildcard builder/*/)))
BUILDER_SRC := $(foreach d,$(BUILDER_DIRS),$(wildcard $(d)/*.c))
BUILDER_HDR := $(foreach d,$(BUILDER_DIRS),$(wildcard $(d)/*.h))
BUILDER_LIB_SRC := $(filter-out builder/main.c,$(BUILDER_SRC))
BUILDER_OBJ := $(BUILDER_SRC:%.c=$(B)/obj/%.o)
BUILDER_LIB_OBJ := $(BUILDER_LIB_SRC:%.c=$(B)/obj/%.o)
INIT_HOST_OBJ := $(filter-out $(B)/obj/init/preinit.o, \
	$(PREINIT_SRC:%.c=$(B)/obj/%.o))

# Only a pattern rule names them, which would make them intermediate
# files, deleted after the build; tests/tree/run.sh reads them.
.SECONDARY: $(INIT_HOST_OBJ)

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)

SANITIZE := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all

# libFuzzer targets (clang); each names the sources it needs.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := archive lists cmdline initpatch cloop mounts grubconf
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -g -O1 -DVERSION='"$(VERSION)"' \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-iquote builder -iquote init
# What every target links: the buffer, the error, file reading.
FUZZ_SHARED := builder/buf.c builder/error.c builder/file.c
fuzz_src_archive := $(addprefix builder/initramfs/,archive.c cpio.c \
	compress.c rootfs.c) $(FUZZ_SHARED)
fuzz_src_lists := init/loadorder.c builder/modules/modlist.c init/devmatch.c \
	init/sysdir.c init/text.c
fuzz_src_cmdline := init/cmdline.c
fuzz_src_initpatch := builder/initramfs/initpatch.c $(FUZZ_SHARED)
fuzz_src_cloop := $(addprefix builder/medium/,cloop.c isofs.c source.c) \
	$(FUZZ_SHARED)
fuzz_src_mounts := builder/grub/mounts.c $(FUZZ_SHARED)
fuzz_src_grubconf := builder/grub/grubconf.c $(FUZZ_SHARED)
FUZZ_BIN := $(FUZZ_TARGETS:%=$(B)/fuzz/fuzz_%)

.PHONY: all deps check check-fast check-vps unit unit-bins asan fuzz \
	fuzz-bins bench demo install static dist clean
all: $(B)/minirt-virtio $(B)/gen-cpio $(B)/mangle-cpio $(B)/mkcloop4 \
	$(B)/rootfs-view

$(B)/preinit-x86_64: $(PREINIT_SRC) $(PREINIT_HDR)
	@mkdir -p $(@D)
	musl-gcc $(PREINIT_CFLAGS) -o $@ $(PREINIT_SRC)

$(B)/preinit-i386: $(PREINIT_SRC) $(PREINIT_HDR)
	@mkdir -p $(@D)
	i386-linux-musl-gcc $(PREINIT_CFLAGS) -o $@ $(PREINIT_SRC)

# Each object after its source and the headers it included last time (the
# compiler's -MMD list, read back below): touching one header rebuilds
# only what includes it.
DEPFLAGS = -MMD -MP -MF $@.d -MT $@
$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(DEPFLAGS) -c -o $@ $<

$(B)/obj/builder/embed.o: builder/embed.S $(PREINIT_DIR)/preinit-x86_64 \
		$(PREINIT_DIR)/preinit-i386 modules.list
	@mkdir -p $(@D)
	$(CC) -c -o $@ $< -DPREINIT_X86_64='"$(PREINIT_DIR)/preinit-x86_64"' \
		-DPREINIT_I386='"$(PREINIT_DIR)/preinit-i386"' \
		-DMODULES_LIST='"modules.list"'

$(B)/minirt-virtio: $(BUILDER_OBJ) $(B)/obj/builder/embed.o $(STATIC_DONE)
	$(CC) $(CFLAGS) -o $@ $(filter %.o,$^) $(HOST_LIBS)

# One executable per architecture, each with both pre-inits and
# modules.list; its libraries are built once and cached.
static: $(B)/preinit-x86_64 $(B)/preinit-i386
	@for arch in $(STATIC_ARCHES); do \
		scripts/static-libs.sh $$arch >/dev/null & \
	done; wait
	@for arch in $(STATIC_ARCHES); do \
		prefix=$$(scripts/static-libs.sh $$arch) || exit 1; \
		$(MAKE) --no-print-directory B=$(B)/static-$$arch \
			PREINIT_DIR=$(B) STATIC_ARCH=$$arch \
			STATIC_PREFIX=$$prefix $(B)/static-$$arch/minirt-virtio \
			$(B)/static-$$arch/oldkernel && \
		cp $(B)/static-$$arch/minirt-virtio $(B)/minirt-virtio-$$arch || \
		exit 1; \
	done

# The release: both static executables, the man page and the README's
# part on using it, as minirt-virtio-VERSION.tar.gz (reproducible).
DIST := minirt-virtio-$(VERSION)
dist: static
	rm -rf $(B)/$(DIST) && mkdir -p $(B)/$(DIST)
	cp $(B)/minirt-virtio-x86_64 $(B)/minirt-virtio-i386 \
		doc/minirt-virtio.1 $(B)/$(DIST)/
	awk '/^## / { on = /^## Using it on a real KNOPPIX/ } on' README.md \
		>$(B)/$(DIST)/README.md
	tar --sort=name --mtime=@$${SOURCE_DATE_EPOCH:-0} --owner=0 --group=0 \
		--numeric-owner -C $(B) -cf - $(DIST) | gzip -9 -n >$(B)/$(DIST).tar.gz

# The old-kernel boots' PID 1 (tests/static/run.sh), built as the above.
$(B)/oldkernel: tests/tools/oldkernel.c
	$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -Os -static -s \
		-isystem $(STATIC_PREFIX)/include -o $@ $<

# Test helper: a cpio from a gen_init_cpio list, no root needed.
$(B)/gen-cpio: tests/tools/gen-cpio.c $(BUILDER_LIB_OBJ) $(B)/obj/builder/embed.o
	$(CC) $(HOST_CFLAGS) $(DEPFLAGS) -o $@ $^ $(HOST_LIBS)

# Test helper: cloop V4.0 images (Debian's create_compressed_fs writes V2.0).
$(B)/mkcloop4: tests/tools/mkcloop4.c
	$(CC) $(HOST_CFLAGS) $(DEPFLAGS) -o $@ $< $(HOST_LIBS)

$(B)/mangle-cpio: tests/tools/mangle-cpio.c $(BUILDER_LIB_OBJ) \
		$(B)/obj/builder/embed.o
	$(CC) $(HOST_CFLAGS) $(DEPFLAGS) -o $@ $^ $(HOST_LIBS)

$(B)/rootfs-view: tests/tools/rootfs-view.c $(BUILDER_LIB_OBJ) \
		$(B)/obj/builder/embed.o
	$(CC) $(HOST_CFLAGS) $(DEPFLAGS) -o $@ $^ $(HOST_LIBS)

$(B)/tests/%: tests/unit/%.c $(BUILDER_LIB_OBJ) $(INIT_HOST_OBJ) \
		$(B)/obj/builder/embed.o
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) $(DEPFLAGS) -iquote init -o $@ $< $(BUILDER_LIB_OBJ) \
		$(INIT_HOST_OBJ) $(B)/obj/builder/embed.o $(HOST_LIBS) -lcmocka

# The kill test's LD_PRELOAD shim (tests/kill/run.sh).
$(B)/kill/shim.so: tests/kill/shim.c
	@mkdir -p $(@D)
	$(CC) -std=c11 $(WARN) -O2 -shared -fPIC -o $@ $< -ldl

# Several sources in one command: by what each target names, and every
# header.
.SECONDEXPANSION:
$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $$(fuzz_src_$$*) $(BUILDER_HDR) \
		$(PREINIT_HDR)
	@mkdir -p $(@D)
	clang $(FUZZ_CFLAGS) -o $@ $< $(fuzz_src_$*) $(HOST_LIBS)

fuzz-bins: $(FUZZ_BIN)

# make fuzz FUZZ_SECONDS=N: every target N seconds, from the seed corpus;
# a finding lands in build/fuzz/findings/ (keep it in tests/fuzz/regressions/).
fuzz: fuzz-bins
	scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

deps:
	scripts/deps.sh

unit-bins: $(UNIT_BIN)

unit: all unit-bins $(B)/kill/shim.so

# The unit tests again under AddressSanitizer and UBSan, in build/asan/.
asan:
	$(MAKE) B=$(B)/asan CFLAGS='$(SANITIZE)' all unit-bins

JOBS ?= $(shell nproc)

# The tiers (tests/README.md): check-fast, what runs without QEMU, in
# minutes; check, all of it; check-vps, the VPS round trips alone.
check-fast: deps
	$(MAKE) -j$(JOBS) unit asan fuzz-bins
	scripts/check.sh fast

check: deps
	$(MAKE) -j$(JOBS) unit asan fuzz-bins static
	scripts/check.sh

check-vps: deps
	$(MAKE) all
	scripts/check.sh vps

bench: deps
	$(MAKE) all static
	tests/boot/fixtures.sh
	scripts/bench.sh

demo: deps
	$(MAKE) all
	scripts/demo.sh

install: all
	install -D -m 755 $(B)/minirt-virtio $(DESTDIR)$(PREFIX)/bin/minirt-virtio
	install -D -m 644 doc/minirt-virtio.1 \
		$(DESTDIR)$(PREFIX)/share/man/man1/minirt-virtio.1

clean:
	rm -rf $(B)

-include $(wildcard $(B)/obj/*/*.d $(B)/obj/*/*/*.d $(B)/tests/*.d \
	$(B)/*.d)
