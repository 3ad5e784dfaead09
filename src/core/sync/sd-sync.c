/* sd-sync.c — the sync engine: remote streams into the shop, once and then incrementally
 *
 * Every remote row has a key (its id; an order line's order and line number) and a
 * 64-bit hash of its content, kept in sync_rows with the local row it became. A row whose
 * hash did not change is counted unchanged and not written, which makes a second sync a
 * no-op, and lets the overlap re-read a few minutes of rows at no cost. Rows deleted at
 * the source are noticed two ways: deleted_at set (or WooCommerce's trash), and, after
 * every incremental read, keys the shop knows that the source no longer lists. Only rows
 * a sync wrote are ever deleted: rows from CSV imports are never touched by deletions.
 *
 * The sync is one SQLite transaction, although the remote side is read in batches:
 * “nothing changes on a failed or cancelled sync” rules out committing batch by batch.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-error.h"
#include "sd-import-private.h"
#include "sd-product-kind.h"
#include "sd-sync-private.h"
#include "sd-sync-source-private.h"

/* Rows updated up to this long before the last one seen are read again: clocks of
 * application servers differ, and a transaction may commit a row stamped earlier. */
#define OVERLAP_SECONDS 300
#define MAX_REJECTS     1000
#define CHECK_EVERY     512

/* The engine */

static guint64
row_hash (const SdSyncStreamInfo *info,
          const char *const      *values,
          guint                   from,
          guint                   to)
{
  guint64 h = 0xcbf29ce484222325ull;

  for (guint i = from; i < to; i++)
    {
      const char *v = values[i];

      if (g_str_equal (info->columns[i].name, "updated_at"))
        continue;
      if (v == NULL)
        h = (h ^ 0xff) * 0x100000001b3ull;
      else
        for (const char *p = v; ; p++)
          {
            h = (h ^ (guchar) *p) * 0x100000001b3ull;
            if (*p == '\0')
              break;
          }
    }
  return h;
}

void
sd_sync_reject (SdSyncPass        *sync,
                SdSyncTable  table,
                const char  *key,
                const char  *format,
                ...) G_GNUC_PRINTF (4, 5);

void
sd_sync_reject (SdSyncPass        *sync,
                SdSyncTable  table,
                const char  *key,
                const char  *format,
                ...)
{
  va_list args;

  sync->report->tables[table].rejected++;
  if (sync->report->rejects->len >= MAX_REJECTS)
    return;
  {
    SdSyncReject *r = g_new0 (SdSyncReject, 1);

    r->table = table;
    r->key = g_strdup (key ? key : "");
    va_start (args, format);
    r->reason = g_strdup_vprintf (format, args);
    va_end (args);
    g_ptr_array_add (sync->report->rejects, r);
  }
}

/* sync_rows: what each remote row became */

gboolean
sd_sync_known_row (SdSyncPass        *sync,
                   const char  *table,
                   const char  *key,
                   gint64      *local_id,
                   gint64      *hash,
                   GError     **error)
{
  g_autoptr(SdStmt) stmt = sync->fresh ? NULL : sd_store_prepare (sync->store,
    "SELECT local_id, hash FROM sync_rows WHERE source = ?1 AND tbl = ?2 AND key = ?3", error);
  int rc;

  *local_id = 0;
  /* A first load knows nothing yet: no lookup per row. */
  if (sync->fresh)
    return TRUE;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, sync->source->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, table, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, key, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *local_id = sqlite3_column_int64 (stmt, 0);
      *hash = sqlite3_column_int64 (stmt, 1);
      return TRUE;
    }
  return rc == SQLITE_DONE || sd_store_fail (sync->store, "sync_rows", error);
}

gboolean
sd_sync_remember_row (SdSyncPass        *sync,
                      const char  *table,
                      const char  *key,
                      gint64       local_id,
                      guint64      hash,
                      GError     **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (sync->store,
    "INSERT INTO sync_rows (source, tbl, key, local_id, hash) VALUES (?1, ?2, ?3, ?4, ?5)"
    " ON CONFLICT (source, tbl, key) DO UPDATE SET local_id = excluded.local_id, hash = excluded.hash", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, sync->source->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, table, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, local_id);
  sqlite3_bind_int64 (stmt, 5, (gint64) hash);
  return sqlite3_step (stmt) == SQLITE_DONE || sd_store_fail (sync->store, "sync_rows", error);
}

gboolean
sd_sync_forget_row (SdSyncPass        *sync,
                    const char  *table,
                    const char  *key,
                    GError     **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (sync->store,
    "DELETE FROM sync_rows WHERE source = ?1 AND tbl = ?2 AND key = ?3", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, sync->source->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, table, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, key, -1, SQLITE_STATIC);
  return sqlite3_step (stmt) == SQLITE_DONE || sd_store_fail (sync->store, "sync_rows", error);
}

/* Runs a statement of one or two integer parameters (?1, ?2). */
gboolean
sd_sync_exec_ids (SdSyncPass        *sync,
                  const char  *sql,
                  gint64       a,
                  gint64       b,
                  GError     **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (sync->store, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, a);
  if (sqlite3_bind_parameter_count (stmt) > 1)
    sqlite3_bind_int64 (stmt, 2, b);
  return sqlite3_step (stmt) == SQLITE_DONE || sd_store_fail (sync->store, sql, error);
}

static char *
row_key (const SdSyncStreamInfo *info,
         const char *const      *values)
{
  if (info->n_key == 1)
    return g_strdup (values[0]);
  return g_strdup_printf ("%s#%s", values[0], values[1]);
}

static gboolean
cancelled (SdSyncPass    *sync,
           GError **error)
{
  return g_cancellable_set_error_if_cancelled (sync->cancellable, error);
}

static void
progress (SdSyncPass         *sync,
          SdSyncStream  stream,
          guint64       rows)
{
  g_autofree char *n = sd_sync_count_text (rows);
  g_autofree char *text = NULL;

  if (sync->progress == NULL)
    return;
  text = g_strdup_printf (_("%s: %s rows read"), sd_sync_stream_info (stream)->name, n);
  sync->progress ((double) stream / SD_SYNC_N_STREAMS, text, sync->user_data);
}

/* The rows the source changed since the watermark. */
static gboolean
read_rows (SdSyncPass          *sync,
           SdSyncStream   stream,
           gint64         since,
           gint64        *watermark,
           GError       **error)
{
  const SdSyncStreamInfo *info = sd_sync_stream_info (stream);
  SdSyncTable table = sd_sync_stream_tables[stream];
  int updated_col = sd_sync_stream_column (stream, "updated_at");
  int deleted_col = sd_sync_stream_column (stream, "deleted_at");
  g_autoptr(SdSyncCursor) cursor = sync->source->klass->rows (sync->source, stream, since, error);
  g_autoptr(GError) local_error = NULL;
  guint64 rows = 0;

  if (cursor == NULL)
    return FALSE;
  while (cursor->next (cursor, &local_error))
    {
      g_autofree char *key = NULL;
      SdSyncRow row = { sync, table, NULL, info, cursor->values };
      gint64 stamp, local_id, old_hash, id;
      guint64 hash, whole;

      if (++rows % CHECK_EVERY == 0)
        {
          if (cancelled (sync, error))
            return FALSE;
          progress (sync, stream, rows);
        }
      sync->report->rows_read++;
      for (guint k = 0; k < info->n_key; k++)
        if (cursor->values[k] == NULL || *cursor->values[k] == '\0')
          {
            sd_sync_reject (sync, table, "", _("no value in column %s"), info->columns[k].name);
            goto next;
          }
      row.key = key = row_key (info, cursor->values);
      if (cursor->values[updated_col] && sd_import_parse_int (cursor->values[updated_col], &stamp))
        *watermark = MAX (*watermark, stamp);
      if (!sd_sync_known_row (sync, sync->table, key, &local_id, &old_hash, error))
        return FALSE;
      if (cursor->values[deleted_col])
        {
          if (local_id != 0 && !sd_sync_delete_local (sync, stream, key, local_id, error))
            return FALSE;
          continue;
        }
      whole = row_hash (info, cursor->values, 0, info->n_columns);
      if (local_id == REJECTED)
        {
          if ((guint64) old_hash == whole)
            continue;   /* rejected before, and still as it was */
          local_id = 0;
        }
      if (stream == SD_SYNC_STREAM_ORDERS)
        {
          /* The order's own fields are compared once per order; a line by its own. */
          const char *status = sd_sync_field (&row, "status");
          gint64 placed;

          if (!get_time (&row, "placed_at", TRUE, &placed))
            goto rejected;
          if (status && !sd_import_status_is_known (status))
            {
              sd_sync_reject (sync, table, key,
                              _("unknown status “%.40s” in column status (paid, shipped, delivered, cancelled, refunded or pending)"), status);
              goto rejected;
            }
          if (sd_sync_order_of_line (&row, placed, error) < 0)
            return FALSE;
          hash = row_hash (info, cursor->values, 0, 2) ^ row_hash (info, cursor->values, 3, 6);
        }
      else
        hash = whole;
      if (local_id > 0 && (guint64) old_hash == hash)
        {
          sync->report->tables[table].unchanged++;
          continue;
        }
      if ((id = sd_sync_writers[stream] (&row, error)) < 0)
        return FALSE;
      if (id > 0 && !sd_sync_remember_row (sync, sync->table, key, id, hash, error))
        return FALSE;
      if (id > 0)
        continue;
    rejected:
      /* Remembering a forgotten customer's row would keep their id in the shop. */
      if (sync->forgotten_row)
        {
          sync->forgotten_row = FALSE;
          continue;
        }
      if (!sd_sync_remember_row (sync, sync->table, key, REJECTED, whole, error))
        return FALSE;
    next:
      ;
    }
  if (local_error)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* Keys the shop has from this source that the source no longer lists; *missed tells
 * whether the source lists keys the shop does not know (a row changed without its
 * updated_at, or stamped before the last sync: WooCommerce approving an old review). */
static gboolean
read_deletions (SdSyncPass          *sync,
                SdSyncStream   stream,
                gboolean      *missed,
                GError       **error)
{
  guint known = 0;
  const SdSyncStreamInfo *info = sd_sync_stream_info (stream);
  g_autoptr(GHashTable) keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GArray) gone_ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) gone_keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SdSyncCursor) cursor = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(SdStmt) stmt = NULL;
  guint64 n = 0;
  int rc;

  if (!(cursor = sync->source->klass->keys (sync->source, stream, error)))
    return FALSE;
  while (cursor->next (cursor, &local_error))
    {
      if (++n % (CHECK_EVERY * 8) == 0 && cancelled (sync, error))
        return FALSE;
      if (cursor->values[0] && (info->n_key == 1 || cursor->values[1]))
        g_hash_table_add (keys, row_key (info, cursor->values));
    }
  if (local_error)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (!(stmt = sd_store_prepare (sync->store, "SELECT key, local_id FROM sync_rows WHERE source = ?1 AND tbl = ?2", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, sync->source->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, sync->table, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    if (!g_hash_table_contains (keys, (const char *) sqlite3_column_text (stmt, 0)))
      {
        gint64 id = sqlite3_column_int64 (stmt, 1);

        g_ptr_array_add (gone_keys, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
        g_array_append_val (gone_ids, id);
      }
    else
      known++;
  if (rc != SQLITE_DONE)
    return sd_store_fail (sync->store, "sync_rows", error);
  g_clear_pointer (&stmt, sd_stmt_release);
  for (guint i = 0; i < gone_keys->len; i++)
    if (cancelled (sync, error) ||
        !sd_sync_delete_local (sync, stream, gone_keys->pdata[i], g_array_index (gone_ids, gint64, i), error))
      return FALSE;
  *missed = g_hash_table_size (keys) > known;
  return TRUE;
}

static const char *const stream_row_tables[SD_SYNC_N_STREAMS] = {
  [SD_SYNC_STREAM_PRODUCTS] = "products",
  [SD_SYNC_STREAM_CUSTOMERS] = "customers",
  [SD_SYNC_STREAM_ORDERS] = "order_lines",
  [SD_SYNC_STREAM_EVENTS] = "events",
  [SD_SYNC_STREAM_COUPONS] = "coupon_uses",
};

static gboolean
sync_stream (SdSyncPass          *sync,
             SdSyncStream   stream,
             GError       **error)
{
  g_autoptr(SdStmt) stmt = NULL;
  gint64 since = -1, watermark = 0;
  gboolean first = TRUE;

  sync->table = stream_row_tables[stream];
  if (!(stmt = sd_store_prepare (sync->store, "SELECT watermark FROM sync_state WHERE source = ?1 AND tbl = ?2", error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, sync->source->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, sync->table, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      first = FALSE;
      watermark = sqlite3_column_int64 (stmt, 0);
      since = MAX (watermark - OVERLAP_SECONDS, 0);
    }
  g_clear_pointer (&stmt, sd_stmt_release);

  progress (sync, stream, 0);
  sync->fresh = first;
  if (!read_rows (sync, stream, since, &watermark, error))
    return FALSE;
  sync->fresh = FALSE;
  if (!first)
    {
      gboolean missed = FALSE;

      if (!read_deletions (sync, stream, &missed, error))
        return FALSE;
      /* Read everything again: the hashes keep it to writing what was missed. */
      if (missed && !read_rows (sync, stream, -1, &watermark, error))
        return FALSE;
    }
  if (stream == SD_SYNC_STREAM_ORDERS && (cancelled (sync, error) || !sd_sync_finish_orders (sync, error)))
    return FALSE;
  if (cancelled (sync, error))
    return FALSE;

  if (!(stmt = sd_store_prepare (sync->store,
          "INSERT INTO sync_state (source, tbl, watermark, synced_at) VALUES (?1, ?2, ?3, ?4)"
          " ON CONFLICT (source, tbl) DO UPDATE SET watermark = excluded.watermark, synced_at = excluded.synced_at",
          error)))
    return FALSE;
  sqlite3_bind_text (stmt, 1, sync->source->id, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, sync->table, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, watermark);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sd_store_fail (sync->store, "sync_state", error);
  if (first)
    sync->report->full = TRUE;
  return TRUE;
}

static char *
report_summary (SdSyncReport *report)
{
  SdSyncCounts all = { 0 };

  for (guint t = 0; t < SD_SYNC_N_TABLES; t++)
    {
      all.inserted += report->tables[t].inserted;
      all.updated += report->tables[t].updated;
      all.deleted += report->tables[t].deleted;
      all.rejected += report->tables[t].rejected;
    }
  {
    g_autofree char *ins = sd_sync_count_text (all.inserted), *upd = sd_sync_count_text (all.updated);
    g_autofree char *del = sd_sync_count_text (all.deleted), *rej = sd_sync_count_text (all.rejected);

    return g_strdup_printf (_("%s inserted, %s updated, %s deleted, %s rejected"), ins, upd, del, rej);
  }
}

static gboolean
table_is_empty (SdStore    *store,
                const char *sql)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, sql, NULL);

  return stmt && sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_int (stmt, 0) == 1;
}

SdSyncReport *
sd_sync_run (SdStore             *store,
             SdSyncSource        *source,
             SdSyncProgressFunc   progress_func,
             gpointer             user_data,
             GCancellable        *cancellable,
             GError             **error)
{
  g_autoptr(SdSyncReport) report = sd_sync_report_new (source);
  gint64 started = g_get_monotonic_time ();
  g_autofree char *identities = sd_store_get_setting (store, "identities");
  SdSyncPass sync = {
    store, source, report, cancellable, progress_func, user_data,
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free),
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free),
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free),
    g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL),
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free),
    g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL),
  };
  gboolean ok = FALSE;

  if (g_strcmp0 (identities, "hashed") == 0)
    {
      g_set_error_literal (error, SD_ERROR, SD_ERROR_UNSUPPORTED,
                           _("This shop stores names and e-mails hashed, which a sync cannot do yet: sync into a shop that does not hash them"));
      goto out;
    }
  if (sd_store_is_read_only (store))
    {
      g_set_error_literal (error, SD_ERROR, SD_ERROR_FAILED, _("The shop is read-only: a sync cannot write to it"));
      goto out;
    }
  /* A cancel stops the server's statement too, from the first check of the views on. */
  sd_sync_source_watch (source, cancellable);
  /* Every view and column is checked before the shop is touched. */
  if (!source->klass->begin (source, error))
    goto end;
  if (!sd_store_begin (store, error))
    goto end;
  sd_store_set_importing (store, TRUE);
  /* A cancel stops the statement running too (the orders' totals, the summaries at the
   * commit), and nothing commits after it. */
  sd_store_set_interrupt (store, cancellable);
  sync.no_customers = table_is_empty (store, "SELECT NOT EXISTS (SELECT 1 FROM customers)");
  sync.no_products = table_is_empty (store, "SELECT NOT EXISTS (SELECT 1 FROM products)");
  sync.no_orders = table_is_empty (store, "SELECT NOT EXISTS (SELECT 1 FROM orders)");
  ok = TRUE;
  for (guint s = 0; ok && s < SD_SYNC_N_STREAMS; s++)
    if (source->klass->has (source, s))
      ok = sync_stream (&sync, s, error);
  ok = ok && !cancelled (&sync, error) && sd_product_kinds_classify (store, SD_PRODUCT_RULES_TITLES, error) >= 0;
  if (ok)
    {
      g_autofree char *summary = report_summary (report);
      g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT, g_get_real_time () / G_USEC_PER_SEC);

      /* The last moment a cancel can take back, as in an import: the commit's summaries
       * stop for it too. */
      ok = sd_store_set_setting (store, "sync.uri", source->id, error) &&
           sd_store_set_setting (store, "sync.last_at", now, error) &&
           sd_store_set_setting (store, "sync.last_result", summary, error) &&
           !cancelled (&sync, error) &&
           sd_store_commit (store, error);
    }
  sd_store_set_interrupt (store, NULL);
  if (!ok)
    sd_store_rollback (store);
  sd_store_set_importing (store, FALSE);

end:
  /* No interrupt may reach the server's ROLLBACK: the session is left idle, ready for the
   * next sync from this source. */
  sd_sync_source_unwatch (source);
  source->klass->end (source);
  /* A statement the cancel stopped (here or at the server) may have failed in its own words. */
  if (!ok && error && g_cancellable_is_cancelled (cancellable) &&
      !g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (error);
      cancelled (&sync, error);
    }

out:
  g_hash_table_unref (sync.customers);
  g_hash_table_unref (sync.products);
  g_hash_table_unref (sync.orders);
  g_hash_table_unref (sync.touched);
  g_hash_table_unref (sync.order_ids);
  g_hash_table_unref (sync.new_orders);
  if (!ok)
    return NULL;
  report->elapsed_us = g_get_monotonic_time () - started;
  return g_steal_pointer (&report);
}

/* The job */

typedef struct {
  char           *db_path;
  char           *uri;
  char           *password;
  SdSyncJobFlags  flags;
  SdSyncReport   *report;
  char           *description;
} JobData;

static void
job_data_free (gpointer data)
{
  JobData *d = data;

  g_free (d->db_path);
  g_free (d->uri);
  if (d->password)
    memset (d->password, 0, strlen (d->password));
  g_free (d->password);
  sd_sync_report_free (d->report);
  g_free (d->description);
  g_free (d);
}

static void
job_progress (double      fraction,
              const char *text,
              gpointer    user_data)
{
  sd_job_set_progress (user_data, fraction, text);
}

static gboolean
job_run (SdJob         *job,
         gpointer       data,
         GCancellable  *cancellable,
         GError       **error)
{
  JobData *d = data;
  g_autoptr(SdStore) store = NULL;
  g_autoptr(SdSyncSource) source = NULL;
  g_autofree char *password = NULL;

  sd_job_set_progress (job, 0.0, _("Connecting…"));
  if (!(d->flags & SD_SYNC_JOB_TEST_ONLY))
    {
      if (!(store = sd_store_open_full (d->db_path, SD_STORE_OPEN_EXISTING, error)))
        return FALSE;
      sd_job_watch_store (job, store);
    }
  password = d->password ? g_strdup (d->password) : sd_sync_password_lookup (d->uri, NULL);
  if (!(source = sd_sync_source_open (d->uri, password, cancellable, error)))
    return FALSE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (d->flags & SD_SYNC_JOB_REMEMBER_PASSWORD && d->password && *d->password)
    {
      g_autoptr(GError) keyring_error = NULL;

      /* The connection worked, so the password is worth keeping; a missing keyring
       * does not stop the sync. */
      if (!sd_sync_password_store (d->uri, d->password, &keyring_error))
        sd_job_log (job, _("The password was not kept: %s"), keyring_error->message);
    }
  if (d->flags & SD_SYNC_JOB_TEST_ONLY)
    {
      sd_job_set_progress (job, 0.5, _("Checking the tables…"));
      return (d->description = sd_sync_source_describe (source, cancellable, error)) != NULL;
    }
  d->report = sd_sync_run (store, source, job_progress, job, cancellable, error);
  if (d->report == NULL)
    return FALSE;
  sd_job_set_progress (job, 1.0, NULL);
  return TRUE;
}

SdJob *
sd_sync_job_new (const char     *db_path,
                 const char     *uri,
                 const char     *password,
                 SdSyncJobFlags  flags)
{
  JobData *d = g_new0 (JobData, 1);

  d->db_path = g_strdup (db_path);
  d->uri = g_strdup (uri);
  d->password = g_strdup (password);
  d->flags = flags;
  return sd_job_new (flags & SD_SYNC_JOB_TEST_ONLY ? _("Test database connection") : _("Sync from database"),
                     job_run, d, job_data_free);
}

SdSyncReport *
sd_sync_job_get_report (SdJob *job)
{
  JobData *d = sd_job_get_data (job);

  return d ? d->report : NULL;
}

const char *
sd_sync_job_get_description (SdJob *job)
{
  JobData *d = sd_job_get_data (job);

  return d ? d->description : NULL;
}
