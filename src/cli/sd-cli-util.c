/* sd-cli-util.c — what the subcommands share: option parsing, the store, progress */
#include "config.h"

#include <glib/gi18n.h>

#include <errno.h>
#include <inttypes.h>
#include <glib-unix.h>
#include <math.h>
#include <signal.h>
#include <sys/resource.h>
#include <stdlib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "sd-cli.h"
#include "sd-error.h"
#include "sd-json-writer.h"
#include "sd-number-format.h"

gboolean
sd_cli_parse (const char    *command,
              const char    *summary,
              GOptionEntry  *entries,
              int           *argc,
              char        ***argv)
{
  g_autofree char *param = g_strdup_printf ("— %s", summary);
  g_autoptr(GOptionContext) context = g_option_context_new (param);
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = g_strdup_printf ("shopdesk-cli %s", command);

  g_set_prgname (prgname);
  /* The options' descriptions are marked N_() where they are listed; GOption looks them up
   * in Shopdesk's catalogue, and its own words ("Usage:", "Help Options:") in GLib's. */
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      g_autofree char *message = sd_cli_printable (error->message);
      fprintf (stderr, _("shopdesk-cli %s: %s\nRun “shopdesk-cli %s --help” for its options.\n"),
               command, message, command);
      return FALSE;
    }
  return TRUE;
}

static void
open_progress_cb (double      fraction,
                  const char *text,
                  gpointer    user_data)
{
  sd_cli_progress (fraction, text);
}

static SdStore *
open_store (SdCliGlobal      *global,
            SdStoreOpenFlags  flags)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *fallback = NULL;
  const char *path = global->db_path;
  SdStore *store;

  if (path == NULL)
    {
      g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "shopdesk", NULL);
      if (flags & SD_STORE_OPEN_CREATE)
        g_mkdir_with_parents (dir, 0700);
      fallback = g_build_filename (dir, "demo-shop.sqlite", NULL);
      path = fallback;
    }

  /* A large older shop takes minutes to bring up to date: say so, and how far it got. */
  if (sd_store_needs_update (path))
    {
      fprintf (stderr, _("shopdesk-cli: Bringing the shop up to date for this version of Shopdesk (once)…\n"));
      store = sd_store_open_updating (path, flags, open_progress_cb, NULL, NULL, &error);
      sd_cli_progress_done ();
    }
  else
    store = sd_store_open_full (path, flags, &error);
  if (store == NULL)
    {
      g_autofree char *message = sd_cli_printable (error->message);
      fprintf (stderr, _("shopdesk-cli: %s\n"), message);
      if (g_error_matches (error, SD_ERROR, SD_ERROR_NOT_FOUND))
        fprintf (stderr, _("A shop is made by “shopdesk-cli --db SHOP.sqlite import FILE” or "
                           "“shopdesk-cli --db SHOP.sqlite demo”.\n"));
    }
  return store;
}

SdStore *
sd_cli_open_store (SdCliGlobal *global)
{
  return open_store (global, SD_STORE_OPEN_EXISTING);
}

static GCancellable *signal_cancellable;

/* Said once per wait, whether or not stderr is a terminal: a command that seems to hang
 * should say why. */
static void
store_wait_cb (SdStore    *store,
               const char *text,
               gpointer    user_data)
{
  sd_cli_progress_done ();
  fprintf (stderr, _("shopdesk-cli: %s…\n"), text);
}

SdStore *
sd_cli_open_store_for_writing (SdCliGlobal      *global,
                               SdStoreOpenFlags  flags)
{
  g_autoptr(SdStore) store = open_store (global, flags);

  if (store && sd_store_is_read_only (store))
    {
      g_autofree char *path = sd_cli_printable (sd_store_get_path (store));
      fprintf (stderr, _("shopdesk-cli: “%s” is read-only: nothing was changed.\n"), path);
      return NULL;
    }
  /* A change waits for another import or program writing to the shop for as long as it
   * takes: Ctrl+C cancels the wait where the command listens for it (import, demo), and
   * stops the command at once elsewhere, which changes nothing either. */
  if (store)
    sd_store_set_wait (store, signal_cancellable, -1, store_wait_cb, NULL);
  return g_steal_pointer (&store);
}

/* Ctrl+C and SIGTERM during a long command. The handler may only do what is
 * async-signal-safe, so it writes a byte to a pipe, and a thread that waits on the pipe
 * cancels the work. */
static int signal_pipe[2] = { -1, -1 };
static volatile sig_atomic_t caught_signal;

static void
on_signal (int signo)
{
  int saved_errno = errno;
  char byte = 1;

  if (caught_signal != 0)
    {
      /* Asked twice: stop now. A transaction cut short is rolled back by SQLite when the
       * shop is next opened, so even this changes nothing. */
      signal (signo, SIG_DFL);
      raise (signo);
      return;
    }
  caught_signal = signo;
  if (write (signal_pipe[1], &byte, 1) < 0)
    {
      /* Nothing else is safe to do here; the work runs on, uncancelled. */
    }
  errno = saved_errno;
}

static gpointer
watch_signals (gpointer data)
{
  char byte;

  while (read (signal_pipe[0], &byte, 1) < 0 && errno == EINTR)
    ;
  g_cancellable_cancel (signal_cancellable);
  return NULL;
}

GCancellable *
sd_cli_cancel_on_signals (void)
{
  struct sigaction action = { 0 };

  if (signal_cancellable != NULL)
    return signal_cancellable;
  signal_cancellable = g_cancellable_new ();
  if (!g_unix_open_pipe (signal_pipe, FD_CLOEXEC, NULL))
    return signal_cancellable;   /* Ctrl+C keeps its default: stop at once */
  g_thread_unref (g_thread_new ("signals", watch_signals, NULL));
  action.sa_handler = on_signal;
  sigemptyset (&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction (SIGINT, &action, NULL);
  sigaction (SIGTERM, &action, NULL);
  return signal_cancellable;
}

int
sd_cli_cancelled_status (void)
{
  return 128 + (caught_signal ? caught_signal : SIGINT);
}

static gboolean progress_shown;

void
sd_cli_progress (double      fraction,
                 const char *text)
{
  static gint64 last_us;
  gint64 now = g_get_monotonic_time ();

  if (!isatty (STDERR_FILENO))
    return;
  /* Ten lines a second is as fast as anyone reads. */
  if (now - last_us < G_USEC_PER_SEC / 10 && fraction < 1.0)
    return;
  last_us = now;
  fprintf (stderr, "\r\033[K%3.0f%%  %s", fraction * 100.0, text ? text : "");
  fflush (stderr);
  progress_shown = TRUE;
}

void
sd_cli_progress_done (void)
{
  if (progress_shown)
    fprintf (stderr, "\r\033[K");
  progress_shown = FALSE;
}

void
sd_cli_print_json (SdJsonWriter *writer)
{
  g_autofree char *text = sd_json_writer_finish (writer);

  printf ("%s\n", text);
}

static char *
printable (const char *text,
           gboolean    keep_newlines)
{
  GString *out;
  const char *p, *end;

  if (text == NULL)
    return g_strdup ("");
  out = g_string_sized_new (strlen (text));
  end = text + strlen (text);
  for (p = text; p < end;)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          /* Broken UTF-8: the byte, not what a terminal would make of it. */
          g_string_append_printf (out, "\\x%02x", (guchar) *p);
          p++;
          continue;
        }
      switch (c)
        {
        case '\a': g_string_append (out, "\\a"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\n': g_string_append (out, keep_newlines ? "\n" : "\\n"); break;
        case '\v': g_string_append (out, "\\v"); break;
        case '\f': g_string_append (out, "\\f"); break;
        case '\r': g_string_append (out, "\\r"); break;
        default:
          if (c < 0x20 || c == 0x7f)
            g_string_append_printf (out, "\\x%02x", c);
          /* C1 controls (U+009B is a one-byte CSI to some terminals) and the bidirectional
           * overrides and isolates, which reorder what is shown after them. */
          else if ((c >= 0x80 && c < 0xa0) || (c >= 0x202a && c <= 0x202e) ||
                   (c >= 0x2066 && c <= 0x2069))
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_len (out, p, g_utf8_next_char (p) - p);
        }
      p = g_utf8_next_char (p);
    }
  return g_string_free (out, FALSE);
}

char *
sd_cli_printable (const char *text)
{
  return printable (text, FALSE);
}

gsize
sd_cli_text_width (const char *text)
{
  gsize width = 0;

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iszerowidth (c))
        continue;
      width += g_unichar_iswide (c) ? 2 : 1;
    }
  return width;
}

char *
sd_cli_column (const char *text,
               int         width)
{
  gsize want = (gsize) ABS (width), used = 0;
  GString *out = g_string_new (NULL);
  const char *p;

  for (p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      gsize w = g_unichar_iszerowidth (c) ? 0 : g_unichar_iswide (c) ? 2 : 1;

      if (used + w > want)
        break;
      g_string_append_unichar (out, c);
      used += w;
    }
  for (; used < want; used++)
    {
      if (width < 0)
        g_string_prepend_c (out, ' ');
      else
        g_string_append_c (out, ' ');
    }
  return g_string_free (out, FALSE);
}

char *
sd_cli_pad (const char *text,
            int         width)
{
  gsize have = sd_cli_text_width (text), want = (gsize) ABS (width);
  g_autofree char *fill = have < want ? g_strnfill (want - have, ' ') : g_strdup ("");

  return width < 0 ? g_strconcat (fill, text, NULL) : g_strconcat (text, fill, NULL);
}

char *
sd_cli_printable_lines (const char *text)
{
  return printable (text, TRUE);
}

gboolean
sd_cli_save_file (const char  *path,
                  const char  *contents,
                  gsize        length,
                  GError     **error)
{
  g_autofree char *target = NULL;
  g_autoptr(GFile) file = NULL;
  GStatBuf st;

  /* A link stays a link: the file it names gets the new contents. */
  if (g_lstat (path, &st) == 0 && S_ISLNK (st.st_mode))
    {
      char *resolved = realpath (path, NULL);
      if (resolved == NULL)
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("“%s” is a symbolic link to nothing that can be written (%s)"),
                       path, g_strerror (errno));
          return FALSE;
        }
      target = g_strdup (resolved);
      free (resolved);
    }
  else
    target = g_strdup (path);

  if (g_stat (target, &st) == 0)
    {
      if (S_ISDIR (st.st_mode))
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("“%s” is a folder; give the name of a file to write"), path);
          return FALSE;
        }
      /* Devices, named pipes and sockets are never replaced, nor written to: writing into a
       * pipe nobody reads would hang, and a device is not where a file belongs. */
      if (!S_ISREG (st.st_mode))
        {
          g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                       _("“%s” is not a regular file (a device, a named pipe or a socket): "
                       "nothing was written to it; give the name of a file"), path);
          return FALSE;
        }
    }
  else if (errno != ENOENT)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT, _("Could not write “%s”: %s"),
                   path, g_strerror (errno));
      return FALSE;
    }

  /* A temporary file beside it, renamed over it once complete: a failure or a full disk
   * leaves the old file as it was. */
  file = g_file_new_for_path (target);
  {
    g_autoptr(GError) local = NULL;
    struct rlimit limit;

    if (g_file_replace_contents (file, contents, length, NULL, FALSE, G_FILE_CREATE_NONE,
                                 NULL, NULL, &local))
      return TRUE;
    /* EFBIG (SIGXFSZ is ignored) has no error code of its own: say which limit it is. */
    if (getrlimit (RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
        (guint64) length > (guint64) limit.rlim_cur)
      g_set_error (error, SD_ERROR, SD_ERROR_FAILED,
                   _("Could not write “%s”: it takes %zu bytes and the file size limit "
                   "(ulimit -f) is %" PRIu64 " bytes"), path, length, (guint64) limit.rlim_cur);
    else
      g_propagate_error (error, g_steal_pointer (&local));
    return FALSE;
  }
}

void
sd_cli_print_error (const char   *command,
                    const GError *error)
{
  g_autofree char *message = sd_cli_printable (error->message);

  fprintf (stderr, _("shopdesk-cli %s: %s\n"), command, message);
}

void
sd_cli_json_member_id (SdJsonWriter *writer,
                       const char   *key,
                       gint64        id)
{
  sd_json_writer_key (writer, key);
  if (id > 0)
    sd_json_writer_int (writer, id);
  else
    sd_json_writer_null (writer);
}

void
sd_cli_dp_clear (SdCliDp *dp)
{
  g_clear_pointer (&dp->epsilon, g_free);
  g_clear_pointer (&dp->mechanism, g_free);
  g_clear_pointer (&dp->delta, g_free);
  g_clear_pointer (&dp->threshold, g_free);
  g_clear_pointer (&dp->max_orders, g_free);
  g_clear_pointer (&dp->max_revenue, g_free);
}

static gboolean
dp_number (const char *command,
           const char *option,
           const char *text,
           double     *out)
{
  char *end = NULL;
  double v;

  if (text == NULL)
    return TRUE;
  /* Numbers for machines: a point in every locale. */
  v = g_ascii_strtod (text, &end);
  if (end == text || *end != '\0' || !isfinite (v) || v < 0)
    {
      fprintf (stderr, _("shopdesk-cli %s: --%s “%s” is not a number of 0 or more\n"), command, option, text);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

gboolean
sd_cli_dp_options (const char    *command,
                   const SdCliDp *dp,
                   SdDpOptions   *o)
{
  double revenue = -1;

  sd_dp_options_init (o);
  if (dp->mechanism && !sd_dp_mechanism_from_string (dp->mechanism, &o->mechanism))
    {
      fprintf (stderr, _("shopdesk-cli %s: --dp-mechanism is laplace or gaussian, not “%s”\n"), command, dp->mechanism);
      return FALSE;
    }
  if (!dp_number (command, "dp", dp->epsilon, &o->epsilon) ||
      !dp_number (command, "dp-delta", dp->delta, &o->delta) ||
      !dp_number (command, "dp-threshold", dp->threshold, &o->threshold) ||
      !dp_number (command, "dp-max-orders", dp->max_orders, &o->orders_bound) ||
      !dp_number (command, "dp-max-revenue", dp->max_revenue, &revenue))
    return FALSE;
  if (revenue >= 0)
    o->revenue_bound_cents = round (revenue * 100);
  return TRUE;
}

/* One row of released figures, as people read them: counts grouped, revenue in the shop's
 * currency ("£1,234.56"); a noisy figure may be below zero. */
static void
dp_print_row (const char *column,
              double      customers,
              double      orders,
              double      revenue_cents,
              const char *currency)
{
  g_autofree char *c = sd_format_count ((gint64) llround (customers));
  g_autofree char *o = sd_format_count ((gint64) llround (orders));
  g_autofree char *r = sd_format_money ((gint64) llround (revenue_cents), currency);
  g_autofree char *c_col = sd_cli_column (c, -10);
  g_autofree char *o_col = sd_cli_column (o, -10);
  g_autofree char *r_col = sd_cli_column (r, -14);

  printf ("%s %s %s %s\n", column, c_col, o_col, r_col);
}

void
sd_cli_dp_print (const SdDpReport *r)
{
  const char *noun = r->grouping == SD_DP_BY_COUNTRY ? _("Country") : _("Segment");
  /* Headings lined up by the columns a terminal gives them (a Chinese character takes two). */
  g_autofree char *h_group = sd_cli_pad (noun, 24);
  g_autofree char *h_customers = sd_cli_pad (_("Customers"), -10);
  g_autofree char *h_orders = sd_cli_pad (_("Orders"), -10);
  g_autofree char *h_revenue = sd_cli_pad (_("Revenue"), -14);
  g_autofree char *all = sd_cli_pad (C_("all customers", "All"), 24);

  printf (_("Released with differential privacy: %s noise, ε %g spent of %g (%u queries of %g)%s\n"),
          sd_dp_mechanism_to_string (r->options.mechanism), r->epsilon_spent, r->options.epsilon,
          r->n_queries, r->epsilon_per_query,
          r->options.mechanism == SD_DP_GAUSSIAN ? _(", with δ") : "");
  printf (_("Noise per figure: customers ±%.1f, orders ±%.1f, revenue ±%.2f (scale); groups under %g customers left out: %u\n"),
          r->count_scale, r->orders_scale, r->revenue_scale / 100.0, r->options.threshold, r->n_suppressed);
  printf ("%s %s %s %s\n", h_group, h_customers, h_orders, h_revenue);
  dp_print_row (all, r->total.customers, r->total.orders, r->total.revenue_cents, r->currency);
  for (guint i = 0; i < r->cells->len; i++)
    {
      const SdDpCell *c = g_ptr_array_index (r->cells, i);
      g_autofree char *name = sd_cli_printable (c->name);
      g_autofree char *column = sd_cli_pad (name, 24);

      dp_print_row (column, c->customers, c->orders, c->revenue_cents, r->currency);
    }
}
