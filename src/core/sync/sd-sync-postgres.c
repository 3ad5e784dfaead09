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

#include "sd-error.h"
#include "sd-sync-source-private.h"

#define FETCH_ROWS 2000

typedef struct {
  SdSyncSource  parent;
  PGconn       *conn;
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

static gboolean
pg_exec (PgSource   *self,
         const char *sql,
         GError    **error)
{
  PGresult *result = PQexec (self->conn, sql);
  gboolean ok = pg_ok (self, result, _("PostgreSQL refused a query"), error);

  PQclear (result);
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
      PGresult *result = PQexecParams (self->conn,
                                       "SELECT column_name::text, data_type::text FROM information_schema.columns"
                                       " WHERE table_schema = $1 AND table_name = $2",
                                       2, NULL, values, NULL, NULL, 0);
      g_autofree char *label = view_label (self, s);

      g_clear_pointer (&self->columns[s], g_hash_table_unref);
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
      self->result = PQexec (self->source->conn, fetch);
      self->row = 0;
      if (!pg_ok (self->source, self->result, self->label, error))
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
  result = PQexecParams (self->conn, declare, since >= 0 ? 1 : 0, NULL, values, NULL, NULL, 0);
  ok = pg_ok (self, result, cursor->label, error);
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
      result = PQexec (self->conn, sql);
      if (!pg_ok (self, result, label, error))
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
  PGresult *result = PQexec (self->conn, "ROLLBACK");

  PQclear (result);
}

static void
pg_free (SdSyncSource *source)
{
  PgSource *self = (PgSource *) source;

  for (guint s = 0; s < SD_SYNC_N_STREAMS; s++)
    g_clear_pointer (&self->columns[s], g_hash_table_unref);
  if (self->conn)
    PQfinish (self->conn);
  g_free (self->schema);
  g_free (self);
}

static const SdSyncSourceClass pg_class = {
  "postgresql", pg_begin, pg_has, pg_rows, pg_keys, pg_describe, pg_end, pg_free,
};

SdSyncSource *
sd_sync_postgres_open (const SdSyncUri  *uri,
                       GError          **error)
{
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  g_autofree char *port = uri->port > 0 ? g_strdup_printf ("%d", uri->port) : NULL;
  gboolean has_timeout = FALSE;
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
      has_timeout |= g_str_equal (uri->params->pdata[i], "connect_timeout");
      ADD (uri->params->pdata[i], uri->params->pdata[i + 1]);
    }
  if (!has_timeout)
    ADD ("connect_timeout", "10");
#undef ADD
  g_ptr_array_add (keys, NULL);
  g_ptr_array_add (values, NULL);

  self = g_new0 (PgSource, 1);
  self->parent.klass = &pg_class;
  self->parent.id = sd_sync_uri_to_id (uri);
  self->schema = g_strdup (uri->schema ? uri->schema : "shopdesk");
  self->conn = PQconnectdbParams ((const char *const *) keys->pdata, (const char *const *) values->pdata, 0);
  if (self->conn == NULL || PQstatus (self->conn) != CONNECTION_OK)
    {
      g_autofree char *message = self->conn ? pg_message (self->conn) : g_strdup (_("out of memory"));
      g_autofree char *where = uri->socket ? g_strdup (uri->socket)
                                           : g_strdup_printf ("%s:%d", uri->host ? uri->host : "localhost",
                                                              uri->port > 0 ? uri->port : 5432);

      g_set_error (error, SD_ERROR, SD_ERROR_FAILED,
                   _("Could not connect to PostgreSQL at %s, database %s: %s"), where, uri->database, message);
      sd_sync_source_free (&self->parent);
      return NULL;
    }
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
