/* sd-sync-mariadb.c — MariaDB and MySQL (libmariadb): WooCommerce, or the generic contract
 *
 * One connection, one read-only transaction WITH CONSISTENT SNAPSHOT for the whole sync;
 * every query is a prepared statement (the watermark bound, never pasted in) whose rows are
 * fetched as text one at a time, so a large table streams. The session's zone is UTC, so
 * UNIX_TIMESTAMP and FROM_UNIXTIME read WooCommerce's *_gmt columns as they are.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <mysql.h>
#include <errmsg.h>
#include <string.h>

#include "sd-error.h"
#include "sd-sync-source-private.h"
#include "sd-sync-woocommerce.h"

typedef struct {
  SdSyncSource  parent;
  MYSQL        *conn;
  SdSyncUri    *uri;          /* to connect again, for a KILL QUERY */
  unsigned long thread_id;    /* the connection's, which KILL QUERY names */
  gboolean      woocommerce;
  char         *prefix;       /* woocommerce */
  gboolean      hpos;         /* woocommerce: wc_orders is there */
  char         *schema;       /* generic: the database holding the views */
  GHashTable   *columns[SD_SYNC_N_STREAMS];  /* generic: column → data type */
  gboolean      present[SD_SYNC_N_STREAMS];
} MySource;

static void
my_quote (GString    *out,
          const char *name)
{
  sd_sync_quote (out, '`', name);
}

static gboolean
is_integer_type (const char *t)
{
  return g_str_has_suffix (t, "int");   /* tinyint, smallint, mediumint, int, bigint */
}

static gboolean
is_number_type (const char *t)
{
  return is_integer_type (t) || g_str_equal (t, "decimal") || g_str_equal (t, "double") || g_str_equal (t, "float");
}

static gboolean
is_text_type (const char *t)
{
  return g_str_has_suffix (t, "char") || g_str_has_suffix (t, "text") || g_str_equal (t, "enum");
}

static gboolean
is_time_type (const char *t)
{
  return g_str_equal (t, "datetime") || g_str_equal (t, "timestamp") || g_str_equal (t, "date");
}

static const SdSyncTypeClasses my_types = { is_integer_type, is_number_type, is_text_type, is_time_type, NULL };

static void
my_as_text (GString    *out,
            const char *name,
            SdSyncType  type,
            const char *t)
{
  /* Floats print as 1e6; a decimal prints every digit. */
  gboolean is_float = type == SD_SYNC_TYPE_NUMBER && (g_str_equal (t, "double") || g_str_equal (t, "float"));

  if ((type == SD_SYNC_TYPE_TIME || type == SD_SYNC_TYPE_STAMP) && is_time_type (t))
    {
      g_string_append (out, "CAST(FLOOR(UNIX_TIMESTAMP(");
      my_quote (out, name);
      g_string_append (out, ")) AS CHAR)");
      return;
    }
  g_string_append (out, is_float ? "CAST(CAST(" : "CAST(");
  my_quote (out, name);
  g_string_append (out, is_float ? " AS DECIMAL(20,4)) AS CHAR)" : " AS CHAR)");
}

static void
my_since (GString    *out,
          const char *name,
          const char *t)
{
  my_quote (out, name);
  g_string_append (out, is_time_type (t) ? " >= FROM_UNIXTIME(?)" : " >= ?");
}

static const SdSyncDialect my_dialect = { my_quote, my_as_text, my_since, &my_types };

static gboolean
my_fail (MySource   *self,
         const char *what,
         GError    **error)
{
  g_set_error (error, SD_ERROR, SD_ERROR_FAILED, "%s: %s", what, mysql_error (self->conn));
  return FALSE;
}

static gboolean
my_exec (MySource   *self,
         const char *sql,
         GError    **error)
{
  int rc;

  if (!sd_sync_source_enter (&self->parent, FALSE, error))
    return FALSE;
  rc = mysql_real_query (self->conn, sql, strlen (sql));
  sd_sync_source_leave (&self->parent);
  if (rc != 0)
    return my_fail (self, _("MariaDB refused a query"), error);
  return TRUE;
}

/* A prepared statement read row by row, every column as text. */
typedef struct {
  SdSyncCursor  parent;
  MySource     *source;
  MYSQL_STMT   *stmt;
  char         *label;
  guint         n_columns;
  MYSQL_BIND   *bind;
  char        **buffers;
  unsigned long *lengths;
  my_bool      *nulls;
  my_bool      *errors;
} MyCursor;

static void
my_cursor_free (SdSyncCursor *cursor)
{
  MyCursor *self = (MyCursor *) cursor;

  /* Closing reads the rest of the result, which a cancel must be able to cut short too. */
  if (self->stmt)
    {
      sd_sync_source_enter (&self->source->parent, TRUE, NULL);
      mysql_stmt_close (self->stmt);
      sd_sync_source_leave (&self->source->parent);
    }
  for (guint i = 0; self->buffers && i < self->n_columns; i++)
    g_free (self->buffers[i]);
  g_free (self->buffers);
  g_free (self->bind);
  g_free (self->lengths);
  g_free (self->nulls);
  g_free (self->errors);
  g_free (self->label);
  g_free (self);
}

static gboolean
my_cursor_fail (MyCursor *self,
                GError  **error)
{
  g_set_error (error, SD_ERROR, SD_ERROR_FAILED, "%s: %s", self->label, mysql_stmt_error (self->stmt));
  return FALSE;
}

static gboolean
my_cursor_next (SdSyncCursor  *cursor,
                GError       **error)
{
  MyCursor *self = (MyCursor *) cursor;
  int rc;

  if (!sd_sync_source_enter (&self->source->parent, FALSE, error))
    return FALSE;
  rc = mysql_stmt_fetch (self->stmt);
  sd_sync_source_leave (&self->source->parent);
  if (rc == MYSQL_NO_DATA)
    return FALSE;
  if (rc == 1)
    return my_cursor_fail (self, error);
  if (rc == MYSQL_DATA_TRUNCATED)
    {
      /* A value longer than its buffer: grow the buffer and read the column again. */
      for (guint i = 0; i < self->n_columns; i++)
        if (self->errors[i])
          {
            self->buffers[i] = g_realloc (self->buffers[i], self->lengths[i] + 1);
            self->bind[i].buffer = self->buffers[i];
            self->bind[i].buffer_length = self->lengths[i] + 1;
            if (mysql_stmt_fetch_column (self->stmt, &self->bind[i], i, 0) != 0)
              return my_cursor_fail (self, error);
          }
      if (mysql_stmt_bind_result (self->stmt, self->bind) != 0)
        return my_cursor_fail (self, error);
    }
  for (guint i = 0; i < self->n_columns; i++)
    {
      if (self->nulls[i])
        {
          self->parent.values[i] = NULL;
          continue;
        }
      self->buffers[i][MIN (self->lengths[i], self->bind[i].buffer_length - 1)] = '\0';
      self->parent.values[i] = self->buffers[i];
    }
  return TRUE;
}

static SdSyncCursor *
my_cursor_open (MySource    *self,
                const char  *sql,
                const char  *label,
                guint        n_columns,
                const char *const *params,
                guint        n_params,
                GError     **error)
{
  MyCursor *cursor = g_new0 (MyCursor, 1);
  g_autofree MYSQL_BIND *param_bind = g_new0 (MYSQL_BIND, MAX (n_params, 1));
  gboolean ok;

  cursor->parent.next = my_cursor_next;
  cursor->parent.free = my_cursor_free;
  cursor->source = self;
  cursor->label = g_strdup (label);
  cursor->n_columns = n_columns;
  cursor->stmt = mysql_stmt_init (self->conn);
  if (cursor->stmt == NULL)
    {
      my_fail (self, label, error);
      my_cursor_free (&cursor->parent);
      return NULL;
    }
  for (guint i = 0; i < n_params; i++)
    {
      param_bind[i].buffer_type = MYSQL_TYPE_STRING;
      param_bind[i].buffer = (char *) params[i];
      param_bind[i].buffer_length = strlen (params[i]);
    }
  if (!sd_sync_source_enter (&self->parent, FALSE, error))
    {
      my_cursor_free (&cursor->parent);
      return NULL;
    }
  ok = mysql_stmt_prepare (cursor->stmt, sql, strlen (sql)) == 0 &&
       (n_params == 0 || mysql_stmt_bind_param (cursor->stmt, param_bind) == 0) &&
       mysql_stmt_execute (cursor->stmt) == 0;
  sd_sync_source_leave (&self->parent);
  if (!ok)
    {
      my_cursor_fail (cursor, error);
      my_cursor_free (&cursor->parent);
      return NULL;
    }
  cursor->bind = g_new0 (MYSQL_BIND, n_columns);
  cursor->buffers = g_new0 (char *, n_columns);
  cursor->lengths = g_new0 (unsigned long, n_columns);
  cursor->nulls = g_new0 (my_bool, n_columns);
  cursor->errors = g_new0 (my_bool, n_columns);
  for (guint i = 0; i < n_columns; i++)
    {
      cursor->buffers[i] = g_malloc (256);
      cursor->bind[i].buffer_type = MYSQL_TYPE_STRING;
      cursor->bind[i].buffer = cursor->buffers[i];
      cursor->bind[i].buffer_length = 256;
      cursor->bind[i].length = &cursor->lengths[i];
      cursor->bind[i].is_null = &cursor->nulls[i];
      cursor->bind[i].error = &cursor->errors[i];
    }
  if (mysql_stmt_bind_result (cursor->stmt, cursor->bind) != 0)
    {
      my_cursor_fail (cursor, error);
      my_cursor_free (&cursor->parent);
      return NULL;
    }
  return &cursor->parent;
}

/* The one value of a query with text parameters, or NULL (with @error on failure). */
static char *
my_value (MySource           *self,
          const char         *sql,
          const char *const  *params,
          guint               n_params,
          GError            **error)
{
  g_autoptr(SdSyncCursor) cursor = my_cursor_open (self, sql, _("MariaDB refused a query"), 1, params, n_params, error);
  g_autoptr(GError) local_error = NULL;

  if (cursor == NULL)
    return NULL;
  if (!cursor->next (cursor, &local_error))
    {
      if (local_error)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_strdup (cursor->values[0]);
}

static char *
stream_label (MySource     *self,
              SdSyncStream  stream)
{
  if (self->woocommerce)
    return g_strdup_printf (_("WooCommerce %s"), sd_sync_stream_info (stream)->name);
  return g_strdup_printf (_("view %s.%s"), self->schema, sd_sync_stream_info (stream)->name);
}

static gboolean
table_exists (MySource   *self,
              const char *schema,
              const char *table,
              gboolean   *exists,
              GError    **error)
{
  const char *params[2] = { schema, table };
  g_autoptr(GError) local_error = NULL;
  g_autofree char *count = my_value (self, "SELECT CAST(COUNT(*) AS CHAR) FROM information_schema.tables"
                                           " WHERE table_schema = ? AND table_name = ?", params, 2, &local_error);

  if (count == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  *exists = g_strcmp0 (count, "0") != 0;
  return TRUE;
}

static gboolean
begin_woocommerce (MySource  *self,
                   GError   **error)
{
  g_autofree char *orders = g_strconcat (self->prefix, "wc_orders", NULL);

  if (!table_exists (self, self->schema, orders, &self->hpos, error))
    return FALSE;
  for (guint s = 0; s < SD_SYNC_N_STREAMS; s++)
    {
      const char *const *tables = sd_sync_woo_tables (s);

      self->present[s] = TRUE;
      for (guint t = 0; tables[t]; t++)
        {
          g_autofree char *name = g_strconcat (self->prefix, tables[t], NULL);
          gboolean exists;

          if (!table_exists (self, self->schema, name, &exists, error))
            return FALSE;
          if (exists)
            continue;
          self->present[s] = FALSE;
          if (sd_sync_stream_info (s)->optional)
            break;
          g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND,
                       _("the database %s has no table %s: is it a WooCommerce database, and is the table prefix “%s”? (add ?prefix=… to the address)"),
                       self->schema, name, self->prefix);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
begin_generic (MySource  *self,
               GError   **error)
{
  for (guint s = 0; s < SD_SYNC_N_STREAMS; s++)
    {
      const SdSyncStreamInfo *info = sd_sync_stream_info (s);
      const char *params[2] = { self->schema, info->name };
      g_autofree char *label = stream_label (self, s);
      g_autoptr(SdSyncCursor) cursor = my_cursor_open (self, "SELECT column_name, data_type FROM information_schema.columns"
                                                             " WHERE table_schema = ? AND table_name = ?",
                                                       _("Could not read the views' columns"), 2, params, 2, error);
      g_autoptr(GError) local_error = NULL;

      g_clear_pointer (&self->columns[s], g_hash_table_unref);
      if (cursor == NULL)
        return FALSE;
      self->columns[s] = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      while (cursor->next (cursor, &local_error))
        g_hash_table_insert (self->columns[s], g_ascii_strdown (cursor->values[0], -1),
                             g_ascii_strdown (cursor->values[1], -1));
      if (local_error)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      self->present[s] = g_hash_table_size (self->columns[s]) > 0;
      if (!self->present[s])
        {
          if (info->optional)
            continue;
          g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND,
                       _("the database has no %s (or the user may not read it); README, “Sync from a database”, says what it holds"),
                       label);
          return FALSE;
        }
      if (!sd_sync_generic_check (s, label, self->columns[s], &my_dialect, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
my_begin (SdSyncSource  *source,
          GError       **error)
{
  MySource *self = (MySource *) source;

  if (!my_exec (self, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ", error) ||
      !my_exec (self, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY", error))
    return FALSE;
  return self->woocommerce ? begin_woocommerce (self, error) : begin_generic (self, error);
}

static gboolean
my_has (SdSyncSource *source,
        SdSyncStream  stream)
{
  return ((MySource *) source)->present[stream];
}

static char *
stream_select (MySource      *self,
               SdSyncStream   stream,
               gboolean       with_since,
               guint         *n_params)
{
  GString *view;
  char *sql;

  if (self->woocommerce)
    return sd_sync_woo_select (self->prefix, stream, self->hpos, with_since, n_params);
  view = g_string_new (NULL);
  my_quote (view, self->schema);
  g_string_append_c (view, '.');
  my_quote (view, sd_sync_stream_info (stream)->name);
  sql = sd_sync_generic_select (stream, view->str, self->columns[stream], &my_dialect, FALSE, with_since);
  *n_params = with_since ? 1 : 0;
  g_string_free (view, TRUE);
  return sql;
}

static SdSyncCursor *
my_rows (SdSyncSource  *source,
         SdSyncStream   stream,
         gint64         since,
         GError       **error)
{
  MySource *self = (MySource *) source;
  guint n_params;
  g_autofree char *sql = stream_select (self, stream, since >= 0, &n_params);
  g_autofree char *label = stream_label (self, stream);
  g_autofree char *what = g_strdup_printf (_("Could not read the %s"), label);
  char since_text[24];
  const char *params[4];

  g_snprintf (since_text, sizeof since_text, "%" G_GINT64_FORMAT, since);
  for (guint i = 0; i < G_N_ELEMENTS (params); i++)
    params[i] = since_text;
  g_return_val_if_fail (n_params <= G_N_ELEMENTS (params), NULL);
  return my_cursor_open (self, sql, what, sd_sync_stream_info (stream)->n_columns, params, n_params, error);
}

static SdSyncCursor *
my_keys (SdSyncSource  *source,
         SdSyncStream   stream,
         GError       **error)
{
  MySource *self = (MySource *) source;
  const SdSyncStreamInfo *info = sd_sync_stream_info (stream);
  guint n_params;
  g_autofree char *sql = stream_select (self, stream, FALSE, &n_params);
  g_autofree char *label = stream_label (self, stream);
  g_autofree char *what = g_strdup_printf (_("Could not read the %s"), label);
  GString *keys = g_string_new ("SELECT ");
  g_autofree char *keys_sql = NULL;

  /* The rows' own query, narrowed to the keys of rows not deleted. */
  for (guint i = 0; i < info->n_key; i++)
    g_string_append_printf (keys, "%sq.%s", i ? ", " : "", info->columns[i].name);
  g_string_append_printf (keys, " FROM (%s) AS q WHERE q.deleted_at IS NULL", sql);
  keys_sql = g_string_free (keys, FALSE);
  return my_cursor_open (self, keys_sql, what, info->n_key, NULL, 0, error);
}

static char *
my_describe (SdSyncSource  *source,
             GError       **error)
{
  MySource *self = (MySource *) source;
  GString *text = g_string_new (source->label);

  for (guint s = 0; s < SD_SYNC_N_STREAMS; s++)
    {
      g_autofree char *label = stream_label (self, s);
      g_autofree char *sql = NULL, *count_sql = NULL, *count = NULL;
      guint n_params;

      if (!self->present[s])
        {
          g_string_append_printf (text, "\n%s: %s", label, _("none (optional)"));
          continue;
        }
      sql = stream_select (self, s, FALSE, &n_params);
      count_sql = g_strdup_printf ("SELECT CAST(COUNT(*) AS CHAR) FROM (%s) AS q", sql);
      if (!(count = my_value (self, count_sql, NULL, 0, error)))
        {
          g_string_free (text, TRUE);
          return NULL;
        }
      g_string_append_printf (text, "\n%s: ", label);
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "%s row", "%s rows", g_ascii_strtoull (count, NULL, 10)),
                              count);
    }
  return g_string_free (text, FALSE);
}

static void
my_end (SdSyncSource *source)
{
  MySource *self = (MySource *) source;

  mysql_real_query (self->conn, "ROLLBACK", strlen ("ROLLBACK"));
}

static void
my_free (SdSyncSource *source)
{
  MySource *self = (MySource *) source;

  for (guint s = 0; s < SD_SYNC_N_STREAMS; s++)
    g_clear_pointer (&self->columns[s], g_hash_table_unref);
  if (self->conn)
    mysql_close (self->conn);
  sd_sync_uri_free (self->uri);
  g_free (self->prefix);
  g_free (self->schema);
  g_free (self);
}

static void my_interrupt (SdSyncSource *source);

static const SdSyncSourceClass my_class = {
  "mariadb", my_begin, my_has, my_rows, my_keys, my_describe, my_end, my_free, my_interrupt,
};

/* The client library's own options, by the names MySQL's and MariaDB's tools use. */
static gboolean
set_option (MYSQL       *conn,
            const char  *name,
            const char  *value,
            GError     **error)
{
  g_autofree char *key = g_strdelimit (g_ascii_strdown (name, -1), "-", '_');

  if (g_str_equal (key, "ssl_mode") || g_str_equal (key, "sslmode") || g_str_equal (key, "tls"))
    {
      g_autofree char *mode = g_ascii_strdown (value, -1);
      my_bool on = TRUE;

      if (g_str_equal (mode, "disabled") || g_str_equal (mode, "disable") || g_str_equal (mode, "preferred") ||
          g_str_equal (mode, "prefer"))
        return TRUE;
      if (g_str_equal (mode, "required") || g_str_equal (mode, "require"))
        return mysql_optionsv (conn, MYSQL_OPT_SSL_ENFORCE, &on) == 0;
      if (g_str_equal (mode, "verify_ca") || g_str_equal (mode, "verify_identity") ||
          g_str_equal (mode, "verify-ca") || g_str_equal (mode, "verify-full"))
        return mysql_optionsv (conn, MYSQL_OPT_SSL_ENFORCE, &on) == 0 &&
               mysql_optionsv (conn, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &on) == 0;
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("unknown TLS mode “%s” (disabled, preferred, required, verify_ca or verify_identity)"), value);
      return FALSE;
    }
  if (g_str_equal (key, "ssl_ca") || g_str_equal (key, "sslrootcert"))
    return mysql_optionsv (conn, MYSQL_OPT_SSL_CA, value) == 0;
  if (g_str_equal (key, "ssl_cert"))
    return mysql_optionsv (conn, MYSQL_OPT_SSL_CERT, value) == 0;
  if (g_str_equal (key, "ssl_key"))
    return mysql_optionsv (conn, MYSQL_OPT_SSL_KEY, value) == 0;
  if (g_str_equal (key, "connect_timeout") || g_str_equal (key, "read_timeout"))
    {
      guint64 seconds;
      unsigned int s;

      if (!g_ascii_string_to_unsigned (value, 10, 1, 3600, &seconds, NULL))
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT, _("%s must be a number of seconds, not “%s”"), name, value);
          return FALSE;
        }
      s = seconds;
      return mysql_optionsv (conn, g_str_equal (key, "connect_timeout") ? MYSQL_OPT_CONNECT_TIMEOUT
                                                                         : MYSQL_OPT_READ_TIMEOUT, &s) == 0;
    }
  g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
               _("unknown parameter “%s” in a mysql:// address (known: socket, ssl-mode, ssl-ca, ssl-cert, ssl-key, connect_timeout, read_timeout, prefix, flavour, schema)"),
               name);
  return FALSE;
}

/* The client connected as @uri says: its options, and the host or socket. */
static gboolean
my_options (MYSQL            *conn,
            const SdSyncUri  *uri,
            GError          **error)
{
  unsigned int timeout = 10;

  mysql_optionsv (conn, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
  mysql_optionsv (conn, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  /* The server's own option files are not read: the address says everything. */
  for (guint i = 0; i + 1 < uri->params->len; i += 2)
    if (!set_option (conn, uri->params->pdata[i], uri->params->pdata[i + 1], error))
      {
        if (error && *error == NULL)
          g_set_error (error, SD_ERROR, SD_ERROR_FAILED, "%s: %s", _("Could not set a connection option"),
                       mysql_error (conn));
        return FALSE;
      }
  return TRUE;
}

static const char *
my_host (const SdSyncUri *uri)
{
  return uri->socket ? NULL : (uri->host ? uri->host : "localhost");
}

/* KILL QUERY on a connection of its own: the server stops the statement and says so to the
 * source's connection, which stays usable. A server that cannot be reached for it within a
 * few seconds gets the source's connection cut instead (mariadb_cancel shuts its socket),
 * so the source's thread fails at once; such a source is done with (the CLI and the window
 * open a new one for every sync). */
static void
my_interrupt (SdSyncSource *source)
{
  MySource *self = (MySource *) source;
  MYSQL *killer = mysql_init (NULL);
  unsigned int seconds = 3;
  char kill[48];
  gboolean ok;

  g_snprintf (kill, sizeof kill, "KILL QUERY %lu", self->thread_id);
  ok = killer && my_options (killer, self->uri, NULL) &&
       mysql_optionsv (killer, MYSQL_OPT_CONNECT_TIMEOUT, &seconds) == 0 &&
       mysql_optionsv (killer, MYSQL_OPT_READ_TIMEOUT, &seconds) == 0 &&
       mysql_optionsv (killer, MYSQL_OPT_WRITE_TIMEOUT, &seconds) == 0 &&
       mysql_real_connect (killer, my_host (self->uri), self->uri->user, self->uri->password, NULL,
                           self->uri->port, self->uri->socket, 0) &&
       mysql_real_query (killer, kill, strlen (kill)) == 0;
  if (killer)
    mysql_close (killer);
  if (!ok)
    mariadb_cancel (self->conn);
}

/* mysql_real_connect, with the wait for the server cut short by a cancel: the client
 * library's own non-blocking connect (which keeps connect_timeout itself). */
static gboolean
my_connect (MySource      *self,
            const SdSyncUri *uri,
            GCancellable  *cancellable,
            GError       **error)
{
  MYSQL *connected = NULL;
  int wait;

  if (mysql_optionsv (self->conn, MYSQL_OPT_NONBLOCK, 0) != 0)
    return my_fail (self, _("Could not set a connection option"), error);
  wait = mysql_real_connect_start (&connected, self->conn, my_host (uri), uri->user, uri->password, uri->database,
                                   uri->port, uri->socket, 0);
  while (wait != 0)
    {
      gint64 deadline = wait & MYSQL_WAIT_TIMEOUT
                        ? g_get_monotonic_time () + mysql_get_timeout_value_ms (self->conn) * G_TIME_SPAN_MILLISECOND
                        : -1;
      gboolean for_write = (wait & MYSQL_WAIT_WRITE) && !(wait & MYSQL_WAIT_READ);
      g_autoptr(GError) local_error = NULL;
      int ready;

      if (sd_sync_wait_socket (mysql_get_socket (self->conn), for_write, deadline, cancellable, &local_error))
        ready = for_write ? MYSQL_WAIT_WRITE : MYSQL_WAIT_READ;
      else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
        ready = MYSQL_WAIT_TIMEOUT;
      else
        {
          /* mysql_close may end a non-blocking call half-way. */
          g_propagate_error (error, g_steal_pointer (&local_error));
          g_clear_pointer (&self->conn, mysql_close);
          return FALSE;
        }
      wait = mysql_real_connect_cont (&connected, self->conn, ready);
    }
  return connected != NULL;
}

SdSyncSource *
sd_sync_mariadb_open (const SdSyncUri  *uri,
                      GCancellable     *cancellable,
                      GError          **error)
{
  MySource *self = g_new0 (MySource, 1);
  g_autofree char *server = NULL;
  g_autoptr(GError) local_error = NULL;

  sd_sync_source_init (&self->parent, &my_class, sd_sync_uri_to_id (uri));
  self->uri = sd_sync_uri_copy (uri);
  self->woocommerce = uri->flavour == NULL || g_str_equal (uri->flavour, "woocommerce");
  self->parent.html_descriptions = self->woocommerce;
  self->prefix = g_strdup (uri->prefix ? uri->prefix : "wp_");
  self->schema = g_strdup (uri->schema ? uri->schema : uri->database);
  self->conn = mysql_init (NULL);
  if (!my_options (self->conn, uri, error))
    {
      sd_sync_source_free (&self->parent);
      return NULL;
    }
  if (!my_connect (self, uri, cancellable, &local_error))
    {
      g_autofree char *where = uri->socket ? g_strdup (uri->socket)
                                           : g_strdup_printf ("%s:%d", uri->host ? uri->host : "localhost",
                                                              uri->port > 0 ? uri->port : 3306);

      /* Cancelled: said as it is, for the caller to say “cancelled”. */
      if (local_error)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, SD_ERROR, SD_ERROR_FAILED, _("Could not connect to MariaDB/MySQL at %s, database %s: %s"),
                     where, uri->database, mysql_error (self->conn));
      sd_sync_source_free (&self->parent);
      return NULL;
    }
  if (!my_exec (self, "SET time_zone = '+00:00'", error))
    {
      sd_sync_source_free (&self->parent);
      return NULL;
    }
  self->thread_id = mysql_thread_id (self->conn);
  server = g_strdup (mysql_get_server_info (self->conn));
  self->parent.label = self->woocommerce
                       ? g_strdup_printf (_("WooCommerce on MariaDB/MySQL %s, database %s, table prefix %s"),
                                          server, self->schema, self->prefix)
                       : g_strdup_printf (_("MariaDB/MySQL %s, database %s"), server, self->schema);
  return &self->parent;
}
