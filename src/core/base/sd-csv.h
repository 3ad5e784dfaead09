/* sd-csv.h — the one reader and the one writer of CSV and other delimited text
 *
 * Reading (plain or gzip):
 * RFC 4180 quoting with embedded newlines, CRLF or LF line ends, a UTF-8 byte order
 * mark, any one-byte separator. A record is handed out as an array of NUL-terminated
 * fields that live in one buffer reused from record to record, so reading does not
 * allocate per field. A record that is malformed (a quote that never closes, text
 * after a closing quote, a field over the size limit) is still handed out, with a
 * status saying what is wrong, so the caller can reject that one row and go on;
 * sd_csv_reader_resync() re-reads from the line after the start of such a record, so
 * one stray quote does not swallow the good rows behind it, in time linear in the file.
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  SD_CSV_RECORD_OK,
  SD_CSV_RECORD_FIELD_TOO_LARGE,   /* a field was cut at the limit */
  SD_CSV_RECORD_UNCLOSED_QUOTE,    /* a quoted field ran to the end of the file */
  SD_CSV_RECORD_STRAY_QUOTE,       /* text right after a closing quote */
} SdCsvRecordStatus;

typedef struct _SdCsvReader SdCsvReader;

/* A record has at most this many fields; more is FIELD_TOO_LARGE. */
#define SD_CSV_MAX_FIELDS 4096

/* Opens @path (“-”: standard input) once, pipes and FIFOs included: gzip is decompressed
 * on the fly and UTF-16/UTF-32 text converted to UTF-8, both told by the first bytes
 * (peeked through a buffer), not by the name. Fails when the file cannot be read or
 * its first bytes show it is binary (PNG, ZIP, …). */
SdCsvReader       *sd_csv_reader_new_for_path   (const char   *path,
                                                 GError      **error);
/* Reads @stream; @name is used in messages; @total_bytes may be 0 when unknown. */
SdCsvReader       *sd_csv_reader_new_for_stream (GInputStream *stream,
                                                 const char   *name,
                                                 guint64       total_bytes);
void               sd_csv_reader_free           (SdCsvReader  *self);
/* What sd_csv_reader_new_for_path() found: gzip data, a name ending in .gz, and the
 * charset it converts from ("UTF-8" when none). */
gboolean           sd_csv_reader_get_gzip       (SdCsvReader  *self);
gboolean           sd_csv_reader_get_named_gz   (SdCsvReader  *self);
const char        *sd_csv_reader_get_charset    (SdCsvReader  *self);
/* Starts again from the first record, as long as only the first block of the input
 * (256 KiB) was read: detection reads the header more than once from a pipe. FALSE
 * when the reader is past it. */
gboolean           sd_csv_reader_rewind         (SdCsvReader  *self);
/* That first block (after any byte order mark), while the reader is still in it; ""
 * once it is past it. */
const char        *sd_csv_reader_get_first_block (SdCsvReader *self,
                                                 gsize       *length);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdCsvReader, sd_csv_reader_free)

void               sd_csv_reader_set_separator  (SdCsvReader  *self,
                                                 char          separator);
/* 0 turns quoting off (MovieLens files use none). */
void               sd_csv_reader_set_quote      (SdCsvReader  *self,
                                                 char          quote);
void               sd_csv_reader_set_max_field  (SdCsvReader  *self,
                                                 gsize         max_bytes);
/* Strip spaces and tabs around every field. */
void               sd_csv_reader_set_trim       (SdCsvReader  *self,
                                                 gboolean      trim);
/* Text that is not valid UTF-8 is converted from @charset (default: WINDOWS-1252,
 * falling back to ISO-8859-1 for the bytes it leaves undefined). */
void               sd_csv_reader_set_fallback_charset (SdCsvReader *self,
                                                       const char  *charset);

/* From the next sd_csv_reader_next() on, parse on a thread of its own, a few hundred
 * records ahead of the caller, which then only takes them: an importer's work and the
 * parsing run on two cores. Everything reads as without it (resync included); the
 * reader's settings cannot change after that. Only for input that cannot stall (a file,
 * memory): freeing the reader waits for the thread, which may be waiting for a pipe. */
void               sd_csv_reader_set_read_ahead (SdCsvReader  *self,
                                                 gboolean      read_ahead);

/* Reads the next record, skipping blank lines. Returns FALSE at the end of the file
 * (with @error unset) or when the file cannot be read any further: an I/O or gzip
 * error, or NUL bytes (a binary file), with @error naming the file and line. */
gboolean           sd_csv_reader_next           (SdCsvReader  *self,
                                                 GError      **error);
guint              sd_csv_reader_get_n_fields   (SdCsvReader  *self);
/* Field @index of the current record, NUL-terminated; "" past the last field. */
const char        *sd_csv_reader_get_field      (SdCsvReader  *self,
                                                 guint         index,
                                                 gsize        *length);
SdCsvRecordStatus  sd_csv_reader_get_status     (SdCsvReader  *self);
/* The 1-based line where the current record starts. */
guint64            sd_csv_reader_get_line       (SdCsvReader  *self);
/* TRUE when the record runs over more than one line. */
gboolean           sd_csv_reader_get_multiline  (SdCsvReader  *self);
/* TRUE when some field of the record was converted from the fallback charset. */
gboolean           sd_csv_reader_get_reencoded  (SdCsvReader  *self);
/* The record's text as read, without its line end (possibly cut when huge). */
const char        *sd_csv_reader_get_raw        (SdCsvReader  *self,
                                                 gsize        *length);
/* Gives up on the current record beyond its first line: the next record is read from
 * the line after the one where the current record started. A record that runs over
 * several lines and goes wrong stops where it went wrong (or at 4 × the field limit),
 * and the lines it took are read again with every quote ending at its line, so
 * recovering costs at most one more reading of the file and drops no line. Always TRUE
 * (it used to fail for records too large to keep). */
gboolean           sd_csv_reader_resync         (SdCsvReader  *self);
/* Bytes handed to the parser so far, lines read again after a resync included: for
 * tests that check the reading stays linear in the size of the file. */
guint64            sd_csv_reader_get_bytes_scanned (SdCsvReader *self);

/* Progress: bytes of the file (compressed, for .gz) consumed so far, and its size. */
guint64            sd_csv_reader_get_bytes_read  (SdCsvReader *self);
guint64            sd_csv_reader_get_bytes_total (SdCsvReader *self);
const char        *sd_csv_reader_get_name       (SdCsvReader  *self);

/* Writing: every CSV the project writes goes through SdCsvWriter, which appends rows to
 * a GString the caller owns (and may write out and truncate between rows). A field is
 * quoted when it holds the separator, a quote, a CR or LF, or starts or ends with a
 * space (RFC 4180: the field in quotes, each quote inside doubled); numbers are written
 * with '.' whatever the locale, so a comma-decimal locale cannot split a field. Rows end
 * in LF unless sd_csv_writer_set_crlf() is set. */
typedef struct _SdCsvWriter SdCsvWriter;

/* @out is borrowed: it must outlive the writer. */
SdCsvWriter       *sd_csv_writer_new            (GString      *out);
void               sd_csv_writer_free           (SdCsvWriter  *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdCsvWriter, sd_csv_writer_free)

void               sd_csv_writer_set_separator  (SdCsvWriter  *self,
                                                 char          separator);
/* CRLF line ends, as RFC 4180 and spreadsheets on Windows have them. */
void               sd_csv_writer_set_crlf       (SdCsvWriter  *self,
                                                 gboolean      crlf);
/* Quote every text field, needed or not (numbers stay bare). */
void               sd_csv_writer_set_quote_all  (SdCsvWriter  *self,
                                                 gboolean      quote_all);

/* One field of the current row; NULL is an empty field. */
void               sd_csv_writer_add_string     (SdCsvWriter  *self,
                                                 const char   *value);
void               sd_csv_writer_add_int        (SdCsvWriter  *self,
                                                 gint64        value);
/* @format is a g_ascii_formatd() format ("%.6g", "%.2f"), or NULL for the shortest text
 * that reads back as the same double; a value that is not finite is an empty field. */
void               sd_csv_writer_add_double     (SdCsvWriter  *self,
                                                 const char   *format,
                                                 double        value);
/* Ends the current row. A row of one empty field is written as "" (an empty line would
 * be skipped by readers). */
void               sd_csv_writer_end_row        (SdCsvWriter  *self);
/* A whole row of strings: the fields, then NULL. */
void               sd_csv_writer_add_row        (SdCsvWriter  *self,
                                                 const char   *first,
                                                 ...) G_GNUC_NULL_TERMINATED;

G_END_DECLS
