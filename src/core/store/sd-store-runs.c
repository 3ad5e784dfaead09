/* sd-store-runs.c — training runs in the shop: begun, their metric points (queued while the
 * shop is busy), finished */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-store-private.h"

gint64
sd_store_run_begin (SdStore     *self,
                    const char  *kind,
                    const char  *model,
                    const char  *params_json,
                    GError     **error)
{
  g_autoptr(SdStmt) stmt = NULL;
  gboolean own = !sd_store_in_transaction (self);
  gint64 id;

  /* The row and its liveness lock appear together: no one may see it 'running' unheld. */
  if (own && !sd_store_begin (self, error))
    return -1;
  if (!(stmt = sd_store_prepare (self,
                                 "INSERT INTO runs (kind, model, params, started_at) VALUES (?1, ?2, ?3, ?4)",
                                 error)))
    goto fail;
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, model, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, params_json, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sd_store_fail (self, _("Could not record a training run"), error);
      goto fail;
    }
  id = sqlite3_last_insert_rowid (self->db);
  sd_store_set_byte_lock (self, RUN_LOCK_BASE + id, TRUE);
  if (own && !sd_store_commit (self, error))
    {
      sd_store_set_byte_lock (self, RUN_LOCK_BASE + id, FALSE);
      goto fail;
    }
  return id;

fail:
  if (own)
    sd_store_rollback (self);
  return -1;
}

/* Writes the queued metric points. Without @wait, a shop another connection is writing to
 * leaves them queued, and that is no error. */
static gboolean
flush_points (SdStore   *self,
              gboolean   wait,
              GError   **error)
{
  gboolean own = !sd_store_in_transaction (self);
  gboolean ok = TRUE;

  if (self->queued_points->len == 0)
    return TRUE;

  self->no_wait = !wait;
  if (own && !sd_store_begin (self, error))
    {
      gboolean busy = (sqlite3_extended_errcode (self->db) & 0xff) == SQLITE_BUSY;
      self->no_wait = FALSE;
      if (busy && !wait)
        {
          g_clear_error (error);
          return TRUE;
        }
      return FALSE;
    }
  self->no_wait = FALSE;

  for (guint i = 0; ok && i < self->queued_points->len; i++)
    {
      const QueuedPoint *p = &g_array_index (self->queued_points, QueuedPoint, i);
      g_autoptr(SdStmt) stmt =
        sd_store_prepare (self,
                          "INSERT INTO run_points (run_id, name, step, value) VALUES (?1, ?2, ?3, ?4)"
                          " ON CONFLICT (run_id, name, step) DO UPDATE SET value = excluded.value",
                          error);
      if (stmt == NULL)
        ok = FALSE;
      else
        {
          sqlite3_bind_int64 (stmt, 1, p->run_id);
          sqlite3_bind_text (stmt, 2, p->name, -1, SQLITE_STATIC);
          sqlite3_bind_int (stmt, 3, p->step);
          sqlite3_bind_double (stmt, 4, p->value);
          if (sqlite3_step (stmt) != SQLITE_DONE)
            ok = sd_store_fail (self, _("Could not record a metric point"), error);
        }
    }
  if (own && ok)
    ok = sd_store_commit (self, error);
  if (!ok)
    {
      if (own)
        sd_store_rollback (self);
      return FALSE;
    }
  g_array_set_size (self->queued_points, 0);
  return TRUE;
}

gboolean
sd_store_run_add_point (SdStore     *self,
                        gint64       run_id,
                        int          step,
                        const char  *name,
                        double       value,
                        GError     **error)
{
  QueuedPoint point = { run_id, step, g_intern_string (name), value };

  g_return_val_if_fail (SD_IS_STORE (self), FALSE);

  g_array_append_val (self->queued_points, point);
  return flush_points (self, FALSE, error);
}

gboolean
sd_store_run_finish (SdStore     *self,
                     gint64       run_id,
                     const char  *status,
                     const char  *summary_json,
                     GError     **error)
{
  g_autoptr(SdStmt) stmt = NULL;
  gboolean own = !sd_store_in_transaction (self);

  /* The last points and the status in one transaction: a finished run has its whole curve. */
  if (own && !sd_store_begin (self, error))
    return FALSE;
  if (!flush_points (self, TRUE, error))
    goto fail;
  if (!(stmt = sd_store_prepare (self,
                                 "UPDATE runs SET status = ?2, summary = ?3, finished_at = ?4 WHERE id = ?1",
                                 error)))
    goto fail;
  sqlite3_bind_int64 (stmt, 1, run_id);
  sqlite3_bind_text (stmt, 2, status, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, summary_json, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      sd_store_fail (self, _("Could not finish a training run"), error);
      goto fail;
    }
  sd_stmt_release (g_steal_pointer (&stmt));
  if (own && !sd_store_commit (self, error))
    goto fail;
  /* Within a caller's transaction, the run is over once that commits; a rollback would
   * leave it 'running', and the released lock lets the next opening call it interrupted. */
  sd_store_set_byte_lock (self, RUN_LOCK_BASE + run_id, FALSE);
  return TRUE;

fail:
  if (own)
    sd_store_rollback (self);
  return FALSE;
}
