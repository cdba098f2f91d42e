/*
 * godel-tsc-khz: prints this host's TSC frequency in kHz, measured against CLOCK_MONOTONIC_RAW.
 *
 * Why: under TCG a guest's TSC is the host's (QEMU reads the host's counter), and a Linux guest on the
 * microvm machine has nothing else to calibrate it against but the emulated PIT. On a busy host that
 * calibration fails ("tsc: Unable to calibrate against PIT"), the guest is left with no clock source
 * whose timer ticks, and it hangs before init, silently under `quiet`. Given `tsc_early_khz=` from this
 * program the guest never calibrates.
 *
 * Each sample reads the clock on both sides of the counter and is dropped when the two reads are more
 * than 20 us apart (the thread was preempted between them); the median of five 20 ms spans is printed.
 * Exits 2 where there is no TSC to read (not x86).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>

static uint64_t ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC_RAW, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* One reading of (clock, counter) taken close together: retried until the clock's two reads bracket it tightly. */
static int sample(uint64_t *at, uint64_t *tsc) {
  for (int tries = 0; tries < 1000; tries++) {
    uint64_t a = ns();
    uint64_t c = __rdtsc();
    uint64_t b = ns();
    if (b - a <= 20000) {
      *at = a + (b - a) / 2;
      *tsc = c;
      return 0;
    }
  }
  return -1;
}

static int cmp(const void *x, const void *y) {
  uint64_t a = *(const uint64_t *)x, b = *(const uint64_t *)y;
  return a < b ? -1 : a > b;
}

int main(void) {
  uint64_t khz[5];
  for (int i = 0; i < 5; i++) {
    uint64_t t0, c0, t1, c1;
    if (sample(&t0, &c0)) return 1;
    struct timespec span = {0, 20 * 1000 * 1000};
    nanosleep(&span, NULL);
    if (sample(&t1, &c1) || t1 <= t0 || c1 <= c0) return 1;
    khz[i] = (c1 - c0) * 1000000u / (t1 - t0);
  }
  qsort(khz, 5, sizeof khz[0], cmp);
  printf("%llu\n", (unsigned long long)khz[2]);
  return 0;
}
#else
int main(void) {
  fputs("godel-tsc-khz: no TSC on this architecture\n", stderr);
  return 2;
}
#endif
