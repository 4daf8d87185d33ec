// SPDX-License-Identifier: GPL-2.0
/*
 * insnprof: a QEMU TCG plugin (plugin API version 1, QEMU 7.2) that counts the guest
 * instructions executed in each translation block of the kernel half of the address space: an
 * instruction-exact kernel profile, for scripts/profile.sh (make profile).
 *
 *   qemu-system-x86_64 ... -plugin insnprof.so,out=FILE[,begin=ADDR,end=ADDR]
 *
 * With begin and end (hex user addresses of two marker functions, dax_bench's profile_begin and
 * profile_end), each execution of begin opens a window and the next execution of end closes it;
 * FILE gets "window vaddr instructions executions" for every block run inside window 1, 2, ...
 * Without them, FILE gets the whole run as window 0. A block interrupted by an exception counts
 * in full; interrupts that arrive inside a window count in it.
 *
 * The declarations below are the subset of QEMU 7.2's <qemu/qemu-plugin.h> this plugin calls,
 * in QEMU's types (Debian does not ship that header); the file is C for QEMU, not kernel code.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
typedef struct qemu_info_t qemu_info_t;
struct qemu_plugin_tb;
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb *tb, enum qemu_plugin_op op,
					      void *ptr, uint64_t imm);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, qemu_plugin_vcpu_udata_cb_t cb,
					  enum qemu_plugin_cb_flags flags, void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);

__attribute__((visibility("default"))) int qemu_plugin_version = 1;

/* The kernel half of a 48- or 57-bit address space (x86-64 and arm64). */
#define KERNEL_START 0xff00000000000000ULL
#define CHUNK 65536

struct block {
	uint64_t vaddr;
	uint64_t insns;
	uint64_t count;
	uint64_t start;		/* count when the open window began */
};

struct chunk {
	struct chunk *next;
	size_t used;
	struct block b[CHUNK];
};

static struct chunk *chunks;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static const char *out_path = "insnprof.txt";
static FILE *out;
static uint64_t begin_addr, end_addr;
static unsigned int window;
static int open_window, unpaired;

static struct block *new_block(void)
{
	struct block *b;

	pthread_mutex_lock(&lock);
	if (!chunks || chunks->used == CHUNK) {
		struct chunk *c = calloc(1, sizeof(*c));

		if (!c) {
			pthread_mutex_unlock(&lock);
			return NULL;
		}
		c->next = chunks;
		chunks = c;
	}
	b = &chunks->b[chunks->used++];
	pthread_mutex_unlock(&lock);
	return b;
}

/* Write the blocks of @w: their executions since the window opened (all of them for 0). */
static void dump(unsigned int w)
{
	struct chunk *c;
	size_t i;

	for (c = chunks; c; c = c->next)
		for (i = 0; i < c->used; i++) {
			struct block *b = &c->b[i];
			uint64_t n = w ? b->count - b->start : b->count;

			if (n)
				fprintf(out, "%u %" PRIx64 " %" PRIu64 " %" PRIu64 "\n", w, b->vaddr,
					b->insns, n);
		}
}

static void on_begin(unsigned int vcpu, void *userdata)
{
	struct chunk *c;
	size_t i;

	(void)vcpu;
	(void)userdata;
	if (open_window)
		unpaired++;
	pthread_mutex_lock(&lock);
	for (c = chunks; c; c = c->next)
		for (i = 0; i < c->used; i++)
			c->b[i].start = c->b[i].count;
	pthread_mutex_unlock(&lock);
	open_window = 1;
}

static void on_end(unsigned int vcpu, void *userdata)
{
	(void)vcpu;
	(void)userdata;
	if (!open_window) {
		unpaired++;
		return;
	}
	pthread_mutex_lock(&lock);
	dump(++window);
	pthread_mutex_unlock(&lock);
	open_window = 0;
}

static void tb_trans(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	uint64_t vaddr = qemu_plugin_tb_vaddr(tb);
	struct block *b;

	(void)id;
	if (begin_addr && vaddr == begin_addr)
		qemu_plugin_register_vcpu_tb_exec_cb(tb, on_begin, QEMU_PLUGIN_CB_NO_REGS, NULL);
	if (end_addr && vaddr == end_addr)
		qemu_plugin_register_vcpu_tb_exec_cb(tb, on_end, QEMU_PLUGIN_CB_NO_REGS, NULL);
	if (vaddr < KERNEL_START)
		return;
	b = new_block();
	if (!b)
		return;
	b->vaddr = vaddr;
	b->insns = qemu_plugin_tb_n_insns(tb);
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &b->count, 1);
}

static void at_exit(qemu_plugin_id_t id, void *userdata)
{
	(void)id;
	(void)userdata;
	if (!begin_addr)
		dump(0);
	fprintf(out, "# windows %u unpaired %d%s\n", window, unpaired,
		open_window ? " open-at-exit" : "");
	fclose(out);
}

__attribute__((visibility("default")))
int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
	int i;

	(void)info;
	for (i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "out=", 4)) {
			out_path = argv[i] + 4;
		} else if (!strncmp(argv[i], "begin=", 6)) {
			begin_addr = strtoull(argv[i] + 6, NULL, 16);
		} else if (!strncmp(argv[i], "end=", 4)) {
			end_addr = strtoull(argv[i] + 4, NULL, 16);
		} else {
			fprintf(stderr, "insnprof: unknown argument %s\n", argv[i]);
			return -1;
		}
	}
	if (!begin_addr != !end_addr) {
		fprintf(stderr, "insnprof: begin= and end= go together\n");
		return -1;
	}
	out = fopen(out_path, "w");
	if (!out) {
		perror(out_path);
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, tb_trans);
	qemu_plugin_register_atexit_cb(id, at_exit, NULL);
	return 0;
}
