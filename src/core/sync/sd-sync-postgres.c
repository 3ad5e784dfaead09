/* sd-sync-postgres.c — the generic contract on PostgreSQL (libpq)
 *
 * The shop's DBA makes views named customers, products, orders and events (and, if the
 * shop has coupons, coupon_uses) in a schema (default “shopdesk”); this source checks
 * their columns, then reads them through server-side cursors in one read-only,
 * repeatable-read transaction, so every stream sees the same moment of the shop.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <libpq-fe.h>
#include <string.h>
#include <sys/socket.h>

#include "sd-error.h"
#include "sd-sync-source-private.h"

#define FETCH_ROWS 2000

typedef struct {
  SdSyncSource  parent;
  PGconn       *conn;
  PGcancel     *cancel;       /* for the interrupting thread: libpq makes PQcancel safe there */
  int           fd;           /* the connection's socket, cut when no cancel request gets through */
  char         *schema;
  GHashTable   *columns[SD_SYNC_N_STREAMS];   /* column → data type; NULL: no such view */
  guint         serial;
} PgSource;

static void
pg_quote (GString    *out,
          const char *name)
{
  sd_sync_quote (out, '"', name);
}

static gboolean
is_integer_type (const char *t)
{
  return g_str_equal (t, "smallint") || g_str_equal (t, "integer") || g_str_equal (t, "bigint");
}

static gboolean
is_number_type (const char *t)
{
  return is_integer_type (t) || g_str_equal (t, "numeric") || g_str_equal (t, "real") ||
         g_str_equal (t, "double precision");
}

static gboolean
is_text_type (const char *t)
{
  return g_str_equal (t, "text") || g_str_equal (t, "character varying") || g_str_equal (t, "character");
}

static gboolean
is_time_type (const char *t)
{
  return g_str_has_prefix (t, "timestamp") || g_str_equal (t, "date");
}

static gboolean
is_uuid_type (const char *t)
{
  return g_str_equal (t, "uuid");
}

static const SdSyncTypeClasses pg_types = { is_integer_type, is_number_type, is_text_type, is_time_type, is_uuid_type };

static void
pg_as_text (GString    *out,
            const char *name,
            SdSyncType  type,
            const char *t)
{
  if ((type == SD_SYNC_TYPE_TIME || type == SD_SYNC_TYPE_STAMP) && is_time_type (t))
    {
      /* Unix seconds: a timestamp without a zone is read as UTC, as the CSVs are. */
      g_string_append (out, "floor(extract(epoch from ");
      pg_quote (out, name);
      g_string_append (out, "))::bigint::text");
      return;
    }
  pg_quote (out, name);
  /* Floats print as 1e+06; numeric prints every digit. */
  if (type == SD_SYNC_TYPE_NUMBER && (g_str_equal (t, "real") || g_str_equal (t, "double precision")))
    g_string_append (out, "::numeric");
  g_string_append (out, "::text");
}

static void
pg_since (GString    *out,
          const char *name,
          const char *t)
{
  pg_quote (out, name);
  if (g_str_equal (t, "timestamp with time zone"))
    g_string_append (out, " >= to_timestamp($1::bigint)");
  else if (g_str_equal (t, "date"))
    g_string_append (out, " >= (to_timestamp($1::bigint) AT TIME ZONE 'UTC')::date");
  else if (is_time_type (t))
    g_string_append (out, " >= (to_timestamp($1::bigint) AT TIME ZONE 'UTC')");
  else
    g_string_append (out, " >= $1::bigint");
}

static const SdSyncDialect pg_dialect = { pg_quote, pg_as_text, pg_since, &pg_types };

/* The server's message without its trailing newline. */
static char *
pg_message (PGconn *conn)
{
  return g_strchomp (g_strdup (PQerrorMessage (conn)));
}

static gboolean
pg_ok (PgSource   *self,
       PGresult   *result,
       const char *what,
       GError    **error)
{
  ExecStatusType status = PQresultStatus (result);

  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
    return TRUE;
  {
    g_autofree char *message = pg_message (self->conn);
    g_set_error (error, SD_ERROR, SD_ERROR_FAILED, "%s: %s", what, message);
  }
  return FALSE;
}

/* A statement a cancel can stop: NULL without running it once cancelled. */
static PGresult *
pg_query (PgSource           *self,
          const char         *sql,
          int                 n_params,
          const char *const  *values,
          GError            **error)
{
  PGresult *result;

  if (!sd_sync_source_enter (&self->parent, FALSE, error))
    return NULL;
  result = PQexecParams (self->conn, sql, n_params, NULL, values, NULL, NULL, 0);
  sd_sync_source_leave (&self->parent);
  return result;
}

static gboolean
pg_exec (PgSource   *self,
         const char *sql,
         GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  PGresult *result = pg_query (self, sql, 0, NULL, &local_error);
  gboolean ok = result && pg_ok (self, result, _("PostgreSQL refused a query"), &local_error);

  PQclear (result);
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local_error));
  return ok;
}

static char *
view_label (PgSource     *self,
            SdSyncStream  stream)
{
  return g_strdup_printf (_("view %s.%s"), self->schema, sd_sync_stream_info (stream)->name);
}

static char *
qualified (PgSource     *self,
           SdSyncStream  stream)
{
  GString *out = g_string_new (NULL);

  pg_quote (out, self->schema);
  g_string_append_c (out, '.');
  pg_quote (out, sd_sync_stream_info (stream)->name);
  return g_string_free (out, FALSE);
}

static gboolean
pg_begin (SdSyncSource  *source,
          GError       **error)
{
  PgSource *self = (PgSource *) source;

  if (!pg_exec (self, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", error))
    return FALSE;
  for (guint s = 0; s < SD_SYNC_N_STREAMS; s++)
    {
      const SdSyncStreamInfo *info = sd_sync_stream_info (s);
      const char *values[2] = { self->schema, info->name };
      PGresult *result = pg_query (self,
                                   "SELECT column_name::text, data_type::text FROM information_schema.columns"
                                   " WHERE table_schema = $1 AND table_name = $2",
                                   2, values, error);
      g_autofree char *label = view_label (self, s);

      g_clear_pointer (&self->columns[s], g_hash_table_unref);
      if (result == NULL)
        return FALSE;
      if (!pg_ok (self, result, _("Could not read the views' columns"), error))
        {
          PQclear (result);
          return FALSE;
        }
      if (PQntuples (result) == 0)
        {
          PQclear (result);
          if (info->optional)
            continue;
          g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND,
                       _("the database has no %s (or the user may not read it); README, “Sync from a database”, says what it holds"),
                       label);
          return FALSE;
        }
      self->columns[s] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      for (int r = 0; r < PQntuples (result); r++)
        g_hash_table_insert (self->columns[s], g_strdup (PQgetvalue (result, r, 0)),
                             g_strdup (PQgetvalue (result, r, 1)));
      PQclear (result);
      if (!sd_sync_generic_check (s, label, self->columns[s], &pg_dialect, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
pg_has (SdSyncSource *source,
        SdSyncStream  stream)
{
  return ((PgSource *) source)->columns[stream] != NULL;
}

typedef struct {
  SdSyncCursor  parent;
  PgSource     *source;
  char         *name;
  char         *label;
  guint         n_columns;
  PGresult     *result;
  int           row;
  gboolean      done;
} PgCursor;

static gboolean
pg_cursor_next (SdSyncCursor  *cursor,
                GError       **error)
{
  PgCursor *self = (PgCursor *) cursor;

  if (self->done)
    return FALSE;
  if (self->result == NULL || self->row >= PQntuples (self->result))
    {
      g_autofree char *fetch = g_strdup_printf ("FETCH %d FROM %s", FETCH_ROWS, self->name);

      g_clear_pointer (&self->result, PQclear);
      self->result = pg_query (self->source, fetch, 0, NULL, error);
      self->row = 0;
      if (self->result == NULL || !pg_ok (self->source, self->result, self->label, error))
        {
          self->done = TRUE;
          return FALSE;
        }
      if (PQntuples (self->result) == 0)
        {
          g_autofree char *close = g_strdup_printf ("CLOSE %s", self->name);

          self->done = TRUE;
          return pg_exec (self->source, close, error) && FALSE;
        }
    }
  for (guint i = 0; i < self->n_columns; i++)
    self->parent.values[i] = PQgetisnull (self->result, self->row, i) ? NULL
                                                                        : PQgetvalue (self->result, self->row, i);
  self->row++;
  return TRUE;
}

static void
pg_cursor_free (SdSyncCursor *cursor)
{
  PgCursor *self = (PgCursor *) cursor;

  g_clear_pointer (&self->result, PQclear);
  g_free (self->name);
  g_free (self->label);
  g_free (self);
}

static SdSyncCursor *
pg_open_cursor (PgSource      *self,
                SdSyncStream   stream,
                gboolean       keys_only,
                gint64         since,
                GError       **error)
{
  const SdSyncStreamInfo *info = sd_sync_stream_info (stream);
  g_autofree char *view = qualified (self, stream);
  g_autofree char *select = sd_sync_generic_select (stream, view, self->columns[stream], &pg_dialect,
                                                    keys_only, since >= 0);
  g_autofree char *label = view_label (self, stream);
  PgCursor *cursor = g_new0 (PgCursor, 1);
  g_autofree char *declare = NULL;
  char since_text[24];
  const char *values[1] = { since_text };
  PGresult *result;
  gboolean ok;

  cursor->parent.next = pg_cursor_next;
  cursor->parent.free = pg_cursor_free;
  cursor->source = self;
  cursor->name = g_strdup_printf ("shopdesk_sync_%u", ++self->serial);
  cursor->label = g_strdup_printf (_("Could not read the %s"), label);
  cursor->n_columns = keys_only ? info->n_key : info->n_columns;
  declare = g_strdup_printf ("DECLARE %s NO SCROLL CURSOR FOR %s", cursor->name, select);
  g_snprintf (since_text, sizeof since_text, "%" G_GINT64_FORMAT, since);
  result = pg_query (self, declare, since >= 0 ? 1 : 0, values, error);
  ok = result && pg_ok (self, result, cursor->label, error);
  PQclear (result);
  if (!ok)
    {
      pg_cursor_free (&cursor->parent);
      return NULL;
    }
  return &cursor->parent;
}

static SdSyncCursor *
pg_rows (SdSyncSource  *source,
         SdSyncStream   stream,
         gint64         since,
         GError       **error)
{
  return pg_open_cursor ((PgSource *) source, stream, FALSE, since, error);
}

static SdSyncCursor *
pg_keys (SdSyncSource  *source,
         SdSyncStream   stream,
         GError       **error)
{
  return pg_open_cursor ((PgSource *) source, stream, TRUE, -1, error);
}

static char *
pg_describe (SdSyncSource  *source,
             GError       **error)
{
  PgSource *self = (PgSource *) source;
  GString *text = g_string_new (source->label);

  for (guint s = 0; s < SD_SYNC_N_STREAMS; s++)
    {
      g_autofree char *view = NULL, *sql = NULL, *label = view_label (self, s);
      PGresult *result;

      if (self->columns[s] == NULL)
        {
          g_string_append_printf (text, "\n%s: %s", label, _("none (optional)"));
          continue;
        }
      view = qualified (self, s);
      sql = g_strdup_printf ("SELECT count(*) FROM %s", view);
      result = pg_query (self, sql, 0, NULL, error);
      if (result == NULL || !pg_ok (self, result, label, error))
        {
          PQclear (result);
          g_string_free (text, TRUE);
          return NULL;
        }
      g_string_append_printf (text, "\n%s: ", label);
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%s row", "%s rows",
                                                 g_ascii_strtoull (PQgetvalue (result, 0, 0), NULL, 10)),
                              PQgetvalue (result, 0, 0));
      PQclear (result);
    }
  return g_string_free (text, FALSE);
}

static void
pg_end (SdSyncSource *source)
{
  PgSource *self = (PgSource *) source;

  /* Twice at most: a cancel request still on its way may stop the first. The session is
   * then idle again, as the next sync or description needs it. */
  for (int i = 0; i < 2; i++)
    {
      PGTransactionStatusType status = PQtransactionStatus (self->conn);

      if (status != PQTRANS_INTRANS && status != PQTRANS_INERROR)
        break;
      PQclear (PQexec (self->conn, "ROLLBACK"));
    }
}

static void
pg_interrupt (SdSyncSource *source)
{
  PgSource *self = (PgSource *) source;
  char message[256];

  /* A server that does not take the request (gone, or a proxy in the way) is not waited
   * for: the connection is cut, and the source's thread fails at once. */
  if (self->cancel && !PQcancel (self->cancel, message, sizeof message) && self->fd >= 0)
    shutdown (self->fd, SHUT_RDWR);
}

static void
pg_free (SdSyncSource *source)
{
  PgSource *self = (PgSource *) source;

  for (guint s = 0; s < SD_SYNC_N_STREAMS; s++)
    g_clear_pointer (&self->columns[s], g_hash_table_unref);
  g_clear_pointer (&self->cancel, PQfreeCancel);
  if (self->conn)
    PQfinish (self->conn);
  g_free (self->schema);
  g_free (self);
}

static const SdSyncSourceClass pg_class = {
  "postgresql", pg_begin, pg_has, pg_rows, pg_keys, pg_describe, pg_end, pg_free, pg_interrupt,
};

/* libpq's connect_timeout (seconds; 0 or none: wait for ever, under 2: 2), which only its
 * blocking connect keeps: the polling connect below keeps it itself. */
static gint64
connect_deadline (const char *timeout)
{
  gint64 seconds = timeout ? g_ascii_strtoll (timeout, NULL, 10) : 0;

  if (seconds <= 0)
    return -1;
  return g_get_monotonic_time () + MAX (seconds, 2) * G_USEC_PER_SEC;
}

/* PQconnectdbParams, with the wait for the server cut short by a cancel. */
static PGconn *
pg_connect (const char *const *keys,
            const char *const *values,
            const char        *timeout,
            GCancellable      *cancellable,
            GError           **error)
{
  PGconn *conn = PQconnectStartParams (keys, values, 0);
  PostgresPollingStatusType status = PGRES_POLLING_WRITING;
  gint64 deadline = connect_deadline (timeout);

  if (conn == NULL)
    {
      g_set_error_literal (error, SD_ERROR, SD_ERROR_FAILED, _("out of memory"));
      return NULL;
    }
  if (PQstatus (conn) == CONNECTION_BAD)
    status = PGRES_POLLING_FAILED;
  while (status != PGRES_POLLING_OK && status != PGRES_POLLING_FAILED)
    {
      if (!sd_sync_wait_socket (PQsocket (conn), status == PGRES_POLLING_WRITING, deadline, cancellable, error))
        {
          PQfinish (conn);
          return NULL;
        }
      status = PQconnectPoll (conn);
    }
  if (status == PGRES_POLLING_FAILED)
    {
      g_autofree char *message = pg_message (conn);

      g_set_error_literal (error, SD_ERROR, SD_ERROR_FAILED, message);
      PQfinish (conn);
      return NULL;
    }
  return conn;
}

SdSyncSource *
sd_sync_postgres_open (const SdSyncUri  *uri,
                       GCancellable     *cancellable,
                       GError          **error)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  g_autofree char *port = uri->port > 0 ? g_strdup_printf ("%d", uri->port) : NULL;
  const char *timeout = "10";
  g_autoptr(GError) local_error = NULL;
  PgSource *self;

#define ADD(k, v) if (v) { g_ptr_array_add (keys, (gpointer) (k)); g_ptr_array_add (values, (gpointer) (v)); }
  ADD ("host", uri->socket ? uri->socket : uri->host);
  ADD ("port", port);
  ADD ("dbname", uri->database);
  ADD ("user", uri->user);
  ADD ("password", uri->password);
  ADD ("application_name", "shopdesk");
  /* The rest goes to libpq as it is (sslmode, sslrootcert, connect_timeout, …): it names
   * any it does not know. */
  for (guint i = 0; i + 1 < uri->params->len; i += 2)
    {
      if (g_str_equal (uri->params->pdata[i], "connect_timeout"))
        timeout = uri->params->pdata[i + 1];
      else
        ADD (uri->params->pdata[i], uri->params->pdata[i + 1]);
    }
  ADD ("connect_timeout", timeout);
#undef ADD
  g_ptr_array_add (keys, NULL);
  g_ptr_array_add (values, NULL);

  self = g_new0 (PgSource, 1);
  sd_sync_source_init (&self->parent, &pg_class, sd_sync_uri_to_id (uri));
  self->schema = g_strdup (uri->schema ? uri->schema : "shopdesk");
  self->fd = -1;
  self->conn = pg_connect ((const char *const *) keys->pdata, (const char *const *) values->pdata, timeout,
                           cancellable, &local_error);
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      sd_sync_source_free (&self->parent);
      return NULL;
    }
  if (self->conn == NULL)
    {
      const char *message = local_error->message;
      g_autofree char *where = uri->socket ? g_strdup (uri->socket)
                                           : g_strdup_printf ("%s:%d", uri->host ? uri->host : "localhost",
                                                              uri->port > 0 ? uri->port : 5432);

      g_set_error (error, SD_ERROR, SD_ERROR_FAILED,
                   _("Could not connect to PostgreSQL at %s, database %s: %s"), where, uri->database, message);
      sd_sync_source_free (&self->parent);
      return NULL;
    }
  self->cancel = PQgetCancel (self->conn);
  self->fd = PQsocket (self->conn);
  /* Text as UTF-8 whatever the database's encoding; the session never writes. */
  PQsetClientEncoding (self->conn, "UTF8");
  {
    PGresult *result = PQexec (self->conn, "SET default_transaction_read_only = on");
    PQclear (result);
  }
  self->parent.label = g_strdup_printf (_("PostgreSQL %s, schema %s"),
                                        PQparameterStatus (self->conn, "server_version"), self->schema);
  return &self->parent;
}
