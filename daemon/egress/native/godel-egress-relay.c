/*
 * godel-egress-relay: a Node addon for the egress proxy that carries an allowed tunnel (HTTP CONNECT,
 * SOCKS5 CONNECT) between its two sockets outside Node. Once the proxy has checked the target, connected
 * and answered, it stops reading both sockets and hands their descriptors here, with whatever Node had
 * already read from each (written on first, so nothing is lost or reordered); a thread of its own then
 * moves the bytes with splice(2) through a pipe per direction, so they are never copied into a process,
 * and passes each side's end of input on as a half-close. When both directions have ended (or one side
 * failed, or the proxy cancels), it calls back on the proxy's event loop with the bytes moved each way.
 *
 * startRelay(clientFd, upstreamFd, toUpstream, toClient, done) -> handle
 *   done(error: string | null, bytesOut: number, bytesIn: number): out = client to upstream.
 * cancelRelay(handle): ends the tunnel (both sockets shut down); done still follows.
 *
 * The descriptors are duplicated here: the proxy's sockets keep theirs, and close them after done.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include <node_api.h>

/* What one splice moves at most, and the pipe that holds it: a few TCP windows' worth. */
#define PIPE_BYTES (256 * 1024)
/* The buffer of a direction that cannot splice (and for what Node had read already). */
#define COPY_BYTES (64 * 1024)

struct direction {
  int src, dst;
  int open;        /* src has not ended */
  int shut;        /* dst has been half-closed */
  int pipe_r, pipe_w;
  size_t in_pipe;  /* bytes in the pipe, not yet written to dst */
  int copy;        /* this kernel would not splice src: read and write */
  char *buf;
  size_t cap, off, len;
  uint64_t moved;
  int want_in, want_out;
};

struct relay {
  struct direction d[2]; /* 0: client to upstream, 1: upstream to client */
  int client, upstream;  /* the duplicates */
  int cancel_fd;         /* an eventfd the proxy writes to cancel */
  int finished;          /* done has been called (JS thread only) */
  int refs;              /* the thread's completion and the JS handle (JS thread only) */
  char error[128];
  napi_threadsafe_function done;
};

static napi_value fail(napi_env env, const char *what, int err) {
  char msg[160];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_throw_error(env, NULL, msg);
  return NULL;
}

static int again(void) { return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR; }

/* One move of a direction: 1 when it did something, 0 when it must wait (want_in/out say for what), -1 on failure. */
static int step(struct direction *d) {
  d->want_in = d->want_out = 0;
  if (d->off < d->len) {
    ssize_t w = send(d->dst, d->buf + d->off, d->len - d->off, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w < 0) return again() ? (d->want_out = 1, 0) : -1;
    d->off += (size_t)w;
    d->moved += (uint64_t)w;
    if (d->off == d->len) d->off = d->len = 0;
    return 1;
  }
  if (d->in_pipe > 0) {
    ssize_t w = splice(d->pipe_r, NULL, d->dst, NULL, d->in_pipe, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    if (w < 0) return again() ? (d->want_out = 1, 0) : -1;
    d->in_pipe -= (size_t)w;
    d->moved += (uint64_t)w;
    return 1;
  }
  if (!d->open) {
    if (!d->shut) {
      shutdown(d->dst, SHUT_WR);
      d->shut = 1;
    }
    return 0;
  }
  if (!d->copy) {
    ssize_t n = splice(d->src, NULL, d->pipe_w, NULL, PIPE_BYTES, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    if (n > 0) {
      d->in_pipe = (size_t)n;
      return 1;
    }
    if (n == 0) {
      d->open = 0;
      return 1;
    }
    if (again()) return d->want_in = 1, 0;
    if (errno != EINVAL) return -1;
    d->copy = 1; /* This pair of sockets does not splice here: the same with a buffer. */
  }
  ssize_t n = recv(d->src, d->buf, d->cap, MSG_DONTWAIT);
  if (n > 0) {
    d->off = 0;
    d->len = (size_t)n;
    return 1;
  }
  if (n == 0) {
    d->open = 0;
    return 1;
  }
  return again() ? (d->want_in = 1, 0) : -1;
}

static int ended(const struct direction *d) { return !d->open && d->shut && d->in_pipe == 0 && d->off == d->len; }

static void *relay_main(void *arg) {
  struct relay *r = arg;
  for (;;) {
    int progress = 0, failed = 0;
    for (int i = 0; i < 2; i++) {
      int s = step(&r->d[i]);
      if (s < 0) {
        snprintf(r->error, sizeof r->error, "%s: %s", i == 0 ? "to upstream" : "to client", strerror(errno));
        failed = 1;
        break;
      }
      progress |= s;
    }
    if (failed) break;
    if (ended(&r->d[0]) && ended(&r->d[1])) break;
    if (progress) continue;
    /* An fd with nothing wanted is left out: a closed one would report POLLHUP for ever. */
    short ev_client = (short)((r->d[0].want_in ? POLLIN : 0) | (r->d[1].want_out ? POLLOUT : 0));
    short ev_upstream = (short)((r->d[1].want_in ? POLLIN : 0) | (r->d[0].want_out ? POLLOUT : 0));
    struct pollfd p[3] = {
      {.fd = ev_client ? r->client : -1, .events = ev_client},
      {.fd = ev_upstream ? r->upstream : -1, .events = ev_upstream},
      {.fd = r->cancel_fd, .events = POLLIN},
    };
    if (poll(p, 3, -1) < 0) {
      if (errno == EINTR) continue;
      snprintf(r->error, sizeof r->error, "poll: %s", strerror(errno));
      break;
    }
    if (p[2].revents) {
      snprintf(r->error, sizeof r->error, "cancelled");
      break;
    }
  }
  /* Both peers see the end now, whichever way it came; the proxy's descriptors close after done. */
  shutdown(r->client, SHUT_RDWR);
  shutdown(r->upstream, SHUT_RDWR);
  napi_call_threadsafe_function(r->done, NULL, napi_tsfn_blocking);
  napi_release_threadsafe_function(r->done, napi_tsfn_release);
  return NULL;
}

static void relay_free(struct relay *r) {
  for (int i = 0; i < 2; i++) {
    if (r->d[i].pipe_r >= 0) close(r->d[i].pipe_r);
    if (r->d[i].pipe_w >= 0) close(r->d[i].pipe_w);
    free(r->d[i].buf);
  }
  if (r->client >= 0) close(r->client);
  if (r->upstream >= 0) close(r->upstream);
  if (r->cancel_fd >= 0) close(r->cancel_fd);
  free(r);
}

static void relay_unref(struct relay *r) {
  if (--r->refs == 0) relay_free(r);
}

/* On the proxy's event loop, once the thread is done. */
static void call_done(napi_env env, napi_value js_cb, void *context, void *data) {
  (void)data;
  struct relay *r = context;
  r->finished = 1;
  if (env && js_cb) {
    napi_value argv[3], undefined;
    if (r->error[0]) napi_create_string_utf8(env, r->error, NAPI_AUTO_LENGTH, &argv[0]);
    else napi_get_null(env, &argv[0]);
    napi_create_double(env, (double)r->d[0].moved, &argv[1]);
    napi_create_double(env, (double)r->d[1].moved, &argv[2]);
    napi_get_undefined(env, &undefined);
    napi_call_function(env, undefined, js_cb, 3, argv, NULL);
  }
  relay_unref(r);
}

static void handle_finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  relay_unref(data);
}

/* Copies a Buffer argument into a direction's buffer: what Node had read and must go out first. */
static int take_pending(napi_env env, napi_value v, struct direction *d) {
  void *data;
  size_t len;
  if (napi_get_buffer_info(env, v, &data, &len) != napi_ok) return -1;
  d->cap = len > COPY_BYTES ? len : COPY_BYTES;
  d->buf = malloc(d->cap);
  if (!d->buf) return -1;
  memcpy(d->buf, data, len);
  d->off = 0;
  d->len = len;
  return 0;
}

static napi_value start_relay(napi_env env, napi_callback_info info) {
  static const char usage[] = "startRelay(clientFd, upstreamFd, toUpstream, toClient, done) needs two descriptors, two Buffers and a function";
  size_t argc = 5;
  napi_value argv[5];
  int32_t fds[2];
  napi_valuetype t;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 5 || napi_get_value_int32(env, argv[0], &fds[0]) != napi_ok ||
      napi_get_value_int32(env, argv[1], &fds[1]) != napi_ok || napi_typeof(env, argv[4], &t) != napi_ok || t != napi_function) {
    napi_throw_type_error(env, NULL, usage);
    return NULL;
  }
  struct relay *r = calloc(1, sizeof *r);
  if (!r) return fail(env, "startRelay", ENOMEM);
  r->client = r->upstream = r->cancel_fd = -1;
  for (int i = 0; i < 2; i++) r->d[i].pipe_r = r->d[i].pipe_w = -1;
  int err = 0;
  const char *what = "startRelay";
  r->client = fcntl(fds[0], F_DUPFD_CLOEXEC, 0);
  r->upstream = fcntl(fds[1], F_DUPFD_CLOEXEC, 0);
  r->cancel_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (r->client < 0 || r->upstream < 0 || r->cancel_fd < 0) {
    err = errno;
    what = "startRelay: dup";
  }
  for (int i = 0; !err && i < 2; i++) {
    struct direction *d = &r->d[i];
    d->src = i == 0 ? r->client : r->upstream;
    d->dst = i == 0 ? r->upstream : r->client;
    d->open = 1;
    int p[2];
    if (pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0) {
      err = errno;
      what = "startRelay: pipe";
      break;
    }
    d->pipe_r = p[0];
    d->pipe_w = p[1];
    /* A bigger pipe moves more per call; the default (64 KiB) still works when this is refused. */
    fcntl(d->pipe_w, F_SETPIPE_SZ, PIPE_BYTES);
    if (take_pending(env, argv[i == 0 ? 2 : 3], d) != 0) {
      napi_throw_type_error(env, NULL, usage);
      relay_free(r);
      return NULL;
    }
  }
  if (err) {
    relay_free(r);
    return fail(env, what, err);
  }
  napi_value name, handle;
  if (napi_create_string_utf8(env, "godel-egress-relay", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_create_threadsafe_function(env, argv[4], NULL, name, 0, 1, NULL, NULL, r, call_done, &r->done) != napi_ok) {
    relay_free(r);
    return fail(env, "startRelay: callback", EIO);
  }
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  pthread_t thread;
  err = pthread_create(&thread, &attr, relay_main, r);
  pthread_attr_destroy(&attr);
  if (err) {
    napi_release_threadsafe_function(r->done, napi_tsfn_abort);
    relay_free(r);
    return fail(env, "startRelay: thread", err);
  }
  r->refs = 2;
  if (napi_create_external(env, r, handle_finalize, NULL, &handle) != napi_ok) {
    /* The thread runs on and reports; only the handle (and so cancelling) is lost. */
    r->refs = 1;
    return fail(env, "startRelay: handle", ENOMEM);
  }
  return handle;
}

static napi_value cancel_relay(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  struct relay *r;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || napi_get_value_external(env, argv[0], (void **)&r) != napi_ok) {
    napi_throw_type_error(env, NULL, "cancelRelay(handle) needs what startRelay returned");
    return NULL;
  }
  if (!r->finished) {
    uint64_t one = 1;
    /* The eventfd only counts: a write cannot fail short of overflowing 2^64 cancels. */
    if (write(r->cancel_fd, &one, sizeof one) != sizeof one) return fail(env, "cancelRelay", errno);
  }
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  if (napi_create_function(env, "startRelay", NAPI_AUTO_LENGTH, start_relay, NULL, &fn) != napi_ok ||
      napi_set_named_property(env, exports, "startRelay", fn) != napi_ok ||
      napi_create_function(env, "cancelRelay", NAPI_AUTO_LENGTH, cancel_relay, NULL, &fn) != napi_ok ||
      napi_set_named_property(env, exports, "cancelRelay", fn) != napi_ok)
    return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
