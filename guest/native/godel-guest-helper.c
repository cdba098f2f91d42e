/*
 * godel-guest-helper: runs beside the guest agent inside a microvm, as root, for the two things Node
 * cannot do: set the clock (clock_settime) and reseed the kernel's random generator right now
 * (RNDADDENTROPY with the host's bytes, then RNDRESEEDCRNG). A VM restored from a saved state wakes with
 * the clock and the generator state of the moment it was saved, shared with every other clone; this makes
 * each one its own. It reads one request per line on stdin, "sync <unix-ms> <hex entropy>", and answers
 * "ok" or "error <why>" on stdout, so the agent pays no process start on the handoff's path.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/random.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define MAX_ENTROPY 256

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

int main(void) {
  char line[1024];
  int fd = open("/dev/urandom", O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    printf("error /dev/urandom: %s\n", strerror(errno));
    return 1;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  while (fgets(line, sizeof line, stdin)) {
    long long ms;
    char hex[2 * MAX_ENTROPY + 1];
    if (sscanf(line, "sync %lld %512s", &ms, hex) != 2) {
      printf("error bad request\n");
      continue;
    }
    struct {
      struct rand_pool_info info;
      unsigned char bytes[MAX_ENTROPY];
    } pool;
    size_t n = strlen(hex) / 2;
    for (size_t i = 0; i < n; i++) {
      int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
      if (hi < 0 || lo < 0) { n = i; break; }
      pool.bytes[i] = (unsigned char)(hi << 4 | lo);
    }
    pool.info.entropy_count = (int)(n * 8);
    pool.info.buf_size = (int)n;
    if (ioctl(fd, RNDADDENTROPY, &pool.info) != 0) { printf("error RNDADDENTROPY: %s\n", strerror(errno)); continue; }
    if (ioctl(fd, RNDRESEEDCRNG) != 0) { printf("error RNDRESEEDCRNG: %s\n", strerror(errno)); continue; }
    struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000 };
    if (clock_settime(CLOCK_REALTIME, &ts) != 0) { printf("error clock_settime: %s\n", strerror(errno)); continue; }
    printf("ok\n");
  }
  return 0;
}
