/* sd-import-report.c — an import's report: its counts, rejected rows, the text people read and
 * the rejects file */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <sys/resource.h>

#include "sd-error.h"
#include "sd-import-private.h"
#include "sd-number-format.h"

static void
reject_free (gpointer data)
{
  SdImportReject *reject = data;

  g_free (reject->reason);
  g_free (reject->raw);
  g_free (reject);
}

SdImportReport *
sd_import_report_new (const char *path)
{
  SdImportReport *report = g_new0 (SdImportReport, 1);

  report->file = g_strdup (path);
  report->counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  report->rejects = g_ptr_array_new_with_free_func (reject_free);
  return report;
}

void
sd_import_report_free (SdImportReport *report)
{
  if (report == NULL)
    return;
  g_free (report->file);
  g_hash_table_unref (report->counts);
  g_ptr_array_unref (report->rejects);
  g_free (report);
}

guint64
sd_import_report_get_count (SdImportReport *report,
                            const char     *name)
{
  const guint64 *n = g_hash_table_lookup (report->counts, name);

  return n ? *n : 0;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

GPtrArray *
sd_import_sorted_count_names (SdImportReport *report)
{
  GPtrArray *names = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, report->counts);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (names, key);

  g_ptr_array_sort (names, compare_strings);
  return names;
}

/* The names stay the report's keys (JSON, tests, the README's tables); people read these. */
static const struct {
  const char *name, *label;
} count_labels[] = {
  { "amounts-rounded-to-cents", N_("amounts rounded to cents") },
  { "cancellations", N_("cancellations") },
  { "categories-from-parent", N_("categories taken from the parent product") },
  { "continuation-rows", N_("rows continuing the one above (a product's variants, an order's lines)") },
  { "converted-from-utf16", N_("text converted from UTF-16") },
  { "converted-from-utf32", N_("text converted from UTF-32") },
  { "countries-from-shipping", N_("countries taken from the shipping address") },
  { "coupon-uses", N_("coupon uses") },
  { "customer-ids-rounded-by-a-spreadsheet", N_("customer IDs a spreadsheet rounded") },
  { "customers-made-from-references", N_("customers made from references in other rows") },
  { "customers-without-email", N_("customers without an e-mail address") },
  { "dates-ambiguous-read-month-first", N_("ambiguous dates read month first") },
  { "dates-in-both-orders", N_("dates written day first and month first in one file") },
  { "dates-read-day-first", N_("dates read day first") },
  { "events-of-forgotten-customers-skipped", N_("events of forgotten customers skipped") },
  { "existing-customers-hashed", N_("customers already in the shop hashed") },
  { "forgotten-customers-skipped", N_("forgotten customers skipped") },
  { "half-star-ratings-rounded-up", N_("half-star ratings rounded up") },
  { "identities-hashed-as-the-shop-does", N_("names and e-mails hashed as the shop does") },
  { "movie-file-lines-skipped", N_("movie file lines skipped") },
  { "movies-from-movie-file", N_("movies from the movie file") },
  { "named-gz-but-plain-text", N_("named .gz but plain text") },
  { "negative-quantities", N_("negative quantities") },
  { "non-merchandise-products", N_("products that are not merchandise (shipping, fees, …)") },
  { "orders-not-paid", N_("orders not paid") },
  { "orders-without-customer", N_("orders without a customer") },
  { "products-made-from-line-items", N_("products made from order lines") },
  { "products-made-from-references", N_("products made from references in other rows") },
  { "ratings-without-movie-file", N_("ratings without a movie file") },
  { "re-encoded-latin1", N_("text read as Windows-1252") },
  { "repeated-handles", N_("repeated handles (further variants)") },
  { "rows-without-customer", N_("rows without a customer") },
  { "short-records-padded", N_("short rows padded with empty fields") },
  { "variants-with-negative-stock", N_("variants with negative stock") },
  { "variations", N_("variations") },
};

const char *
sd_import_count_get_label (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);
  for (guint i = 0; i < G_N_ELEMENTS (count_labels); i++)
    if (g_str_equal (count_labels[i].name, name))
      return _(count_labels[i].label);
  return name;
}

char *
sd_import_report_to_text (SdImportReport *report)
{
  GString *out = g_string_new (NULL);
  g_autofree char *imported = sd_format_count ((gint64) report->rows_imported);
  g_autofree char *read = sd_format_count ((gint64) report->rows_read);
  g_autofree char *base = strcmp (report->file, "-") == 0 ? g_strdup (_("standard input"))
                                                            : g_path_get_basename (report->file);
  g_autoptr(GPtrArray) names = sd_import_sorted_count_names (report);

  g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE, "Imported %s of %s row from “%s” (%s) in %.1f s.\n",
                                            "Imported %s of %s rows from “%s” (%s) in %.1f s.\n", report->rows_read),
                          imported, read, base,
                          sd_import_format_get_label (report->format),
                          report->elapsed_us / 1e6);
  if (names->len > 0)
    {
      g_autoptr(GString) items = g_string_new (NULL);

      for (guint i = 0; i < names->len; i++)
        {
          g_autofree char *n = sd_format_count ((gint64) sd_import_report_get_count (report, names->pdata[i]));

          if (i > 0)
            /* TRANSLATORS: between two handled cases of the import report's "Handled:" line */
            g_string_append (items, _(", "));
          /* TRANSLATORS: one handled case in the import report: its label, its count */
          g_string_append_printf (items, _("%s %s"), sd_import_count_get_label (names->pdata[i]), n);
        }
      /* TRANSLATORS: the handled cases, "amounts rounded to cents 4, cancellations 9,288" */
      g_string_append_printf (out, _("Handled: %s\n"), items->str);
    }
  if (report->rows_rejected > 0)
    {
      g_autofree char *rejected = sd_format_count ((gint64) report->rows_rejected);
      guint shown = MIN (report->rejects->len, 20);

      g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE, "Rejected %s row:\n", "Rejected %s rows:\n",
                                                report->rows_rejected), rejected);
      for (guint i = 0; i < shown; i++)
        {
          SdImportReject *r = report->rejects->pdata[i];
          /* TRANSLATORS: a rejected row in the import report: the file's name, the line, the reason */
          g_string_append_printf (out, _("  %s line %llu: %s\n"), base, (unsigned long long) r->line, r->reason);
        }
      if (shown < report->rejects->len)
        g_string_append_printf (out, _("  … and %u more (save the rejects to see them all)\n"),
                                report->rejects->len - shown);
    }
  return g_string_free (out, FALSE);
}

char *
sd_import_report_rejects_to_csv (SdImportReport *report,
                                 gsize          *length)
{
  GString *out = g_string_new (NULL);
  SdCsvWriter *csv = sd_csv_writer_new (out);

  sd_csv_writer_add_row (csv, "line", "reason", "raw", NULL);
  for (guint i = 0; i < report->rejects->len; i++)
    {
      SdImportReject *r = report->rejects->pdata[i];

      sd_csv_writer_add_int (csv, (gint64) r->line);
      sd_csv_writer_add_string (csv, r->reason);
      sd_csv_writer_add_string (csv, r->raw);
      sd_csv_writer_end_row (csv);
    }
  sd_csv_writer_free (csv);
  if (length)
    *length = out->len;
  return g_string_free (out, FALSE);
}

gboolean
sd_import_report_save_rejects (SdImportReport  *report,
                               const char      *path,
                               GError         **error)
{
  gsize length;
  g_autofree char *csv = sd_import_report_rejects_to_csv (report, &length);
  g_autoptr(GError) local = NULL;

  if (!g_file_set_contents (path, csv, length, &local))
    {
      struct rlimit limit;

      /* EFBIG (with SIGXFSZ ignored) has no GFileError of its own: say which limit it is. */
      if (getrlimit (RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
          (guint64) length > (guint64) limit.rlim_cur)
        g_set_error (error, SD_ERROR, SD_ERROR_FAILED,
                     _("Could not save the rejected rows to “%s”: they take %zu bytes and the "
                       "file size limit (ulimit -f) is %llu bytes"),
                     path, length, (unsigned long long) limit.rlim_cur);
      else
        g_set_error (error, SD_ERROR, SD_ERROR_FAILED, _("Could not save the rejected rows: %s"), local->message);
      return FALSE;
    }
  return TRUE;
}
