/* sd-sync-source.c — the canonical streams, --from URIs, and the generic contract's SQL */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-error.h"
#include "sd-sync-source-private.h"

#define ID      SD_SYNC_TYPE_ID
#define TEXT    SD_SYNC_TYPE_TEXT
#define INTEGER SD_SYNC_TYPE_INTEGER
#define NUMBER  SD_SYNC_TYPE_NUMBER
#define TIME    SD_SYNC_TYPE_TIME
#define STAMP   SD_SYNC_TYPE_STAMP

/* The columns of Shopdesk's CSV formats (README, “Import formats”), plus status for
 * products (a shop database knows drafts and trash), then updated_at and deleted_at. */
static const SdSyncColumn products_columns[] = {
  { "product_id", ID, TRUE }, { "title", TEXT, TRUE }, { "description", TEXT, FALSE },
  { "category", TEXT, FALSE }, { "tags", TEXT, FALSE }, { "price", NUMBER, FALSE },
  { "stock", INTEGER, FALSE }, { "created_at", TIME, FALSE }, { "status", TEXT, FALSE },
  { "updated_at", STAMP, TRUE }, { "deleted_at", TIME, FALSE },
};
static const SdSyncColumn customers_columns[] = {
  { "customer_id", ID, TRUE }, { "name", TEXT, FALSE }, { "email", TEXT, FALSE },
  { "country", TEXT, FALSE }, { "segment", TEXT, FALSE }, { "created_at", TIME, FALSE },
  { "updated_at", STAMP, TRUE }, { "deleted_at", TIME, FALSE },
};
static const SdSyncColumn orders_columns[] = {
  { "order_id", ID, TRUE }, { "line_no", INTEGER, TRUE }, { "placed_at", TIME, TRUE },
  { "product_id", ID, TRUE }, { "quantity", INTEGER, TRUE }, { "unit_price", NUMBER, TRUE },
  { "customer_id", ID, FALSE }, { "status", TEXT, FALSE }, { "currency", TEXT, FALSE },
  { "country", TEXT, FALSE }, { "updated_at", STAMP, TRUE }, { "deleted_at", TIME, FALSE },
};
static const SdSyncColumn events_columns[] = {
  { "event_id", ID, TRUE }, { "customer_id", ID, TRUE }, { "product_id", ID, TRUE },
  { "kind", TEXT, TRUE }, { "at", TIME, TRUE }, { "quantity", INTEGER, FALSE },
  { "rating", INTEGER, FALSE }, { "review_text", TEXT, FALSE },
  { "updated_at", STAMP, TRUE }, { "deleted_at", TIME, FALSE },
};
static const SdSyncColumn coupons_columns[] = {
  { "order_id", ID, TRUE }, { "code", TEXT, TRUE }, { "discount", NUMBER, TRUE },
  { "updated_at", STAMP, TRUE }, { "deleted_at", TIME, FALSE },
};

static const SdSyncStreamInfo streams[SD_SYNC_N_STREAMS] = {
  [SD_SYNC_STREAM_PRODUCTS] = { "products", products_columns, G_N_ELEMENTS (products_columns), 1, FALSE },
  [SD_SYNC_STREAM_CUSTOMERS] = { "customers", customers_columns, G_N_ELEMENTS (customers_columns), 1, FALSE },
  [SD_SYNC_STREAM_ORDERS] = { "orders", orders_columns, G_N_ELEMENTS (orders_columns), 2, FALSE },
  [SD_SYNC_STREAM_EVENTS] = { "events", events_columns, G_N_ELEMENTS (events_columns), 1, FALSE },
  [SD_SYNC_STREAM_COUPONS] = { "coupon_uses", coupons_columns, G_N_ELEMENTS (coupons_columns), 2, TRUE },
};
G_STATIC_ASSERT (G_N_ELEMENTS (orders_columns) <= SD_SYNC_MAX_COLUMNS);
G_STATIC_ASSERT (G_N_ELEMENTS (products_columns) <= SD_SYNC_MAX_COLUMNS);

const SdSyncStreamInfo *
sd_sync_stream_info (SdSyncStream stream)
{
  g_return_val_if_fail (stream < SD_SYNC_N_STREAMS, NULL);
  return &streams[stream];
}

int
sd_sync_stream_column (SdSyncStream  stream,
                       const char   *name)
{
  const SdSyncStreamInfo *info = sd_sync_stream_info (stream);

  for (guint i = 0; i < info->n_columns; i++)
    if (g_str_equal (info->columns[i].name, name))
      return i;
  return -1;
}

void
sd_sync_cursor_free (SdSyncCursor *cursor)
{
  if (cursor)
    cursor->free (cursor);
}

/* URIs */

void
sd_sync_uri_free (SdSyncUri *uri)
{
  if (uri == NULL)
    return;
  g_free (uri->scheme);
  g_free (uri->user);
  if (uri->password)
    memset (uri->password, 0, strlen (uri->password));
  g_free (uri->password);
  g_free (uri->host);
  g_free (uri->database);
  g_free (uri->socket);
  g_free (uri->schema);
  g_free (uri->prefix);
  g_free (uri->flavour);
  g_clear_pointer (&uri->params, g_ptr_array_unref);
  g_free (uri);
}

SdSyncUri *
sd_sync_uri_copy (const SdSyncUri *uri)
{
  SdSyncUri *copy = g_new0 (SdSyncUri, 1);

  copy->scheme = g_strdup (uri->scheme);
  copy->user = g_strdup (uri->user);
  copy->password = g_strdup (uri->password);
  copy->host = g_strdup (uri->host);
  copy->database = g_strdup (uri->database);
  copy->port = uri->port;
  copy->socket = g_strdup (uri->socket);
  copy->schema = g_strdup (uri->schema);
  copy->prefix = g_strdup (uri->prefix);
  copy->flavour = g_strdup (uri->flavour);
  copy->params = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < uri->params->len; i++)
    g_ptr_array_add (copy->params, g_strdup (uri->params->pdata[i]));
  return copy;
}

/* Identifiers Shopdesk puts into SQL itself (a table prefix): letters, digits, _ only. */
static gboolean
plain_identifier (const char *name)
{
  if (name == NULL || *name == '\0' || strlen (name) > 48)
    return FALSE;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;
  return TRUE;
}

SdSyncUri *
sd_sync_uri_parse (const char  *text,
                   GError     **error)
{
  g_autoptr(SdSyncUri) uri = g_new0 (SdSyncUri, 1);
  g_autoptr(GUri) parsed = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *path, *query;

  parsed = g_uri_parse (text ? text : "", G_URI_FLAGS_HAS_PASSWORD | G_URI_FLAGS_ENCODED_QUERY, &local_error);
  if (parsed == NULL)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("“%s” is not a database address: %s"), text ? text : "", local_error->message);
      return NULL;
    }
  uri->scheme = g_ascii_strdown (g_uri_get_scheme (parsed), -1);
  if (g_str_equal (uri->scheme, "postgres"))
    g_free (g_steal_pointer (&uri->scheme)), uri->scheme = g_strdup ("postgresql");
  if (g_str_equal (uri->scheme, "mariadb"))
    g_free (g_steal_pointer (&uri->scheme)), uri->scheme = g_strdup ("mysql");
  if (!g_str_equal (uri->scheme, "postgresql") && !g_str_equal (uri->scheme, "mysql"))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("unknown kind of database “%s”: the address starts with postgresql:// or mysql://"),
                   uri->scheme);
      return NULL;
    }
  uri->user = g_strdup (g_uri_get_user (parsed));
  uri->password = g_strdup (g_uri_get_password (parsed));
  if (g_uri_get_host (parsed) && *g_uri_get_host (parsed))
    uri->host = g_strdup (g_uri_get_host (parsed));
  uri->port = MAX (g_uri_get_port (parsed), 0);
  path = g_uri_get_path (parsed);
  while (path && *path == '/')
    path++;
  if (path && *path)
    uri->database = g_strdup (path);
  uri->params = g_ptr_array_new_with_free_func (g_free);

  query = g_uri_get_query (parsed);
  if (query && *query)
    {
      g_autoptr(GHashTable) params = g_uri_parse_params (query, -1, "&", G_URI_PARAMS_NONE, &local_error);
      g_autoptr(GList) names = NULL;

      if (params == NULL)
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("the parameters of “%s” cannot be read: %s"), text, local_error->message);
          return NULL;
        }
      names = g_list_sort (g_hash_table_get_keys (params), (GCompareFunc) strcmp);
      for (GList *l = names; l; l = l->next)
        {
          const char *name = l->data, *value = g_hash_table_lookup (params, name);

          if (g_str_equal (name, "schema"))
            uri->schema = g_strdup (value);
          else if (g_str_equal (name, "prefix"))
            uri->prefix = g_strdup (value);
          else if (g_str_equal (name, "flavour") || g_str_equal (name, "flavor"))
            uri->flavour = g_ascii_strdown (value, -1);
          else if (g_str_equal (uri->scheme, "mysql") && g_str_equal (name, "socket"))
            uri->socket = g_strdup (value);
          else if (g_str_equal (uri->scheme, "postgresql") && g_str_equal (name, "host") && value[0] == '/')
            uri->socket = g_strdup (value);
          else
            {
              g_ptr_array_add (uri->params, g_strdup (name));
              g_ptr_array_add (uri->params, g_strdup (value));
            }
        }
    }
  if (uri->database == NULL)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("“%s” names no database: add it after the host, as in %s://user@host/shop"),
                   text, uri->scheme);
      return NULL;
    }
  if (uri->flavour && !g_str_equal (uri->flavour, "woocommerce") && !g_str_equal (uri->flavour, "generic"))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("unknown flavour “%s” (woocommerce or generic)"), uri->flavour);
      return NULL;
    }
  if (uri->flavour && g_str_equal (uri->scheme, "postgresql") && g_str_equal (uri->flavour, "woocommerce"))
    {
      g_set_error_literal (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                           _("WooCommerce runs on MySQL or MariaDB: use a mysql:// address"));
      return NULL;
    }
  if (uri->prefix && !plain_identifier (uri->prefix))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("the table prefix “%s” may hold only letters, digits and _"), uri->prefix);
      return NULL;
    }
  if (uri->schema && *uri->schema == '\0')
    g_clear_pointer (&uri->schema, g_free);
  return g_steal_pointer (&uri);
}

char *
sd_sync_uri_to_id (const SdSyncUri *uri)
{
  g_autofree char *user = uri->user ? g_uri_escape_string (uri->user, NULL, FALSE) : NULL;
  g_autofree char *database = g_uri_escape_string (uri->database, NULL, FALSE);
  GString *id = g_string_new (uri->scheme);
  char sep = '?';

  g_string_append (id, "://");
  if (user)
    g_string_append_printf (id, "%s@", user);
  if (uri->host)
    g_string_append (id, uri->host);
  if (uri->port > 0)
    g_string_append_printf (id, ":%d", uri->port);
  g_string_append_printf (id, "/%s", database);

#define PARAM(name, value) \
  if (value) \
    { \
      g_autofree char *escaped = g_uri_escape_string (value, "/", FALSE); \
      g_string_append_printf (id, "%c%s=%s", sep, name, escaped); \
      sep = '&'; \
    }
  PARAM (g_str_equal (uri->scheme, "mysql") ? "socket" : "host", uri->socket);
  PARAM ("schema", uri->schema);
  PARAM ("prefix", uri->prefix);
  PARAM ("flavour", uri->flavour);
  for (guint i = 0; i + 1 < uri->params->len; i += 2)
    PARAM ((const char *) uri->params->pdata[i], (const char *) uri->params->pdata[i + 1]);
#undef PARAM
  return g_string_free (id, FALSE);
}

/* The dialog's form */

void
sd_sync_connection_clear (SdSyncConnection *conn)
{
  g_clear_pointer (&conn->host, g_free);
  g_clear_pointer (&conn->socket, g_free);
  g_clear_pointer (&conn->database, g_free);
  g_clear_pointer (&conn->user, g_free);
  g_clear_pointer (&conn->tls, g_free);
  g_clear_pointer (&conn->namespace, g_free);
}

static gboolean
filled (const char *text)
{
  return text && *text;
}

char *
sd_sync_connection_to_uri (const SdSyncConnection *conn)
{
  gboolean pg = conn->kind == SD_SYNC_KIND_POSTGRESQL;
  SdSyncUri uri = { 0 };
  char *text;

  uri.scheme = pg ? "postgresql" : "mysql";
  uri.user = filled (conn->user) ? conn->user : NULL;
  uri.host = filled (conn->host) ? conn->host : NULL;
  uri.port = conn->port;
  uri.database = filled (conn->database) ? conn->database : "";
  uri.socket = filled (conn->socket) ? conn->socket : NULL;
  if (filled (conn->namespace))
    {
      if (conn->kind == SD_SYNC_KIND_WOOCOMMERCE)
        uri.prefix = conn->namespace;
      else
        uri.schema = conn->namespace;
    }
  uri.flavour = conn->kind == SD_SYNC_KIND_MARIADB ? "generic" : conn->kind == SD_SYNC_KIND_WOOCOMMERCE ? "woocommerce" : NULL;
  uri.params = g_ptr_array_new ();
  if (filled (conn->tls))
    {
      g_ptr_array_add (uri.params, pg ? "sslmode" : "ssl-mode");
      g_ptr_array_add (uri.params, conn->tls);
    }
  text = sd_sync_uri_to_id (&uri);
  g_ptr_array_unref (uri.params);
  return text;
}

gboolean
sd_sync_connection_from_uri (const char        *text,
                             SdSyncConnection  *conn,
                             GError           **error)
{
  g_autoptr(SdSyncUri) uri = sd_sync_uri_parse (text, error);

  if (uri == NULL)
    return FALSE;
  sd_sync_connection_clear (conn);
  conn->kind = g_str_equal (uri->scheme, "postgresql") ? SD_SYNC_KIND_POSTGRESQL
             : g_strcmp0 (uri->flavour, "generic") == 0 ? SD_SYNC_KIND_MARIADB : SD_SYNC_KIND_WOOCOMMERCE;
  conn->host = g_strdup (uri->host);
  conn->port = uri->port;
  conn->socket = g_strdup (uri->socket);
  conn->database = g_strdup (uri->database);
  conn->user = g_strdup (uri->user);
  conn->namespace = g_strdup (conn->kind == SD_SYNC_KIND_WOOCOMMERCE ? uri->prefix : uri->schema);
  for (guint i = 0; i + 1 < uri->params->len; i += 2)
    if (g_str_equal (uri->params->pdata[i], "sslmode") || g_str_equal (uri->params->pdata[i], "ssl-mode") ||
        g_str_equal (uri->params->pdata[i], "ssl_mode"))
      conn->tls = g_strdup (uri->params->pdata[i + 1]);
  return TRUE;
}

/* Sources */

SdSyncSource *
sd_sync_source_open (const char    *text,
                     const char    *password,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(SdSyncUri) uri = sd_sync_uri_parse (text, error);

  if (uri == NULL)
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  if (uri->password == NULL && password && *password)
    uri->password = g_strdup (password);
  if (g_str_equal (uri->scheme, "postgresql"))
    return sd_sync_postgres_open (uri, cancellable, error);
  return sd_sync_mariadb_open (uri, cancellable, error);
}

void
sd_sync_source_init (SdSyncSource            *self,
                     const SdSyncSourceClass *klass,
                     char                    *id)
{
  self->klass = klass;
  self->id = id;
  g_mutex_init (&self->call_lock);
  g_cond_init (&self->call_changed);
}

void
sd_sync_source_free (SdSyncSource *source)
{
  if (source == NULL)
    return;
  sd_sync_source_unwatch (source);
  g_free (source->id);
  g_free (source->label);
  g_mutex_clear (&source->call_lock);
  g_cond_clear (&source->call_changed);
  source->klass->free (source);
}

const char *
sd_sync_source_get_id (SdSyncSource *source)
{
  return source->id;
}

char *
sd_sync_source_describe (SdSyncSource  *source,
                         GCancellable  *cancellable,
                         GError       **error)
{
  char *text = NULL;

  sd_sync_source_watch (source, cancellable);
  if (source->klass->begin (source, error))
    text = source->klass->describe (source, error);
  /* Rolled back even when the check failed half-way, so the session is left idle. */
  sd_sync_source_unwatch (source);
  source->klass->end (source);
  /* A count the server stopped for the cancel failed in the server's words. */
  if (text == NULL && error && *error && g_cancellable_is_cancelled (cancellable))
    {
      g_clear_error (error);
      g_cancellable_set_error_if_cancelled (cancellable, error);
    }
  return text;
}

/* Cancelling what the server runs
 *
 * The source's thread is blocked in the client library while the server works, so a
 * cancel cannot be noticed there: another thread asks the server to stop the statement.
 * in_call says whether there is one to stop; a request that reached the server before the
 * statement did is lost, so it is asked again while the call lasts. */

#define INTERRUPT_AGAIN_US (300 * G_TIME_SPAN_MILLISECOND)

static gpointer
interrupter (gpointer data)
{
  SdSyncSource *self = data;

  g_mutex_lock (&self->call_lock);
  while (self->watching)
    {
      if (!self->in_call)
        {
          g_cond_wait (&self->call_changed, &self->call_lock);
          continue;
        }
      g_mutex_unlock (&self->call_lock);
      self->klass->interrupt (self);
      g_mutex_lock (&self->call_lock);
      /* The call may have ended, and unwatch come, while the request was on its way. */
      if (self->watching && self->in_call)
        g_cond_wait_until (&self->call_changed, &self->call_lock, g_get_monotonic_time () + INTERRUPT_AGAIN_US);
    }
  g_mutex_unlock (&self->call_lock);
  return NULL;
}

static void
on_cancelled (GCancellable *cancellable,
              gpointer      data)
{
  SdSyncSource *self = data;

  g_mutex_lock (&self->call_lock);
  if (self->watching && self->interrupter == NULL)
    self->interrupter = g_thread_new ("sd-sync-interrupt", interrupter, self);
  g_mutex_unlock (&self->call_lock);
}

void
sd_sync_source_watch (SdSyncSource *self,
                      GCancellable *cancellable)
{
  g_return_if_fail (!self->watching);

  if (cancellable == NULL)
    return;
  g_mutex_lock (&self->call_lock);
  self->watching = TRUE;
  self->cancellable = g_object_ref (cancellable);
  g_mutex_unlock (&self->call_lock);
  /* Already cancelled: on_cancelled runs here and now. */
  self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), self, NULL);
}

void
sd_sync_source_unwatch (SdSyncSource *self)
{
  GThread *thread;

  if (self->cancellable == NULL)
    return;
  /* Waits for an on_cancelled running in another thread. */
  g_cancellable_disconnect (self->cancellable, self->cancelled_id);
  self->cancelled_id = 0;
  g_mutex_lock (&self->call_lock);
  self->watching = FALSE;
  thread = g_steal_pointer (&self->interrupter);
  g_cond_broadcast (&self->call_changed);
  g_mutex_unlock (&self->call_lock);
  if (thread)
    g_thread_join (thread);
  g_clear_object (&self->cancellable);
}

gboolean
sd_sync_source_enter (SdSyncSource  *self,
                      gboolean       even_cancelled,
                      GError       **error)
{
  g_mutex_lock (&self->call_lock);
  if (!even_cancelled && g_cancellable_set_error_if_cancelled (self->cancellable, error))
    {
      g_mutex_unlock (&self->call_lock);
      return FALSE;
    }
  self->in_call = TRUE;
  g_cond_broadcast (&self->call_changed);
  g_mutex_unlock (&self->call_lock);
  return TRUE;
}

void
sd_sync_source_leave (SdSyncSource *self)
{
  g_mutex_lock (&self->call_lock);
  self->in_call = FALSE;
  g_cond_broadcast (&self->call_changed);
  g_mutex_unlock (&self->call_lock);
}

gboolean
sd_sync_wait_socket (int            fd,
                     gboolean       for_write,
                     gint64         deadline,
                     GCancellable  *cancellable,
                     GError       **error)
{
  GPollFD fds[2] = { { fd, for_write ? G_IO_OUT : G_IO_IN, 0 } };
  gboolean has_cancel = g_cancellable_make_pollfd (cancellable, &fds[1]);
  gboolean ok = FALSE;

  for (;;)
    {
      gint64 now = g_get_monotonic_time ();
      int timeout = deadline < 0 ? -1 : (int) MAX ((deadline - now + 999) / 1000, 0);
      int n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        break;
      if (deadline >= 0 && now >= deadline)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, _("the server did not answer in time"));
          break;
        }
      n = g_poll (fds, has_cancel ? 2 : 1, timeout);
      if (n > 0 && fds[0].revents)
        {
          ok = TRUE;
          break;
        }
    }
  if (has_cancel)
    g_cancellable_release_fd (cancellable);
  return ok;
}

/* The generic contract */

void
sd_sync_quote (GString    *out,
               char        quote,
               const char *name)
{
  g_string_append_c (out, quote);
  for (const char *p = name; *p; p++)
    {
      if (*p == quote)
        g_string_append_c (out, quote);
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, quote);
}

gboolean
sd_sync_type_fits (const SdSyncTypeClasses *c,
                   SdSyncType               type,
                   const char              *t)
{
  switch (type)
    {
    case SD_SYNC_TYPE_ID: return c->text (t) || c->number (t) || (c->key_only && c->key_only (t));
    case SD_SYNC_TYPE_INTEGER: return c->integer (t) || g_str_equal (t, "numeric") || g_str_equal (t, "decimal");
    case SD_SYNC_TYPE_NUMBER: return c->number (t);
    case SD_SYNC_TYPE_TIME: return c->time (t) || c->integer (t) || c->text (t);
    case SD_SYNC_TYPE_STAMP: return c->time (t) || c->integer (t);
    case SD_SYNC_TYPE_TEXT:
    default: return TRUE;
    }
}

static const char *
type_wanted (SdSyncType type)
{
  switch (type)
    {
    case SD_SYNC_TYPE_ID: return _("text or a whole number");
    case SD_SYNC_TYPE_INTEGER: return _("a whole number");
    case SD_SYNC_TYPE_NUMBER: return _("a number");
    case SD_SYNC_TYPE_TIME: return _("a timestamp, a date, unix seconds or text");
    case SD_SYNC_TYPE_STAMP: return _("a timestamp or unix seconds");
    case SD_SYNC_TYPE_TEXT:
    default: return _("text");
    }
}

gboolean
sd_sync_generic_check (SdSyncStream         stream,
                       const char          *view_label,
                       GHashTable          *columns,
                       const SdSyncDialect *dialect,
                       GError             **error)
{
  const SdSyncStreamInfo *info = sd_sync_stream_info (stream);

  for (guint i = 0; i < info->n_columns; i++)
    {
      const SdSyncColumn *c = &info->columns[i];
      const char *data_type = g_hash_table_lookup (columns, c->name);

      if (data_type == NULL && c->required)
        {
          g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND,
                       _("%s has no column %s, which a sync needs (README, “Sync from a database”)"),
                       view_label, c->name);
          return FALSE;
        }
      if (data_type && !sd_sync_type_fits (dialect->types, c->type, data_type))
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("%s: column %s is of type %s; it must hold %s"),
                       view_label, c->name, data_type, type_wanted (c->type));
          return FALSE;
        }
    }
  return TRUE;
}

char *
sd_sync_generic_select (SdSyncStream         stream,
                        const char          *qualified_view,
                        GHashTable          *columns,
                        const SdSyncDialect *dialect,
                        gboolean             keys_only,
                        gboolean             with_since)
{
  const SdSyncStreamInfo *info = sd_sync_stream_info (stream);
  GString *sql = g_string_new ("SELECT ");
  guint n = keys_only ? info->n_key : info->n_columns;
  const char *deleted_type = g_hash_table_lookup (columns, "deleted_at");

  for (guint i = 0; i < n; i++)
    {
      const SdSyncColumn *c = &info->columns[i];
      const char *data_type = g_hash_table_lookup (columns, c->name);

      if (i)
        g_string_append (sql, ", ");
      if (data_type)
        dialect->as_text (sql, c->name, c->type, data_type);
      else
        g_string_append (sql, "NULL");
      /* Named as the contract names it, so a query around this one can pick the keys. */
      g_string_append (sql, " AS ");
      dialect->quote (sql, c->name);
    }
  g_string_append_printf (sql, " FROM %s", qualified_view);
  if (with_since)
    {
      g_string_append (sql, " WHERE ");
      dialect->since (sql, "updated_at", g_hash_table_lookup (columns, "updated_at"));
    }
  else if (keys_only && deleted_type)
    {
      g_string_append (sql, " WHERE ");
      dialect->quote (sql, "deleted_at");
      g_string_append (sql, " IS NULL");
    }
  return g_string_free (sql, FALSE);
}
