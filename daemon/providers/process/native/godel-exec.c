/*
 * godel-exec: runs one command inside a live process sandbox. The daemon (root) starts it; it enters the
 * sandbox's namespaces, forks into its pid namespace, and the child drops every privilege before exec:
 * no supplementary groups, the sandbox uid/gid, an empty capability bounding set, no ambient
 * capabilities, no_new_privs. With --tty the child becomes a session leader whose controlling terminal
 * is the pty on its stdin, so Ctrl-C and job control stay inside the sandbox. The parent stays in the
 * host pid namespace, waits, and exits as the child did.
 *
 * It exists because nsenter + setpriv cannot do all of this: after entering a user namespace the bounding
 * set is full again and only a process inside may drop it, and nsenter's waiting parent shares the
 * terminal's process group, so a Ctrl-C meant for a REPL would kill the session.
 *
 * Usage: godel-exec --target PID --uid UID --gid GID [--cgroup PROCS]... [--cwd DIR] [--tty] [--report-fd FD]
 *                   [--seccomp FILE] -- ARGV...
 * --report-fd receives "host <pid>\n" and "ns <pid>\n" for the command before it runs.
 * --cgroup joins the sandbox's cgroups (a cgroup.procs file each) first, so the command is born inside
 * its limits. Without --target (boot mode) it joins the cgroups, becomes UID:GID and runs ARGV (bwrap)
 * on the host: every process of a new sandbox starts inside its cgroups, with none left behind.
 * --seccomp loads the BPF program in FILE (the sandbox's seccomp filter, compiled at build time from
 * ../seccomp/policy.txt) as the command's last step before exec: a filter belongs to a process and what it
 * forks, so a command entering the sandbox needs it as much as the sandbox's own processes (bwrap loads
 * theirs). The file is read on the host, before the sandbox's mount namespace is entered.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

static void die(const char *what) {
  fprintf(stderr, "godel-exec: %s: %s\n", what, strerror(errno));
  _exit(125);
}

static long parse_num(const char *s, const char *flag) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || *end || v < 0) {
    fprintf(stderr, "godel-exec: bad %s: %s\n", flag, s);
    _exit(125);
  }
  return v;
}

static void report(int fd, const char *what, long pid) {
  if (fd < 0) return;
  char line[64];
  int n = snprintf(line, sizeof line, "%s %ld\n", what, pid);
  /* A failed write means the daemon went away; the command runs all the same. */
  (void)!write(fd, line, (size_t)n);
}

/* Namespaces in the order they are entered: the user namespace last, so the others are entered with the
 * host root's privileges and the command's credentials are then set inside the sandbox's user namespace. */
static const struct { const char *name; int type; } NAMESPACES[] = {
  {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS}, {"net", CLONE_NEWNET}, {"cgroup", CLONE_NEWCGROUP},
  {"pid", CLONE_NEWPID}, {"mnt", CLONE_NEWNS}, {"user", CLONE_NEWUSER},
};
#define NS_COUNT (sizeof NAMESPACES / sizeof NAMESPACES[0])
#define MAX_CGROUPS 8

static void join_cgroups(const char **procs, int count) {
  char pid[32];
  int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
  for (int i = 0; i < count; i++) {
    int fd = open(procs[i], O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, pid, (size_t)n) != n) die("joining the sandbox's cgroup");
    close(fd);
  }
}

static void drop_privileges(uid_t uid, gid_t gid) {
  for (int cap = 0;; cap++) {
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0) continue;
    if (errno == EINVAL) break; /* Past the last capability this kernel knows. */
    die("dropping the capability bounding set");
  }
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) die("clearing ambient capabilities");
  if (setresgid(gid, gid, gid) != 0) die("setresgid");
  /* Changing every uid away from 0 clears the permitted and effective capability sets. */
  if (setresuid(uid, uid, uid) != 0) die("setresuid");
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) die("no_new_privs");
}

/* A filter as bwrap reads one: an array of struct sock_filter, nothing else. */
static struct sock_fprog read_filter(const char *path) {
  struct sock_fprog prog = {0, NULL};
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0) die("opening the seccomp filter");
  if (st.st_size <= 0 || st.st_size % sizeof(struct sock_filter) || st.st_size > BPF_MAXINSNS * (off_t)sizeof(struct sock_filter)) {
    fprintf(stderr, "godel-exec: %s is not a seccomp filter\n", path);
    _exit(125);
  }
  prog.filter = malloc((size_t)st.st_size);
  if (!prog.filter) die("malloc");
  for (off_t done = 0; done < st.st_size;) {
    ssize_t n = read(fd, (char *)prog.filter + done, (size_t)(st.st_size - done));
    if (n <= 0) die("reading the seccomp filter");
    done += n;
  }
  close(fd);
  prog.len = (unsigned short)(st.st_size / sizeof(struct sock_filter));
  return prog;
}

int main(int argc, char **argv) {
  long target = -1, uid = -1, gid = -1;
  int tty = 0, report_fd = -1;
  const char *cwd = NULL, *seccomp = NULL;
  const char *cgroups[MAX_CGROUPS];
  int cgroup_count = 0;
  int i = 1;
  for (; i < argc; i++) {
    if (!strcmp(argv[i], "--")) { i++; break; }
    if (!strcmp(argv[i], "--tty")) { tty = 1; continue; }
    if (i + 1 >= argc) { fprintf(stderr, "godel-exec: %s needs a value\n", argv[i]); return 125; }
    if (!strcmp(argv[i], "--target")) target = parse_num(argv[++i], "--target");
    else if (!strcmp(argv[i], "--uid")) uid = parse_num(argv[++i], "--uid");
    else if (!strcmp(argv[i], "--gid")) gid = parse_num(argv[++i], "--gid");
    else if (!strcmp(argv[i], "--cwd")) cwd = argv[++i];
    else if (!strcmp(argv[i], "--seccomp")) seccomp = argv[++i];
    else if (!strcmp(argv[i], "--cgroup")) {
      if (cgroup_count >= MAX_CGROUPS) { fprintf(stderr, "godel-exec: too many --cgroup\n"); return 125; }
      cgroups[cgroup_count++] = argv[++i];
    }
    else if (!strcmp(argv[i], "--report-fd")) report_fd = (int)parse_num(argv[++i], "--report-fd");
    else { fprintf(stderr, "godel-exec: unknown option %s\n", argv[i]); return 125; }
  }
  if (target == 0 || uid < 0 || gid < 0 || i >= argc) {
    fprintf(stderr, "usage: godel-exec [--target PID] --uid UID --gid GID [--cgroup PROCS]... [--cwd DIR] [--tty] [--report-fd FD] [--seccomp FILE] -- ARGV...\n");
    return 125;
  }
  char **command = &argv[i];
  struct sock_fprog filter = {0, NULL};
  if (seccomp) filter = read_filter(seccomp);
  join_cgroups(cgroups, cgroup_count);
  if (target < 0) {
    /* Boot mode: an unprivileged bwrap on the host, already inside the sandbox's cgroups. */
    if (setgroups(0, NULL) != 0) die("setgroups");
    if (setresgid((gid_t)gid, (gid_t)gid, (gid_t)gid) != 0) die("setresgid");
    if (setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) != 0) die("setresuid");
    execvp(command[0], command);
    die("running the sandbox");
  }
  if (report_fd >= 0 && fcntl(report_fd, F_SETFD, FD_CLOEXEC) != 0) die("report fd");

  int fds[NS_COUNT];
  for (size_t n = 0; n < NS_COUNT; n++) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/ns/%s", target, NAMESPACES[n].name);
    fds[n] = open(path, O_RDONLY | O_CLOEXEC);
    if (fds[n] < 0) die("opening the sandbox's namespaces (has the sandbox exited?)");
  }
  /* Supplementary groups can only be dropped here: the sandbox's user namespace denies setgroups. */
  if (setgroups(0, NULL) != 0) die("setgroups");
  for (size_t n = 0; n < NS_COUNT; n++) {
    if (setns(fds[n], NAMESPACES[n].type) != 0) die(NAMESPACES[n].name);
    close(fds[n]);
  }

  pid_t child = fork();
  if (child < 0) die("fork");
  if (child == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    report(report_fd, "ns", (long)getpid());
    if (tty) {
      if (setsid() < 0) die("setsid");
      if (ioctl(STDIN_FILENO, TIOCSCTTY, 0) != 0) die("taking the terminal");
    } else if (setpgid(0, 0) != 0) {
      die("setpgid");
    }
    drop_privileges((uid_t)uid, (gid_t)gid);
    if (cwd && chdir(cwd) != 0) {
      fprintf(stderr, "godel-exec: cannot enter %s: %s\n", cwd, strerror(errno));
      _exit(126);
    }
    /* After no_new_privs (which an unprivileged filter needs) and last, so that none of the above is refused. */
    if (filter.filter && prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &filter, 0, 0) != 0) die("loading the seccomp filter");
    execvp(command[0], command);
    int err = errno;
    fprintf(stderr, "godel-exec: cannot run %s: %s\n", command[0], strerror(err));
    _exit(err == ENOENT ? 127 : 126);
  }

  report(report_fd, "host", (long)child);
  if (report_fd >= 0) close(report_fd);
  /* Terminal signals are the child's business; this waiter must outlive it to report its status. */
  signal(SIGINT, SIG_IGN);
  signal(SIGQUIT, SIG_IGN);
  signal(SIGHUP, SIG_IGN);
  signal(SIGTSTP, SIG_IGN);
  int status;
  while (waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) die("waitpid");
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  /* Die of the same signal, without a core file, so the daemon sees how the command ended. */
  struct rlimit no_core = {0, 0};
  setrlimit(RLIMIT_CORE, &no_core);
  int sig = WTERMSIG(status);
  signal(sig, SIG_DFL);
  sigset_t only;
  sigemptyset(&only);
  sigaddset(&only, sig);
  sigprocmask(SIG_UNBLOCK, &only, NULL);
  kill(getpid(), sig);
  return 128 + sig;
}
