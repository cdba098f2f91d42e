/*
 * godel-peer: a Node addon with one function, peerCredentials(fd), that reads who is at the other end of
 * a connected Unix socket: SO_PEERCRED (pid, uid, gid as the kernel recorded them at connect time) and
 * SO_PEERGROUPS (the peer's supplementary groups, Linux 4.13+). Node has no API for either, and no
 * maintained npm package offers them; the daemon's access control rests on these few lines.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <node_api.h>

#ifndef SO_PEERGROUPS
#define SO_PEERGROUPS 59
#endif

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

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn;
  if (napi_create_function(env, "peerCredentials", NAPI_AUTO_LENGTH, peer_credentials, NULL, &fn) != napi_ok) return NULL;
  if (napi_set_named_property(env, exports, "peerCredentials", fn) != napi_ok) return NULL;
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
