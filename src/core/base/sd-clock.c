/* sd-clock.c — the CPU time a thread or the process has used */
#include "config.h"

#include <time.h>

#include "sd-clock.h"

static gint64
cpu_us (clockid_t clock)
{
  struct timespec ts;

  if (clock_gettime (clock, &ts) != 0)
    return 0;
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

gint64
sd_thread_cpu_us (void)
{
  return cpu_us (CLOCK_THREAD_CPUTIME_ID);
}

gint64
sd_process_cpu_us (void)
{
  return cpu_us (CLOCK_PROCESS_CPUTIME_ID);
}
