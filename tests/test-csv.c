/* test-csv.c — the streaming CSV reader: quoting, line ends, encodings, limits, errors;
 * the writer: quoting, numbers in any locale, and round trips through the reader */
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "sd-csv.h"
#include "sd-error.h"

/* Every reader test runs twice: as is, and with a thread reading ahead. */
static gboolean read_ahead;

static SdCsvReader *
reader_for (const char *text,
            gssize      len)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text, len < 0 ? strlen (text) : (gsize) len);
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (bytes);
  SdCsvReader *reader = sd_csv_reader_new_for_stream (stream, "test.csv", g_bytes_get_size (bytes));

  sd_csv_reader_set_read_ahead (reader, read_ahead);
  return reader;
}

/* The record as "a|b|c" for compact assertions. */
static char *
joined (SdCsvReader *reader)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < sd_csv_reader_get_n_fields (reader); i++)
    g_string_append_printf (out, "%s%s", i ? "|" : "", sd_csv_reader_get_field (reader, i, NULL));
  return g_string_free (out, FALSE);
}

static void
assert_next (SdCsvReader *reader,
             const char  *expected,
             guint64      line)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *got = NULL;

  g_assert_true (sd_csv_reader_next (reader, &error));
  g_assert_no_error (error);
  got = joined (reader);
  g_assert_cmpstr (got, ==, expected);
  g_assert_cmpuint (sd_csv_reader_get_line (reader), ==, line);
}

static void
assert_end (SdCsvReader *reader)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (sd_csv_reader_next (reader, &error));
  g_assert_no_error (error);
}

static void
test_quoting (void)
{
  g_autoptr(SdCsvReader) r =
    reader_for ("a,\"b,c\",\"say \"\"hi\"\"\"\n"
                "\"multi\nline\",x,\"\"\n"
                "plain,\"\",last\n", -1);
  gsize len;

  assert_next (r, "a|b,c|say \"hi\"", 1);
  g_assert_cmpint (sd_csv_reader_get_status (r), ==, SD_CSV_RECORD_OK);
  assert_next (r, "multi\nline|x|", 2);
  g_assert_true (sd_csv_reader_get_multiline (r));
  g_assert_cmpstr (sd_csv_reader_get_field (r, 0, &len), ==, "multi\nline");
  g_assert_cmpuint (len, ==, 10);
  assert_next (r, "plain||last", 4);
  g_assert_false (sd_csv_reader_get_multiline (r));
  g_assert_cmpstr (sd_csv_reader_get_field (r, 7, &len), ==, "");
  g_assert_cmpuint (len, ==, 0);
  assert_end (r);
}

static void
test_line_ends (void)
{
  g_autoptr(SdCsvReader) r = reader_for ("\xef\xbb\xbfh1,h2\r\n1,2\r\n\r\n\n3,\"x\r\ny\"\r\n4,5", -1);
  gsize len;
  const char *raw;

  assert_next (r, "h1|h2", 1);   /* the byte order mark is gone */
  assert_next (r, "1|2", 2);
  raw = sd_csv_reader_get_raw (r, &len);
  g_assert_cmpmem (raw, len, "1,2", 3);
  assert_next (r, "3|x\r\ny", 5);   /* blank lines skipped, but counted */
  assert_next (r, "4|5", 7);        /* no line end at the end of the file */
  assert_end (r);
}

static void
test_separators (void)
{
  g_autoptr(SdCsvReader) tab = reader_for ("196\t242\t3\t881250949\n186\t302\t3\t891717742\n", -1);
  g_autoptr(SdCsvReader) pipe = reader_for ("1|Toy \"Story\" (1995)|01-Jan-1995\n", -1);
  g_autoptr(SdCsvReader) trim = reader_for ("  a , \"b \" ,c\t\n", -1);

  sd_csv_reader_set_separator (tab, '\t');
  assert_next (tab, "196|242|3|881250949", 1);
  assert_next (tab, "186|302|3|891717742", 2);
  assert_end (tab);

  sd_csv_reader_set_separator (pipe, '|');
  sd_csv_reader_set_quote (pipe, 0);
  assert_next (pipe, "1|Toy \"Story\" (1995)|01-Jan-1995", 1);

  sd_csv_reader_set_trim (trim, TRUE);
  assert_next (trim, "a|b|c", 1);
}

static void
test_encoding (void)
{
  /* “CAFÉ – SET” in Windows-1252, then valid UTF-8 which must be left alone. */
  g_autoptr(SdCsvReader) r = reader_for ("CAF\xc9 \x96 SET,x\ncaf\xc3\xa9,y\n\x81\xe9,z\n", -1);
  g_autoptr(SdCsvReader) latin1 = reader_for ("\xc1 k\xf6ld\n", -1);

  assert_next (r, "CAFÉ – SET|x", 1);
  g_assert_true (sd_csv_reader_get_reencoded (r));
  assert_next (r, "café|y", 2);
  g_assert_false (sd_csv_reader_get_reencoded (r));
  /* 0x81 is undefined in Windows-1252: fall back to Latin-1 rather than fail. */
  assert_next (r, "\xc2\x81\xc3\xa9|z", 3);
  g_assert_true (sd_csv_reader_get_reencoded (r));

  sd_csv_reader_set_fallback_charset (latin1, "ISO-8859-1");
  assert_next (latin1, "Á köld", 1);
}

static void
test_unclosed_quote (void)
{
  g_autoptr(SdCsvReader) r = reader_for ("h1,h2\n1,\"open\n2,b\n3,c\n", -1);

  assert_next (r, "h1|h2", 1);
  g_assert_true (sd_csv_reader_next (r, NULL));
  g_assert_cmpint (sd_csv_reader_get_status (r), ==, SD_CSV_RECORD_UNCLOSED_QUOTE);
  g_assert_cmpuint (sd_csv_reader_get_line (r), ==, 2);
  /* Re-reading from the next line recovers the rows the quote swallowed. */
  g_assert_true (sd_csv_reader_resync (r));
  assert_next (r, "2|b", 3);
  g_assert_cmpint (sd_csv_reader_get_status (r), ==, SD_CSV_RECORD_OK);
  assert_next (r, "3|c", 4);
  assert_end (r);
}

static void
test_stray_quote (void)
{
  g_autoptr(SdCsvReader) r = reader_for ("1,\"a\"b,c\n2,\"x\ny\"z,w\n3,ok\n", -1);

  g_assert_true (sd_csv_reader_next (r, NULL));
  g_assert_cmpint (sd_csv_reader_get_status (r), ==, SD_CSV_RECORD_STRAY_QUOTE);
  g_assert_true (sd_csv_reader_next (r, NULL));
  g_assert_cmpint (sd_csv_reader_get_status (r), ==, SD_CSV_RECORD_STRAY_QUOTE);
  g_assert_cmpuint (sd_csv_reader_get_line (r), ==, 2);
  g_assert_true (sd_csv_reader_resync (r));
  assert_next (r, "y\"z|w", 3);
  assert_next (r, "3|ok", 4);
  assert_end (r);
}

static void
test_field_limit (void)
{
  gsize big = 3 * 1024 * 1024;
  GString *text = g_string_new ("a,b\n1,\"");
  g_autoptr(SdCsvReader) r = NULL;
  gsize len;

  for (gsize i = 0; i < big; i++)
    g_string_append_c (text, 'x');
  g_string_append (text, "\"\n2,ok\n");
  r = reader_for (text->str, text->len);
  g_string_free (text, TRUE);
  sd_csv_reader_set_max_field (r, 1024 * 1024);

  assert_next (r, "a|b", 1);
  g_assert_true (sd_csv_reader_next (r, NULL));
  g_assert_cmpint (sd_csv_reader_get_status (r), ==, SD_CSV_RECORD_FIELD_TOO_LARGE);
  sd_csv_reader_get_field (r, 1, &len);
  g_assert_cmpuint (len, ==, 1024 * 1024);
  assert_next (r, "2|ok", 3);
  g_assert_cmpint (sd_csv_reader_get_status (r), ==, SD_CSV_RECORD_OK);
  assert_end (r);
}

static void
test_binary (void)
{
  g_autoptr(SdCsvReader) nul = reader_for ("a,b\n1,2\n3,\0\n", 12);
  g_autoptr(SdCsvReader) png = reader_for ("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16);
  g_autoptr(SdCsvReader) gz = reader_for ("\x1f\x8b\x08\0\0\0\0\0", 8);
  g_autoptr(GError) error = NULL;

  assert_next (nul, "a|b", 1);
  assert_next (nul, "1|2", 2);
  g_assert_false (sd_csv_reader_next (nul, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "test.csv"));
  g_assert_nonnull (strstr (error->message, "line 3"));
  g_assert_nonnull (strstr (error->message, "binary"));
  g_clear_error (&error);

  g_assert_false (sd_csv_reader_next (png, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "PNG"));
  g_clear_error (&error);

  g_assert_false (sd_csv_reader_next (gz, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, ".gz"));
}

static void
test_gzip_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("sd-csv-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "t.csv.gz", NULL);
  g_autoptr(GZlibCompressor) gz = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GOutputStream) raw = G_OUTPUT_STREAM (g_file_replace (file, NULL, FALSE, 0, NULL, NULL));
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (raw, G_CONVERTER (gz));
  g_autoptr(SdCsvReader) r = NULL;
  g_autoptr(GError) error = NULL;
  guint rows = 0;

  for (int i = 0; i < 50000; i++)
    {
      g_autofree char *line = g_strdup_printf ("%d,\"name %d\",%d.%02d\n", i, i, i, i % 100);
      g_assert_true (g_output_stream_write_all (out, line, strlen (line), NULL, NULL, &error));
    }
  g_assert_true (g_output_stream_close (out, NULL, &error));
  g_assert_no_error (error);

  r = sd_csv_reader_new_for_path (path, &error);
  g_assert_no_error (error);
  sd_csv_reader_set_read_ahead (r, read_ahead);
  while (sd_csv_reader_next (r, &error))
    {
      g_autofree char *expected = g_strdup_printf ("name %u", rows);
      g_assert_cmpstr (sd_csv_reader_get_field (r, 1, NULL), ==, expected);
      g_assert_cmpuint (sd_csv_reader_get_line (r), ==, rows + 1);
      rows++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (rows, ==, 50000);
  g_assert_cmpuint (sd_csv_reader_get_bytes_read (r), ==, sd_csv_reader_get_bytes_total (r));

  g_clear_pointer (&r, sd_csv_reader_free);
  g_remove (path);
  g_rmdir (dir);
}

/* Reads @r to the end as an importer does (a bad multi-line record is given up after
 * its first line); returns the records, each line number in @lines. */
static guint
read_resyncing (SdCsvReader *r,
                GArray      *lines,
                guint       *bad)
{
  g_autoptr(GError) error = NULL;
  guint n = 0;

  *bad = 0;
  while (sd_csv_reader_next (r, &error))
    {
      guint64 line = sd_csv_reader_get_line (r);
      g_array_append_val (lines, line);
      if (sd_csv_reader_get_status (r) != SD_CSV_RECORD_OK)
        {
          (*bad)++;
          g_assert_true (sd_csv_reader_resync (r));
        }
      n++;
    }
  g_assert_no_error (error);
  return n;
}

/* Issue 10, item 2: 32,000 lines of x"y,"z took 46 s, each bad record running to the end
 * of the file and being read again from its second line. Counted, not timed: the bytes
 * the parser is handed stay within a small multiple of the file. */
static void
test_stray_quote_linear (void)
{
  GString *text = g_string_new (NULL);
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(SdCsvReader) r = NULL;
  guint n = 32000, bad, got;

  for (guint i = 0; i < n; i++)
    g_string_append (text, "x\"y,\"z\n");
  r = reader_for (text->str, text->len);
  got = read_resyncing (r, lines, &bad);
  g_test_message ("%u records, %u bad, %" G_GUINT64_FORMAT " bytes scanned for %" G_GSIZE_FORMAT,
                  got, bad, sd_csv_reader_get_bytes_scanned (r), text->len);
  g_assert_cmpuint (sd_csv_reader_get_bytes_scanned (r), <=, 3 * text->len);
  /* Every line is a record of its own, in order: rejected, never swallowed. */
  g_assert_cmpuint (got, ==, n);
  for (guint i = 0; i < lines->len; i++)
    g_assert_cmpuint (g_array_index (lines, guint64, i), ==, i + 1);
  g_string_free (text, TRUE);
}

/* Issue 10, item 3: a quote that never closes, more than 4 MiB before the end, lost every
 * line after it (the record was too large to keep and to re-read). */
static void
test_unclosed_quote_far (void)
{
  GString *text = g_string_new ("id,name\n1,\"never closed\n");
  g_autoptr(GArray) lines = g_array_new (FALSE, FALSE, sizeof (guint64));
  g_autoptr(SdCsvReader) r = NULL;
  guint n = 300000, bad, got;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%u,name %u\n", i + 2, i + 2);
  g_assert_cmpuint (text->len, >, 5 * 1024 * 1024);
  r = reader_for (text->str, text->len);
  got = read_resyncing (r, lines, &bad);
  g_assert_cmpuint (bad, ==, 1);
  g_assert_cmpuint (got, ==, n + 2);
  for (guint i = 0; i < lines->len; i++)
    g_assert_cmpuint (g_array_index (lines, guint64, i), ==, i + 1);
  g_assert_cmpuint (sd_csv_reader_get_bytes_scanned (r), <=, 2 * text->len);
  g_string_free (text, TRUE);
}

/* A legitimate multi-line field after a bad record's lines still reads as one. */
static void
test_resync_then_multiline (void)
{
  g_autoptr(SdCsvReader) r = reader_for ("1,\"a\n2,b\n3,\"x\"y\n4,\"two\nlines\"\n5,e\n", -1);

  g_assert_true (sd_csv_reader_next (r, NULL));
  g_assert_cmpint (sd_csv_reader_get_status (r), ==, SD_CSV_RECORD_STRAY_QUOTE);
  g_assert_cmpuint (sd_csv_reader_get_line (r), ==, 1);
  g_assert_true (sd_csv_reader_resync (r));
  assert_next (r, "2|b", 2);
  g_assert_true (sd_csv_reader_next (r, NULL));
  g_assert_cmpint (sd_csv_reader_get_status (r), ==, SD_CSV_RECORD_STRAY_QUOTE);
  g_assert_cmpuint (sd_csv_reader_get_line (r), ==, 3);
  g_assert_true (sd_csv_reader_resync (r));
  assert_next (r, "4|two\nlines", 4);
  assert_next (r, "5|e", 6);
  assert_end (r);
}

/* Not a timed assertion (machines differ): the speed is reported for the record. */
static void
test_speed (void)
{
  GString *text = g_string_new ("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n");
  g_autoptr(SdCsvReader) r = NULL;
  guint rows = 0, n = 300000;
  gint64 start;
  double seconds;

  for (guint i = 0; i < n; i++)
    g_string_append_printf (text, "%u,85123A,\"WHITE HANGING HEART, T-LIGHT HOLDER\",6,2010-12-01 08:26:00,2.55,17850,United Kingdom\n",
                            536365 + i / 20);
  r = reader_for (text->str, text->len);
  start = g_get_monotonic_time ();
  while (sd_csv_reader_next (r, NULL))
    rows++;
  seconds = (g_get_monotonic_time () - start) / 1e6;
  g_assert_cmpuint (rows, ==, n + 1);
  g_test_message ("parsed %u rows (%.1f MB) in %.3f s: %.0f rows/s", rows, text->len / 1e6,
                  seconds, rows / MAX (seconds, 1e-6));
  g_string_free (text, TRUE);
}

/* What a reader hands out, record by record, read as an importer reads (a bad record
 * given up after its first line), for comparing the two ways of reading. */
static char *
transcript (const GString *text,
            gboolean       ahead)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text->str, text->len);
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(SdCsvReader) r = sd_csv_reader_new_for_stream (stream, "mixed.csv", text->len);
  g_autoptr(GError) error = NULL;
  GString *seen = g_string_new (NULL);
  guint64 last_read = 0;

  sd_csv_reader_set_max_field (r, 100000);
  sd_csv_reader_set_read_ahead (r, ahead);
  while (sd_csv_reader_next (r, &error))
    {
      gsize raw_len;
      const char *raw = sd_csv_reader_get_raw (r, &raw_len);

      g_string_append_printf (seen, "%" G_GUINT64_FORMAT " %d %d %d %u:", sd_csv_reader_get_line (r),
                              sd_csv_reader_get_status (r), sd_csv_reader_get_multiline (r),
                              sd_csv_reader_get_reencoded (r), sd_csv_reader_get_n_fields (r));
      for (guint i = 0; i < sd_csv_reader_get_n_fields (r); i++)
        g_string_append_printf (seen, "[%s]", sd_csv_reader_get_field (r, i, NULL));
      g_string_append_c (seen, '|');
      g_string_append_len (seen, raw, raw_len);
      g_string_append_c (seen, '\n');
      /* Progress only goes forward. */
      g_assert_cmpuint (sd_csv_reader_get_bytes_read (r), >=, last_read);
      last_read = sd_csv_reader_get_bytes_read (r);
      if (sd_csv_reader_get_status (r) != SD_CSV_RECORD_OK || sd_csv_reader_get_n_fields (r) != 3)
        g_assert_true (sd_csv_reader_resync (r));
    }
  g_assert_no_error (error);
  g_assert_cmpuint (sd_csv_reader_get_bytes_read (r), ==, text->len);
  g_string_append_printf (seen, "scanned %" G_GUINT64_FORMAT "\n", sd_csv_reader_get_bytes_scanned (r));
  return g_string_free (seen, FALSE);
}

/* Thousands of records of every kind, across many batches of the thread reading ahead:
 * stray and unclosed quotes, records over several lines (some given up, some not),
 * blank lines, Latin-1 text, fields far larger than a slot keeps: the same records as
 * without the thread, in the same order, with the same lines. */
static void
test_read_ahead_same_records (void)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (17);
  g_autofree char *plain = NULL;
  g_autofree char *ahead = NULL;

  for (guint i = 0; i < 20000; i++)
    switch (g_rand_int_range (rand, 0, 40))
      {
      case 0:
        g_string_append_printf (text, "%u,x\"y,\"z\n", i);
        break;
      case 1:
        g_string_append_printf (text, "%u,\"two\nlines\",ok\n", i);
        break;
      case 2:
        g_string_append_printf (text, "%u,\"two\nlines\",too,many\n", i);
        break;
      case 3:
        g_string_append (text, "\n\r\n");
        break;
      case 4:
        g_string_append_printf (text, "%u,caf\xe9,cr\r", i);
        break;
      case 5:
        g_string_append_printf (text, "%u,", i);
        for (guint k = 0; k < 90000; k++)
          g_string_append_c (text, 'a' + k % 26);
        g_string_append (text, ",big\n");
        break;
      default:
        g_string_append_printf (text, "%u,\"name, %u\",%u.%02u\n", i, i, i, i % 100);
      }
  g_string_append (text, "last,\"never closed\nx,y,z\n");
  plain = transcript (text, FALSE);
  ahead = transcript (text, TRUE);
  g_assert_cmpuint (strlen (plain), >, text->len / 2);
  g_assert_cmpstr (ahead, ==, plain);
}

/* A reader given up in the middle of a file, its thread still reading, frees at once. */
static void
test_read_ahead_stop_early (void)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < 100000; i++)
    g_string_append_printf (text, "%u,b,c\n", i);
  for (guint stop_at = 0; stop_at < 3000; stop_at += 700)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (text->str, text->len);
      g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (bytes);
      g_autoptr(SdCsvReader) r = sd_csv_reader_new_for_stream (stream, "big.csv", text->len);

      sd_csv_reader_set_read_ahead (r, TRUE);
      for (guint i = 0; i < stop_at; i++)
        {
          g_autofree char *expected = g_strdup_printf ("%u", i);
          g_assert_true (sd_csv_reader_next (r, NULL));
          g_assert_cmpstr (sd_csv_reader_get_field (r, 0, NULL), ==, expected);
        }
      g_assert_cmpuint (sd_csv_reader_get_bytes_read (r), <, text->len);
    }
}

/* ---- the writer ---------------------------------------------------------------------- */

static void
test_writer_quoting (void)
{
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(SdCsvWriter) w = sd_csv_writer_new (out);

  sd_csv_writer_add_row (w, "plain", "a,b", "say \"hi\"", "two\nlines", "cr\rhere", " padded ", "", NULL);
  sd_csv_writer_add_string (w, NULL);
  sd_csv_writer_add_int (w, -42);
  sd_csv_writer_add_string (w, "\xE4\xB8\xAD\xE6\x96\x87");
  sd_csv_writer_end_row (w);
  /* A row of one empty field must not become a blank line, which readers skip. */
  sd_csv_writer_add_string (w, "");
  sd_csv_writer_end_row (w);
  sd_csv_writer_add_row (w, "last", NULL);
  g_assert_cmpstr (out->str, ==,
                   "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"cr\rhere\",\" padded \",\n"
                   ",-42,\xE4\xB8\xAD\xE6\x96\x87\n"
                   "\"\"\n"
                   "last\n");

  /* Another separator, CRLF and every text field quoted. */
  g_string_truncate (out, 0);
  sd_csv_writer_set_separator (w, ';');
  sd_csv_writer_set_crlf (w, TRUE);
  sd_csv_writer_add_row (w, "a;b", "a,b", NULL);
  sd_csv_writer_set_quote_all (w, TRUE);
  sd_csv_writer_add_string (w, "x");
  sd_csv_writer_add_int (w, 7);
  sd_csv_writer_add_double (w, "%.2f", 2.5);
  sd_csv_writer_end_row (w);
  g_assert_cmpstr (out->str, ==, "\"a;b\";a,b\r\n\"x\";7;2.50\r\n");
}

/* Writes a table of awkward fields and numbers, reads it back, and compares. */
static void
round_trip (char separator)
{
  static const char *const texts[] = {
    "plain", "comma, inside", "semi;colon", "tab\there", "\"quoted\"", "\"", "\"\"",
    "line\nbreak", "crlf\r\ninside", "\n", " leading", "trailing ", "", "\xE2\x82\xAC 12,50",
    "=1+2", "a\"b,c\nd", "#", "\xF0\x9F\x98\x80",
  };
  static const double numbers[] = { 0.0, -1.5, 3.14159, 1e-7, 123456789.125, 2.5e300 };
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(SdCsvWriter) w = sd_csv_writer_new (out);
  g_autoptr(SdCsvReader) r = NULL;
  g_autoptr(GError) error = NULL;

  sd_csv_writer_set_separator (w, separator);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      sd_csv_writer_add_int (w, i);
      sd_csv_writer_add_string (w, texts[i]);
      sd_csv_writer_add_double (w, NULL, numbers[i % G_N_ELEMENTS (numbers)]);
      sd_csv_writer_add_double (w, "%.2f", numbers[i % G_N_ELEMENTS (numbers)]);
      sd_csv_writer_end_row (w);
    }

  r = reader_for (out->str, out->len);
  sd_csv_reader_set_separator (r, separator);
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      double x = numbers[i % G_N_ELEMENTS (numbers)];
      char *end = NULL;

      g_assert_true (sd_csv_reader_next (r, &error));
      g_assert_no_error (error);
      g_assert_cmpint (sd_csv_reader_get_status (r), ==, SD_CSV_RECORD_OK);
      g_assert_cmpuint (sd_csv_reader_get_n_fields (r), ==, 4);
      g_assert_cmpint (g_ascii_strtoll (sd_csv_reader_get_field (r, 0, NULL), NULL, 10), ==, i);
      g_assert_cmpstr (sd_csv_reader_get_field (r, 1, NULL), ==, texts[i]);
      /* The shortest form reads back as the very same double. */
      g_assert_cmpfloat (g_ascii_strtod (sd_csv_reader_get_field (r, 2, NULL), &end), ==, x);
      g_assert_cmpint (*end, ==, '\0');
      g_assert_cmpfloat_with_epsilon (g_ascii_strtod (sd_csv_reader_get_field (r, 3, NULL), NULL), x,
                                      fabs (x) * 1e-12 + 0.005);
      g_assert_null (strchr (sd_csv_reader_get_field (r, 3, NULL), ','));
    }
  assert_end (r);
}

static void
test_writer_round_trip (void)
{
  round_trip (',');
  round_trip (';');
  round_trip ('\t');
}

/* Numbers are written with '.' even where the locale writes "3,5": a comma decimal would
 * split the field in two. */
static void
test_writer_locale (void)
{
  g_autofree char *old = g_strdup (setlocale (LC_ALL, NULL));
  g_autofree char *probe = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(SdCsvWriter) w = sd_csv_writer_new (out);

  if (setlocale (LC_ALL, "de_DE.UTF-8") == NULL && setlocale (LC_ALL, "de_DE.utf8") == NULL)
    {
      g_test_skip ("the de_DE.UTF-8 locale is not installed (locale-gen de_DE.UTF-8 to run this part)");
      return;
    }
  probe = g_strdup_printf ("%.1f", 1.5);
  g_assert_cmpstr (probe, ==, "1,5");   /* the locale really writes a decimal comma */

  sd_csv_writer_add_double (w, "%.2f", 3.5);
  sd_csv_writer_add_double (w, NULL, -0.125);
  sd_csv_writer_add_double (w, "%.6g", 1234.5678);
  sd_csv_writer_add_double (w, "%.3e", 0.00012);
  sd_csv_writer_add_double (w, NULL, NAN);
  sd_csv_writer_add_int (w, 1000000);
  sd_csv_writer_end_row (w);
  round_trip (',');
  round_trip (';');
  setlocale (LC_ALL, old);
  g_assert_cmpstr (out->str, ==, "3.50,-0.125,1234.57,1.200e-04,,1000000\n");
}

static void
run_plain (gconstpointer test)
{
  read_ahead = FALSE;
  ((GTestFunc) test) ();
}

static void
run_ahead (gconstpointer test)
{
  read_ahead = TRUE;
  ((GTestFunc) test) ();
}

static void
add_reader_test (const char *name,
                 GTestFunc   test)
{
  g_autofree char *plain = g_strconcat ("/csv/", name, NULL);
  g_autofree char *ahead = g_strconcat ("/csv/read-ahead/", name, NULL);

  g_test_add_data_func (plain, (gconstpointer) test, run_plain);
  g_test_add_data_func (ahead, (gconstpointer) test, run_ahead);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  add_reader_test ("quoting", test_quoting);
  add_reader_test ("line-ends", test_line_ends);
  add_reader_test ("separators", test_separators);
  add_reader_test ("encoding", test_encoding);
  add_reader_test ("unclosed-quote", test_unclosed_quote);
  add_reader_test ("stray-quote", test_stray_quote);
  add_reader_test ("stray-quote-linear", test_stray_quote_linear);
  add_reader_test ("unclosed-quote-far", test_unclosed_quote_far);
  add_reader_test ("resync-then-multiline", test_resync_then_multiline);
  add_reader_test ("field-limit", test_field_limit);
  add_reader_test ("binary", test_binary);
  add_reader_test ("gzip-file", test_gzip_file);
  add_reader_test ("speed", test_speed);
  g_test_add_func ("/csv/read-ahead/same-records", test_read_ahead_same_records);
  g_test_add_func ("/csv/read-ahead/stop-early", test_read_ahead_stop_early);
  g_test_add_func ("/csv/writer/quoting", test_writer_quoting);
  g_test_add_func ("/csv/writer/round-trip", test_writer_round_trip);
  g_test_add_func ("/csv/writer/locale", test_writer_locale);

  return g_test_run ();
}
