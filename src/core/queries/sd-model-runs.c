/* sd-model-runs.c — training runs as records: names, notes, data seen, deletion */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "sd-error.h"
#include "sd-json.h"
#include "sd-model-registry.h"
#include "sd-model-runs.h"

void
sd_run_record_free (SdRunRecord *record)
{
  if (record == NULL)
    return;
  g_free (record->kind);
  g_free (record->model);
  g_free (record->label);
  g_free (record->note);
  g_free (record->params);
  g_free (record->summary);
  g_free (record->status);
  g_free (record);
}

static gint64
shop_number (SdJsonNode *shop,
             const char *name)
{
  SdJsonNode *n = shop ? sd_json_node_get_member (shop, name) : NULL;

  return n && sd_json_node_get_node_type (n) == SD_JSON_NUMBER ? (gint64) sd_json_node_get_number (n) : -1;
}

SdRunRecord *
sd_model_runs_get (SdStore  *store,
                   gint64    run_id,
                   GError  **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "SELECT r.kind, r.model, l.label, l.note, r.params, r.summary, r.status, r.started_at,"
      "  r.finished_at, (SELECT MAX (m.id) FROM models m WHERE m.run_id = r.id)"
      " FROM runs r LEFT JOIN run_labels l ON l.run_id = r.id WHERE r.id = ?1", error);
  g_autoptr(SdRunRecord) r = NULL;
  g_autoptr(SdJsonNode) summary = NULL;
  SdJsonNode *shop = NULL;
  int rc;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND, _("There is no run %ld"), (long) run_id);
      return NULL;
    }
  if (rc != SQLITE_ROW)
    {
      sd_store_fail (store, _("Could not read the training runs"), error);
      return NULL;
    }
  r = g_new0 (SdRunRecord, 1);
  r->run_id = run_id;
  r->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  r->model = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  r->label = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  r->note = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  r->params = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  r->summary = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  r->status = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  r->started_at = sqlite3_column_int64 (stmt, 7);
  r->finished_at = sqlite3_column_int64 (stmt, 8);
  r->model_id = sqlite3_column_int64 (stmt, 9);
  g_clear_pointer (&stmt, sd_stmt_release);

  if (r->summary && (summary = sd_json_parse (r->summary, -1, "run summary", NULL)))
    shop = sd_json_node_get_member (summary, "shop");
  r->customers = shop_number (shop, "customers");
  r->products = shop_number (shop, "products");
  r->interactions = shop_number (shop, "interactions");
  r->orders = shop_number (shop, "orders");
  r->newest_event = shop_number (shop, "newest_event");

  for (guint p = 0; r->model_id > 0 && p < SD_N_MODEL_PURPOSES; p++)
    {
      gint64 live = sd_model_registry_live_id (store, p, error);
      if (live < 0)
        return NULL;
      if (live == r->model_id)
        r->live_mask |= 1u << p;
    }
  return g_steal_pointer (&r);
}

char *
sd_model_runs_get_label (SdStore *store,
                         gint64   run_id)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, "SELECT label FROM run_labels WHERE run_id = ?1", NULL);
  const char *label;

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, run_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  label = (const char *) sqlite3_column_text (stmt, 0);
  return label && *label ? g_strdup (label) : NULL;
}

gboolean
sd_model_runs_set_label (SdStore     *store,
                         gint64       run_id,
                         const char  *label,
                         const char  *note,
                         GError     **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store,
      "INSERT INTO run_labels (run_id, label, note) VALUES (?1, ?2, ?3)"
      " ON CONFLICT (run_id) DO UPDATE SET label = excluded.label, note = excluded.note", error);
  g_autofree char *clean_label = label ? g_strstrip (g_strdup (label)) : NULL;
  g_autofree char *clean_note = note ? g_strstrip (g_strdup (note)) : NULL;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, run_id);
  if (clean_label && *clean_label)
    sqlite3_bind_text (stmt, 2, clean_label, -1, SQLITE_STATIC);
  if (clean_note && *clean_note)
    sqlite3_bind_text (stmt, 3, clean_note, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sd_store_fail (store, _("Could not save the run's name and note"), error);
  return TRUE;
}

gboolean
sd_model_runs_delete (SdStore  *store,
                      gint64    run_id,
                      GError  **error)
{
  g_autoptr(SdRunRecord) record = sd_model_runs_get (store, run_id, error);
  g_autoptr(SdStmt) models = NULL;
  g_autoptr(SdStmt) run = NULL;

  if (record == NULL)
    return FALSE;
  if (record->live_mask)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("Run %ld made the live model; promote another model or roll back "
                     "before deleting it"), (long) run_id);
      return FALSE;
    }
  if (!sd_store_begin (store, error))
    return FALSE;
  /* Points and the label go with the run (ON DELETE CASCADE); its models are deleted, not
   * left behind without the run that explains them. */
  models = sd_store_prepare (store, "DELETE FROM models WHERE run_id = ?1", error);
  if (models)
    {
      sqlite3_bind_int64 (models, 1, run_id);
      if (sqlite3_step (models) != SQLITE_DONE)
        g_clear_pointer (&models, sd_stmt_release);
    }
  run = models ? sd_store_prepare (store, "DELETE FROM runs WHERE id = ?1", error) : NULL;
  if (run)
    {
      sqlite3_bind_int64 (run, 1, run_id);
      if (sqlite3_step (run) != SQLITE_DONE)
        g_clear_pointer (&run, sd_stmt_release);
    }
  if (models == NULL || run == NULL)
    {
      if (error && *error == NULL)
        sd_store_fail (store, _("Could not delete the run"), error);
      sd_store_rollback (store);
      return FALSE;
    }
  g_clear_pointer (&models, sd_stmt_release);
  g_clear_pointer (&run, sd_stmt_release);
  if (!sd_store_commit (store, error))
    {
      sd_store_rollback (store);
      return FALSE;
    }
  return TRUE;
}

gint64
sd_model_runs_new_orders (SdStore            *store,
                          const SdRunRecord  *record,
                          GError            **error)
{
  g_autoptr(SdStmt) stmt = NULL;

  if (record->orders < 0)
    return -1;
  if (!(stmt = sd_store_prepare (store, "SELECT COUNT(*) FROM orders", error)))
    return -1;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sd_store_fail (store, _("Could not count the orders"), error);
      return -1;
    }
  return MAX (0, sqlite3_column_int64 (stmt, 0) - record->orders);
}

gint64
sd_model_runs_live_run (SdStore  *store,
                        guint     purpose,
                        GError  **error)
{
  gint64 live = sd_model_registry_live_id (store, purpose, error);
  g_autoptr(SdStmt) stmt = NULL;

  if (live <= 0)
    return live;
  if (!(stmt = sd_store_prepare (store, "SELECT run_id FROM models WHERE id = ?1", error)))
    return -1;
  sqlite3_bind_int64 (stmt, 1, live);
  return sqlite3_step (stmt) == SQLITE_ROW ? sqlite3_column_int64 (stmt, 0) : 0;
}

char *
sd_run_record_param (const SdRunRecord *record,
                     const char        *key)
{
  g_autoptr(SdJsonNode) params = record->params ? sd_json_parse (record->params, -1, "run params", NULL) : NULL;
  SdJsonNode *n = params ? sd_json_node_get_member (params, key) : NULL;
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (n == NULL)
    return NULL;
  switch (sd_json_node_get_node_type (n))
    {
    case SD_JSON_STRING:
      return g_strdup (sd_json_node_get_string (n));
    case SD_JSON_NUMBER:
      return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.6g", sd_json_node_get_number (n)));
    case SD_JSON_BOOL:
      return g_strdup (sd_json_node_get_boolean (n) ? "true" : "false");
    default:
      return NULL;
    }
}

static int
compare_keys (gconstpointer a,
              gconstpointer b)
{
  return g_strcmp0 (*(char * const *) a, *(char * const *) b);
}

GPtrArray *
sd_model_runs_param_keys (GPtrArray  *records,
                          gboolean  **differs)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint r = 0; r < records->len; r++)
    {
      const SdRunRecord *record = g_ptr_array_index (records, r);
      g_autoptr(SdJsonNode) params = record->params ? sd_json_parse (record->params, -1, "run params", NULL) : NULL;

      for (guint i = 0; params && i < sd_json_node_get_length (params); i++)
        {
          const char *name = sd_json_node_get_member_name (params, i);
          if (name && !g_hash_table_contains (seen, name))
            {
              char *copy = g_strdup (name);
              g_ptr_array_add (keys, copy);
              g_hash_table_add (seen, copy);
            }
        }
    }
  g_ptr_array_sort (keys, compare_keys);
  *differs = g_new0 (gboolean, MAX (keys->len, 1));
  for (guint k = 0; k < keys->len; k++)
    {
      g_autofree char *first = NULL;
      for (guint r = 0; r < records->len; r++)
        {
          g_autofree char *v = sd_run_record_param (g_ptr_array_index (records, r), keys->pdata[k]);
          if (r == 0)
            first = g_steal_pointer (&v);
          else if (g_strcmp0 (first, v) != 0)
            (*differs)[k] = TRUE;
        }
    }
  return g_steal_pointer (&keys);
}

char **
sd_run_record_params_as_args (const SdRunRecord *record)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(SdJsonNode) params = record->params ? sd_json_parse (record->params, -1, "run params", NULL) : NULL;

  for (guint i = 0; params && i < sd_json_node_get_length (params); i++)
    {
      const char *key = sd_json_node_get_member_name (params, i);
      g_autofree char *value = key ? sd_run_record_param (record, key) : NULL;
      if (value)
        g_ptr_array_add (args, g_strdup_printf ("%s=%s", key, value));
    }
  g_ptr_array_add (args, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&args), FALSE);
}

double
sd_model_runs_json_number (const char *json,
                           const char *key)
{
  g_autoptr(SdJsonNode) root = json ? sd_json_parse (json, -1, "metrics", NULL) : NULL;
  SdJsonNode *n = root ? sd_json_node_get_member (root, key) : NULL;

  return n && sd_json_node_get_node_type (n) == SD_JSON_NUMBER ? sd_json_node_get_number (n) : NAN;
}
