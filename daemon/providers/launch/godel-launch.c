/*
 * godel-launch: starts processes for the daemon, so that the daemon's event loop never forks. A fork of
 * the daemon (Node's spawn) copies the page tables of a large process and waits for the child to exec:
 * 4 ms on a quiet 2-core machine, 15 ms and more while sandboxes boot, and every handoff queued behind it
 * waits as long. This helper is small, so its fork costs microseconds, and the daemon only writes a request.
 *
 * It runs as the daemon's child for as long as the daemon does, and exits when its stdin closes (the
 * daemon stopped or died; PR_SET_PDEATHSIG covers a daemon killed before it could close it). What it
 * started keeps running: sandboxes outlive the daemon, and the daemon finds them again by their pid files.
 *
 * Requests on stdin, each a list of NUL-terminated fields ending with an empty field:
 *   ID spawn OPTION... -- ARGV...   options: uid=N gid=N (drop to them), setsid=1, idle=NICE (SCHED_IDLE:
 *                                   only CPU nothing else wants; with setsid=1 its session's autogroup
 *                                   at NICE, 1 to 19), stderr=PATH (opened before the drop,
 *                                   truncated, 0600), stderr=pipe (collected, up to 64 KiB, for the exit
 *                                   report), pidfile=PATH ("PID STARTTIME\n", written before the exec, so a
 *                                   crash at any point leaves a way to find the process), info=1 (fd 3 is
 *                                   a pipe whose whole contents are reported when it closes: bwrap's
 *                                   --info-fd), env=K=V (repeated; without any the child inherits this
 *                                   helper's environment), dir=MODE:UID:GID:PATH (repeated: created
 *                                   in the child before anything else, an existing one is fine, owned by
 *                                   UID:GID unless they are -1; the boot's own file system work then
 *                                   waits, when the journal is busy, in the child and not in the daemon),
 *                                   fd=N:PATH (PATH opened read-only as fd N, N from 4 to 63, before the
 *                                   drop: bwrap's --seccomp FD), dirfd=N:PATH (the directory PATH, O_PATH,
 *                                   no symlink on the way: bwrap's --ro-bind-fd FD), data=N:TEXT (fd N is a pipe holding TEXT,
 *                                   at most 60000 bytes: bwrap's --file FD), expose=SRC with over=DIR (in
 *                                   a mount namespace of the child's own, SRC is bind-mounted over the
 *                                   directory DIR, so that the dropped user reaches SRC at DIR although it
 *                                   could not pass some directory above SRC; the host's mounts are untouched),
 *                                   log=PATH (stdout and stderr appended to PATH, created 0600 before the
 *                                   drop, never through a symlink: a long-lived process's log across its
 *                                   restarts), nonewprivs=1 (PR_SET_NO_NEW_PRIVS: nothing it executes gains
 *                                   privileges, setuid binaries included)
 *   ID normal PID...                every thread of each process back to SCHED_OTHER at nice 0, and its
 *                                   session's autogroup too
 *   ID autogroup NICE PID...        the autogroup of each process's session at NICE (0 to 19), nothing
 *                                   else: a refill that waited too long at 19 gets a moderate share
 *
 * Autogroups: with CONFIG_SCHED_AUTOGROUP (Debian's kernels, this machine's) the scheduler shares the CPU
 * between sessions first and between the tasks of a session second, so a SCHED_IDLE boot that setsid()
 * made its own session got as much CPU as the daemon's whole session (measured here: two loops pinned to
 * one CPU, one of them SCHED_IDLE in its own session, took 89 and 88 ticks of 177). A background boot's
 * session is therefore also set to an autogroup nice (19 for the two loops: 174 and 4 ticks), and put back
 * to 0 with the rest of its priority at handoff.
 * Replies on stdout, one line each; TEXT is hex:
 *   ID started PID | ID error ERRNO TEXT   once the exec succeeded or failed
 *   ID info TEXT                    (info=1) what the child wrote on fd 3, when it closed it
 *   ID exit CODE SIGNAL TEXT        when the child exited (-1 for the one that does not apply), with the
 *                                   collected stderr
 *   ID done | ID error ERRNO TEXT   for normal and autogroup
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* Children are remembered until they exit (a sandbox's bwrap, for its whole life). */
#define MAX_CHILDREN 16384
#define MAX_ARGS 4096
#define MAX_REQUEST (1 << 20)
#define MAX_COLLECT (64 * 1024)
#define MAX_FDS 16

struct child {
  pid_t pid;
  char id[32];
  int status_fd; /* CLOEXEC pipe: EOF means the exec succeeded, an int means errno of a failed one */
  int info_fd;
  int err_fd;
  char *info;
  size_t info_len;
  char *err;
  size_t err_len;
  int started; /* the "started" or "error" reply was sent */
  int info_due; /* info=1, and its reply is not sent yet */
  int exited;
  int status;
};

static struct child children[MAX_CHILDREN];
/* One past the highest slot in use, so that a scan need not cover the whole table. */
static int slots_used;
static char request[MAX_REQUEST];
static size_t request_len;

static void die(const char *what) {
  fprintf(stderr, "godel-launch: %s: %s\n", what, strerror(errno));
  exit(1);
}

static void write_all(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n < 0 && errno == EINTR) continue;
    /* The daemon is gone: nothing is left to report to. */
    if (n < 0) exit(0);
    buf += n;
    len -= (size_t)n;
  }
}

/* One reply line: "ID WORD" then the given fields, the last one hex-encoded when `hex` is set. */
static void reply(const char *id, const char *word, const char *plain, const char *hex, size_t hex_len) {
  size_t cap = strlen(id) + strlen(word) + (plain ? strlen(plain) : 0) + 2 * hex_len + 8;
  char *line = malloc(cap);
  if (!line) die("malloc");
  int n = snprintf(line, cap, "%s %s%s%s%s", id, word, plain ? " " : "", plain ? plain : "", hex ? " " : "");
  size_t len = (size_t)n;
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; hex && i < hex_len; i++) {
    line[len++] = digits[(unsigned char)hex[i] >> 4];
    line[len++] = digits[(unsigned char)hex[i] & 15];
  }
  line[len++] = '\n';
  write_all(1, line, len);
  free(line);
}

static void reply_errno(const char *id, const char *what, int err) {
  char msg[512], code[16];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  snprintf(code, sizeof code, "%d", err);
  reply(id, "error", code, msg, strlen(msg));
}

/* In the child, before exec: a failure is reported on the status pipe and ends the child. */
static void child_fail(int status_fd, int err) {
  ssize_t ignored = write(status_fd, &err, sizeof err);
  (void)ignored;
  _exit(127);
}

static void write_pidfile(const char *path, int status_fd) {
  char stat[1024];
  int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  if (fd < 0) child_fail(status_fd, errno);
  ssize_t n = read(fd, stat, sizeof stat - 1);
  close(fd);
  if (n <= 0) child_fail(status_fd, EIO);
  stat[n] = 0;
  /* Field 22, the start time; the command name (field 2) is in parentheses and may hold spaces. */
  char *p = strrchr(stat, ')');
  if (!p) child_fail(status_fd, EIO);
  p += 2;
  for (int field = 3; field < 22 && p; field++) {
    p = strchr(p, ' ');
    if (p) p++;
  }
  if (!p) child_fail(status_fd, EIO);
  char line[64];
  int len = snprintf(line, sizeof line, "%d %lld\n", (int)getpid(), strtoll(p, NULL, 10));
  fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || write(fd, line, (size_t)len) != len) child_fail(status_fd, errno);
  close(fd);
}

/* "MODE:UID:GID:PATH": the path is everything after the third colon. */
static void make_dir(char *spec, int status_fd) {
  char *end;
  long mode = strtol(spec, &end, 8);
  if (*end != ':') child_fail(status_fd, EINVAL);
  long uid = strtol(end + 1, &end, 10);
  if (*end != ':') child_fail(status_fd, EINVAL);
  long gid = strtol(end + 1, &end, 10);
  if (*end != ':') child_fail(status_fd, EINVAL);
  const char *path = end + 1;
  if (mkdir(path, (mode_t)mode) < 0 && errno != EEXIST) child_fail(status_fd, errno);
  if (chmod(path, (mode_t)mode) < 0) child_fail(status_fd, errno);
  if (uid >= 0 && chown(path, (uid_t)uid, (gid_t)gid) < 0) child_fail(status_fd, errno);
}

#define MIN_HIGH_FD 64
#define MAX_DATA 60000

/* The child's own fds move to 64 and up, out of the way of the numbers its command is given. */
static int move_high(int fd, int status_fd) {
  int high = fcntl(fd, F_DUPFD_CLOEXEC, MIN_HIGH_FD);
  if (high < 0) child_fail(status_fd, errno);
  close(fd);
  return high;
}

static int fd_target(const char *spec, char **rest) {
  long n = strtol(spec, rest, 10);
  if (**rest != ':' || n < 4 || n >= MIN_HIGH_FD) return -1;
  (*rest)++;
  return (int)n;
}

/*
 * In the child: fd=N:PATH, data=N:TEXT or dirfd=N:PATH opened (at a high number) for dup2 onto N later.
 * dirfd is a directory opened O_PATH with no symbolic link anywhere on PATH (openat2's RESOLVE_NO_SYMLINKS),
 * for bwrap's --ro-bind-fd: a directory another user owns (the egress proxy's, for one sandbox) cannot be
 * swapped for a link to somewhere else between the daemon's look at it and bwrap's mount, as a path could.
 */
static int open_fd_spec(char *spec, int *target, int status_fd) {
  char *rest;
  int data = !strncmp(spec, "data=", 5);
  int dir = !strncmp(spec, "dirfd=", 6);
  if ((*target = fd_target(spec + (data ? 5 : dir ? 6 : 3), &rest)) < 0) child_fail(status_fd, EINVAL);
  if (dir) {
    struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
    int fd = (int)syscall(SYS_openat2, AT_FDCWD, rest, &how, sizeof how);
    if (fd < 0) child_fail(status_fd, errno);
    return move_high(fd, status_fd);
  }
  if (data) {
    size_t len = strlen(rest);
    int p[2];
    if (len > MAX_DATA) child_fail(status_fd, E2BIG);
    if (pipe2(p, O_CLOEXEC) < 0) child_fail(status_fd, errno);
    for (size_t done = 0; done < len;) {
      ssize_t n = write(p[1], rest + done, len - done);
      if (n < 0) child_fail(status_fd, errno);
      done += (size_t)n;
    }
    close(p[1]);
    return move_high(p[0], status_fd);
  }
  int fd = open(rest, O_RDONLY | O_CLOEXEC);
  if (fd < 0) child_fail(status_fd, errno);
  return move_high(fd, status_fd);
}

/*
 * In the child, last before the drop: SRC over OVER in a new mount namespace whose mounts receive the
 * host's but send none back. The executable is opened first, in case OVER hides it. Returns its fd.
 */
static int expose_dir(const char *src, const char *over, const char *exe, int status_fd) {
  int exe_fd = open(exe, O_PATH | O_CLOEXEC);
  if (exe_fd < 0) child_fail(status_fd, errno);
  if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0 ||
      mount(src, over, NULL, MS_BIND, NULL) < 0) child_fail(status_fd, errno);
  return exe_fd;
}

static int nonblocking_pipe(int fds[2]) {
  if (pipe2(fds, O_CLOEXEC) < 0) return -1;
  return fcntl(fds[0], F_SETFL, O_NONBLOCK);
}

static struct child *free_slot(void) {
  for (int i = 0; i < MAX_CHILDREN; i++) {
    if (children[i].pid) continue;
    if (i >= slots_used) slots_used = i + 1;
    return &children[i];
  }
  return NULL;
}

/*
 * The nice value of the autogroup of PID's session (/proc/PID/autogroup). Not there (a kernel without
 * autogroups) or the process gone: nothing to do. Root is not rate-limited here (others get EAGAIN at
 * more than ten changes a second); the helper runs as root wherever sandboxes boot at idle priority.
 */
static int set_autogroup_nice(pid_t pid, int nice) {
  char path[64], text[16];
  if (pid > 0) snprintf(path, sizeof path, "/proc/%d/autogroup", (int)pid);
  else snprintf(path, sizeof path, "/proc/self/autogroup");
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT || errno == ESRCH ? 0 : -1;
  int n = snprintf(text, sizeof text, "%d\n", nice);
  int rc = write(fd, text, (size_t)n) == n || errno == ESRCH ? 0 : -1;
  int e = errno;
  close(fd);
  errno = e;
  return rc;
}

static void spawn_request(const char *id, char **fields, int count) {
  long uid = -1, gid = -1;
  int setsid_wanted = 0, idle = 0, info = 0, err_pipe = 0; /* idle: the autogroup nice, 0 for none */
  const char *stderr_path = NULL, *pidfile = NULL, *log_path = NULL;
  int no_new_privs = 0;
  const char *expose = NULL, *over = NULL;
  char *envs[MAX_ARGS];
  int nenv = 0;
  char *dirs[MAX_ARGS];
  int ndirs = 0;
  char *fdspecs[MAX_FDS];
  int nfds = 0;
  int i = 0;
  for (; i < count && strcmp(fields[i], "--") != 0; i++) {
    char *f = fields[i];
    if (!strncmp(f, "uid=", 4)) uid = strtol(f + 4, NULL, 10);
    else if (!strncmp(f, "gid=", 4)) gid = strtol(f + 4, NULL, 10);
    else if (!strcmp(f, "setsid=1")) setsid_wanted = 1;
    else if (!strncmp(f, "idle=", 5)) {
      idle = (int)strtol(f + 5, NULL, 10);
      if (idle < 1 || idle > 19) return reply_errno(id, f, EINVAL);
    }
    else if (!strcmp(f, "info=1")) info = 1;
    else if (!strcmp(f, "stderr=pipe")) err_pipe = 1;
    else if (!strncmp(f, "stderr=", 7)) stderr_path = f + 7;
    else if (!strncmp(f, "pidfile=", 8)) pidfile = f + 8;
    else if (!strncmp(f, "log=", 4)) log_path = f + 4;
    else if (!strcmp(f, "nonewprivs=1")) no_new_privs = 1;
    else if (!strncmp(f, "env=", 4) && nenv < MAX_ARGS - 1) envs[nenv++] = f + 4;
    else if (!strncmp(f, "dir=", 4) && ndirs < MAX_ARGS) dirs[ndirs++] = f + 4;
    else if ((!strncmp(f, "fd=", 3) || !strncmp(f, "data=", 5) || !strncmp(f, "dirfd=", 6)) && nfds < MAX_FDS) fdspecs[nfds++] = f;
    else if (!strncmp(f, "expose=", 7)) expose = f + 7;
    else if (!strncmp(f, "over=", 5)) over = f + 5;
    else return reply_errno(id, f, EINVAL);
  }
  if (i + 1 >= count) return reply_errno(id, "no command", EINVAL);
  if (!expose != !over) return reply_errno(id, "expose= goes with over=", EINVAL);
  if (log_path && (stderr_path || err_pipe)) return reply_errno(id, "log= goes without stderr=", EINVAL);
  char **argv = &fields[i + 1];
  fields[count] = NULL;
  envs[nenv] = NULL;
  struct child *c = free_slot();
  if (!c) return reply_errno(id, "too many children", EAGAIN);
  int status[2], infop[2] = {-1, -1}, errp[2] = {-1, -1};
  if (nonblocking_pipe(status) < 0) return reply_errno(id, "pipe", errno);
  if ((info && nonblocking_pipe(infop) < 0) || (err_pipe && nonblocking_pipe(errp) < 0)) {
    int e = errno;
    close(status[0]);
    close(status[1]);
    if (infop[0] >= 0) close(infop[0]), close(infop[1]);
    return reply_errno(id, "pipe", e);
  }
  pid_t pid = fork();
  if (pid < 0) {
    int e = errno;
    close(status[0]);
    close(status[1]);
    if (infop[0] >= 0) close(infop[0]), close(infop[1]);
    if (errp[0] >= 0) close(errp[0]), close(errp[1]);
    return reply_errno(id, "fork", e);
  }
  if (pid == 0) {
    int sfd = move_high(status[1], status[1]);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    signal(SIGPIPE, SIG_DFL);
    if (setsid_wanted && setsid() < 0) child_fail(sfd, errno);
    if (idle) {
      struct sched_param sp = {0};
      if (sched_setscheduler(0, SCHED_IDLE, &sp) < 0) child_fail(sfd, errno);
      /* Its own session is its own autogroup, which SCHED_IDLE alone does not hold back (see the top). */
      if (setsid_wanted && set_autogroup_nice(0, idle) < 0) child_fail(sfd, errno);
    }
    for (int d = 0; d < ndirs; d++) make_dir(dirs[d], sfd);
    if (pidfile) write_pidfile(pidfile, sfd);
    int passed[MAX_FDS], targets[MAX_FDS];
    for (int n = 0; n < nfds; n++) {
      passed[n] = open_fd_spec(fdspecs[n], &targets[n], sfd);
      if (info && targets[n] == 3) child_fail(sfd, EINVAL);
    }
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull < 0) child_fail(sfd, errno);
    int errfd = devnull, outfd = devnull;
    if (log_path) {
      errfd = outfd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
      if (errfd < 0) child_fail(sfd, errno);
    } else if (stderr_path) {
      errfd = open(stderr_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      if (errfd < 0) child_fail(sfd, errno);
    } else if (err_pipe) {
      errfd = errp[1];
    }
    if (dup2(devnull, 0) < 0 || dup2(outfd, 1) < 0 || dup2(errfd, 2) < 0) child_fail(sfd, errno);
    /* dup2 onto itself would keep close-on-exec, and bwrap would find no fd 3. */
    if (info && (infop[1] == 3 ? fcntl(3, F_SETFD, 0) : dup2(infop[1], 3)) < 0) child_fail(sfd, errno);
    /* Each is at 64 or above and each target below, so no dup2 here lands on a descriptor still needed. */
    for (int n = 0; n < nfds; n++) if (dup2(passed[n], targets[n]) < 0) child_fail(sfd, errno);
    int exe_fd = expose ? expose_dir(expose, over, argv[0], sfd) : -1;
    if (gid >= 0 && (setgroups(0, NULL) < 0 || setgid((gid_t)gid) < 0)) child_fail(sfd, errno);
    if (uid >= 0 && setuid((uid_t)uid) < 0) child_fail(sfd, errno);
    if (no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) child_fail(sfd, errno);
    extern char **environ;
    if (exe_fd >= 0) execveat(exe_fd, "", argv, nenv ? envs : environ, AT_EMPTY_PATH);
    else if (nenv) execve(argv[0], argv, envs);
    else execv(argv[0], argv);
    child_fail(sfd, errno);
  }
  close(status[1]);
  if (info) close(infop[1]);
  if (err_pipe) close(errp[1]);
  memset(c, 0, sizeof *c);
  c->pid = pid;
  snprintf(c->id, sizeof c->id, "%s", id);
  c->status_fd = status[0];
  c->info_fd = info ? infop[0] : -1;
  c->info_due = info;
  c->err_fd = err_pipe ? errp[0] : -1;
}

/* Every thread of the process back to the default policy and nice 0 (a claimed sandbox runs at full priority). */
static int normal_priority(pid_t pid) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
  DIR *d = opendir(path);
  if (!d) return errno == ENOENT ? 0 : -1;
  struct dirent *e;
  int rc = 0;
  struct sched_param sp = {0};
  while ((e = readdir(d))) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    pid_t tid = (pid_t)strtol(e->d_name, NULL, 10);
    if ((sched_setscheduler(tid, SCHED_OTHER, &sp) < 0 || setpriority(PRIO_PROCESS, (id_t)tid, 0) < 0) && errno != ESRCH) rc = -1;
  }
  closedir(d);
  return rc;
}

static void normal_request(const char *id, char **fields, int count) {
  for (int i = 0; i < count; i++) {
    pid_t pid = (pid_t)strtol(fields[i], NULL, 10);
    if (normal_priority(pid) < 0) return reply_errno(id, "sched_setscheduler", errno);
    if (set_autogroup_nice(pid, 0) < 0) return reply_errno(id, "autogroup", errno);
  }
  reply(id, "done", NULL, NULL, 0);
}

static void autogroup_request(const char *id, char **fields, int count) {
  if (count < 1) return reply_errno(id, "autogroup NICE PID...", EINVAL);
  int nice = (int)strtol(fields[0], NULL, 10);
  if (nice < 0 || nice > 19) return reply_errno(id, fields[0], EINVAL);
  for (int i = 1; i < count; i++) {
    pid_t pid = (pid_t)strtol(fields[i], NULL, 10);
    if (pid <= 0) return reply_errno(id, fields[i], EINVAL); /* 0 would be this helper's own session */
    if (set_autogroup_nice(pid, nice) < 0) return reply_errno(id, "autogroup", errno);
  }
  reply(id, "done", NULL, NULL, 0);
}

static void handle_request(char *buf, size_t len) {
  static char *fields[MAX_ARGS + 1];
  int count = 0;
  for (size_t off = 0; off < len && count < MAX_ARGS; off += strlen(buf + off) + 1) fields[count++] = buf + off;
  if (count < 2) return;
  if (!strcmp(fields[1], "spawn")) spawn_request(fields[0], fields + 2, count - 2);
  else if (!strcmp(fields[1], "normal")) normal_request(fields[0], fields + 2, count - 2);
  else if (!strcmp(fields[1], "autogroup")) autogroup_request(fields[0], fields + 2, count - 2);
  else reply_errno(fields[0], fields[1], EINVAL);
}

/* Takes every complete request (fields up to an empty one) off the front of the buffer. */
static void drain_requests(void) {
  size_t start = 0;
  for (size_t i = 0; i < request_len; i++) {
    if (request[i] != 0) continue;
    if (i == start || request[i - 1] == 0) {
      if (i > start) handle_request(request + start, i - start);
      start = i + 1;
    }
  }
  memmove(request, request + start, request_len - start);
  request_len -= start;
}

/* Reads what a pipe has; returns 1 once it is closed. Keeps at most MAX_COLLECT bytes. */
static int collect(int fd, char **buf, size_t *len) {
  char chunk[4096];
  for (;;) {
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n > 0) {
      size_t keep = *len + (size_t)n > MAX_COLLECT ? MAX_COLLECT - *len : (size_t)n;
      if (keep) {
        char *grown = realloc(*buf, *len + keep);
        if (!grown) die("realloc");
        memcpy(grown + *len, chunk, keep);
        *buf = grown;
        *len += keep;
      }
      continue;
    }
    if (n == 0) return 1;
    if (errno == EINTR) continue;
    return errno == EAGAIN ? 0 : 1;
  }
}

static void close_fd(int *fd) {
  if (*fd >= 0) close(*fd);
  *fd = -1;
}

/* Sends what is due for a child, and frees its slot once everything was said. */
static void settle(struct child *c) {
  if (!c->started && c->status_fd < 0) {
    c->started = 1;
    char pid[16];
    snprintf(pid, sizeof pid, "%d", (int)c->pid);
    reply(c->id, "started", pid, NULL, 0);
  }
  if (c->started && c->info_fd < 0 && c->info_due) {
    c->info_due = 0;
    reply(c->id, "info", NULL, c->info ? c->info : "", c->info_len);
  }
  if (c->started && c->exited && c->info_fd < 0 && c->err_fd < 0) {
    char codes[32];
    int code = WIFEXITED(c->status) ? WEXITSTATUS(c->status) : -1;
    int sig = WIFSIGNALED(c->status) ? WTERMSIG(c->status) : -1;
    snprintf(codes, sizeof codes, "%d %d", code, sig);
    reply(c->id, "exit", codes, c->err ? c->err : "", c->err_len);
    free(c->info);
    free(c->err);
    memset(c, 0, sizeof *c);
  }
}

static void read_status(struct child *c) {
  int err = 0;
  ssize_t n = read(c->status_fd, &err, sizeof err);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  close_fd(&c->status_fd);
  if (n == (ssize_t)sizeof err) {
    c->started = 1;
    c->info_due = 0;
    reply_errno(c->id, "exec", err);
    close_fd(&c->info_fd);
    close_fd(&c->err_fd);
  }
}

static void reap(void) {
  int status;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    for (int i = 0; i < slots_used; i++) {
      if (children[i].pid != pid) continue;
      children[i].exited = 1;
      children[i].status = status;
      if (children[i].status_fd >= 0) read_status(&children[i]);
      settle(&children[i]);
    }
  }
}

int main(void) {
  pid_t parent = getppid();
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) die("prctl");
  if (getppid() != parent) return 0; /* The daemon died before the line above. */
  signal(SIGPIPE, SIG_IGN);
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGCHLD);
  if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0) die("sigprocmask");
  int sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
  if (sigfd < 0) die("signalfd");
  fcntl(0, F_SETFD, FD_CLOEXEC);
  fcntl(1, F_SETFD, FD_CLOEXEC);
  static struct pollfd fds[2 + 3 * MAX_CHILDREN];
  static struct child *owner[2 + 3 * MAX_CHILDREN];
  for (;;) {
    int n = 0;
    fds[n++] = (struct pollfd){.fd = sigfd, .events = POLLIN};
    fds[n++] = (struct pollfd){.fd = 0, .events = POLLIN};
    for (int i = 0; i < slots_used; i++) {
      struct child *c = &children[i];
      if (!c->pid) continue;
      int own[3] = {c->status_fd, c->info_fd, c->err_fd};
      for (int k = 0; k < 3; k++) {
        if (own[k] < 0) continue;
        owner[n] = c;
        fds[n++] = (struct pollfd){.fd = own[k], .events = POLLIN};
      }
    }
    if (poll(fds, (nfds_t)n, -1) < 0) {
      if (errno == EINTR) continue;
      die("poll");
    }
    for (int k = 0; k < n; k++) {
      if (!fds[k].revents) continue;
      if (fds[k].fd == sigfd) {
        struct signalfd_siginfo si;
        while (read(sigfd, &si, sizeof si) == (ssize_t)sizeof si) continue;
        reap();
      } else if (k == 1) {
        ssize_t got = read(0, request + request_len, sizeof request - request_len);
        if (got > 0) {
          request_len += (size_t)got;
          drain_requests();
          if (request_len == sizeof request) die("request too large");
        } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
          /* The daemon closed its end: what was started is on its own now (sandboxes outlive the daemon). */
          return 0;
        }
      } else {
        struct child *c = owner[k];
        if (!c->pid) continue;
        if (fds[k].fd == c->status_fd) read_status(c);
        else if (fds[k].fd == c->info_fd && collect(c->info_fd, &c->info, &c->info_len)) close_fd(&c->info_fd);
        else if (fds[k].fd == c->err_fd && collect(c->err_fd, &c->err, &c->err_len)) close_fd(&c->err_fd);
        settle(c);
      }
    }
  }
}
