/* sd-sync-private.h — what the files of the sync engine share
 *
 * sd-sync.c reads the streams and runs the sync; sd-sync-write.c writes their rows,
 * sd-sync-report.c reports it, sd-sync-settings.c keeps its address and password.
 */
#pragma once

#include "sd-import-private.h"
#include "sd-sync-source-private.h"

G_BEGIN_DECLS

/* sync_rows.local_id of a row that was rejected: remembered, so that it is not reported
 * again while it stays as it is, and so that a key count tells when rows were missed. */
#define REJECTED        (-1)

typedef struct {
  SdStore            *store;
  SdSyncSource       *source;
  SdSyncReport       *report;
  GCancellable       *cancellable;
  SdSyncProgressFunc  progress;
  gpointer            user_data;
  GHashTable         *customers;   /* external id → gint64 * rowid (0: forgotten) */
  GHashTable         *products;    /* external id → gint64 * rowid */
  GHashTable         *orders;      /* external id → gint64 * rowid, orders seen in this sync */
  GHashTable         *touched;     /* gint64 * rowid of orders whose lines changed */
  GHashTable         *order_ids;   /* external id → gint64 * rowid, orders looked up */
  GHashTable         *new_orders;  /* gint64 * rowid of orders this sync inserted */
  gboolean            forgotten_row; /* the row just rejected is a forgotten customer: its key is not kept */
  /* Tables that were empty when the sync began: a key not in the caches is not there. */
  gboolean            no_customers, no_products, no_orders;
  const char         *table;       /* sync_rows.tbl of the stream being read */
  gboolean            fresh;       /* its first sync: sync_rows has nothing of it yet */
} SdSyncPass;

typedef struct {
  SdSyncPass         *sync;
  SdSyncTable   table;
  const char   *key;
  const SdSyncStreamInfo *info;
  const char *const *values;
} SdSyncRow;

#define get_time(row, name, needed, out) \
  sd_sync_get_value ((row), (name), (needed), sd_import_parse_time, _("bad date “%.40s” in column %s"), (out))

/* sd-sync-report.c */
char *sd_sync_count_text (guint64 n);
SdSyncReport *sd_sync_report_new (SdSyncSource *source);

/* sd-sync-write.c */
gboolean sd_sync_delete_local (SdSyncPass *sync, SdSyncStream stream, const char *key, gint64 local_id, GError **error);
const char *sd_sync_field (SdSyncRow *row, const char *name);
gboolean sd_sync_finish_orders (SdSyncPass *sync, GError **error);
gboolean sd_sync_get_value (SdSyncRow *row, const char *name, gboolean needed, gboolean (*parse) (const char *text, gint64 *out), const char *bad, gint64 *out);
gint64 sd_sync_order_of_line (SdSyncRow *row, gint64 placed, GError **error);

/* sd-sync.c */
gboolean sd_sync_exec_ids (SdSyncPass *sync, const char *sql, gint64 a, gint64 b, GError **error);
gboolean sd_sync_forget_row (SdSyncPass *sync, const char *table, const char *key, GError **error);
gboolean sd_sync_known_row (SdSyncPass *sync, const char *table, const char *key, gint64 *local_id, gint64 *hash, GError **error);
void sd_sync_reject (SdSyncPass *sync, SdSyncTable table, const char *key, const char *format, ...) G_GNUC_PRINTF (4, 5);
gboolean sd_sync_remember_row (SdSyncPass *sync, const char *table, const char *key, gint64 local_id, guint64 hash, GError **error);

/* Writes one row of @stream; returns the local rowid, 0 when the row was rejected, -1
 * with @error on a database error. */
typedef gint64 (*SdSyncWriteFunc) (SdSyncRow *row, GError **error);

/* The table a stream's rows are counted in (sd-sync-report.c), and the function that writes
 * one of its rows (sd-sync-write.c), by SdSyncStream. */
extern const SdSyncTable sd_sync_stream_tables[SD_SYNC_N_STREAMS];
extern const SdSyncWriteFunc sd_sync_writers[SD_SYNC_N_STREAMS];

G_END_DECLS
