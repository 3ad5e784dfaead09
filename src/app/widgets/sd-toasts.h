/* sd-toasts.h — toasts shown one after another, never two leaving the screen at once */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Shows @message on @overlay for @timeout seconds, after the toasts before it. libadwaita
 * 1.2's overlay keeps one leaving toast only: a second one dismissed while the first is
 * still fading out frees the first's state under its running animation, and the next frame
 * crashes. So a toast here waits until the one before has gone and faded out. */
void sd_toasts_show (AdwToastOverlay *overlay,
                     const char      *message,
                     guint            timeout);

/* The same on the toast overlay inside @widget: an AdwPreferencesWindow keeps one of its
 * own, on which adw_preferences_window_add_toast() puts toasts as quickly as they come. */
void sd_toasts_show_in (GtkWidget       *widget,
                        const char      *message,
                        guint            timeout);

G_END_DECLS
