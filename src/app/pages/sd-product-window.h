/* sd-product-window.h — a product's own view: figures, sales over time, who buys it,
 * what is bought with it, similar items
 *
 * Opened from a product anywhere (the Data page's products, the Overview's top products).
 * It reads the shop in jobs on their own connections; a buyer opens on the Recommendations
 * page through the window action "win.show-customer" of the window it was opened from.
 */
#pragma once

#include <adwaita.h>

#include "sd-store.h"

G_BEGIN_DECLS

#define SD_TYPE_PRODUCT_WINDOW (sd_product_window_get_type ())
G_DECLARE_FINAL_TYPE (SdProductWindow, sd_product_window, SD, PRODUCT_WINDOW, AdwWindow)

/* Opens product @product_id of @store in a window over @from's. */
SdProductWindow *sd_product_window_show       (GtkWidget       *from,
                                               SdStore         *store,
                                               gint64           product_id);
/* Shows another product in the same window. */
void             sd_product_window_set_product (SdProductWindow *self,
                                                gint64           product_id);
/* TRUE while the product's figures or its similar items are loading. */
gboolean         sd_product_window_get_loading (SdProductWindow *self);

G_END_DECLS
