/* sd-clock.c — the CPU time a thread has used */
#include "config.h"

#include <time.h>

#include "sd-clock.h"

gint64
sd_thread_cpu_us (void)
{
  struct timespec ts;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) != 0)
    return 0;
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}
