/* sd-store.c — one shop's SQLite database: opening it, its statements and transactions
 *
 * The schema grows by appending to `migrations` (sd-store-schema.c): entry N brings a
 * database from user_version N to N + 1, inside one transaction, so a failed migration
 * leaves the file as it was. Never edit an entry that has shipped; add a new one.
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "sd-error.h"
#include "sd-random.h"
#include "sd-store-private.h"
#include "sd-summary.h"

G_DEFINE_FINAL_TYPE (SdStore, sd_store, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char *const event_kind_names[SD_N_EVENT_KINDS] = {
  "view", "cart", "purchase", "review"
};

const char *
sd_event_kind_to_string (SdEventKind kind)
{
  g_return_val_if_fail (kind < SD_N_EVENT_KINDS, NULL);
  return event_kind_names[kind];
}

gboolean
sd_event_kind_from_string (const char  *str,
                           SdEventKind *out)
{
  for (guint i = 0; i < SD_N_EVENT_KINDS; i++)
    if (str && g_ascii_strcasecmp (str, event_kind_names[i]) == 0)
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}

void
sd_stmt_release (SdStmt *stmt)
{
  if (stmt == NULL)
    return;
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

static void
finalize_stmt (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

static void
sd_store_finalize (GObject *object)
{
  SdStore *self = SD_STORE (object);

  g_clear_pointer (&self->stmts, g_hash_table_unref);
  if (self->db)
    sqlite3_close_v2 (self->db);
  /* Closing releases this connection's run locks: its runs count as interrupted now. */
  if (self->lock_fd >= 0)
    close (self->lock_fd);
  g_clear_object (&self->wait_cancellable);
  g_clear_object (&self->interrupt_cancellable);
  g_clear_pointer (&self->queued_points, g_array_unref);
  g_free (self->path);

  G_OBJECT_CLASS (sd_store_parent_class)->finalize (object);
}

static void
sd_store_class_init (SdStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = sd_store_finalize;
  /* Before the first connection starts SQLite: without its running total of memory in use
   * (which nothing here reads), an allocation takes no global lock, and an import of half
   * a million rows makes millions of them. Refused, harmlessly, once SQLite has started. */
  sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 0);
}

void
sd_store_notify_changed (SdStore *self)
{
  sd_store_notify_changed_detail (self, SD_STORE_CHANGED_DATA);
}

void
sd_store_notify_changed_detail (SdStore    *self,
                                const char *what)
{
  g_return_if_fail (SD_IS_STORE (self));
  g_return_if_fail (what != NULL);
  g_signal_emit (self, signals[SIGNAL_CHANGED], g_quark_from_string (what));
}

static void
sd_store_init (SdStore *self)
{
  self->stmts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       finalize_stmt);
  self->wait_timeout_ms = 5000;
  self->lock_fd = -1;
  self->queued_points = g_array_new (FALSE, FALSE, sizeof (QueuedPoint));
}

/* What PRAGMA quick_check finds, as one line. Only asked once SQLite has reported
 * corruption: it reads the whole file, so it never runs on an ordinary open. */
static char *
quick_check_findings (sqlite3 *db)
{
  g_autoptr(GString) found = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if ((rc = sqlite3_prepare_v2 (db, "PRAGMA quick_check(5)", -1, &stmt, NULL)) == SQLITE_OK)
    {
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        {
          const char *line = (const char *) sqlite3_column_text (stmt, 0);
          g_auto(GStrv) parts = NULL;
          if (line == NULL || strcmp (line, "ok") == 0)
            continue;
          /* One finding may span lines ("*** in database main ***\nPage 12: …"). */
          parts = g_strsplit (line, "\n", -1);
          for (guint i = 0; parts[i]; i++)
            if (*parts[i])
              g_string_append_printf (found, "%s%s", found->len ? "; " : "", parts[i]);
        }
    }
  if (rc != SQLITE_DONE && found->len == 0)
    g_string_append (found, sqlite3_errmsg (db));
  sqlite3_finalize (stmt);
  if (found->len == 0)
    g_string_append (found, sqlite3_errstr (SQLITE_CORRUPT));
  return g_string_free (g_steal_pointer (&found), FALSE);
}

static gboolean
is_damage (int code)
{
  return (code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB;
}

/* Sets @error in words a person can act on when SQLite's @code is about the file itself
 * (damaged, or not writable); FALSE for any other code. */
static gboolean
set_file_error (SdStore  *self,
                int       code,
                GError  **error)
{
  /* Stopped by sd_store_set_interrupt()'s cancellable, not by anything wrong. */
  if ((code & 0xff) == SQLITE_INTERRUPT &&
      g_cancellable_set_error_if_cancelled (self->interrupt_cancellable, error))
    return TRUE;
  if (is_damage (code))
    {
      g_autofree char *findings = quick_check_findings (self->db);
      g_set_error (error, SD_ERROR, SD_ERROR_DATABASE,
                   _("“%s” is damaged (quick check: %s)."), self->path, findings);
      return TRUE;
    }
  if ((code & 0xff) == SQLITE_BUSY)
    {
      if (g_cancellable_set_error_if_cancelled (self->wait_cancellable, error))
        return TRUE;
      g_set_error (error, SD_ERROR, SD_ERROR_DATABASE,
                   sd_store_byte_is_held (self, IMPORT_LOCK_BYTE)
                   ? _("“%s” is busy: another import into it is running. Try again when it has finished.")
                   : _("“%s” is busy: another program is writing to it. Try again when it has finished."),
                   self->path);
      return TRUE;
    }
  if ((code & 0xff) == SQLITE_READONLY)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_DATABASE,
                   _("“%s” is read-only: nothing can be changed in it."), self->path);
      return TRUE;
    }
  return FALSE;
}

gboolean
sd_store_fail (SdStore     *self,
               const char  *what,
               GError     **error)
{
  int code = sqlite3_extended_errcode (self->db);

  if (set_file_error (self, code, error))
    g_prefix_error (error, "%s: ", what);
  else
    g_set_error (error, SD_ERROR, SD_ERROR_DATABASE, "%s: %s (%s)",
                 what, sqlite3_errmsg (self->db), sqlite3_errstr (code));
  return FALSE;
}

gboolean
sd_store_exec (SdStore     *self,
               const char  *sql,
               GError     **error)
{
  char *msg = NULL;

  if (sqlite3_exec (self->db, sql, NULL, NULL, &msg) != SQLITE_OK)
    {
      if (!set_file_error (self, sqlite3_extended_errcode (self->db), error))
        g_set_error_literal (error, SD_ERROR, SD_ERROR_DATABASE, msg ? msg : _("unknown error"));
      sqlite3_free (msg);
      return FALSE;
    }
  return TRUE;
}

SdStmt *
sd_store_prepare (SdStore     *self,
                  const char  *sql,
                  GError     **error)
{
  sqlite3_stmt *stmt;

  g_return_val_if_fail (SD_IS_STORE (self), NULL);

  stmt = g_hash_table_lookup (self->stmts, sql);
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      return stmt;
    }

  if (sqlite3_prepare_v3 (self->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      sd_store_fail (self, _("Could not prepare a query"), error);
      return NULL;
    }
  g_hash_table_insert (self->stmts, g_strdup (sql), stmt);
  return stmt;
}

char *
sd_store_values_sql (const char *head,
                     guint       n_columns,
                     guint       n_rows,
                     const char *tail)
{
  GString *sql = g_string_new (head);

  g_string_append (sql, " VALUES ");
  for (guint r = 0; r < n_rows; r++)
    {
      g_string_append (sql, r ? ", (?" : "(?");
      for (guint c = 1; c < n_columns; c++)
        g_string_append (sql, ", ?");
      g_string_append_c (sql, ')');
    }
  g_string_append (sql, tail);
  return g_string_free (sql, FALSE);
}

gboolean
sd_store_begin (SdStore  *self,
                GError  **error)
{
  /* SQLite would begin and refuse only the first write: an import would then blame a
   * row of its file for what is the shop's doing. */
  if (self->read_only)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_DATABASE,
                   _("“%s” is read-only: nothing can be changed in it."), self->path);
      return FALSE;
    }
  return sd_store_exec (self, "BEGIN IMMEDIATE", error);
}

gboolean
sd_store_commit (SdStore  *self,
                 GError  **error)
{
  /* The figures of what this transaction changed go in with it (sd-summary.h). */
  gboolean ok;

  /* The summaries' statements may each be too short for the interrupt: a cancel during
   * them is still in time. */
  if (!sd_summary_refresh (self, error) || sd_store_set_error_if_interrupted (self, error))
    return FALSE;
  self->committing = TRUE;
  ok = sd_store_exec (self, "COMMIT", error);
  self->committing = FALSE;
  return ok;
}

void
sd_store_rollback (SdStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sd_store_exec (self, "ROLLBACK", NULL);
}

gboolean
sd_store_in_transaction (SdStore *self)
{
  return !sqlite3_get_autocommit (self->db);
}

/* SQLite calls this every few thousand steps of a statement (as its progress handler),
 * and before any commit (as its commit hook); non-zero stops the statement, or turns the
 * commit into a rollback. A cancelled transaction then stops inside a count over twenty
 * million events or an index build, not after it; and only sd_store_commit() commits:
 * after an interrupted write SQLite has rolled the whole transaction back, and a statement
 * a caller still ran would commit by itself. */
static int
interrupt_check (void *data)
{
  SdStore *self = data;

  return !self->committing && g_cancellable_is_cancelled (self->interrupt_cancellable);
}

void
sd_store_set_interrupt (SdStore      *self,
                        GCancellable *cancellable)
{
  g_return_if_fail (SD_IS_STORE (self));

  g_set_object (&self->interrupt_cancellable, cancellable);
  sqlite3_progress_handler (self->db, cancellable ? 10000 : 0, cancellable ? interrupt_check : NULL, self);
  sqlite3_commit_hook (self->db, cancellable ? interrupt_check : NULL, self);
}

gboolean
sd_store_set_error_if_interrupted (SdStore  *self,
                                   GError  **error)
{
  return g_cancellable_set_error_if_cancelled (self->interrupt_cancellable, error);
}

static void
update_wait (SdStore    *self,
             const char *text,
             gpointer    data)
{
  if (self->update_progress)
    self->update_progress (0.0, text, self->update_data);
}

/* The tables every shop has had since schema 1. */
#define SHOP_TABLES "'customers', 'products', 'orders', 'order_lines', 'events', 'imports'"
#define N_SHOP_TABLES 6

typedef enum {
  SHOP_NEW,        /* no tables yet: a shop only if we may create one */
  SHOP_OURS,
} ShopKind;

static gboolean
starts_like_sqlite (const char *path)
{
  static const char magic[16] = "SQLite format 3";
  char head[16] = { 0 };
  FILE *file = g_fopen (path, "rb");
  gboolean same;

  if (file == NULL)
    return FALSE;
  same = fread (head, 1, sizeof head, file) == sizeof head && memcmp (head, magic, sizeof head) == 0;
  fclose (file);
  return same;
}

/* Reads what the file is before anything writes to it, so that another application's
 * database, a file from a newer Shopdesk or a damaged one is refused unchanged. Reads only
 * the schema table and the header: instant at any size. */
static gboolean
check_shop (SdStore   *self,
            ShopKind  *kind,
            int       *version_out,
            GError   **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *message = NULL;
  int rc, version = 0, tables = 0, ours = 0;

  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT (SELECT user_version FROM pragma_user_version),"
                           " (SELECT count(*) FROM sqlite_master WHERE type = 'table'),"
                           " (SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                           "   AND name IN (" SHOP_TABLES "))",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      version = sqlite3_column_int (stmt, 0);
      tables = sqlite3_column_int (stmt, 1);
      ours = sqlite3_column_int (stmt, 2);
      rc = SQLITE_OK;
    }
  if (rc != SQLITE_OK)
    {
      rc = sqlite3_extended_errcode (self->db);
      message = g_strdup (sqlite3_errmsg (self->db));
    }
  sqlite3_finalize (stmt);

  if ((rc & 0xff) == SQLITE_NOTADB && !starts_like_sqlite (self->path))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                   _("“%s” is not a Shopdesk shop: it is not an SQLite database."), self->path);
      return FALSE;
    }
  if (rc != SQLITE_OK)
    {
      /* Not "read-only" here: reading is all this was, and it failed. */
      if (!is_damage (rc) || !set_file_error (self, rc, error))
        g_set_error (error, SD_ERROR, SD_ERROR_DATABASE, _("Could not read “%s”: %s."),
                     self->path, message);
      return FALSE;
    }

  if (version < 0)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_DATABASE,
                   _("“%s” is damaged: its schema version is %d, which no Shopdesk writes."),
                   self->path, version);
      return FALSE;
    }
  if (version > sd_store_schema_version ())
    {
      g_set_error (error, SD_ERROR, SD_ERROR_UNSUPPORTED,
                   _("“%s” was made by a newer Shopdesk (schema %d; this version knows up to %d)."),
                   self->path, version, sd_store_schema_version ());
      return FALSE;
    }
  if ((version == 0 && tables > 0) || (version > 0 && ours < N_SHOP_TABLES))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT,
                   _("“%s” is an SQLite database of another application, not a Shopdesk shop."),
                   self->path);
      return FALSE;
    }
  *kind = version == 0 ? SHOP_NEW : SHOP_OURS;
  *version_out = version;
  return TRUE;
}

/* Whether Shopdesk could write the shop: the file, and its folder for the WAL and the
 * shared-memory index. */
static gboolean
can_write (const char *path,
           gboolean    exists)
{
  g_autofree char *dir = g_path_get_dirname (path);

  return (!exists || g_access (path, W_OK) == 0) && g_access (dir, W_OK) == 0;
}

static int
open_read_only (SdStore *self)
{
  g_autofree char *dir = g_path_get_dirname (self->path);
  g_autofree char *wal = g_strconcat (self->path, "-wal", NULL);
  g_autofree char *absolute = g_canonicalize_filename (self->path, NULL);
  g_autofree char *base_uri = g_filename_to_uri (absolute, NULL, NULL);
  g_autofree char *uri = NULL;

  if (base_uri == NULL)
    return SQLITE_CANTOPEN;
  /* Reading a WAL shop needs its -shm file, which a folder we cannot write cannot get. With
   * no -wal file either, nothing is in flight, and SQLite may read the file as it stands. */
  if (g_access (dir, W_OK) != 0 && !g_file_test (wal, G_FILE_TEST_EXISTS))
    uri = g_strconcat (base_uri, "?immutable=1", NULL);
  else
    uri = g_strconcat (base_uri, "?mode=ro", NULL);
  return sqlite3_open_v2 (uri, &self->db,
                          SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL);
}

/* Runs left 'running' by a process that died are marked 'interrupted' (see RUN_LOCK_BASE).
 * Only a tidy-up: when the shop is busy it is left to the next opening. */
static void
mark_interrupted_runs (SdStore *self)
{
  g_autoptr(GArray) stale = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(SdStmt) running = sd_store_prepare (self, "SELECT id FROM runs WHERE status = 'running'", NULL);

  if (running == NULL)
    return;
  while (sqlite3_step (running) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (running, 0);
      if (!sd_store_byte_is_held (self, RUN_LOCK_BASE + id))
        g_array_append_val (stale, id);
    }
  sd_stmt_release (g_steal_pointer (&running));

  self->no_wait = TRUE;
  for (guint i = 0; i < stale->len; i++)
    {
      g_autoptr(SdStmt) mark =
        sd_store_prepare (self,
                          "UPDATE runs SET status = 'interrupted', finished_at = ?2"
                          " WHERE id = ?1 AND status = 'running'", NULL);
      if (mark == NULL)
        break;
      sqlite3_bind_int64 (mark, 1, g_array_index (stale, gint64, i));
      sqlite3_bind_int64 (mark, 2, g_get_real_time () / G_USEC_PER_SEC);
      if (sqlite3_step (mark) != SQLITE_DONE)
        break;
    }
  self->no_wait = FALSE;
}

static SdStore *
open_store (const char          *path,
            SdStoreOpenFlags     flags,
            gboolean             updating,
            SdStoreProgressFunc  progress,
            gpointer             user_data,
            GCancellable        *cancellable,
            GError             **error)
{
  g_autoptr(SdStore) self = g_object_new (SD_TYPE_STORE, NULL);
  gboolean create = (flags & SD_STORE_OPEN_CREATE) != 0;
  ShopKind kind = SHOP_NEW;
  int version = 0;
  GStatBuf st;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  self->path = g_strdup (path);
  if (g_stat (path, &st) != 0)
    {
      int saved = errno;
      if (saved != ENOENT || !create)
        {
          if (saved == ENOENT)
            g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND, _("No such shop: “%s”."), path);
          else
            g_set_error (error, SD_ERROR, SD_ERROR_DATABASE, _("Could not read “%s”: %s."),
                         path, g_strerror (saved));
          return NULL;
        }
      st.st_size = 0;
    }
  else if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT, _("“%s” is not a file."), path);
      return NULL;
    }
  else if (st.st_size == 0 && !create)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND,
                   _("“%s” is an empty file, not a Shopdesk shop."), path);
      return NULL;
    }

  self->read_only = !can_write (path, st.st_size > 0 || g_file_test (path, G_FILE_TEST_EXISTS));
  if (self->read_only)
    rc = open_read_only (self);
  else
    rc = sqlite3_open_v2 (path, &self->db,
                          SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_DATABASE, _("Could not open “%s”: %s."),
                   path, self->db ? sqlite3_errmsg (self->db) : sqlite3_errstr (rc));
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_handler (self->db, sd_store_busy_handler, self);
  /* SQLite opens a file it may not write read-only by itself, too. */
  self->read_only = self->read_only || sqlite3_db_readonly (self->db, "main") == 1;

  if (st.st_size > 0 && !check_shop (self, &kind, &version, error))
    return NULL;
  if (kind == SHOP_NEW && !create)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND,
                   _("“%s” is an empty database, not a Shopdesk shop."), path);
      return NULL;
    }
  if (self->read_only && version < sd_store_schema_version ())
    {
      g_set_error (error, SD_ERROR, SD_ERROR_DATABASE,
                   kind == SHOP_NEW ? _("“%s” is read-only: nothing can be changed in it.")
                                    : _("“%s” is read-only, and this Shopdesk would have to update it to read it."),
                   path);
      return NULL;
    }

  /* Someone else writing the shop: the update waits for them, for as long as it is not
   * cancelled; so does turning on the write-ahead log of a shop that another process is
   * filling with its first import (sd_store_journal_for_first_import). */
  if (updating && cancellable)
    sd_store_set_wait (self, cancellable, -1, progress ? update_wait : NULL, NULL);
  self->updating = updating;
  self->update_progress = progress;
  self->update_data = user_data;
  self->update_cancellable = cancellable;
  if (!self->read_only && !sd_store_exec (self, "PRAGMA journal_mode = WAL", error))
    return NULL;
  if (!sd_store_exec (self,
                      "PRAGMA synchronous = NORMAL;"
                      "PRAGMA temp_store = MEMORY;"
                      "PRAGMA cache_size = -65536;"
                      /* REPLACE deletes rows too: the summaries' triggers must hear of it. */
                      "PRAGMA recursive_triggers = ON;", error))
    return NULL;

  /* Foreign keys only once migrated: a migration that rebuilds a table must not have the
   * rows that refer to it deleted in cascade. */
  if (!self->read_only && !sd_store_migrate (self, error))
    return NULL;
  self->updating = FALSE;
  self->update_progress = NULL;
  self->update_cancellable = NULL;
  if (!sd_store_exec (self, "PRAGMA foreign_keys = ON", error))
    return NULL;
  if (!self->read_only)
    mark_interrupted_runs (self);

  return g_steal_pointer (&self);
}

SdStore *
sd_store_open_full (const char        *path,
                    SdStoreOpenFlags   flags,
                    GError           **error)
{
  return open_store (path, flags, FALSE, NULL, NULL, NULL, error);
}

gboolean
sd_store_needs_update (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  int version = -1, built = 1;
  g_autofree char *absolute = g_canonicalize_filename (path, NULL);
  g_autofree char *uri = g_filename_to_uri (absolute, NULL, NULL);

  if (uri == NULL || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return FALSE;
  if (sqlite3_open_v2 (uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK &&
      sqlite3_prepare_v2 (db, "SELECT user_version FROM pragma_user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  stmt = NULL;
  /* Shops of the current schema with unbuilt summaries; older ones lack the table. */
  if (version == sd_store_schema_version () &&
      sqlite3_prepare_v2 (db, "SELECT built FROM summary_state", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    built = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close_v2 (db);
  return (version > 0 && version < sd_store_schema_version ()) || built == 0;
}

SdStore *
sd_store_open_updating (const char          *path,
                        SdStoreOpenFlags     flags,
                        SdStoreProgressFunc  progress,
                        gpointer             user_data,
                        GCancellable        *cancellable,
                        GError             **error)
{
  return open_store (path, flags, TRUE, progress, user_data, cancellable, error);
}

SdStore *
sd_store_open (const char  *path,
               GError     **error)
{
  return sd_store_open_full (path, SD_STORE_OPEN_CREATE, error);
}

gboolean
sd_store_is_read_only (SdStore *self)
{
  g_return_val_if_fail (SD_IS_STORE (self), TRUE);
  return self->read_only;
}

const char *
sd_store_get_path (SdStore *self)
{
  g_return_val_if_fail (SD_IS_STORE (self), NULL);
  return self->path;
}

sqlite3 *
sd_store_get_db (SdStore *self)
{
  g_return_val_if_fail (SD_IS_STORE (self), NULL);
  return self->db;
}

gboolean
sd_store_count (SdStore     *self,
                const char  *sql,
                gint64      *out,
                GError     **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (self, sql, error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return sd_store_fail (self, _("Could not count rows"), error);
  *out = sqlite3_column_int64 (stmt, 0);
  return TRUE;
}

gboolean
sd_store_get_stats (SdStore       *self,
                    SdStoreStats  *stats,
                    GError       **error)
{
  return sd_summary_get_stats (self, !sd_summary_usable (self), stats, error);
}

/* The id of @sql's row for @key: its external id (?1), else the number @key is (?2); -1
 * with SD_ERROR_NOT_FOUND and @missing (a translated format taking @key) when neither. */
static gint64
find_by_key (SdStore *self, const char *sql, const char *key, const char *missing, GError **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (self, sql, error);
  gint64 number = 0;
  char *end = NULL;

  if (stmt == NULL)
    return -1;
  number = g_ascii_strtoll (key, &end, 10);
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (end && *end == '\0' && end != key)
    sqlite3_bind_int64 (stmt, 2, number);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND, missing, key);
      return -1;
    }
  return sqlite3_column_int64 (stmt, 0);
}

gint64
sd_store_find_customer (SdStore     *self,
                        const char  *key,
                        GError     **error)
{
  return find_by_key (self, "SELECT id FROM customers WHERE external_id = ?1"
                            " UNION ALL SELECT id FROM customers WHERE id = ?2 LIMIT 1",
                      key, _("There is no customer “%s” in this shop"), error);
}

gint64
sd_store_find_product (SdStore     *self,
                       const char  *key,
                       GError     **error)
{
  return find_by_key (self, "SELECT id FROM products WHERE external_id = ?1"
                            " UNION ALL SELECT id FROM products WHERE id = ?2 LIMIT 1",
                      key, _("There is no product “%s” in this shop"), error);
}

GHashTable *
sd_store_ids_by_external (SdStore       *self,
                          SdStoreKeyed   table,
                          GError       **error)
{
  const char *sql = table == SD_STORE_CUSTOMERS ? "SELECT id, external_id FROM customers"
                                                : "SELECT id, external_id FROM products";
  g_autoptr(SdStmt) stmt = sd_store_prepare (self, sql, error);
  int rc;

  if (stmt == NULL)
    return NULL;
  g_autoptr(GHashTable) ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      const char *ext = (const char *) sqlite3_column_text (stmt, 1);
      if (ext)
        g_hash_table_insert (ids, g_strdup (ext), g_memdup2 (&id, sizeof id));
    }
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (self, table == SD_STORE_CUSTOMERS ? _("Could not read a customer")
                                                       : _("Could not read the products"), error);
      return NULL;
    }
  return g_steal_pointer (&ids);
}

void
sd_store_use_temp_files (SdStore *self)
{
  sd_store_exec (self, "PRAGMA temp_store = FILE", NULL);
}

char *
sd_store_get_setting (SdStore    *self,
                      const char *key)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (self, "SELECT value FROM settings WHERE key = ?1", NULL);

  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

GBytes *
sd_store_secret_key (SdStore     *self,
                     const char  *key,
                     gsize        n_bytes,
                     gboolean     make,
                     GError     **error)
{
  g_autofree char *hex = sd_store_get_setting (self, key);
  g_autofree guint8 *bytes = g_malloc (n_bytes);
  GBytes *secret;

  if (hex == NULL || strlen (hex) != 2 * n_bytes)
    {
      GString *fresh;

      if (!make)
        return NULL;
      if (!sd_secure_random (bytes, n_bytes, error))
        return NULL;
      fresh = g_string_new (NULL);
      for (gsize i = 0; i < n_bytes; i++)
        g_string_append_printf (fresh, "%02x", bytes[i]);
      g_free (hex);
      hex = g_string_free (fresh, FALSE);
      if (!sd_store_set_setting (self, key, hex, error))
        return NULL;
    }
  for (gsize i = 0; i < n_bytes; i++)
    bytes[i] = g_ascii_xdigit_value (hex[2 * i]) * 16 + g_ascii_xdigit_value (hex[2 * i + 1]);
  secret = g_bytes_new (bytes, n_bytes);
  memset (bytes, 0, n_bytes);
  return secret;
}

gboolean
sd_store_set_setting (SdStore     *self,
                      const char  *key,
                      const char  *value,
                      GError     **error)
{
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (self,
                      "INSERT INTO settings (key, value) VALUES (?1, ?2)"
                      " ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    return sd_store_fail (self, _("Could not save a setting"), error);
  return TRUE;
}
