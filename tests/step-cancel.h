/* step-cancel.h — cancelling a long transaction (an import, a sync) at the start of one of
 * its statements, and checking that it then ran none but the rollback's */
#pragma once

#include <gio/gio.h>
#include <sqlite3.h>

typedef struct {
  GCancellable *cancellable;
  const char   *step;    /* the statement, as its text begins, at whose start to cancel */
  GPtrArray    *after;   /* the statements started after the cancel */
} StepCancel;

static G_GNUC_UNUSED void
step_cancel_clear (StepCancel *c)
{
  g_clear_pointer (&c->after, g_ptr_array_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (StepCancel, step_cancel_clear)

/* SQLite's trace of each statement as it starts (not those of triggers, "-- …"). */
static G_GNUC_UNUSED int
step_cancel_trace (unsigned  type,
                   void     *data,
                   void     *stmt,
                   void     *text)
{
  StepCancel *c = data;
  const char *sql = text;

  if (g_str_has_prefix (sql, "--"))
    return 0;
  if (g_cancellable_is_cancelled (c->cancellable))
    g_ptr_array_add (c->after, g_strdup (sql));
  else if (g_str_has_prefix (sql, c->step))
    g_cancellable_cancel (c->cancellable);
  return 0;
}

/* Watches @db's statements for @c (NULL: no more). */
static G_GNUC_UNUSED void
step_cancel_watch (sqlite3    *db,
                   StepCancel *c)
{
  sqlite3_trace_v2 (db, c ? SQLITE_TRACE_STMT : 0, c ? step_cancel_trace : NULL, c);
}

/* The cancel came, and stopped the step's statement where it was: nothing ran after it
 * but the rollback and the pragmas that put the connection back. */
static G_GNUC_UNUSED void
step_cancel_assert_stopped (StepCancel *c)
{
  g_assert_true (g_cancellable_is_cancelled (c->cancellable));
  for (guint i = 0; i < c->after->len; i++)
    {
      const char *sql = c->after->pdata[i];

      if (!g_str_has_prefix (sql, "PRAGMA") && !g_str_has_prefix (sql, "ROLLBACK"))
        g_error ("after the cancel in “%s…”, it still ran “%.200s”", c->step, sql);
    }
}
