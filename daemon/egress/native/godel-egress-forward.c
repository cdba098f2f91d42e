// godel-egress-forward: the only way out of a process sandbox with an allow list. The sandbox's network
// namespace has nothing but loopback; this runs inside it (as the sandbox's command) and listens on
// loopback ports. With --hand-to, it gives those listening sockets to the egress proxy on the host
// (SCM_RIGHTS over the Unix socket named, bound into the sandbox), so the proxy accepts the sandbox's
// connections itself, one hop less for every byte; while the proxy is not there to take them (it is
// restarting, or it is an older one without that socket) it carries each connection itself to a Unix
// socket of the proxy, as it does without --hand-to. It knows nothing of policies: the proxy decides
// everything.
//
// usage: godel-egress-forward PORT=SOCKET_PATH... [--hand-to SOCKET_PATH] [--unset NAME]... [-- COMMAND ARG...]
// With a command (an agent CLI reaching the model gateway), the listeners are bound first, so the port is
// ready before the command runs; the forwarding goes on in a child that dies with the command, and this
// process becomes the command (its pid, signals and exit status are the command's own), without the
// environment variables named by --unset. With a command, there may be no listeners at all.
// Built static (scripts/build-native.sh) so that it runs in a sandbox with any root filesystem.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_LISTENERS 8
#define BUF_BYTES (128 * 1024)
/* How often a proxy that did not take the listeners is asked again: the wait after a proxy restart. */
#define HAND_RETRY_MS 200

struct listener {
  int fd;
  struct sockaddr_un target;
};

struct relay {
  int tcp;
  int unix_fd;
};

/*
 * Moves what is readable on `from` to `to` through a pipe with splice(2), so the bytes never enter this
 * process; returns 0 at end of input, -1 on error, 1 otherwise.
 */
static int pump(int from, int to, int pipe_r, int pipe_w) {
  ssize_t n = splice(from, NULL, pipe_w, NULL, BUF_BYTES, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
  if (n == 0) return 0;
  if (n < 0) return errno == EINTR || errno == EAGAIN ? 1 : -1;
  for (ssize_t left = n; left > 0;) {
    ssize_t w = splice(pipe_r, NULL, to, NULL, (size_t)left, SPLICE_F_MOVE);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    left -= w;
  }
  return 1;
}

/* The same with read and write, for a kernel that refuses splice between these two. */
static int copy(int from, int to, char *buf) {
  ssize_t n = read(from, buf, BUF_BYTES);
  if (n == 0) return 0;
  if (n < 0) return errno == EINTR || errno == EAGAIN ? 1 : -1;
  for (ssize_t off = 0; off < n;) {
    ssize_t w = send(to, buf + off, (size_t)(n - off), MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    off += w;
  }
  return 1;
}

/* Both directions of one connection; each side's end of input is passed on as a half-close. */
static void *relay_main(void *arg) {
  struct relay r = *(struct relay *)arg;
  free(arg);
  char *buf = malloc(BUF_BYTES);
  /* One pipe per direction: each holds what it moved until it is written out. */
  int pipes[2][2] = {{-1, -1}, {-1, -1}};
  int spliced = pipe2(pipes[0], O_CLOEXEC) == 0 && pipe2(pipes[1], O_CLOEXEC) == 0;
  if (spliced) {
    fcntl(pipes[0][1], F_SETPIPE_SZ, BUF_BYTES);
    fcntl(pipes[1][1], F_SETPIPE_SZ, BUF_BYTES);
  }
  if (buf) {
    struct pollfd p[2] = {{.fd = r.tcp, .events = POLLIN}, {.fd = r.unix_fd, .events = POLLIN}};
    int open_dirs = 2;
    while (open_dirs > 0) {
      if (poll(p, 2, -1) < 0) {
        if (errno == EINTR) continue;
        break;
      }
      int failed = 0;
      for (int i = 0; i < 2; i++) {
        if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        int to = i == 0 ? r.unix_fd : r.tcp;
        int st = spliced ? pump(p[i].fd, to, pipes[i][0], pipes[i][1]) : copy(p[i].fd, to, buf);
        if (st < 0) failed = 1;
        if (st == 0) {
          shutdown(to, SHUT_WR);
          p[i].fd = -1;
          open_dirs--;
        }
      }
      if (failed) break;
    }
    free(buf);
  }
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++)
      if (pipes[i][j] >= 0) close(pipes[i][j]);
  close(r.tcp);
  close(r.unix_fd);
  return NULL;
}

static int listen_on(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || listen(fd, 512) < 0) {
    close(fd);
    return -1;
  }
  return fd;
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Gives the listening sockets to the proxy at `path`: one message naming the Unix socket each one stands
 * for (the last part of its SOCKET_PATH, "http.sock socks.sock"), with the sockets attached in that order.
 * Returns the connection, which the proxy holds open for as long as it accepts on them, or -1.
 */
static int hand_off(const char *path, struct listener *ls, int count) {
  struct sockaddr_un a = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof a.sun_path) return -1;
  strcpy(a.sun_path, path);
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) return -1;
  if (connect(s, (struct sockaddr *)&a, sizeof a) < 0) {
    close(s);
    return -1;
  }
  char line[MAX_LISTENERS * 108 + 32] = "LISTENERS";
  int fds[MAX_LISTENERS];
  for (int i = 0; i < count; i++) {
    const char *base = strrchr(ls[i].target.sun_path, '/');
    strcat(line, " ");
    strcat(line, base ? base + 1 : ls[i].target.sun_path);
    fds[i] = ls[i].fd;
  }
  strcat(line, "\n");
  union {
    char buf[CMSG_SPACE(MAX_LISTENERS * sizeof(int))];
    struct cmsghdr align;
  } control;
  memset(&control, 0, sizeof control);
  struct iovec iov = {.iov_base = line, .iov_len = strlen(line)};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = CMSG_SPACE((size_t)count * sizeof(int))};
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN((size_t)count * sizeof(int));
  memcpy(CMSG_DATA(c), fds, (size_t)count * sizeof(int));
  ssize_t n;
  do n = sendmsg(s, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  if (n != (ssize_t)iov.iov_len) {
    close(s);
    return -1;
  }
  return s;
}

int main(int argc, char **argv) {
  signal(SIGPIPE, SIG_IGN);
  char *specs[MAX_LISTENERS];
  int count = 0;
  char **command = NULL;
  const char *hand_to = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--") == 0) {
      command = argv + i + 1;
      break;
    }
    if (strcmp(argv[i], "--hand-to") == 0 && i + 1 < argc) {
      hand_to = argv[++i];
      continue;
    }
    if (strcmp(argv[i], "--unset") == 0 && i + 1 < argc) {
      unsetenv(argv[++i]);
      continue;
    }
    if (count == MAX_LISTENERS) {
      fprintf(stderr, "godel-egress-forward: at most %d listeners\n", MAX_LISTENERS);
      return 2;
    }
    specs[count++] = argv[i];
  }
  if ((count < 1 && !command) || (command && !command[0])) {
    fprintf(stderr, "usage: %s PORT=SOCKET_PATH... [--hand-to SOCKET_PATH] [--unset NAME]... [-- COMMAND ARG...]\n", argv[0]);
    return 2;
  }
  if (command && count == 0) {
    execvp(command[0], command);
    fprintf(stderr, "godel-egress-forward: cannot run %s: %s\n", command[0], strerror(errno));
    return 127;
  }
  struct listener ls[MAX_LISTENERS];
  struct pollfd pfds[MAX_LISTENERS];
  for (int i = 0; i < count; i++) {
    char *eq = strchr(specs[i], '=');
    int port = eq ? atoi(specs[i]) : 0;
    if (!eq || port < 1 || port > 65535 || strlen(eq + 1) >= sizeof ls[i].target.sun_path) {
      fprintf(stderr, "godel-egress-forward: bad listener \"%s\" (PORT=SOCKET_PATH)\n", specs[i]);
      return 2;
    }
    memset(&ls[i].target, 0, sizeof ls[i].target);
    ls[i].target.sun_family = AF_UNIX;
    strcpy(ls[i].target.sun_path, eq + 1);
    ls[i].fd = listen_on(port);
    if (ls[i].fd < 0) {
      fprintf(stderr, "godel-egress-forward: cannot listen on 127.0.0.1:%d: %s\n", port, strerror(errno));
      return 1;
    }
    pfds[i] = (struct pollfd){.fd = ls[i].fd, .events = POLLIN};
  }
  if (command) {
    pid_t parent = getpid();
    pid_t child = fork();
    if (child < 0) {
      fprintf(stderr, "godel-egress-forward: fork: %s\n", strerror(errno));
      return 1;
    }
    if (child > 0) {
      for (int i = 0; i < count; i++) close(ls[i].fd);
      execvp(command[0], command);
      fprintf(stderr, "godel-egress-forward: cannot run %s: %s\n", command[0], strerror(errno));
      return 127;
    }
    /* The forwarder: gone as soon as the command is (even if it is killed), never left listening. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) return 0;
    /* Nor does it hold the command's stdin or stdout open: the daemon reads those to their end. */
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
      dup2(null, 0);
      dup2(null, 1);
      close(null);
    }
  }
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  /* The proxy's hold on the listeners (-1: none, this process accepts) and when to offer them again. */
  int held = -1;
  long long offer_at = 0;
  for (;;) {
    if (hand_to && held < 0 && now_ms() >= offer_at) {
      held = hand_off(hand_to, ls, count);
      offer_at = now_ms() + HAND_RETRY_MS;
    }
    if (held >= 0) {
      /* The proxy accepts now; it says nothing on this connection, so readable means it let go or died. */
      struct pollfd h = {.fd = held, .events = POLLIN};
      if (poll(&h, 1, -1) < 0) {
        if (errno == EINTR) continue;
        return 1;
      }
      char b[64];
      ssize_t n = recv(held, b, sizeof b, MSG_DONTWAIT);
      if (n > 0 || (n < 0 && (errno == EINTR || errno == EAGAIN))) continue;
      close(held);
      held = -1;
      continue;
    }
    if (poll(pfds, (nfds_t)count, hand_to ? HAND_RETRY_MS : -1) < 0) {
      if (errno == EINTR) continue;
      return 1;
    }
    for (int i = 0; i < count; i++) {
      if (!(pfds[i].revents & POLLIN)) continue;
      int c = accept4(ls[i].fd, NULL, NULL, SOCK_CLOEXEC);
      if (c < 0) continue; /* The client gave up, or no descriptors left: the next one may fare better. */
      int one = 1;
      setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      int u = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      if (u < 0 || connect(u, (struct sockaddr *)&ls[i].target, sizeof ls[i].target) < 0) {
        /* The proxy is not there: the client sees its connection closed at once, not a hang. */
        if (u >= 0) close(u);
        close(c);
        continue;
      }
      struct relay *r = malloc(sizeof *r);
      pthread_t t;
      if (!r) {
        close(c);
        close(u);
        continue;
      }
      r->tcp = c;
      r->unix_fd = u;
      if (pthread_create(&t, &attr, relay_main, r) != 0) {
        free(r);
        close(c);
        close(u);
      }
    }
  }
}
