/* sd-import.c — the import framework: formats, the transaction, the job
 *
 * One import is one transaction (BEGIN IMMEDIATE … COMMIT): a failure of the file as a
 * whole, or a cancellation, rolls it back so the shop is exactly as before. The row
 * loop itself is format-neutral; the formats live in sd-import-<format>.c, the loop's
 * parts in sd-import-{detect,fields,parse,identity,rows,report}.c.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/resource.h>

#include "sd-clock.h"
#include "sd-error.h"
#include "sd-import-private.h"
#include "sd-number-format.h"
#include "sd-product-kind.h"
#include "sd-summary.h"

const SdImportFormatInfo *const sd_import_formats[SD_N_IMPORT_FORMATS] = {
  [SD_IMPORT_ONLINE_RETAIL] = &sd_import_online_retail,
  [SD_IMPORT_MOVIELENS] = &sd_import_movielens,
  [SD_IMPORT_SHOPIFY_PRODUCTS] = &sd_import_shopify_products,
  [SD_IMPORT_SHOPIFY_ORDERS] = &sd_import_shopify_orders,
  [SD_IMPORT_SHOPIFY_CUSTOMERS] = &sd_import_shopify_customers,
  [SD_IMPORT_WOOCOMMERCE_PRODUCTS] = &sd_import_woocommerce_products,
  [SD_IMPORT_CUSTOMERS] = &sd_import_generic_customers,
  [SD_IMPORT_PRODUCTS] = &sd_import_generic_products,
  [SD_IMPORT_ORDERS] = &sd_import_generic_orders,
  [SD_IMPORT_EVENTS] = &sd_import_generic_events,
  [SD_IMPORT_WOOCOMMERCE_ORDERS] = &sd_import_woocommerce_orders,
  [SD_IMPORT_WOOCOMMERCE_CUSTOMERS] = &sd_import_woocommerce_customers,
};

const char *
sd_import_format_to_string (SdImportFormat format)
{
  g_return_val_if_fail (format < SD_N_IMPORT_FORMATS, NULL);
  return format == SD_IMPORT_AUTO ? "auto" : sd_import_formats[format]->name;
}

gboolean
sd_import_format_from_string (const char     *name,
                              SdImportFormat *out)
{
  for (guint i = 0; i < SD_N_IMPORT_FORMATS; i++)
    if (name && g_ascii_strcasecmp (name, sd_import_format_to_string (i)) == 0)
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}

const char *
sd_import_format_get_label (SdImportFormat format)
{
  g_return_val_if_fail (format < SD_N_IMPORT_FORMATS, NULL);
  return format == SD_IMPORT_AUTO ? _("Detect from the file") : _(sd_import_formats[format]->label);
}

char *
sd_import_rows_to_text (guint64 rows)
{
  g_autofree char *count = sd_format_count ((gint64) rows);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row", "%s rows", rows), count);
}

/* The shop's currency, once: its orders' most common, unless the shop has one already,
 * so every page shows money the same way (sd_shop_currency). */
static gboolean
record_currency (SdStore  *store,
                 GError  **error)
{
  g_autofree char *current = sd_store_get_setting (store, "shop.currency");
  g_autoptr(SdStmt) stmt = NULL;
  g_autofree char *code = NULL;
  int rc;

  if (current && *current)
    return TRUE;
  if (!(stmt = sd_store_prepare (store, "SELECT currency FROM orders WHERE currency IS NOT NULL AND currency <> ''"
                                        " GROUP BY currency ORDER BY count(*) DESC, currency LIMIT 1", error)))
    return FALSE;
  if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    code = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  else if (rc != SQLITE_DONE)
    return sd_store_fail (store, _("Could not read the orders' currency"), error);
  sd_stmt_release (g_steal_pointer (&stmt));
  return code == NULL || sd_store_set_setting (store, "shop.currency", code, error);
}

const char *
sd_import_phase_to_string (SdImportPhase phase)
{
  static const char *const names[SD_IMPORT_N_PHASES] = { "rows", "indexes", "finish", "summaries", "commit" };

  g_return_val_if_fail (phase < SD_IMPORT_N_PHASES, NULL);
  return names[phase];
}

/* Ends @phase: its CPU time since *@mark goes to the report. */
static void
phase_end (SdImportContext *ctx,
           SdImportPhase    phase,
           gint64          *mark)
{
  gint64 now = sd_thread_cpu_us ();

  ctx->report->cpu_us[phase] += now - *mark;
  *mark = now;
}

/* The import */

static void
context_clear (SdImportContext *ctx)
{
  if (ctx->state && ctx->info->state_free)
    ctx->info->state_free (ctx->state);
  g_clear_pointer (&ctx->reader, sd_csv_reader_free);
  g_clear_pointer (&ctx->header, g_strfreev);
  g_clear_pointer (&ctx->header_lower, g_strfreev);
  g_clear_pointer (&ctx->customers, g_hash_table_unref);
  g_clear_pointer (&ctx->products, g_hash_table_unref);
  g_clear_pointer (&ctx->orders, g_hash_table_unref);
  g_clear_pointer (&ctx->lines, g_array_unref);
  g_clear_pointer (&ctx->purchases, g_free);
  g_clear_pointer (&ctx->purchase_texts, g_string_chunk_free);
  g_clear_pointer (&ctx->report, sd_import_report_free);
  g_clear_pointer (&ctx->name, g_free);
  g_clear_pointer (&ctx->identity_key, g_bytes_unref);
  g_clear_pointer (&ctx->deferred_indexes, g_ptr_array_unref);
}

/* The bytes of a file that make one row at most, for a low guess of the rows it holds
 * (an Online Retail line is about 85 bytes, a gzipped one 14). */
#define BYTES_PER_ROW_AT_MOST 100

/* Sorting a table's rows once to build an index costs a fraction of inserting them into
 * it one by one at random places, so the indexes of order_lines and events that no upsert
 * needs (not UNIQUE) are dropped for the import when the file holds more rows than the
 * table (a new shop, a first large file) and built again by build_deferred_indexes(),
 * inside the transaction: a rollback brings them back as they were. */
static gboolean
defer_indexes (SdImportContext  *ctx,
               GError          **error)
{
  static const char *const count_sql[] = {
    "SELECT coalesce(max(id), 0) FROM order_lines",
    "SELECT coalesce(max(id), 0) FROM events",
  };
  static const char *const tables[] = { "order_lines", "events" };
  guint64 rows_at_least = sd_csv_reader_get_bytes_total (ctx->reader) / BYTES_PER_ROW_AT_MOST;

  ctx->deferred_indexes = g_ptr_array_new_with_free_func (g_free);
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      g_autoptr(SdStmt) stmt = NULL;
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
      gint64 rows = 0;

      if (!sd_store_count (ctx->store, count_sql[t], &rows, error))
        return FALSE;
      if (rows > 0 && (guint64) rows >= rows_at_least)
        continue;
      stmt = sd_store_prepare (ctx->store,
                               "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ?1"
                               " AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, tables[t], -1, SQLITE_STATIC);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          g_ptr_array_add (names, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
          g_ptr_array_add (ctx->deferred_indexes, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
        }
      sd_stmt_release (g_steal_pointer (&stmt));
      for (guint i = 0; i < names->len; i++)
        {
          char *drop = sqlite3_mprintf ("DROP INDEX \"%w\"", (const char *) names->pdata[i]);
          gboolean ok = sd_store_exec (ctx->store, drop, error);

          sqlite3_free (drop);
          if (!ok)
            return FALSE;
        }
    }
  return TRUE;
}

/* KiB of page cache while the indexes are built */
#define INDEX_SORT_KIB 2048

/* Below this, a thread to read ahead costs more than it saves. */
#define READ_AHEAD_MIN_BYTES (1024 * 1024)

static gboolean
build_deferred_indexes (SdImportContext  *ctx,
                        GError          **error)
{
  g_autofree char *restore = NULL;
  gint64 cache_size = 0;
  gboolean ok = TRUE;

  if (ctx->deferred_indexes == NULL || ctx->deferred_indexes->len == 0)
    return TRUE;
  /* SQLite sorts in runs of the page cache's size: runs of a few megabytes stay in the
   * processor's cache and build the index three times faster than one of 64 MiB. */
  if (!sd_store_count (ctx->store, "PRAGMA cache_size", &cache_size, error) ||
      !sd_store_exec (ctx->store, "PRAGMA cache_size = -" G_STRINGIFY (INDEX_SORT_KIB), error))
    return FALSE;
  restore = g_strdup_printf ("PRAGMA cache_size = %" G_GINT64_FORMAT, cache_size);
  for (guint i = 0; ok && i < ctx->deferred_indexes->len; i++)
    ok = sd_store_exec (ctx->store, ctx->deferred_indexes->pdata[i], error);
  if (!sd_store_exec (ctx->store, restore, ok ? error : NULL) || !ok)
    return FALSE;
  g_clear_pointer (&ctx->deferred_indexes, g_ptr_array_unref);
  return TRUE;
}

static int
compare_ids (const void *a,
             const void *b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return x < y ? -1 : x > y;
}

static int
compare_lines (gconstpointer a,
               gconstpointer b)
{
  const SdSummaryLine *x = a, *y = b;

  return x->order_id < y->order_id ? -1 : x->order_id > y->order_id;
}

/* @lines by order, keeping each order's in the file's order: a counting sort over the
 * orders' ids, which are about as many as the lines at most (the import made them one
 * after another), else a merge sort. */
static void
sort_lines_by_order (GArray *lines)
{
  SdSummaryLine *line = (SdSummaryLine *) (gpointer) lines->data;
  gsize n = lines->len;
  gint64 lo = G_MAXINT64, hi = G_MININT64;
  gboolean sorted = TRUE;
  g_autofree gsize *starts = NULL;
  g_autofree SdSummaryLine *out = NULL;

  for (gsize i = 0; i < n; i++)
    {
      lo = MIN (lo, line[i].order_id);
      hi = MAX (hi, line[i].order_id);
      sorted &= i == 0 || line[i - 1].order_id <= line[i].order_id;
    }
  if (sorted)
    return;
  if ((guint64) (hi - lo) > 4 * (guint64) n + 1024)
    {
      g_array_sort (lines, compare_lines);
      return;
    }
  starts = g_new0 (gsize, hi - lo + 2);
  for (gsize i = 0; i < n; i++)
    starts[line[i].order_id - lo + 1]++;
  for (gint64 k = 1; k <= hi - lo + 1; k++)
    starts[k] += starts[k - 1];
  out = g_new (SdSummaryLine, n);
  for (gsize i = 0; i < n; i++)
    out[starts[line[i].order_id - lo]++] = line[i];
  memcpy (line, out, n * sizeof *line);
}

/* The summaries' figures of the days this import touched, summed from the lines it wrote
 * where those are all a day has: its orders' lines in the shop are exactly the ones it
 * wrote (finish_orders has trimmed those of older orders). */
static gboolean
refresh_summaries (SdImportContext  *ctx,
                   GError          **error)
{
  g_autofree gint64 *orders = NULL;
  SdSummaryLines known = { 0 };
  GHashTableIter iter;
  gpointer value;
  gsize n = 0;

  if (ctx->lines == NULL)
    return sd_summary_refresh (ctx->store, error);
  orders = g_new (gint64, g_hash_table_size (ctx->orders) + 1);
  g_hash_table_iter_init (&iter, ctx->orders);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    orders[n++] = ((SdImportOrder *) value)->id;
  qsort (orders, n, sizeof (gint64), compare_ids);
  sort_lines_by_order (ctx->lines);
  known = (SdSummaryLines) { orders, n, (const SdSummaryLine *) (gpointer) ctx->lines->data, ctx->lines->len };
  return sd_summary_refresh_with_lines (ctx->store, &known, error);
}

/* After a resync the lines behind the first are read again as rows of their own, so
 * the rejected row is only its first line. */
static void
cut_last_reject_to_first_line (SdImportContext *ctx)
{
  SdImportReject *reject = g_ptr_array_index (ctx->report->rejects, ctx->report->rejects->len - 1);
  char *nl = strchr (reject->raw, '\n');

  if (nl)
    {
      if (nl > reject->raw && nl[-1] == '\r')
        nl--;
      *nl = '\0';
    }
}

static gboolean
check_shape (SdImportContext *ctx)
{
  SdCsvReader *reader = ctx->reader;
  guint n = sd_csv_reader_get_n_fields (reader);

  switch (sd_csv_reader_get_status (reader))
    {
    case SD_CSV_RECORD_OK:
      break;
    case SD_CSV_RECORD_FIELD_TOO_LARGE:
      sd_import_reject (ctx, sd_csv_reader_get_multiline (reader)
                        ? _("unbalanced quote: the quote opened on this line runs on for over 1 MiB")
                        : _("a field is larger than 1 MiB (or the row has thousands of columns)"));
      break;
    case SD_CSV_RECORD_UNCLOSED_QUOTE:
      sd_import_reject (ctx, _("unbalanced quote: the quote opened on this line is never closed"));
      break;
    case SD_CSV_RECORD_STRAY_QUOTE:
      sd_import_reject (ctx, _("unbalanced quote: text follows a closing quote"));
      break;
    }
  if (sd_csv_reader_get_status (reader) != SD_CSV_RECORD_OK)
    {
      /* Only the bad row's first line is rejected; the lines it took are read again. */
      if (sd_csv_reader_get_multiline (reader) && sd_csv_reader_resync (reader))
        cut_last_reject_to_first_line (ctx);
      return FALSE;
    }

  if (ctx->has_header && n < ctx->n_header && ctx->info->pads_short_records)
    {
      /* The missing fields read as empty (sd_import_field). */
      sd_import_count (ctx, "short-records-padded");
      return TRUE;
    }
  if (ctx->has_header && n != ctx->n_header)
    {
      /* Trailing empty fields (a trailing comma) are harmless. */
      gboolean extra_empty = n > ctx->n_header;
      for (guint i = ctx->n_header; extra_empty && i < n; i++)
        if (*sd_csv_reader_get_field (reader, i, NULL))
          extra_empty = FALSE;
      if (!extra_empty)
        {
          sd_import_reject (ctx, sd_csv_reader_get_multiline (reader)
                            ? _("%u columns where the header has %u (an unbalanced quote?)")
                            : _("%u columns where the header has %u"), n, ctx->n_header);
          if (sd_csv_reader_get_multiline (reader) && sd_csv_reader_resync (reader))
            cut_last_reject_to_first_line (ctx);
          return FALSE;
        }
    }
  return TRUE;
}

/* SQLite says only “disk I/O error” when a write passes the file size limit (EFBIG,
 * the CLI ignores SIGXFSZ), and its errno is gone by the time the error is reported:
 * name the limit when the shop or its journal has grown to it. */
static void
explain_file_size_limit (SdStore *store,
                         GError  *error)
{
  static const char *const suffixes[] = { "", "-wal", "-journal" };
  struct rlimit limit;
  const char *path = sd_store_get_path (store);

  if (error == NULL || path == NULL || getrlimit (RLIMIT_FSIZE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
      GStatBuf st;

      /* Within a page or two of the limit: the next write would have passed it. */
      if (g_stat (file, &st) == 0 && (guint64) st.st_size + 128 * 1024 >= (guint64) limit.rlim_cur)
        {
          /* TRANSLATORS: the database error, then the file that reached the limit */
          char *message = g_strdup_printf (_("%s (“%s” reached the file size limit, ulimit -f, of %llu bytes)"),
                                           error->message, file, (unsigned long long) limit.rlim_cur);
          g_free (error->message);
          error->message = message;
          return;
        }
    }
}

SdImportReport *
sd_import_file (SdStore               *store,
                const char            *path,
                const SdImportOptions *options,
                SdImportProgressFunc   progress,
                gpointer               user_data,
                GCancellable          *cancellable,
                GError               **error)
{
  SdImportContext ctx = { 0 };
  SdImportOptions defaults = { SD_IMPORT_AUTO, FALSE };
  g_autoptr(GError) local = NULL;
  gint64 start_us = g_get_monotonic_time ();
  gint64 started_at = g_get_real_time () / G_USEC_PER_SEC;
  gboolean pending_first;
  char separator = ',';
  SdImportReport *result = NULL;
  SdSummaryBulk bulk = { 0 };
  gint64 cpu_mark = 0;
  gboolean journal_switched = FALSE;

  g_return_val_if_fail (SD_IS_STORE (store), NULL);
  g_return_val_if_fail (path != NULL, NULL);

  if (options == NULL)
    options = &defaults;
  /* Rolling back a failed import must not take a caller's own work with it. */
  if (sd_store_in_transaction (store))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_FAILED,
                   _("Could not import “%s”: the shop is in the middle of another change"), path);
      return NULL;
    }

  ctx.store = store;
  ctx.path = path;
  ctx.name = strcmp (path, "-") == 0 ? g_strdup (_("standard input")) : g_path_get_basename (path);
  ctx.has_erasures = -1;
  ctx.customers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  ctx.products = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  ctx.orders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  ctx.lines = g_array_new (FALSE, FALSE, sizeof (SdSummaryLine));

  if (!(ctx.reader = sd_csv_reader_new_for_path (path, &local)) ||
      !(ctx.info = sd_import_detect (ctx.reader, options->format, &separator, &local)))
    goto failed;
  if (ctx.info->state_new)
    ctx.state = ctx.info->state_new ();
  ctx.has_header = ctx.info->has_header;
  ctx.separator = separator;
  if (!sd_import_read_first (ctx.reader, separator, ctx.info, &ctx, &local))
    goto failed;

  ctx.report = sd_import_report_new (path);
  ctx.report->format = ctx.info->format;
  if (sd_csv_reader_get_named_gz (ctx.reader) && !sd_csv_reader_get_gzip (ctx.reader))
    sd_import_count (&ctx, "named-gz-but-plain-text");
  if (!g_str_equal (sd_csv_reader_get_charset (ctx.reader), "UTF-8"))
    sd_import_count (&ctx, g_str_has_prefix (sd_csv_reader_get_charset (ctx.reader), "UTF-16")
                     ? "converted-from-utf16" : "converted-from-utf32");
  if (ctx.has_header)
    {
      guint n = sd_csv_reader_get_n_fields (ctx.reader);
      ctx.header = g_new0 (char *, n + 1);
      for (guint i = 0; i < n; i++)
        ctx.header[i] = sd_import_header_name (sd_csv_reader_get_field (ctx.reader, i, NULL));
      ctx.header_lower = sd_import_lower_header (ctx.reader, &ctx.n_header);
      sd_import_translate_header (ctx.info, ctx.header_lower, ctx.n_header);
      pending_first = FALSE;
    }
  else
    pending_first = TRUE;

  /* Every reference the importer writes is a rowid it just read or wrote in this
   * transaction, so SQLite's per-row foreign key lookups would only repeat that. The
   * sorts of the index builds and the summaries run twice as fast with their runs in
   * temporary files (the system's page cache) as in SQLite's own memory (sd-store.c's
   * temp_store = MEMORY), which is put back when the import ends. */
  /* Under a file size limit, the log is what grows to it, which the error then names
   * (explain_file_size_limit); a rollback journal's failed commit leaves no trace. */
  {
    struct rlimit limit;
    if (getrlimit (RLIMIT_FSIZE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
      journal_switched = sd_store_journal_for_first_import (store);
  }
  if (!sd_store_exec (store, "PRAGMA foreign_keys = OFF; PRAGMA temp_store = FILE", &local) ||
      !sd_store_begin (store, &local))
    {
      g_prefix_error (&local, _("Could not start importing “%s”: "), ctx.name);
      goto failed;
    }
  sd_store_set_importing (store, TRUE);
  /* A cancel stops the statement running too: the index builds, the summaries and the
   * orders' totals each take up to 0.8 s on Online Retail. */
  sd_store_set_interrupt (store, cancellable);
  cpu_mark = sd_thread_cpu_us ();
  {
    g_autoptr(SdStmt) last = sd_store_prepare (store, "SELECT coalesce (max (id), 0) FROM orders", &local);
    if (last == NULL)
      goto failed;
    if (sqlite3_step (last) == SQLITE_ROW)
      ctx.last_order_before = sqlite3_column_int64 (last, 0);
  }
  /* A million lines would each fire a trigger: the summaries count them at the end. */
  if (!sd_summary_bulk_begin (store, &bulk, &local) ||
      !defer_indexes (&ctx, &local))
    goto failed;
  if (!sd_import_identities_begin (&ctx, options->hash_identities, &local))
    goto failed;
  if (ctx.info->begin && !ctx.info->begin (&ctx, &local))
    goto failed;

  if (progress)
    progress (0, sd_csv_reader_get_bytes_total (ctx.reader), 0, user_data);

  /* Parsing then runs on a second core beside the rows' work. Not for a pipe, which
   * could keep the reading thread, and so a cancelled import, waiting. */
  if (sd_csv_reader_get_bytes_total (ctx.reader) >= READ_AHEAD_MIN_BYTES &&
      strcmp (path, "-") != 0 && g_file_test (path, G_FILE_TEST_IS_REGULAR))
    sd_csv_reader_set_read_ahead (ctx.reader, TRUE);

  while (pending_first || sd_csv_reader_next (ctx.reader, &local))
    {
      guint64 rejected = ctx.report->rows_rejected;

      pending_first = FALSE;
      ctx.report->rows_read++;
      if (check_shape (&ctx))
        {
          if (sd_csv_reader_get_reencoded (ctx.reader))
            sd_import_count (&ctx, "re-encoded-latin1");
          if (!ctx.info->row (&ctx, &local))
            {
              g_prefix_error (&local, _("“%s” line %llu: "),
                              ctx.name, (unsigned long long) sd_csv_reader_get_line (ctx.reader));
              goto failed;
            }
          if (ctx.report->rows_rejected == rejected)
            ctx.report->rows_imported++;
        }

      if (ctx.report->rows_read % PROGRESS_EVERY == 0)
        {
          if (g_cancellable_set_error_if_cancelled (cancellable, &local))
            goto failed;
          if (progress)
            progress (sd_csv_reader_get_bytes_read (ctx.reader),
                      sd_csv_reader_get_bytes_total (ctx.reader),
                      ctx.report->rows_read, user_data);
        }
    }
  if (local != NULL)
    goto failed;
  if (g_cancellable_set_error_if_cancelled (cancellable, &local))
    goto failed;

  if (!sd_import_flush_lines (&ctx, &local) ||
      (ctx.info->finish && !ctx.info->finish (&ctx, &local)) ||
      !sd_import_write_purchases (&ctx, cancellable, &local))
    goto failed;
  phase_end (&ctx, SD_IMPORT_PHASE_ROWS, &cpu_mark);
  /* Between the phases too: on Online Retail they take over a second after the last row,
   * and a cancel there (quitting the app, Ctrl+C) must still leave the shop as it was. */
  if (g_cancellable_set_error_if_cancelled (cancellable, &local))
    goto failed;
  /* Before finish_orders, which deletes lines. */
  if (!ctx.other_events)
    bulk.events_kind = SD_EVENT_PURCHASE;
  if (!sd_summary_bulk_end (store, &bulk, &local) ||
      !build_deferred_indexes (&ctx, &local))
    goto failed;
  phase_end (&ctx, SD_IMPORT_PHASE_INDEXES, &cpu_mark);
  if (g_cancellable_set_error_if_cancelled (cancellable, &local) ||
      !sd_import_finish_orders (&ctx, cancellable, &local))
    goto failed;
  /* New products get their kind in the same transaction, so no figure ever counts postage
   * or a bank charge as a best-seller, even for a moment. */
  {
    gint64 special = sd_product_kinds_classify (store,
                                                ctx.info->format == SD_IMPORT_ONLINE_RETAIL
                                                  ? SD_PRODUCT_RULES_RETAIL_CODES : SD_PRODUCT_RULES_TITLES,
                                                &local);
    if (special < 0)
      goto failed;
    sd_import_count_add (&ctx, "non-merchandise-products", (guint64) special);
  }
  if (!record_currency (store, &local))
    goto failed;
  phase_end (&ctx, SD_IMPORT_PHASE_FINISH, &cpu_mark);
  /* What sd_store_commit() would do first, here to be timed apart. */
  if (g_cancellable_set_error_if_cancelled (cancellable, &local) ||
      !refresh_summaries (&ctx, &local))
    goto failed;
  phase_end (&ctx, SD_IMPORT_PHASE_SUMMARIES, &cpu_mark);
  /* The last moment a cancel can take back: from here the import is the shop's. */
  if (g_cancellable_set_error_if_cancelled (cancellable, &local))
    goto failed;
  ctx.report->elapsed_us = g_get_monotonic_time () - start_us;
  if (!sd_import_record_import (&ctx, started_at, &local) ||
      !sd_store_commit (store, &local))
    {
      g_prefix_error (&local, _("Could not finish importing “%s”: "), ctx.name);
      goto failed;
    }
  sd_store_set_interrupt (store, NULL);
  if (journal_switched)
    sd_store_journal_restore (store);
  phase_end (&ctx, SD_IMPORT_PHASE_COMMIT, &cpu_mark);

  if (progress)
    progress (sd_csv_reader_get_bytes_total (ctx.reader),
              sd_csv_reader_get_bytes_total (ctx.reader),
              ctx.report->rows_read, user_data);
  sd_store_set_importing (store, FALSE);
  sd_store_exec (store, "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY", NULL);
  ctx.report->elapsed_us = g_get_monotonic_time () - start_us;
  result = g_steal_pointer (&ctx.report);
  context_clear (&ctx);
  return result;

failed:
  explain_file_size_limit (store, local);
  sd_store_set_interrupt (store, NULL);
  sd_store_rollback (store);
  /* A statement the cancel stopped may have failed in its own words. */
  if (g_cancellable_is_cancelled (cancellable) && !g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_error (&local);
      g_cancellable_set_error_if_cancelled (cancellable, &local);
    }
  if (journal_switched)
    sd_store_journal_restore (store);
  sd_store_set_importing (store, FALSE);
  sd_store_exec (store, "PRAGMA foreign_keys = ON; PRAGMA temp_store = MEMORY", NULL);
  context_clear (&ctx);
  g_propagate_error (error, g_steal_pointer (&local));
  return NULL;
}

/* The job */

typedef struct {
  char            *db_path;
  char            *path;
  SdImportOptions  options;
  SdImportReport  *report;
  SdJob           *job;        /* not owned: the job owns this */
  gint64           last_us;
  guint64          last_rows;
  int              step;
} ImportJob;

static void
import_job_free (gpointer data)
{
  ImportJob *d = data;

  g_free (d->db_path);
  g_free (d->path);
  sd_import_report_free (d->report);
  g_free (d);
}

static void
import_job_progress (guint64  bytes_done,
                     guint64  bytes_total,
                     guint64  rows,
                     gpointer user_data)
{
  ImportJob *d = user_data;
  g_autofree char *text = sd_import_rows_to_text (rows);
  gint64 now = g_get_monotonic_time ();

  sd_job_set_progress (d->job, bytes_total ? (double) bytes_done / bytes_total : 0.0, text);
  if (d->last_us == 0)
    {
      d->last_us = now;
      d->last_rows = rows;
    }
  else if (now - d->last_us >= G_USEC_PER_SEC / 5)
    {
      double rate = (rows - d->last_rows) / ((now - d->last_us) / 1e6);
      sd_job_metric (d->job, d->step++, "rows/s", rate);
      d->last_us = now;
      d->last_rows = rows;
    }
}

static gboolean
import_job_run (SdJob         *job,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  ImportJob *d = data;
  g_autoptr(SdStore) store = sd_store_open (d->db_path, error);
  g_autofree char *count = NULL;
  g_autofree char *text = NULL;

  if (store == NULL)
    return FALSE;
  sd_job_watch_store (job, store);
  d->job = job;
  d->report = sd_import_file (store, d->path, &d->options, import_job_progress, d,
                              cancellable, error);
  if (d->report == NULL)
    return FALSE;
  count = sd_format_count ((gint64) d->report->rows_imported);
  text = g_strdup_printf (_("%s rows imported"), count);
  sd_job_set_progress (job, 1.0, text);
  return TRUE;
}

SdJob *
sd_import_job_new (const char            *db_path,
                   const char            *path,
                   const SdImportOptions *options)
{
  ImportJob *d = g_new0 (ImportJob, 1);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *title = g_strdup_printf (_("Importing “%s”"), base);

  d->db_path = g_strdup (db_path);
  d->path = g_strdup (path);
  if (options)
    d->options = *options;
  return sd_job_new (title, import_job_run, d, import_job_free);
}

SdImportReport *
sd_import_job_get_report (SdJob *job)
{
  ImportJob *d = sd_job_get_data (job);

  g_return_val_if_fail (d != NULL, NULL);
  return d->report;
}
