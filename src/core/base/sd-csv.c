/* sd-csv.c — the one reader and the one writer of CSV and other delimited text
 *
 * The reader scans whole runs of ordinary bytes with a lookup table and copies them
 * with memcpy into one field buffer and one raw-text buffer, both reused for every
 * record; only the separators, quotes and line ends go through the state machine.
 * The raw text is kept so a rejected row can be shown as it was and so a record that
 * went wrong can be re-read from its second line (sd_csv_reader_resync).
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "sd-csv.h"
#include "sd-error.h"

#define CHUNK_SIZE      (256 * 1024)
#define DEFAULT_MAX     (1024 * 1024)
#define MAX_FIELDS      SD_CSV_MAX_FIELDS

typedef struct {
  gsize offset;
  gsize length;
} Field;

enum {
  S_FIELD_START,
  S_UNQUOTED,
  S_QUOTED,
  S_QUOTE_SEEN,
};

typedef struct {
  char              *buf;         /* the fields, each NUL-terminated */
  gsize              buf_len;
  gsize              buf_alloc;
  Field             *fields;
  guint              n_fields;
  guint              fields_alloc;
  char              *raw;
  gsize              raw_len;
  gsize              raw_alloc;
  gboolean           raw_truncated;
  guint64            record_line;
  SdCsvRecordStatus  status;
  gboolean           multiline;
  gsize              first_nl;    /* offset in @raw of the line break that made it multiline */
  gboolean           reencoded;
} Record;

typedef struct _ReadAhead ReadAhead;

struct _SdCsvReader
{
  char              *name;
  GInputStream      *stream;      /* what records are read from (maybe decompressing) */
  GInputStream      *base;        /* the file itself, for the progress position */
  guint64            total;
  guint64            consumed;    /* bytes read from @stream, when @base cannot tell */
  guint64            scanned;     /* bytes handed to the parser, replays included */

  char               separator;
  char               quote;
  gsize              max_field;
  gboolean           trim;
  char              *fallback_charset;
  guchar             unquoted_special[256];
  guchar             quoted_special[256];

  guchar            *chunk;
  const guchar      *cur;
  const guchar      *end;
  gboolean           eof;
  gboolean           started;
  gboolean           skip_lf;     /* the last record ended on CR: eat the LF after it */
  guint              fills;       /* chunks read: only the first can be read again */
  gsize              bom;         /* bytes of byte order mark at the start of the first */
  gboolean           gzip;
  gboolean           named_gz;
  const char        *charset;     /* converted from (static), or NULL for UTF-8 */

  /* Bytes given back by sd_csv_reader_resync(), read before the rest of @chunk. */
  guchar            *pushback;
  const guchar      *saved_cur;
  const guchar      *saved_end;

  /* The record being parsed; in sync mode also the one handed out. */
  Record             rec;
  /* The record the getters read: &rec, or one read ahead (ReadAhead) */
  Record            *current;
  ReadAhead         *ahead;
  gboolean           want_ahead;
  guint64            line;        /* line of the next byte */
  char              *alt;         /* scratch for re-encoding */
  gsize              alt_alloc;
};

static void read_ahead_stop (SdCsvReader *self);

static void
record_clear (Record *record)
{
  g_free (record->buf);
  g_free (record->fields);
  g_free (record->raw);
  memset (record, 0, sizeof *record);
}

static void
update_tables (SdCsvReader *self)
{
  memset (self->unquoted_special, 0, sizeof self->unquoted_special);
  memset (self->quoted_special, 0, sizeof self->quoted_special);
  self->unquoted_special[(guchar) self->separator] = 1;
  self->unquoted_special['\n'] = 1;
  self->unquoted_special['\r'] = 1;
  self->unquoted_special[0] = 1;
  if (self->quote)
    self->quoted_special[(guchar) self->quote] = 1;
  self->quoted_special['\n'] = 1;
  self->quoted_special[0] = 1;
}

SdCsvReader *
sd_csv_reader_new_for_stream (GInputStream *stream,
                              const char   *name,
                              guint64       total_bytes)
{
  SdCsvReader *self = g_new0 (SdCsvReader, 1);

  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);

  self->name = g_strdup (name ? name : "input");
  self->stream = g_object_ref (stream);
  self->total = total_bytes;
  self->separator = ',';
  self->quote = '"';
  self->max_field = DEFAULT_MAX;
  self->fallback_charset = g_strdup ("WINDOWS-1252");
  self->chunk = g_malloc (CHUNK_SIZE);
  self->current = &self->rec;
  self->line = 1;
  update_tables (self);
  return self;
}

static gboolean
has_gz_suffix (const char *path)
{
  gsize n = strlen (path);
  return n > 3 && g_ascii_strcasecmp (path + n - 3, ".gz") == 0;
}

/* What a read error means for the user, given how the file is decoded. */
static const char *
why_unreadable (gboolean      gzip,
                const char   *charset,
                const GError *error)
{
  if (gzip && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT))
    return _("the gzip file stops in the middle: it is truncated (copy or download it again)");
  if (gzip && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
    return _("the gzip data is damaged");
  if (charset && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA))
    return charset[4] == '1' ? _("it is not valid UTF-16 text") : _("it is not valid UTF-32 text");
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY))
    return _("it is a folder, not a file");
  return error->message;
}

/* The first bytes of @in without consuming them (fewer at the end of the input). */
static gsize
peek_start (GBufferedInputStream  *in,
            guchar                *out,
            gsize                  want,
            GError               **error)
{
  gsize have;

  while ((have = g_buffered_input_stream_get_available (in)) < want)
    {
      gssize n = g_buffered_input_stream_fill (in, want - have, NULL, error);
      if (n < 0)
        return G_MAXSIZE;
      if (n == 0)
        break;
    }
  return g_buffered_input_stream_peek (in, out, 0, want);
}

/* UTF-16 and UTF-32 by their byte order mark, or without one by the NULs every other
 * (or three in four) byte that ASCII text gets in them. */
static const char *
wide_charset (const guchar *b,
              gsize         n)
{
  guint zero_odd = 0, zero_even = 0, pairs = 0;

  if (n >= 4 && memcmp (b, "\xff\xfe\0\0", 4) == 0)
    return "UTF-32LE";
  if (n >= 4 && memcmp (b, "\0\0\xfe\xff", 4) == 0)
    return "UTF-32BE";
  if (n >= 2 && memcmp (b, "\xff\xfe", 2) == 0)
    return "UTF-16LE";
  if (n >= 2 && memcmp (b, "\xfe\xff", 2) == 0)
    return "UTF-16BE";
  if (n >= 8 && b[0] && !b[1] && !b[2] && !b[3] && b[4] && !b[5] && !b[6] && !b[7])
    return "UTF-32LE";
  if (n >= 8 && !b[0] && !b[1] && !b[2] && b[3] && !b[4] && !b[5] && !b[6] && b[7])
    return "UTF-32BE";
  for (gsize i = 0; i + 1 < n; i += 2, pairs++)
    {
      zero_even += b[i] == 0;
      zero_odd += b[i + 1] == 0;
    }
  if (pairs >= 4 && zero_odd * 4 >= pairs * 3 && zero_even == 0)
    return "UTF-16LE";
  if (pairs >= 4 && zero_even * 4 >= pairs * 3 && zero_odd == 0)
    return "UTF-16BE";
  return NULL;
}

SdCsvReader *
sd_csv_reader_new_for_path (const char  *path,
                            GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInputStream) in = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GInputStream) text = NULL;
  g_autofree char *name = NULL;
  g_autoptr(GError) local = NULL;
  const char *wide;
  guchar head[64];
  gsize n;
  gboolean gzip = FALSE;
  SdCsvReader *self;

  if (path == NULL || *path == '\0')
    {
      g_set_error_literal (error, SD_ERROR, SD_ERROR_INVALID_INPUT, _("No file to read: the path is empty"));
      return NULL;
    }
  /* “-” is standard input, a pipe as often as not: it is opened once and its first
   * bytes are looked at through a buffer, never by reading it twice. */
  if (strcmp (path, "-") == 0)
    {
      file = g_file_new_for_path ("/dev/stdin");
      name = g_strdup (_("standard input"));
    }
  else
    {
      file = g_file_new_for_path (path);
      name = g_path_get_basename (path);
    }

  in = g_file_read (file, NULL, error);
  if (in == NULL)
    {
      g_prefix_error (error, _("Could not read “%s”: "), name);
      return NULL;
    }
  info = g_file_input_stream_query_info (in, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                         NULL, NULL);

  /* Compressed or not is what the bytes say, not the name: a pipe has none. */
  stream = g_buffered_input_stream_new (G_INPUT_STREAM (in));
  n = peek_start (G_BUFFERED_INPUT_STREAM (stream), head, 2, &local);
  if (n == G_MAXSIZE)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT, _("“%s” line 1: could not be read: %s"), name,
                   why_unreadable (FALSE, NULL, local));
      return NULL;
    }
  if (n >= 2 && head[0] == 0x1f && head[1] == 0x8b)
    {
      g_autoptr(GZlibDecompressor) gz = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
      g_autoptr(GInputStream) plain = g_converter_input_stream_new (stream, G_CONVERTER (gz));
      g_object_unref (stream);
      stream = g_buffered_input_stream_new (plain);
      gzip = TRUE;
    }

  n = peek_start (G_BUFFERED_INPUT_STREAM (stream), head, sizeof head, &local);
  if (n == G_MAXSIZE)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT, _("“%s” line 1: could not be read: %s"), name,
                   why_unreadable (gzip, NULL, local));
      return NULL;
    }
  /* Spreadsheets on Windows save “Unicode text” as UTF-16: read it as what it is. */
  if ((wide = wide_charset (head, n)))
    {
      g_autoptr(GCharsetConverter) conv = g_charset_converter_new ("UTF-8", wide, &local);
      if (conv == NULL)
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("“%s” is %s text, which this system cannot convert — save it as UTF-8"), name, wide);
          return NULL;
        }
      text = g_converter_input_stream_new (stream, G_CONVERTER (conv));
    }
  else
    text = g_object_ref (stream);

  self = sd_csv_reader_new_for_stream (text, name,
                                       info && g_file_info_get_file_type (info) == G_FILE_TYPE_REGULAR
                                       ? (guint64) g_file_info_get_size (info) : 0);
  self->base = G_INPUT_STREAM (g_steal_pointer (&in));
  self->gzip = gzip;
  self->named_gz = has_gz_suffix (path);
  self->charset = wide;
  return self;
}

gboolean
sd_csv_reader_get_gzip (SdCsvReader *self)
{
  return self->gzip;
}

gboolean
sd_csv_reader_get_named_gz (SdCsvReader *self)
{
  return self->named_gz;
}

const char *
sd_csv_reader_get_charset (SdCsvReader *self)
{
  return self->charset ? self->charset : "UTF-8";
}

const char *
sd_csv_reader_get_first_block (SdCsvReader *self,
                               gsize       *length)
{
  if (self->fills != 1 || self->ahead != NULL)
    {
      *length = 0;
      return "";
    }
  *length = self->end - (self->chunk + self->bom);
  if (self->pushback)
    *length = self->saved_end - (self->chunk + self->bom);
  return (const char *) self->chunk + self->bom;
}

gboolean
sd_csv_reader_rewind (SdCsvReader *self)
{
  if (self->fills > 1 || self->pushback != NULL || self->ahead != NULL)
    return FALSE;
  if (self->fills == 1)
    self->cur = self->chunk + self->bom;
  self->line = 1;
  self->skip_lf = FALSE;
  return TRUE;
}

void
sd_csv_reader_free (SdCsvReader *self)
{
  if (self == NULL)
    return;
  read_ahead_stop (self);
  g_clear_object (&self->stream);
  g_clear_object (&self->base);
  g_free (self->name);
  g_free (self->fallback_charset);
  g_free (self->chunk);
  g_free (self->pushback);
  record_clear (&self->rec);
  g_free (self->alt);
  g_free (self);
}

void
sd_csv_reader_set_separator (SdCsvReader *self,
                             char         separator)
{
  /* the thread reads them */
  g_return_if_fail (self->ahead == NULL);
  g_return_if_fail (separator != '\n' && separator != '\r' && separator != '\0');
  self->separator = separator;
  update_tables (self);
}

void
sd_csv_reader_set_quote (SdCsvReader *self,
                         char         quote)
{
  /* the thread reads them */
  g_return_if_fail (self->ahead == NULL);
  self->quote = quote;
  update_tables (self);
}

void
sd_csv_reader_set_max_field (SdCsvReader *self,
                             gsize        max_bytes)
{
  /* the thread reads them */
  g_return_if_fail (self->ahead == NULL);
  self->max_field = MAX (max_bytes, 16);
}

void
sd_csv_reader_set_trim (SdCsvReader *self,
                        gboolean     trim)
{
  /* the thread reads them */
  g_return_if_fail (self->ahead == NULL);
  self->trim = trim;
}

void
sd_csv_reader_set_fallback_charset (SdCsvReader *self,
                                    const char  *charset)
{
  /* the thread reads them */
  g_return_if_fail (self->ahead == NULL);
  g_free (self->fallback_charset);
  self->fallback_charset = g_strdup (charset ? charset : "WINDOWS-1252");
}

const char *
sd_csv_reader_get_name (SdCsvReader *self)
{
  return self->name;
}

static guint64
bytes_read_now (SdCsvReader *self)
{
  if (self->base && G_IS_SEEKABLE (self->base))
    return g_seekable_tell (G_SEEKABLE (self->base));
  return self->consumed;
}

guint64
sd_csv_reader_get_bytes_total (SdCsvReader *self)
{
  return self->total;
}

/* Binary files announce themselves in their first bytes; saying which kind they are
 * tells the user what went wrong better than a parse error on line 1 would. */
static gboolean
check_magic (SdCsvReader   *self,
             const guchar  *data,
             gsize          len,
             GError       **error)
{
  /* TRANSLATORS: each of these completes “this is %s, not CSV text” */
  static const struct {
    const char *magic;
    gsize       len;
    const char *what;
  } kinds[] = {
    { "\x89PNG", 4, N_("a PNG image") },
    { "\xff\xd8\xff", 3, N_("a JPEG image") },
    { "GIF8", 4, N_("a GIF image") },
    { "%PDF", 4, N_("a PDF document") },
    { "PK\x03\x04", 4, N_("a ZIP archive (an .xlsx spreadsheet?) — export it as CSV") },
    { "SQLite format 3", 15, N_("an SQLite database") },
    { "\x1f\x8b", 2, N_("gzip-compressed data (open it by its path, or name it .gz)") },
    { "\xff\xfe", 2, N_("UTF-16 text — save it as UTF-8 CSV") },
    { "\xfe\xff", 2, N_("UTF-16 text — save it as UTF-8 CSV") },
  };

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    if (len >= kinds[i].len && memcmp (data, kinds[i].magic, kinds[i].len) == 0)
      {
        g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                     _("“%s” line 1: this is %s, not CSV text"), self->name, _(kinds[i].what));
        return FALSE;
      }
  return TRUE;
}

/* Makes cur < end. Returns 1 with data, 0 at the end of the input, -1 on error. */
static int
fill (SdCsvReader  *self,
      GError      **error)
{
  gssize n;
  gsize got = 0;

  if (self->cur < self->end)
    return 1;

  if (self->pushback)
    {
      g_clear_pointer (&self->pushback, g_free);
      self->cur = self->saved_cur;
      self->end = self->saved_end;
      if (self->cur < self->end)
        return 1;
    }

  if (self->eof)
    return 0;

  /* Read a full chunk where we can: short reads from the decompressor would make the
   * magic check below see too little. */
  while (got < CHUNK_SIZE)
    {
      g_autoptr(GError) local = NULL;

      n = g_input_stream_read (self->stream, self->chunk + got, CHUNK_SIZE - got, NULL, &local);
      if (n < 0)
        {
          const char *why = why_unreadable (self->gzip, self->charset, local);

          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("“%s” line %llu: could not be read any further: %s"),
                       self->name, (unsigned long long) self->line, why);
          return -1;
        }
      if (n == 0)
        {
          self->eof = TRUE;
          break;
        }
      got += n;
      if (self->started)
        break;
    }
  self->consumed += got;
  self->scanned += got;
  self->fills++;
  self->cur = self->chunk;
  self->end = self->chunk + got;

  if (!self->started)
    {
      self->started = TRUE;
      if (!check_magic (self, self->cur, got, error))
        return -1;
      if (got >= 3 && memcmp (self->cur, "\xef\xbb\xbf", 3) == 0)
        self->bom = 3;
      self->cur += self->bom;
    }
  return self->cur < self->end ? 1 : 0;
}

static void
grow (char  **data,
      gsize  *alloc,
      gsize   need)
{
  if (need <= *alloc)
    return;
  *alloc = MAX (need, MAX (*alloc * 2, 4096));
  *data = g_realloc (*data, *alloc);
}

/* How much of a multi-line record is kept to be re-read (sd_csv_reader_resync). */
static inline gsize
raw_cap (SdCsvReader *self)
{
  return self->max_field * 4;
}

/* Where a scan of ordinary bytes must stop: the end of the buffer, or for a multi-line
 * record the point where its raw text would no longer be kept whole. */
static inline const guchar *
scan_limit (SdCsvReader *self)
{
  if (G_UNLIKELY (self->rec.multiline) && (gsize) (self->end - self->cur) > raw_cap (self) - self->rec.raw_len)
    return self->cur + (raw_cap (self) - self->rec.raw_len);
  return self->end;
}

static inline void
field_append (SdCsvReader  *self,
              const guchar *data,
              gsize         len)
{
  gsize field_len = self->rec.buf_len - self->rec.fields[self->rec.n_fields].offset;

  if (G_UNLIKELY (field_len + len > self->max_field))
    {
      len = field_len < self->max_field ? self->max_field - field_len : 0;
      if (self->rec.status == SD_CSV_RECORD_OK)
        self->rec.status = SD_CSV_RECORD_FIELD_TOO_LARGE;
    }
  if (len == 0)
    return;
  grow (&self->rec.buf, &self->rec.buf_alloc, self->rec.buf_len + len + 1);
  memcpy (self->rec.buf + self->rec.buf_len, data, len);
  self->rec.buf_len += len;
}

static inline void
raw_append (SdCsvReader  *self,
            const guchar *data,
            gsize         len)
{
  gsize max = raw_cap (self);

  if (G_UNLIKELY (self->rec.raw_len + len > max))
    {
      len = self->rec.raw_len < max ? max - self->rec.raw_len : 0;
      self->rec.raw_truncated = TRUE;
    }
  if (len == 0)
    return;
  grow (&self->rec.raw, &self->rec.raw_alloc, self->rec.raw_len + len);
  memcpy (self->rec.raw + self->rec.raw_len, data, len);
  self->rec.raw_len += len;
}

static void
field_begin (SdCsvReader *self)
{
  if (self->rec.n_fields + 1 >= self->rec.fields_alloc)
    {
      self->rec.fields_alloc = MAX (self->rec.fields_alloc * 2, 64);
      self->rec.fields = g_renew (Field, self->rec.fields, self->rec.fields_alloc);
    }
  self->rec.fields[self->rec.n_fields].offset = self->rec.buf_len;
}

static void
field_end (SdCsvReader *self)
{
  Field *f = &self->rec.fields[self->rec.n_fields];

  grow (&self->rec.buf, &self->rec.buf_alloc, self->rec.buf_len + 1);
  f->length = self->rec.buf_len - f->offset;
  self->rec.buf[self->rec.buf_len++] = '\0';
  /* A line of a million separators must not become a million fields. */
  if (self->rec.n_fields + 1 < MAX_FIELDS)
    self->rec.n_fields++;
  else
    {
      self->rec.buf_len = f->offset;
      if (self->rec.status == SD_CSV_RECORD_OK)
        self->rec.status = SD_CSV_RECORD_FIELD_TOO_LARGE;
    }
  field_begin (self);
}

static gboolean
binary_error (SdCsvReader  *self,
              GError      **error)
{
  g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
               _("“%s” line %llu: contains NUL bytes — this is a binary file, not CSV text"),
               self->name, (unsigned long long) self->line);
  return FALSE;
}

static void
trim_fields (SdCsvReader *self)
{
  for (guint i = 0; i < self->rec.n_fields; i++)
    {
      Field *f = &self->rec.fields[i];
      char *s = self->rec.buf + f->offset;

      while (f->length > 0 && (s[f->length - 1] == ' ' || s[f->length - 1] == '\t'))
        f->length--;
      s[f->length] = '\0';
      while (f->length > 0 && (*s == ' ' || *s == '\t'))
        {
          s++;
          f->offset++;
          f->length--;
        }
    }
}

static char *
convert_field (SdCsvReader *self,
               const char  *s,
               gsize        len,
               gsize       *out_len)
{
  char *converted = g_convert (s, len, "UTF-8", self->fallback_charset, NULL, out_len, NULL);

  /* WINDOWS-1252 leaves five bytes undefined; ISO-8859-1 maps every byte. */
  if (converted == NULL)
    converted = g_convert (s, len, "UTF-8", "ISO-8859-1", NULL, out_len, NULL);
  if (converted == NULL)
    {
      converted = g_utf8_make_valid (s, len);
      *out_len = strlen (converted);
    }
  return converted;
}

/* Whether @len bytes are all ASCII, so valid UTF-8: eight at a time, a few instructions
 * a field where validating each field costs a hundred. */
static gboolean
all_ascii (const char *s,
           gsize       len)
{
  guint64 seen = 0, word;
  gsize i = 0;

  for (; i + sizeof word <= len; i += sizeof word)
    {
      memcpy (&word, s + i, sizeof word);
      seen |= word;
    }
  for (; i < len; i++)
    seen |= (guchar) s[i];
  return (seen & G_GUINT64_CONSTANT (0x8080808080808080)) == 0;
}

static void
reencode_fields (SdCsvReader *self)
{
  gboolean any = FALSE;
  gsize alt_len = 0;

  /* The fields lie in buf one after another: most records are plain ASCII. */
  if (all_ascii (self->rec.buf, self->rec.buf_len))
    return;

  for (guint i = 0; i < self->rec.n_fields && !any; i++)
    if (!g_utf8_validate_len (self->rec.buf + self->rec.fields[i].offset, self->rec.fields[i].length, NULL))
      any = TRUE;
  if (!any)
    return;

  self->rec.reencoded = TRUE;
  for (guint i = 0; i < self->rec.n_fields; i++)
    {
      Field *f = &self->rec.fields[i];
      const char *s = self->rec.buf + f->offset;
      g_autofree char *converted = NULL;
      gsize len = f->length;

      if (!g_utf8_validate_len (s, len, NULL))
        {
          converted = convert_field (self, s, len, &len);
          s = converted;
        }
      grow (&self->alt, &self->alt_alloc, alt_len + len + 1);
      memcpy (self->alt + alt_len, s, len);
      f->offset = alt_len;
      f->length = len;
      alt_len += len;
      self->alt[alt_len++] = '\0';
    }

  {
    char *tmp = self->rec.buf;
    gsize tmp_alloc = self->rec.buf_alloc;
    self->rec.buf = self->alt;
    self->rec.buf_alloc = self->alt_alloc;
    self->rec.buf_len = alt_len;
    self->alt = tmp;
    self->alt_alloc = tmp_alloc;
  }
}

static void
record_reset (SdCsvReader *self)
{
  self->rec.buf_len = 0;
  self->rec.n_fields = 0;
  self->rec.raw_len = 0;
  self->rec.raw_truncated = FALSE;
  self->rec.status = SD_CSV_RECORD_OK;
  self->rec.multiline = FALSE;
  self->rec.first_nl = 0;
  self->rec.reencoded = FALSE;
  self->rec.record_line = self->line;
  field_begin (self);
}

/* The next record into self->rec. */
static gboolean
parse_next (SdCsvReader  *self,
            GError      **error)
{
  int state;
  int r;

next_record:
  record_reset (self);
  state = S_FIELD_START;

  for (;;)
    {
      const guchar *p, *limit;
      guchar c;

      /* A record that runs over lines and then goes wrong, or grows past what can be
       * kept to re-read, stops here: sd_csv_reader_resync() re-reads what it took, so
       * the cost of one stray quote is bounded and nothing behind it is lost. */
      if (G_UNLIKELY (self->rec.multiline) &&
          (self->rec.status != SD_CSV_RECORD_OK || self->rec.raw_len >= raw_cap (self)))
        {
          if (self->rec.status == SD_CSV_RECORD_OK)
            self->rec.status = SD_CSV_RECORD_UNCLOSED_QUOTE;
          field_end (self);
          break;
        }

      if (self->cur == self->end)
        {
          r = fill (self, error);
          if (r < 0)
            return FALSE;
          if (r == 0)
            {
              if (state == S_FIELD_START && self->rec.n_fields == 0 && self->rec.raw_len == 0)
                return FALSE;
              if (state == S_QUOTED)
                self->rec.status = SD_CSV_RECORD_UNCLOSED_QUOTE;
              field_end (self);
              break;
            }
        }

      if (G_UNLIKELY (self->skip_lf))
        {
          self->skip_lf = FALSE;
          self->line++;
          self->rec.record_line = self->line;
          if (*self->cur == '\n')
            {
              self->cur++;
              continue;
            }
        }

      switch (state)
        {
        case S_FIELD_START:
          /* Spaces before an opening quote would make it text; skip them. */
          if (self->trim && (*self->cur == ' ' || *self->cur == '\t') &&
              *self->cur != (guchar) self->separator)
            {
              raw_append (self, self->cur, 1);
              self->cur++;
              break;
            }
          if (self->quote && *self->cur == (guchar) self->quote)
            {
              raw_append (self, self->cur, 1);
              self->cur++;
              state = S_QUOTED;
              break;
            }
          state = S_UNQUOTED;
          G_GNUC_FALLTHROUGH;

        case S_UNQUOTED:
          p = self->cur;
          limit = scan_limit (self);
          while (p < limit && !self->unquoted_special[*p])
            p++;
          field_append (self, self->cur, p - self->cur);
          raw_append (self, self->cur, p - self->cur);
          self->cur = p;
          if (p == limit)
            break;
          c = *p;
          if (c == '\0')
            return binary_error (self, error);
          raw_append (self, p, 1);
          self->cur++;
          field_end (self);
          if (c == (guchar) self->separator)
            {
              state = S_FIELD_START;
              break;
            }
          if (c == '\n')
            self->line++;
          else
            self->skip_lf = TRUE;
          goto record_done;

        case S_QUOTED:
          p = self->cur;
          limit = scan_limit (self);
          while (p < limit && !self->quoted_special[*p])
            p++;
          field_append (self, self->cur, p - self->cur);
          raw_append (self, self->cur, p - self->cur);
          self->cur = p;
          if (p == limit)
            break;
          c = *p;
          if (c == '\0')
            return binary_error (self, error);
          raw_append (self, p, 1);
          self->cur++;
          if (c == '\n')
            {
              self->line++;
              /* A record that is bad already, too long to re-read, or on lines being
               * read again after a bad one (the pushback) ends with its line: its
               * quote must not swallow the rows behind it. */
              if (self->rec.status != SD_CSV_RECORD_OK || self->rec.raw_truncated || self->pushback != NULL)
                {
                  if (self->rec.status == SD_CSV_RECORD_OK)
                    self->rec.status = SD_CSV_RECORD_UNCLOSED_QUOTE;
                  field_end (self);
                  goto record_done;
                }
              field_append (self, p, 1);
              if (!self->rec.multiline)
                {
                  self->rec.multiline = TRUE;
                  self->rec.first_nl = self->rec.raw_len - 1;
                }
            }
          else
            state = S_QUOTE_SEEN;
          break;

        case S_QUOTE_SEEN:
          c = *self->cur;
          if (self->trim && (c == ' ' || c == '\t') && c != (guchar) self->separator)
            {
              raw_append (self, self->cur, 1);
              self->cur++;
              break;
            }
          if (c == (guchar) self->quote)
            {
              field_append (self, self->cur, 1);
              raw_append (self, self->cur, 1);
              self->cur++;
              state = S_QUOTED;
            }
          else
            {
              /* Separator or line end: the unquoted state ends the field. Anything
               * else is text after a closing quote: keep it, but flag the record. */
              if (c != (guchar) self->separator && c != '\n' && c != '\r' &&
                  self->rec.status == SD_CSV_RECORD_OK)
                self->rec.status = SD_CSV_RECORD_STRAY_QUOTE;
              state = S_UNQUOTED;
            }
          break;

        default:
          g_assert_not_reached ();
        }
    }

record_done:
  /* Blank lines separate nothing and are not rows. */
  if (self->rec.n_fields == 1 && self->rec.fields[0].length == 0 &&
      self->rec.raw_len <= 2 && (self->rec.raw_len == 0 || self->rec.raw[0] == '\n' || self->rec.raw[0] == '\r'))
    goto next_record;

  if (self->trim)
    trim_fields (self);
  reencode_fields (self);
  return TRUE;
}

/* Reading ahead
 *
 * Parsing is about a tenth of an import; on a second core it runs beside the importer's
 * own work. A thread parses records into batches, the caller reads a batch at a time and
 * gives it back to be filled again; a parsed record swaps buffers with the slot it goes
 * into, so nothing is copied and nothing allocated once the buffers have grown. A record
 * that may be read again (a multi-line or malformed one: sd_csv_reader_resync) ends its
 * batch, and the thread waits until the caller asks for the record after it, so a resync
 * in between moves the parser as it would without a thread. */

#define AHEAD_BATCHES  3
#define AHEAD_RECORDS  512
#define AHEAD_BYTES    (256 * 1024)
/* Buffers a huge record grew are given back rather than kept in a slot for reuse. */
#define AHEAD_KEEP     (64 * 1024)

typedef struct {
  Record    records[AHEAD_RECORDS];
  guint     n;
  gboolean  end;          /* nothing after these: the input ended or could not be read */
  GError   *error;        /* why it could not */
  gboolean  waits;        /* the thread waits for the caller to go on (see above) */
  guint64   bytes_read;   /* sd_csv_reader_get_bytes_read() after its last record */
  guint64   scanned;
} Batch;

struct _ReadAhead {
  GThread     *thread;
  GAsyncQueue *filled;    /* Batch: thread → caller */
  GAsyncQueue *empty;     /* Batch, or STOP: caller → thread */
  GAsyncQueue *go_on;     /* GO_ON or STOP: caller → the thread waiting after a batch */
  Batch        batches[AHEAD_BATCHES];
  Batch       *batch;     /* the caller's, NULL before the first */
  guint        index;     /* of the current record in @batch */
  Record       first;     /* the record that was current when reading ahead began */
  guint64      bytes_read, scanned;   /* as of @batch */
};

static char stop_token, go_on_token;
#define STOP  ((gpointer) &stop_token)
#define GO_ON ((gpointer) &go_on_token)

static void
record_shrink (Record *record)
{
  if (record->buf_alloc > AHEAD_KEEP)
    {
      g_clear_pointer (&record->buf, g_free);
      record->buf_alloc = 0;
    }
  if (record->raw_alloc > AHEAD_KEEP)
    {
      g_clear_pointer (&record->raw, g_free);
      record->raw_alloc = 0;
    }
  if (record->fields_alloc * sizeof (Field) > AHEAD_KEEP)
    {
      g_clear_pointer (&record->fields, g_free);
      record->fields_alloc = 0;
    }
}

static gpointer
read_ahead_thread (gpointer data)
{
  SdCsvReader *self = data;
  ReadAhead *ahead = self->ahead;

  for (;;)
    {
      gpointer item = g_async_queue_pop (ahead->empty);
      Batch *batch = item;
      gsize bytes = 0;
      gboolean end = FALSE, waits = FALSE;

      if (item == STOP)
        break;
      batch->n = 0;
      batch->waits = FALSE;
      while (batch->n < AHEAD_RECORDS && bytes < AHEAD_BYTES)
        {
          Record *slot = &batch->records[batch->n];
          Record parsed;

          if (!parse_next (self, &batch->error))
            {
              end = batch->end = TRUE;
              break;
            }
          parsed = self->rec;
          self->rec = *slot;
          *slot = parsed;
          record_shrink (&self->rec);
          batch->n++;
          bytes += slot->raw_len;
          if (slot->multiline || slot->status != SD_CSV_RECORD_OK)
            {
              waits = batch->waits = TRUE;
              break;
            }
        }
      batch->bytes_read = bytes_read_now (self);
      batch->scanned = self->scanned;
      /* The batch is the caller's from here on. */
      g_async_queue_push (ahead->filled, batch);
      if (end || (waits && g_async_queue_pop (ahead->go_on) == STOP))
        break;
    }
  return NULL;
}

static void
read_ahead_start (SdCsvReader *self)
{
  ReadAhead *ahead = g_new0 (ReadAhead, 1);

  ahead->filled = g_async_queue_new ();
  ahead->empty = g_async_queue_new ();
  ahead->go_on = g_async_queue_new ();
  ahead->bytes_read = bytes_read_now (self);
  ahead->scanned = self->scanned;
  /* The current record stays readable while the thread parses into self->rec. */
  ahead->first = self->rec;
  memset (&self->rec, 0, sizeof self->rec);
  self->current = &ahead->first;
  for (guint i = 0; i < AHEAD_BATCHES; i++)
    g_async_queue_push (ahead->empty, &ahead->batches[i]);
  self->ahead = ahead;
  ahead->thread = g_thread_try_new ("sd-csv-ahead", read_ahead_thread, self, NULL);
  if (ahead->thread == NULL)
    {
      /* Without a thread, the same records are read here. */
      self->rec = ahead->first;
      memset (&ahead->first, 0, sizeof ahead->first);
      self->current = &self->rec;
      read_ahead_stop (self);
      self->want_ahead = FALSE;
    }
}

static void
read_ahead_stop (SdCsvReader *self)
{
  ReadAhead *ahead = self->ahead;

  if (ahead == NULL)
    return;
  if (ahead->thread)
    {
      g_async_queue_push (ahead->empty, STOP);
      g_async_queue_push (ahead->go_on, STOP);
      g_thread_join (ahead->thread);
    }
  for (guint i = 0; i < AHEAD_BATCHES; i++)
    {
      for (guint r = 0; r < AHEAD_RECORDS; r++)
        record_clear (&ahead->batches[i].records[r]);
      g_clear_error (&ahead->batches[i].error);
    }
  record_clear (&ahead->first);
  g_async_queue_unref (ahead->filled);
  g_async_queue_unref (ahead->empty);
  g_async_queue_unref (ahead->go_on);
  g_free (ahead);
  self->ahead = NULL;
  self->current = &self->rec;
}

static gboolean
read_ahead_next (SdCsvReader  *self,
                 GError      **error)
{
  ReadAhead *ahead = self->ahead;
  Batch *batch = ahead->batch;

  if (batch == NULL || ahead->index + 1 >= batch->n)
    {
      if (batch && batch->end)
        {
          /* The end stays the end; what went wrong is told once. */
          if (batch->error)
            g_propagate_error (error, g_steal_pointer (&batch->error));
          return FALSE;
        }
      if (batch)
        {
          if (batch->waits)
            g_async_queue_push (ahead->go_on, GO_ON);
          g_async_queue_push (ahead->empty, batch);
        }
      batch = ahead->batch = g_async_queue_pop (ahead->filled);
      ahead->index = 0;
      ahead->bytes_read = batch->bytes_read;
      ahead->scanned = batch->scanned;
      if (batch->n == 0)
        {
          /* A batch is only ever empty at the end. */
          if (batch->error)
            g_propagate_error (error, g_steal_pointer (&batch->error));
          return FALSE;
        }
    }
  else
    ahead->index++;
  self->current = &batch->records[ahead->index];
  return TRUE;
}

void
sd_csv_reader_set_read_ahead (SdCsvReader *self,
                              gboolean     read_ahead)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->ahead == NULL);
  self->want_ahead = read_ahead;
}

gboolean
sd_csv_reader_next (SdCsvReader  *self,
                    GError      **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (G_UNLIKELY (self->want_ahead && self->ahead == NULL))
    read_ahead_start (self);
  if (self->ahead)
    return read_ahead_next (self, error);
  return parse_next (self, error);
}

guint
sd_csv_reader_get_n_fields (SdCsvReader *self)
{
  return self->current->n_fields;
}

const char *
sd_csv_reader_get_field (SdCsvReader *self,
                         guint        index,
                         gsize       *length)
{
  if (index >= self->current->n_fields)
    {
      if (length)
        *length = 0;
      return "";
    }
  if (length)
    *length = self->current->fields[index].length;
  return self->current->buf + self->current->fields[index].offset;
}

SdCsvRecordStatus
sd_csv_reader_get_status (SdCsvReader *self)
{
  return self->current->status;
}

guint64
sd_csv_reader_get_line (SdCsvReader *self)
{
  return self->current->record_line;
}

gboolean
sd_csv_reader_get_multiline (SdCsvReader *self)
{
  return self->current->multiline;
}

gboolean
sd_csv_reader_get_reencoded (SdCsvReader *self)
{
  return self->current->reencoded;
}

const char *
sd_csv_reader_get_raw (SdCsvReader *self,
                       gsize       *length)
{
  gsize len = self->current->raw_len;

  while (len > 0 && (self->current->raw[len - 1] == '\n' || self->current->raw[len - 1] == '\r'))
    len--;
  if (length)
    *length = len;
  return self->current->raw ? self->current->raw : "";
}

gboolean
sd_csv_reader_resync (SdCsvReader *self)
{
  gsize replay;

  if (!self->current->multiline)
    return TRUE;   /* a one-line record: nothing behind it to re-read */
  /* Reading ahead, a multi-line record ends its batch and the thread waits after it. */
  g_return_val_if_fail (self->ahead == NULL ||
                        (self->current == &self->ahead->batch->records[self->ahead->batch->n - 1] &&
                         self->ahead->batch->waits), FALSE);

  /* A multi-line record is kept whole (it stops at raw_cap), so its lines after the
   * first are all in @raw; they are also, in order, the bytes just before @cur. */
  replay = self->current->raw_len - (self->current->first_nl + 1);
  if (self->pushback)
    {
      /* Read from the pushback itself: step back in it instead of copying. */
      g_assert ((gsize) (self->cur - self->pushback) >= replay);
      self->cur -= replay;
    }
  else if (replay > 0)
    {
      self->pushback = g_memdup2 (self->current->raw + self->current->first_nl + 1, replay);
      self->saved_cur = self->cur;
      self->saved_end = self->end;
      self->cur = self->pushback;
      self->end = self->pushback + replay;
    }
  self->scanned += replay;
  self->line = self->current->record_line + 1;
  self->skip_lf = FALSE;
  self->current->multiline = FALSE;
  return TRUE;
}

guint64
sd_csv_reader_get_bytes_read (SdCsvReader *self)
{
  /* The thread's position, as of the records handed out so far */
  if (self->ahead)
    return self->ahead->bytes_read;
  return bytes_read_now (self);
}

guint64
sd_csv_reader_get_bytes_scanned (SdCsvReader *self)
{
  if (self->ahead)
    return self->ahead->scanned;
  return self->scanned;
}

/* ---- writing ------------------------------------------------------------------------ */

struct _SdCsvWriter
{
  GString  *out;
  char      separator;
  gboolean  crlf;
  gboolean  quote_all;
  guint     n_fields;     /* in the current row */
  gsize     row_start;    /* where the current row starts in @out */
};

SdCsvWriter *
sd_csv_writer_new (GString *out)
{
  SdCsvWriter *self;

  g_return_val_if_fail (out != NULL, NULL);
  self = g_new0 (SdCsvWriter, 1);
  self->out = out;
  self->separator = ',';
  return self;
}

void
sd_csv_writer_free (SdCsvWriter *self)
{
  g_free (self);
}

void
sd_csv_writer_set_separator (SdCsvWriter *self,
                             char         separator)
{
  g_return_if_fail (separator != '\n' && separator != '\r' && separator != '"' && separator != '\0');
  self->separator = separator;
}

void
sd_csv_writer_set_crlf (SdCsvWriter *self,
                        gboolean     crlf)
{
  self->crlf = crlf;
}

void
sd_csv_writer_set_quote_all (SdCsvWriter *self,
                             gboolean     quote_all)
{
  self->quote_all = quote_all;
}

static gboolean
needs_quotes (const char *value,
              char        separator)
{
  gsize len = strlen (value);

  if (len == 0)
    return FALSE;
  if (value[0] == ' ' || value[len - 1] == ' ')
    return TRUE;
  for (const char *p = value; *p; p++)
    if (*p == separator || *p == '"' || *p == '\n' || *p == '\r')
      return TRUE;
  return FALSE;
}

static void
append_field (GString    *out,
              const char *value,
              char        separator,
              gboolean    quote)
{
  if (!quote && !needs_quotes (value, separator))
    {
      g_string_append (out, value);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = value; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
begin_field (SdCsvWriter *self)
{
  if (self->n_fields == 0)
    self->row_start = self->out->len;
  else
    g_string_append_c (self->out, self->separator);
  self->n_fields++;
}

void
sd_csv_writer_add_string (SdCsvWriter *self,
                          const char  *value)
{
  begin_field (self);
  append_field (self->out, value ? value : "", self->separator, self->quote_all);
}

void
sd_csv_writer_add_int (SdCsvWriter *self,
                       gint64       value)
{
  begin_field (self);
  g_string_append_printf (self->out, "%" G_GINT64_FORMAT, value);
}

void
sd_csv_writer_add_double (SdCsvWriter *self,
                          const char  *format,
                          double       value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE + 320];   /* "%.2f" of 1e308 has 309 digits */

  begin_field (self);
  if (!isfinite (value))
    return;
  if (format)
    g_ascii_formatd (buf, sizeof buf, format, value);
  else
    g_ascii_dtostr (buf, sizeof buf, value);
  /* Digits, '-', '.', 'e': nothing to quote, unless '.' itself is the separator. */
  append_field (self->out, buf, self->separator, FALSE);
}

void
sd_csv_writer_end_row (SdCsvWriter *self)
{
  /* A row of one empty field would be a blank line, which readers skip. */
  if (self->n_fields == 1 && self->out->len == self->row_start)
    g_string_append (self->out, "\"\"");
  g_string_append (self->out, self->crlf ? "\r\n" : "\n");
  self->n_fields = 0;
}

void
sd_csv_writer_add_row (SdCsvWriter *self,
                       const char  *first,
                       ...)
{
  va_list args;

  va_start (args, first);
  for (const char *value = first; value; value = va_arg (args, const char *))
    sd_csv_writer_add_string (self, value);
  va_end (args);
  sd_csv_writer_end_row (self);
}
