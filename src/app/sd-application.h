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

G_END_DECLS
