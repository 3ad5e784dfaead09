/* sd-application.h — the Shopdesk application: the open shop, app-wide actions */
#pragma once

#include <adwaita.h>

#include "sd-store.h"

G_BEGIN_DECLS

#define SD_TYPE_APPLICATION (sd_application_get_type ())
G_DECLARE_FINAL_TYPE (SdApplication, sd_application, SD, APPLICATION, AdwApplication)

SdApplication *sd_application_new             (void);
/* The app's settings, or NULL when the schema is not installed (an uninstalled run
 * without GSETTINGS_SCHEMA_DIR). */
GSettings     *sd_application_get_settings    (SdApplication *self);
/* Quits (app.quit, closing the window) without leaving a background thread running: asks
 * first while work the person started runs (sd_job_get_ask_before_quit), then cancels
 * every job and quits once their threads have returned, the window gone at once. */
void           sd_application_quit_safely     (SdApplication *self);

G_END_DECLS
