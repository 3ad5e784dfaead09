/* sd-store-private.h — what the files of SdStore share
 *
 * SdStore is split across files by job (sd-store.c holds the type, opening a shop and its
 * statements); this header is theirs alone.
 */
#pragma once

#include <sqlite3.h>

#include "sd-store.h"

G_BEGIN_DECLS

struct _SdStore
{
  GObject     parent_instance;

  char       *path;
  sqlite3    *db;
  GHashTable *stmts;   /* const char *sql (by address) → sqlite3_stmt * */
  gboolean    read_only;

  /* How a change waits for another connection's write lock: see sd_store_set_wait(). */
  GCancellable   *wait_cancellable;
  int             wait_timeout_ms;
  SdStoreWaitFunc wait_func;
  gpointer        wait_data;
  gint64          wait_started_us;
  const char     *wait_told;     /* the line wait_func was last given, during this wait */
  gboolean        no_wait;       /* a try that gives up at once: queued metric points */

  /* Open file description holding the liveness locks of this connection's runs and of its
   * import: see RUN_LOCK_BASE. -1 until needed. */
  int             lock_fd;
  GArray         *queued_points; /* QueuedPoint: metric points waiting for the shop to be free */

  /* Set only while sd_store_open_updating() brings the shop up to date. */
  gboolean             updating;
  SdStoreProgressFunc  update_progress;
  gpointer             update_data;
  GCancellable        *update_cancellable;

  /* See sd_store_set_interrupt(). */
  GCancellable        *interrupt_cancellable;
  gboolean             committing;   /* sd_store_commit()'s COMMIT: neither stopped nor refused */
};

typedef struct {
  gint64      run_id;
  int         step;
  const char *name;    /* interned */
  double      value;
} QueuedPoint;

/* Liveness locks. A run in progress, and an import, hold an open-file-description lock
 * (F_OFD_SETLK) on one byte of the shop file, far beyond the bytes SQLite locks (at 1 GiB).
 * The kernel drops such a lock when its process ends, however it ends, and in any PID
 * namespace (a Flatpak and a terminal see the same file), so a run still 'running' whose
 * byte nobody holds was left by a process that died: no PID to reuse, no clock to trust.
 * Unlike POSIX locks, OFD locks survive SQLite closing its own descriptors of the file. */
#define RUN_LOCK_BASE    (G_GINT64_CONSTANT (1) << 60)
#define IMPORT_LOCK_BYTE (RUN_LOCK_BASE - 1)

/* sd-store-schema.c */
gboolean sd_store_migrate (SdStore *self, GError **error);

/* sd-store-wait.c */
int sd_store_busy_handler (void *data, int count);
gboolean sd_store_byte_is_held (SdStore *self, gint64 byte);
gboolean sd_store_set_byte_lock (SdStore *self, gint64 byte, gboolean lock);

G_END_DECLS
