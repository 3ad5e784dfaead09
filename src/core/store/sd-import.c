/* sd-import.c — the import framework: formats, detection, the transaction, the report
 *
 * One import is one transaction (BEGIN IMMEDIATE … COMMIT): a failure of the file as a
 * whole, or a cancellation, rolls it back so the shop is exactly as before. The row
 * loop itself is format-neutral; the formats live in sd-import-<format>.c.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <errno.h>
#include <sys/resource.h>

#include "sd-clock.h"
#include "sd-erasure.h"
#include "sd-error.h"
#include "sd-html-text.h"
#include "sd-import-private.h"
#include "sd-number-format.h"
#include "sd-product-kind.h"
#include "sd-summary.h"

#define PROGRESS_EVERY  4096      /* rows between progress reports and cancel checks */
#define RAW_KEEP        512       /* bytes of a rejected row kept in the report */
/* Order lines kept for the summaries (32 bytes each); a larger import's figures read
 * its lines back from the shop. */
#define KNOWN_LINES_MAX (4 << 20)

static const SdImportFormatInfo *const formats[SD_N_IMPORT_FORMATS] = {
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
  return format == SD_IMPORT_AUTO ? "auto" : formats[format]->name;
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
  return format == SD_IMPORT_AUTO ? _("Detect from the file") : _(formats[format]->label);
}

char *
sd_import_rows_to_text (guint64 rows)
{
  g_autofree char *count = sd_format_count ((gint64) rows);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row", "%s rows", rows), count);
}

/* Report */

static void
reject_free (gpointer data)
{
  SdImportReject *reject = data;

  g_free (reject->reason);
  g_free (reject->raw);
  g_free (reject);
}

static SdImportReport *
report_new (const char *path)
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

static GPtrArray *
sorted_count_names (SdImportReport *report)
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
  g_autoptr(GPtrArray) names = sorted_count_names (report);

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

/* Parsers */

gboolean
sd_import_parse_int (const char *text,
                     gint64     *out)
{
  const char *p = text;
  gboolean negative = FALSE;
  guint64 value = 0;

  if (*p == '-' || *p == '+')
    negative = *p++ == '-';
  if (!g_ascii_isdigit (*p))
    return FALSE;
  for (; g_ascii_isdigit (*p); p++)
    {
      if (value > (G_MAXINT64 - 9) / 10)
        return FALSE;
      value = value * 10 + (*p - '0');
    }
  /* "17850.0": ids that went through a spreadsheet. */
  if (*p == '.')
    {
      for (p++; *p == '0'; p++)
        ;
    }
  if (*p != '\0')
    return FALSE;
  *out = negative ? -(gint64) value : (gint64) value;
  return TRUE;
}

gboolean
sd_import_parse_cents (const char *text,
                       gint64     *out,
                       gboolean   *rounded)
{
  const char *p = text;
  gboolean negative = FALSE;
  gint64 units = 0, cents = 0;
  int n_int = 0, n_frac = 0;
  gboolean round_up = FALSE, lost = FALSE;

  if (*p == '-' || *p == '+')
    negative = *p++ == '-';
  for (; g_ascii_isdigit (*p); p++, n_int++)
    {
      if (n_int >= 15)
        return FALSE;
      units = units * 10 + (*p - '0');
    }
  if (*p == '.')
    {
      for (p++; g_ascii_isdigit (*p); p++, n_frac++)
        {
          int d = *p - '0';
          if (n_frac < 2)
            cents = cents * 10 + d;
          else
            {
              if (n_frac == 2)
                round_up = d >= 5;
              if (d != 0)
                lost = TRUE;
            }
        }
    }
  if (*p != '\0' || n_int + n_frac == 0)
    return FALSE;
  if (n_frac == 1)
    cents *= 10;
  cents += units * 100 + (round_up ? 1 : 0);
  *out = negative ? -cents : cents;
  if (rounded)
    *rounded = lost;
  return TRUE;
}

static gint64
days_from_civil (gint64 y,
                 int    m,
                 int    d)
{
  /* Counting years from March puts the leap day last, so each era of 400 years has
   * the same length and the day of the year is a linear formula. */
  gint64 era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static int
days_in_month (int y,
               int m)
{
  static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  gboolean leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

  return m == 2 && leap ? 29 : days[m - 1];
}

static gboolean
read_number (const char **p,
             int          min_digits,
             int          max_digits,
             int         *out)
{
  int n = 0, v = 0;

  while (n < max_digits && g_ascii_isdigit ((*p)[0]))
    {
      v = v * 10 + ((*p)[0] - '0');
      (*p)++;
      n++;
    }
  *out = v;
  return n >= min_digits;
}

gboolean
sd_import_parse_time (const char *text,
                      gint64     *out)
{
  return sd_import_parse_time_full (text, FALSE, out);
}

gboolean
sd_import_parse_time_full (const char *text,
                           gboolean    day_first,
                           gint64     *out)
{
  const char *p = text;
  int y, mo, d, h = 0, mi = 0, s = 0;
  gint64 offset = 0;

  if (*p == '\0')
    return FALSE;

  /* Unix seconds. */
  if (g_ascii_isdigit (*p) || *p == '-')
    {
      gint64 v;
      const char *q = p + (*p == '-');
      while (g_ascii_isdigit (*q))
        q++;
      if (*q == '\0' && sd_import_parse_int (p, &v))
        {
          *out = v;
          return TRUE;
        }
    }

  if (!read_number (&p, 1, 4, &y))
    return FALSE;
  if (*p == '-' && p - text == 4)
    {
      /* ISO: 2010-12-01[ T]08:26[:00][.000][Z|±hh[:]mm| UTC] */
      p++;
      if (!read_number (&p, 2, 2, &mo) || *p++ != '-' || !read_number (&p, 2, 2, &d))
        return FALSE;
    }
  else if (*p == '/')
    {
      /* US: 12/1/2010 8:26 — month first, as the original Online Retail file; a file
       * that a spreadsheet saved elsewhere has the day first. */
      mo = y;
      p++;
      if (!read_number (&p, 1, 2, &d) || *p++ != '/' || !read_number (&p, 4, 4, &y))
        return FALSE;
      if (day_first)
        {
          int t = mo;
          mo = d;
          d = t;
        }
    }
  else
    return FALSE;

  if (*p == 'T' || *p == ' ')
    {
      const char *t = p + 1;
      if (g_ascii_isdigit (*t))
        {
          p = t;
          if (!read_number (&p, 1, 2, &h) || *p++ != ':' || !read_number (&p, 2, 2, &mi))
            return FALSE;
          if (*p == ':')
            {
              p++;
              if (!read_number (&p, 2, 2, &s))
                return FALSE;
              if (*p == '.')
                for (p++; g_ascii_isdigit (*p); p++)
                  ;
            }
          if (*p == ' ' && (g_ascii_strncasecmp (p + 1, "AM", 2) == 0 ||
                            g_ascii_strncasecmp (p + 1, "PM", 2) == 0))
            {
              gboolean pm = g_ascii_toupper (p[1]) == 'P';
              if (h < 1 || h > 12)
                return FALSE;
              h = h % 12 + (pm ? 12 : 0);
              p += 3;
            }
        }
    }

  if (*p == ' ' && (p[1] == '+' || p[1] == '-' || g_ascii_isalpha (p[1])))
    p++;
  if (*p == 'Z' || g_ascii_strcasecmp (p, "UTC") == 0)
    p += *p == 'Z' ? 1 : 3;
  else if (*p == '+' || *p == '-')
    {
      int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
      if (!read_number (&p, 2, 2, &oh))
        return FALSE;
      if (*p == ':')
        p++;
      if (g_ascii_isdigit (*p) && !read_number (&p, 2, 2, &om))
        return FALSE;
      if (oh > 14 || om > 59)
        return FALSE;
      offset = sign * (oh * 3600 + om * 60);
    }
  if (*p != '\0')
    return FALSE;

  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month (y, mo) ||
      h > 23 || mi > 59 || s > 60 || y < 1900 || y > 2200)
    return FALSE;

  *out = days_from_civil (y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset;
  return TRUE;
}

/* Context helpers */

/* A header cell as written, without the whitespace and byte order mark around it: a
 * file saved by some tools starts with a stray line break or tab before the BOM. */
static char *
header_name (const char *name)
{
  g_autofree char *copy = g_strdup (name);
  char *start = g_strstrip (copy);

  while (g_str_has_prefix (start, "\xEF\xBB\xBF"))
    start = g_strchug (start + 3);
  return g_strdup (start);
}

static char *
lower_name (const char *name)
{
  g_autofree char *bare = header_name (name);
  /* Not only ASCII: WordPress translates WooCommerce's header (“Артикул”). */
  return g_utf8_strdown (bare, -1);
}

gboolean
sd_import_header_has (char      **header,
                      guint       n_header,
                      const char *name)
{
  for (guint i = 0; i < n_header; i++)
    if (strcmp (header[i], name) == 0)
      return TRUE;
  return FALSE;
}

int
sd_import_column (SdImportContext   *ctx,
                  const char *const *names)
{
  for (guint n = 0; names[n]; n++)
    for (guint i = 0; i < ctx->n_header; i++)
      if (strcmp (ctx->header_lower[i], names[n]) == 0)
        return i;
  return -1;
}

gboolean
sd_import_require (SdImportContext   *ctx,
                   const char *const *names,
                   int               *column,
                   GError           **error)
{
  *column = sd_import_column (ctx, names);
  if (*column >= 0)
    return TRUE;
  g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
               _("“%s” line 1: no column “%s” in the header — is this really a %s file?"),
               ctx->name, names[0], _(ctx->info->label));
  return FALSE;
}

const char *
sd_import_field (SdImportContext *ctx,
                 int              column)
{
  if (column < 0)
    return "";
  return sd_csv_reader_get_field (ctx->reader, column, NULL);
}

const char *
sd_import_field_or_null (SdImportContext *ctx,
                         int              column)
{
  const char *value = sd_import_field (ctx, column);
  return *value ? value : NULL;
}

static const char *
column_name (SdImportContext *ctx,
             int              column)
{
  return column >= 0 && (guint) column < ctx->n_header ? ctx->header[column] : "?";
}

gboolean
sd_import_reject (SdImportContext *ctx,
                  const char      *format,
                  ...)
{
  SdImportReject *reject = g_new0 (SdImportReject, 1);
  gsize raw_len;
  const char *raw = sd_csv_reader_get_raw (ctx->reader, &raw_len);
  va_list args;

  va_start (args, format);
  reject->reason = g_strdup_vprintf (format, args);
  va_end (args);
  reject->line = sd_csv_reader_get_line (ctx->reader);
  reject->raw = g_utf8_make_valid (raw, MIN (raw_len, RAW_KEEP));
  g_ptr_array_add (ctx->report->rejects, reject);
  ctx->report->rows_rejected++;
  return TRUE;
}

void
sd_import_count_add (SdImportContext *ctx,
                     const char      *name,
                     guint64          n)
{
  /* A counter of its own, added to in place: one lookup for the rows counted by the
   * hundred thousand (rows without a customer, say). */
  guint64 *count;

  if (n == 0)
    return;
  if (!(count = g_hash_table_lookup (ctx->report->counts, name)))
    {
      count = g_new0 (guint64, 1);
      g_hash_table_insert (ctx->report->counts, g_strdup (name), count);
    }
  *count += n;
}

void
sd_import_count (SdImportContext *ctx,
                 const char      *name)
{
  sd_import_count_add (ctx, name, 1);
}

static gboolean
reject_missing (SdImportContext *ctx,
                int              column)
{
  sd_import_reject (ctx, _("no value in column %s"), column_name (ctx, column));
  return FALSE;
}

gboolean
sd_import_get_int (SdImportContext *ctx,
                   int              column,
                   gboolean         required,
                   gint64          *out)
{
  const char *text = sd_import_field (ctx, column);

  if (*text == '\0')
    return required ? reject_missing (ctx, column) : TRUE;
  if (!sd_import_parse_int (text, out))
    {
      sd_import_reject (ctx, _("bad number “%.40s” in column %s"), text, column_name (ctx, column));
      return FALSE;
    }
  return TRUE;
}

gboolean
sd_import_get_cents (SdImportContext *ctx,
                     int              column,
                     gboolean         required,
                     gint64          *out)
{
  const char *text = sd_import_field (ctx, column);
  gboolean rounded = FALSE;

  if (*text == '\0')
    return required ? reject_missing (ctx, column) : TRUE;
  if (!sd_import_parse_cents (text, out, &rounded))
    {
      sd_import_reject (ctx, _("bad amount “%.40s” in column %s"), text, column_name (ctx, column));
      return FALSE;
    }
  if (rounded)
    sd_import_count (ctx, "amounts-rounded-to-cents");
  return TRUE;
}

gboolean
sd_import_get_time (SdImportContext *ctx,
                    int              column,
                    gboolean         required,
                    gint64          *out)
{
  const char *text = sd_import_field (ctx, column);

  if (*text == '\0')
    return required ? reject_missing (ctx, column) : TRUE;
  if (!sd_import_parse_time_full (text, ctx->day_first, out))
    {
      sd_import_reject (ctx, _("bad date “%.40s” in column %s"), text, column_name (ctx, column));
      return FALSE;
    }
  return TRUE;
}

static void bind_text_or_null (SdStmt *stmt, int index, const char *value);

/* Pseudonymising identities. HMAC-SHA-256 under a key of 32 random bytes kept in the
 * shop's settings: the same person hashes alike in every import into the shop, and no one
 * without the shop file can test a guessed e-mail against a hash. Whoever has the shop
 * file has the key, so this is pseudonymisation, not anonymisation. */

#define IDENTITY_KEY_SETTING  "identity-key"
#define IDENTITY_MODE_SETTING "identities"
#define IDENTITY_KEY_BYTES    32

/* The shop's key, made on first use (inside the import's transaction). */
static gboolean
identity_key_load (SdImportContext  *ctx,
                   GError          **error)
{
  if (ctx->identity_key)
    return TRUE;
  ctx->identity_key = sd_store_secret_key (ctx->store, IDENTITY_KEY_SETTING, IDENTITY_KEY_BYTES, TRUE, error);
  if (ctx->identity_key == NULL)
    g_prefix_error (error, _("Could not make a key to hash identities with: "));
  return ctx->identity_key != NULL;
}

static char *
hash_with_key (GBytes     *key,
               const char *value)
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA256, g_bytes_get_data (key, NULL), g_bytes_get_size (key));

  g_hmac_update (hmac, (const guchar *) value, -1);
  /* 64 bits tell a shop's customers apart and read better in tables. */
  return g_strdup_printf ("#%.16s", g_hmac_get_string (hmac));
}

/* “#” and 16 hex digits: what hash_with_key() (and earlier versions) make. */
static gboolean
looks_hashed (const char *value)
{
  if (value == NULL || value[0] != '#' || strlen (value) != 17)
    return FALSE;
  for (const char *p = value + 1; *p; p++)
    if (!g_ascii_isxdigit (*p))
      return FALSE;
  return TRUE;
}

char *
sd_import_identity (SdImportContext *ctx,
                    const char      *value)
{
  if (value == NULL || *value == '\0')
    return NULL;
  if (ctx->hash_identities && !looks_hashed (value))
    {
      /* The key was loaded when the import began (identities_begin). */
      g_return_val_if_fail (ctx->identity_key != NULL, NULL);
      return hash_with_key (ctx->identity_key, value);
    }
  return g_strdup (value);
}

char *
sd_import_customer_key (SdImportContext *ctx,
                        const char      *external_id)
{
  if (ctx->hash_identities && strchr (external_id, '@'))
    return sd_import_identity (ctx, external_id);
  return g_strdup (external_id);
}

/* The key a clear customer key has when hashed, as the importers make it. */
static char *
hashed_key (SdImportContext *ctx,
            const char      *key)
{
  static const char *const prefixes[] = { "shopify-phone:", "shopify-name:" };

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    if (g_str_has_prefix (key, prefixes[i]))
      {
        g_autofree char *hashed = sd_import_identity (ctx, key + strlen (prefixes[i]));
        return g_strconcat (prefixes[i], hashed, NULL);
      }
  return sd_import_customer_key (ctx, key);
}

/* Hashing is the shop's, once asked for: the first import that hashes also hashes the
 * customers already there, in its own transaction, so a person imported before in clear
 * does not stay beside their hashed self; every later import hashes too, asked or not,
 * since a clear row could not meet its hashed one either. (Refusing to mix would leave
 * the shop's clear rows as they are, which is what hashing is meant to end.) */
static gboolean
identities_begin (SdImportContext  *ctx,
                  gboolean          asked,
                  GError          **error)
{
  g_autofree char *mode = sd_store_get_setting (ctx->store, IDENTITY_MODE_SETTING);
  gboolean shop_hashes = g_strcmp0 (mode, "hashed") == 0;
  g_autoptr(SdStmt) all = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  guint64 converted = 0;

  if (!asked && !shop_hashes)
    return TRUE;
  ctx->hash_identities = TRUE;
  if (!identity_key_load (ctx, error))
    return FALSE;
  if (!asked)
    sd_import_count (ctx, "identities-hashed-as-the-shop-does");
  if (shop_hashes)
    return TRUE;

  if (!(all = sd_store_prepare (ctx->store, "SELECT id, external_id, name, email FROM customers", error)))
    return FALSE;
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  while (sqlite3_step (all) == SQLITE_ROW)
    {
      char **row = g_new0 (char *, 5);
      row[0] = g_strdup_printf ("%" G_GINT64_FORMAT, (gint64) sqlite3_column_int64 (all, 0));
      for (int c = 1; c < 4; c++)
        row[c] = g_strdup ((const char *) sqlite3_column_text (all, c));
      g_ptr_array_add (rows, row);
    }
  for (guint i = 0; i < rows->len; i++)
    {
      char **row = rows->pdata[i];
      g_autofree char *key = hashed_key (ctx, row[1]);
      g_autofree char *name = sd_import_identity (ctx, row[2]);
      g_autofree char *email = sd_import_identity (ctx, row[3]);
      g_autoptr(SdStmt) update = NULL;

      if (g_str_equal (key, row[1]) && g_strcmp0 (name, row[2]) == 0 && g_strcmp0 (email, row[3]) == 0)
        continue;
      if (!(update = sd_store_prepare (ctx->store,
                                       "UPDATE customers SET external_id = ?2, name = ?3, email = ?4 WHERE id = ?1",
                                       error)))
        return FALSE;
      sqlite3_bind_int64 (update, 1, g_ascii_strtoll (row[0], NULL, 10));
      sqlite3_bind_text (update, 2, key, -1, SQLITE_STATIC);
      bind_text_or_null (update, 3, name);
      bind_text_or_null (update, 4, email);
      if (sqlite3_step (update) != SQLITE_DONE)
        {
          if (sqlite3_errcode (sd_store_get_db (ctx->store)) == SQLITE_CONSTRAINT)
            {
              g_set_error (error, SD_ERROR, SD_ERROR_FAILED,
                           _("Could not hash the customers already in the shop: customer “%s” is there both in "
                             "clear and hashed (from an earlier version of Shopdesk)"), row[1]);
              return FALSE;
            }
          return sd_store_fail (ctx->store, _("Could not hash the customers already in the shop"), error);
        }
      converted++;
    }
  sd_import_count_add (ctx, "existing-customers-hashed", converted);
  return sd_store_set_setting (ctx->store, IDENTITY_MODE_SETTING, "hashed", error);
}

int
sd_import_match_columns (char              **header,
                         guint               n_header,
                         const char *const  *required,
                         const char *const  *optional)
{
  int score = 0;

  for (guint i = 0; required && required[i]; i++)
    {
      g_auto(GStrv) alternatives = g_strsplit (required[i], "|", -1);
      gboolean found = FALSE;
      for (guint a = 0; alternatives[a] && !found; a++)
        found = sd_import_header_has (header, n_header, alternatives[a]);
      if (!found)
        return 0;
      score += 10;
    }
  for (guint i = 0; optional && optional[i]; i++)
    if (sd_import_header_has (header, n_header, optional[i]))
      score++;
  return score;
}

char *
sd_import_strip_html (const char *html)
{
  return sd_html_to_text (html);
}

char *
sd_import_category_leaf (const char *categories)
{
  g_autofree char *first = NULL;
  const char *comma, *leaf;

  if (categories == NULL || *categories == '\0')
    return NULL;
  comma = strchr (categories, ',');
  first = comma ? g_strndup (categories, comma - categories) : g_strdup (categories);
  leaf = g_strrstr (first, ">");
  leaf = leaf ? leaf + 1 : first;
  {
    g_autofree char *copy = g_strdup (leaf);
    g_strstrip (copy);
    return *copy ? g_steal_pointer (&copy) : NULL;
  }
}

char *
sd_import_category_path_leaf (const char *path)
{
  const char *leaf;
  g_autofree char *copy = NULL;

  if (path == NULL)
    return NULL;
  leaf = g_strrstr (path, ">");
  copy = g_strdup (leaf ? leaf + 1 : path);
  g_strstrip (copy);
  return *copy ? g_steal_pointer (&copy) : NULL;
}

char *
sd_import_normalize_tags (const char *tags)
{
  g_auto(GStrv) parts = NULL;
  GString *out;

  if (tags == NULL || *tags == '\0')
    return NULL;
  parts = g_strsplit (tags, ",", -1);
  out = g_string_new (NULL);
  for (guint i = 0; parts[i]; i++)
    {
      g_strstrip (parts[i]);
      if (*parts[i] == '\0')
        continue;
      if (out->len)
        g_string_append_c (out, ',');
      g_string_append (out, parts[i]);
    }
  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

/* The first two numbers of a “31/12/2023 …” date, or FALSE for any other form. */
static gboolean
slash_date (const char *text,
            int        *a,
            int        *b)
{
  const char *p = text;

  return read_number (&p, 1, 2, a) && *p++ == '/' && read_number (&p, 1, 2, b) && *p == '/';
}

gboolean
sd_import_scan_date_order (SdImportContext  *ctx,
                           int               column,
                           GError          **error)
{
  g_autoptr(SdCsvReader) reader = NULL;
  guint64 slashed = 0;
  gboolean day_over_12 = FALSE, month_over_12 = FALSE;

  if (column < 0)
    return TRUE;
  if (g_file_test (ctx->path, G_FILE_TEST_IS_REGULAR) && strcmp (ctx->path, "-") != 0)
    reader = sd_csv_reader_new_for_path (ctx->path, error);
  else
    {
      /* A pipe cannot be read twice: decide from its first block (still in the reader). */
      gsize len;
      const char *block = sd_csv_reader_get_first_block (ctx->reader, &len);
      g_autoptr(GBytes) bytes = g_bytes_new (block, len);
      g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (bytes);

      reader = sd_csv_reader_new_for_stream (stream, ctx->name, len);
      sd_import_count (ctx, "dates-order-read-from-first-256-KiB");
    }
  if (reader == NULL)
    return FALSE;
  sd_csv_reader_set_trim (reader, TRUE);
  sd_csv_reader_set_separator (reader, ctx->separator);
  if (ctx->has_header && !sd_csv_reader_next (reader, error))
    return error == NULL || *error == NULL;
  while (sd_csv_reader_next (reader, NULL))
    {
      int a, b;
      if (sd_csv_reader_get_status (reader) != SD_CSV_RECORD_OK)
        {
          sd_csv_reader_resync (reader);
          continue;
        }
      if ((guint) column < sd_csv_reader_get_n_fields (reader) &&
          slash_date (sd_csv_reader_get_field (reader, column, NULL), &a, &b))
        {
          slashed++;
          day_over_12 |= a > 12;
          month_over_12 |= b > 12;
        }
    }
  if (slashed == 0)
    return TRUE;
  if (day_over_12 && !month_over_12)
    {
      ctx->day_first = TRUE;
      sd_import_count_add (ctx, "dates-read-day-first", slashed);
    }
  else if (day_over_12 && month_over_12)
    sd_import_count_add (ctx, "dates-in-both-orders", slashed);   /* the impossible ones are rejected */
  else if (!month_over_12)
    /* No day above 12 anywhere: 3/4/2024 could be either; month first, as Shopify writes. */
    sd_import_count_add (ctx, "dates-ambiguous-read-month-first", slashed);
  return TRUE;
}

/* Entities */

/* The statements of the row loop, kept at hand: finding one in the store's cache
 * hashes its whole SQL text, which costs about as much as a small insert. */
static SdStmt *
hot_prepare (SdImportContext  *ctx,
             guint             slot,
             const char       *sql,
             GError          **error)
{
  if (ctx->hot[slot] == NULL)
    ctx->hot[slot] = sd_store_prepare (ctx->store, sql, error);
  return ctx->hot[slot];
}

static gboolean
step_done (SdImportContext  *ctx,
           SdStmt           *stmt,
           const char       *what,
           GError          **error)
{
  if (sqlite3_step (stmt) == SQLITE_DONE)
    return TRUE;
  sd_store_fail (ctx->store, what, error);
  return FALSE;
}

static gint64
step_id (SdImportContext  *ctx,
         SdStmt           *stmt,
         const char       *what,
         GError          **error)
{
  gint64 id;

  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      sd_store_fail (ctx->store, what, error);
      return -1;
    }
  id = sqlite3_column_int64 (stmt, 0);
  /* RETURNING statements change the database on the first step; finish them. */
  while (sqlite3_step (stmt) == SQLITE_ROW)
    ;
  return id;
}

static void
bind_text_or_null (SdStmt     *stmt,
                   int         index,
                   const char *value)
{
  if (value && *value)
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, index);
}

static void
bind_int_or_null (SdStmt *stmt,
                  int     index,
                  gint64  value,
                  gint64  null_below)
{
  if (value < null_below)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_int64 (stmt, index, value);
}

static void
remember_id (GHashTable *map,
             const char *external_id,
             gint64      id)
{
  g_hash_table_insert (map, g_strdup (external_id), g_memdup2 (&id, sizeof id));
}

/* ?1 to ?6: the customer's columns, @name and @email as stored. */
static void
bind_customer (SdStmt                 *stmt,
               const SdImportCustomer *c,
               const char             *name,
               const char             *email)
{
  sqlite3_bind_text (stmt, 1, c->external_id, -1, SQLITE_STATIC);
  bind_text_or_null (stmt, 2, name);
  bind_text_or_null (stmt, 3, email);
  bind_text_or_null (stmt, 4, c->country);
  bind_text_or_null (stmt, 5, c->segment);
  bind_int_or_null (stmt, 6, c->created_at, 1);
}

gint64
sd_import_customer_full (SdImportContext         *ctx,
                         const SdImportCustomer  *c,
                         GError                 **error)
{
  /* A new customer is inserted without RETURNING, which costs SQLite a temporary table
   * per row (a tenth of an import of a few thousand customers); one already in the shop
   * then takes what the row has, keeping what it leaves out. */
  g_autoptr(SdStmt) insert =
    sd_store_prepare (ctx->store,
                      "INSERT INTO customers (external_id, name, email, country, segment, created_at)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (external_id) DO NOTHING", error);
  g_autoptr(SdStmt) update = NULL;
  g_autofree char *name = NULL;
  g_autofree char *email = NULL;
  gint64 id;

  if (insert == NULL)
    return -1;
  if (ctx->has_erasures < 0)
    ctx->has_erasures = sd_erasure_count (ctx->store) > 0;
  if (ctx->has_erasures && sd_erasure_is_forgotten (ctx->store, c->external_id))
    {
      if (!g_hash_table_contains (ctx->customers, c->external_id))
        {
          sd_import_count (ctx, "forgotten-customers-skipped");
          remember_id (ctx->customers, c->external_id, 0);
        }
      return 0;
    }
  name = sd_import_identity (ctx, c->name);
  email = sd_import_identity (ctx, c->email);
  bind_customer (insert, c, name, email);
  if (!step_done (ctx, insert, _("Could not save a customer"), error))
    return -1;
  if (sqlite3_changes (sd_store_get_db (ctx->store)) == 1)
    id = sqlite3_last_insert_rowid (sd_store_get_db (ctx->store));
  else
    {
      update = sd_store_prepare (ctx->store,
                                 "UPDATE customers SET"
                                 "  name = coalesce (?2, name),"
                                 "  email = coalesce (?3, email),"
                                 "  country = coalesce (?4, country),"
                                 "  segment = coalesce (?5, segment),"
                                 "  created_at = coalesce (?6, created_at)"
                                 " WHERE external_id = ?1 RETURNING id", error);
      if (update == NULL)
        return -1;
      bind_customer (update, c, name, email);
      id = step_id (ctx, update, _("Could not save a customer"), error);
    }
  if (id > 0 && !g_hash_table_contains (ctx->customers, c->external_id))
    remember_id (ctx->customers, c->external_id, id);
  return id;
}

gint64
sd_import_customer (SdImportContext  *ctx,
                    const char       *external_id,
                    const char       *name,
                    const char       *email,
                    const char       *country,
                    GError          **error)
{
  SdImportCustomer c = { external_id, name, email, country, NULL, 0 };
  gpointer key, known;

  if (ctx->last_customer_key && strcmp (ctx->last_customer_key, external_id) == 0)
    return *ctx->last_customer;
  if (g_hash_table_lookup_extended (ctx->customers, external_id, &key, &known))
    {
      ctx->last_customer_key = key;
      ctx->last_customer = known;
      return *ctx->last_customer;
    }
  return sd_import_customer_full (ctx, &c, error);
}

gint64
sd_import_product (SdImportContext        *ctx,
                   const SdImportProduct  *p,
                   GError                **error)
{
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (ctx->store,
                      "INSERT INTO products (external_id, title, description, category, tags,"
                      "                      price_cents, stock, created_at, status)"
                      " VALUES (?1, coalesce (?2, ?1), ?3, ?4, ?5, coalesce (?6, 0), coalesce (?7, 0), ?8,"
                      "         coalesce (?9, 'active'))"
                      " ON CONFLICT (external_id) DO UPDATE SET"
                      "  title = coalesce (?2, title),"
                      "  description = coalesce (?3, description),"
                      "  category = coalesce (?4, category),"
                      "  tags = coalesce (?5, tags),"
                      "  price_cents = coalesce (?6, price_cents),"
                      "  stock = coalesce (?7, stock),"
                      "  created_at = coalesce (?8, created_at),"
                      "  status = coalesce (?9, status)"
                      " RETURNING id", error);
  gint64 id;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, p->external_id, -1, SQLITE_STATIC);
  bind_text_or_null (stmt, 2, p->title);
  bind_text_or_null (stmt, 3, p->description);
  bind_text_or_null (stmt, 4, p->category);
  bind_text_or_null (stmt, 5, p->tags);
  bind_int_or_null (stmt, 6, p->price_cents, 0);
  bind_int_or_null (stmt, 7, p->stock, 0);
  bind_int_or_null (stmt, 8, p->created_at, 1);
  bind_text_or_null (stmt, 9, p->status);
  id = step_id (ctx, stmt, _("Could not save a product"), error);
  if (id > 0 && !g_hash_table_contains (ctx->products, p->external_id))
    remember_id (ctx->products, p->external_id, id);
  return id;
}

gint64
sd_import_product_find (SdImportContext  *ctx,
                        const char       *external_id,
                        GError          **error)
{
  gint64 *known = g_hash_table_lookup (ctx->products, external_id);
  g_autoptr(SdStmt) find = NULL;
  gint64 id;

  if (known)
    return *known;
  if (!(find = sd_store_prepare (ctx->store, "SELECT id FROM products WHERE external_id = ?1", error)))
    return -1;
  sqlite3_bind_text (find, 1, external_id, -1, SQLITE_STATIC);
  if (sqlite3_step (find) != SQLITE_ROW)
    return 0;
  id = sqlite3_column_int64 (find, 0);
  remember_id (ctx->products, external_id, id);
  return id;
}

gint64
sd_import_product_ref (SdImportContext  *ctx,
                       const char       *external_id,
                       const char       *title,
                       GError          **error)
{
  gint64 *known = g_hash_table_lookup (ctx->products, external_id);
  gint64 id;

  if (known)
    return *known;
  if ((id = sd_import_product_find (ctx, external_id, error)) != 0)
    return id;
  else
    {
      g_autoptr(SdStmt) insert =
        sd_store_prepare (ctx->store,
                          "INSERT INTO products (external_id, title) VALUES (?1, coalesce (?2, ?1))", error);
      if (insert == NULL)
        return -1;
      sqlite3_bind_text (insert, 1, external_id, -1, SQLITE_STATIC);
      bind_text_or_null (insert, 2, title);
      if (!step_done (ctx, insert, _("Could not save a product"), error))
        return -1;
      id = sqlite3_last_insert_rowid (sd_store_get_db (ctx->store));
    }
  remember_id (ctx->products, external_id, id);
  return id;
}

gboolean
sd_import_product_sku (SdImportContext  *ctx,
                       const char       *sku,
                       gint64            product_id,
                       GError          **error)
{
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (ctx->store,
                      "INSERT INTO product_skus (sku, product_id) VALUES (?1, ?2)"
                      " ON CONFLICT (sku) DO UPDATE SET product_id = excluded.product_id", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, sku, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, product_id);
  return step_done (ctx, stmt, _("Could not save a SKU"), error);
}

gint64
sd_import_product_by_sku (SdImportContext  *ctx,
                          const char       *sku,
                          GError          **error)
{
  g_autoptr(SdStmt) find = sd_store_prepare (ctx->store, "SELECT product_id FROM product_skus WHERE sku = ?1", error);

  if (find == NULL)
    return -1;
  sqlite3_bind_text (find, 1, sku, -1, SQLITE_STATIC);
  if (sqlite3_step (find) != SQLITE_ROW)
    return 0;
  return sqlite3_column_int64 (find, 0);
}

void
sd_import_order_set_charges (SdImportOrder *order,
                             gint64         charged_cents,
                             gint64         discount_cents,
                             gint64         shipping_cents,
                             gint64         tax_cents)
{
  order->has_charged = TRUE;
  order->charged_cents = charged_cents;
  order->discount_cents = discount_cents;
  order->shipping_cents = shipping_cents;
  order->tax_cents = tax_cents;
}

SdImportOrder *
sd_import_order_lookup (SdImportContext *ctx,
                        const char      *external_id)
{
  return g_hash_table_lookup (ctx->orders, external_id);
}

/* An order's columns, as both of sd_import_order's inserts take them. */
static void
bind_order (SdStmt     *stmt,
            const char *external_id,
            gint64      customer_id,
            gint64      placed_at,
            const char *status,
            const char *currency,
            const char *country)
{
  sqlite3_bind_text (stmt, 1, external_id, -1, SQLITE_STATIC);
  bind_int_or_null (stmt, 2, customer_id, 1);
  sqlite3_bind_int64 (stmt, 3, placed_at);
  sqlite3_bind_text (stmt, 4, status && *status ? status : "paid", -1, SQLITE_STATIC);
  bind_text_or_null (stmt, 5, currency);
  bind_text_or_null (stmt, 6, country);
}

SdImportOrder *
sd_import_order (SdImportContext  *ctx,
                 const char       *external_id,
                 gint64            customer_id,
                 gint64            placed_at,
                 const char       *status,
                 const char       *currency,
                 const char       *country,
                 GError          **error)
{
  SdImportOrder *order;
  g_autoptr(SdStmt) stmt = NULL;
  gpointer key;

  if (ctx->last_order_key && strcmp (ctx->last_order_key, external_id) == 0)
    return ctx->last_order;
  if (g_hash_table_lookup_extended (ctx->orders, external_id, &key, (gpointer *) &order))
    {
      ctx->last_order_key = key;
      return ctx->last_order = order;
    }

  /* Into a shop without orders, each external id is new (the next sight finds it above):
   * a plain insert has no conflict to prepare for, nor a RETURNING to buffer. */
  if (ctx->last_order_before == 0)
    {
      stmt = hot_prepare (ctx, 0,
                          "INSERT INTO orders (external_id, customer_id, placed_at, status, currency, country)"
                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6)", error);
      if (stmt == NULL)
        return NULL;
      bind_order (stmt, external_id, customer_id, placed_at, status, currency, country);
      if (!step_done (ctx, stmt, _("Could not save an order"), error))
        return NULL;
      order = g_new0 (SdImportOrder, 1);
      order->id = sqlite3_last_insert_rowid (sd_store_get_db (ctx->store));
      g_hash_table_insert (ctx->orders, g_strdup (external_id), order);
      return order;
    }

  stmt = hot_prepare (ctx, 3,
                           "INSERT INTO orders (external_id, customer_id, placed_at, status, currency, country)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                           " ON CONFLICT (external_id) DO UPDATE SET"
                           "  customer_id = excluded.customer_id,"
                           "  placed_at = excluded.placed_at,"
                           "  status = excluded.status,"
                           "  currency = coalesce (excluded.currency, currency),"
                           "  country = coalesce (excluded.country, country)"
                           " RETURNING id", error);
  if (stmt == NULL)
    return NULL;
  bind_order (stmt, external_id, customer_id, placed_at, status, currency, country);

  order = g_new0 (SdImportOrder, 1);
  order->id = step_id (ctx, stmt, _("Could not save an order"), error);
  if (order->id < 0)
    {
      g_free (order);
      return NULL;
    }
  g_hash_table_insert (ctx->orders, g_strdup (external_id), order);
  return order;
}

#define LINES_HEAD "INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price_cents)"

/* Writes the lines of new orders waiting in ctx->pending_lines. */
static gboolean
flush_lines (SdImportContext  *ctx,
             GError          **error)
{
  guint n = ctx->n_pending_lines, done = 0;

  ctx->n_pending_lines = 0;
  while (done < n)
    {
      gboolean full = n - done >= SD_IMPORT_ROWS_PER_INSERT;
      g_autofree char *sql = full ? NULL : sd_store_values_sql (LINES_HEAD, 5, 1, "");
      g_autoptr(SdStmt) stmt = NULL;
      guint rows = full ? SD_IMPORT_ROWS_PER_INSERT : 1;

      if (full && ctx->hot[5] == NULL)
        {
          g_autofree char *many = sd_store_values_sql (LINES_HEAD, 5, SD_IMPORT_ROWS_PER_INSERT, "");
          ctx->hot[5] = sd_store_prepare (ctx->store, many, error);
        }
      stmt = full ? ctx->hot[5] : sd_store_prepare (ctx->store, sql, error);
      if (stmt == NULL)
        return FALSE;
      for (guint r = 0; r < rows; r++)
        {
          const SdImportPendingLine *l = &ctx->pending_lines[done + r];

          sqlite3_bind_int64 (stmt, 5 * r + 1, l->order_id);
          sqlite3_bind_int64 (stmt, 5 * r + 2, l->line_no);
          bind_int_or_null (stmt, 5 * r + 3, l->product_id, 1);
          sqlite3_bind_int64 (stmt, 5 * r + 4, l->quantity);
          sqlite3_bind_int64 (stmt, 5 * r + 5, l->unit_price_cents);
        }
      if (!step_done (ctx, stmt, _("Could not save an order line"), error))
        return FALSE;
      done += rows;
    }
  return TRUE;
}

gboolean
sd_import_order_line (SdImportContext  *ctx,
                      SdImportOrder    *order,
                      gint64            product_id,
                      gint64            quantity,
                      gint64            unit_price_cents,
                      GError          **error)
{
  g_autoptr(SdStmt) stmt = NULL;

  order->total_cents += quantity * unit_price_cents;
  if (ctx->lines && ctx->lines->len < KNOWN_LINES_MAX)
    {
      SdSummaryLine line = { order->id, MAX (product_id, 0), quantity, unit_price_cents };
      g_array_append_val (ctx->lines, line);
    }
  else
    g_clear_pointer (&ctx->lines, g_array_unref);

  /* An order made by this import has only the lines it writes: nothing to update, and
   * they are written a batch at a time. */
  if (order->id > ctx->last_order_before)
    {
      ctx->pending_lines[ctx->n_pending_lines++] = (SdImportPendingLine) {
        order->id, ++order->n_lines, product_id, quantity, unit_price_cents
      };
      return ctx->n_pending_lines < SD_IMPORT_ROWS_PER_INSERT || flush_lines (ctx, error);
    }

  stmt = hot_prepare (ctx, 2,
                      LINES_HEAD " VALUES (?1, ?2, ?3, ?4, ?5)"
                      " ON CONFLICT (order_id, line_no) DO UPDATE SET"
                      "  product_id = excluded.product_id,"
                      "  quantity = excluded.quantity,"
                      "  unit_price_cents = excluded.unit_price_cents", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, order->id);
  sqlite3_bind_int64 (stmt, 2, ++order->n_lines);
  bind_int_or_null (stmt, 3, product_id, 1);
  sqlite3_bind_int64 (stmt, 4, quantity);
  sqlite3_bind_int64 (stmt, 5, unit_price_cents);
  return step_done (ctx, stmt, _("Could not save an order line"), error);
}

gboolean
sd_import_status_is_known (const char *status)
{
  static const char *const known[] = { "paid", "shipped", "delivered", "cancelled", "refunded", "pending" };

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    if (g_strcmp0 (status, known[i]) == 0)
      return TRUE;
  return FALSE;
}

gboolean
sd_import_coupon_use (SdImportContext  *ctx,
                      SdImportOrder    *order,
                      const char       *code,
                      gint64            discount_cents,
                      GError          **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (ctx->store,
    "INSERT INTO coupon_uses (order_id, code, discount_cents, source) VALUES (?1, lower (?2), ?3, 'import')"
    " ON CONFLICT (order_id, code) DO UPDATE SET discount_cents = excluded.discount_cents", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, order->id);
  sqlite3_bind_text (stmt, 2, code, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, discount_cents);
  sd_import_count (ctx, "coupon-uses");
  return step_done (ctx, stmt, _("Could not save a coupon use"), error);
}

/* A line of a purchase this import makes: its key in events' UNIQUE (customer_id,
 * product_id, kind, at), its quantity, rating and review. write_purchases sums the lines
 * of a key into its first, whose rating and review the event keeps. */
typedef struct _SdImportPurchase {
  gint64      customer_id;
  gint64      product_id;
  gint64      at;
  gint64      quantity;
  const char *review_text;   /* in ctx->purchase_texts, or NULL */
  int         rating;        /* 0: none */
} Purchase;

gboolean
sd_import_event (SdImportContext  *ctx,
                 gint64            customer_id,
                 gint64            product_id,
                 SdEventKind       kind,
                 gint64            at,
                 gint64            quantity,
                 int               rating,
                 const char       *review_text,
                 GError          **error)
{
  g_autoptr(SdStmt) stmt = NULL;

  if (customer_id == 0)
    {
      sd_import_count (ctx, "events-of-forgotten-customers-skipped");
      return TRUE;
    }
  /* Purchases are written once, at the end (write_purchases): the lines of one basket
   * that buy the same product at the same second add up to one event. Kept as they come,
   * a flat array: summing them there, after a sort the writing needs anyway, costs less
   * than looking each one up in a table here. */
  if (kind == SD_EVENT_PURCHASE)
    {
      Purchase *p;

      if (ctx->n_purchases == ctx->purchases_size)
        {
          ctx->purchases_size = MAX (ctx->purchases_size * 2, 512);
          ctx->purchases = g_renew (Purchase, ctx->purchases, ctx->purchases_size);
        }
      p = &ctx->purchases[ctx->n_purchases++];
      *p = (Purchase) { customer_id, product_id, at, quantity, NULL, rating };
      if (review_text && *review_text)
        {
          if (ctx->purchase_texts == NULL)
            ctx->purchase_texts = g_string_chunk_new (4096);
          p->review_text = g_string_chunk_insert (ctx->purchase_texts, review_text);
        }
      ctx->max_purchase_customer = MAX (ctx->max_purchase_customer, customer_id);
      return TRUE;
    }

  ctx->other_events = TRUE;
  stmt = hot_prepare (ctx, 1,
                           "INSERT INTO events (customer_id, product_id, kind, at, quantity, rating, review_text)"
                           " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
                           " ON CONFLICT (customer_id, product_id, kind, at) DO UPDATE SET"
                           "  quantity = excluded.quantity,"
                           "  rating = coalesce (excluded.rating, rating),"
                           "  review_text = coalesce (excluded.review_text, review_text)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, customer_id);
  sqlite3_bind_int64 (stmt, 2, product_id);
  sqlite3_bind_int (stmt, 3, kind);
  sqlite3_bind_int64 (stmt, 4, at);
  sqlite3_bind_int64 (stmt, 5, quantity);
  bind_int_or_null (stmt, 6, rating, 1);
  bind_text_or_null (stmt, 7, review_text);
  return step_done (ctx, stmt, _("Could not save an event"), error);
}

/* By key, then as they came (their place in ctx->purchases): the first line of a key
 * comes first. */
static int
purchase_compare (gconstpointer a,
                  gconstpointer b)
{
  const Purchase *x = *(const Purchase *const *) a, *y = *(const Purchase *const *) b;

  if (x->customer_id != y->customer_id)
    return x->customer_id < y->customer_id ? -1 : 1;
  if (x->product_id != y->product_id)
    return x->product_id < y->product_id ? -1 : 1;
  if (x->at != y->at)
    return x->at < y->at ? -1 : 1;
  return x < y ? -1 : x > y;
}

/* The purchases' addresses in purchase_compare's order. Customers' ids are rowids, few
 * and dense: the purchases are put in customer order by counting (in one pass, keeping
 * their order), and only each customer's few are sorted by comparing. */
static Purchase **
sort_purchases (SdImportContext *ctx)
{
  gsize n = ctx->n_purchases;
  Purchase **order = g_new (Purchase *, n);
  gint64 max = ctx->max_purchase_customer;
  g_autofree gsize *start = NULL;

  if (max < 0 || (guint64) max > 4 * (guint64) n + (1 << 20))
    {
      for (gsize i = 0; i < n; i++)
        order[i] = &ctx->purchases[i];
      qsort (order, n, sizeof *order, purchase_compare);
      return order;
    }
  start = g_new0 (gsize, max + 2);
  for (gsize i = 0; i < n; i++)
    start[ctx->purchases[i].customer_id + 1]++;
  for (gint64 c = 0; c <= max; c++)
    start[c + 1] += start[c];
  for (gsize i = 0; i < n; i++)
    order[start[ctx->purchases[i].customer_id]++] = &ctx->purchases[i];
  /* start[c] is now where customer c + 1's purchases begin. */
  for (gsize c = 0, begin = 0; c <= (gsize) max; c++)
    {
      if (start[c] - begin > 1)
        qsort (order + begin, start[c] - begin, sizeof *order, purchase_compare);
      begin = start[c];
    }
  return order;
}

/* The import's purchases, each written once with the quantity of all its lines: the import
 * sets the quantity of a purchase already in the shop rather than adding to it, so
 * importing a file again gives the same numbers. In the order of events' UNIQUE index, so
 * its new entries go in one after another instead of all over its pages. */
static gboolean
write_purchases (SdImportContext  *ctx,
                 GCancellable     *cancellable,
                 GError          **error)
{
  static const char head[] =
    "INSERT INTO events (customer_id, product_id, kind, at, quantity, rating, review_text)";
  static const char tail[] =
    " ON CONFLICT (customer_id, product_id, kind, at) DO UPDATE SET"
    "  quantity = excluded.quantity,"
    "  rating = coalesce (excluded.rating, rating),"
    "  review_text = coalesce (excluded.review_text, review_text)";
  g_autofree char *many_sql = NULL;
  g_autofree char *one_sql = NULL;
  g_autoptr(SdStmt) many = NULL;
  g_autoptr(SdStmt) one = NULL;
  g_autofree Purchase **order = NULL;
  gsize done = 0, n = 0;

  if (ctx->n_purchases == 0)
    return TRUE;
  /* Their addresses sorted, not the purchases themselves; then each key's lines summed
   * into its first. */
  order = sort_purchases (ctx);
  for (gsize i = 0; i < ctx->n_purchases; i++)
    {
      Purchase *p = order[i], *last = n > 0 ? order[n - 1] : NULL;

      if (last && last->customer_id == p->customer_id && last->product_id == p->product_id &&
          last->at == p->at)
        last->quantity += p->quantity;
      else
        order[n++] = p;
    }
  many_sql = sd_store_values_sql (head, 7, SD_IMPORT_ROWS_PER_INSERT, tail);
  one_sql = sd_store_values_sql (head, 7, 1, tail);
  /* Borrowed once for all the batches: the store's cache would hash the whole text of
   * 64 rows' statement for each. */
  if (!(many = sd_store_prepare (ctx->store, many_sql, error)) ||
      !(one = sd_store_prepare (ctx->store, one_sql, error)))
    return FALSE;
  while (done < n)
    {
      gsize rows = n - done >= SD_IMPORT_ROWS_PER_INSERT ? SD_IMPORT_ROWS_PER_INSERT : 1;
      SdStmt *stmt = rows > 1 ? many : one;

      if (done % (PROGRESS_EVERY * 4) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      for (gsize r = 0; r < rows; r++)
        {
          const Purchase *p = order[done + r];
          int at = 7 * r;

          sqlite3_bind_int64 (stmt, at + 1, p->customer_id);
          sqlite3_bind_int64 (stmt, at + 2, p->product_id);
          sqlite3_bind_int (stmt, at + 3, SD_EVENT_PURCHASE);
          sqlite3_bind_int64 (stmt, at + 4, p->at);
          sqlite3_bind_int64 (stmt, at + 5, p->quantity);
          bind_int_or_null (stmt, at + 6, p->rating, 1);
          bind_text_or_null (stmt, at + 7, p->review_text);
        }
      if (!step_done (ctx, stmt, _("Could not save an event"), error))
        return FALSE;
      sqlite3_reset (stmt);
      done += rows;
    }
  return TRUE;
}

/* Orders are finished once their last line is known. An order that was in the shop
 * before loses the lines an earlier import of a longer version left beyond the end;
 * after that its lines are exactly those written now, so the total is known. */
static gboolean
finish_orders (SdImportContext  *ctx,
               GCancellable     *cancellable,
               GError          **error)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, ctx->orders);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      SdImportOrder *order = value;
      g_autoptr(SdStmt) total = NULL;

      /* Each order's statements are too short for the store's interrupt to stop. */
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      if (order->id <= ctx->last_order_before)
        {
          g_autoptr(SdStmt) trim =
            sd_store_prepare (ctx->store, "DELETE FROM order_lines WHERE order_id = ?1 AND line_no > ?2", error);
          if (trim == NULL)
            return FALSE;
          sqlite3_bind_int64 (trim, 1, order->id);
          sqlite3_bind_int64 (trim, 2, order->n_lines);
          if (!step_done (ctx, trim, _("Could not tidy an order"), error))
            return FALSE;
        }

      total = sd_store_prepare (ctx->store,
                                "UPDATE orders SET total_cents = ?2, discount_cents = ?3, shipping_cents = ?4,"
                                " tax_cents = ?5 WHERE id = ?1", error);
      if (total == NULL)
        return FALSE;
      sqlite3_bind_int64 (total, 1, order->id);
      sqlite3_bind_int64 (total, 2, order->has_charged ? order->charged_cents : order->total_cents);
      sqlite3_bind_int64 (total, 3, order->discount_cents);
      sqlite3_bind_int64 (total, 4, order->shipping_cents);
      sqlite3_bind_int64 (total, 5, order->tax_cents);
      if (!step_done (ctx, total, _("Could not total an order"), error))
        return FALSE;
    }
  return TRUE;
}

static char *
report_json (SdImportReport *report)
{
  GString *out = g_string_new ("{\"counts\": {");
  g_autoptr(GPtrArray) names = sorted_count_names (report);

  for (guint i = 0; i < names->len; i++)
    g_string_append_printf (out, "%s\"%s\": %" G_GUINT64_FORMAT, i ? ", " : "",
                            (char *) names->pdata[i],
                            sd_import_report_get_count (report, names->pdata[i]));
  g_string_append_printf (out, "}, \"elapsed_us\": %" G_GINT64_FORMAT "}", report->elapsed_us);
  return g_string_free (out, FALSE);
}

static gboolean
record_import (SdImportContext  *ctx,
               gint64            started_at,
               GError          **error)
{
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (ctx->store,
                      "INSERT INTO imports (file, format, started_at, finished_at,"
                      "                     rows_read, rows_imported, rows_rejected, report)"
                      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", error);
  g_autofree char *json = report_json (ctx->report);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, ctx->path, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, ctx->info->name, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 3, started_at);
  sqlite3_bind_int64 (stmt, 4, g_get_real_time () / G_USEC_PER_SEC);
  sqlite3_bind_int64 (stmt, 5, ctx->report->rows_read);
  sqlite3_bind_int64 (stmt, 6, ctx->report->rows_imported);
  sqlite3_bind_int64 (stmt, 7, ctx->report->rows_rejected);
  sqlite3_bind_text (stmt, 8, json, -1, SQLITE_STATIC);
  return step_done (ctx, stmt, _("Could not record the import"), error);
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

/* Detection */

static char
sniff_separator (SdCsvReader *reader)
{
  gsize len;
  const char *raw = sd_csv_reader_get_raw (reader, &len);

  if (sd_csv_reader_get_n_fields (reader) > 1)
    return ',';
  if (memchr (raw, '\t', len))
    return '\t';
  if (memchr (raw, '|', len))
    return '|';
  if (memchr (raw, ';', len))
    return ';';
  return ',';
}

/* Reads the first record of @reader (again) with @separator, as @info would. The file
 * is opened once (it may be a pipe): the header is read again from the reader's first
 * block. */
static gboolean
read_first (SdCsvReader               *reader,
            char                       separator,
            const SdImportFormatInfo  *info,
            SdImportContext           *ctx,
            GError                   **error)
{
  g_autoptr(GError) local = NULL;

  if (!sd_csv_reader_rewind (reader))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("“%s” line 1: the header is longer than 256 KiB — is this really CSV?"),
                   sd_csv_reader_get_name (reader));
      return FALSE;
    }
  sd_csv_reader_set_trim (reader, TRUE);
  sd_csv_reader_set_separator (reader, separator);
  sd_csv_reader_set_quote (reader, '"');
  sd_csv_reader_set_fallback_charset (reader, NULL);
  if (info && info->setup)
    info->setup (ctx, reader);
  if (!sd_csv_reader_next (reader, &local))
    {
      if (local)
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                     _("“%s” line 1: the file is empty"), sd_csv_reader_get_name (reader));
      return FALSE;
    }
  if (sd_csv_reader_get_status (reader) == SD_CSV_RECORD_FIELD_TOO_LARGE)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   sd_csv_reader_get_n_fields (reader) >= SD_CSV_MAX_FIELDS - 1
                   ? _("“%s” line 1: the header has more than 4,095 columns, more than any shop export — is this really CSV?")
                   : _("“%s” line 1: a header field is larger than 1 MiB — is this really CSV?"),
                   sd_csv_reader_get_name (reader));
      return FALSE;
    }
  return TRUE;
}

static char **
lower_header (SdCsvReader *reader,
              guint       *n)
{
  guint count = sd_csv_reader_get_n_fields (reader);
  char **names = g_new0 (char *, count + 1);

  for (guint i = 0; i < count; i++)
    names[i] = lower_name (sd_csv_reader_get_field (reader, i, NULL));
  *n = count;
  return names;
}

/* @header (lower case) with the names a format knows in other languages put in
 * English, in place. */
static void
translate_header (const SdImportFormatInfo  *info,
                  char                     **header,
                  guint                      n_header)
{
  if (info->translate == NULL)
    return;
  for (guint i = 0; i < n_header; i++)
    {
      const char *english = info->translate (header[i]);
      if (english)
        {
          g_free (header[i]);
          header[i] = g_strdup (english);
        }
    }
}

static int
format_match (const SdImportFormatInfo  *info,
              char                     **header,
              guint                      n_header)
{
  g_auto(GStrv) translated = NULL;

  if (info->translate == NULL)
    return info->match (header, n_header);
  translated = g_strdupv (header);
  translate_header (info, translated, n_header);
  return info->match (translated, n_header);
}

/* The first of @info's required columns that @header lacks, or NULL. */
static const char *
first_missing (const SdImportFormatInfo  *info,
               char                     **header,
               guint                      n_header)
{
  g_auto(GStrv) translated = g_strdupv (header);

  translate_header (info, translated, n_header);
  for (guint i = 0; info->required && info->required[i]; i++)
    {
      g_auto(GStrv) alternatives = g_strsplit (info->required[i], "|", -1);
      gboolean found = FALSE;
      for (guint a = 0; alternatives[a] && !found; a++)
        found = sd_import_header_has (translated, n_header, alternatives[a]);
      if (!found)
        return info->required[i];
    }
  return NULL;
}

static const SdImportFormatInfo *
best_match (char  **header,
            guint   n_header,
            int    *score_out)
{
  const SdImportFormatInfo *best = NULL;
  int best_score = 0;

  for (guint f = 1; f < SD_N_IMPORT_FORMATS; f++)
    {
      int score = format_match (formats[f], header, n_header);
      if (score > best_score)
        {
          best = formats[f];
          best_score = score;
        }
    }
  if (score_out)
    *score_out = best_score;
  return best;
}

static char *
header_preview (SdCsvReader *reader)
{
  GString *out = g_string_new (NULL);
  guint n = MIN (sd_csv_reader_get_n_fields (reader), 6);

  for (guint i = 0; i < n; i++)
    g_string_append_printf (out, "%s%.30s", i ? ", " : "", sd_csv_reader_get_field (reader, i, NULL));
  if (sd_csv_reader_get_n_fields (reader) > n)
    g_string_append (out, ", …");
  return g_string_free (out, FALSE);
}

/* Picks the format and the separator from the first record. */
static const SdImportFormatInfo *
detect (SdCsvReader     *reader,
        SdImportFormat   wanted,
        char            *separator_out,
        GError         **error)
{
  g_auto(GStrv) header = NULL;
  const SdImportFormatInfo *found;
  const char *missing;
  guint n_header;
  char separator;

  if (!read_first (reader, ',', NULL, NULL, error))
    return NULL;
  separator = sniff_separator (reader);
  if (separator != ',' && !read_first (reader, separator, NULL, NULL, error))
    return NULL;
  *separator_out = separator;

  header = lower_header (reader, &n_header);
  found = best_match (header, n_header, NULL);

  if (wanted == SD_IMPORT_AUTO)
    {
      if (found == NULL)
        {
          g_autofree char *preview = header_preview (reader);
          g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                       _("“%s” line 1: no known header (it starts “%s”); choose the format, "
                         "or see “Import formats” in the README for the columns each one needs"),
                       sd_csv_reader_get_name (reader), preview);
        }
      return found;
    }

  if (format_match (formats[wanted], header, n_header) > 0)
    return formats[wanted];
  missing = first_missing (formats[wanted], header, n_header);
  if (missing)
    {
      g_auto(GStrv) alternatives = g_strsplit (missing, "|", -1);
      /* TRANSLATORS: joins the names of alternative columns, as in “Email” or “E-mail” */
      g_autofree char *names = g_strjoinv (_("” or “"), alternatives);
      if (found)
        g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                     _("“%s” line 1: %s needs a column “%s”, and the header has none (it looks like %s)"),
                     sd_csv_reader_get_name (reader), _(formats[wanted]->label), names, _(found->label));
      else
        g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                     _("“%s” line 1: %s needs a column “%s”, and the header has none"),
                     sd_csv_reader_get_name (reader), _(formats[wanted]->label), names);
    }
  else if (found)
    g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                 _("“%s” line 1: this looks like %s, not %s"),
                 sd_csv_reader_get_name (reader), _(found->label), _(formats[wanted]->label));
  else
    {
      g_autofree char *preview = header_preview (reader);
      g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                   _("“%s” line 1: the header (“%s”) is not that of %s"),
                   sd_csv_reader_get_name (reader), preview, _(formats[wanted]->label));
    }
  return NULL;
}

gboolean
sd_import_detect_format (const char      *path,
                         SdImportFormat  *out,
                         GError         **error)
{
  char separator;
  g_autoptr(SdCsvReader) reader = sd_csv_reader_new_for_path (path, error);
  const SdImportFormatInfo *info = reader ? detect (reader, SD_IMPORT_AUTO, &separator, error) : NULL;

  if (info == NULL)
    return FALSE;
  *out = info->format;
  return TRUE;
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
      !(ctx.info = detect (ctx.reader, options->format, &separator, &local)))
    goto failed;
  if (ctx.info->state_new)
    ctx.state = ctx.info->state_new ();
  ctx.has_header = ctx.info->has_header;
  ctx.separator = separator;
  if (!read_first (ctx.reader, separator, ctx.info, &ctx, &local))
    goto failed;

  ctx.report = report_new (path);
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
        ctx.header[i] = header_name (sd_csv_reader_get_field (ctx.reader, i, NULL));
      ctx.header_lower = lower_header (ctx.reader, &ctx.n_header);
      translate_header (ctx.info, ctx.header_lower, ctx.n_header);
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
  if (!identities_begin (&ctx, options->hash_identities, &local))
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

  if (!flush_lines (&ctx, &local) ||
      (ctx.info->finish && !ctx.info->finish (&ctx, &local)) ||
      !write_purchases (&ctx, cancellable, &local))
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
      !finish_orders (&ctx, cancellable, &local))
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
  if (!record_import (&ctx, started_at, &local) ||
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
