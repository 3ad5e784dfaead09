/* sd-customer-privacy.c — exporting and forgetting one customer */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-customer-privacy.h"
#include "sd-erasure.h"
#include "sd-error.h"
#include "sd-json-writer.h"
#include "sd-recommender.h"

/* ---- export -------------------------------------------------------------------------- */

typedef struct {
  const char *table;
  const char *sql;     /* ?1 = customers.id */
} ExportPart;

/* Every table that names a customer, directly or through their orders. */
static const ExportPart export_parts[] = {
  { "customers", "SELECT * FROM customers WHERE id = ?1" },
  { "orders", "SELECT * FROM orders WHERE customer_id = ?1 ORDER BY placed_at, id" },
  { "order_lines", "SELECT l.*, p.external_id AS product_external_id, p.title AS product_title"
                   " FROM order_lines l JOIN orders o ON o.id = l.order_id"
                   " LEFT JOIN products p ON p.id = l.product_id"
                   " WHERE o.customer_id = ?1 ORDER BY l.order_id, l.line_no" },
  { "coupon_uses", "SELECT u.* FROM coupon_uses u JOIN orders o ON o.id = u.order_id"
                   " WHERE o.customer_id = ?1 ORDER BY u.id" },
  { "events", "SELECT e.*, p.external_id AS product_external_id, p.title AS product_title"
              " FROM events e LEFT JOIN products p ON p.id = e.product_id"
              " WHERE e.customer_id = ?1 ORDER BY e.at, e.id" },
  { "chat_tests", "SELECT * FROM chat_tests WHERE customer_id = ?1 ORDER BY id" },
  { "coupon_redemptions", "SELECT * FROM coupon_redemptions WHERE customer_id = ?1 ORDER BY id" },
  { "audience_members", "SELECT m.*, a.name AS audience_name FROM audience_members m"
                        " JOIN audiences a ON a.id = m.audience_id WHERE m.customer_id = ?1"
                        " ORDER BY m.audience_id" },
  { "sync_rows", "SELECT source, tbl, key FROM sync_rows WHERE tbl = 'customers' AND local_id = ?1" },
  /* The summary tables' record of the days they bought on (sd-summary.h), derived from
   * their orders: gone with the orders' link to them when they are forgotten. */
  { "summary_customer_days", "SELECT * FROM summary_customer_days WHERE customer_id = ?1 ORDER BY day, currency" },
  { "summary_active", "SELECT * FROM summary_active WHERE customer_id = ?1 ORDER BY currency" },
};

static void
write_row (SdJsonWriter *w,
           SdStmt       *stmt)
{
  sd_json_writer_begin_object (w);
  for (int c = 0; c < sqlite3_column_count (stmt); c++)
    {
      sd_json_writer_key (w, sqlite3_column_name (stmt, c));
      switch (sqlite3_column_type (stmt, c))
        {
        case SQLITE_INTEGER:
          sd_json_writer_int (w, sqlite3_column_int64 (stmt, c));
          break;
        case SQLITE_FLOAT:
          sd_json_writer_double (w, sqlite3_column_double (stmt, c));
          break;
        case SQLITE_TEXT:
          sd_json_writer_string (w, (const char *) sqlite3_column_text (stmt, c));
          break;
        default:
          sd_json_writer_null (w);
          break;
        }
    }
  sd_json_writer_end_object (w);
}

char *
sd_customer_export_json (SdStore  *store,
                         gint64    customer_id,
                         GError  **error)
{
  SdJsonWriter *w;
  gboolean found = FALSE;

  {
    g_autoptr(SdStmt) check = sd_store_prepare (store, "SELECT 1 FROM customers WHERE id = ?1", error);
    if (check == NULL)
      return NULL;
    sqlite3_bind_int64 (check, 1, customer_id);
    found = sqlite3_step (check) == SQLITE_ROW;
  }
  if (!found)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND,
                   _("No customer %ld in the shop"), (long) customer_id);
      return NULL;
    }

  w = sd_json_writer_new ();
  sd_json_writer_begin_object (w);
  sd_json_writer_member_string (w, "format", "shopdesk-customer-export");
  sd_json_writer_member_int (w, "version", 1);
  sd_json_writer_member_int (w, "exported_at", g_get_real_time () / G_USEC_PER_SEC);
  sd_json_writer_key (w, "tables");
  sd_json_writer_begin_object (w);
  for (guint p = 0; p < G_N_ELEMENTS (export_parts); p++)
    {
      g_autoptr(SdStmt) stmt = sd_store_prepare (store, export_parts[p].sql, error);
      int rc;

      if (stmt == NULL)
        {
          sd_json_writer_free (w);
          return NULL;
        }
      sqlite3_bind_int64 (stmt, 1, customer_id);
      sd_json_writer_key (w, export_parts[p].table);
      sd_json_writer_begin_array (w);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        write_row (w, stmt);
      sd_json_writer_end_array (w);
      if (rc != SQLITE_DONE)
        {
          sd_json_writer_free (w);
          sd_store_fail (store, export_parts[p].table, error);
          return NULL;
        }
    }
  sd_json_writer_end_object (w);
  sd_json_writer_end_object (w);
  return sd_json_writer_finish (w);
}

/* ---- forget -------------------------------------------------------------------------- */

#define SCRUBBED "[forgotten]"

/* Free text where a name, an e-mail or an id may have been copied: cut out by replace().
 * Constant statements, one per column, since names of columns cannot be bound. */
static const char *const scrub_sql[] = {
  "UPDATE runs SET params = replace (params, ?1, '" SCRUBBED "') WHERE instr (params, ?1) > 0",
  "UPDATE runs SET summary = replace (summary, ?1, '" SCRUBBED "') WHERE instr (summary, ?1) > 0",
  "UPDATE imports SET report = replace (report, ?1, '" SCRUBBED "') WHERE instr (report, ?1) > 0",
  "UPDATE settings SET value = replace (value, ?1, '" SCRUBBED "') WHERE instr (value, ?1) > 0",
  "UPDATE audiences SET definition = replace (definition, ?1, '" SCRUBBED "') WHERE instr (definition, ?1) > 0",
  "UPDATE coupon_rule_versions SET json = replace (json, ?1, '" SCRUBBED "') WHERE instr (json, ?1) > 0",
  "UPDATE model_promotions SET note = replace (note, ?1, '" SCRUBBED "') WHERE instr (note, ?1) > 0",
  "UPDATE run_labels SET note = replace (note, ?1, '" SCRUBBED "') WHERE instr (note, ?1) > 0",
  "UPDATE run_labels SET label = replace (label, ?1, '" SCRUBBED "') WHERE instr (label, ?1) > 0",
  "UPDATE models SET params = replace (params, ?1, '" SCRUBBED "') WHERE instr (params, ?1) > 0",
  "UPDATE models SET metrics = replace (metrics, ?1, '" SCRUBBED "') WHERE instr (metrics, ?1) > 0",
};

static gboolean
run_count (SdStore     *store,
           const char  *sql,
           gint64       id,
           const char  *text,
           gint64      *count,
           GError     **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, sql, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (text)
    sqlite3_bind_text (stmt, 2, text, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sd_store_fail (store, _("Could not forget the customer"), error);
  if (count)
    *count += sqlite3_changes (sd_store_get_db (store));
  return TRUE;
}

/* An identifier worth cutting out of text: a short or all-digit id ("42") would cut
 * unrelated numbers out of every summary. */
static gboolean
worth_scrubbing (const char *text,
                 gboolean    is_id)
{
  gsize len = text ? strlen (text) : 0;

  if (len < 3)
    return FALSE;
  if (is_id && len < 6)
    {
      for (const char *p = text; *p; p++)
        if (!g_ascii_isdigit (*p))
          return TRUE;
      return FALSE;
    }
  return TRUE;
}

static gboolean
step_done (SdJob        *job,
           GCancellable *cancellable,
           double        fraction,
           const char   *text,
           GError      **error)
{
  if (job)
    sd_job_set_progress (job, fraction, text);
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

/* Their rows out of every stored recommender they are a row of; the models that learnt
 * from them (trained after their first event or order) marked for retraining. */
static gboolean
forget_in_models (SdStore          *store,
                  gint64            customer_id,
                  gint64            first_seen,
                  SdErasureReport  *report,
                  GCancellable     *cancellable,
                  GError          **error)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 n_customers = 0, dense = 0;

  {
    g_autoptr(SdStmt) count = sd_store_prepare (store,
      "SELECT (SELECT count(*) FROM customers), (SELECT count(*) FROM customers WHERE id < ?1)", error);
    g_autoptr(SdStmt) list = NULL;

    if (count == NULL)
      return FALSE;
    sqlite3_bind_int64 (count, 1, customer_id);
    if (sqlite3_step (count) == SQLITE_ROW)
      {
        n_customers = sqlite3_column_int64 (count, 0);
        dense = sqlite3_column_int64 (count, 1);
      }
    if (!(list = sd_store_prepare (store, "SELECT id FROM models WHERE kind = 'recommender' AND blob IS NOT NULL ORDER BY id", error)))
      return FALSE;
    while (sqlite3_step (list) == SQLITE_ROW)
      {
        gint64 id = sqlite3_column_int64 (list, 0);
        g_array_append_val (ids, id);
      }
  }

  for (guint m = 0; m < ids->len; m++)
    {
      gint64 model_id = g_array_index (ids, gint64, m);
      g_autoptr(GBytes) blob = NULL;
      g_autoptr(GBytes) scrubbed = NULL;
      gint64 created_at = 0;
      gboolean changed = FALSE, mark;
      guint n_users = 0, n_items = 0;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      {
        g_autoptr(SdStmt) read = sd_store_prepare (store, "SELECT blob, created_at FROM models WHERE id = ?1", error);
        if (read == NULL)
          return FALSE;
        sqlite3_bind_int64 (read, 1, model_id);
        if (sqlite3_step (read) != SQLITE_ROW)
          continue;
        blob = g_bytes_new (sqlite3_column_blob (read, 0), sqlite3_column_bytes (read, 0));
        created_at = sqlite3_column_int64 (read, 1);
      }
      /* The customer's dense index is their place in id order, as the matrix makes it;
       * a model of another shape was trained on a shop that differed, and cannot be
       * loaded now anyway: it is only marked. */
      if (sd_recommender_blob_shape (blob, &n_users, &n_items) && n_users == n_customers)
        {
          g_autoptr(GError) local_error = NULL;

          scrubbed = sd_recommender_blob_forget_user (blob, dense, &changed, &local_error);
          if (scrubbed == NULL)
            g_debug ("model %" G_GINT64_FORMAT " left as it is: %s", model_id, local_error->message);
        }
      if (changed)
        {
          g_autoptr(SdStmt) write = sd_store_prepare (store, "UPDATE models SET blob = ?2 WHERE id = ?1", error);
          gsize size;
          gconstpointer data = g_bytes_get_data (scrubbed, &size);

          if (write == NULL)
            return FALSE;
          sqlite3_bind_int64 (write, 1, model_id);
          sqlite3_bind_blob (write, 2, data, size, SQLITE_STATIC);
          if (sqlite3_step (write) != SQLITE_DONE)
            return sd_store_fail (store, _("Could not update a stored model"), error);
          report->models_scrubbed++;
        }
      mark = changed || (first_seen > 0 && created_at >= first_seen);
      if (mark)
        {
          g_autoptr(SdStmt) flag = sd_store_prepare (store,
            "INSERT OR IGNORE INTO model_retraining (model_id, reason, since) VALUES (?1, 'customer-forgotten', ?2)", error);

          if (flag == NULL)
            return FALSE;
          sqlite3_bind_int64 (flag, 1, model_id);
          sqlite3_bind_int64 (flag, 2, g_get_real_time () / G_USEC_PER_SEC);
          if (sqlite3_step (flag) != SQLITE_DONE)
            return sd_store_fail (store, _("Could not mark a model for retraining"), error);
          report->models_marked += sqlite3_changes (sd_store_get_db (store));
        }
    }
  return TRUE;
}

static gboolean
forget_in_transaction (SdStore          *store,
                       gint64            customer_id,
                       SdJob            *job,
                       GCancellable     *cancellable,
                       SdErasureReport  *report,
                       GError          **error)
{
  g_autofree char *external_id = NULL;
  g_autofree char *name = NULL;
  g_autofree char *email = NULL;
  g_autofree char *placeholder = NULL;
  const char *identifiers[3];
  gint64 first_seen = 0, corrections_before;

  {
    g_autoptr(SdStmt) who = sd_store_prepare (store,
      "SELECT external_id, name, email,"
      " min (coalesce ((SELECT min (at) FROM events WHERE customer_id = ?1), 1 << 62),"
      "      coalesce ((SELECT min (placed_at) FROM orders WHERE customer_id = ?1), 1 << 62))"
      " FROM customers WHERE id = ?1", error);

    if (who == NULL)
      return FALSE;
    sqlite3_bind_int64 (who, 1, customer_id);
    if (sqlite3_step (who) != SQLITE_ROW)
      {
        g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND,
                     _("No customer %ld in the shop"), (long) customer_id);
        return FALSE;
      }
    external_id = g_strdup ((const char *) sqlite3_column_text (who, 0));
    name = g_strdup ((const char *) sqlite3_column_text (who, 1));
    email = g_strdup ((const char *) sqlite3_column_text (who, 2));
    first_seen = sqlite3_column_int64 (who, 3);
    if (first_seen == (G_GINT64_CONSTANT (1) << 62))
      first_seen = 0;
  }
  placeholder = g_strdup_printf (SD_FORGOTTEN_PREFIX "%" G_GINT64_FORMAT, customer_id);
  if (g_strcmp0 (external_id, placeholder) == 0)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("Customer %ld was forgotten already"), (long) customer_id);
      return FALSE;
    }

  if (!sd_erasure_add (store, external_id, error) ||
      !step_done (job, cancellable, 0.1, _("Removing orders’ personal fields and events"), error))
    return FALSE;

  if (!run_count (store, "UPDATE orders SET customer_id = NULL, country = NULL WHERE customer_id = ?1",
                  customer_id, NULL, &report->orders_unlinked, error) ||
      !run_count (store, "DELETE FROM events WHERE customer_id = ?1", customer_id, NULL, &report->events, error) ||
      !run_count (store, "DELETE FROM audience_members WHERE customer_id = ?1",
                  customer_id, NULL, &report->audience_memberships, error) ||
      !run_count (store, "UPDATE coupon_redemptions SET customer_id = NULL WHERE customer_id = ?1",
                  customer_id, NULL, &report->coupon_redemptions, error) ||
      !run_count (store, "DELETE FROM sync_rows WHERE tbl = 'customers' AND local_id = ?1",
                  customer_id, NULL, &report->sync_rows, error) ||
      !run_count (store, "DELETE FROM chat_tests WHERE customer_id = ?1", customer_id, NULL, &report->chat_tests, error))
    return FALSE;
  if (!step_done (job, cancellable, 0.3, _("Removing chat transcripts and corrections"), error))
    return FALSE;

  identifiers[0] = worth_scrubbing (name, FALSE) ? name : NULL;
  identifiers[1] = worth_scrubbing (email, FALSE) ? email : NULL;
  identifiers[2] = worth_scrubbing (external_id, TRUE) ? external_id : NULL;
  corrections_before = report->chat_corrections;
  for (guint i = 0; i < G_N_ELEMENTS (identifiers); i++)
    {
      if (identifiers[i] == NULL)
        continue;
      if (!run_count (store, "DELETE FROM chat_tests WHERE ?1 = ?1 AND instr (transcript, ?2) > 0",
                      customer_id, identifiers[i], &report->chat_tests, error) ||
          !run_count (store, "DELETE FROM chat_examples WHERE ?1 = ?1 AND source = 'correction' AND instr (text, ?2) > 0",
                      customer_id, identifiers[i], &report->chat_corrections, error))
        return FALSE;
      for (guint s = 0; s < G_N_ELEMENTS (scrub_sql); s++)
        {
          g_autoptr(SdStmt) stmt = sd_store_prepare (store, scrub_sql[s], error);

          if (stmt == NULL)
            return FALSE;
          sqlite3_bind_text (stmt, 1, identifiers[i], -1, SQLITE_STATIC);
          if (sqlite3_step (stmt) != SQLITE_DONE)
            return sd_store_fail (store, _("Could not forget the customer"), error);
          report->texts_scrubbed += sqlite3_changes (sd_store_get_db (store));
        }
    }
  /* An intent model that learnt from a correction naming them has to learn again. */
  if (report->chat_corrections > corrections_before &&
      !run_count (store, "INSERT OR IGNORE INTO model_retraining (model_id, reason, since)"
                         " SELECT id, 'customer-forgotten', ?1 FROM models WHERE kind = 'intent'",
                  g_get_real_time () / G_USEC_PER_SEC, NULL, &report->models_marked, error))
    return FALSE;

  /* The row keeps its place (stored models index customers by it) and nothing else. */
  if (!run_count (store, "UPDATE customers SET external_id = ?2, name = NULL, email = NULL, country = NULL,"
                         " segment = NULL, taste_group = NULL, created_at = NULL WHERE id = ?1",
                  customer_id, placeholder, NULL, error))
    return FALSE;
  if (!step_done (job, cancellable, 0.5, _("Removing them from stored models"), error) ||
      !forget_in_models (store, customer_id, first_seen, report, cancellable, error))
    return FALSE;

  {
    g_autofree char *detail = sd_erasure_report_to_json (report);
    if (!sd_audit_log_add (store, "forget-customer", detail, error))
      return FALSE;
  }
  return step_done (job, cancellable, 0.8, _("Saving"), error);
}

gboolean
sd_customer_forget (SdStore          *store,
                    gint64            customer_id,
                    SdJob            *job,
                    GCancellable     *cancellable,
                    SdErasureReport  *report,
                    GError          **error)
{
  g_autoptr(GError) vacuum_error = NULL;

  memset (report, 0, sizeof *report);
  /* Deleted cells are overwritten with zeros, not just unlinked. */
  if (!sd_store_exec (store, "PRAGMA secure_delete = ON", error) ||
      !sd_store_begin (store, error))
    return FALSE;
  if (!forget_in_transaction (store, customer_id, job, cancellable, report, error) ||
      !sd_store_commit (store, error))
    {
      sd_store_rollback (store);
      memset (report, 0, sizeof *report);
      return FALSE;
    }
  /* Committed: what follows only rewrites the file. Old WAL frames still hold the bytes
   * the transaction removed, and VACUUM writes the new file through the WAL. */
  if (job)
    sd_job_set_progress (job, 0.85, _("Rewriting the shop file"));
  report->vacuumed = sd_store_exec (store, "PRAGMA wal_checkpoint(TRUNCATE)", &vacuum_error) &&
                     sd_store_exec (store, "VACUUM", &vacuum_error) &&
                     sd_store_exec (store, "PRAGMA wal_checkpoint(TRUNCATE)", &vacuum_error);
  if (!report->vacuumed)
    g_debug ("the shop was not vacuumed after forgetting a customer: %s", vacuum_error->message);
  if (job)
    sd_job_set_progress (job, 1.0, NULL);
  return TRUE;
}

char *
sd_erasure_report_to_json (const SdErasureReport *r)
{
  SdJsonWriter *w = sd_json_writer_new ();

  sd_json_writer_begin_object (w);
  sd_json_writer_member_int (w, "orders_unlinked", r->orders_unlinked);
  sd_json_writer_member_int (w, "events", r->events);
  sd_json_writer_member_int (w, "chat_tests", r->chat_tests);
  sd_json_writer_member_int (w, "chat_corrections", r->chat_corrections);
  sd_json_writer_member_int (w, "audience_memberships", r->audience_memberships);
  sd_json_writer_member_int (w, "coupon_redemptions", r->coupon_redemptions);
  sd_json_writer_member_int (w, "sync_rows", r->sync_rows);
  sd_json_writer_member_int (w, "texts_scrubbed", r->texts_scrubbed);
  sd_json_writer_member_int (w, "models_scrubbed", r->models_scrubbed);
  sd_json_writer_member_int (w, "models_marked", r->models_marked);
  sd_json_writer_member_bool (w, "vacuumed", r->vacuumed);
  sd_json_writer_end_object (w);
  return sd_json_writer_finish (w);
}

typedef struct {
  char            *path;
  gint64           customer_id;
  SdErasureReport  report;
} ForgetData;

static void
forget_data_free (gpointer data)
{
  ForgetData *d = data;

  g_free (d->path);
  g_free (d);
}

static gboolean
forget_job_run (SdJob         *job,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  ForgetData *d = data;
  g_autoptr(SdStore) store = sd_store_open_full (d->path, SD_STORE_OPEN_EXISTING, error);

  if (store == NULL)
    return FALSE;
  sd_job_watch_store (job, store);
  return sd_customer_forget (store, d->customer_id, job, cancellable, &d->report, error);
}

SdJob *
sd_customer_forget_job_new (const char *path,
                            gint64      customer_id)
{
  ForgetData *d = g_new0 (ForgetData, 1);

  d->path = g_strdup (path);
  d->customer_id = customer_id;
  return sd_job_new (_("Forgetting a customer"), forget_job_run, d, forget_data_free);
}

char *
sd_model_retraining_reason (SdStore *store,
                            gint64   model_id)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (store, "SELECT reason FROM model_retraining WHERE model_id = ?1", NULL);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, model_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

const SdErasureReport *
sd_customer_forget_job_get_report (SdJob *job)
{
  ForgetData *d = sd_job_get_data (job);

  return &d->report;
}
