/* sd-import-detect.c — which format and separator a file has, from its first record */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-error.h"
#include "sd-import-private.h"

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
gboolean
sd_import_read_first (SdCsvReader               *reader,
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

char **
sd_import_lower_header (SdCsvReader *reader,
                        guint       *n)
{
  guint count = sd_csv_reader_get_n_fields (reader);
  char **names = g_new0 (char *, count + 1);

  for (guint i = 0; i < count; i++)
    names[i] = sd_import_lower_name (sd_csv_reader_get_field (reader, i, NULL));
  *n = count;
  return names;
}

/* @header (lower case) with the names a format knows in other languages put in
 * English, in place. */
void
sd_import_translate_header (const SdImportFormatInfo  *info,
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
  sd_import_translate_header (info, translated, n_header);
  return info->match (translated, n_header);
}

/* The first of @info's required columns that @header lacks, or NULL. */
static const char *
first_missing (const SdImportFormatInfo  *info,
               char                     **header,
               guint                      n_header)
{
  g_auto(GStrv) translated = g_strdupv (header);

  sd_import_translate_header (info, translated, n_header);
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
      int score = format_match (sd_import_formats[f], header, n_header);
      if (score > best_score)
        {
          best = sd_import_formats[f];
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
const SdImportFormatInfo *
sd_import_detect (SdCsvReader     *reader,
                  SdImportFormat   wanted,
                  char            *separator_out,
                  GError         **error)
{
  g_auto(GStrv) header = NULL;
  const SdImportFormatInfo *found;
  const char *missing;
  guint n_header;
  char separator;

  if (!sd_import_read_first (reader, ',', NULL, NULL, error))
    return NULL;
  separator = sniff_separator (reader);
  if (separator != ',' && !sd_import_read_first (reader, separator, NULL, NULL, error))
    return NULL;
  *separator_out = separator;

  header = sd_import_lower_header (reader, &n_header);
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

  if (format_match (sd_import_formats[wanted], header, n_header) > 0)
    return sd_import_formats[wanted];
  missing = first_missing (sd_import_formats[wanted], header, n_header);
  if (missing)
    {
      g_auto(GStrv) alternatives = g_strsplit (missing, "|", -1);
      /* TRANSLATORS: joins the names of alternative columns, as in “Email” or “E-mail” */
      g_autofree char *names = g_strjoinv (_("” or “"), alternatives);
      if (found)
        g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                     _("“%s” line 1: %s needs a column “%s”, and the header has none (it looks like %s)"),
                     sd_csv_reader_get_name (reader), _(sd_import_formats[wanted]->label), names, _(found->label));
      else
        g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                     _("“%s” line 1: %s needs a column “%s”, and the header has none"),
                     sd_csv_reader_get_name (reader), _(sd_import_formats[wanted]->label), names);
    }
  else if (found)
    g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                 _("“%s” line 1: this looks like %s, not %s"),
                 sd_csv_reader_get_name (reader), _(found->label), _(sd_import_formats[wanted]->label));
  else
    {
      g_autofree char *preview = header_preview (reader);
      g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                   _("“%s” line 1: the header (“%s”) is not that of %s"),
                   sd_csv_reader_get_name (reader), preview, _(sd_import_formats[wanted]->label));
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
  const SdImportFormatInfo *info = reader ? sd_import_detect (reader, SD_IMPORT_AUTO, &separator, error) : NULL;

  if (info == NULL)
    return FALSE;
  *out = info->format;
  return TRUE;
}
