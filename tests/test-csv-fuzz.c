/* test-csv-fuzz.c — mutated and random input through the CSV reader, read as the importer
 * reads it (a bad multi-line record given up after its first line), for a bounded time:
 * no crash, no hang (the bytes parsed stay within twice the input), and every record is
 * well-formed and in order, or the file fails with an error naming its line.
 * Each input is read twice, the second time on a thread reading ahead, and both read
 * the same. Seeded, so a failure can be replayed: SD_FUZZ_SEED=N SD_FUZZ_SECONDS=S. */
#include "config.h"

#include <string.h>

#include "sd-csv.h"
#include "sd-error.h"

static const char *const seeds[] = {
  "customer_id,name,email,country,segment,created_at\nc1,Ann Lee,ann@example.com,DE,vip,2023-01-05\n"
  "c2,Bob Ray,bob@example.com,US,,2023-02-10T08:00:00Z\n",
  "order_id,customer_id,placed_at,status\r\no1,c1,\"2023-03-01 10:00:00\",paid\r\no2,\"c,3\",x,\"say \"\"hi\"\"\"\r\n",
  "a,\"multi\nline\",b\n\"x\"\"y\",z,\"\"\n",
  "InvoiceNo,StockCode,Description\n536365,85123A,\"WHITE HANGING HEART, T-LIGHT HOLDER\"\n",
  "x\"y,\"z\nx\"y,\"z\nx\"y,\"z\n",
  "1,\"never closed\n2,b\n3,c\n",
  "\xef\xbb\xbfh1;h2\n\"a;b\";c\n",
  "196\t242\t3\t881250949\n186\t302\t3\t891717742\n",
  "caf\xe9,\x80\x81\n",
  "",
};

static const char *const inserts[] = {
  "\"", "\"\"", ",", "\n", "\r\n", "\r", "\t", " ", "\"\n", "\n\"", ",\"", "\",", "\xef\xbb\xbf",
  "\xff\xfe", "\xc3", "\xe4\xb8\xad", ";", "|",
};

static void
mutate (GRand   *rand,
        GString *s)
{
  guint n = g_rand_int_range (rand, 1, 8);

  for (guint k = 0; k < n; k++)
    {
      gsize pos = s->len ? g_rand_int_range (rand, 0, s->len + 1) : 0;

      switch (g_rand_int_range (rand, 0, 9))
        {
        case 0:   /* flip a bit */
          if (s->len)
            s->str[MIN (pos, s->len - 1)] ^= 1 << g_rand_int_range (rand, 0, 8);
          break;
        case 1:   /* truncate */
          g_string_truncate (s, pos);
          break;
        case 2:
        case 3:   /* quotes, separators and line ends, where they hurt */
          g_string_insert (s, pos, inserts[g_rand_int_range (rand, 0, G_N_ELEMENTS (inserts))]);
          break;
        case 4:   /* a NUL, now and then */
          if (g_rand_int_range (rand, 0, 8) == 0)
            g_string_insert_len (s, pos, "\0", 1);
          break;
        case 5:   /* a huge field */
          {
            gsize len = g_rand_int_range (rand, 100, 200000);
            char c = "x\"\n,"[g_rand_int_range (rand, 0, 4)];
            char *big = g_malloc (len);
            memset (big, c == '\n' && g_rand_boolean (rand) ? 'y' : c, len);
            g_string_insert_len (s, pos, big, len);
            g_free (big);
          }
          break;
        case 6:   /* random bytes */
          for (int r = g_rand_int_range (rand, 1, 64); r > 0; r--)
            g_string_insert_c (s, pos, (char) g_rand_int_range (rand, 1, 256));
          break;
        case 7:   /* delete a range */
          if (s->len)
            {
              gsize at = MIN (pos, s->len - 1);
              gsize n_del = g_rand_int_range (rand, 1, 40);
              g_string_erase (s, at, MIN (n_del, s->len - at));
            }
          break;
        default:  /* repeat */
          if (s->len < 100000)
            g_string_append_len (s, s->str, s->len);
          break;
        }
    }
}

static guint64
count_lines (const GString *s)
{
  guint64 n = 1;

  for (gsize i = 0; i < s->len; i++)
    n += s->str[i] == '\n' || (s->str[i] == '\r' && (i + 1 == s->len || s->str[i + 1] != '\n'));
  return n;
}

typedef struct {
  gsize    max_field;
  char     separator;
  gboolean trim;
  gboolean no_quote;
} Settings;

/* Reads @text with @set, on a thread of its own when @ahead; returns what it read, record
 * by record, to compare the two ways of reading. */
static char *
read_all (const GString  *text,
          const Settings *set,
          gboolean        ahead)
{
  g_autoptr(GBytes) bytes = g_bytes_new (text->str, text->len);
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_bytes (bytes);
  g_autoptr(SdCsvReader) r = sd_csv_reader_new_for_stream (stream, "fuzz.csv", text->len);
  g_autoptr(GError) error = NULL;
  GString *seen = g_string_new (NULL);
  guint64 lines = count_lines (text), last_line = 0;

  sd_csv_reader_set_max_field (r, set->max_field);
  sd_csv_reader_set_separator (r, set->separator);
  sd_csv_reader_set_trim (r, set->trim);
  if (set->no_quote)
    sd_csv_reader_set_quote (r, 0);
  sd_csv_reader_set_read_ahead (r, ahead);

  while (sd_csv_reader_next (r, &error))
    {
      guint64 line = sd_csv_reader_get_line (r);
      guint n = sd_csv_reader_get_n_fields (r);
      gsize raw_len;
      const char *raw;

      /* Every record has a line, in order, within the file. */
      g_assert_cmpuint (line, >, last_line);
      g_assert_cmpuint (line, <=, lines);
      last_line = line;
      g_assert_cmpuint (n, >=, 1);
      g_assert_cmpuint (n, <, SD_CSV_MAX_FIELDS);
      g_string_append_printf (seen, "%" G_GUINT64_FORMAT " %d %d %d:", line, sd_csv_reader_get_status (r),
                              sd_csv_reader_get_multiline (r), sd_csv_reader_get_reencoded (r));
      for (guint i = 0; i < n; i++)
        {
          gsize len;
          const char *field = sd_csv_reader_get_field (r, i, &len);
          g_assert_cmpuint (strlen (field), ==, len);
          g_assert_true (g_utf8_validate (field, len, NULL));
          g_string_append_printf (seen, "[%s]", field);
        }
      raw = sd_csv_reader_get_raw (r, &raw_len);
      g_assert_cmpuint (raw_len, <=, 4 * set->max_field);
      g_string_append_c (seen, '|');
      g_string_append_len (seen, raw, raw_len);
      g_string_append_c (seen, '\n');
      if (sd_csv_reader_get_status (r) != SD_CSV_RECORD_OK)
        g_assert_true (sd_csv_reader_resync (r));
    }
  /* Either the end, or an error that names the file and a line. */
  if (error)
    {
      g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
      g_assert_nonnull (strstr (error->message, "fuzz.csv"));
      g_assert_nonnull (strstr (error->message, "line "));
      g_string_append_printf (seen, "error: %s\n", error->message);
    }
  /* Bounded work: a bad record's lines are parsed again once, never more. */
  g_assert_cmpuint (sd_csv_reader_get_bytes_scanned (r), <=, 2 * text->len);
  g_string_append_printf (seen, "scanned %" G_GUINT64_FORMAT " read %" G_GUINT64_FORMAT "\n",
                          sd_csv_reader_get_bytes_scanned (r), sd_csv_reader_get_bytes_read (r));
  return g_string_free (seen, FALSE);
}

/* The same records, statuses, lines and errors whether a thread reads ahead or not. */
static void
read_both_ways (GRand         *rand,
                const GString *text)
{
  Settings set = {
    .max_field = g_rand_boolean (rand) ? 64 : 1024 * 1024,
    .separator = ",;\t|"[g_rand_int_range (rand, 0, 4)],
    .trim = g_rand_boolean (rand),
    .no_quote = g_rand_int_range (rand, 0, 6) == 0,
  };
  g_autofree char *plain = read_all (text, &set, FALSE);
  g_autofree char *ahead = read_all (text, &set, TRUE);

  g_assert_cmpstr (ahead, ==, plain);
}

static void
test_fuzz (void)
{
  const char *seconds_env = g_getenv ("SD_FUZZ_SECONDS");
  const char *seed_env = g_getenv ("SD_FUZZ_SEED");
  double seconds = seconds_env ? g_ascii_strtod (seconds_env, NULL) : 3.0;
  guint32 seed = seed_env ? (guint32) g_ascii_strtoull (seed_env, NULL, 10) : 20261206;
  g_autoptr(GRand) rand = g_rand_new_with_seed (seed);
  gint64 deadline = g_get_monotonic_time () + (gint64) (seconds * G_USEC_PER_SEC);
  guint iterations = 0;

  while (g_get_monotonic_time () < deadline || iterations < 100)
    {
      GString *s = g_string_new (NULL);

      if (g_rand_int_range (rand, 0, 10) == 0)
        for (int k = g_rand_int_range (rand, 0, 4000); k > 0; k--)
          g_string_append_c (s, (char) g_rand_int_range (rand, 0, 256));
      else
        {
          g_string_append (s, seeds[g_rand_int_range (rand, 0, G_N_ELEMENTS (seeds))]);
          mutate (rand, s);
        }
      read_both_ways (rand, s);
      g_string_free (s, TRUE);
      iterations++;
    }
  g_test_message ("%u inputs (seed %u)", iterations, seed);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/csv-fuzz/reader", test_fuzz);
  return g_test_run ();
}
