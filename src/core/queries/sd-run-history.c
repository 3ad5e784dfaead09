/* sd-run-history.c — the shop's training runs, their curves and summaries */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "sd-error.h"
#include "sd-json.h"
#include "sd-run-history.h"

/* Whether run_points row @p is the "loss" 0 that one-pass models (Content, Hybrid)
 * reported for their single pass before they reported none: the run's only loss point,
 * at step 1, exactly 0 — no iterative model's loss is ever exactly 0. Such a run is shown
 * as today's one-pass runs are, without a loss. */
#define LOSS_PLACEHOLDER(p) \
  "(" p ".name = 'loss' AND " p ".value = 0 AND " p ".step <= 1 AND NOT EXISTS" \
  " (SELECT 1 FROM run_points q WHERE q.run_id = " p ".run_id AND q.name = 'loss' AND q.step <> " p ".step))"

/* The columns every run query reads, in this order: read by run_from_row(). */
#define RUN_COLUMNS \
  "r.id, r.kind, r.model, r.started_at, r.finished_at, r.status, r.summary," \
  " (SELECT p.value FROM run_points p WHERE p.run_id = r.id AND p.name = 'loss'" \
  "  AND NOT " LOSS_PLACEHOLDER ("p") " ORDER BY p.step DESC LIMIT 1)"

void
sd_run_info_free (SdRunInfo *info)
{
  if (info == NULL)
    return;
  g_free (info->kind);
  g_free (info->model);
  g_free (info->status);
  g_free (info->summary);
  g_free (info);
}

double
sd_run_info_get_summary_number (const SdRunInfo *info,
                                const char      *name)
{
  g_autoptr(SdJsonNode) json = NULL;
  SdJsonNode *node;

  g_return_val_if_fail (info != NULL, NAN);
  g_return_val_if_fail (name != NULL, NAN);

  if (info->summary == NULL || !(json = sd_json_parse (info->summary, -1, NULL, NULL)))
    return NAN;
  if (sd_json_node_get_node_type (json) != SD_JSON_OBJECT)
    return NAN;
  node = sd_json_node_get_member (json, name);
  return node && sd_json_node_get_node_type (node) == SD_JSON_NUMBER ? sd_json_node_get_number (node) : NAN;
}

static char *
column_text (sqlite3_stmt *stmt,
             int           col)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, col));
}

static SdRunInfo *
run_from_row (sqlite3_stmt *stmt)
{
  SdRunInfo *info = g_new0 (SdRunInfo, 1);

  info->id = sqlite3_column_int64 (stmt, 0);
  info->kind = column_text (stmt, 1);
  info->model = column_text (stmt, 2);
  info->started_at = sqlite3_column_int64 (stmt, 3);
  info->finished_at = sqlite3_column_int64 (stmt, 4);
  info->status = column_text (stmt, 5);
  info->summary = column_text (stmt, 6);
  info->has_loss = sqlite3_column_type (stmt, 7) != SQLITE_NULL;
  info->last_loss = info->has_loss ? sqlite3_column_double (stmt, 7) : NAN;
  return info;
}

/* Steps @stmt (bound) to its end, one SdRunInfo a row. */
static GPtrArray *
collect_runs (SdStore      *store,
              sqlite3_stmt *stmt,
              GError      **error)
{
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_run_info_free);
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (runs, run_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not list the training runs"), error);
      return NULL;
    }
  return g_steal_pointer (&runs);
}

GPtrArray *
sd_run_history_list_training_runs (SdStore  *store,
                                   guint     limit,
                                   GError  **error)
{
  g_autoptr(SdStmt) stmt = NULL;

  g_return_val_if_fail (SD_IS_STORE (store), NULL);

  stmt = sd_store_prepare (store,
                           "SELECT " RUN_COLUMNS " FROM runs r WHERE r.kind <> 'import'"
                           " ORDER BY r.id DESC LIMIT ?1",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit);
  return collect_runs (store, stmt, error);
}

SdRunInfo *
sd_run_history_get_run (SdStore  *store,
                        gint64    run_id,
                        GError  **error)
{
  g_autoptr(SdStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (SD_IS_STORE (store), NULL);

  stmt = sd_store_prepare (store, "SELECT " RUN_COLUMNS " FROM runs r WHERE r.id = ?1", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return run_from_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND, _("There is no run %lld"), (long long) run_id);
  else
    sd_store_fail (store, _("Could not read a training run"), error);
  return NULL;
}

GArray *
sd_run_history_get_curve (SdStore     *store,
                          gint64       run_id,
                          const char  *metric,
                          guint        limit,
                          GError     **error)
{
  g_autoptr(SdStmt) stmt = NULL;
  g_autoptr(GArray) points = NULL;
  int rc;

  g_return_val_if_fail (SD_IS_STORE (store), NULL);
  g_return_val_if_fail (metric != NULL, NULL);

  stmt = sd_store_prepare (store,
                           "SELECT p.step, p.value FROM run_points p WHERE p.run_id = ?1 AND p.name = ?2"
                           " AND NOT " LOSS_PLACEHOLDER ("p") " ORDER BY p.step LIMIT ?3",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);
  sqlite3_bind_text (stmt, 2, metric, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, limit);
  points = g_array_new (FALSE, FALSE, sizeof (SdRunPoint));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SdRunPoint point = { sqlite3_column_int (stmt, 0), sqlite3_column_double (stmt, 1) };
      g_array_append_val (points, point);
    }
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, _("Could not read a run's curve"), error);
      return NULL;
    }
  return g_steal_pointer (&points);
}

gint64
sd_run_history_newest_run_id (SdStore     *store,
                              const char  *kind,
                              GError     **error)
{
  g_autoptr(SdStmt) stmt = NULL;

  g_return_val_if_fail (SD_IS_STORE (store), -1);
  g_return_val_if_fail (kind != NULL, -1);

  stmt = sd_store_prepare (store, "SELECT max(id) FROM runs WHERE kind = ?1", error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sd_store_fail (store, _("Could not find the newest run"), error);
      return -1;
    }
  return sqlite3_column_type (stmt, 0) == SQLITE_NULL ? 0 : sqlite3_column_int64 (stmt, 0);
}

GPtrArray *
sd_run_history_newest_validated_runs (SdStore  *store,
                                      guint     limit,
                                      GError  **error)
{
  g_autoptr(SdStmt) stmt = NULL;

  g_return_val_if_fail (SD_IS_STORE (store), NULL);

  stmt = sd_store_prepare (store,
                           "SELECT " RUN_COLUMNS " FROM runs r WHERE r.id IN"
                           " (SELECT max(id) FROM runs WHERE kind = 'recommender' AND status = 'finished'"
                           "  AND summary LIKE '%\"ndcg@10\"%' GROUP BY model)"
                           " ORDER BY r.model LIMIT ?1",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, limit);
  return collect_runs (store, stmt, error);
}

gboolean
sd_run_history_shop_has_training_data (SdStore  *store,
                                       GError  **error)
{
  g_autoptr(SdStmt) stmt = NULL;

  g_return_val_if_fail (SD_IS_STORE (store), FALSE);

  stmt = sd_store_prepare (store,
                           "SELECT EXISTS (SELECT 1 FROM events) OR EXISTS (SELECT 1 FROM order_lines)",
                           error);
  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return sd_store_fail (store, _("Could not look for training data"), error);
  return sqlite3_column_int (stmt, 0) != 0;
}
