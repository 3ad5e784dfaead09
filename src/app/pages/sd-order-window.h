/* sd-order-window.h — one order's lines: items, quantities, prices, its status, date and
 * total in the order's currency
 *
 * Opened from an order row of the Data page. Its customer opens on the Recommendations
 * page (the opener's "win.show-customer"), a line's product in its product view.
 */
#pragma once

#include <adwaita.h>

#include "sd-store.h"

G_BEGIN_DECLS

#define SD_TYPE_ORDER_WINDOW (sd_order_window_get_type ())
G_DECLARE_FINAL_TYPE (SdOrderWindow, sd_order_window, SD, ORDER_WINDOW, AdwWindow)

/* Opens order @order_id (orders.id) of @store in a window over @from's. */
SdOrderWindow *sd_order_window_show        (GtkWidget     *from,
                                            SdStore       *store,
                                            gint64         order_id);
/* TRUE until the order has been read. */
gboolean       sd_order_window_get_loading (SdOrderWindow *self);

G_END_DECLS
