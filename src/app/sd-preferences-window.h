/* sd-preferences-window.h — Shopdesk's preferences, bound to GSettings */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define SD_TYPE_PREFERENCES_WINDOW (sd_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (SdPreferencesWindow, sd_preferences_window, SD, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* @settings: the application's settings (io.github.shopdesk.Shopdesk). */
GtkWidget *sd_preferences_window_new (GtkWindow *parent,
                                      GSettings *settings);

G_END_DECLS
