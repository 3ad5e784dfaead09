/* sd-import-fields.c — a row's fields: columns found by header, typed values, rejects and
 * counts */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-error.h"
#include "sd-import-private.h"

/* A header cell as written, without the whitespace and byte order mark around it: a
 * file saved by some tools starts with a stray line break or tab before the BOM. */
char *
sd_import_header_name (const char *name)
{
  g_autofree char *copy = g_strdup (name);
  char *start = g_strstrip (copy);

  while (g_str_has_prefix (start, "\xEF\xBB\xBF"))
    start = g_strchug (start + 3);
  return g_strdup (start);
}

char *
sd_import_lower_name (const char *name)
{
  g_autofree char *bare = sd_import_header_name (name);
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
