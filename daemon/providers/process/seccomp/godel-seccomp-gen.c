/*
 * godel-seccomp-gen: compiles the seccomp policy (policy.txt beside this file) into the BPF programs that
 * process sandboxes load, once, at build time (scripts/build-native.sh). bwrap reads a program from a
 * file descriptor (--seccomp FD) and godel-exec loads the same file, so libseccomp is needed only here.
 *
 * Usage: godel-seccomp-gen POLICY DEFAULT_OUT USERNS_OUT
 *   DEFAULT_OUT  every entry refused
 *   USERNS_OUT   the entries marked `userns` left out (templates with nested user namespaces)
 * A line it cannot read, or a call libseccomp does not know, fails the build with the line's number.
 */
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_CONDS 4

static void fail(const char *policy, int line, const char *what) {
  fprintf(stderr, "godel-seccomp-gen: %s:%d: %s\n", policy, line, what);
  exit(1);
}

static int errno_by_name(const char *name) {
  if (!strcmp(name, "EPERM")) return EPERM;
  if (!strcmp(name, "ENOSYS")) return ENOSYS;
  return -1;
}

/*
 * Adds one entry. A filter compares an argument, it cannot test "any of these bits", so a0&=MASK becomes
 * one rule per bit; and libseccomp takes one comparison per argument in a rule, so "bit B set and a0 is
 * not V" (V has B set) becomes, for each other low bit C, "B set and C differs from V's": the low 32 bits,
 * which is all the kernel reads of the calls this is for (personality takes an unsigned int).
 */
static void add_rule(scmp_filter_ctx ctx, const char *policy, int line, int nr, int err, unsigned n, struct scmp_arg_cmp *c) {
  int rc = seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(err), nr, n, c);
  if (rc < 0) fail(policy, line, strerror(-rc));
}

static void add_entry(scmp_filter_ctx ctx, const char *policy, int line, int nr, int err, unsigned long long mask,
                      int has_not, unsigned long long not_value, struct scmp_arg_cmp *conds, unsigned ncond) {
  if (!mask) {
    if (has_not) conds[ncond++] = SCMP_A0(SCMP_CMP_NE, not_value);
    add_rule(ctx, policy, line, nr, err, ncond, conds);
    return;
  }
  for (int bit = 0; bit < 64; bit++) {
    unsigned long long b = 1ULL << bit;
    if (!(mask & b)) continue;
    struct scmp_arg_cmp all[MAX_CONDS + 1];
    memcpy(all, conds, ncond * sizeof *conds);
    if (!has_not || !(not_value & b)) {
      all[ncond] = SCMP_A0(SCMP_CMP_MASKED_EQ, b, b);
      add_rule(ctx, policy, line, nr, err, ncond + 1, all);
      continue;
    }
    for (int other = 0; other < 32; other++) {
      unsigned long long c = 1ULL << other;
      if (c == b) continue;
      all[ncond] = SCMP_A0(SCMP_CMP_MASKED_EQ, b | c, b | (~not_value & c));
      add_rule(ctx, policy, line, nr, err, ncond + 1, all);
    }
  }
}

static scmp_filter_ctx new_filter(void) {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
  if (!ctx) { fprintf(stderr, "godel-seccomp-gen: seccomp_init failed\n"); exit(1); }
  /* Only the native ABI is filtered, so every call through another (int 0x80, x32) is refused, with EPERM. */
  if (seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ERRNO(EPERM)) < 0 ||
      seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0) < 0 ||
      /* A binary tree of system call numbers: each call pays a few comparisons, not one per entry. */
      seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) < 0) {
    fprintf(stderr, "godel-seccomp-gen: cannot set the filter's attributes\n");
    exit(1);
  }
  return ctx;
}

static void export(scmp_filter_ctx ctx, const char *path) {
  char tmp[4096];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) { perror(tmp); exit(1); }
  int rc = seccomp_export_bpf(ctx, fd);
  if (rc < 0 || close(fd) < 0) { fprintf(stderr, "godel-seccomp-gen: writing %s: %s\n", tmp, strerror(rc < 0 ? -rc : errno)); exit(1); }
  if (rename(tmp, path) < 0) { perror(path); exit(1); }
}

int main(int argc, char **argv) {
  if (argc != 4) { fprintf(stderr, "usage: godel-seccomp-gen POLICY DEFAULT_OUT USERNS_OUT\n"); return 2; }
  const char *policy = argv[1];
  FILE *f = fopen(policy, "r");
  if (!f) { perror(policy); return 1; }
  scmp_filter_ctx base = new_filter(), userns = new_filter();
  char buf[1024];
  int line = 0, entries = 0;
  while (fgets(buf, sizeof buf, f)) {
    line++;
    char *why = strstr(buf, " -- ");
    char *hash = strchr(buf, '#');
    if (hash && (!why || hash < why)) *hash = '\0';
    if (why) *why = '\0';
    char *save = NULL, *tok = strtok_r(buf, " \t\n", &save);
    if (!tok) continue;
    if (!why) fail(policy, line, "an entry needs a reason after \" -- \"");
    int nr = seccomp_syscall_resolve_name(tok);
    if (nr == __NR_SCMP_ERROR) fail(policy, line, "a system call libseccomp does not know");
    int err = EPERM, open_with_userns = 0, has_not = 0;
    unsigned long long mask = 0, not_value = 0;
    struct scmp_arg_cmp conds[MAX_CONDS];
    unsigned ncond = 0;
    while ((tok = strtok_r(NULL, " \t\n", &save))) {
      char *end;
      if (!strcmp(tok, "userns")) open_with_userns = 1;
      else if (!strncmp(tok, "errno=", 6)) {
        if ((err = errno_by_name(tok + 6)) < 0) fail(policy, line, "errno= takes EPERM or ENOSYS");
      } else if (!strncmp(tok, "a0&=", 4)) {
        mask = strtoull(tok + 4, &end, 0);
        if (*end || !mask) fail(policy, line, "a0&= takes a non-zero number");
      } else if (!strncmp(tok, "a0!=", 4) && !has_not) {
        not_value = strtoull(tok + 4, &end, 0);
        if (*end) fail(policy, line, "a0!= takes a number");
        has_not = 1;
      } else if (!strncmp(tok, "a0==", 4) && ncond < MAX_CONDS - 1) {
        unsigned long long v = strtoull(tok + 4, &end, 0);
        if (*end) fail(policy, line, "a0== takes a number");
        conds[ncond++] = SCMP_A0(SCMP_CMP_EQ, v);
      } else {
        fail(policy, line, "unknown condition");
      }
    }
    if (ncond && (mask || has_not)) fail(policy, line, "a0== goes alone");
    struct scmp_arg_cmp copy[MAX_CONDS];
    memcpy(copy, conds, sizeof conds);
    add_entry(base, policy, line, nr, err, mask, has_not, not_value, conds, ncond);
    if (!open_with_userns) add_entry(userns, policy, line, nr, err, mask, has_not, not_value, copy, ncond);
    entries++;
  }
  fclose(f);
  if (!entries) fail(policy, line, "no entries");
  export(base, argv[2]);
  export(userns, argv[3]);
  seccomp_release(base);
  seccomp_release(userns);
  return 0;
}
