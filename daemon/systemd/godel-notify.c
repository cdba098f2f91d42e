/*
 * godel-notify: relays systemd notifications for godeld. Node has no Unix datagram sockets, so the daemon
 * starts this once, as a long-lived child, and writes one notification per line on its stdin
 * ("READY=1", "WATCHDOG=1", "STOPPING=1", "STATUS=..."); each line is sent as one datagram to
 * $NOTIFY_SOCKET. Living as long as the daemon matters: systemd attributes a message to the service by
 * the sender's cgroup, which it can only look up while the sender exists (the unit sets NotifyAccess=all).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main(void) {
  const char *path = getenv("NOTIFY_SOCKET");
  if (!path || !*path) {
    fprintf(stderr, "godel-notify: NOTIFY_SOCKET is not set\n");
    return 2;
  }
  struct sockaddr_un addr;
  memset(&addr, 0, sizeof addr);
  addr.sun_family = AF_UNIX;
  size_t len = strlen(path);
  if (len >= sizeof addr.sun_path) {
    fprintf(stderr, "godel-notify: NOTIFY_SOCKET is too long\n");
    return 2;
  }
  memcpy(addr.sun_path, path, len);
  if (addr.sun_path[0] == '@') addr.sun_path[0] = '\0'; /* An abstract socket. */
  socklen_t addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
  int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    perror("godel-notify: socket");
    return 1;
  }
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, stdin)) > 0) {
    if (line[n - 1] == '\n') line[--n] = '\0';
    if (n == 0) continue;
    if (sendto(fd, line, (size_t)n, MSG_NOSIGNAL, (struct sockaddr *)&addr, addrlen) < 0) {
      fprintf(stderr, "godel-notify: sending %s: %s\n", line, strerror(errno));
    }
  }
  free(line);
  return 0;
}
