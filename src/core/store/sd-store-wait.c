/* sd-store-wait.c — waiting on other connections: the liveness locks of runs and imports, the
 * busy handler's words for a progress line, the journal of a first import */
#include "config.h"

#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "sd-store-private.h"

static int
get_lock_fd (SdStore *self)
{
  if (self->lock_fd < 0)
    self->lock_fd = g_open (self->path, (self->read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC, 0);
  return self->lock_fd;
}

gboolean
sd_store_set_byte_lock (SdStore *self,
                        gint64   byte,
                        gboolean lock)
{
  struct flock fl = { 0 };
  int fd = get_lock_fd (self);

  if (fd < 0)
    return FALSE;
  fl.l_type = lock ? F_WRLCK : F_UNLCK;
  fl.l_whence = SEEK_SET;
  fl.l_start = byte;
  fl.l_len = 1;
  return fcntl (fd, F_OFD_SETLK, &fl) == 0;
}

/* Whether another connection, of any process, holds @byte. When that cannot be told, it is
 * taken as held: a live run wrongly called interrupted would be worse. */
gboolean
sd_store_byte_is_held (SdStore *self,
                       gint64   byte)
{
  struct flock fl = { 0 };
  int fd = get_lock_fd (self);

  if (fd < 0)
    return TRUE;
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  fl.l_start = byte;
  fl.l_len = 1;
  if (fcntl (fd, F_OFD_GETLK, &fl) != 0)
    return TRUE;
  return fl.l_type != F_UNLCK;
}

void
sd_store_set_importing (SdStore  *self,
                        gboolean  importing)
{
  g_return_if_fail (SD_IS_STORE (self));
  sd_store_set_byte_lock (self, IMPORT_LOCK_BYTE, importing);
}

/* What a change is waiting for, in words for a progress line. */
static const char *
wait_text (SdStore *self)
{
  if (sd_store_byte_is_held (self, IMPORT_LOCK_BYTE))
    return _("Waiting for another import to finish");
  return _("Waiting for the shop to be free");
}

/* A moment, so that the common wait of a few milliseconds says nothing. */
#define WAIT_TELL_AFTER_US (G_USEC_PER_SEC / 2)

/* SQLite calls this while another connection holds the lock it needs; 0 gives up (the
 * statement then fails with SQLITE_BUSY), anything else tries again. */
int
sd_store_busy_handler (void *data,
                       int   count)
{
  static const int delays_ms[] = { 1, 2, 5, 10, 15, 25, 50, 100, 150, 250 };
  SdStore *self = data;
  gint64 now = g_get_monotonic_time ();

  if (count == 0)
    {
      self->wait_started_us = now;
      self->wait_told = NULL;
    }
  if (self->no_wait)
    return 0;
  if (self->wait_cancellable && g_cancellable_is_cancelled (self->wait_cancellable))
    return 0;
  if (self->wait_timeout_ms >= 0 &&
      now - self->wait_started_us >= (gint64) self->wait_timeout_ms * 1000)
    return 0;
  if (self->wait_func && now - self->wait_started_us >= WAIT_TELL_AFTER_US)
    {
      const char *text = wait_text (self);
      if (g_strcmp0 (text, self->wait_told) != 0)
        {
          self->wait_told = text;
          self->wait_func (self, text, self->wait_data);
        }
    }
  /* Backing off: quick at first, for the short commits of a training run, then four times a
   * second, which is also how soon a cancel is noticed. */
  g_usleep (delays_ms[MIN ((guint) count, G_N_ELEMENTS (delays_ms) - 1)] * 1000);
  return 1;
}

/* @mode for the shop file, if that can be had at once; what it is after. */
static char *
try_journal_mode (SdStore    *self,
                  const char *mode)
{
  g_autofree char *sql = g_strdup_printf ("PRAGMA journal_mode = %s", mode);
  sqlite3_stmt *stmt = NULL;
  char *now = NULL;

  self->no_wait = TRUE;
  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    now = g_ascii_strdown ((const char *) sqlite3_column_text (stmt, 0), -1);
  sqlite3_finalize (stmt);
  self->no_wait = FALSE;
  return now;
}

gboolean
sd_store_journal_for_first_import (SdStore *self)
{
  g_autofree char *mode = NULL;
  gint64 empty = 0;

  g_return_val_if_fail (SD_IS_STORE (self), FALSE);
  if (self->read_only || sd_store_in_transaction (self) ||
      !sd_store_count (self,
                       "SELECT NOT EXISTS (SELECT 1 FROM order_lines) AND NOT EXISTS (SELECT 1 FROM events)"
                       " AND NOT EXISTS (SELECT 1 FROM orders) AND NOT EXISTS (SELECT 1 FROM customers)"
                       " AND NOT EXISTS (SELECT 1 FROM products)", &empty, NULL) ||
      !empty)
    return FALSE;
  /* Leaving the write-ahead log needs the shop to oneself: with another connection on it,
   * this fails at once and nothing changes. */
  mode = try_journal_mode (self, "DELETE");
  return g_strcmp0 (mode, "delete") == 0;
}

void
sd_store_journal_restore (SdStore *self)
{
  g_return_if_fail (SD_IS_STORE (self));
  /* Another process may be waiting to open the shop, and turns the log on itself; if
   * nobody does, the next opening does. */
  g_free (try_journal_mode (self, "WAL"));
}

void
sd_store_set_wait (SdStore         *self,
                   GCancellable    *cancellable,
                   int              timeout_ms,
                   SdStoreWaitFunc  func,
                   gpointer         user_data)
{
  g_return_if_fail (SD_IS_STORE (self));

  g_set_object (&self->wait_cancellable, cancellable);
  self->wait_timeout_ms = timeout_ms;
  self->wait_func = func;
  self->wait_data = user_data;
}
