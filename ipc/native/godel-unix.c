/*
 * godel-unix: a Node addon with the few Unix calls that godeld and its clients need and Node has no API
 * for (and no maintained npm package offers):
 *
 * - peerCredentials(fd), for the daemon: who is at the other end of a connected Unix socket, from
 *   SO_PEERCRED (pid, uid, gid as the kernel recorded them at connect time) and SO_PEERGROUPS (the
 *   peer's supplementary groups, Linux 4.13+). The daemon's access control rests on it.
 * - sendDescriptor(socketFd, fd, message), for the daemon: sends `message` with an open file attached
 *   (SCM_RIGHTS), lending a client a file of a sandbox (Files.Open).
 * - receiveDescriptor(socketPath, request, timeoutMs), for clients: connects to the daemon's socket,
 *   sends `request`, and resolves with the reply line and the descriptor attached to it (-1 if none).
 *   The blocking socket calls run on libuv's thread pool, never on the caller's event loop.
 * - receiveListeners(socketFd, timeoutMs), for the egress proxy: the listening sockets a sandbox's egress
 *   forwarder hands over on an accepted connection (one line naming them, the sockets attached), each
 *   checked to be a listening TCP socket before it is given to Node. Non-blocking: null until they arrive.
 * - openPty(rootPath, cols, rows, uid, gid), for the daemon: a pseudo-terminal from the devpts instance
 *   of a sandbox (its root given as /proc/PID/root), so that the command's terminal has a name inside
 *   the sandbox (`tty`, ttyname(3)); a pty of the host's devpts has none there.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/vfs.h>
#include <sys/types.h>
#include <sys/un.h>
#include <unistd.h>
#include <node_api.h>

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59
#endif

/* A reply is one short line ("OK" or "ERR <code> <message>"); anything longer is not the daemon. */
#define REPLY_MAX 1024

static napi_value fail(napi_env env, const char *what, int err) {
  char msg[160];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_throw_error(env, NULL, msg);
  return NULL;
}

static napi_status set_number(napi_env env, napi_value obj, const char *name, double v) {
  napi_value n;
  napi_status s = napi_create_double(env, v, &n);
  if (s != napi_ok) return s;
  return napi_set_named_property(env, obj, name, n);
}

/* Copies a JS string argument into a malloc'd, NUL-terminated buffer; NULL (with a TypeError thrown) if it is not one. */
static char *string_arg(napi_env env, napi_value v, size_t *len_out, const char *usage) {
  size_t len;
  if (napi_get_value_string_utf8(env, v, NULL, 0, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  char *s = malloc(len + 1);
  if (!s) {
    fail(env, usage, ENOMEM);
    return NULL;
  }
  napi_get_value_string_utf8(env, v, s, len + 1, &len);
  if (len_out) *len_out = len;
  return s;
}

static napi_value peer_credentials(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 ||
      napi_get_value_int32(env, argv[0], &fd) != napi_ok) {
    napi_throw_type_error(env, NULL, "peerCredentials(fd) needs a file descriptor");
    return NULL;
  }
  struct ucred cred;
  socklen_t len = sizeof cred;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) != 0) return fail(env, "SO_PEERCRED", errno);

  gid_t small[64];
  gid_t *groups = small;
  socklen_t glen = sizeof small;
  int count = 0;
  if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &glen) != 0) {
    if (errno == ERANGE) {
      groups = malloc(glen);
      if (!groups) return fail(env, "SO_PEERGROUPS", ENOMEM);
      if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &glen) != 0) {
        int err = errno;
        free(groups);
        return fail(env, "SO_PEERGROUPS", err);
      }
    } else if (errno != ENOPROTOOPT) {
      return fail(env, "SO_PEERGROUPS", errno);
    } else {
      glen = 0; /* A kernel older than 4.13: the primary gid is all there is to go by. */
    }
  }
  count = (int)(glen / sizeof(gid_t));

  napi_value result, list;
  if (napi_create_object(env, &result) != napi_ok || set_number(env, result, "pid", cred.pid) != napi_ok ||
      set_number(env, result, "uid", cred.uid) != napi_ok || set_number(env, result, "gid", cred.gid) != napi_ok ||
      napi_create_array_with_length(env, (size_t)count, &list) != napi_ok) {
    if (groups != small) free(groups);
    return NULL;
  }
  for (int i = 0; i < count; i++) {
    napi_value g;
    if (napi_create_double(env, groups[i], &g) != napi_ok || napi_set_element(env, list, (uint32_t)i, g) != napi_ok) {
      if (groups != small) free(groups);
      return NULL;
    }
  }
  if (groups != small) free(groups);
  if (napi_set_named_property(env, result, "groups", list) != napi_ok) return NULL;
  return result;
}

/*
 * The socket is libuv's and non-blocking; the daemon calls this on a connection it has just accepted
 * and not yet written to, so a message this short always fits the empty send buffer at once.
 */
static napi_value send_descriptor(napi_env env, napi_callback_info info) {
  static const char usage[] = "sendDescriptor(socketFd, fd, message) needs two descriptors and a string";
  size_t argc = 3;
  napi_value argv[3];
  int32_t sock, fd;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3 ||
      napi_get_value_int32(env, argv[0], &sock) != napi_ok || napi_get_value_int32(env, argv[1], &fd) != napi_ok) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  size_t len;
  char *message = string_arg(env, argv[2], &len, usage);
  if (!message) return NULL;
  if (len == 0) {
    free(message);
    napi_throw_type_error(env, NULL, "sendDescriptor: the message must not be empty (the descriptor travels with its first byte)");
    return NULL;
  }

  struct iovec iov = {.iov_base = message, .iov_len = len};
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  memset(&control, 0, sizeof control);
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &fd, sizeof fd);

  ssize_t n;
  do n = sendmsg(sock, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  int err = errno;
  free(message);
  if (n < 0) return fail(env, "sendmsg", err);
  if ((size_t)n < len) return fail(env, "sendmsg sent part of the message", EAGAIN);
  return NULL;
}

struct receive_work {
  napi_async_work work;
  napi_deferred deferred;
  char *path;
  char *request;
  size_t request_len;
  int32_t timeout_ms;
  /* Results, filled on the thread pool. */
  int fd;
  char reply[REPLY_MAX + 1];
  size_t reply_len;
  int err;
  const char *failed; /* Which call failed, when err != 0. */
};

static int receive_exchange(struct receive_work *w, int s) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(w->path) >= sizeof addr.sun_path) {
    w->failed = "the socket path is too long";
    return ENAMETOOLONG;
  }
  strcpy(addr.sun_path, w->path);
  struct timeval tv = {.tv_sec = w->timeout_ms / 1000, .tv_usec = (w->timeout_ms % 1000) * 1000};
  if (setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 || setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0) {
    w->failed = "setsockopt";
    return errno;
  }
  int r;
  do r = connect(s, (struct sockaddr *)&addr, sizeof addr);
  while (r != 0 && errno == EINTR);
  if (r != 0) {
    w->failed = "connect";
    return errno;
  }
  for (size_t sent = 0; sent < w->request_len;) {
    ssize_t n = send(s, w->request + sent, w->request_len - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      w->failed = "send";
      return errno;
    }
    sent += (size_t)n;
  }
  /* Read up to the end of the reply line, taking the descriptor from whichever piece carries it. */
  while (w->reply_len < REPLY_MAX && !memchr(w->reply, '\n', w->reply_len)) {
    union {
      char buf[CMSG_SPACE(4 * sizeof(int))];
      struct cmsghdr align;
    } control;
    struct iovec iov = {.iov_base = w->reply + w->reply_len, .iov_len = REPLY_MAX - w->reply_len};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
    ssize_t n = recvmsg(s, &msg, MSG_CMSG_CLOEXEC);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      w->failed = errno == EAGAIN ? "no reply from the daemon in time" : "recvmsg";
      return errno;
    }
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
      if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
      size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (size_t i = 0; i < count; i++) {
        int fd;
        memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
        /* One descriptor is expected; any other is closed rather than leaked. */
        if (w->fd < 0) w->fd = fd;
        else close(fd);
      }
    }
    if (msg.msg_flags & MSG_CTRUNC) {
      w->failed = "the descriptor did not fit the control buffer";
      return EMSGSIZE;
    }
    if (n == 0) break; /* The daemon hung up: whatever it said is the reply. */
    w->reply_len += (size_t)n;
  }
  return 0;
}

static void receive_execute(napi_env env, void *data) {
  (void)env;
  struct receive_work *w = data;
  int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (s < 0) {
    w->err = errno;
    w->failed = "socket";
    return;
  }
  w->err = receive_exchange(w, s);
  close(s);
  if (w->err && w->fd >= 0) {
    close(w->fd);
    w->fd = -1;
  }
}

static void receive_complete(napi_env env, napi_status status, void *data) {
  struct receive_work *w = data;
  napi_value result = NULL, value;
  if (status != napi_ok) {
    w->err = ECANCELED;
    w->failed = "receiveDescriptor";
  }
  if (w->err) {
    char msg[200];
    napi_value text, code;
    snprintf(msg, sizeof msg, "%s: %s", w->failed, strerror(w->err));
    napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &text);
    napi_create_error(env, NULL, text, &result);
    napi_create_int32(env, w->err, &code);
    napi_set_named_property(env, result, "errno", code);
    napi_reject_deferred(env, w->deferred, result);
  } else {
    napi_create_object(env, &result);
    napi_create_int32(env, w->fd, &value);
    napi_set_named_property(env, result, "fd", value);
    napi_create_string_utf8(env, w->reply, w->reply_len, &value);
    napi_set_named_property(env, result, "reply", value);
    napi_resolve_deferred(env, w->deferred, result);
  }
  napi_delete_async_work(env, w->work);
  free(w->path);
  free(w->request);
  free(w);
}

static napi_value receive_descriptor(napi_env env, napi_callback_info info) {
  static const char usage[] = "receiveDescriptor(socketPath, request, timeoutMs) needs two strings and a number";
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  struct receive_work *w = calloc(1, sizeof *w);
  if (!w) return fail(env, "receiveDescriptor", ENOMEM);
  w->fd = -1;
  if (napi_get_value_int32(env, argv[2], &w->timeout_ms) != napi_ok || w->timeout_ms <= 0 ||
      !(w->path = string_arg(env, argv[0], NULL, usage)) || !(w->request = string_arg(env, argv[1], &w->request_len, usage))) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (!pending) napi_throw_type_error(env, NULL, usage);
    free(w->path);
    free(w->request);
    free(w);
    return NULL;
  }
  napi_value promise, name;
  if (napi_create_promise(env, &w->deferred, &promise) != napi_ok ||
      napi_create_string_utf8(env, "godel-receive-descriptor", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_async_work(env, NULL, name, receive_execute, receive_complete, w, &w->work) != napi_ok ||
      napi_queue_async_work(env, w->work) != napi_ok) {
    free(w->path);
    free(w->request);
    free(w);
    return fail(env, "receiveDescriptor", EIO);
  }
  return promise;
}

/* Listening sockets in one hand-over, at most (the forwarder has two). */
#define LISTENERS_MAX 8

/* Whether `fd` is what a forwarder may hand over: a listening TCP socket (IPv4 or IPv6). */
static int is_tcp_listener(int fd) {
  struct stat st;
  int v;
  socklen_t len = sizeof v;
  if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) return 0;
  if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) != 0 || v != 1) return 0;
  len = sizeof v;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &v, &len) != 0 || v != SOCK_STREAM) return 0;
  len = sizeof v;
  if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &v, &len) != 0 || (v != AF_INET && v != AF_INET6)) return 0;
  len = sizeof v;
  return getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &v, &len) == 0 && v == IPPROTO_TCP;
}

/*
 * One non-blocking read of a hand-over (the forwarder sends it whole, in one message, as soon as it is
 * connected): null when nothing has arrived yet, so the caller tries again later without tying up a
 * thread for a sandbox that connects and says nothing.
 */
static napi_value receive_listeners(napi_env env, napi_callback_info info) {
  static const char usage[] = "receiveListeners(socketFd) needs a descriptor";
  size_t argc = 1;
  napi_value argv[1];
  int32_t sock;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || napi_get_value_int32(env, argv[0], &sock) != napi_ok || sock < 0) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  char line[REPLY_MAX];
  union {
    char buf[CMSG_SPACE(LISTENERS_MAX * sizeof(int))];
    struct cmsghdr align;
  } control;
  struct iovec iov = {.iov_base = line, .iov_len = sizeof line};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof control.buf};
  ssize_t n;
  do n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
  while (n < 0 && errno == EINTR);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
    napi_value null;
    napi_get_null(env, &null);
    return null;
  }
  if (n < 0) return fail(env, "receiveListeners: recvmsg", errno);
  int fds[LISTENERS_MAX];
  int count = 0, bad = 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < k; i++) {
      int fd;
      memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      if (count < LISTENERS_MAX) fds[count++] = fd;
      else close(fd);
    }
  }
  const char *why = NULL;
  if (msg.msg_flags & MSG_CTRUNC) why = "more sockets than a hand-over carries";
  else if (n == 0) why = "the forwarder hung up before handing anything over";
  for (int i = 0; !why && i < count; i++)
    if (!is_tcp_listener(fds[i])) bad = 1;
  if (bad) why = "a socket handed over is not a listening TCP socket";
  if (why) {
    for (int i = 0; i < count; i++) close(fds[i]);
    napi_throw_error(env, NULL, why);
    return NULL;
  }
  napi_value result, list, value;
  if (napi_create_object(env, &result) != napi_ok || napi_create_array_with_length(env, (size_t)count, &list) != napi_ok) {
    for (int i = 0; i < count; i++) close(fds[i]);
    return NULL;
  }
  for (int i = 0; i < count; i++) {
    napi_create_int32(env, fds[i], &value);
    napi_set_element(env, list, (uint32_t)i, value);
  }
  napi_set_named_property(env, result, "fds", list);
  napi_create_string_utf8(env, line, (size_t)n, &value);
  napi_set_named_property(env, result, "line", value);
  return result;
}

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif
#define DEVPTS_SUPER_MAGIC 0x1cd1

static int fail_close(int fd) {
  int err = errno;
  close(fd);
  errno = err;
  return -1;
}

/* The master of a new pty in the devpts mounted at ROOT/dev/pts; -1 with errno (and *what) on failure. */
static int open_sandbox_ptmx(const char *root, const char **what) {
  int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (rootfd < 0) {
    *what = "open the sandbox's root";
    return -1;
  }
  /*
   * Resolved beneath the sandbox's root with no symlink followed: the sandbox owns its /dev, and an
   * absolute symlink met through /proc/PID/root would resolve against the daemon's root.
   */
  struct open_how how = {.flags = O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK, .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS};
  int master = (int)syscall(SYS_openat2, rootfd, "dev/pts/ptmx", &how, sizeof how);
  int err = errno;
  close(rootfd);
  errno = err;
  if (master < 0) {
    *what = "open the sandbox's /dev/pts/ptmx";
    return -1;
  }
  struct stat st;
  struct statfs sfs;
  if (fstat(master, &st) != 0 || fstatfs(master, &sfs) != 0) {
    *what = "fstat the sandbox's ptmx";
    return fail_close(master);
  }
  if (!S_ISCHR(st.st_mode) || major(st.st_rdev) != 5 || minor(st.st_rdev) != 2 || sfs.f_type != DEVPTS_SUPER_MAGIC) {
    *what = "the sandbox's /dev/pts/ptmx is not a devpts ptmx";
    errno = EINVAL;
    return fail_close(master);
  }
  return master;
}

static napi_value open_pty(napi_env env, napi_callback_info info) {
  static const char usage[] = "openPty(rootPath, cols, rows, uid, gid) needs a path and four numbers";
  size_t argc = 5;
  napi_value argv[5];
  int32_t cols, rows, uid, gid;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 5 ||
      napi_get_value_int32(env, argv[1], &cols) != napi_ok || napi_get_value_int32(env, argv[2], &rows) != napi_ok ||
      napi_get_value_int32(env, argv[3], &uid) != napi_ok || napi_get_value_int32(env, argv[4], &gid) != napi_ok) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  char *root = string_arg(env, argv[0], NULL, usage);
  if (!root) return NULL;
  const char *what = "";
  int master = open_sandbox_ptmx(root, &what);
  free(root);
  if (master < 0) return fail(env, what, errno);

  int unlock = 0, number = -1;
  struct winsize ws = {.ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols};
  if (ioctl(master, TIOCSPTLCK, &unlock) != 0 || ioctl(master, TIOCGPTN, &number) != 0 || ioctl(master, TIOCSWINSZ, &ws) != 0) {
    int err = errno;
    close(master);
    return fail(env, "set up the pty", err);
  }
  /* The slave through the master itself: no path to resolve, nothing for the sandbox to swap. */
  int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
  if (slave < 0) {
    int err = errno;
    close(master);
    return fail(env, "open the pty's slave", err);
  }
  /* Like login(1): the terminal belongs to its user, who may then reopen it by name. */
  if (fchown(slave, (uid_t)uid, (gid_t)gid) != 0 || fchmod(slave, 0620) != 0) {
    int err = errno;
    close(slave);
    close(master);
    return fail(env, "give the pty to the sandbox user", err);
  }
  char name[32];
  snprintf(name, sizeof name, "/dev/pts/%d", number);
  napi_value result, value;
  if (napi_create_object(env, &result) != napi_ok || set_number(env, result, "master", master) != napi_ok ||
      set_number(env, result, "slave", slave) != napi_ok || napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &value) != napi_ok ||
      napi_set_named_property(env, result, "name", value) != napi_ok) {
    close(slave);
    close(master);
    return NULL;
  }
  return result;
}

static napi_status export_function(napi_env env, napi_value exports, const char *name, napi_callback cb) {
  napi_value fn;
  napi_status s = napi_create_function(env, name, NAPI_AUTO_LENGTH, cb, NULL, &fn);
  if (s != napi_ok) return s;
  return napi_set_named_property(env, exports, name, fn);
}

static napi_value init(napi_env env, napi_value exports) {
  if (export_function(env, exports, "peerCredentials", peer_credentials) != napi_ok ||
      export_function(env, exports, "sendDescriptor", send_descriptor) != napi_ok ||
      export_function(env, exports, "receiveDescriptor", receive_descriptor) != napi_ok ||
      export_function(env, exports, "receiveListeners", receive_listeners) != napi_ok ||
      export_function(env, exports, "openPty", open_pty) != napi_ok)
    return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
