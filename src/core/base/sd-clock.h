/* sd-clock.h — the CPU time a thread or the process has used, for the timings reports show
 *
 * Wall time on a shared machine says more about the other work than about ours; the
 * calling thread's CPU time is what a report (an import's phases, a chatbot turn, the
 * main thread between frames) means by its cost. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Microseconds of CPU the calling thread has used, 0 where the system cannot tell. */
gint64 sd_thread_cpu_us  (void);
/* Microseconds of CPU the whole process (all its threads) has used, 0 where it cannot tell. */
gint64 sd_process_cpu_us (void);

G_END_DECLS
