/* ui-notifications.h — UI tests run without a desktop notification server
 *
 * The window sends a desktop notification when a job that took more than two seconds ends
 * while it is not the active window, which under Xvfb (no window manager) it often is not,
 * and on a loaded machine even a short job takes that long. The session bus the tests see
 * has no org.freedesktop.Notifications, so GIO warns that it could not send one: a fact
 * about the test machine, not about Shopdesk, so that one warning is logged as a test
 * message and is not fatal. Every other warning still is. */
#pragma once

#include <glib.h>
#include <string.h>

static gboolean
ui_notifications_is_unsent (const char *log_domain,
                            const char *message)
{
  return g_strcmp0 (log_domain, "GLib-GIO") == 0 && message &&
         strstr (message, "unable to send notifications") != NULL;
}

static gboolean
ui_notifications_fatal_handler (const char     *log_domain,
                                GLogLevelFlags  log_level,
                                const char     *message,
                                gpointer        user_data)
{
  return !ui_notifications_is_unsent (log_domain, message);
}

static void
ui_notifications_log_handler (const char     *log_domain,
                              GLogLevelFlags  log_level,
                              const char     *message,
                              gpointer        user_data)
{
  if (ui_notifications_is_unsent (log_domain, message))
    g_test_message ("no notification server: %s", message);
  else
    g_log_default_handler (log_domain, log_level, message, user_data);
}

/* GTest clears the fatal handler after every test case, so it is set again before each
 * iteration of the main loop, where the failed notification is reported. */
static gboolean
ui_notifications_prepare (GSource *source,
                          int     *timeout)
{
  g_test_log_set_fatal_handler (ui_notifications_fatal_handler, NULL);
  *timeout = -1;
  return FALSE;
}

static gboolean
ui_notifications_check (GSource *source)
{
  return FALSE;
}

static G_GNUC_UNUSED void
ui_notifications_tolerate (void)
{
  static GSourceFuncs funcs = { ui_notifications_prepare, ui_notifications_check, NULL, NULL, NULL, NULL };
  GSource *source = g_source_new (&funcs, sizeof (GSource));

  g_source_set_priority (source, G_PRIORITY_HIGH);
  g_source_set_name (source, "ui-notifications");
  g_source_attach (source, NULL);
  g_source_unref (source);
  g_test_log_set_fatal_handler (ui_notifications_fatal_handler, NULL);
  g_log_set_handler ("GLib-GIO", G_LOG_LEVEL_WARNING | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION,
                     ui_notifications_log_handler, NULL);
}
