/* sd-window.h — the main window: a sidebar of pages over one open shop */
#pragma once

#include <adwaita.h>

#include "sd-application.h"
#include "sd-store.h"

G_BEGIN_DECLS

#define SD_TYPE_WINDOW (sd_window_get_type ())
G_DECLARE_FINAL_TYPE (SdWindow, sd_window, SD, WINDOW, AdwApplicationWindow)

SdWindow *sd_window_new          (SdApplication *app);
gboolean  sd_window_open_shop    (SdWindow      *self,
                                  const char    *path);
/* The main-thread connection to the open shop: for queries that take well under a frame. */
SdStore  *sd_window_get_store    (SdWindow      *self);
void      sd_window_show_page    (SdWindow      *self,
                                  const char    *name);
const char *sd_window_get_visible_page (SdWindow *self);
void      sd_window_toast        (SdWindow      *self,
                                  const char    *message);

G_END_DECLS
