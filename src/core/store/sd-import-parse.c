/* sd-import-parse.c — the values of shop exports: integers, money, times and dates, HTML,
 * categories and tags */
#include "config.h"

#include "sd-html-text.h"
#include "sd-import-private.h"

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
