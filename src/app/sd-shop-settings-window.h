/* sd-shop-settings-window.h — the shop's own settings: name, currency, time zone, order
 * numbers, the policies the chatbot quotes and shipping by region */
#pragma once

#include <adwaita.h>

#include "sd-store.h"

G_BEGIN_DECLS

#define SD_TYPE_SHOP_SETTINGS_WINDOW (sd_shop_settings_window_get_type ())
G_DECLARE_FINAL_TYPE (SdShopSettingsWindow, sd_shop_settings_window, SD, SHOP_SETTINGS_WINDOW, AdwPreferencesWindow)

/* Reads the settings in a worker (learning the order formats scans the orders), then
 * fills in; each field saves when applied, and the store says SD_STORE_CHANGED_SETTINGS. */
GtkWidget *sd_shop_settings_window_new (GtkWindow *parent,
                                        SdStore   *store);

G_END_DECLS
